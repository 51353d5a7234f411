"""Read YAML so that every value keeps its line and column, and duplicate keys are an error.

PyYAML's parser (libyaml's C parser where it is installed, as it is in PyYAML's wheels) gives
every event the line and column it starts at. We compose the nodes from the events and build
plain Python values from the nodes ourselves, by YAML 1.2's core schema (so ``yes`` and ``no``
stay words, as a person reading the file would expect), with numbers that have a fraction as
:class:`~decimal.Decimal`, so ``6`` and ``5.9`` keep the precision the report printed them
with, and a map from each value's path to its 1-based line and column. Building from the nodes
is about forty times faster than a round-trip loader, which matters because every build and
every check reads every data file.

A file is refused, with a problem at the line where it happens, when it breaks one of the
:class:`~lscb_kb.core.settings.Limits`: its size (judged before it is read), how deep it
nests (judged as it is composed, without recursion, so no depth runs out of Python's stack),
the length of one text and the number of values (counting each use of an alias again). A date
that does not exist (``2010-02-30``) is a problem too, not an error of Python's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import MarkedYAMLError, YAMLError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from .hygiene import describe, hidden_character_problems, line_and_column
from .problems import PathPart, Problem, display_path, format_path
from .settings import Limits

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
    """Parses with libyaml's C parser where PyYAML has it; :func:`_compose` builds the nodes."""

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


class _Duplicate(Exception):
    def __init__(self, key: str, node: Node) -> None:
        super().__init__(key)
        self.key = key
        self.node = node


class _Refused(Exception):
    """A file refused while it is composed: past a limit, or not valid YAML, at a line."""

    def __init__(self, line: int, column: int, message: str, rule: str = "limit") -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.rule = rule


class _AliasLoop(Exception):
    pass


class _TooBig(Exception):
    pass


def _at(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _mark_at(mark: Any) -> Position:
    return (mark.line + 1, mark.column + 1)


def _depth_message(limits: Limits, aliases: bool = False) -> str:
    through = ", counting what its aliases (*name) stand for" if aliases else ""
    return (
        f"the file is nested more than {limits.max_depth} levels deep{through} "
        f"(the limit, {limits.describe('max_depth')}); the data files need at most a few "
        "levels: write the values out flatter"
    )


# -- composing: the parser's events into nodes, without recursion ------------------------------


def _compose(loader: Any, limits: Limits) -> Node | None:
    """The one document of the stream as nodes, checking the limits as each event arrives.

    The parser (libyaml's, or PyYAML's own) reads the text a piece at a time; the nodes are
    built here with a stack of open mappings and lists instead of PyYAML's recursive composer,
    so a file nested thousands of levels deep is refused at the line where it passes
    ``max_depth`` rather than running out of Python's stack.
    """
    get_event = loader.get_event
    get_event()  # the start of the stream
    if loader.check_event(StreamEndEvent):
        get_event()
        return None
    get_event()  # the start of the document
    anchors: dict[str, Node] = {}
    # The open collections; for a mapping, the key that waits for its value (or None).
    stack: list[tuple[Node, bool, list[Any]]] = []
    root: Node | None = None
    values = 0
    max_values, max_depth, max_chars = limits.max_values, limits.max_depth, limits.max_string_chars

    while True:
        event = get_event()
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()[0].end_mark = event.end_mark
            continue
        if kind is DocumentEndEvent:
            break
        values += 1
        if values > max_values:
            line, column = _mark_at(event.start_mark)
            raise _Refused(
                line,
                column,
                f"the file holds more than {max_values:,} values (the limit, "
                f"{limits.describe('max_values')}); split it into smaller files",
            )
        anchor = event.anchor
        node: Node
        if kind is AliasEvent:
            if anchor not in anchors:
                line, column = _mark_at(event.start_mark)
                raise _Refused(
                    line,
                    column,
                    f"not valid YAML: found undefined alias '*{anchor}'; define it "
                    f"first with '&{anchor}', or write the value out",
                    "syntax",
                )
            node = anchors[anchor]
            anchor = None
        else:
            if anchor is not None and anchor in anchors:
                line, column = _mark_at(event.start_mark)
                raise _Refused(
                    line,
                    column,
                    f"not valid YAML: the anchor '&{anchor}' is defined twice; give the second "
                    "another name",
                    "syntax",
                )
            tag = event.tag
            if kind is ScalarEvent:
                if len(event.value) > max_chars:
                    line, column = _mark_at(event.start_mark)
                    raise _Refused(
                        line,
                        column,
                        f"this text is {len(event.value):,} characters long, more than "
                        f"{max_chars:,} (the limit, {limits.describe('max_string_chars')}); "
                        "shorten it or split it up",
                    )
                if tag is None or tag == "!":
                    tag = loader.resolve(ScalarNode, event.value, event.implicit)
                node = ScalarNode(
                    tag, event.value, event.start_mark, event.end_mark, style=event.style
                )
            else:
                if len(stack) >= max_depth:
                    line, column = _mark_at(event.start_mark)
                    raise _Refused(line, column, _depth_message(limits))
                if kind is SequenceStartEvent:
                    if tag is None or tag == "!":
                        tag = loader.resolve(SequenceNode, None, event.implicit)
                    node = SequenceNode(
                        tag, [], event.start_mark, None, flow_style=event.flow_style
                    )
                else:
                    if tag is None or tag == "!":
                        tag = loader.resolve(MappingNode, None, event.implicit)
                    node = MappingNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if anchor is not None:
                anchors[anchor] = node
        if stack:  # put the node in the collection that holds it
            parent, is_sequence, pending = stack[-1]
            if is_sequence:
                parent.value.append(node)
            elif pending:
                parent.value.append((pending.pop(), node))
            else:
                pending.append(node)
        else:
            root = node
        if kind is SequenceStartEvent:
            stack.append((node, True, []))
        elif kind is MappingStartEvent:
            stack.append((node, False, []))
    if not loader.check_event(StreamEndEvent):
        event = get_event()
        line, column = _mark_at(event.start_mark)
        raise _Refused(
            line,
            column,
            "not valid YAML: but found another document (expected a single document in the "
            "stream); a data file holds one document: remove the second '---'",
            "syntax",
        )
    return root


def _compose_text(text: str, limits: Limits) -> Node | None:
    loader = _Loader(text)
    try:
        return _compose(loader, limits)
    finally:
        loader.dispose()


# -- building plain values -----------------------------------------------------------------


_DATE_PARTS = (("hour", 23), ("minute", 59), ("second", 59))


def _impossible_date(text: str, err: Exception) -> str:
    """Why *text*, written as a date, is not one: ``February 2010 has 28 days``."""
    match = _TIMESTAMP.match(text)
    reason = str(err)
    if match is not None:
        year, month, day = (int(match.group(name)) for name in ("year", "month", "day"))
        if year == 0:
            reason = "there is no year 0"
        elif not 1 <= month <= 12:
            reason = f"there is no month {month} (months run from 01 to 12)"
        elif not 1 <= day <= calendar.monthrange(year, month)[1]:
            days = calendar.monthrange(year, month)[1]
            name = dt.date(year, month, 1).strftime("%B")
            reason = f"{name} {year} has {days} days" if day else "there is no day 0"
        else:
            for part, highest in _DATE_PARTS:
                given = match.group(part)
                if given is not None and int(given) > highest:
                    reason = f"there is no {part} {int(given)} (it runs from 0 to {highest})"
                    break
    return (
        f"'{text}' is not a date: {reason}; write a date that exists, as YYYY-MM-DD, "
        "or put the text in quotes if it is not meant as a date"
    )


def _timestamp(node: ScalarNode, build: _Build, path: tuple[PathPart, ...]) -> Any:
    try:
        return _TIMESTAMPS.construct_yaml_timestamp(node)
    except (ValueError, OverflowError) as err:
        line, column = _at(node)
        message = _impossible_date(str(node.value), err)
        build.dates.append(Problem(build.shown, line, column, format_path(path), message, "date"))
        return str(node.value)


def _scalar(node: ScalarNode, build: _Build, path: tuple[PathPart, ...]) -> Any:
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
            return _timestamp(node, build, path)
        return text
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if tag == "tag:yaml.org,2002:float":
        return _number(text)
    if tag == "tag:yaml.org,2002:bool":
        return _BOOL.get(text, text)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:timestamp":
        if not _TIMESTAMP.match(text):
            return text
        return _timestamp(node, build, path)
    return text


@dataclass
class _Build:
    """What building the values needs besides the nodes: the limits, and dates found wrong."""

    located: Located
    limits: Limits
    shown: str
    dates: list[Problem] = field(default_factory=list)
    open: set[int] = field(default_factory=set)
    """The collections being built, to find an alias that refers to its own collection."""


def _plain(node: Node, path: tuple[PathPart, ...], build: _Build, depth: int = 0) -> Any:
    out = build.located
    out.count += 1
    if out.count > build.limits.max_values:
        raise _TooBig
    if isinstance(node, ScalarNode):
        return _scalar(node, build, path)
    if id(node) in build.open:
        raise _AliasLoop
    if depth >= build.limits.max_depth:
        line, column = _at(node)
        raise _Refused(line, column, _depth_message(build.limits, aliases=True))
    build.open.add(id(node))
    try:
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = _plain(key_node, (*path, "<key>"), build, depth + 1)
                key = key if isinstance(key, str) else str(key)
                if key in result:
                    raise _Duplicate(key, key_node)
                child = (*path, key)
                out.keys[child] = _at(key_node)
                out.values[child] = _at(value_node)
                result[key] = _plain(value_node, child, build, depth + 1)
            return result
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = (*path, index)
                out.values[child] = _at(item)
                items.append(_plain(item, child, build, depth + 1))
            return items
    finally:
        build.open.discard(id(node))
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


def _too_deep(text: str, err: YAMLError, limits: Limits) -> _Refused | None:
    """The depth limit, where it was crossed, if libyaml stopped at its own nesting limit.

    libyaml refuses flow collections (``[[[[``) nested a thousand deep before it hands over
    any event; the text up to that point shows where the knowledge base's own limit was
    crossed.
    """
    mark = getattr(err, "problem_mark", None)
    if mark is None or "nesting depth" not in str(getattr(err, "problem", "")):
        return None
    try:
        _compose_text(text[: max(mark.index - 1, 0)], limits)
    except _Refused as refused:
        return refused
    except YAMLError:
        pass
    line, column = _mark_at(mark)
    return _Refused(line, column, _depth_message(limits))


_EXPLAINED_LINES = 2
"""How far past libyaml's error the pure-Python parser reads a big file to explain it."""


def _syntax_problem(text: str, shown: str, offset: int, err: YAMLError) -> Problem:
    """The problem with a file that does not parse, in the words of PyYAML's own parser.

    Its events are read one by one, without composing nodes, so a deeply nested file that
    does not parse is explained without running out of Python's stack; a big file is read only
    a little past where libyaml stopped, so that explaining it costs no more than parsing it.
    """
    mark = getattr(err, "problem_mark", None)
    if mark is not None and len(text) > 65_536:
        end = mark.index
        for _ in range(_EXPLAINED_LINES):
            found = text.find("\n", end + 1)
            end = len(text) if found < 0 else found
        text = text[:end]
    try:
        for _event in yaml.parse(text, Loader=_ExplainingLoader):
            pass
    except YAMLError as explained:
        err = explained
    if isinstance(err, ReaderError) and isinstance(err.character, int):
        line, col = line_and_column(text, err.position)
        char = describe(chr(err.character))
        return Problem(
            shown,
            line + offset,
            col,
            "",
            f"not valid YAML: the control character {char} can not be in a YAML file; delete it",
            "syntax",
        )
    if not isinstance(err, MarkedYAMLError):
        return Problem(shown, offset + 1, 1, "", f"not valid YAML: {err}", "syntax")
    line, col = _mark(err)
    return Problem(shown, line + offset, col, "", _yaml_message(err), "syntax")


def _alias_message(limits: Limits) -> str:
    return (
        "the file's anchors and aliases (& and *) refer to themselves or expand to "
        f"more than {limits.max_values:,} values (the limit, {limits.describe('max_values')}); "
        "write the values out instead"
    )


def parse_yaml(
    text: str, shown: str, *, first_line: int = 1, limits: Limits | None = None
) -> Located:
    """Read YAML *text*, written in *shown* from *first_line* on; :class:`LscbError` if bad.

    *limits* (by default those of :class:`~lscb_kb.core.settings.Limits`) bound how deep the
    text may nest, how long one text may be and how many values it may hold.
    """
    read = _parse_once(text, shown, first_line, limits or Limits())
    return Located(
        file=read.file,
        value=_fresh(read.value),
        values=dict(read.values),
        keys=dict(read.keys),
        count=read.count,
    )


def _fresh(value: Any) -> Any:
    """*value* with new mappings and lists (its scalars are never changed in place)."""
    if type(value) is dict:
        return {key: _fresh(item) for key, item in value.items()}
    if type(value) is list:
        return [_fresh(item) for item in value]
    return value


@lru_cache(maxsize=256)
def _parse_once(text: str, shown: str, first_line: int, limits: Limits) -> Located:
    """:func:`parse_yaml`, once per process for the same text, name, line and limits: a build,
    the check and every rebuild of a preview read the same data files. What it keeps is never
    given out: each reading gets its own mappings and lists. A text that is refused is read,
    and refused, each time."""
    from .problems import LscbError  # noqa: PLC0415

    offset = first_line - 1

    def refused(line: int, column: int, message: str, rule: str = "limit") -> LscbError:
        return LscbError([Problem(shown, line + offset, column, "", message, rule)])

    try:
        node = _compose_text(text, limits)
    except YAMLError as err:
        deep = _too_deep(text, err, limits)
        if deep is not None:
            raise refused(deep.line, deep.column, deep.message) from None
        raise LscbError([_syntax_problem(text, shown, offset, err)]) from None
    except _Refused as err:
        raise refused(err.line, err.column, err.message, err.rule) from None
    located = Located(file=shown, value=None)
    if node is None:
        return located
    build = _Build(located=located, limits=limits, shown=shown)
    try:
        located.value = _plain(node, (), build)
    except _Duplicate as dup:
        line, col = _at(dup.node)
        raise refused(line, col, _duplicate_message(dup.key), "syntax") from None
    except _Refused as err:
        raise refused(err.line, err.column, err.message) from None
    except (_TooBig, _AliasLoop, RecursionError):
        raise refused(1, 1, _alias_message(limits)) from None
    if build.dates:
        raise LscbError(
            [
                Problem(p.file, p.line + offset, p.column, p.where, p.message, p.rule)
                for p in build.dates
            ]
        )
    if offset:
        located.keys = {k: (line + offset, col) for k, (line, col) in located.keys.items()}
        located.values = {k: (line + offset, col) for k, (line, col) in located.values.items()}
    return located


def size_problem(path: Path, shown: str, limits: Limits) -> Problem | None:
    """A problem if the file at *path* is bigger than the limit, judged before it is read."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it says why it can not be read
    if size <= limits.max_file_bytes:
        return None
    return Problem(
        shown,
        1,
        0,
        "",
        f"the file is {size:,} bytes ({_mib(size)}), more than {limits.max_file_bytes:,} bytes "
        f"({_mib(limits.max_file_bytes)}, the limit, {limits.describe('max_file_bytes')}); "
        "a data file is a few kilobytes: split it into smaller files",
        "limit",
    )


def _mib(size: int) -> str:
    return f"{size / 1_048_576:.1f} MiB" if size >= 104_858 else f"{size / 1024:.1f} KiB"


def read_text(path: Path, shown: str, limits: Limits) -> str:
    """A file's text, refused with a located problem if too big, unreadable or not UTF-8.

    A byte order mark at the very start is dropped (some editors write one).
    """
    from .problems import LscbError  # noqa: PLC0415

    too_big = size_problem(path, shown, limits)
    if too_big is not None:
        raise LscbError([too_big])
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
    return text.removeprefix("\ufeff")


def load_yaml(path: Path, limits: Limits | None = None) -> Located:
    """Read one YAML file; :class:`LscbError` with a located problem if it can not be read.

    The file is refused, before it is parsed, if it is bigger than the limit or holds a
    bidirectional control or an invisible character (:mod:`lscb_kb.core.hygiene`).
    """
    from .problems import LscbError  # noqa: PLC0415

    limits = limits or Limits()
    shown = display_path(path)
    text = read_text(path, shown, limits)
    hidden = hidden_character_problems(text, shown)
    if hidden:
        raise LscbError(hidden)
    return parse_yaml(text, shown, limits=limits)
