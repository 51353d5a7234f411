"""The bibliography's keys, with the line each is defined on."""

from __future__ import annotations

import re
from pathlib import Path

from pybtex.database import parse_string
from pybtex.scanner import PybtexSyntaxError

from .hygiene import hidden_character_problems
from .problems import LscbError, Problem, display_path
from .settings import Limits
from .yamlload import size_problem

_ENTRY = re.compile(r"^\s*@(\w+)\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)


def read_keys(path: Path, limits: Limits | None = None) -> dict[str, int]:
    """Map each citation key in a BibTeX file to its line; :class:`LscbError` if unreadable.

    A file bigger than the limit on a data file is refused before it is read, and one that
    holds a bidirectional control or an invisible character is refused at its line.
    """
    shown = display_path(path)
    if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
        raise LscbError(
            [
                Problem(
                    shown,
                    1,
                    0,
                    "",
                    "is a link to a file outside its folder, which is never read; put the "
                    "bibliography itself here instead",
                    "layout",
                )
            ]
        )
    too_big = size_problem(path, shown, limits or Limits())
    if too_big is not None:
        raise LscbError([too_big])
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LscbError(
            [
                Problem(
                    shown,
                    1,
                    0,
                    "",
                    "the bibliography is missing; every data file cites a source key from it",
                    "reference",
                )
            ]
        ) from None
    except UnicodeDecodeError:
        raise LscbError(
            [Problem(shown, 1, 0, "", "is not UTF-8 text; save it as UTF-8", "syntax")]
        ) from None
    hidden = hidden_character_problems(text.removeprefix("\ufeff"), shown)
    if hidden:
        raise LscbError(hidden)
    try:
        parse_string(text, "bibtex")
    except PybtexSyntaxError as err:
        raise LscbError(
            [
                Problem(
                    shown,
                    getattr(err, "lineno", 1) or 1,
                    0,
                    "",
                    f"not valid BibTeX: {err}",
                    "syntax",
                )
            ]
        ) from None
    except Exception as err:  # pybtex raises its own errors for duplicate keys and the like
        raise LscbError([Problem(shown, 1, 0, "", f"not valid BibTeX: {err}", "syntax")]) from None
    keys: dict[str, int] = {}
    for match in _ENTRY.finditer(text):
        if match.group(1).lower() in ("comment", "preamble", "string"):
            continue
        keys[match.group(2)] = text.count("\n", 0, match.start(2)) + 1
    return keys
