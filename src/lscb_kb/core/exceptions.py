"""Exceptions to disclosure control: switches approved in ``conf/disclosure-exceptions.toml``.

Two switches in a data file lower the protection of the children it counts:

* ``about_individual_children: false`` says its counts are not about individual children, so
  no small count is hidden;
* ``published_in_full: {reason, when}`` shows a file about individual children in full.

Data files can be changed by any editor; ``conf/`` needs a maintainer's review
(``.github/CODEOWNERS``). So a switch counts only when ``conf/disclosure-exceptions.toml``
holds an entry for it::

    [[exception]]
    file = "data/2009-10/child-deaths.yaml"
    switch = "published_in_full"
    reason = "The board published these figures in full in its annual report for 2009/10."
    decided = "2026-11-27"

Without one, the switch is a problem at its line in the data file, and the file is not
published at all (so a build that does not fail on warnings still shows none of its figures).
An entry that no switch uses any more is a problem at its line in the TOML file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import LscbError, Problem, display_path
from .tomlfile import read_toml, table_lines

EXCEPTIONS_FILE = Path("conf") / "disclosure-exceptions.toml"

PUBLISHED_IN_FULL = "published_in_full"
NOT_ABOUT_CHILDREN = "about_individual_children = false"
SWITCHES = (PUBLISHED_IN_FULL, NOT_ABOUT_CHILDREN)
"""The switches of a data file that lower disclosure control, as an entry names them."""

_FIELDS = ("file", "switch", "reason", "decided")
_TABLE = re.compile(r"^\s*\[")


def _switch_name(text: str) -> str | None:
    """An entry's ``switch`` in its one spelling; ``None`` if it names no switch."""
    plain = re.sub(r"\s+", "", text).lower()
    if plain == PUBLISHED_IN_FULL:
        return PUBLISHED_IN_FULL
    if plain in ("about_individual_children=false", "about_individual_children:false"):
        return NOT_ABOUT_CHILDREN
    return None


def switches_of(document: object) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The switches a data file sets, each with the path of its key in the document."""
    if not isinstance(document, Mapping):
        return
    if document.get("about_individual_children") is False:
        yield NOT_ABOUT_CHILDREN, ("about_individual_children",)
    if PUBLISHED_IN_FULL in document:
        yield PUBLISHED_IN_FULL, (PUBLISHED_IN_FULL,)


@dataclass
class Approval:
    """One entry of ``conf/disclosure-exceptions.toml``."""

    file: str
    switch: str
    reason: str
    line: int
    decided: dt.date | None = None
    used: bool = False


@dataclass
class Exceptions:
    """Every approved exception, with the problems found reading the file."""

    root: Path
    shown: str
    approvals: dict[tuple[str, str], Approval] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    exists: bool = False

    @classmethod
    def load(cls, root: Path) -> Exceptions:
        """Read ``conf/disclosure-exceptions.toml`` under *root*; none approved if it is absent."""
        path = root / EXCEPTIONS_FILE
        out = cls(root=root, shown=display_path(path))
        if not path.is_file():
            return out
        out.exists = True
        try:
            raw, text = read_toml(path)
        except LscbError as err:
            out.problems.extend(err.problems)
            return out
        lines = text.splitlines()
        headers = table_lines(text, "exception")
        for key in raw:
            if key != "exception":
                out._bad(1, key, "is not part of this file: it holds [[exception]] entries only")
        entries = raw.get("exception", [])
        if not isinstance(entries, list):
            out._bad(1, "exception", "must be written as [[exception]] entries")
            return out
        for index, entry in enumerate(entries):
            line = headers[index] if index < len(headers) else 1
            out._read(index, entry, line, lines)
        return out

    def _bad(self, line: int, where: str, message: str) -> None:
        self.problems.append(Problem(self.shown, line, 0, where, message, "disclosure"))

    def _read(self, index: int, entry: Any, line: int, lines: list[str]) -> None:
        where = f"exception[{index}]"
        if not isinstance(entry, dict):
            self._bad(line, where, "must be a table of file, switch and reason")
            return

        def line_of(key: str) -> int:
            for number in range(line, len(lines)):
                text = lines[number]
                if _TABLE.match(text):
                    break
                if text.split("=", 1)[0].strip() == key:
                    return number + 1
            return line

        ok = True
        for key in entry:
            if key not in _FIELDS:
                self._bad(
                    line_of(key),
                    f"{where}.{key}",
                    f"is not a field of an exception; the fields are {', '.join(_FIELDS)}",
                )
                ok = False
        values: dict[str, str] = {}
        for key in ("file", "switch", "reason"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                hint = {
                    "file": "the data file's path from the project folder, such as "
                    "'data/2009-10/child-deaths.yaml'",
                    "switch": f"one of {' or '.join(repr(s) for s in SWITCHES)}",
                    "reason": "why the maintainers allow it, in a sentence",
                }[key]
                message = "is required" if key not in entry else "must not be empty"
                self._bad(line_of(key), f"{where}.{key}", f"{message}: {hint}")
                ok = False
            else:
                values[key] = value.strip()
        switch = _switch_name(values.get("switch", PUBLISHED_IN_FULL))
        if switch is None:
            self._bad(
                line_of("switch"),
                f"{where}.switch",
                f"must be one of {' or '.join(repr(s) for s in SWITCHES)}, "
                f"got {values['switch']!r}",
            )
            ok = False
        decided = entry.get("decided")
        day: dt.date | None = None
        if isinstance(decided, dt.datetime):
            day = decided.date()
        elif isinstance(decided, dt.date):
            day = decided
        elif isinstance(decided, str):
            try:
                day = dt.date.fromisoformat(decided.strip())
            except ValueError:
                ok = False
                self._bad(
                    line_of("decided"),
                    f"{where}.decided",
                    f"must be a date that exists, written YYYY-MM-DD, got {decided!r}",
                )
        elif decided is not None:
            ok = False
            self._bad(
                line_of("decided"),
                f"{where}.decided",
                f"must be a date written YYYY-MM-DD, got {decided!r}",
            )
        if not ok or switch is None:
            return
        file = values["file"].removeprefix("./")
        key = (file, switch)
        if key in self.approvals:
            first = self.approvals[key].line
            self._bad(
                line,
                where,
                f"repeats the exception at line {first} for {file} ({switch}); keep one",
            )
            return
        self.approvals[key] = Approval(file, switch, values["reason"], line, day)

    def check(self, file: str, document: object, position: Any, shown: str) -> Iterator[Problem]:
        """Problems with the switches of one data file (*file* relative to the project folder).

        *position* gives the line and column of a path in the document; *shown* is the data
        file as problems name it. Each switch with an approval marks the approval as used.
        """
        for switch, path in switches_of(document):
            approval = self.approvals.get((file, switch))
            if approval is not None:
                approval.used = True
                continue
            line, column = position(path)
            yield Problem(
                shown,
                line,
                column,
                path[0],
                _missing_message(file, switch, document, self.shown),
                "disclosure",
            )

    def stale(self, readable: set[str]) -> Iterator[Problem]:
        """Approvals that no switch uses; *readable* are the data files whose switches are known.

        An approval for a file that could not be read is not judged: the file's own problem
        is reported instead.
        """
        for (file, switch), approval in sorted(self.approvals.items()):
            if approval.used:
                continue
            if file in readable:
                why = f"{file} does not set '{switch}'"
            elif not (self.root / file).exists():
                why = f"there is no data file {file}"
            else:
                continue
            yield Problem(
                self.shown,
                approval.line,
                0,
                "exception",
                f"{why}; remove this entry, so that the exception can not be used again "
                "without a maintainer's review",
                "disclosure",
            )


def _missing_message(file: str, switch: str, document: object, exceptions: str) -> str:
    """What an editor is told about a switch that no maintainer has approved."""
    reason: object = None
    if switch == PUBLISHED_IN_FULL:
        what = "shows this file's counts about individual children in full"
        given = document.get(PUBLISHED_IN_FULL) if isinstance(document, Mapping) else None
        reason = given.get("reason") if isinstance(given, Mapping) else None
        undo = "or remove 'published_in_full', so that small counts are hidden"
    else:
        what = "turns off disclosure control for this file (no small count is hidden)"
        undo = "or set it to true, so that small counts are hidden"
    text = reason.strip() if isinstance(reason, str) and reason.strip() else "<why>"
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f"{what}, which needs a maintainer's approval: add to {exceptions} the entry "
        f'[[exception]] file = "{file}", switch = "{switch}", reason = "{text}", and have a '
        f"maintainer approve that change; {undo}"
    )


def project_path(path: Path, root: Path) -> str:
    """*path* as an entry names it: relative to the project folder, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
