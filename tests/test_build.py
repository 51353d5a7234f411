"""Build tests on the small project in tests/roots/basic: HTML, warnings, incremental, parallel."""

from __future__ import annotations

import filecmp
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Built, Project


@pytest.fixture
def basic(built_root: Callable[[str], Built]) -> Built:
    """tests/roots/basic as it is, built fresh once for the tests that only read it."""
    return built_root("basic")


def test_table_is_an_accessible_html_table(basic: Built) -> None:
    project, result = basic
    assert result.warnings == ""
    page = project.html("index")
    table = page.select_one("table.lscb-table")
    assert table is not None
    assert table.caption is not None
    assert table.caption.get_text(strip=True).startswith("Actual expenditure")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Expenditure",
        "Actual expenditure",
    ]
    rows = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr")
    ]
    assert rows == [
        ["Employees", "£81,751"],
        ["Serious case reviews", "£13,377"],
        ["Total", "£95,128"],
    ]
    assert [th.name for th in table.select("tbody tr th")] == ["th", "th", "th"]
    assert "lscb-total" in table.select("tbody tr")[-1]["class"]
    source = page.select_one("p.lscb-source")
    assert source is not None
    assert source.get_text(" ", strip=True).startswith("Source: [ Test Board, 2010 ] , section 3.5")
    assert source.select_one("a[href^='references.html#']") is not None


def test_role_puts_formatted_figure_into_prose(basic: Built) -> None:
    project, _result = basic
    figure = project.html("index").select_one("p span.lscb-figure")
    assert figure is not None
    assert figure.get_text() == "£81,751"
    indicator = project.html("indicators").select_one("span.lscb-figure")
    assert indicator is not None
    assert indicator.get_text() == "73.5%"
    cells = [td.get_text(strip=True) for td in project.html("indicators").select("tbody td")]
    # A row whose unit differs from its column's says so in each cell.
    assert cells == ["73.5%", "67.1%", "85.5 per 1,000", "117.4 per 1,000"]
    headers = [th.get_text(strip=True) for th in project.html("indicators").select("tbody th")]
    assert headers == ["Initial assessments in 7 days", "Hospital admissions"]


def test_data_string_arrives_as_text(project: Project) -> None:
    project.edit("data/2009-10/budget.yaml", "item: Employees", "item: <script>alert(1)</script>")
    project.build(fresh=True)
    html = (project.out / "index.html").read_text("utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_address_warns_at_page_line(project: Project) -> None:
    project.edit(
        "docs/indicators.md", "initial-assessments/thurrock", "initial-assessment/thurrock"
    )
    project.edit("docs/indicators.md", "{data-table} indicators.latest", "{data-table} indicator")
    result = project.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/indicators.md:3: WARNING: fig 'indicators.latest/initial-assessment/thurrock': "
        "table 'indicators.latest' has no row 'initial-assessment'; did you mean "
        "'initial-assessments'? [lscb.address]",
        "docs/indicators.md:5: WARNING: data-table 'indicator': no data file with id "
        "'indicator' for 2009-10; did you mean 'indicators'? [lscb.address]",
    ]


def test_data_problem_warns_at_data_file_line(project: Project) -> None:
    project.edit("data/2009-10/indicators.yaml", "england: 117.4", "england: -117.4")
    result = project.build(fresh=True)
    assert result.warnings.splitlines()[0] == (
        "data/2009-10/indicators.yaml:15:107: WARNING: tables.latest.rows[1].england: must be "
        "a rate of at least 0, got -117.4 [lscb.data]"
    )


def test_editing_data_rereads_only_the_pages_that_use_it(project: Project) -> None:
    first = project.build(fresh=True)
    assert first.read == ["index", "indicators", "plain", "references"]
    again = project.build()
    assert again.read == []
    project.edit("data/2009-10/indicators.yaml", "thurrock: 73.5", "thurrock: 74.5")
    after = project.build()
    assert after.read == ["indicators"]
    assert "74.5%" in project.html("indicators").select_one("span.lscb-figure").get_text()
    project.edit("data/2009-10/budget.yaml", "actual: 13377", "actual: 13378")
    after = project.build()
    assert after.read == ["index"]
    assert "£13,378" in project.html("index").select_one("table").get_text()


def test_parallel_build_gives_the_same_html(project: Project, tmp_path: Path) -> None:
    serial = tmp_path / "serial" / "html"
    parallel = tmp_path / "parallel" / "html"
    assert project.build(fresh=True, out=serial).warnings == ""
    assert project.build(fresh=True, parallel=2, out=parallel).warnings == ""
    pages = sorted(p.relative_to(serial) for p in serial.rglob("*.html"))
    assert pages
    _match, mismatch, errors = filecmp.cmpfiles(serial, parallel, pages, shallow=False)
    assert (mismatch, errors) == ([], [])
