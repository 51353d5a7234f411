"""Validate one data file: its shape (pydantic), then each cell against its unit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from .hygiene import KEY_PATTERN, identifier_problem
from .models import (
    MODELS,
    RESERVED_ROW_KEYS,
    Dataset,
    Figure,
    FiguresDataset,
    GlossaryDataset,
    RegisterDataset,
    Table,
    TablesDataset,
    key_of,
)
from .problems import PathPart, Problem
from .units import UnitSpec, check_value
from .yamlload import Located

_KEY = re.compile(KEY_PATTERN)


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _message(err: dict[str, Any], model: type[BaseModel] | None) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a field this file can have; check its spelling against the schema"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}, got {_got(value)}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        shape = identifier_problem(value) if isinstance(value, str) else None
        if shape is not None:
            return shape
        if "A-Z" in pattern:
            return (
                f"must be an id in capitals and digits joined by hyphens, "
                f"such as 'QA-0910-01', got {_got(value)}"
            )
        return (
            f"must be lower-case letters, digits and hyphens, such as 'actual-income', "
            f"got {_got(value)}"
        )
    if kind in ("string_too_short",):
        return "must not be empty"
    if kind == "too_short":
        return "must have at least one entry"
    if kind in ("string_type",):
        return f"must be text, got {_got(value)}"
    if kind in ("list_type",):
        return f"must be a list, got {_got(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of fields, got {_got(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {_got(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, got {_got(value)}"
    if kind == "greater_than":
        return f"must be greater than {ctx.get('gt')}, got {_got(value)}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"{err['msg'][0].lower()}{err['msg'][1:]}, got {_got(value)}"


def _loc(loc: tuple[Any, ...]) -> tuple[PathPart, ...]:
    """Drop pydantic's union-member names from an error location, keeping the document path."""
    out: list[PathPart] = []
    for part in loc:
        if isinstance(part, int):
            out.append(part)
        elif isinstance(part, str) and (
            part.startswith(("function-", "union[", "lax-", "strict-"))
            or part
            in (
                "bool",
                "int",
                "decimal",
                "date",
                "str",
                "none",
                "list[str]",
                "constrained-str",
                "list[constrained-str]",
            )
        ):
            continue
        else:
            out.append(part)
    return tuple(out)


def validate_document(
    located: Located, models: dict[str, type[BaseModel]] | None = None
) -> tuple[Dataset | None, list[Problem]]:
    """Validate a loaded document. Returns the model (or ``None``) and every problem found."""
    doc = located.value
    if not isinstance(doc, dict):
        return None, [
            located.problem(
                (), f"must be a mapping of fields starting with 'kind:', got {_got(doc)}"
            )
        ]
    models = models or MODELS
    kind = doc.get("kind")
    if not isinstance(kind, str) or kind not in models:
        if "kind" not in doc:
            message = f"'kind' is required: one of {', '.join(models)}"
            return None, [located.problem((), message)]
        message = f"must be one of {', '.join(models)}, got {_got(kind)}"
        return None, [located.problem(("kind",), message)]
    model = models[kind]
    try:
        dataset = model.model_validate(doc)
    except ValidationError as err:
        problems = []
        seen = set()
        for item in err.errors(include_url=False):
            path = _loc(item["loc"])
            at_key = item["type"] == "extra_forbidden"
            if path[-1:] == ("[key]",):  # a mapping's key itself, such as a table's name
                path, at_key = path[:-1], True
            problem = located.problem(path, _message(dict(item), model), at_key=at_key)
            if problem not in seen:
                seen.add(problem)
                problems.append(problem)
        return None, problems
    problems = []
    if isinstance(dataset, TablesDataset):
        for key, table in dataset.tables.items():
            problems.extend(_check_table(located, ("tables", key), table, dataset.not_yet_entered))
    elif isinstance(dataset, FiguresDataset):
        problems.extend(_check_figures(located, dataset.figures, dataset.not_yet_entered))
    if isinstance(dataset, TablesDataset | FiguresDataset) and dataset.not_yet_entered:
        if not blank_figures(dataset):
            problems.append(
                located.problem(
                    ("not_yet_entered",),
                    "every figure is entered: remove 'not_yet_entered'",
                    at_key=True,
                )
            )
    elif isinstance(dataset, RegisterDataset):
        problems.extend(_check_unique(located, "records", [r.id for r in dataset.records], "id"))
    elif isinstance(dataset, GlossaryDataset):
        problems.extend(_check_unique(located, "terms", [t.term for t in dataset.terms], "term"))
    return dataset, problems  # type: ignore[return-value]


def row_spec(column_spec: UnitSpec, row: dict[str, Any]) -> UnitSpec:
    """The unit of one cell: the column's, unless the row overrides it for its numbers."""
    unit = row.get("unit")
    if unit is None or not column_spec.numeric:
        return column_spec
    return UnitSpec(unit=unit, per=row.get("per"), pence=column_spec.pence)


def column_spec(column: Any) -> UnitSpec:
    return UnitSpec(unit=column.unit, per=column.per, pence=column.pence)


def blank_figures(dataset: TablesDataset | FiguresDataset) -> int:
    """How many figures of a file are still blank: null, not worked out by a formula, and
    without a reason the report gives none (``not_reported``)."""
    if isinstance(dataset, FiguresDataset):
        return sum(
            1
            for f in dataset.figures.values()
            if f.value is None and f.formula is None and f.not_reported is None
        )
    count = 0
    for table in dataset.tables.values():
        for row in table.every_row:
            for column in table.columns:
                cell = f"{key_of(row)}/{column.key}"
                if (
                    row_spec(column_spec(column), row).numeric
                    and row.get(column.key) is None
                    and cell not in table.not_reported
                ):
                    count += 1
    return count


def _check_table(
    located: Located, base: tuple[PathPart, ...], table: Table, pending: bool = False
) -> Iterator[Problem]:
    keys = [c.key for c in table.columns]
    seen_columns: set[str] = set()
    for index, column in enumerate(table.columns):
        if column.key in RESERVED_ROW_KEYS:
            yield located.problem(
                (*base, "columns", index, "key"),
                f"'{column.key}' is reserved for rows; choose another key",
            )
        if column.key in seen_columns:
            yield located.problem(
                (*base, "columns", index, "key"),
                f"column key '{column.key}' is used twice; keys must be unique",
            )
        seen_columns.add(column.key)
    if table.total_column is not None and table.total_column not in keys:
        yield located.problem(
            (*base, "total_column"),
            f"must name one of the columns ({', '.join(keys)}), got '{table.total_column}'",
        )
    specs = {c.key: column_spec(c) for c in table.columns}
    seen_rows: dict[str, int] = {}
    rows: list[tuple[tuple[PathPart, ...], dict[str, Any]]] = [
        ((*base, "rows", i), row) for i, row in enumerate(table.rows)
    ]
    if table.total is not None:
        rows.append(((*base, "total"), table.total))
    for path, row in rows:
        key = row.get("key")
        if key is None:
            if path[-1] != "total":
                yield located.problem(
                    path, "needs a 'key' that names the row in addresses, such as 'key: employees'"
                )
        elif isinstance(key, str) and identifier_problem(key) is not None:
            yield located.problem((*path, "key"), str(identifier_problem(key)))
        elif not isinstance(key, str) or not _KEY.match(key):
            yield located.problem(
                (*path, "key"),
                "must be lower-case letters, digits and "
                f"hyphens, such as 'employees', got {_got(key)}",
            )
        elif key in seen_rows:
            yield located.problem(
                (*path, "key"),
                f"row key '{key}' is used twice in this table (rows must have unique keys)",
            )
        else:
            seen_rows[key] = 1
        unit = row.get("unit")
        if unit is not None and unit not in ("count", "percent", "money", "rate"):
            yield located.problem(
                (*path, "unit"),
                f"a row's unit must be one of count, percent, money, rate, got {_got(unit)}",
            )
            continue
        if unit == "rate" and not isinstance(row.get("per"), int):
            yield located.problem(
                (*path, "unit"), "a row whose unit is 'rate' needs 'per', such as 'per: 1000'"
            )
            continue
        for name, value in row.items():
            if name in RESERVED_ROW_KEYS:
                continue
            if name not in specs:
                hint = ""
                if name[:1].isdigit():
                    hint = (
                        "; a number was probably typed with a comma, which YAML reads as the "
                        "start of a new field: write numbers without commas (81751, not 81,751)"
                    )
                yield located.problem(
                    (*path, name),
                    f"is not a column of this table; columns are {', '.join(keys)}{hint}",
                    at_key=True,
                )
                continue
            reason = check_value(value, row_spec(specs[name], row))
            if reason:
                yield located.problem((*path, name), reason)
    yield from _check_blanks(located, base, table, rows, pending)


def _check_blanks(
    located: Located,
    base: tuple[PathPart, ...],
    table: Table,
    rows: list[tuple[tuple[PathPart, ...], dict[str, Any]]],
    pending: bool,
) -> Iterator[Problem]:
    """Every blank figure is an explicit ``null`` whose reason ``not_reported`` gives (or, in
    a file whose figures are ``not_yet_entered``, one still to be entered)."""
    blanks: set[str] = set()
    for path, row in rows:
        row_key = key_of(row)
        for column in table.columns:
            spec = row_spec(column_spec(column), row)
            if not spec.numeric:
                continue
            name = f"{row_key}/{column.key}"
            if column.key not in row:
                if path[-1] == "total":
                    continue  # a total row need not total every column (a rate, a share)
                yield located.problem(
                    path,
                    f"has no value for '{column.key}': write '{column.key}: null' and say why "
                    f"under the table's 'not_reported' ('{name}: <reason>'), so the site shows "
                    "'not reported' with the reason instead of a blank",
                )
            elif row[column.key] is None:
                blanks.add(name)
                if name not in table.not_reported and not pending:
                    yield located.problem(
                        (*path, column.key),
                        f"is null: say why under the table's 'not_reported' ('{name}: "
                        "<reason>'), so the site shows 'not reported' with the reason",
                    )
    for name in table.not_reported:
        if name not in blanks:
            yield located.problem(
                (*base, "not_reported", name),
                f"'{name}' is not a null figure of this table; 'not_reported' names each "
                "cell written as null, as '<row>/<column>'",
                at_key=True,
            )


def _check_figures(
    located: Located, figures: dict[str, Figure], pending: bool = False
) -> Iterator[Problem]:
    """Every single figure against its unit, as a table's cells are checked against theirs."""
    for name, figure in figures.items():
        path: tuple[PathPart, ...] = ("figures", name)
        spec = UnitSpec(unit=figure.unit, per=figure.per, pence=figure.pence)
        reason = check_value(figure.value, spec)
        if reason:
            yield located.problem((*path, "value"), reason)
        elif figure.formula is not None and not spec.numeric:
            yield located.problem(
                (*path, "formula"), f"belongs only to a number; this figure's unit is {figure.unit}"
            )
        elif (
            figure.value is None
            and figure.not_reported is None
            and figure.formula is None
            and not pending
        ):
            yield located.problem(
                (*path, "value"),
                "is null: say why with 'not_reported: <reason>', so the site shows "
                "'not reported' with the reason",
            )
        elif figure.value is not None and figure.not_reported is not None:
            yield located.problem(
                (*path, "not_reported"),
                "belongs only to a figure whose value is null",
                at_key=True,
            )


def _check_unique(located: Located, field: str, values: list[str], name: str) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in first:
            line = located.position((field, first[value], name))[0]
            yield located.problem(
                (field, index, name),
                f"'{value}' is used already at line {line}; each {name} must be unique",
                rule="reference",
            )
        else:
            first[value] = index
