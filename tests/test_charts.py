"""Charts: SVG drawn at build time from the data, with alt text and the data table beside it."""

from __future__ import annotations

import filecmp
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import Tag

from lscb_kb.core.units import UnitSpec
from lscb_kb.published.charts import (
    HATCHES,
    PALETTE,
    TEXT_COLOUR,
    Chart,
    Panel,
    Series,
    render_svg,
)

from .conftest import Built, Project


@pytest.fixture
def charts(make_project: Callable[[str], Project]) -> Project:
    return make_project("charts")


@pytest.fixture
def charts_built(built_root: Callable[[str], Built]) -> Built:
    """tests/roots/charts as it is, built fresh once for the tests that only read it."""
    return built_root("charts")


def _figures(project: Project, page: str) -> list[Tag]:
    return project.html(page).select("figure.lscb-chart")


def _svg(project: Project, page: str, index: int = 0) -> tuple[str, str]:
    """The chart's image URI and the SVG text it points at."""
    img = _figures(project, page)[index].select_one("img")
    assert img is not None
    src = str(img["src"])
    return src, (project.out / page).parent.joinpath(src).read_text("utf-8")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_chart_is_a_figure_with_alt_text_caption_and_its_table(charts_built: Built) -> None:
    charts, result = charts_built
    assert result.warnings == ""
    page = charts.html("budget")
    figure = page.select_one("figure#chart-budget-contributions")
    assert figure is not None
    img = figure.select_one("img")
    assert img is not None
    assert re.fullmatch(r"_images/chart-[0-9a-f]{20}\.svg", str(img["src"]))
    assert img.find_parent("a") is None  # no link to the bare file: the figure is the chart
    alt = str(img["alt"])
    assert alt.startswith("Horizontal bar chart: Shares of contributions.")
    assert "Test Council 61.4%; Test Police 38.1%; CAFCASS 0.5%" in alt
    caption = figure.select_one("figcaption")
    assert caption is not None
    assert "Shares of contributions" in caption.get_text()
    link = caption.select_one("a[href='#table-budget-contributions']")
    assert link is not None
    assert link.get_text() == "Contributions from partners"
    # The table the caption links to is on the page, with the same figures.
    table = page.select_one("#table-budget-contributions table")
    assert table is not None
    cells = [td.get_text(strip=True) for td in table.select("tbody td")]
    assert cells == ["61.4%", "38.1%", "0.5%", "100%"]
    # The SVG holds the figures as text, and no fonts or outside resources.
    _src, svg = _svg(charts, "budget")
    assert svg.lstrip().startswith("<?xml")
    labels = re.findall(r">([^<>]+)</text>", svg)
    assert {"61.4%", "38.1%", "0.5%", "Test Council", "CAFCASS"} <= {x.strip() for x in labels}
    assert "@font-face" not in svg
    assert not re.search(r"(xlink:)?href=\"(https?:|data:)", svg)
    assert "<script" not in svg


def test_chart_of_one_column_names_it_and_totals_are_not_drawn(charts_built: Built) -> None:
    charts, _result = charts_built
    figure = _figures(charts, "budget")[1]
    alt = str(figure.select_one("img")["alt"])  # type: ignore[index]
    assert alt == (
        "Bar chart: Actual expenditure. It shows actual expenditure, in pounds, for 2 rows. "
        "Employees £81,751; Serious case reviews £13,377."
    )
    _src, svg = _svg(charts, "budget", 1)
    assert "Actual expenditure (£)" in svg
    assert "£95,128" not in svg  # the total row is in the table, not a bar


def test_rows_of_different_units_are_drawn_as_separate_charts(charts_built: Built) -> None:
    charts, _result = charts_built
    alt = str(_figures(charts, "indicators")[0].select_one("img")["alt"])  # type: ignore[index]
    assert alt.startswith("2 bar charts, one for each row of the table")
    assert "Children who have been bullied: Thurrock 30.8%; England 28.8%." in alt
    assert "Hospital admissions: Thurrock 85.5 per 1,000; England 117.4 per 1,000." in alt
    _src, svg = _svg(charts, "indicators")
    assert "Per cent (%)" in svg
    assert "Rate per 1,000" in svg
    assert svg.count('<g id="axes_') == 2


def test_mixing_units_on_one_axis_is_refused_at_the_page_line(charts: Project) -> None:
    charts.edit("docs/indicators.md", ":facet:\n", "")
    result = charts.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/indicators.md:7: WARNING: data-chart 'indicators.latest': the figures to draw mix "
        "units (per cent (%), rate per 1,000), which one axis would misrepresent; draw one small "
        "chart per row with ':facet:', or choose rows and columns of one unit with ':rows:' and "
        "':columns:' [lscb.directive]"
    ]


def test_a_chart_without_its_table_on_the_page_warns(charts: Project) -> None:
    charts.edit("docs/budget.md", "```{data-table} budget.contributions\n```\n", "")
    result = charts.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/budget.md:7: WARNING: data-chart: the chart's data table is not on this page; add "
        "a data-table of the same table after the chart, or give the chart ':with-table:' "
        "(expected an element with id 'table-budget-contributions') [lscb.directive]"
    ]


def test_unknown_row_or_column_warns_with_a_hint(charts: Project) -> None:
    charts.edit("docs/budget.md", ":columns: actual", ":columns: actuals")
    result = charts.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/budget.md:15: WARNING: data-chart 'budget.expenditure': table has no column "
        "'actuals'; did you mean 'actual'? [lscb.directive]"
    ]


def test_with_table_draws_the_table_and_hides_small_counts(charts_built: Built) -> None:
    charts, _result = charts_built
    page = charts.html("deaths")
    assert page.select_one("figure#chart-deaths-by-area") is not None
    table = page.select_one("#table-deaths-by-area table")
    assert table is not None
    alt = str(page.select_one("figure img")["alt"])  # type: ignore[index]
    # Unexpected deaths are about individual children: 3 is hidden, and so is 12, from which
    # it could be worked back; the chart says so, and draws neither.
    assert "North: Expected 40, Unexpected [c] (not shown" in alt
    assert "South: Expected 25, Unexpected [c] (not shown" in alt
    _src, svg = _svg(charts, "deaths")
    values = re.findall(r'<text [^>]*class="value"[^>]*>([^<>]+)</text>', svg)
    assert sorted(values) == ["25", "40", "[c]", "[c]"]
    # No bar is drawn for a hidden count: four values, two bars.
    assert svg.count('<rect class="bar"') == 2


def test_colours_meet_wcag_aa_against_white_and_series_differ_by_pattern() -> None:
    white = 1.0
    for colour in (*PALETTE, TEXT_COLOUR):
        ratio = (white + 0.05) / (_luminance(colour) + 0.05)
        assert ratio >= 4.5, (colour, ratio)
    assert len(set(HATCHES)) == len(HATCHES) == len(PALETTE)


def test_charts_are_the_same_from_parallel_and_serial_builds(
    charts: Project, tmp_path: Path
) -> None:
    serial = tmp_path / "serial" / "html"
    parallel = tmp_path / "parallel" / "html"
    assert charts.build(fresh=True, out=serial).warnings == ""
    assert charts.build(fresh=True, parallel=2, out=parallel).warnings == ""
    files = sorted(
        p.relative_to(serial) for p in serial.rglob("*") if p.suffix in (".html", ".svg")
    )
    assert len([f for f in files if f.suffix == ".svg"]) == 4
    _match, mismatch, errors = filecmp.cmpfiles(serial, parallel, files, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_editing_the_data_redraws_the_chart(charts: Project) -> None:
    charts.build(fresh=True)
    before, svg = _svg(charts, "budget", 1)
    assert "£13,377" in svg
    charts.edit("data/2009-10/budget.yaml", "actual: 13377", "actual: 13378")
    result = charts.build()
    assert "budget" in result.read
    after, svg = _svg(charts, "budget", 1)
    assert after != before
    assert "£13,378" in svg
    assert "£13,377" not in svg
    alt = str(_figures(charts, "budget")[1].select_one("img")["alt"])  # type: ignore[index]
    assert "Serious case reviews £13,378" in alt


def test_the_chart_is_html_only(charts: Project) -> None:
    """Other builders get the text alternative in place of the picture."""
    result = charts.sphinx_build("-b", "text")
    assert result.returncode == 0, result.stderr
    out = (charts.out / "budget.txt").read_text("utf-8")
    assert "Horizontal bar chart: Shares of contributions." in out


def _bars(svg: str) -> list[dict[str, float]]:
    found = re.findall(
        r'<rect class="bar" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', svg
    )
    return [dict(zip(("x", "y", "w", "h"), map(float, bar), strict=True)) for bar in found]


@pytest.mark.parametrize("kind", ["bar", "barh"])
def test_negative_figures_are_drawn_on_the_other_side_of_zero(kind: str) -> None:
    change = Series("Change", (Decimal("-2.5"), Decimal("4.0"), Decimal("0")))
    panel = Panel("", ("North", "South", "West"), (change,), UnitSpec(unit="percent"))
    svg = render_svg(Chart(kind, "Change on last year", (panel,)))  # type: ignore[arg-type]
    values = re.findall(r'<text [^>]*class="value"[^>]*>([^<>]+)</text>', svg)
    assert values == ["-2.5%", "4.0%", "0%"]
    negative, positive = _bars(svg)  # no bar for zero
    ticks = re.findall(
        r'<text x="[^"]+" y="[^"]+"(?: text-anchor="[a-z]+")?>(-?[0-9.,]+)</text>', svg
    )
    assert any(t.startswith("-") for t in ticks)
    if kind == "bar":  # the two bars meet at the zero line from either side
        assert negative["y"] == pytest.approx(positive["y"] + positive["h"], abs=0.02)
        assert negative["h"] / positive["h"] == pytest.approx(2.5 / 4.0, rel=0.01)
    else:
        assert negative["x"] + negative["w"] == pytest.approx(positive["x"], abs=0.02)
        assert negative["w"] / positive["w"] == pytest.approx(2.5 / 4.0, rel=0.01)
