"""Starting a second year: no code change, both years on the site, trends, carried records."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from lscb_kb.core import Catalogue
from lscb_kb.core.models import FiguresDataset, RegisterDataset, TablesDataset
from lscb_kb.core.newyear import _wording, quoted_years, shift_years, start_year
from lscb_kb.published.view import published_view

from .conftest import REPO, Built, Project


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A copy of the shipped knowledge base."""
    root = tmp_path / "kb"
    for folder in ("conf", "data", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    monkeypatch.chdir(root)
    return Project(root)


@pytest.mark.xdist_group("shipped-site")
def test_shipped_site_shows_no_trend_until_a_year_is_added(shipped_site: Built) -> None:
    site, result = shipped_site
    assert result.warnings == ""
    page = site.html("quality-assurance/performance-indicators")
    assert page.select("table.lscb-trend") == []
    assert site.html("years/2009-10/index").select("table.lscb-across-years") == []
    # Every page names the commit and date it was built from, and links to its source and its
    # data, in the footer's "About this page", out of the reading flow.
    about = page.select_one("footer details.lscb-about-page")
    assert about is not None
    assert page.select_one("main .lscb-edit, main .lscb-build") is None
    build = about.select_one("p.lscb-build")
    assert build is not None
    assert build.get_text(" ", strip=True).startswith("Built from commit")
    edit = [a["href"] for a in about.select("a") if a.get_text() == "Edit this page"]
    assert edit == [
        "https://github.com/thurrock-lscb/knowledge-base/edit/main/docs/quality-assurance/"
        "performance-indicators.md"
    ]
    data_edit = about.select_one(".lscb-edit a")
    assert data_edit is not None
    assert data_edit["href"].endswith("/edit/main/data/2009-10/indicators.yaml")


def test_new_year_shows_both_years_a_trend_and_carried_records(site: Project) -> None:
    result = site.cli_subprocess("new-year", "2010-11")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote data/2010-11/indicators.yaml" in result.stdout
    indicators = site.root / "data" / "2010-11" / "indicators.yaml"
    yaml = YAML(typ="rt")
    document = yaml.load(indicators)
    rows = {row["key"]: row for row in document["tables"]["indicators"]["rows"]}
    rows["initial-assessments"]["thurrock"] = 77.2  # an invented figure for the new year
    with indicators.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
    # The check insists on the new year's report as a source, once, at the first file citing it.
    check = site.cli("check")
    assert check.returncode == 1, check.stdout
    placeholder = [line for line in check.stdout.splitlines() if "'report-2010-11'" in line]
    assert len(placeholder) == 1, check.stdout
    assert "add that year's annual report to data/references.bib" in placeholder[0]
    with (site.root / "data" / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write(REPORT_2010_11)
    check = site.cli("check")
    assert check.returncode == 0, check.stdout
    # ... and lists, per file, what is still to be entered or updated.
    assert "data/2010-11/indicators.yaml:" in check.stdout
    assert re.search(
        r"data/2010-11/indicators\.yaml:\d+: \d+ figures not yet entered", check.stdout
    )
    assert re.search(r"data/2010-11/priorities\.yaml:\d+:\d+: PRI-0910-01 is carried", check.stdout)

    assert site.build(fresh=True).warnings == ""
    years = [a.get_text(strip=True) for a in site.html("years/index").select("li a")]
    assert "Data for the 2010/11 report" in years
    assert "Data for the 2009/10 report" in years

    page = site.html("quality-assurance/performance-indicators")
    trends = page.select("table.lscb-trend")
    assert len(trends) == 1  # only the indicator with figures in both years
    rows = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in trends[0].select("tbody tr")
    ]
    assert rows == [["2009/10", "73.5%"], ["2010/11", "77.2%"]]
    charts = page.select("figure.lscb-trend-chart img")
    assert len(charts) == 1  # a chart beside the trend table, drawn as SVG
    assert charts[0]["src"].endswith(".svg")
    assert "2009/10" in charts[0]["alt"] and "2010/11" in charts[0]["alt"]
    assert (site.out / "quality-assurance" / charts[0]["src"]).resolve().is_file()
    # The 2009/10 pages keep their figures.
    assert "73.5%" in [s.get_text() for s in page.select("span.lscb-figure")]

    # The new year's page has every figure that both years report, with both years' values.
    across = site.html("years/2010-11/index").select("table.lscb-across-years")
    assert len(across) == 1
    cells = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in across[0].select("tbody tr")
    ]
    assert [th.get_text(strip=True) for th in across[0].select("thead th")][1:] == [
        "2009/10",
        "2010/11",
    ]
    assert any(row[1:] == ["73.5%", "77.2%"] for row in cells), cells
    assert all(len(row) == 3 and row[2] != "not reported" for row in cells)
    assert site.html("years/2009-10/index").select("table.lscb-across-years") != []
    heading = site.html("years/2010-11/index").select_one("#pri-0910-01")
    assert heading is not None
    record = heading.find_parent(class_="lscb-record")
    assert record is not None
    text = record.get_text(" ", strip=True)
    assert "History" in text and "2009/10: In progress (status at the end of 2009/10)" in text
    # Topic pages show the latest year first, with earlier years beneath.
    topic = site.html("topics/priorities").get_text(" ", strip=True)
    assert "(2010/11)" in topic and "(2009/10)" in topic
    assert topic.index("(2010/11)") < topic.index("(2009/10)")
    closed = site.html("years/2010-11/index").select("div.lscb-record .sd-bg-success")
    assert closed == []  # records that were done are not carried forward

    # The 2009/10 page shows where the record stands in the later year, and follows it.
    assert _later_status(site, "pri-0910-01") == "In progress ; in 2010/11: Carried forward"
    priorities = site.root / "data" / "2010-11" / "priorities.yaml"
    text = priorities.read_text("utf-8")
    start = text.index("id: PRI-0910-01")
    at = text.index("status: carried-forward", start)
    priorities.write_text(text[:at] + "status: done" + text[at + len("status: carried-forward") :])
    assert "years/2009-10/index" in site.build().read
    assert _later_status(site, "pri-0910-01") == "In progress ; in 2010/11: Done"


def _later_status(site: Project, anchor: str) -> str:
    heading = site.html("years/2009-10/index").select_one(f"#{anchor}")
    assert heading is not None
    record = heading.find_parent(class_="lscb-record")
    assert record is not None
    status = record.select_one("p.lscb-record-status")
    assert status is not None
    return status.get_text(" ", strip=True).removeprefix("Status: ")


REPORT_2010_11 = """
@techreport{report-2010-11,
  author      = {{Thurrock Local Safeguarding Children Board}},
  title       = {{Annual Report 2010/11}},
  institution = {Thurrock Local Safeguarding Children Board},
  year        = {2011},
}
"""


def test_shift_years_moves_each_reporting_year_on_and_leaves_quotations() -> None:
    assert shift_years("Cases discussed in 2009/10", 1) == "Cases discussed in 2010/11"
    assert shift_years("2008/09 (latest available)", 1) == "2009/10 (latest available)"
    assert shift_years("April 2009-2010 and 09/10", 1) == "April 2010-2011 and 10/11"
    assert shift_years('on 2008/09, as printed ("down 2.5% on 08/09")', 1) == (
        'on 2009/10, as printed ("down 2.5% on 08/09")'
    )
    # Not reporting years: a calendar year, a date, an age range, a count.
    for text in ("November 2009", "12/05/2009", "aged 10-11", "2009/12", "1,234/56"):
        assert shift_years(text, 1) == text
    assert quoted_years('as printed ("down 2.5% on 08/09")') == ['"down 2.5% on 08/09"']


def test_a_started_year_holds_no_copied_figures_and_its_wording_is_re_dated(
    site: Project,
) -> None:
    before = Catalogue.load(site.root)
    start_year(before.settings, "2010-11")
    after = Catalogue.load(site.root)
    view = published_view(after)
    started = {e.id: e for (year, _i), e in after.entries.items() if year == "2010-11"}
    assert started
    for (year, ident), old in before.entries.items():
        if year != "2009-10" or ident not in started:
            continue
        new = started[ident]
        assert new.dataset.source == "report-2010-11", new.path
        if isinstance(new.dataset, TablesDataset | FiguresDataset):
            # No figure of the last year under the new year's name.
            for ref in after.figures():
                if ref.entry is new and ref.address not in after.formulas:
                    assert ref.value is None or ref.spec.unit == "text", ref.address
                if ref.entry is new:  # a blank is "not yet entered", never a silent dash
                    assert view.figure(ref).text != "–", ref.address
            old_wording = dict(_wording(old))
            for path, text in _wording(new):
                assert text == shift_years(old_wording[path], 1), (new.path, path)
                # the last year's name stands only where the year before it stood
                assert _unquoted(text).count("2009/10") == _unquoted(old_wording[path]).count(
                    "2008/09"
                ), (new.path, path, text)
        if isinstance(new.dataset, RegisterDataset):
            for record in new.dataset.records:
                assert record.status == "carried-forward", record.id
                text = json.dumps(record.model_dump(mode="json"))
                for address in re.findall(r"\{fig\}`([^`]+)`", text):
                    assert address.startswith("2009-10:"), (record.id, address)


def _unquoted(text: str) -> str:
    return re.sub(r'"[^"]*"|\u201c[^\u201d]*\u201d', "", text)


def test_new_year_refuses_a_year_that_exists(site: Project) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lscb_kb.cli", "new-year", "2009-10"],
        cwd=site.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "the year 2009-10 exists already" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_years_labels_may_not_be_another_years(site: Project) -> None:
    """A file copied by hand keeps the last year's wording; a label may not name a later year."""
    result = site.cli("new-year", "2010-11")
    assert result.returncode == 0, result.stdout + result.stderr
    with (site.root / "data" / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write(REPORT_2010_11)
    assert site.cli("check").returncode == 0  # what new-year wrote is re-dated
    # The 2009/10 file copied over the new one, as someone might by hand.
    old = (site.root / "data" / "2009-10" / "finance.yaml").read_text("utf-8")
    copied = site.root / "data" / "2010-11" / "finance.yaml"
    copied.write_text(old, "utf-8")
    check = site.cli("check")
    assert check.returncode == 1
    lines = [line for line in check.stdout.splitlines() if "word for word" in line]
    assert lines, check.stdout
    first = lines[0]
    assert first.startswith("data/2010-11/finance.yaml:")
    assert "the 2009/10 file's (data/2009-10/finance.yaml)" in first
    assert "for 2010/11 write '" in first and "2010/11" in first.split("write '", 1)[1]
    # A label naming a year more than one after the file's own (a report plans for the next).
    started = (site.root / "data" / "2010-11" / "context.yaml").read_text("utf-8")
    assert "label: " in started
    text = re.sub(r"label: (.*)", r"label: \1 in 2012/13", started, count=1)
    (site.root / "data" / "2010-11" / "context.yaml").write_text(text, "utf-8")
    later = [line for line in site.cli("check").stdout.splitlines() if "a year after" in line]
    assert len(later) == 1 and later[0].startswith("data/2010-11/context.yaml:")
    assert "names 2012/13, more than a year after this file's 2010/11" in later[0]
