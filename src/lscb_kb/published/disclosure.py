"""Disclosure control: which counts about individual children may be published, and which not.

A dataset about individual children (child deaths, allegations, case audits) says so with
``about_individual_children: true``. Its counts from 1 up to the threshold in
``conf/lscb.toml`` (``[disclosure] threshold``, default 4) are *primary* suppressions: they are
shown as a symbol (``[c]``), never as the number. Zero stays zero.

Hiding a small count is not enough when the table also shows the totals of its rows and
columns: the hidden count would be the total less the counts that are shown. So cells are also
suppressed *secondarily* until, for every suppressed cell,

1. no line (a row or column with its shown total) has exactly one suppressed cell;
2. no combination of the lines' sums pins the cell to one value (checked by exact linear
   algebra over every line of the table at once, so chains of rows and columns are covered);
3. no line's hidden remainder is as small as the number of cells hidden in it (every hidden
   cell is at least 1, because zeros are never hidden, so a remainder of 2 over two hidden
   cells would give both away as 1).

Secondary suppressions are chosen as the smallest non-zero count that is shown in a line that
needs one, so that as little as possible is hidden.

A dataset the board has already published in full may say so with ``published_in_full``
(a reason and a date); it is then shown as published, and the page states the reason.

This module is pure: it imports nothing from Sphinx or docutils. The Sphinx extension and the
downloads call :func:`publishable_table` and :func:`publishable_figure`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from ..core.models import (
    Cell,
    Dataset,
    FiguresDataset,
    PublishedInFull,
    Table,
    TablesDataset,
    key_of,
)
from ..core.problems import Problem
from ..core.settings import Settings
from ..core.units import day_text
from ..core.validate import column_spec, row_spec
from ..core.yamlload import Located

if TYPE_CHECKING:
    from ..core.catalogue import FigureRef

K = TypeVar("K", bound=Hashable)

DEFAULT_THRESHOLD = 4
DEFAULT_SYMBOL = "[c]"

Status = Literal["not-about-children", "protected", "published-in-full"]


@dataclass(frozen=True)
class Line(Generic[K]):
    """One additive line of a table: its parts add up to its total (both cells of the grid)."""

    parts: tuple[K, ...]
    total: K

    @property
    def cells(self) -> tuple[K, ...]:
        return (*self.parts, self.total)


@dataclass(frozen=True)
class Suppression(Generic[K]):
    """The outcome for one table: which cells are hidden, and why."""

    primary: frozenset[K]
    secondary: frozenset[K]

    @property
    def cells(self) -> frozenset[K]:
        return self.primary | self.secondary

    def __contains__(self, cell: object) -> bool:
        return cell in self.primary or cell in self.secondary


# -- the algorithm --------------------------------------------------------------------------


def is_primary(value: int, threshold: int) -> bool:
    """Whether a count must be hidden for its own sake: from 1 up to the threshold."""
    return 1 <= value <= threshold


def protect(
    values: Mapping[K, int],
    lines: Sequence[Line[K]],
    threshold: int,
    primary: Iterable[K] | None = None,
) -> Suppression[K]:
    """Choose the cells to hide in a table of counts.

    *values* holds every count cell of the table; *lines* says which cells add up to which
    total. Cells that are in *values* but in no line are only primary-suppressed. *primary*,
    if given, names the cells hidden for their own sake (by default, every count from 1 up to
    the threshold).
    """
    if primary is None:
        primary = frozenset(cell for cell, value in values.items() if is_primary(value, threshold))
    else:
        primary = frozenset(cell for cell in primary if cell in values)
    hidden = set(primary)
    usable = [line for line in lines if all(cell in values for cell in line.cells)]
    order = {cell: index for index, cell in enumerate(values)}
    while True:
        groups = _weak_lines(values, usable, hidden)
        if not groups:
            break
        choice = _smallest_shown(values, groups, hidden, order)
        if choice is None:  # every cell of the table is hidden already
            break
        hidden.add(choice)
    return Suppression(primary=primary, secondary=frozenset(hidden - primary))


def _weak_lines(values: Mapping[K, int], lines: Sequence[Line[K]], hidden: set[K]) -> list[list[K]]:
    """Groups of cells among which one more must be hidden (best first); none when safe."""
    for line in lines:  # rule 1: a line with exactly one hidden cell
        inside = [cell for cell in line.cells if cell in hidden]
        if len(inside) == 1:
            return [list(line.cells)]
    for line in lines:  # rule 3: a remainder too small to share among the hidden parts
        if line.total in hidden:
            continue
        parts = [cell for cell in line.parts if cell in hidden]
        if not parts:
            continue
        remainder = values[line.total] - sum(
            values[cell] for cell in line.parts if cell not in hidden
        )
        if remainder <= len(parts):
            return [list(line.cells)]
    pinned = determined_cells(values, lines, hidden)  # rule 2: pinned by several lines
    if not pinned:
        return []
    cell = min(pinned, key=str)
    near = [c for line in lines if cell in line.cells for c in line.cells]
    return [near, _coupled(cell, lines, hidden)]


def _coupled(cell: K, lines: Sequence[Line[K]], hidden: set[K]) -> list[K]:
    """The cells of every line that the arithmetic pinning *cell* can use: the lines reached
    from *cell* through hidden cells (shown cells are constants, which couple nothing). Hiding
    a cell of any other line would not unpin it, so the choice never wanders into unrelated
    tables."""
    reached = {cell}
    used: list[Line[K]] = []
    changed = True
    while changed:
        changed = False
        for line in lines:
            if line in used or not any(c in reached for c in line.cells):
                continue
            used.append(line)
            for c in line.cells:
                if c in hidden and c not in reached:
                    reached.add(c)
            changed = True
    return [c for line in used for c in line.cells]


def _smallest_shown(
    values: Mapping[K, int], groups: list[list[K]], hidden: set[K], order: Mapping[K, int]
) -> K | None:
    """The smallest non-zero count still shown in the first group that has one.

    A zero is hidden only when no group has a non-zero count left to hide.
    """

    def key(cell: K) -> tuple[int, int]:
        return (values[cell], order.get(cell, 0))

    for group in [*groups, list(values)]:
        shown = [cell for cell in group if cell not in hidden and values[cell] != 0]
        if shown:
            return min(shown, key=key)
    for group in [*groups, list(values)]:
        shown = [cell for cell in group if cell not in hidden]
        if shown:
            return min(shown, key=key)
    return None


def determined_cells(
    values: Mapping[K, int], lines: Sequence[Line[K]], hidden: Iterable[K]
) -> set[K]:
    """Hidden cells whose value follows from the shown cells by linear arithmetic on the lines.

    Each line says ``sum(parts) - total = 0``. With the shown cells moved to the right-hand
    side this is a linear system in the hidden cells; a hidden cell is determined exactly when
    its unit vector lies in the row space of the system, that is, when every solution of the
    homogeneous system is zero in that cell.
    """
    unknown = [cell for cell in dict.fromkeys(hidden) if cell in values]
    if not unknown:
        return set()
    index = {cell: i for i, cell in enumerate(unknown)}
    matrix: list[list[Fraction]] = []
    for line in lines:
        if not all(cell in values for cell in line.cells):
            continue
        row = [Fraction(0)] * len(unknown)
        for cell in line.parts:
            if cell in index:
                row[index[cell]] += 1
        if line.total in index:
            row[index[line.total]] -= 1
        if any(row):
            matrix.append(row)
    pivots, reduced = _rref(matrix, len(unknown))
    free = [col for col in range(len(unknown)) if col not in pivots]
    determined: set[K] = set()
    for row_index, col in enumerate(pivots):
        if all(reduced[row_index][f] == 0 for f in free):
            determined.add(unknown[col])
    return determined


def _rref(matrix: list[list[Fraction]], width: int) -> tuple[list[int], list[list[Fraction]]]:
    """Reduced row echelon form, exactly: the pivot columns and the non-zero rows."""
    rows = [list(row) for row in matrix]
    pivots: list[int] = []
    top = 0
    for col in range(width):
        pivot = next((r for r in range(top, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[top], rows[pivot] = rows[pivot], rows[top]
        lead = rows[top][col]
        rows[top] = [value / lead for value in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[top], strict=True)]
        pivots.append(col)
        top += 1
        if top == len(rows):
            break
    return pivots, rows[:top]


# -- tables of the knowledge base ---------------------------------------------------------

CellKey = tuple[int, str]
"""A cell of a table: the row's index (the total row is ``len(rows)``) and the column's key."""


@dataclass(frozen=True)
class Policy:
    """The board's disclosure settings (``[disclosure]`` in ``conf/lscb.toml``)."""

    threshold: int = DEFAULT_THRESHOLD
    symbol: str = DEFAULT_SYMBOL

    @property
    def explanation(self) -> str:
        """What the symbol means, in a sentence for the legend and the downloads."""
        return (
            f"{self.symbol}: not shown, to protect the children concerned: a number from 1 to "
            f"{self.threshold}, or a number from which one could be worked out"
        )


class Suppressed:
    """A cell that may not be published; ``str()`` gives the symbol."""

    __slots__ = ("primary", "symbol")

    def __init__(self, symbol: str, *, primary: bool) -> None:
        self.symbol = symbol
        self.primary = primary

    def __str__(self) -> str:
        return self.symbol

    def __repr__(self) -> str:
        return f"Suppressed({self.symbol!r}, primary={self.primary})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Suppressed) and other.symbol == self.symbol

    def __hash__(self) -> int:
        return hash(("Suppressed", self.symbol))


NOT_REPORTED = "not reported"
NOT_YET_ENTERED = "not yet entered"


@dataclass(frozen=True)
class NotReported:
    """A figure the report does not give; ``str()`` is what the page shows in its place."""

    reason: str
    label: str = NOT_REPORTED
    """What the page shows: "not reported", or "not yet entered" while a year is entered."""

    def __str__(self) -> str:
        return self.label


PublishedCell = Cell | Suppressed | NotReported
"""A cell as it may be published: its value, the suppression symbol, or "not reported"."""


@dataclass(frozen=True)
class PublishedTable:
    """A table's cells as they may be published: hidden cells are :class:`Suppressed`."""

    status: Status
    policy: Policy
    rows: list[dict[str, PublishedCell]]
    total: dict[str, PublishedCell] | None
    suppressed: frozenset[CellKey] = field(default_factory=frozenset)
    published_in_full: PublishedInFull | None = None

    @property
    def any_suppressed(self) -> bool:
        return bool(self.suppressed)

    def cell(self, row_index: int, column: str) -> PublishedCell:
        """The cell at *row_index* (``len(rows)`` for the total row) and *column*."""
        if row_index == len(self.rows):
            assert self.total is not None
            return self.total.get(column)
        return self.rows[row_index].get(column)


def policy_of(settings: Settings) -> Policy:
    """The disclosure policy set in ``conf/lscb.toml``."""
    return Policy(threshold=settings.disclosure_threshold, symbol=settings.disclosure_symbol)


def status_of(dataset: Dataset) -> Status:
    """Whether *dataset*'s counts are protected, published in full, or not about children."""
    if not getattr(dataset, "about_individual_children", None):
        return "not-about-children"
    if getattr(dataset, "published_in_full", None) is not None:
        return "published-in-full"
    return "protected"


def _count_cells(table: Table) -> dict[CellKey, int]:
    """Every count cell of *table*, keyed by (row index, column key).

    A blank count cell counts as 0: a reader may well read a blank so, and treating it as
    known is the cautious choice when working out what the totals give away.
    """
    rows = table.every_row
    cells: dict[CellKey, int] = {}
    for index, row in enumerate(rows):
        for column in table.columns:
            spec = row_spec(column_spec(column), row)
            value = row.get(column.key)
            if spec.unit != "count":
                continue
            if value is None:
                cells[(index, column.key)] = 0
            elif isinstance(value, int) and not isinstance(value, bool):
                cells[(index, column.key)] = value
    return cells


def table_lines(table: Table) -> list[Line[CellKey]]:
    """The additive lines a reader sees: each row against the total column, each column
    against the total row, and the total row and column against the grand total."""
    count_columns = [
        c.key for c in table.columns if c.unit == "count" and c.key != table.total_column
    ]
    body = range(len(table.rows))
    total_row = len(table.rows) if table.total is not None else None
    lines: list[Line[CellKey]] = []
    if table.total_column is not None:
        rows = [*body, *([total_row] if total_row is not None else [])]
        for index in rows:
            parts = tuple((index, key) for key in count_columns)
            if parts:
                lines.append(Line(parts, (index, table.total_column)))
    if total_row is not None:
        columns = [*count_columns, *([table.total_column] if table.total_column else [])]
        for key in columns:
            parts = tuple((index, key) for index in body)
            if parts:
                lines.append(Line(parts, (total_row, key)))
    return lines


def suppress_table(table: Table, policy: Policy) -> Suppression[CellKey]:
    """Which cells of *table* to hide under *policy*, as if its dataset were protected."""
    return protect(_count_cells(table), table_lines(table), policy.threshold)


def publishable_table(dataset: Dataset, table_name: str, policy: Policy) -> PublishedTable:
    """The cells of ``dataset.tables[table_name]`` as they may be published.

    The one function that pages and downloads use, so that both obey the same rules.
    """
    assert isinstance(dataset, TablesDataset)
    table = dataset.tables[table_name]
    status = status_of(dataset)
    hidden: Suppression[CellKey] = Suppression(frozenset(), frozenset())
    if status == "protected":
        hidden = suppress_table(table, policy)

    def published(index: int, row: Mapping[str, Cell]) -> dict[str, PublishedCell]:
        out: dict[str, PublishedCell] = {}
        for key, value in row.items():
            cell = (index, key)
            if cell in hidden:
                out[key] = Suppressed(policy.symbol, primary=cell in hidden.primary)
            else:
                out[key] = value
        return out

    rows = [published(i, row) for i, row in enumerate(table.rows)]
    total = published(len(table.rows), table.total) if table.total is not None else None
    return PublishedTable(
        status=status,
        policy=policy,
        rows=rows,
        total=total,
        suppressed=hidden.cells,
        published_in_full=getattr(dataset, "published_in_full", None),
    )


def publishable_figure(dataset: Dataset, name: str, policy: Policy) -> tuple[Status, PublishedCell]:
    """One single figure of a figures file as it may be published (primary suppression only)."""
    assert isinstance(dataset, FiguresDataset)
    figure = dataset.figures[name]
    status = status_of(dataset)
    value = figure.value
    if (
        status == "protected"
        and figure.unit == "count"
        and isinstance(value, int)
        and not isinstance(value, bool)
        and is_primary(value, policy.threshold)
    ):
        return status, Suppressed(policy.symbol, primary=True)
    return status, value


def publishable_cell(
    dataset: Dataset, table_name: str, row_key: str, column: str, policy: Policy
) -> PublishedCell:
    """One cell of a table, by row key, as it may be published."""
    published = publishable_table(dataset, table_name, policy)
    table = dataset.tables[table_name]  # type: ignore[union-attr]
    for index, row in enumerate(table.rows):
        if row.get("key") == row_key:
            return published.cell(index, column)
    if table.total is not None and key_of(table.total) == row_key:
        return published.cell(len(table.rows), column)
    raise KeyError(row_key)


def publishable_ref(ref: FigureRef, policy: Policy) -> tuple[Status, PublishedCell]:
    """A figure resolved by the catalogue (a table's cell or a single figure), as published."""
    dataset = ref.entry.dataset
    address = ref.address.partition(":")[2] if ":" in ref.address else ref.address
    head, _, rest = address.partition("/")
    if isinstance(dataset, FiguresDataset):
        return publishable_figure(dataset, rest, policy)
    table_name = head.partition(".")[2] or next(iter(dataset.tables))  # type: ignore[union-attr]
    row_key, _, column = rest.partition("/")
    return status_of(dataset), publishable_cell(dataset, table_name, row_key, column, policy)


def describe_publication(info: PublishedInFull) -> str:
    """The sentence a page prints for a dataset published in full."""
    when = info.when
    shown = day_text(when) if isinstance(when, dt.date) else str(when)
    reason = info.reason.rstrip(".")
    return f"Shown in full, though about individual children: {reason} (published {shown})."


# -- declarations in data files -------------------------------------------------------------


def _holds_counts(dataset: Dataset) -> bool:
    if isinstance(dataset, TablesDataset):
        return any(_count_cells(table) for table in dataset.tables.values())
    if isinstance(dataset, FiguresDataset):
        return any(f.unit == "count" for f in dataset.figures.values())
    return False


def check_declaration(
    located: Located, dataset: Dataset, child_topics: Iterable[str]
) -> Iterator[Problem]:
    """Problems with how a data file declares (or fails to declare) that it is about children.

    A file of counts whose topics are about children must say whether its counts are about
    individual children, so that a new file of that kind is never published unprotected by
    mistake. ``published_in_full`` belongs only to a file about individual children.
    """
    about = getattr(dataset, "about_individual_children", None)
    published = getattr(dataset, "published_in_full", None)
    if published is not None and about is not True:
        yield located.problem(
            ("published_in_full",),
            "belongs only to a file about individual children; add "
            "'about_individual_children: true' or remove 'published_in_full'",
            rule="disclosure",
            at_key=True,
        )
    topics = sorted(set(getattr(dataset, "topics", []) or []) & set(child_topics))
    if about is None and topics and _holds_counts(dataset):
        yield located.problem(
            ("topics",),
            f"this file holds counts on {', '.join(topics)}: say whether they are about "
            "individual children with 'about_individual_children: true' (small counts are then "
            "hidden) or 'about_individual_children: false'",
            rule="disclosure",
            at_key=True,
        )


def value_of(cell: PublishedCell) -> Any:
    """The cell's value, or ``None`` if it is suppressed."""
    return None if isinstance(cell, Suppressed) else cell
