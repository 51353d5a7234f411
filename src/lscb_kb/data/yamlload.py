"""Read YAML so that every value keeps its line and column, and duplicate keys are an error.

ruamel.yaml's round-trip loader records where each key and value stood. We turn what it
reads into plain Python values (numbers become :class:`~decimal.Decimal`, so ``6`` and
``5.9`` keep the precision the report printed them with) and a map from each value's path
to its 1-based line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode

from .problems import PathPart, Problem, display_path

Position = tuple[int, int]


@dataclass
class Located:
    """A YAML document as plain values, with the position of every key and value."""

    file: str
    value: Any
    values: dict[tuple[PathPart, ...], Position] = field(default_factory=dict)
    keys: dict[tuple[PathPart, ...], Position] = field(default_factory=dict)

    def position(self, path: tuple[PathPart, ...]) -> Position:
        """Where the value at *path* is; failing that, its key; failing that, its nearest parent."""
        while True:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def key_position(self, path: tuple[PathPart, ...]) -> Position:
        """Where the key of *path* is written, for problems with the key itself."""
        return self.keys.get(path) or self.position(path)

    def problem(
        self,
        path: tuple[PathPart, ...],
        message: str,
        *,
        rule: str = "schema",
        at_key: bool = False,
    ) -> Problem:
        from .problems import format_path  # noqa: PLC0415

        line, col = self.key_position(path) if at_key else self.position(path)
        return Problem(self.file, line, col, format_path(path), message, rule)


def _construct_number(constructor: RoundTripConstructor, node: ScalarNode) -> Any:
    text = str(node.value).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return str(node.value)  # .inf, .nan: validation says it is not a number
    if not number.is_finite():
        return str(node.value)
    return number


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that reads every float as a Decimal, keeping its printed precision."""


_Constructor.add_constructor("tag:yaml.org,2002:float", _construct_number)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def _mark(err: MarkedYAMLError) -> Position:
    mark = err.problem_mark or err.context_mark
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def _yaml_message(err: MarkedYAMLError) -> str:
    problem = (err.problem or "").strip()
    context = (err.context or "").strip()
    duplicate = re.search(r'found duplicate key "([^"]*)"', f"{problem} {context}")
    if duplicate:
        return (
            f"the key '{duplicate.group(1)}' is given twice in the same mapping; "
            f"keep one and remove or rename the other"
        )
    if "found character '\\t'" in problem:
        return "a tab is used for indentation; YAML files must be indented with spaces"
    text = problem or context or "the file is not valid YAML"
    if context and problem and context != problem:
        text = f"{problem} ({context})"
    return f"not valid YAML: {text}"


def _plain(node: Any, path: tuple[PathPart, ...], out: Located) -> Any:
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key in node:
            child = (*path, str(key))
            try:
                kline, kcol = node.lc.key(key)
                out.keys[child] = (kline + 1, kcol + 1)
                vline, vcol = node.lc.value(key)
                out.values[child] = (vline + 1, vcol + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            result[str(key) if not isinstance(key, str) else key] = _plain(node[key], child, out)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, item in enumerate(node):
            child = (*path, index)
            try:
                line, col = node.lc.item(index)
                out.values[child] = (line + 1, col + 1)
            except (KeyError, TypeError, AttributeError, IndexError):
                pass
            items.append(_plain(item, child, out))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, Decimal):
        return node
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node


def load_yaml(path: Path) -> Located:
    """Read one YAML file; :class:`LscbError` with a located problem if it can not be read."""
    from .problems import LscbError  # noqa: PLC0415

    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise LscbError([Problem(shown, 1, 0, "", f"can not be read: {err.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise LscbError(
            [
                Problem(
                    shown,
                    line,
                    col,
                    "",
                    f"is not UTF-8 text (byte 0x{raw[err.start]:02x}); save the file as UTF-8",
                    "syntax",
                )
            ]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        document = _yaml().load(text)
    except MarkedYAMLError as err:
        line, col = _mark(err)
        raise LscbError([Problem(shown, line, col, "", _yaml_message(err), "syntax")]) from None
    except YAMLError as err:
        raise LscbError([Problem(shown, 1, 1, "", f"not valid YAML: {err}", "syntax")]) from None
    located = Located(file=shown, value=None)
    located.value = _plain(document, (), located)
    return located
