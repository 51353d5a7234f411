"""The one way the knowledge base reads its TOML files in ``conf/``, with located problems."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .problems import LscbError, Problem, display_path

_AT_LINE = re.compile(r"\(at line (\d+)")


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The values of a TOML file and its text; :class:`LscbError` at the line of a mistake.

    A missing file raises :class:`FileNotFoundError`, which each caller treats its own way.
    """
    return parse_toml(path.read_bytes(), display_path(path))


def parse_toml(data: bytes, shown: str) -> tuple[dict[str, Any], str]:
    """The values of the TOML file *shown* whose bytes are *data*, and its text (see
    :func:`read_toml`)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LscbError(
            [Problem(shown, 1, 0, "", "is not UTF-8 text; save it as UTF-8", "config")]
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as err:
        found = _AT_LINE.search(str(err))
        line = int(found.group(1)) if found else 1
        raise LscbError([Problem(shown, line, 0, "", f"not valid TOML: {err}", "config")]) from None


def table_lines(text: str, name: str) -> list[int]:
    """The 1-based line of each ``[[name]]`` header in a TOML *text*, in order."""
    header = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(name)}[ \t]*\]\][ \t]*(?:#.*)?$")
    return [number for number, line in enumerate(text.splitlines(), start=1) if header.match(line)]
