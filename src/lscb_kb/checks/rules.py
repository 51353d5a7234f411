"""Consistency of the figures: totals, shares, derived figures, figures stated twice.

Rules come from three places:

* **declared totals**: a table's ``total`` row must be the sum of its rows, and its
  ``total_column`` the sum of the other columns of the same unit (counts and money exactly,
  percentages within the rounding their printed precision allows);
* **rules in a data file** (``rules:``), over figures of that file's year;
* **rules that span files**, in ``conf/rules.yaml``.

A rule that fails is a contradiction in the data. If the published report really contradicts
itself there, the contradiction is recorded once in the year's discrepancy register (``kind:
discrepancies``) under the rule's id, and the check passes; a contradiction that is not recorded
fails, and so does a register entry whose rule no longer fails (it is stale).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..core.catalogue import AddressError, Catalogue, Entry, FigureRef
from ..core.models import (
    ChangeRule,
    DiscrepancyRegister,
    EqualRule,
    Rule,
    RulesFile,
    ShareRule,
    SharesRule,
    SumRule,
    Table,
    TablesDataset,
    key_of,
)
from ..core.problems import LscbError, Problem
from ..core.units import format_value
from ..core.validate import column_spec, row_spec, validate_document
from ..core.yamlload import Located, load_yaml

RULES_FILE = Path("conf") / "rules.yaml"


@dataclass(frozen=True)
class Outcome:
    """What one rule found."""

    rule_id: str
    year: str | None
    holds: bool
    message: str
    figures: tuple[FigureRef, ...]
    file: str
    line: int
    column: int
    note: str | None = None
    kind: str = ""
    """The rule's kind (``sum``, ``share``, ``total-row`` ...): what its figures are to each
    other, which the published view reads to hide what a hidden figure would give away."""


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _number(figure: FigureRef) -> Decimal | None:
    value = figure.value
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def _half_unit(value: Decimal) -> Decimal:
    return Decimal(5).scaleb(-_decimals(value) - 1)


def _round_as(value: Decimal, printed: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-_decimals(printed)), rounding=ROUND_HALF_UP)


def _shown(figure: FigureRef) -> str:
    return format_value(figure.value, figure.spec)


def _sum_outcome(parts: list[FigureRef], total: FigureRef) -> tuple[bool, str]:
    values = [_number(p) for p in parts]
    total_value = _number(total)
    if total_value is None or any(v is None for v in values):
        return True, "blank figures are not checked"
    added = sum((v for v in values if v is not None), Decimal(0))
    if total.spec.unit in ("percent", "rate"):
        tolerance = sum((_half_unit(v) for v in values if v is not None), Decimal(0))
        holds = abs(added - total_value) <= tolerance
        detail = f" (allowing {tolerance} for rounding)"
    else:
        holds = added == total_value
        detail = ""
    shown_sum = format_value(added, total.spec)
    return holds, (
        f"the parts add up to {shown_sum}, but the total is {_shown(total)}{detail}"
        if not holds
        else f"the parts add up to {_shown(total)}"
    )


class _Evaluator:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.problems: list[Problem] = []

    def resolve(
        self, address: str, year: str | None, located: Located, path: tuple[str | int, ...]
    ) -> FigureRef | None:
        try:
            return self.catalogue.resolve(address, year)
        except AddressError as err:
            self.problems.append(located.problem(path, f"{address!r}: {err}", rule="reference"))
            return None

    # -- declared totals ----------------------------------------------------------------------

    def totals(self, entry: Entry) -> Iterator[Outcome]:
        dataset = entry.dataset
        assert isinstance(dataset, TablesDataset)
        for name, table in dataset.tables.items():
            yield from self._total_row(entry, name, table)
            yield from self._total_column(entry, name, table)

    def _ref(self, entry: Entry, table: str, row: str, column: str) -> FigureRef:
        return self.catalogue.resolve(f"{entry.id}.{table}/{row}/{column}", entry.year)

    def _total_row(self, entry: Entry, name: str, table: Table) -> Iterator[Outcome]:
        if table.total is None:
            return
        total_key = key_of(table.total)
        for column in table.columns:
            if not column_spec(column).numeric:
                continue
            if table.total.get(column.key) is None:
                continue
            if any(row_spec(column_spec(column), r).unit != column.unit for r in table.rows):
                continue
            parts = [self._ref(entry, name, str(r["key"]), column.key) for r in table.rows]
            total = self._ref(entry, name, total_key, column.key)
            holds, message = _sum_outcome(parts, total)
            yield Outcome(
                f"total-row:{entry.id}.{name}/{column.key}",
                entry.year,
                holds,
                f"{table.title}, column '{column.label}': {message}",
                (*parts, total),
                total.file,
                total.line,
                total.column,
                kind="total-row",
            )

    def _total_column(self, entry: Entry, name: str, table: Table) -> Iterator[Outcome]:
        if table.total_column is None:
            return
        unit = next((c.unit for c in table.columns if c.key == table.total_column), None)
        keys = [c.key for c in table.columns if c.unit == unit and c.key != table.total_column]
        rows = table.every_row
        for row in rows:
            row_key = key_of(row)
            if row.get(table.total_column) is None:
                continue
            parts = [self._ref(entry, name, row_key, key) for key in keys]
            total = self._ref(entry, name, row_key, table.total_column)
            holds, message = _sum_outcome(parts, total)
            yield Outcome(
                f"total-column:{entry.id}.{name}/{row_key}",
                entry.year,
                holds,
                f"{table.title}, row '{row_key}': {message}",
                (*parts, total),
                total.file,
                total.line,
                total.column,
                kind="total-column",
            )

    # -- declared rules -----------------------------------------------------------------------

    def declared(
        self, rules: Iterable[Rule], prefix: str, year: str | None, located: Located
    ) -> Iterator[Outcome]:
        for index, rule in enumerate(rules):
            path: tuple[str | int, ...] = ("rules", index)
            line, column = located.position(path)
            outcome = self._rule(rule, year, located, path)
            if outcome is None:
                continue
            holds, message, figures = outcome
            yield Outcome(
                f"{prefix}/{rule.id}",
                year,
                holds,
                message,
                tuple(figures),
                located.file,
                line,
                column,
                rule.note,
                rule.kind,
            )

    def _rule(
        self, rule: Rule, year: str | None, located: Located, path: tuple[str | int, ...]
    ) -> tuple[bool, str, list[FigureRef]] | None:
        def get(field: str, address: str, *index: int) -> FigureRef | None:
            return self.resolve(address, year, located, (*path, field, *index))

        if isinstance(rule, SumRule | SharesRule):
            parts = [get("parts", a, i) for i, a in enumerate(rule.parts)]
            if isinstance(rule, SumRule):
                total = get("total", rule.total)
                if total is None or any(p is None for p in parts):
                    return None
                found = [p for p in parts if p is not None]
                holds, message = _sum_outcome(found, total)
                return holds, message, [*found, total]
            if any(p is None for p in parts):
                return None
            found = [p for p in parts if p is not None]
            numbers = [_number(p) for p in found]
            if any(n is None for n in numbers):
                return True, "blank figures are not checked", found
            values = [n for n in numbers if n is not None]
            added = sum(values, Decimal(0))
            tolerance = sum((_half_unit(v) for v in values), Decimal(0))
            holds = abs(added - 100) <= tolerance
            return (
                holds,
                (
                    f"the shares add up to {added}%, not 100% (allowing {tolerance} for rounding)"
                    if not holds
                    else f"the shares add up to {added}%"
                ),
                found,
            )
        if isinstance(rule, ShareRule):
            part, whole, share = (
                get("part", rule.part),
                get("whole", rule.whole),
                get("share", rule.share),
            )
            if part is None or whole is None or share is None:
                return None
            p, w, s = _number(part), _number(whole), _number(share)
            if p is None or w is None or s is None or w == 0:
                return None
            exact = p / w * 100
            rounded = _round_as(exact, s)
            holds = rounded == s
            return (
                holds,
                (
                    f"{_shown(part)} of {_shown(whole)} is {rounded}% at the printed "
                    f"precision ({exact:.3f}%), but {_shown(share)} is printed"
                    if not holds
                    else f"{_shown(part)} of {_shown(whole)} is {_shown(share)}"
                ),
                [part, whole, share],
            )
        if isinstance(rule, ChangeRule):
            base, value, change = (
                get("base", rule.base),
                get("value", rule.value),
                get("change", rule.change),
            )
            if base is None or value is None or change is None:
                return None
            b, v, c = _number(base), _number(value), _number(change)
            if b is None or v is None or c is None or b == 0:
                return None
            diff = v - b
            amount = diff / b * 100 if rule.reading == "percent" else diff
            direction_ok = (diff < 0) == (rule.direction == "decrease") or diff == 0
            rounded = _round_as(abs(amount), c)
            holds = direction_ok and rounded == c
            unit = "%" if rule.reading == "percent" else " points"
            word = "fall" if diff < 0 else "rise"
            return (
                holds,
                (
                    f"from {_shown(base)} to {_shown(value)} is a {word} of {rounded}{unit} "
                    f"read as {rule.reading}, but a {rule.direction} of {_shown(change)} "
                    "is printed"
                    if not holds
                    else f"from {_shown(base)} to {_shown(value)} is a {rule.direction} of "
                    f"{_shown(change)}"
                ),
                [base, value, change],
            )
        if isinstance(rule, EqualRule):
            figures = [get("figures", a, i) for i, a in enumerate(rule.figures)]
            if any(f is None for f in figures):
                return None
            found = [f for f in figures if f is not None]
            stated = {_number(f) if _number(f) is not None else f.value for f in found}
            holds = len(stated) == 1
            listed = " and ".join(_shown(f) for f in found)
            return (
                holds,
                (
                    f"the same figure is stated differently: {listed}"
                    if not holds
                    else f"all agree: {_shown(found[0])}"
                ),
                found,
            )
        return None


def load_rules_file(root: Path) -> tuple[RulesFile | None, Located | None, list[Problem]]:
    """Read ``conf/rules.yaml`` if there is one."""
    path = root / RULES_FILE
    if not path.is_file():
        return None, None, []
    try:
        located = load_yaml(path)
    except LscbError as err:
        return None, None, list(err.problems)
    model, problems = validate_document(located, {"rules": RulesFile})
    if problems or not isinstance(model, RulesFile):
        return None, located, problems
    return model, located, []


def evaluate(catalogue: Catalogue) -> tuple[list[Outcome], list[Problem]]:
    """Every rule's outcome, and problems with the rules themselves (unknown addresses)."""
    evaluator = _Evaluator(catalogue)
    outcomes: list[Outcome] = []
    for (_year, _ident), entry in sorted(catalogue.entries.items(), key=lambda kv: str(kv[0])):
        if isinstance(entry.dataset, TablesDataset):
            outcomes.extend(evaluator.totals(entry))
        rules = getattr(entry.dataset, "rules", [])
        if rules:
            outcomes.extend(evaluator.declared(rules, entry.id, entry.year, entry.located))
    outcomes.extend(_formulas(catalogue))
    model, located, problems = load_rules_file(catalogue.settings.root)
    evaluator.problems.extend(problems)
    if model is not None and located is not None:
        outcomes.extend(evaluator.declared(model.rules, "rules", None, located))
    return outcomes, evaluator.problems


def _formulas(catalogue: Catalogue) -> Iterator[Outcome]:
    """Each figure worked out by a formula, against what the report printed (if anything).

    Its rule id is ``formula:<dataset>/<figure>``; a formula figure the report did not print
    holds by definition, and is listed so that the published view knows what it is made of.
    """
    for address, terms in sorted(catalogue.formulas.items()):
        year, _, local = address.rpartition(":")
        ident, _, name = local.partition("/")
        entry = catalogue.entry(ident, year or None)
        figure = entry.dataset.figures[name]  # type: ignore[union-attr]
        ref = catalogue.resolve(address)
        printed = figure.value
        worked = ref.value
        parts = " ".join(
            f"{'-' if sign < 0 else '+'} {_shown(part)}" for sign, part in terms
        ).removeprefix("+ ")
        if printed is None or worked is None:
            holds, message = True, f"{parts} is {_shown(ref)}"
        else:
            holds = Decimal(printed) == Decimal(worked)  # type: ignore[arg-type]
            message = (
                f"{parts} is {_shown(ref)}, but the report prints {format_value(printed, ref.spec)}"
                if not holds
                else f"{parts} is {_shown(ref)}, as the report prints"
            )
        yield Outcome(
            f"formula:{local}",
            entry.year,
            holds,
            message,
            (*(part for _s, part in terms), ref),
            ref.file,
            ref.line,
            ref.column,
            kind="formula",
        )


def _register(catalogue: Catalogue) -> list[tuple[Entry, int, str]]:
    """Every discrepancy register entry: (file, index, rule id)."""
    found = []
    for entry in catalogue.entries.values():
        if isinstance(entry.dataset, DiscrepancyRegister):
            for index, item in enumerate(entry.dataset.discrepancies):
                found.append((entry, index, item.rule))
    return found


def figure_lines(outcome: Outcome) -> str:
    return "; ".join(
        f"{f.file}:{f.line}:{f.column} {f.address} = {_shown(f)}" for f in outcome.figures
    )


def check_figures(catalogue: Catalogue) -> tuple[list[Problem], list[Outcome]]:
    """Problems: unrecorded contradictions, stale register entries, broken rules.

    Also returns the outcomes of the rules that fail and are recorded (the known
    discrepancies), for reports.
    """
    outcomes, problems = evaluate(catalogue)
    register = _register(catalogue)
    current = catalogue.settings.current_year

    def key(year: str | None, rule_id: str) -> tuple[str | None, str]:
        return (year or current, rule_id)

    recorded = {key(entry.year, rule): (entry, index) for entry, index, rule in register}
    failing = {key(o.year, o.rule_id): o for o in outcomes if not o.holds}
    known_ids = {key(o.year, o.rule_id) for o in outcomes}
    for rule_key, outcome in sorted(failing.items(), key=lambda kv: str(kv[0])):
        if rule_key in recorded:
            continue
        message = (
            f"rule {outcome.rule_id}: {outcome.message}. If the published report says "
            f"this, record it in the discrepancy register with 'rule: {outcome.rule_id}'"
        )
        for index, figure in enumerate(outcome.figures):
            problems.append(
                Problem(
                    figure.file,
                    figure.line,
                    figure.column,
                    figure.address,
                    message
                    if index == 0
                    else f"is part of rule {outcome.rule_id}, which fails (see "
                    f"{outcome.figures[0].file}:{outcome.figures[0].line})",
                    "figures",
                )
            )
        if not outcome.figures:
            problems.append(
                Problem(outcome.file, outcome.line, outcome.column, "", message, "figures")
            )
    for rule_key, (entry, index) in recorded.items():
        if rule_key in failing:
            continue
        path = ("discrepancies", index, "rule")
        if rule_key not in known_ids:
            problems.append(
                entry.located.problem(
                    path,
                    f"names rule '{rule_key[1]}', which no rule has; rule ids are printed by "
                    "`lscb-kb check --rules`",
                    rule="figures",
                )
            )
        else:
            problems.append(
                entry.located.problem(
                    path,
                    f"is stale: rule '{rule_key[1]}' now holds, so the data no longer "
                    "contradicts itself here; remove this entry",
                    rule="figures",
                )
            )
    known = [failing[k] for k in sorted(failing, key=str) if k in recorded]
    return problems, known
