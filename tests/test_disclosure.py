"""Disclosure control: small counts about individual children are hidden, and stay hidden."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lscb_kb.core import Catalogue
from lscb_kb.core.models import TablesDataset
from lscb_kb.published.disclosure import (
    Line,
    Policy,
    Suppressed,
    determined_cells,
    protect,
    publishable_table,
    suppress_table,
)

from .conftest import ROOTS, Project

Cell = tuple[int, int]


def _grid(
    body: list[list[int]], total_row: bool, total_column: bool
) -> tuple[dict[Cell, int], list[Line[Cell]]]:
    """A table of counts with the totals a reader would see, as cells and additive lines."""
    n_rows, n_cols = len(body), len(body[0])
    values: dict[Cell, int] = {}
    for r, row in enumerate(body):
        for c, value in enumerate(row):
            values[(r, c)] = value
    if total_column:
        for r in range(n_rows):
            values[(r, n_cols)] = sum(body[r])
    if total_row:
        for c in range(n_cols):
            values[(n_rows, c)] = sum(body[r][c] for r in range(n_rows))
        if total_column:
            values[(n_rows, n_cols)] = sum(map(sum, body))
    lines: list[Line[Cell]] = []
    if total_column:
        for r in range(n_rows + (1 if total_row else 0)):
            lines.append(Line(tuple((r, c) for c in range(n_cols)), (r, n_cols)))
    if total_row:
        for c in range(n_cols + (1 if total_column else 0)):
            lines.append(Line(tuple((r, c) for r in range(n_rows)), (n_rows, c)))
    return values, lines


def _rank(rows: list[list[Fraction]]) -> int:
    """The rank of a matrix, by plain Gaussian elimination (independent of the module's)."""
    work = [row[:] for row in rows if any(row)]
    rank = 0
    width = len(work[0]) if work else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(work)) if work[i][col] != 0), None)
        if pivot is None:
            continue
        work[rank], work[pivot] = work[pivot], work[rank]
        for i in range(len(work)):
            if i != rank and work[i][col] != 0:
                factor = work[i][col] / work[rank][col]
                work[i] = [a - factor * b for a, b in zip(work[i], work[rank], strict=True)]
        rank += 1
    return rank


def recoverable(values: dict[Cell, int], lines: list[Line[Cell]], hidden: set[Cell]) -> set[Cell]:
    """Hidden cells a reader can work out from the shown cells and totals.

    A hidden cell can be worked out by linear arithmetic exactly when adding its unit vector
    to the system of the lines' equations (in the hidden cells) does not raise its rank. A
    line with one hidden cell, and a line whose hidden remainder leaves each hidden cell only
    the value 1 (zeros are never hidden, so every hidden cell is at least 1), give cells away
    too.
    """
    unknown = sorted(hidden)
    col = {cell: i for i, cell in enumerate(unknown)}
    matrix = []
    for line in lines:
        row = [Fraction(0)] * len(unknown)
        for cell in line.parts:
            if cell in col:
                row[col[cell]] += 1
        if line.total in col:
            row[col[line.total]] -= 1
        matrix.append(row)
    base = _rank(matrix)
    found = set()
    for cell in unknown:
        unit = [Fraction(int(i == col[cell])) for i in range(len(unknown))]
        if _rank([*matrix, unit]) == base:
            found.add(cell)
    for line in lines:
        inside = [cell for cell in line.cells if cell in hidden]
        if len(inside) == 1:
            found.update(inside)
        if line.total not in hidden and inside:
            shown = sum(values[c] for c in line.parts if c not in hidden)
            if values[line.total] - shown == len(inside):
                found.update(inside)
    return found


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(
    body=tables,
    total_row=st.booleans(),
    total_column=st.booleans(),
    threshold=st.integers(1, 5),
)
def test_no_suppressed_cell_is_recoverable_from_shown_totals(
    body: list[list[int]], total_row: bool, total_column: bool, threshold: int
) -> None:
    values, lines = _grid(body, total_row, total_column)
    result = protect(values, lines, threshold)
    hidden = set(result.cells)
    # Every small count is hidden; zero stays zero; secondary cells are not small counts.
    assert {c for c, v in values.items() if 1 <= v <= threshold} == set(result.primary)
    assert not any(values[c] == 0 for c in hidden)
    assert not (set(result.secondary) & set(result.primary))
    assert recoverable(values, lines, hidden) == set()
    assert determined_cells(values, lines, hidden) == set()


def test_recoverable_finds_what_a_reader_could_work_out() -> None:
    """The checker itself: it catches a cell given away by one line, or by several."""
    values, lines = _grid([[2, 9], [5, 7]], total_row=True, total_column=True)
    assert recoverable(values, lines, {(0, 0)}) == {(0, 0)}
    # Hiding 2 and 9 in the first row still gives both away through the columns' totals.
    assert recoverable(values, lines, {(0, 0), (0, 1)}) == {(0, 0), (0, 1)}
    # The rectangle of four cells is safe.
    assert recoverable(values, lines, {(0, 0), (0, 1), (1, 0), (1, 1)}) == set()
    # Two hidden cells whose remainder is 2 are both 1.
    values, lines = _grid([[1, 1, 8]], total_row=False, total_column=True)
    assert recoverable(values, lines, {(0, 0), (0, 1)}) == {(0, 0), (0, 1)}


def test_secondary_suppression_of_a_worked_example() -> None:
    values, lines = _grid([[0, 12], [2, 9], [5, 7]], total_row=True, total_column=True)
    result = protect(values, lines, threshold=4)
    assert set(result.primary) == {(1, 0)}
    assert set(result.secondary) == {(1, 1), (2, 0), (2, 1)}
    assert (0, 0) not in result  # zero stays zero


def test_lone_small_total_is_hidden_with_a_part() -> None:
    values, lines = _grid([[0, 3, 0]], total_row=False, total_column=True)
    result = protect(values, lines, threshold=4)
    assert set(result.cells) == {(0, 1), (0, 3)}
    assert not any(values[c] == 0 for c in result.cells)


def _dataset(root: Path, ident: str) -> TablesDataset:
    catalogue = Catalogue.load(root)
    assert not catalogue.problems, catalogue.problems
    dataset = catalogue.entry(ident).dataset
    assert isinstance(dataset, TablesDataset)
    return dataset


def test_publishable_table_hides_cells_of_a_protected_dataset() -> None:
    dataset = _dataset(ROOTS / "disclosure", "deaths")
    published = publishable_table(dataset, "by-area", Policy(threshold=4, symbol="[c]"))
    assert published.status == "protected"
    shown = [[str(row[k]) for k in ("expected", "unexpected", "total")] for row in published.rows]
    assert shown == [["0", "12", "12"], ["[c]", "[c]", "11"], ["[c]", "[c]", "12"]]
    assert published.total == {
        "key": "total",
        "area": "Total",
        "expected": 7,
        "unexpected": 28,
        "total": 35,
    }
    south = published.rows[1]["expected"]
    assert isinstance(south, Suppressed) and south.primary
    assert isinstance(published.rows[1]["unexpected"], Suppressed)
    assert not published.rows[1]["unexpected"].primary  # type: ignore[union-attr]


def test_threshold_comes_from_the_settings() -> None:
    dataset = _dataset(ROOTS / "disclosure", "deaths")
    table = dataset.tables["by-area"]
    assert suppress_table(table, Policy(threshold=1)).cells == frozenset()
    assert (1, "expected") in suppress_table(table, Policy(threshold=2)).primary
    assert (2, "expected") in suppress_table(table, Policy(threshold=5)).primary


def test_dataset_published_in_full_is_shown_whole_and_says_why() -> None:
    dataset = _dataset(ROOTS / "disclosure", "published")
    published = publishable_table(dataset, "deaths", Policy())
    assert published.status == "published-in-full"
    assert [row["deaths"] for row in published.rows] == [1, 6]
    assert published.published_in_full is not None


def test_page_shows_symbol_legend_and_reason(make_project: Callable[[str], Project]) -> None:
    project = make_project("disclosure")
    result = project.build(fresh=True)
    assert result.warnings == ""
    page = project.html("index")
    table = page.select_one("table.lscb-table")
    assert table is not None
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert rows == [
        ["0", "12", "12"],
        ["[c]", "[c]", "11"],
        ["[c]", "[c]", "12"],
        ["7", "28", "35"],
    ]
    # The hidden numbers are nowhere in the table's markup.
    assert all(abbr["title"].startswith("[c]: not shown") for abbr in table.select("abbr"))
    legend = page.select_one(".lscb-dataset p.lscb-legend")
    assert legend is not None
    assert "a number from 1 to 4" in legend.get_text()
    assert legend.select_one("a[href='data/disclosure.html']") is not None
    # A figure in prose is hidden too, and the page explains the symbol at its end.
    figures = [span.get_text() for span in page.select("p span.lscb-figure")]
    assert figures == ["[c]", "0", "35"]
    assert page.select_one(".lscb-page-legend p.lscb-legend") is not None
    audits = project.html("audits")
    assert [s.get_text() for s in audits.select("span.lscb-figure")] == ["12", "[c]", "0"]
    published = project.html("published")
    assert [td.get_text(strip=True) for td in published.select("tbody td")] == ["1", "6", "7"]
    notes = [p.get_text(" ", strip=True) for p in published.select("p.lscb-in-full")]
    assert notes[0] == (
        "Shown in full, though about individual children: The board published these figures "
        "in its annual report in 2010 (published 2010)."
    )
    assert notes[1].startswith("Deaths reviewed in an earlier report: Shown in full, though")
    assert published.select_one("p.lscb-legend") is None


def test_new_dataset_about_children_must_declare(make_project: Callable[[str], Project]) -> None:
    project = make_project("disclosure")
    project.edit("data/2009-10/audits.yaml", "about_individual_children: true\n", "")
    result = project.cli("check")
    assert result.returncode == 1
    assert (
        "data/2009-10/audits.yaml:6:1: topics: this file holds counts on child-protection: say "
        "whether they are about individual children" in result.stdout
    )


def test_blank_cell_does_not_leave_a_small_count_exposed() -> None:
    from lscb_kb.core.models import Table  # noqa: PLC0415

    table = Table.model_validate(
        {
            "title": "t",
            "columns": [
                {"key": "area", "label": "Area", "unit": "text"},
                {"key": "a", "label": "A", "unit": "count"},
                {"key": "b", "label": "B", "unit": "count"},
                {"key": "c", "label": "C", "unit": "count"},
                {"key": "all", "label": "All", "unit": "count"},
            ],
            "total_column": "all",
            "rows": [
                {"key": "x", "area": "X", "a": 2, "b": None, "c": 5, "all": 7},
                {"key": "y", "area": "Y", "a": 30, "b": 12, "c": 9, "all": 51},
            ],
        }
    )
    hidden = suppress_table(table, Policy(threshold=4))
    # With B blank, 7 - 5 would give the hidden 2 away: 5 is hidden too, and the blank stays.
    assert hidden.primary == {(0, "a")}
    assert hidden.secondary == {(0, "c")}
