"""Problems found in the knowledge base's files, and the one error type that carries them."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PathPart = str | int


def format_path(parts: Sequence[PathPart]) -> str:
    """A path inside a document: ``('rows', 1, 'amount')`` -> ``rows[1].amount``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def display_path(path: Path | str) -> str:
    """A path as an editor would type it: relative to the working directory where possible."""
    return _display_path(str(path), os.getcwd())


@lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:
    # Resolving asks the file system about every folder on the way: once per path and folder.
    try:
        rel = Path(path).resolve().relative_to(Path(cwd).resolve())
    except ValueError:
        return path
    return rel.as_posix()


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place, said so that an editor can act on it."""

    file: str
    line: int
    column: int
    where: str
    message: str
    rule: str = "schema"

    @property
    def location(self) -> str:
        """``file:line:column``, the form editors and CI annotations understand."""
        if self.column:
            return f"{self.file}:{self.line}:{self.column}"
        return f"{self.file}:{self.line}"

    def as_dict(self) -> dict[str, str | int]:
        """The problem as JSON-ready fields."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "where": self.where,
            "message": self.message,
            "check": self.rule,
        }

    def github(self) -> str:
        """A GitHub Actions annotation, shown on the line of the pull request that caused it."""
        message = f"{self.where}: {self.message}" if self.where else self.message
        for old, new in (("%", "%25"), ("\r", "%0D"), ("\n", "%0A")):
            message = message.replace(old, new)
        col = f",col={self.column}" if self.column else ""
        return f"::error file={self.file},line={self.line}{col},title=lscb {self.rule}::{message}"

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.location}: {where}{self.message}"


class LscbError(Exception):
    """The knowledge base's own error: one or more problems an editor can fix."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(os.linesep.join(str(p) for p in self.problems))
