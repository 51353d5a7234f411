"""The bare-number audit: a figure typed by hand in a page or in data prose.

The knowledge base promises that a number is typed once, in a data file, and named by its
address everywhere else. ``lscb-kb check`` runs :func:`audit_project`: it reads the text of
every page and every string of every data file, and reports each number in it that equals the
value of a figure of the catalogue, at its file, line and column, with the figure (or figures)
it equals and what to write instead: `` {fig}`<address>` ``, or double quotes if the words quote
the report. There is no list of allowed lines and no marker that switches the audit off: a
number that is no figure's value is never reported, and one that is must be named by its
address, or quoted.

What is read
    Pages (``docs/**/*.md``, except the maintainers' pages in ``docs/develop/``, which document
    the software: :data:`~lscb_kb.core.settings.MAINTAINERS_PAGES`), with MyST's own parser as
    :mod:`lscb_kb.checks.pages` reads them (:func:`~lscb_kb.checks.pages.page_parser`): the text of
    paragraphs, headings, lists, tables, definition and field lists, and the Markdown content of
    directives (admonitions, cards, tabs, dropdowns), at their lines in the page. Not prose, so
    not read: front matter, inline code, code blocks and literal directives, roles (``{fig}``
    among them), link addresses, directives' arguments and options, and the extension's
    directives (``data-table`` and the rest), whose figures come from the data.

    Data files: every string of every loaded file (:func:`lscb_kb.core.prose.strings`), except
    under the keys of :data:`NOT_PROSE`, which hold identifiers, addresses and metadata, or the
    figure itself: ``id``, ``key``, ``kind``, ``unit``, ``source``, ``section``, ``sections``,
    ``period``, ``status``, ``owner`` (the name of an agency), ``topics``, ``formula``,
    ``rule``, ``total_column`` and ``value`` (a text figure's value is the figure), and the
    addresses a rule compares (``parts``, ``part``, ``total``, ``whole``, ``share`` under
    ``rules``). Dates (``reviewed``, ``when``) are read as dates or years, not strings. A
    ``{fig}`...``` in a string is a reference, not a number: notes, findings, labels, titles and
    table text cells all write the figures they name as the site shows them.

What is a finding
    A number written ``9169``, ``9,169``, ``£9,169``, ``73.5%``, ``73.5 per cent`` or
    ``85.5 per 1,000`` (``£1.2m`` too) whose value equals a figure's, compared as numbers
    (``103158.6`` equals ``103158.60``). With ``£`` it is compared with money figures only,
    with ``%`` or "per cent" with percentages only, with "per N" with rates per N only. A
    number without a sign is compared with every figure, and with a text figure whose text is a
    number (``47``); one with a decimal point is not compared with counts, which are whole
    (``2.0``, a version or a ratio, is not the count 2). Small whole numbers, 0 to 9, are
    audited like any other: "3 + 4 + 1 = 8" in a note types four figures, and a number that is
    a word ("one case") is written as a word, which is never read.

What is not a finding (each is matched in :func:`excluded`)
    * A verbatim quotation of the report: in a page, a Markdown blockquote (``> ...``) or text
      in double quotes (``"..."`` or ``“...”``) within one paragraph; in a data string, text in
      double quotes. Quote only the report's exact words. Single quotes do not quote.
    * A number that is part of a name, an identifier or a reference: one joined to letters or
      to a word by a hyphen (``S11``, ``PR-0910-18``, ``U+0435``, ``10th``, ``2am``,
      ``16-year-olds``, ``under-5s``); one after a word that names a numbered thing
      (:data:`REFERENCE_WORDS`: ``section 3.5``, ``sections 4.1 and 4.2``, ``Indicator 4``,
      ``Priority 1``, ``Appendix 2``, ``page 12``, ``NI 65``, ``Year 6``, ``modulus 11``), and a
      rate's denominator (the ``1,000`` of "per 1,000"); a number with two dots or more
      (``3.5.2``, ``127.0.0.1``); a whole number with a leading zero (``Board 01``: the site
      never writes a figure so); the numbering that starts a heading or a paragraph
      (``## 1. Child protection services``); and a size (``4 × 2``).
    * Years and periods: a four-digit number from 1900 to 2099 written without a comma
      (``2009``, ``1994 to 1998``), and a period (``2009/10``, ``2009-10``). A count in that
      range is written with a comma (``1,950``), as the site writes it.
    * Dates and times: a day and a month (``31 March 2010``, ``March 31``, ``1st April``),
      ``2026-11-27``, numbers joined by ``/`` or ``:`` (``31/03/2010``, ``14:00``), and times
      (``2am``, ``10.30 pm``).
    * Lengths of time and measures: a number (or a range) before hours, days, working days,
      weeks, months, minutes or seconds (``within 7 working days``, ``for more than 24
      hours``), or before a unit of measure the report never uses (``ms``, ``s``, ``KB``,
      ``MB``, ``MiB``, ``GB``, ``px``, ...). These are the terms of a standard or a
      definition, or measurements of the site; no figure of the report is one. Years are not
      excluded: the report's figures include lengths in years.
    * Ages: a number after "aged", "age" or "ages", with its range (``aged 0 to 4``); after
      "under" or "over" at the end of a phrase (``children under 5 to``, ``under 18 if
      disabled``, but not ``over 40 inputs``); before "or under", "and over", "or younger",
      "year old(s)", "years old" or "years and over" (``18 or under``, ``16 and 17 year
      olds``); and an age band (``0 to 1 month``, ``1 month to 1 year``, ``5 to 9 years``). An
      age names a group of children; it is not a figure of the report.
    * Numbers inside ``{fig}`` and other roles, inline code and code blocks (pages), and inside
      ``{fig}`` (data strings).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.catalogue import Catalogue, Entry, FigureRef
from ..core.policy import SafetyPolicy, load_policy
from ..core.problems import LscbError, PathPart, Problem, display_path, format_path
from ..core.prose import FIGURE, strings
from ..core.settings import MAINTAINERS_PAGES
from .pages import EXTENSION_DIRECTIVES, NOT_MARKDOWN, page_parser
from .safety import directive_options, parse_markdown

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

RULE = "bare-number"

NOT_PROSE = frozenset(
    {
        "id",
        "key",
        "kind",
        "unit",
        "source",
        "section",
        "sections",
        "period",
        "status",
        "owner",
        "topics",
        "formula",
        "rule",
        "total_column",
        "value",
    }
)
"""Keys of a data file whose strings are identifiers, addresses, metadata or a figure itself."""
PROSE = frozenset(
    {"notes", "finding", "action", "note", "uses", "reader_note", "label", "title", "caption"}
)
"""Keys of a data file whose strings are written with their ``{fig}`` references
(:mod:`lscb_kb.core.prose`); the message for a number in any other string audited (a text
cell, a definition) says to reword it."""
RULE_ADDRESSES = frozenset({"parts", "part", "total", "whole", "share"})
"""Keys of a rule (under ``rules:``) that hold the addresses of the figures it compares."""

REFERENCE_WORDS = (
    "section",
    "sections",
    "indicator",
    "indicators",
    "priority",
    "priorities",
    "appendix",
    "appendices",
    "annex",
    "page",
    "pages",
    "p.",
    "pp.",
    "table",
    "tables",
    "chapter",
    "chapters",
    "paragraph",
    "paragraphs",
    "para",
    "paras",
    "recommendation",
    "recommendations",
    "standard",
    "standards",
    "objective",
    "objectives",
    "outcome",
    "outcomes",
    "part",
    "parts",
    "item",
    "items",
    "question",
    "questions",
    "no.",
    "ni",
    "level",
    "levels",
    "tier",
    "tiers",
    "stage",
    "stages",
    "year",
    "article",
    "articles",
    "schedule",
    "regulation",
    "regulations",
    "step",
    "steps",
    "version",
    "phase",
    "modulus",
    "per",
)
"""Words after which a number names a numbered thing (or a rate's denominator), not a figure."""

_NUM = r"\d{1,3}(?:,\d{3})+|\d+"
NUMBER = re.compile(
    r"(?<![\w.,/:£])"
    r"(?P<pound>£\s?)?"
    r"(?P<number>(?:" + _NUM + r")(?:\.\d+)?)"
    r"(?P<scale>\s?(?:million|m)\b)?"
    r"(?:(?P<percent>\s?%|\s+per\s?cent\b|\s+percent\b)"
    r"|\s+per\s+(?P<per>" + _NUM + r"))?"
    r"(?!\d|[/:.,]\d)"
)
"""A number as a page writes it, with its sign: ``9169``, ``£9,169``, ``73.5%``, ``85.5 per
1,000``. Not the tail of another number (``3.5.2``, ``31/03``, ``14:00``)."""

_LIST = r"(?:\s*(?:,|&|and|or|to|-|–)\s*"
_REFERENCE = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(re.escape(word) for word in sorted(REFERENCE_WORDS, key=len, reverse=True))
    + r")\.?\s+(?:"
    + _NUM
    + r")(?:\.\d+)*[a-z]?"
    + _LIST
    + r"(?:"
    + _NUM
    + r")(?:\.\d+)*[a-z]?)*",
    re.IGNORECASE,
)
_YEAR = r"(?:19|20)\d\d"
_PERIOD = re.compile(
    r"(?<![\d,.£])" + _YEAR + r"(?:\s?[-–/]\s?(?:" + _YEAR + r"|\d\d))?(?![\d%]|,\d|\.\d)"
)
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DATE = re.compile(
    r"\b\d{4}-\d\d-\d\d\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*\d{1,2}(?:st|nd|rd|th)?)?\s+(?:of\s+)?"
    + _MONTHS
    + r"(?![a-z])"
    r"|\b" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?!,\d)"
    r"|\b\d{1,2}(?:[.:]\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?![a-z])"
    r"|\b\d{1,2}:\d\d\b"
)
TIME_UNITS = r"(?:working\s+days?|days?|weeks?|months?|hours?|hrs?|minutes?|mins?|seconds?|secs?)"
MEASURE_UNITS = r"(?:ms|s|KB|kB|KiB|MB|MiB|GB|GiB|bytes?|px|mm|cm|km|kg)"
_RANGE = r"(?:\s*(?:-|–|to|and|or)\s*\d+(?:\.\d+)?)*"
_MEASURE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?" + _RANGE + r"\s?(?:" + TIME_UNITS + "|" + MEASURE_UNITS + r")\b"
)
_AGE = re.compile(
    r"\b(?:aged|ages?)\s+(?:between\s+|from\s+|of\s+|under\s+|over\s+|up\s+to\s+)?\d+"
    + _RANGE
    + r"|\b(?:under|over)\s+\d+(?=\s*(?:$|[)\],.;:!?(]|(?:if|and|or|to|who|in|at)\b))"
    r"|\b\d+(?=\s+(?:or|and)\s+(?:under|over|younger|older)\b)"
    r"|\b\d+(?:\s*(?:months?|years?))?\s*(?:-|–|to)\s*\d+(?=\s*(?:months?|years?)\b)"
    r"|\b\d+" + _RANGE + r"(?=[\s-]+years?[\s-]+olds?\b|\s+years\s+and\s+over\b)",
    re.IGNORECASE,
)
_SIZE = re.compile(r"\b\d+\s?×\s?\d+\b")
_NUMBERING = re.compile(r"^\s*\d+(?:\.\d+)*[.)](?=\s)")
_JOINED = re.compile(r"[\w+\-']")
"""A character that joins a number to a word: ``PR-0910-18``, ``16-year-olds``, ``U+0435``."""
EXCLUDED = (_REFERENCE, _PERIOD, _DATE, _MEASURE, _AGE, _SIZE, _NUMBERING)
"""What is not a figure: references, years and periods, dates and times, lengths of time and
measures, ages, sizes and the numbering of a heading or a paragraph."""


@dataclass(frozen=True)
class Typed:
    """A number found in a text, with the figures whose value it equals."""

    start: int
    end: int
    text: str
    figures: tuple[FigureRef, ...]


class FigureIndex:
    """The catalogue's figures by value, to look a typed number up."""

    def __init__(self, figures: Iterable[FigureRef]) -> None:
        self.by_value: dict[tuple[str, Decimal], list[FigureRef]] = {}
        for ref in figures:
            value = ref.value
            unit = ref.spec.unit
            if isinstance(value, bool) or value is None:
                continue
            if unit == "text" and isinstance(value, str):
                number = _decimal(value.strip())
                if number is None or not re.fullmatch(_NUM + r"(?:\.\d+)?", value.strip()):
                    continue
                kind = "text"
            elif isinstance(value, int | Decimal) and unit in ("count", "percent", "money"):
                number, kind = Decimal(value), unit
            elif isinstance(value, int | Decimal) and unit == "rate":
                number, kind = Decimal(value), f"rate/{ref.spec.per or ''}"
            else:
                continue
            self.by_value.setdefault((kind, number.normalize()), []).append(ref)
        self.kinds = sorted({kind for kind, _number in self.by_value})
        """Every kind of figure held: ``count``, ``percent``, ``money``, ``text``, ``rate/1000``."""

    def matches(self, number: Decimal, kinds: Iterable[str]) -> tuple[FigureRef, ...]:
        found: list[FigureRef] = []
        for kind in kinds:
            found.extend(self.by_value.get((kind, number.normalize()), ()))
        return tuple(found)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def excluded(text: str) -> list[bool]:
    """Which characters of *text* are references, years and periods, dates and times, lengths
    of time and measures, ages, sizes or numbering: not figures."""
    out = [False] * len(text)
    for pattern in EXCLUDED:
        for match in pattern.finditer(text):
            out[match.start() : match.end()] = [True] * (match.end() - match.start())
    return out


def quoted(text: str) -> list[bool]:
    """Which characters of *text* are inside double quotes (``"..."`` or ``“...”``); a quote
    mark that is never closed quotes nothing."""
    out = [False] * len(text)
    if '"' not in text and "“" not in text:
        return out
    opened: dict[str, int] = {}
    for index, char in enumerate(text):
        if char == '"':
            if '"' in opened:
                start = opened.pop('"')
                out[start : index + 1] = [True] * (index + 1 - start)
            else:
                opened['"'] = index
        elif char == "“":
            opened.setdefault("“", index)
        elif char == "”" and "“" in opened:
            start = opened.pop("“")
            out[start : index + 1] = [True] * (index + 1 - start)
    return out


def typed_numbers(text: str, index: FigureIndex) -> Iterator[Typed]:
    """Every number in *text* that equals a figure's value, outside quotations and outside
    names, references, years, dates, times, lengths of time, measures and ages."""
    numbers = list(NUMBER.finditer(text))
    if not numbers:
        return
    skip = excluded(text)
    inside = quoted(text)
    for match in numbers:
        start, end = match.start("number"), match.end()
        if match.group("pound"):
            start = match.start("pound")
        if any(skip[match.start("number") : match.end("number")]) or inside[start]:
            continue
        if _joined_to_word(text[: match.start()], text[match.end() :]):
            continue
        if re.match(r"0\d", match.group("number")):
            continue  # "01", "007": a code or a number in a name; no figure is written so
        number = _decimal(match.group("number"))
        if number is None:
            continue
        if match.group("scale"):
            if not match.group("pound"):
                continue  # "5 m" (metres) or a word: not a figure the report gives
            number *= 1_000_000
        if match.group("pound"):
            kinds = ["money"]
        elif "." in match.group("number") and not (match.group("percent") or match.group("per")):
            # a count is a whole number: "2.0" (a version, a ratio) is not the count 2
            kinds = [kind for kind in index.kinds if kind not in ("count", "text")]
        elif match.group("percent"):
            kinds = ["percent"]
        elif match.group("per"):
            per = _decimal(match.group("per"))
            kinds = [f"rate/{per}", "rate/"] if per is not None else ["rate/"]
        else:
            kinds = index.kinds
        figures = index.matches(number, kinds)
        if figures:
            yield Typed(start, end, text[start:end], figures)


def _joined_to_word(before: str, after: str) -> bool:
    """Whether a number with *before* and *after* it is part of a word or an identifier."""
    left = ""
    for char in reversed(before):
        if not _JOINED.match(char) or char == "'":
            break
        left = char + left
    right = ""
    for char in after:
        if not _JOINED.match(char):
            break
        right += char
    if left and left[-1] in "+-" and any(c.isalpha() for c in left):
        return True  # PR-0910-18, U+0435
    if left and left[-1].isalpha():
        return True  # S11
    if right and (right[0].isalpha() or right[0] == "'"):
        return True  # 10th, 2am, 1990's
    return right.startswith("-") and any(c.isalpha() for c in right)  # 16-year-olds


# -- the message --------------------------------------------------------------------------------


def _short(address: str, year: str | None) -> str:
    """*address* as it is written where the year is *year*: without the year, if it is that."""
    given, sep, rest = address.partition(":")
    return rest if sep and given == year else address


def message(typed: Typed, year: str | None, *, where: str = "page") -> str:
    """What to say about *typed*: which figures it equals, and what to write instead.

    *where* is ``page``, ``prose`` (a data string read for ``{fig}``) or ``label`` (a data
    string shown as it is typed, such as a label or a title)."""
    addresses = [_short(ref.address, year) for ref in typed.figures]
    shown = [
        f"{address} ({ref.text})" for address, ref in zip(addresses, typed.figures, strict=True)
    ]
    if len(shown) == 1:
        equals = f"the figure {shown[0]}"
        name = f"{{fig}}`{addresses[0]}`"
    else:
        listed = ", ".join(shown[:6]) + (f" and {len(shown) - 6} more" if len(shown) > 6 else "")
        equals = f"{len(shown)} figures: {listed}"
        name = "{fig}`<address>` with the address of the figure meant"
    if where == "label":
        fix = (
            "a text cell or definition is shown as typed: reword it without the number, or "
            f"name the figure as {name}"
        )
    else:
        fix = f"write {name} instead of typing the number"
    quote = "double quotes or a blockquote (>)" if where == "page" else "double quotes"
    return (
        f"the number {typed.text!r} equals {equals}; {fix}; if the words quote the report "
        f"exactly, put them in {quote}"
    )


# -- pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """A run of a page's text: where it starts in the joined text of a paragraph, its line."""

    offset: int
    line: int
    text: str


class _PageAudit:
    """Walks one page's tokens as :mod:`lscb_kb.checks.pages` does, reading only its prose."""

    def __init__(
        self,
        file: str,
        text: str,
        md: MarkdownIt,
        policy: SafetyPolicy | None,
        index: FigureIndex,
        year: str | None,
    ) -> None:
        self.file, self.md, self.policy, self.index, self.year = file, md, policy, index, year
        self.lines = text.split("\n")
        self.cursor: dict[int, int] = {}
        self.out: list[Problem] = []

    def markdown(self, text: str, offset: int) -> None:
        """Read *text*, whose first line is line ``offset + 1`` of the page."""
        try:
            tokens = parse_markdown(self.md, text)
        except Exception:  # the content-safety scan reports a page that can not be parsed
            return
        quoting = 0
        for token in tokens:
            start = (token.map[0] if token.map else 0) + offset + 1
            if token.type == "blockquote_open":
                quoting += 1
            elif token.type == "blockquote_close":
                quoting -= 1
            elif quoting:
                continue  # a quotation of the report
            elif token.type == "inline":
                self.inline(token, start, (token.map[1] if token.map else 0) + offset)
            elif token.type in ("fence", "colon_fence"):
                self.fence(token, start)

    def inline(self, token: Token, start: int, last: int) -> None:
        line = start
        pieces: list[_Piece] = []
        joined = ""
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                joined += "\n"
                line += 1
            elif child.type == "text":
                pieces.append(_Piece(len(joined), line, child.content))
                joined += child.content
                line += child.content.count("\n")
            elif not child.type.endswith(("_open", "_close")):
                joined += "\x00"  # a role, inline code, an image: not prose, and no word
        for typed in typed_numbers(joined, self.index):
            piece = next((p for p in reversed(pieces) if p.offset <= typed.start), None)
            if piece is None:
                continue
            within = typed.start - piece.offset
            at = piece.line + piece.text.count("\n", 0, within)
            lead = piece.text[piece.text.rfind("\n", 0, within) + 1 : within]
            at, column = self.place(at, last, lead, typed.text)
            self.out.append(
                Problem(
                    self.file,
                    at,
                    column,
                    "",
                    message(typed, self.year),
                    RULE,
                )
            )

    def place(self, line: int, last: int, lead: str, needle: str) -> tuple[int, int]:
        """The line and 1-based column of *needle*, written after *lead*, from *line* to line
        *last* of its block: its next use, when a line has it more than once (the line the
        tokens give can be early, after inline code broken over two lines)."""
        for number in range(line, max(line, min(last, len(self.lines))) + 1):
            source = self.lines[number - 1]
            cursor = self.cursor.get(number, 0)
            for size in (len(lead), 16, 8, 4, 1):
                context = lead[-size:]
                found = source.find(context + needle, cursor) if context else -1
                if found >= 0:
                    self.cursor[number] = found + len(context) + len(needle)
                    return number, found + len(context) + 1
            match = locator(needle).search(source, cursor)
            if match is not None:
                self.cursor[number] = match.end()
                return number, match.start() + 1
        return line, 1

    def fence(self, token: Token, start: int) -> None:
        parts = token.info.strip().split(maxsplit=1)
        name = parts[0] if parts else ""
        if not (name.startswith("{") and name.endswith("}")):
            if token.type == "colon_fence":  # a ``:::`` block without a directive: a <div>
                self.markdown(token.content, start)
            return  # a code block: its text is shown as code
        name = name[1:-1].lower()
        if self.policy is not None and not self.policy.directive_allowed(name):
            return
        body = token.content.split("\n")
        options, index = directive_options(body, start)
        if self.policy is not None and self.policy.options_refused(name, list(options)):
            return
        if name in EXTENSION_DIRECTIVES or name in NOT_MARKDOWN or name == "glossary":
            return
        late = 1 if token.type == "colon_fence" and token.content.startswith(":::") else 0
        self.markdown("\n".join(body[index:]), start + index + late)


def audit_pages(
    catalogue: Catalogue, docs: Path, index: FigureIndex | None = None
) -> list[Problem]:
    """Every figure typed by hand in the pages under *docs*, at its file, line and column."""
    root = catalogue.settings.root
    try:
        policy: SafetyPolicy | None = load_policy(root)
    except LscbError:
        policy = None  # the content-safety scan reports it
    md = page_parser(root, policy)
    index = index if index is not None else FigureIndex(catalogue.figures())
    year = catalogue.year_of(None)
    out: list[Problem] = []
    for path in sorted(docs.rglob("*.md")):
        if path.relative_to(docs).parts[:1] == (MAINTAINERS_PAGES,):
            continue
        try:
            text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        except (OSError, UnicodeDecodeError):
            continue  # the content-safety scan reports it
        audit = _PageAudit(display_path(path), text, md, policy, index, year)
        audit.markdown(text, 0)
        out.extend(audit.out)
    return out


# -- data files -------------------------------------------------------------------------------


def _field(path: tuple[PathPart, ...]) -> str:
    """The key a string stands under (a string in a list stands under the list's key)."""
    names = [part for part in path if isinstance(part, str)]
    return names[-1] if names else ""


def audited(path: tuple[PathPart, ...]) -> bool:
    """Whether the string at *path* in a data file is audited: not an identifier, an address,
    metadata or a figure itself."""
    if _field(path) in NOT_PROSE:
        return False
    return not (path[:1] == ("rules",) and _field(path) in RULE_ADDRESSES)


def audit_entry(entry: Entry, index: FigureIndex, year: str | None) -> Iterator[Problem]:
    """Every figure typed by hand in the strings of one data file, at its line and column."""
    try:
        source = Path(entry.path).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        source = []
    for path, text in strings(entry.located.value):
        if not audited(path):
            continue
        masked = FIGURE.sub(lambda m: "\x00" * len(m.group(0)), text)
        line, column = entry.located.position(path)
        where = "prose" if _field(path) in PROSE else "label"
        for found in typed_numbers(masked, index):
            # the figures of this file first: the one a note names is most likely its own
            here = [ref for ref in found.figures if ref.entry is entry]
            others = [ref for ref in found.figures if ref.entry is not entry]
            typed = replace(found, figures=(*here, *others))
            nth = len(locator(typed.text).findall(text, 0, typed.start))
            at_line, at_column = _find(source, line, column, typed.text, nth)
            yield Problem(
                entry.located.file,
                at_line,
                at_column,
                format_path(path),
                message(typed, year, where=where),
                RULE,
            )


def locator(needle: str) -> re.Pattern[str]:
    """*needle*, a number as it was found, where it stands on its own in a source line."""
    return re.compile(r"(?<![\w.,/£-])" + re.escape(needle) + r"(?!\d|[/:.,]\d)")


def _find(source: list[str], line: int, column: int, needle: str, nth: int) -> tuple[int, int]:
    """Where the *nth* use (from 0) of *needle* on its own after line *line*, column *column*
    of *source* is; the string's own position if it is not found there (a number broken over
    two lines of a folded string)."""
    pattern = locator(needle)
    count = 0
    for number in range(line, min(len(source), line + 200) + 1):
        begin = column - 1 if number == line else 0
        for match in pattern.finditer(source[number - 1], begin):
            if count == nth:
                return number, match.start() + 1
            count += 1
    return line, column


def audit_data(catalogue: Catalogue, index: FigureIndex | None = None) -> list[Problem]:
    """Every figure typed by hand in the prose of the data files."""
    index = index if index is not None else FigureIndex(catalogue.figures())
    out: list[Problem] = []
    for entry in sorted(catalogue.entries.values(), key=lambda e: (str(e.year), e.id)):
        out.extend(audit_entry(entry, index, catalogue.year_of(entry.year)))
    return out


def audit_project(catalogue: Catalogue, docs: Path | None = None) -> list[Problem]:
    """Every figure typed by hand in the pages and the data prose of the project."""
    index = FigureIndex(catalogue.figures())
    docs = docs if docs is not None else catalogue.settings.root / "docs"
    return sorted([*audit_pages(catalogue, docs, index), *audit_data(catalogue, index)])
