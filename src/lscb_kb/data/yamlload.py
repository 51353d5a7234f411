"""Read YAML so that every value keeps its line and column, and duplicate keys are an error.

PyYAML's composer (libyaml's C parser where it is installed, as it is in PyYAML's wheels)
gives every node the line and column it starts at. We build plain Python values from the nodes
ourselves, by YAML 1.2's core schema (so ``yes`` and ``no`` stay words, as a person reading the
file would expect), with numbers that have a fraction as :class:`~decimal.Decimal`, so ``6`` and
``5.9`` keep the precision the report printed them with, and a map from each value's path to its
1-based line and column. Building from the nodes is about forty times faster than a round-trip
loader, which matters because every build and every check reads every data file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import PathPart, Problem, display_path

Position = tuple[int, int]


@dataclass
class Located:
    """A YAML document as plain values, with the position of every key and value."""

    file: str
    value: Any
    values: dict[tuple[PathPart, ...], Position] = field(default_factory=dict)
    keys: dict[tuple[PathPart, ...], Position] = field(default_factory=dict)
    count: int = field(default=0, repr=False, compare=False)
    """Values read so far, to stop a file whose aliases expand without end."""

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


_FastLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PLAIN = "tag:lscb-kb,2026:plain"
"""The tag given to every unquoted scalar without a tag, so that we resolve it ourselves."""

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")
_INT_OTHER = re.compile(r"^(?:0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_TIMESTAMP = SafeConstructor.timestamp_regexp


def _resolve(loader: Any, kind: type, value: Any, implicit: Any) -> str:
    """Unquoted scalars without a tag keep a tag of their own for :func:`_scalar` to resolve."""
    if kind is ScalarNode and implicit[0]:
        return PLAIN
    base: Any = yaml.resolver.Resolver.resolve
    return str(base(loader, kind, value, implicit))


class _Loader(_FastLoader):  # type: ignore[misc]
    """Composes with libyaml's C parser where PyYAML has it."""

    resolve = _resolve


class _ExplainingLoader(yaml.SafeLoader):
    """The pure-Python parser, used only to explain a file that does not parse.

    Its messages say what it found where it expected something else (``expected ',' or ']',
    but got ':'``), which libyaml's do not; files that parse never reach it.
    """

    resolve = _resolve


_TIMESTAMPS = SafeConstructor()


def _number(text: str) -> Any:
    """A YAML float as a Decimal with its printed precision; .inf and .nan stay text."""
    try:
        number = Decimal(text.replace("_", ""))
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def _scalar(node: ScalarNode) -> Any:
    text = str(node.value)
    tag = node.tag
    if tag == PLAIN:
        if _NULL.match(text):
            return None
        if text in _BOOL:
            return _BOOL[text]
        if _INT.match(text):
            return int(text.replace("_", ""))
        if _INT_OTHER.match(text):
            return int(text, 0)
        if _FLOAT.match(text) or _SPECIAL_FLOAT.match(text):
            return _number(text)
        if _TIMESTAMP.match(text):
            return _TIMESTAMPS.construct_yaml_timestamp(node)
        return text
    if tag == "tag:yaml.org,2002:int":
        return int(text.replace("_", ""), 0)
    if tag == "tag:yaml.org,2002:float":
        return _number(text)
    if tag == "tag:yaml.org,2002:bool":
        return _BOOL.get(text, text)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:timestamp":
        return _TIMESTAMPS.construct_yaml_timestamp(node)
    return text


class _Duplicate(Exception):
    def __init__(self, key: str, node: Node) -> None:
        super().__init__(key)
        self.key = key
        self.node = node


MAX_NODES = 1_000_000
"""More values than any data file has: past this, aliases are being used to blow a file up."""


class _TooBig(Exception):
    pass


def _at(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _plain(node: Node, path: tuple[PathPart, ...], out: Located) -> Any:
    out.count += 1
    if out.count > MAX_NODES:
        raise _TooBig
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _plain(key_node, (*path, "<key>"), out)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                raise _Duplicate(key, key_node)
            child = (*path, key)
            out.keys[child] = _at(key_node)
            out.values[child] = _at(value_node)
            result[key] = _plain(value_node, child, out)
        return result
    if isinstance(node, SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            out.values[child] = _at(item)
            items.append(_plain(item, child, out))
        return items
    if isinstance(node, ScalarNode):
        return _scalar(node)
    return None


def _mark(err: MarkedYAMLError) -> Position:
    mark = err.problem_mark or err.context_mark
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def _duplicate_message(key: str) -> str:
    return (
        f"the key '{key}' is given twice in the same mapping; "
        f"keep one and remove or rename the other"
    )


def _yaml_message(err: MarkedYAMLError) -> str:
    problem = (err.problem or "").strip()
    context = (err.context or "").strip()
    if "found character '\\t'" in problem:
        return "a tab is used for indentation; YAML files must be indented with spaces"
    text = problem or context or "the file is not valid YAML"
    if context and problem and context != problem:
        text = f"{problem} ({context})"
    return f"not valid YAML: {text}"


def _syntax_problem(text: str, shown: str, offset: int, err: YAMLError) -> Problem:
    try:
        yaml.compose(text, Loader=_ExplainingLoader)
    except YAMLError as explained:
        err = explained
    if not isinstance(err, MarkedYAMLError):
        return Problem(shown, offset + 1, 1, "", f"not valid YAML: {err}", "syntax")
    line, col = _mark(err)
    return Problem(shown, line + offset, col, "", _yaml_message(err), "syntax")


def parse_yaml(text: str, shown: str, *, first_line: int = 1) -> Located:
    """Read YAML *text*, written in *shown* from *first_line* on; :class:`LscbError` if bad."""
    from .problems import LscbError  # noqa: PLC0415

    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=_Loader)
    except YAMLError as err:
        raise LscbError([_syntax_problem(text, shown, offset, err)]) from None
    located = Located(file=shown, value=None)
    if node is None:
        return located
    try:
        located.value = _plain(node, (), located)
    except _Duplicate as dup:
        line, col = _at(dup.node)
        raise LscbError(
            [Problem(shown, line + offset, col, "", _duplicate_message(dup.key), "syntax")]
        ) from None
    except (_TooBig, RecursionError):
        raise LscbError(
            [
                Problem(
                    shown,
                    first_line,
                    1,
                    "",
                    "the file's anchors and aliases (& and *) refer to themselves or expand to "
                    f"more than {MAX_NODES:,} values; write the values out instead",
                    "syntax",
                )
            ]
        ) from None
    if offset:
        located.keys = {k: (line + offset, col) for k, (line, col) in located.keys.items()}
        located.values = {k: (line + offset, col) for k, (line, col) in located.values.items()}
    return located


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
    return parse_yaml(text, shown)
