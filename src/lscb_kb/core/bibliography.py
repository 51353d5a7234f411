"""The bibliography's keys, with the line each is defined on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pybtex.database import BibliographyData, parse_string
from pybtex.plugin import find_plugin
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.template import FieldIsMissing

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
    keys, problems = _read_text(text)
    if problems:
        raise LscbError([replace(problem, file=shown) for problem in problems])
    return dict(keys)


_UNNAMED = "<bibliography>"
"""The file's name in the problems :func:`_read_text` keeps: each reading names its own file."""


@lru_cache(maxsize=8)
def _read_text(text: str) -> tuple[tuple[tuple[str, int], ...], tuple[Problem, ...]]:
    """:func:`read_keys` of a file's text, once per process for the same text, wherever the
    file is (a preview builds again and again with the same bibliography, and the tests build
    copies of one): its keys, or its problems."""
    try:
        return _keys_in(text, _UNNAMED), ()
    except LscbError as err:
        return (), tuple(err.problems)


def _keys_in(text: str, shown: str) -> tuple[tuple[str, int], ...]:
    hidden = hidden_character_problems(text.removeprefix("\ufeff"), shown)
    if hidden:
        raise LscbError(hidden)
    try:
        data = parse_string(text, "bibtex")
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
    problems = [
        Problem(shown, keys.get(key, 1), 0, "", message, "reference")
        for key, message in unshowable_entries(data)
    ]
    if problems:
        raise LscbError(problems)
    return tuple(keys.items())


@lru_cache(maxsize=8)
def unshowable_in(text: str) -> tuple[tuple[str, str], ...]:
    """:func:`unshowable_entries` of a bibliography's text, once per process for the same text;
    nothing if pybtex can not read it (:func:`read_keys` reports that)."""
    try:
        return tuple(unshowable_entries(parse_string(text, "bibtex")))
    except Exception:  # read_keys reports what is wrong with the file
        return ()


def unshowable_entries(data: BibliographyData) -> list[tuple[str, str]]:
    """Each entry the references can not show, with why: formatted here as the build formats
    it (pybtex's own styles, all built on ``unsrt``), so that a kind of entry it has no
    template for, or a field its template needs, is a located problem, not a crashed build."""
    style = find_plugin("pybtex.style.formatting", "unsrt")()
    kinds = sorted(
        name[len("get_") : -len("_template")]
        for name in dir(style)
        if name.startswith("get_") and name.endswith("_template")
    )
    found = []
    for key, entry in data.entries.items():
        if entry.type.lower() not in kinds:
            found.append(
                (
                    key,
                    f"'@{entry.type}' is not a kind of entry the references can show; use one "
                    f"of {', '.join('@' + kind for kind in kinds)} (a report is @techreport)",
                )
            )
            continue
        try:
            style.format_entry(key, entry)
        except FieldIsMissing:
            continue  # sphinxcontrib-bibtex warns of it, and shows the entry with the gap
        except Exception as err:  # pybtex's templates raise their own errors for a bad field
            found.append((key, f"the entry '{key}' can not be shown in the references: {err}"))
    return found


def titles(path: Path) -> Mapping[str, str]:
    """Each entry's title as plain text (braces that keep capitals removed), by key; empty if
    the bibliography can not be read (the check reports it). Read once per process for the same
    text (the downloads name a source on every row)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return MappingProxyType({})
    return _titles_in(text)


@lru_cache(maxsize=8)
def _titles_in(text: str) -> Mapping[str, str]:
    try:
        data = parse_string(text, "bibtex")
    except Exception:  # read_keys reports what is wrong with the file
        return MappingProxyType({})
    return MappingProxyType(
        {
            key: " ".join(entry.fields.get("title", key).replace("{", "").replace("}", "").split())
            for key, entry in data.entries.items()
        }
    )
