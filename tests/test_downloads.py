"""Downloads: every dataset as CSV and JSON that load back to the same figures; the data page."""

from __future__ import annotations

import csv
import filecmp
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lscb_kb.core import Catalogue
from lscb_kb.core.models import FiguresDataset, RegisterDataset, TablesDataset
from lscb_kb.provenance import build_info
from lscb_kb.published.disclosure import Suppressed, policy_of, publishable_table
from lscb_kb.published.export import all_files, downloads_of
from lscb_kb.published.view import published_view

from .conftest import REPO, Built, Project

DATA = "_downloads/data/2009-10"


@pytest.fixture
def charts(make_project: Callable[[str], Project]) -> Project:
    return make_project("charts")


@pytest.fixture
def charts_built(built_root: Callable[[str], Built]) -> Built:
    """tests/roots/charts as it is, built fresh once for the tests that only read it."""
    return built_root("charts")


def _csv(project: Project, name: str) -> list[dict[str, str]]:
    path = project.out / DATA / name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _json(project: Project, name: str) -> dict[str, Any]:
    return json.loads((project.out / DATA / name).read_text("utf-8"))  # type: ignore[no-any-return]


def _same(text: str, value: object) -> bool:
    """A CSV cell holds *value*: the same number, or the same text."""
    if value is None:
        return text == ""
    if isinstance(value, int | Decimal):
        return Decimal(text) == Decimal(value)
    return text == str(value)


def test_every_table_loads_back_to_the_same_figures(charts_built: Built) -> None:
    charts, result = charts_built
    assert result.warnings == ""
    catalogue = Catalogue.load(charts.root)
    checked = 0
    for entry in catalogue.entries.values():
        dataset = entry.dataset
        if not isinstance(dataset, TablesDataset):
            continue
        published_all = {
            name: publishable_table(dataset, name, policy_of(catalogue.settings))
            for name in dataset.tables
        }
        for name, table in dataset.tables.items():
            rows = _csv(charts, f"{entry.id}.{name}.csv")
            data = _json(charts, f"{entry.id}.{name}.json")
            published = published_all[name]
            originals = [*table.rows, *([table.total] if table.total else [])]
            cells = [*published.rows, *([published.total] if published.total else [])]
            # The CSV holds the rows; the total row is the JSON's "total" only.
            assert [r["key"] for r in rows] == [str(o.get("key")) for o in table.rows]
            json_rows = [*data["rows"], *([data["total"]] if data["total"] else [])]
            assert len(json_rows) == len(originals)
            for row, json_row, original, cell in zip(
                rows, json_rows, originals, cells, strict=False
            ):
                assert row["source"] == "Annual Report 2009/10" + (
                    f", section {table.section or dataset.section}"
                    if table.section or dataset.section
                    else ""
                )
                for column in table.columns:
                    unit = {"percent": " (%)", "money": " (£)", "count": " (number)"}.get(
                        column.unit, ""
                    )
                    shown = row[f"{column.label}{unit}"]
                    value = cell.get(column.key)
                    if isinstance(value, Suppressed):
                        assert shown == "[c]"
                        assert json_row[column.key] == "[c]"
                        continue
                    assert _same(shown, original.get(column.key))
                    if isinstance(value, int | Decimal):
                        assert Decimal(str(json_row[column.key])) == Decimal(value)
                    else:
                        assert json_row[column.key] == value
                    checked += 1
            assert data["source"] == dataset.source
            assert data["period"] == (table.period or dataset.period)
            assert data["licence"]["name"] == "Open Government Licence v3.0"
            assert [c["key"] for c in data["columns"]] == [c.key for c in table.columns]
    assert checked > 20


def test_headings_carry_units_and_money_keeps_its_pence(charts_built: Built) -> None:
    charts, _result = charts_built
    text = (charts.out / DATA / "budget.expenditure.csv").read_text("utf-8-sig")
    assert text.splitlines()[0] == (
        "key,Expenditure,Actual expenditure (£),Planned expenditure (£),source,"
        "built from commit,build date"
    )
    assert any(
        line.startswith('employees,Employees,81751,80000.50,"Annual Report 2009/10, section 3.5",')
        for line in text.splitlines()
    )
    rows = _csv(charts, "indicators.latest.csv")
    # A row whose unit differs from its column's says so.
    assert rows[1]["row unit (where it differs from the column's)"] == "per 1,000"
    assert rows[0]["row unit (where it differs from the column's)"] == ""
    assert _json(charts, "indicators.latest.json")["rows"][1]["unit"] == "rate"


def test_small_counts_about_children_are_hidden_in_downloads(charts_built: Built) -> None:
    charts, _result = charts_built
    rows = _csv(charts, "deaths.by-area.csv")
    assert [r["Unexpected (number)"] for r in rows] == ["[c]", "[c]"]
    text = (charts.out / DATA / "deaths.by-area.csv").read_text("utf-8-sig")
    assert ",3," not in text and ",12," not in text
    data = _json(charts, "deaths.by-area.json")
    assert [r["unexpected"] for r in data["rows"]] == ["[c]", "[c]"]
    assert data["total"]["unexpected"] == 15
    package = json.loads((charts.out / "_downloads/data/datapackage.json").read_text("utf-8"))
    (deaths,) = [r for r in package["resources"] if r["path"] == "2009-10/deaths.by-area.csv"]
    assert "Unexpected (number) 15" in deaths["description"]
    assert "3" not in deaths["description"].replace("2009", "")
    assert data["suppressed"].startswith("[c]: not shown")


def test_figures_and_registers_download_too(charts_built: Built) -> None:
    charts, _result = charts_built
    catalogue = Catalogue.load(charts.root)
    facts = catalogue.entry("facts").dataset
    assert isinstance(facts, FiguresDataset)
    rows = _csv(charts, "facts.csv")
    assert [(r["key"], r["value"], r["unit"]) for r in rows] == [
        ("meetings", "4", "number"),
        ("income", "104752", "£"),
    ]
    assert {r["source"] for r in rows} == {"Annual Report 2009/10"}
    assert [f["value"] for f in _json(charts, "facts.json")["figures"]] == [4, 104752]
    findings = catalogue.entry("findings").dataset
    assert isinstance(findings, RegisterDataset)
    records = _csv(charts, "findings.csv")
    assert [r["id"] for r in records] == [r.id for r in findings.records]
    assert records[1]["topics"] == "budget; governance"
    assert records[0]["status"] == "Open"
    data = _json(charts, "findings.json")
    assert [r["id"] for r in data["records"]] == ["QA-0910-01", "QA-0910-02"]
    assert data["records"][0]["finding"] == "More children report bullying than across England."


def test_data_page_lists_every_dataset_with_its_links(charts_built: Built) -> None:
    charts, _result = charts_built
    page = charts.html("data")
    table = page.select_one("table.lscb-catalogue-table")
    assert table is not None
    assert table.caption is not None
    assert table.caption.get_text(strip=True).startswith("Datasets for 2009/10")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Dataset",
        "Period",
        "Source",
        "Licence",
        "Downloads",
    ]
    rows = table.select("tbody tr")
    titles = [r.find(["th", "td"]).get_text(strip=True) for r in rows]  # type: ignore[union-attr]
    assert titles == [
        "Budget 2009/10",
        "Child deaths",
        "Figures in the text",
        "Findings and actions",
        "Performance indicators",
    ]
    budget = rows[0].get_text(" ", strip=True)
    assert "April 2009 to March 2010" in budget
    assert "Open Government Licence v3.0" in budget
    assert rows[0].select_one("a[href^='references.html#']") is not None  # the citation
    links = [str(a["href"]) for a in page.select("a.lscb-download")]
    assert len(links) == 2 * 6 + 1  # and the data package
    for href in links:
        assert (charts.out / href).is_file(), href
    assert page.select_one("a[href^='https://www.nationalarchives.gov.uk/']") is not None


def test_data_page_is_read_again_when_what_it_lists_changes(charts: Project) -> None:
    charts.build(fresh=True)
    # A figure edit changes the downloads, not the list of files: the page is not read again.
    charts.edit("data/2009-10/facts.yaml", "value: 4", "value: 5")
    result = charts.build()
    assert "data" not in result.read
    assert "budget" not in result.read
    assert [r["value"] for r in _csv(charts, "facts.csv")] == ["5", "104752"]
    # A new title is listed, so the page is read again.
    charts.edit("data/2009-10/facts.yaml", "Figures in the text", "Figures quoted in the text")
    result = charts.build()
    assert "data" in result.read
    assert "Figures quoted in the text" in charts.html("data").get_text()
    charts.edit("data/2009-10/facts.yaml", "Figures quoted in the text", "Figures in the text")
    charts.build()
    charts.write(
        "data/2009-10/extra.yaml",
        (charts.root / "data/2009-10/facts.yaml")
        .read_text("utf-8")
        .replace("id: facts", "id: extra")
        .replace("Figures in the text", "Extra figures"),
    )
    result = charts.build()
    assert "data" in result.read
    assert "Extra figures" in charts.html("data").get_text()
    assert (charts.out / DATA / "extra.csv").is_file()
    (charts.root / "data/2009-10/extra.yaml").unlink()
    charts.build()
    assert not (charts.out / DATA / "extra.csv").exists()  # no download outlives its data


def test_downloads_are_the_same_from_parallel_and_serial_builds(
    charts: Project, tmp_path: Path
) -> None:
    serial = tmp_path / "serial" / "html"
    parallel = tmp_path / "parallel" / "html"
    charts.build(fresh=True, out=serial)
    charts.build(fresh=True, parallel=2, out=parallel)
    files = sorted(p.relative_to(serial) for p in (serial / "_downloads").rglob("*.*"))
    assert len(files) == 12 + 1  # and the data package
    _match, mismatch, errors = filecmp.cmpfiles(serial, parallel, files, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_every_shipped_dataset_downloads_as_csv_and_json_with_the_same_figures() -> None:
    """The real data: each table's CSV and JSON hold the cells the pages publish."""
    catalogue = Catalogue.load(REPO)
    assert catalogue.problems == []
    files = dict(all_files(catalogue))
    view = published_view(catalogue)
    tables = 0
    for entry in catalogue.entries.values():
        dataset = entry.dataset
        for download in downloads_of(entry):
            assert download.path("csv") in files
            assert download.path("json") in files
        if not isinstance(dataset, TablesDataset):
            continue
        for name, table in dataset.tables.items():
            stem = f"{DATA.replace('2009-10', str(entry.year))}/{entry.id}.{name}"
            rows = list(csv.reader(io.StringIO(files[f"{stem}.csv"])))
            data = json.loads(files[f"{stem}.json"])
            published = view.table(entry, name)
            cells = [*published.rows, *([published.total] if published.total else [])]
            json_rows = [*data["rows"], *([data["total"]] if data["total"] else [])]
            assert len(rows) - 1 == len(published.rows) == len(data["rows"])
            assert len(cells) == len(json_rows)
            for line, json_row, cell in zip(rows[1:], json_rows, cells, strict=False):
                for index, column in enumerate(table.columns, start=1):
                    value = cell.get(column.key)
                    if isinstance(value, Suppressed):
                        assert line[index] == json_row[column.key] == str(value)
                    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
                        assert Decimal(line[index]) == Decimal(value)
                        assert Decimal(str(json_row[column.key])) == Decimal(value)
                    else:
                        assert _same(line[index], value)
            tables += 1
    assert tables == sum(
        len(e.dataset.tables)
        for e in catalogue.entries.values()
        if isinstance(e.dataset, TablesDataset)
    )
    assert tables > 10


def test_every_download_and_page_carries_commit_and_build_date(
    charts: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_info.cache_clear()
    monkeypatch.setenv("LSCB_COMMIT", "0123456789abcdef0123")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023
    try:
        charts.build(fresh=True)
    finally:
        build_info.cache_clear()
    for path in sorted((charts.out / DATA).rglob("*.csv")):
        rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
        assert rows, path
        assert {(r["built from commit"], r["build date"]) for r in rows} == {
            ("0123456789abcdef0123", "2023-11-14")
        }, path
    for path in sorted((charts.out / DATA).rglob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        assert data["build"] == {"commit": "0123456789abcdef0123", "date": "2023-11-14"}, path


def test_a_csv_download_opens_in_excel_with_its_pound_signs(charts_built: Built) -> None:
    """Excel reads a CSV opened by double-click as UTF-8 only if it starts with a byte order
    mark; without one, "£" shows as "Â£"."""
    charts, _result = charts_built
    for path in sorted((charts.out / DATA).rglob("*.csv")):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
    data = (charts.out / DATA / "budget.expenditure.csv").read_bytes()
    assert "£".encode() in data
    assert "Â£".encode() not in data


def test_the_data_package_describes_every_csv_as_it_is_written(charts_built: Built) -> None:
    """datapackage.json (a Frictionless Data Package): one resource per CSV, whose fields are the
    file's header in order, typed by unit, with the symbols that stand for figures as missing
    values, the source's title and the licence. `nox -s open-data` validates it with
    frictionless."""
    charts, _result = charts_built
    base = charts.out / "_downloads" / "data"
    package = json.loads((base / "datapackage.json").read_text("utf-8"))
    written = sorted(p.relative_to(base).as_posix() for p in (base).rglob("*.csv"))
    resources = {r["path"]: r for r in package["resources"]}
    assert sorted(resources) == written
    assert len({r["name"] for r in package["resources"]}) == len(written)
    for path, resource in resources.items():
        header = next(csv.reader(io.StringIO((base / path).read_text("utf-8-sig"))))
        assert [f["name"] for f in resource["schema"]["fields"]] == header, path
        assert {"", "[c]", "not reported"} <= set(resource["schema"]["missingValues"])
        assert resource["licenses"][0]["path"].startswith("https://")
    deaths = {
        f["name"]: f["type"] for f in resources["2009-10/deaths.by-area.csv"]["schema"]["fields"]
    }
    assert deaths["Unexpected (number)"] == "integer"
    assert deaths["build date"] == "date"
    spent = resources["2009-10/budget.expenditure.csv"]
    fields = {f["name"]: f["type"] for f in spent["schema"]["fields"]}
    assert fields["Actual expenditure (£)"] in ("integer", "number")
    assert spent["sources"][0]["title"].startswith("Annual Report")


def test_a_spreadsheet_sum_of_a_shipped_csv_column_is_its_tables_total() -> None:
    """A total row is not a row of the CSV, so summing a column, as a spreadsheet user does,
    gives the total the page shows; the data package says where the total went and what it is."""
    catalogue = Catalogue.load(REPO)
    files = dict(all_files(catalogue))
    view = published_view(catalogue)
    package = json.loads(files["_downloads/data/datapackage.json"])
    described = {r["path"]: r.get("description", "") for r in package["resources"]}
    summed = 0
    for entry in catalogue.entries.values():
        dataset = entry.dataset
        if not isinstance(dataset, TablesDataset):
            continue
        for name, table in dataset.tables.items():
            stem = f"{entry.year}/{entry.id}.{name}"
            rows = list(csv.DictReader(io.StringIO(files[f"_downloads/data/{stem}.csv"])))
            total = view.table(entry, name).total
            assert {r["key"] for r in rows}.isdisjoint(
                {"total", str(table.total and table.total.get("key"))}
            )
            if total is None:
                assert "total row" not in described[f"{stem}.csv"]
                continue
            assert "total row" in described[f"{stem}.csv"], stem
            for column in table.columns:
                value = total.get(column.key)
                if not isinstance(value, int | Decimal) or isinstance(value, bool):
                    continue
                heading = next(
                    h for h in rows[0] if h.startswith(view.text(column.label, entry.year))
                )
                cells = [r[heading] for r in rows]
                assert f"{heading} {value}" in described[f"{stem}.csv"]
                if column.unit == "percent" or not all(
                    c.lstrip("-").replace(".", "").isdigit() for c in cells
                ):
                    continue  # a share's total is 100 by rounding; a hidden part leaves no sum
                assert sum(Decimal(c) for c in cells) == Decimal(value), (stem, column.key)
                summed += 1
    assert summed >= 15


@pytest.mark.xdist_group("shipped-site")
def test_each_table_links_its_downloads_beside_it(shipped_site: Built) -> None:
    site, _result = shipped_site
    page = site.html("governance/budget")
    tables = page.select("main table")
    assert tables
    for table in tables:
        block = table.find_parent(class_="lscb-dataset")
        if block is None:
            continue  # a table that is not a data file's (a trend, a page's own)
        links = block.select("p.lscb-table-downloads a")
        assert [a.get_text() for a in links] == ["CSV", "JSON"], block.get_text(" ")[:200]
        for link in links:
            target = (site.out / "governance" / link["href"]).resolve()
            assert target.is_file(), link["href"]
            assert target.suffix == f".{link.get_text().lower()}"
