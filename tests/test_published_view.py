"""The published view: a hidden count can not be read, or worked out, anywhere the site shows it.

Every renderer reads figures through :class:`lscb_kb.published.view.PublishedView`. These
tests build sites whose data hide counts and read what was written: the table's page, the year
page, prose that names the cells, figures derived from them (percentages, shares, totals,
formulas), the notes on the figures and the downloads.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lscb_kb.checks.rules import evaluate
from lscb_kb.core import Catalogue
from lscb_kb.core.prose import prose_text
from lscb_kb.published.disclosure import Line, determined_cells
from lscb_kb.published.view import published_view
from lscb_kb.sphinxext.parser import SafeRenderer

from .conftest import REPO, Project, SharedBuilds, copy_root, copy_shipped

SYMBOL = "[c]"


def _tables(html: Path) -> dict[str, list[list[str]]]:
    """Every table of a written page by its caption, as the text of each cell."""
    soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    found: dict[str, list[list[str]]] = {}
    for table in soup.find_all("table"):
        caption = table.find("caption")
        name = caption.get_text(" ", strip=True).rstrip("¶ ") if caption else ""
        rows = []
        for tr in table.find_all("tr"):
            rows.append(
                [" ".join(c.get_text(" ", strip=True).split()) for c in tr.find_all(["td", "th"])]
            )
        found[name] = rows
    return found


def _page_text(html: Path) -> str:
    soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    main = soup.find(attrs={"role": "main"}) or soup.body
    assert main is not None
    return " ".join(main.get_text(" ", strip=True).split())


# -- a random protected table ----------------------------------------------------------------


@st.composite
def protected_tables(draw: st.DrawFn) -> dict[str, object]:
    rows = draw(st.integers(min_value=2, max_value=5))
    columns = draw(st.integers(min_value=1, max_value=3))
    counts = [
        [draw(st.integers(min_value=0, max_value=30)) for _c in range(columns)]
        for _r in range(rows)
    ]
    return {
        "threshold": draw(st.integers(min_value=1, max_value=5)),
        "counts": counts,
        "total_row": draw(st.booleans()),
        "total_column": draw(st.booleans()) and columns > 1,
        "percent": draw(st.booleans()),
        "share_rule": draw(st.booleans()),
    }


def _write_site(root: Path, case: dict[str, object]) -> None:
    counts: list[list[int]] = case["counts"]  # type: ignore[assignment]
    keys = [f"c{i}" for i in range(len(counts[0]))]
    with_total_column = bool(case["total_column"])
    with_total_row = bool(case["total_row"])
    column_lines = [f"      - {{key: {k}, label: Count {k}, unit: count}}" for k in keys]
    if with_total_column:
        column_lines.append("      - {key: all, label: All, unit: count}")
    grand = sum(sum(row) for row in counts)
    if case["percent"]:
        column_lines.append("      - {key: pct, label: Share of all, unit: percent}")
    row_lines = []
    for index, row in enumerate(counts):
        cells = [f"{k}: {v}" for k, v in zip(keys, row, strict=True)]
        if with_total_column:
            cells.append(f"all: {sum(row)}")
        if case["percent"]:
            share = Fraction(sum(row) * 100, grand) if grand else Fraction(0)
            cells.append(f"pct: {float(share):.1f}")
        row_lines.append(f"      - {{key: r{index}, name: Row {index}, {', '.join(cells)}}}")
    total = ""
    if with_total_row:
        cells = [f"{k}: {sum(row[i] for row in counts)}" for i, k in enumerate(keys)]
        if with_total_column:
            cells.append(f"all: {grand}")
        total = f"    total: {{key: total, name: Total, {', '.join(cells)}}}\n"
    rules = ""
    if case["share_rule"] and grand:
        part = counts[0][0]
        share = Fraction(part * 100, grand)
        rules = (
            "rules:\n"
            "  - id: first-share\n"
            "    kind: share\n"
            "    part: cases.grid/r0/c0\n"
            "    whole: prose/all-cases\n"
            "    share: prose/first-share\n"
        )
        (root / "data" / "2009-10" / "prose.yaml").write_text(
            "kind: figures\nid: prose\ntitle: Figures in prose\nperiod: 2009/10\n"
            "source: report-2010\ntopics: [child-deaths]\nabout_individual_children: true\n"
            "figures:\n"
            f"  all-cases: {{value: {grand}, unit: count, label: All cases}}\n"
            f"  first-share: {{value: {float(share):.1f}, unit: percent, label: Share}}\n"
            "  notes-figure:\n"
            "    value: 1000\n    unit: count\n    label: Unrelated\n"
            "    notes: 'The first cell is {fig}`cases.grid/r0/c0`, a share of "
            "{fig}`prose/first-share`.'\n",
            "utf-8",
        )
    (root / "data" / "2009-10" / "cases.yaml").write_text(
        "kind: tables\nid: cases\ntitle: Cases\nperiod: 2009/10\nsource: report-2010\n"
        "topics: [child-deaths]\nabout_individual_children: true\n"
        + rules
        + "tables:\n  grid:\n    title: Cases by row\n    columns:\n"
        "      - {key: name, label: Name, unit: text}\n"
        + "\n".join(column_lines)
        + "\n"
        + ("    total_column: all\n" if with_total_column else "")
        + "    rows:\n"
        + "\n".join(row_lines)
        + "\n"
        + total
        + "    notes: 'The first cell is {fig}`cases.grid/r0/c0`.'\n",
        "utf-8",
    )
    references = " ".join(f"{{fig}}`cases.grid/r{r}/{k}`" for r in range(len(counts)) for k in keys)
    (root / "docs" / "index.md").write_text(
        "# Cases\n\n"
        f"In prose: {references}.\n\n"
        "```{data-table} cases.grid\n```\n\n"
        f"```{{data-chart}} cases.grid\n:columns: {' '.join(keys)}\n```\n\n"
        "```{toctree}\nyear\ndata/disclosure\nreferences\n```\n",
        "utf-8",
    )
    (root / "docs" / "year.md").write_text("# The year\n\n```{data-year} 2009-10\n```\n", "utf-8")
    lscb = root / "conf" / "lscb.toml"
    text = lscb.read_text("utf-8")
    lscb.write_text(text.replace("threshold = 4", f"threshold = {case['threshold']}"), "utf-8")


def _fresh_site(tmp: Path) -> Path:
    root = copy_root("disclosure", tmp)
    for name in ("audits.yaml", "deaths.yaml", "published.yaml"):
        (root / "data" / "2009-10" / name).unlink()
    for name in ("audits.md", "published.md"):
        (root / "docs" / name).unlink()
    (root / "conf" / "disclosure-exceptions.toml").write_text("", "utf-8")
    return root


def _grid(rows: list[list[str]], width: int) -> list[list[str]]:
    """The body rows of a written table (after its header), each cut to *width* cells."""
    return [row[:width] for row in rows[1:]]


@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=protected_tables())
def test_no_page_chart_download_or_prose_reveals_a_hidden_count(
    tmp_path_factory: pytest.TempPathFactory, case: dict[str, object]
) -> None:
    """Random protected tables with random thresholds, with and without percentage columns,
    totals, a share rule and prose that names every cell: a count the view hides is shown
    nowhere, and no arithmetic on what is shown gives it back."""
    root = _fresh_site(tmp_path_factory.mktemp("site") / "site")
    _write_site(root, case)
    project = Project(root)
    result = project.build(fresh=True)
    assert "Traceback" not in result.warnings
    catalogue = Catalogue.load(root)
    assert catalogue.problems == [] or all(p.rule == "rule" for p in catalogue.problems)
    view = published_view(catalogue)
    hidden = view.hidden_addresses()
    counts: list[list[int]] = case["counts"]  # type: ignore[assignment]
    keys = [f"c{i}" for i in range(len(counts[0]))]
    entry = catalogue.entry("cases", "2009-10")
    table = entry.dataset.tables["grid"]  # type: ignore[union-attr]
    columns = [c.key for c in table.columns]
    published = view.table(entry, "grid")
    cells = [*published.rows, *([published.total] if published.total else [])]

    # 1. what is written, on the table's page, the year page and in the download
    index = _tables(project.out / "index.html")["Cases by row"]
    year = _tables(project.out / "year.html")["Cases by row"]
    assert index == year, "the year page shows the table as its own page does"
    download = list(
        csv.reader(
            io.StringIO(
                (project.out / "_downloads" / "data" / "2009-10" / "cases.grid.csv").read_text(
                    "utf-8-sig"
                )
            )
        )
    )
    downloaded = json.loads(
        (project.out / "_downloads" / "data" / "2009-10" / "cases.grid.json").read_text("utf-8")
    )
    body = _grid(index, len(columns))
    assert len(download) - 1 == len(published.rows)  # the total row is the JSON's only
    for row_index, row in enumerate(cells):
        for column_index, key in enumerate(columns):
            if str(row.get(key)) == SYMBOL:
                assert body[row_index][column_index] == SYMBOL
                if row_index < len(published.rows):
                    assert download[row_index + 1][column_index + 1] == SYMBOL
                else:
                    assert downloaded["total"][key] == SYMBOL
    # 2. a percentage beside a hidden count is hidden with it
    for row in cells:
        if any(str(row[k]) == SYMBOL for k in keys) and "pct" in row:
            assert str(row["pct"]) == SYMBOL, "a share of a hidden count gives it away"
    # 3. prose on the page names hidden cells only by the symbol
    text = _page_text(project.out / "index.html")
    prose = text.split("In prose:", 1)[1].split(".", 1)[0].split()
    expected = [
        SYMBOL if f"2009-10:cases.grid/r{r}/{k}" in hidden else str(counts[r][i])
        for r in range(len(counts))
        for i, k in enumerate(keys)
    ]
    assert prose == expected
    # 4. arithmetic on what is shown pins no hidden count
    values = {}
    for row_index in range(len(cells)):
        for key in [*keys, *(["all"] if case["total_column"] else [])]:
            raw = (
                counts[row_index][keys.index(key)]
                if key in keys and row_index < len(counts)
                else None
            )
            values[(row_index, key)] = raw if raw is not None else 0
    lines = _lines(len(counts), keys, bool(case["total_row"]), bool(case["total_column"]))
    for line in lines:
        for cell in line.cells:
            values.setdefault(cell, 0)
    _fill_totals(values, counts, keys, bool(case["total_row"]), bool(case["total_column"]))
    hidden_cells = {
        (r, k) for r, row in enumerate(cells) for k in values_keys(row) if str(row[k]) == SYMBOL
    }
    hidden_cells &= set(values)
    assert not determined_cells(values, lines, hidden_cells)
    for line in lines:
        inside = [c for c in line.parts if c in hidden_cells]
        if inside and line.total not in hidden_cells:
            remainder = values[line.total] - sum(
                values[c] for c in line.parts if c not in hidden_cells
            )
            assert remainder > len(inside), "a small remainder gives the hidden counts away"
        assert len([c for c in line.cells if c in hidden_cells]) != 1
    # 5. a share in prose of a hidden count is hidden too, in the prose figures' download
    if case["share_rule"] and "2009-10:cases.grid/r0/c0" in hidden:
        assert view.is_hidden("2009-10:prose/first-share")
        figures = (project.out / "_downloads" / "data" / "2009-10" / "prose.csv").read_text("utf-8")
        assert "first-share,Share,[c]" in figures


def values_keys(row: dict[str, object]) -> list[str]:
    return [k for k in row if k not in ("key", "name")]


def _lines(rows: int, keys: list[str], total_row: bool, total_column: bool) -> list[Line]:
    lines: list[Line] = []
    body = range(rows)
    if total_column:
        for r in [*body, *([rows] if total_row else [])]:
            lines.append(Line(tuple((r, k) for k in keys), (r, "all")))
    if total_row:
        for k in [*keys, *(["all"] if total_column else [])]:
            lines.append(Line(tuple((r, k) for r in body), (rows, k)))
    return lines


def _fill_totals(
    values: dict, counts: list[list[int]], keys: list[str], total_row: bool, total_column: bool
) -> None:
    rows = len(counts)
    for r, row in enumerate(counts):
        if total_column:
            values[(r, "all")] = sum(row)
    if total_row:
        for i, k in enumerate(keys):
            values[(rows, k)] = sum(row[i] for row in counts)
        if total_column:
            values[(rows, "all")] = sum(sum(row) for row in counts)


# -- the shipped site ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def protected_child_deaths(shared_builds: SharedBuilds) -> Project:
    """The shipped site with the child death figures no longer published in full (as a new
    year's files are): its counts from 1 to 4 must be hidden everywhere."""

    def make(project: Project) -> None:
        root = project.root
        copy_shipped(root)
        path = root / "data" / "2009-10" / "child-deaths.yaml"
        text = path.read_text("utf-8")
        text = re.sub(r"published_in_full:\n(  .*\n)+", "", text)
        path.write_text(text, "utf-8")
        exceptions = root / "conf" / "disclosure-exceptions.toml"
        blocks = exceptions.read_text("utf-8").split("[[exception]]")
        kept = [b for b in blocks if "child-deaths.yaml" not in b]
        exceptions.write_text("[[exception]]".join(kept), "utf-8")
        project.build(fresh=True)

    project, _made = shared_builds.project("protected-child-deaths", make)
    return project


@pytest.mark.xdist_group("protected-child-deaths")
def test_the_year_page_hides_what_the_child_death_page_hides(
    protected_child_deaths: Project,
) -> None:
    project = protected_child_deaths
    catalogue = Catalogue.load(project.root)
    assert [p for p in catalogue.problems if "child-deaths" in p.file] == []
    view = published_view(catalogue)
    hidden = [a for a in view.hidden_addresses() if ":child-deaths." in a]
    assert hidden, "some child death counts are from 1 to 4"
    year = _tables(project.out / "years" / "2009-10" / "index.html")
    pages = {}
    for html in project.out.rglob("*.html"):
        if "years" in html.parts:
            continue
        pages.update(_tables(html))
    entry = catalogue.entry("child-deaths", "2009-10")
    for name, table in entry.dataset.tables.items():  # type: ignore[union-attr]
        assert table.title in year
        if table.title in pages:
            assert year[table.title] == pages[table.title], table.title
        published = view.table(entry, name)
        cells = [*published.rows, *([published.total] if published.total else [])]
        body = _grid(year[table.title], len(table.columns))
        for r, row in enumerate(cells):
            for c, column in enumerate(table.columns):
                if str(row.get(column.key)) == SYMBOL:
                    assert body[r][c] == SYMBOL, (table.title, r, column.key)


@pytest.mark.xdist_group("protected-child-deaths")
def test_the_notes_on_the_figures_do_not_quote_a_hidden_figure(
    protected_child_deaths: Project,
) -> None:
    """A rule over a hidden figure is listed with the symbol, and its working is not shown."""
    project = protected_child_deaths
    view = published_view(Catalogue.load(project.root))
    text = _page_text(project.out / "notes-on-the-figures.html")
    outcomes, _ = evaluate(view.catalogue)
    for outcome in outcomes:
        if view.outcome_hidden(outcome) and not outcome.holds:
            assert outcome.message not in text


# -- data prose and derived figures ----------------------------------------------------------


def test_a_figure_changed_where_it_is_defined_changes_in_data_prose(
    make_project: Callable[[str], Project],
) -> None:
    """The record and the notes name figures; editing the figure changes what they say."""
    project = make_project("disclosure")
    project.edit(
        "data/2009-10/deaths.yaml",
        "tables:\n",
        "notes: 'Unexpected deaths in the North: {fig}`deaths.by-area/north/unexpected`.'\n"
        "tables:\n",
    )
    assert _deaths_note(project).endswith("North: 12.")
    project.edit(
        "data/2009-10/deaths.yaml", "unexpected: 12, total: 12", "unexpected: 13, total: 13"
    )
    project.edit(
        "data/2009-10/deaths.yaml", "unexpected: 28, total: 35", "unexpected: 29, total: 36"
    )
    assert _deaths_note(project).endswith("North: 13.")


def _deaths_note(project: Project) -> str:
    """The note of the deaths file as the site writes it."""
    catalogue = Catalogue.load(project.root)
    assert catalogue.problems == []
    note = catalogue.entry("deaths", "2009-10").dataset.notes
    return prose_text(published_view(catalogue), note, "2009-10")  # type: ignore[arg-type]


def test_an_unknown_figure_in_data_prose_is_a_located_problem(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("disclosure")
    project.edit(
        "data/2009-10/deaths.yaml",
        "tables:\n",
        "notes: 'See {fig}`deaths.by-area/nrth/unexpected`.'\ntables:\n",
    )
    catalogue = Catalogue.load(project.root)
    problem = next(p for p in catalogue.problems if "nrth" in p.message)
    assert "did you mean 'north'" in problem.message
    assert (problem.file, problem.line) == ("data/2009-10/deaths.yaml", 8)


def test_the_shipped_surplus_is_worked_out_from_its_parts() -> None:
    """The surplus is computed by its formula, not typed; correcting a part changes it."""
    catalogue = Catalogue.load(REPO)
    view = published_view(catalogue)
    assert view.resolve("2009-10:finance/surplus-from-tables").text == "£9,265"
    assert view.resolve("2009-10:finance/surplus-from-prose").text == "£455"


@pytest.mark.xdist_group("protected-child-deaths")
def test_hiding_spreads_only_along_declared_relationships(
    protected_child_deaths: Project,
) -> None:
    """A figure outside the protected file is hidden only if a rule or formula ties it, through
    hidden figures, to a protected one: secondary suppression never wanders into other tables."""
    catalogue = Catalogue.load(protected_child_deaths.root)
    view = published_view(catalogue)
    outcomes, _problems = evaluate(catalogue)
    hidden = view.hidden_addresses()
    reached = {a for a in hidden if ":child-deaths." in a}
    assert reached
    changed = True
    while changed:
        changed = False
        for outcome in outcomes:
            figures = {f.address for f in outcome.figures}
            if figures & reached and not figures <= reached:
                new = (figures & hidden) - reached
                if new:
                    reached |= new
                    changed = True
    assert hidden - reached == set()
    assert len(hidden) - len([a for a in hidden if ":child-deaths." in a]) <= 5


def test_labels_captions_and_text_cells_name_figures_as_prose_does(
    make_project: Callable[[str], Project],
) -> None:
    """A table's title, a column's label and a text cell may name figures with {fig}: the page,
    the chart and the downloads write them as the site shows them, a hidden one as the symbol."""
    project = make_project("disclosure")
    project.edit(
        "data/2009-10/deaths.yaml",
        "    title: Child deaths by area and category\n",
        '    title: "Child deaths by area, {fig}`deaths.by-area/total/total` in all"\n',
    )
    project.edit(
        "data/2009-10/deaths.yaml",
        "area: North,",
        'area: "North, of {fig}`deaths.by-area/total/total`; '
        'South expected {fig}`deaths.by-area/south/expected`",',
    )
    catalogue = Catalogue.load(project.root)
    assert catalogue.problems == []
    view = published_view(catalogue)
    assert view.is_hidden("2009-10:deaths.by-area/south/expected")
    project.build(fresh=True)
    tables = _tables(project.out / "index.html")
    assert "Child deaths by area, 35 in all" in tables
    rows = tables["Child deaths by area, 35 in all"]
    assert rows[1][0] == f"North, of 35; South expected {SYMBOL}"
    csv_text = (project.out / "_downloads" / "data" / "2009-10" / "deaths.by-area.csv").read_text(
        "utf-8"
    )
    assert f"North, of 35; South expected {SYMBOL}" in csv_text
    assert "{fig}" not in csv_text
    json_text = (project.out / "_downloads" / "data" / "2009-10" / "deaths.by-area.json").read_text(
        "utf-8"
    )
    assert '"table_title": "Child deaths by area, 35 in all"' in json_text


def test_a_page_that_can_not_be_rendered_fails_with_a_warning_not_a_traceback(
    make_project: Callable[[str], Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever stops MyST rendering a page, the build reports it at the page and goes on."""

    def broken(self: object, *args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(SafeRenderer, "render_heading", broken)
    project = make_project("disclosure")
    result = project.build(fresh=True)
    assert "Traceback" not in result.warnings
    assert "the page could not be read: maximum recursion depth exceeded" in result.warnings
