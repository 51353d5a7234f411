"""The published view: every figure as the site may show it, decided once for the whole build.

Disclosure control, formatting and units are applied here, once, and every renderer (tables,
the ``fig`` role, charts, downloads, year pages, the notes on the figures, data prose) reads
figures through a :class:`PublishedView`. Only the rule engine (:mod:`lscb_kb.checks.rules`)
reads raw values.

What is hidden is decided over the whole catalogue at once, because a hidden count can be
worked back from figures elsewhere:

* **counts** from 1 up to the threshold in a file about individual children are hidden
  (primary suppression), and more counts are hidden until no line of a table, and no declared
  ``sum`` rule, pins a hidden count (secondary suppression,
  :func:`lscb_kb.published.disclosure.protect`, run over every table's lines and every sum rule
  together, so a total in another table or in prose is covered);
* **derived figures** are hidden with what they are derived from: the percentages, rates and
  other figures in a hidden count's row (a table whose rows carry their own units declares what
  is derived from what with rules), a ``share`` whose part or whole is hidden, a ``change``
  whose base or value is hidden, every statement of an ``equal`` figure, and a second percentage
  of a ``shares`` group (or the hidden one would be 100 less the rest). A derived figure that is
  itself a count starts the count suppression again, until nothing more changes.

A figure the report does not give is ``null`` with a reason, and is shown as "not reported"
with that reason: :class:`NotReported`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..core.models import Cell, FiguresDataset, Table, TablesDataset, key_of
from ..core.units import UnitSpec, day_text, format_value
from ..core.validate import column_spec, row_spec
from .disclosure import (
    NOT_REPORTED,
    NOT_YET_ENTERED,
    CellKey,
    Line,
    NotReported,
    Policy,
    PublishedCell,
    PublishedTable,
    Status,
    Suppressed,
    _count_cells,
    describe_publication,
    is_primary,
    policy_of,
    protect,
    status_of,
    table_lines,
)

if TYPE_CHECKING:
    from ..checks.rules import Outcome
    from ..core.catalogue import Catalogue, Entry, FigureRef

__all__ = [
    "NOT_REPORTED",
    "NOT_YET_ENTERED",
    "NotReported",
    "PublishedView",
    "Shown",
    "ShownCell",
    "published_view",
    "shown_number",
    "shown_text",
]

PENDING_REASON = "The figures for this year have not yet been entered."

ShownCell = PublishedCell
"""A cell as it may be published: its value, the suppression symbol, or "not reported"."""


def shown_text(cell: ShownCell, spec: UnitSpec) -> str:
    """How a published cell is written: ``£9,169``, ``[c]`` or ``not reported``."""
    if isinstance(cell, Suppressed | NotReported):
        return str(cell)
    return format_value(cell, spec)


def shown_number(cell: ShownCell) -> Decimal | None:
    """A published cell's number, or ``None`` if it is hidden, not reported or not a number."""
    if isinstance(cell, bool) or not isinstance(cell, int | Decimal):
        return None
    return Decimal(cell)


@dataclass(frozen=True)
class Shown:
    """One figure as the site shows it: never the value of a hidden figure."""

    address: str
    label: str
    spec: UnitSpec
    cell: ShownCell
    status: Status
    source: str
    file: str
    line: int
    column: int
    in_full: str | None = None
    """For a figure about individual children published in full: the sentence that says why."""
    correction: ShownCorrection | None = None
    """For a figure corrected after publication: the correction, as the site shows it."""

    @property
    def hidden(self) -> bool:
        return isinstance(self.cell, Suppressed)

    @property
    def reason(self) -> str | None:
        """Why the report gives no figure, for one that is not reported."""
        return self.cell.reason if isinstance(self.cell, NotReported) else None

    @property
    def text(self) -> str:
        return shown_text(self.cell, self.spec)

    @property
    def number(self) -> Decimal | None:
        return shown_number(self.cell)


@dataclass(frozen=True)
class ShownCorrection:
    """A correction of a published figure, as the site shows it: the value published before
    is the suppression symbol if the figure is now hidden, so a correction reveals nothing."""

    address: str
    label: str
    year: str | None
    published: str
    now: str
    corrected: dt.date
    reason: str
    decided_by: str
    file: str
    line: int

    @property
    def anchor(self) -> str:
        """The id of its entry on the corrections page."""
        return "correction-" + "".join(c if c.isalnum() else "-" for c in self.address).lower()

    @property
    def sentence(self) -> str:
        """What a page says beside the figure, in the legend at its end."""
        return (
            f"{self.label}: published as {self.published}, corrected to {self.now} on "
            f"{day_text(self.corrected)}. {self.reason} (Decided by {self.decided_by}.)"
        )


def table_address(entry: Entry, name: str, row_key: str, column: str) -> str:
    """The full address of a table's cell: ``[year:]dataset.table/row/column``."""
    address = f"{entry.id}.{name}/{row_key}/{column}"
    return f"{entry.year}:{address}" if entry.year else address


def figure_address(entry: Entry, name: str) -> str:
    """The full address of a single figure: ``[year:]dataset/figure``."""
    address = f"{entry.id}/{name}"
    return f"{entry.year}:{address}" if entry.year else address


def _row_keys(table: Table) -> list[str]:
    keys = [str(row.get("key")) for row in table.rows]
    if table.total is not None:
        keys.append(key_of(table.total))
    return keys


def _derived_groups(
    table: Table, address: dict[CellKey, str]
) -> Iterator[tuple[list[str], list[str]]]:
    """(counts, figures derived from them) in a table: a row's percentages, rates and amounts go
    with the counts beside them, as columns of a count and its share do.

    A table whose rows carry their own units (a table of indicators, each row its own measure)
    says nothing about which figure is worked out from which: a figure of one row derived from
    another is declared with a ``share`` or ``change`` rule.
    """
    if any("unit" in row for row in table.rows):
        return
    for index, row in enumerate(table.every_row):
        counts: list[str] = []
        derived: list[str] = []
        for column in table.columns:
            spec = row_spec(column_spec(column), row)
            if spec.numeric:
                (counts if spec.unit == "count" else derived).append(address[(index, column.key)])
        if counts and derived:
            yield counts, derived


_DATASET_ID = re.compile(r"[A-Za-z0-9_-]+")


def dataset_key(address: str) -> str:
    """The data file (``year:id``) that a full figure address (``year:id.table/...``) is in."""
    year, _sep, rest = address.partition(":")
    match = _DATASET_ID.match(rest)
    return f"{year}:{match.group(0) if match else rest}"


class PublishedView:
    """Every dataset's figures as they may be published, for one catalogue."""

    def __init__(self, catalogue: Catalogue, outcomes: Iterable[Outcome] | None = None) -> None:
        from ..checks.rules import evaluate  # noqa: PLC0415 - the rules import the catalogue

        self.catalogue = catalogue
        self.policy: Policy = policy_of(catalogue.settings)
        if outcomes is None:
            outcomes, _problems = evaluate(catalogue)
        self._hidden = self._decide(list(outcomes))
        self._tables: dict[tuple[str | None, str, str], PublishedTable] = {}
        self._expanding = 0

    # -- deciding what is hidden ------------------------------------------------------------

    def _decide(self, outcomes: list[Outcome]) -> dict[str, bool]:
        values: dict[str, int] = {}
        protected: set[str] = set()
        lines: list[Line[str]] = []
        follows: list[tuple[list[str], list[str]]] = []  # if any of the first, all the second
        shares: list[list[str]] = []
        numbers: dict[str, Decimal] = {}
        entries = sorted(self.catalogue.entries.values(), key=lambda e: (str(e.year), e.id))
        for entry in entries:
            dataset = entry.dataset
            guarded = status_of(dataset) == "protected"
            if isinstance(dataset, TablesDataset):
                for name, table in dataset.tables.items():
                    keys = _row_keys(table)
                    address = {
                        (index, column.key): table_address(entry, name, key, column.key)
                        for index, key in enumerate(keys)
                        for column in table.columns
                    }
                    for cell, count in _count_cells(table).items():
                        values[address[cell]] = count
                        if guarded:
                            protected.add(address[cell])
                    lines.extend(
                        Line(tuple(address[c] for c in line.parts), address[line.total])
                        for line in table_lines(table)
                    )
                    follows.extend(_derived_groups(table, address))
            elif isinstance(dataset, FiguresDataset):
                for name, single in dataset.figures.items():
                    value = self.catalogue.derived.get(figure_address(entry, name), single.value)
                    if (
                        single.unit == "count"
                        and isinstance(value, int)
                        and not isinstance(value, bool)
                    ):
                        values[figure_address(entry, name)] = value
                        if guarded:
                            protected.add(figure_address(entry, name))
        for outcome in outcomes:
            figures = [f.address for f in outcome.figures]
            for ref in outcome.figures:
                number = shown_number(ref.value)
                if number is not None:
                    numbers[ref.address] = number
            if outcome.kind == "sum" and all(a in values for a in figures):
                lines.append(Line(tuple(figures[:-1]), figures[-1]))
            elif outcome.kind in ("share", "change") and len(figures) == 3:
                follows.append((figures[:2], figures[2:]))
            elif outcome.kind == "formula":
                signs = [sign for sign, _ref in self.catalogue.formulas.get(figures[-1], ())]
                parts = list(zip(figures[:-1], signs, strict=False))
                plus = [a for a, sign in parts if sign > 0]
                minus = [a for a, sign in parts if sign < 0]
                of_counts = all(a in values for a in figures)
                if of_counts and not minus:  # a + b = c: a line, as a table's total is
                    lines.append(Line(tuple(plus), figures[-1]))
                elif of_counts and len(plus) == 1:  # a - b = c is the line b + c = a
                    lines.append(Line((*minus, figures[-1]), plus[0]))
                else:  # any other working: hidden with any figure it is worked out from
                    follows.append((figures[:-1], figures[-1:]))
            elif outcome.kind == "equal":
                follows.append((figures, figures))
            elif outcome.kind == "shares":
                shares.append(figures)
        threshold = self.policy.threshold
        primary = {a for a in protected if is_primary(values[a], threshold)}
        forced: set[str] = set()
        while True:
            chosen = protect(values, lines, threshold, primary | forced)
            hidden = set(chosen.cells)
            changed = True
            while changed:
                changed = False
                for sources, targets in follows:
                    if any(a in hidden for a in sources):
                        for target in targets:
                            if target not in hidden:
                                hidden.add(target)
                                changed = True
                for group in shares:
                    inside = [a for a in group if a in hidden]
                    shown = [a for a in group if a not in hidden]
                    if len(inside) == 1 and shown:
                        hidden.add(min(shown, key=lambda a: (numbers.get(a, Decimal(0)), a)))
                        changed = True
            more = {a for a in hidden if a in values and a not in chosen.cells}
            if more <= forced:
                break
            forced |= more
        return {address: address in chosen.primary for address in hidden}

    # -- what renderers read -----------------------------------------------------------------

    def decided_by_dataset(self) -> dict[str, str]:
        """A digest, for each data file (``year:id``), of what this view decides about its
        figures from other files too: which are hidden, the values its formulas work out and
        its corrections. An incremental build compares them with the last build's, and reads
        again the pages that show a file whose digest changed."""
        decided: dict[str, dict[str, list[Any]]] = {}

        def of(address: str) -> dict[str, list[Any]]:
            return decided.setdefault(
                dataset_key(address), {"hidden": [], "derived": [], "corrected": []}
            )

        for address, primary in sorted(self._hidden.items()):
            of(address)["hidden"].append([address, primary])
        for address, value in sorted(self.catalogue.derived.items()):
            of(address)["derived"].append([address, str(value)])
        for c in self.corrections():
            of(c.address)["corrected"].append(
                [c.address, c.published, c.corrected.isoformat(), c.reason, c.decided_by]
            )
        return {
            key: hashlib.sha256(json.dumps(value).encode("utf-8")).hexdigest()
            for key, value in sorted(decided.items())
        }

    def is_hidden(self, address: str) -> bool:
        return address in self._hidden

    def hidden_addresses(self) -> frozenset[str]:
        """Every figure the site may not show (for tests and the guard)."""
        return frozenset(self._hidden)

    def _cell(
        self, address: str, value: Cell, reason: str | None, pending: bool = False
    ) -> ShownCell:
        if address in self._hidden:
            return Suppressed(self.policy.symbol, primary=self._hidden[address])
        if value is None and reason is not None:
            return NotReported(reason)
        if value is None and pending:
            return NotReported(PENDING_REASON, NOT_YET_ENTERED)
        return value

    def in_full(self, entry: Entry) -> str | None:
        """The sentence for a file about individual children that is published in full."""
        info = getattr(entry.dataset, "published_in_full", None)
        if status_of(entry.dataset) != "published-in-full" or info is None:
            return None
        return f"{entry.dataset.title}: {describe_publication(info)}"

    def table(self, entry: Entry, name: str) -> PublishedTable:
        """The cells of one table as they may be published."""
        key = (entry.year, entry.id, name)
        if key in self._tables:
            return self._tables[key]
        dataset = entry.dataset
        assert isinstance(dataset, TablesDataset)
        table = dataset.tables[name]
        keys = _row_keys(table)
        columns = {c.key: c for c in table.columns}
        suppressed: set[CellKey] = set()

        def published(index: int, row: dict[str, Cell]) -> dict[str, ShownCell]:
            out: dict[str, ShownCell] = {}
            for column, value in row.items():
                address = table_address(entry, name, keys[index], column)
                reason = table.not_reported.get(f"{keys[index]}/{column}")
                spec = row_spec(column_spec(columns[column]), row) if column in columns else None
                pending = dataset.not_yet_entered and spec is not None and spec.unit != "text"
                out[column] = self._cell(address, value, reason, pending)
                if isinstance(out[column], Suppressed):
                    suppressed.add((index, column))
            return out

        rows = [published(i, row) for i, row in enumerate(table.rows)]
        total = published(len(table.rows), table.total) if table.total is not None else None
        result = PublishedTable(
            status=status_of(dataset),
            policy=self.policy,
            rows=rows,
            total=total,
            suppressed=frozenset(suppressed),
            published_in_full=getattr(dataset, "published_in_full", None),
        )
        self._tables[key] = result
        return result

    def figure(self, ref: FigureRef) -> Shown:
        """One figure resolved by the catalogue, as the site shows it."""
        entry = ref.entry
        dataset = entry.dataset
        reason: str | None = None
        if isinstance(dataset, FiguresDataset):
            name = ref.address.rpartition("/")[2]
            single = dataset.figures[name]
            reason = single.not_reported
            if single.formula is not None and ref.value is None:
                reason = "It is worked out from figures the report does not give."
        elif isinstance(dataset, TablesDataset):
            head, _, rest = ref.address.partition(":")[2 if entry.year else 0].partition("/")
            table = dataset.tables[head.partition(".")[2]]
            reason = table.not_reported.get(rest)
        return Shown(
            address=ref.address,
            # a label names figures by their text only: labels are not expanded within labels,
            # so a title that names a cell of its own table does not recurse
            label=ref.label if self._expanding else self.text(ref.label, entry.year),
            spec=ref.spec,
            cell=self._cell(
                ref.address,
                ref.value,
                reason,
                # Every blank of a file not yet entered: a single figure of any unit, and a
                # table's cells but its text (a row's name, kept from the year before).
                bool(getattr(dataset, "not_yet_entered", False))
                and (isinstance(dataset, FiguresDataset) or ref.spec.unit != "text"),
            ),
            status=status_of(dataset),
            source=ref.source,
            file=ref.file,
            line=ref.line,
            column=ref.column,
            in_full=self.in_full(entry),
            correction=self.correction(ref.address),
        )

    def correction(self, address: str) -> ShownCorrection | None:
        """The latest correction of the figure at *address*, as shown; ``None`` if it has none."""
        found = self.catalogue.corrections.get(address)
        if found is None:
            return None
        entry, index, correction = found
        ref = self.catalogue.resolve(address)
        hidden = address in self._hidden
        symbol = self.policy.symbol
        line, _column = entry.position(("corrections", index))
        return ShownCorrection(
            address=address,
            label=self.text(ref.label, ref.entry.year),
            year=ref.entry.year,
            published=symbol if hidden else format_value(correction.published, ref.spec),
            now=symbol if hidden else shown_text(self._cell(address, ref.value, None), ref.spec),
            corrected=correction.corrected,
            reason=correction.reason,
            decided_by=correction.decided_by,
            file=entry.located.file,
            line=line,
        )

    def corrections(self) -> list[ShownCorrection]:
        """Every correction, the latest first."""
        shown = [self.correction(address) for address in self.catalogue.corrections]
        return sorted(
            (c for c in shown if c is not None),
            key=lambda c: (c.corrected, c.address),
            reverse=True,
        )

    def text(self, value: str, year: str | None) -> str:
        """A label, title or text from a data file of *year*, with each ``{fig}`` it names
        written as the site shows that figure."""
        if "{fig}" not in value:
            return value
        from ..core.prose import prose_text  # noqa: PLC0415 - prose reads through a view

        self._expanding += 1
        try:
            return prose_text(self, value, year)
        finally:
            self._expanding -= 1

    def resolve(self, address: str, year: str | None = None) -> Shown:
        """The figure at *address*, as shown. Raises :class:`AddressError` as the catalogue does."""
        return self.figure(self.catalogue.resolve(address, year))

    def outcome_hidden(self, outcome: Outcome) -> bool:
        """Whether a rule compares any figure the site may not show."""
        return any(f.address in self._hidden for f in outcome.figures)


def published_view(catalogue: Catalogue) -> PublishedView:
    """The view of *catalogue*, made once and kept with it."""
    view = getattr(catalogue, "_published_view", None)
    if not isinstance(view, PublishedView):
        view = PublishedView(catalogue)
        object.__setattr__(catalogue, "_published_view", view)
    return view
