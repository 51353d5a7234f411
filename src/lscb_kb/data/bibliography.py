"""The bibliography's keys, with the line each is defined on."""

from __future__ import annotations

import re
from pathlib import Path

from pybtex.database import parse_string
from pybtex.scanner import PybtexSyntaxError

from .problems import LscbError, Problem, display_path

_ENTRY = re.compile(r"^\s*@(\w+)\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)


def read_keys(path: Path) -> dict[str, int]:
    """Map each citation key in a BibTeX file to its line; :class:`LscbError` if unreadable."""
    shown = display_path(path)
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
