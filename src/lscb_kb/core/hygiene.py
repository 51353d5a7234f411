"""Text hygiene: characters that must not be in the knowledge base's files, and identifiers.

Two kinds of character make a file say something other than what an editor sees:

* bidirectional controls (``U+202E RIGHT-TO-LEFT OVERRIDE`` and its kin) reorder the text
  around them on screen, so a line can read differently from what it holds;
* zero-width and invisible characters (``U+200B ZERO WIDTH SPACE``, ``U+00AD SOFT HYPHEN``)
  make two words that look the same differ, or hide a word from a search.

:data:`HIDDEN` is the set of them and :func:`hidden_characters` finds them in a text; the data
layer refuses them in every data file, and the same set serves the checks of the pages.

Identifiers (dataset ids, table names, row and column keys, figure names, record ids, topic
keys) all have one shape, :data:`ID_PATTERN`: ASCII letters and digits in groups joined by
single hyphens. A look-alike letter from another alphabet (``е``, U+0435 CYRILLIC SMALL LETTER
IE, beside the Latin ``e``) would make an address that looks right and names nothing;
:func:`identifier_problem` says which character it is and where.

Year folders under ``data/`` are named ``YYYY-YY``, the second year following the first
(:func:`year_folder_problem`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator

from .problems import Problem

HIDDEN: frozenset[str] = frozenset(
    chr(code)
    for code in (
        0x00AD,  # SOFT HYPHEN
        0x061C,  # ARABIC LETTER MARK
        0x180E,  # MONGOLIAN VOWEL SEPARATOR
        0x200B,  # ZERO WIDTH SPACE
        0x200C,  # ZERO WIDTH NON-JOINER
        0x200D,  # ZERO WIDTH JOINER
        0x200E,  # LEFT-TO-RIGHT MARK
        0x200F,  # RIGHT-TO-LEFT MARK
        *range(0x202A, 0x202F),  # the embeddings and overrides, and POP DIRECTIONAL FORMATTING
        0x2060,  # WORD JOINER
        *range(0x2066, 0x206A),  # the isolates, and POP DIRECTIONAL ISOLATE
        0xFEFF,  # ZERO WIDTH NO-BREAK SPACE (a byte order mark anywhere but the very start)
    )
)
"""Bidirectional controls and invisible characters, refused wherever they are found."""

_HIDDEN = re.compile("[" + "".join(sorted(HIDDEN)) + "]")

ID_PATTERN = r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$"
"""The one shape of every identifier: ASCII letters and digits, in groups joined by hyphens.

Every identifier the shipped data uses has it: ``budget``, ``by-area``, ``1-to-4``,
``SCR-0910-02``. Keys in addresses are also lower case (:data:`KEY_PATTERN`) and record ids
capitals (:data:`RECORD_ID_PATTERN`); both are this shape.
"""

KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""A key in figure addresses (dataset id, table, row, column, figure, topic, rule id)."""

RECORD_ID_PATTERN = r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$"
"""A register record's id, such as ``QA-0910-07``."""

_ID = re.compile(ID_PATTERN)

ID_WORDS = "ids use the letters a-z, digits and hyphens"

YEAR_FOLDER_PATTERN = r"^([0-9]{4})-([0-9]{2})$"
"""A reporting year's folder under ``data/``: ``2009-10``, the second year after the first."""

_YEAR = re.compile(YEAR_FOLDER_PATTERN)


def describe(char: str) -> str:
    """A character as ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}"
    return f"{code} {name}" if name else code


def hidden_characters(text: str) -> Iterator[tuple[int, str]]:
    """Each bidirectional control or invisible character in *text*, with its offset."""
    for match in _HIDDEN.finditer(text):
        yield match.start(), match.group()


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of *offset* in *text*."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def hidden_character_message(char: str) -> str:
    """What an editor is told about one hidden character."""
    return (
        f"holds {describe(char)}, a hidden character that can make the text show differently "
        "from what it says; delete it (if the editor does not show it, retype the text around it)"
    )


def hidden_character_problems(text: str, shown: str) -> list[Problem]:
    """Every bidirectional control and invisible character in *text*, at its line and column.

    *shown* is the file's name as problems print it.
    """
    problems = []
    for offset, char in hidden_characters(text):
        line, column = line_and_column(text, offset)
        problems.append(Problem(shown, line, column, "", hidden_character_message(char), "hygiene"))
    return problems


def first_non_ascii(text: str) -> tuple[int, str] | None:
    """The offset and character of the first character of *text* outside ASCII."""
    for index, char in enumerate(text):
        if not char.isascii():
            return index, char
    return None


def identifier_problem(value: str) -> str | None:
    """Why *value* is not an identifier of the one shape, or ``None`` if it is one.

    A character from outside ASCII is named by its code point, with where it stands:
    ``'employеes' has U+0435 CYRILLIC SMALL LETTER IE at position 6 (after 'employ')``.
    """
    found = first_non_ascii(value)
    if found is not None:
        index, char = found
        after = f" (after '{value[:index]}')" if index else " (its first character)"
        return f"'{value}' has {describe(char)} at position {index}{after}; {ID_WORDS}"
    if _ID.match(value):
        return None
    if not value:
        return f"an id must not be empty; {ID_WORDS}"
    bad = next((c for c in value if not (c.isalnum() or c == "-")), None)
    if bad is not None:
        shown = "a space" if bad == " " else f"'{bad}'"
        return f"'{value}' has {shown} at position {value.index(bad)}; {ID_WORDS}"
    return (
        f"'{value}' must not start or end with a hyphen or have two together; {ID_WORDS}, "
        "such as 'by-area'"
    )


def is_identifier(value: object) -> bool:
    """Whether *value* is text of the one identifier shape."""
    return isinstance(value, str) and _ID.match(value) is not None


def suggest(name: str, options: Iterable[str]) -> str | None:
    """The known name closest to *name*, among those of the identifier shape only.

    A suggestion is never a name with a character from outside ASCII, so a look-alike that
    slipped into the data is not offered as the right spelling.
    """
    usable = [option for option in options if option.isascii()]
    near = difflib.get_close_matches(name, usable, n=1)
    return near[0] if near else None


def year_folder_problem(name: str) -> str | None:
    """Why *name* is not a reporting year's folder, or ``None`` if it is one."""
    match = _YEAR.match(name)
    if match is None:
        return (
            f"'{name}' is not a reporting year: a year's folder is named YYYY-YY, the second "
            "year following the first, such as 2009-10 or 2010-11"
        )
    first, second = int(match.group(1)), int(match.group(2))
    expected = (first + 1) % 100
    if second != expected:
        return (
            f"'{name}' is not a reporting year: the year after {first} is written "
            f"'{first}-{expected:02d}'"
        )
    return None


def is_year_folder(name: str) -> bool:
    """Whether *name* is a reporting year's folder name, such as ``2009-10``."""
    return year_folder_problem(name) is None


def year_label(year: str | None) -> str:
    """A reporting year's folder name as a reader writes the year: ``2009-10`` is ``2009/10``."""
    if year is None:
        return "all years"
    return year.replace("-", "/")
