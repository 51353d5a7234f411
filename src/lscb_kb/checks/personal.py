"""The personal data guard: nothing that looks like it identifies a person gets published.

``lscb-kb check`` runs :func:`scan_project` over ``data/`` and ``docs/``. It reports, at the
file, line and column where it stands, anything that looks like:

* an NHS number (ten digits, with any separators, whose last is the modulus 11 check digit
  of the other nine);
* a date of birth (a date with a day or a month, in figures or words, near "born", "b.",
  "DOB", "date of birth" or "birthday"; a year alone is an age band and is allowed);
* a full UK postcode (an outward code alone, such as ``RM17``, is allowed);
* a UK telephone number, national (``01``, ``02``, ``03``, ``07``, ``08``) or international
  (``+44``, ``0044``, ``+44 (0)``);
* an email address, also written to hide it (``jo [at] example [dot] org``);
* a home address (a house number and a street: ``12 Acacia Avenue``, ``Flat 3, 14 High
  Street``);
* a name beside a child's age (``Jamie Smith, aged 7``, ``7-year-old Jamie``); the board's
  pseudonyms (``Child A``, ``Baby F``, ``Young Person B``, ``Sibling 2``) are not names;
* a name on the board's deny-list.

Every check reads *normalised* text (:func:`normalise`), so that what a reader sees is what is
checked, however it was typed: HTML entities are decoded (``&#64;`` is ``@``), Unicode
look-alikes are folded (NFKC: full-width digits are digits), invisible characters (zero-width
and bidirectional controls, soft hyphens) are removed, every run of white space (no-break and
thin spaces, tabs, line breaks) is one space, and every dash is ``-``. Each finding is mapped
back to the exact place in the original text.

The public functions:

``normalise(text) -> Normalised``
    the normalised text, with :meth:`Normalised.span` to map a span of it back to the original.
``find_personal(text, guard) -> list[Finding]``
    everything in *text* that looks like personal data, in the order it appears; each finding
    has its span in *text*, its kind, the text matched, a message, and the allow-list entry
    that allows it (``allowed_by``, ``None`` if none does).
``scan_published_text(text, guard) -> list[Finding]``
    the findings of :func:`find_personal` that no allow-list entry allows: for text taken from
    the built site (page text, downloads, chart labels), which has no lines to report.
``scan_text(text, file, guard) -> Iterator[Problem]``
    the findings in a source file as problems at their 1-based line and column.
``scan_values(values, file, guard, *, source=None) -> Iterator[Problem]``
    the findings in strings loaded from a data file, given as ``(value, line, column)``
    triples: what will be published once YAML's escapes (``\\x40``) are decoded and its folded
    lines joined. With the file's *source*, a finding in a double-quoted string is reported at
    its own column; otherwise at the string's.
``scan_project(root) -> list[Problem]``
    the whole of ``data/`` and ``docs/``, with problems in ``conf/personal-data.toml`` itself.
``scan_project_with_allowed(root) -> tuple[list[Problem], list[Problem]]``
    the same problems, and the findings the allow-list allows, each as a problem of rule
    ``personal-allowed`` whose message ends "is allowed by conf/personal-data.toml:LINE:
    <reason>", so that a report can show what is published by permission.

``conf/personal-data.toml`` (:func:`load_guard`) holds the allow-list, as ``[[allow]]`` tables
each with ``text``, ``reason`` and optionally ``kind``; the files not read, as ``[[skip]]``
tables each with ``glob`` and ``reason``; and the deny-list, as plain names (``deny_names``)
or, for names that must not be written even in the repository, SHA-256 hashes of the
lower-cased name (``deny_name_sha256``). An allow or skip entry without a reason is itself a
problem, and is not applied.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.problems import LscbError, PathPart, Problem, display_path
from ..core.settings import Settings, load_settings
from ..core.tomlfile import read_toml, table_lines
from ..core.yamlload import size_problem

CONFIG_FILE = Path("conf") / "personal-data.toml"
SCANNED_SUFFIXES = (".yaml", ".yml", ".md", ".bib", ".csv", ".txt", ".toml", ".json")
VALUE_SUFFIXES = (".yaml", ".yml", ".json")
"""Files whose string values are also read as the loader decodes them."""

KINDS = (
    "nhs-number",
    "date-of-birth",
    "postcode",
    "phone",
    "email",
    "address",
    "name-and-age",
    "deny-list",
)

# -- normalisation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Normalised:
    """Text as a reader sees it, and where each of its characters came from.

    ``starts[i]`` and ``ends[i]`` are the span of the original text that character ``i`` of
    :attr:`text` was made from: one character for most, the whole of an entity such as
    ``&#64;``, or the whole of a run of white space.
    """

    original: str
    text: str
    starts: list[int] = field(repr=False)
    ends: list[int] = field(repr=False)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` was made from."""
        if not self.text:
            return (0, 0)
        if end <= start:
            at = self.starts[start] if start < len(self.text) else len(self.original)
            return (at, at)
        return (self.starts[start], self.ends[end - 1])

    def original_text(self, start: int, end: int) -> str:
        """The original text that ``text[start:end]`` was made from."""
        a, b = self.span(start, end)
        return self.original[a:b]


_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,7};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_COMMON_STABLE = "".join(
    ch
    for ch in "\u00a6\u00a3\u2018\u2019\u201c\u201d\u00e9\u00b0"
    if unicodedata.normalize("NFKC", ch) == ch and not ch.isdecimal()
)
"""Characters common on the site that NFKC leaves as they are (the break between blocks of
text, the pound sign, quotation marks): not looked at one by one."""
_NON_ASCII = re.compile(f"[^\\x00-\\x7f{_COMMON_STABLE}]")
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufe00-\ufe0f\ufeff]+"
)
_DASH = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_DOT_LIKE = re.compile("[\u00b7\u2027\u2219\u22c5]")
_SLASH_LIKE = re.compile("[\u2044\u2215]")
_SPACE_RUN = re.compile(r" \s+|[^\S ]\s*")


def _replace(
    text: str,
    starts: list[int],
    ends: list[int],
    pattern: re.Pattern[str],
    replacement: Callable[[re.Match[str]], str],
) -> tuple[str, list[int], list[int]]:
    """Replace each match of *pattern*, keeping the original span of every character."""
    pieces: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    at = 0
    for match in pattern.finditer(text):
        new = replacement(match)
        if new == match.group():
            continue
        a, b = match.span()
        pieces.append(text[at:a])
        new_starts.extend(starts[at:a])
        new_ends.extend(ends[at:a])
        if new:
            pieces.append(new)
            new_starts.extend([starts[a]] * len(new))
            new_ends.extend([ends[b - 1]] * len(new))
        at = b
    if not pieces and at == 0:
        return text, starts, ends
    pieces.append(text[at:])
    new_starts.extend(starts[at:])
    new_ends.extend(ends[at:])
    return "".join(pieces), new_starts, new_ends


def _nfkc(match: re.Match[str]) -> str:
    folded = unicodedata.normalize("NFKC", match.group())
    if folded.isascii():
        return folded
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in folded)


def normalise(text: str) -> Normalised:
    """*text* as a reader sees it, for the checks to read.

    In order: Markdown's backslash escapes are dropped (``\\@`` is ``@``); HTML entities are
    decoded, up to three times (so ``&amp;#64;`` is ``@``); each character is put in Unicode
    NFKC form (full-width ``９`` and ``＠`` become ``9`` and ``@``, a no-break space a space),
    and a digit of any script becomes its ASCII digit;
    zero-width characters, soft hyphens and bidirectional controls are removed; dashes and
    minus signs become ``-``, middle dots ``.`` and fraction slashes ``/``; and every run of
    white space becomes one space, so that a number broken over two lines is read whole.
    """
    starts = list(range(len(text)))
    ends = list(range(1, len(text) + 1))
    current = text
    if "\\" in current:
        current, starts, ends = _replace(
            current, starts, ends, _BACKSLASH_ESCAPE, lambda m: m.group(1)
        )
    for _ in range(3):
        if "&" not in current:
            break
        before = current
        current, starts, ends = _replace(
            current, starts, ends, _ENTITY, lambda m: html.unescape(m.group())
        )
        if current == before:
            break
    if not current.isascii():
        current, starts, ends = _replace(current, starts, ends, _NON_ASCII, _nfkc)
        current, starts, ends = _replace(current, starts, ends, _INVISIBLE, lambda m: "")
        current, starts, ends = _replace(current, starts, ends, _DASH, lambda m: "-")
        current, starts, ends = _replace(current, starts, ends, _DOT_LIKE, lambda m: ".")
        current, starts, ends = _replace(current, starts, ends, _SLASH_LIKE, lambda m: "/")
    current, starts, ends = _replace(current, starts, ends, _SPACE_RUN, lambda m: " ")
    return Normalised(text, current, starts, ends)


# -- the configuration -----------------------------------------------------------------


@dataclass(frozen=True)
class AllowEntry:
    """One ``[[allow]]`` entry: a text that may be published, and why."""

    text: str
    reason: str
    kind: str | None = None
    line: int = 0
    file: str = CONFIG_FILE.as_posix()

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def matches(self, finding: Finding) -> bool:
        """Whether this entry allows *finding*: the same kind of thing, the same identifier."""
        if self.kind is not None and self.kind != finding.kind:
            return False
        return _allow_key(finding.kind, self.text) == finding.key


@dataclass(frozen=True)
class SkipEntry:
    """One ``[[skip]]`` entry: files the guard does not read, and why."""

    glob: str
    reason: str
    line: int = 0

    def matches(self, relpath: str) -> bool:
        return Path(relpath).match(self.glob)


@dataclass(frozen=True)
class Guard:
    """What the board allows and denies (``conf/personal-data.toml``)."""

    allow: tuple[AllowEntry, ...] = ()
    deny_names: tuple[str, ...] = ()
    deny_name_sha256: frozenset[str] = frozenset()
    skip: tuple[SkipEntry, ...] = ()
    problems: tuple[Problem, ...] = ()
    """Entries of the configuration that are wrong (and so not applied)."""

    def allowed_by(self, finding: Finding) -> AllowEntry | None:
        """The first allow entry that allows *finding*, if any."""
        for entry in self.allow:
            if entry.matches(finding):
                return entry
        return None

    def allowed(self, text: str, kind: str | None = None) -> bool:
        """Whether what *text* holds is all allowed (and it holds something)."""
        found = find_personal(text, self)
        return bool(found) and all(
            f.allowed_by is not None for f in found if kind is None or f.kind == kind
        )

    def skips(self, relpath: str) -> bool:
        return any(entry.matches(relpath) for entry in self.skip)


def name_hash(name: str) -> str:
    """The SHA-256 of a name as the deny-list keeps it: lower case, single spaces."""
    return hashlib.sha256(" ".join(name.lower().split()).encode("utf-8")).hexdigest()


def _entry_lines(raw_text: str, key: str, count: int) -> list[int]:
    """The line of each of *count* entries of *key*: its ``[[key]]`` header, or the key's."""
    headers = table_lines(raw_text, key)
    if len(headers) == count:
        return headers
    assign = re.search(rf"^[ \t]*{key}[ \t]*=", raw_text, re.MULTILINE)
    line = raw_text.count("\n", 0, assign.start()) + 1 if assign else 1
    return [line] * count


def _entries(
    raw: dict[str, Any],
    raw_text: str,
    shown: str,
    key: str,
    fields: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The well-formed ``[[key]]`` entries (with their lines), and a problem for each other."""
    value = raw.get(key, [])
    if not isinstance(value, list):
        return [], [
            Problem(
                shown,
                _entry_lines(raw_text, key, 1)[0],
                0,
                key,
                f"must be a list of [[{key}]] tables",
                "config",
            )
        ]
    lines = _entry_lines(raw_text, key, len(value))
    good: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    example = " and ".join(f'{name} = "..."' for name in fields)
    for index, (item, line) in enumerate(zip(value, lines, strict=True)):
        where = f"{key}[{index}]"
        if isinstance(item, str):
            problems.append(
                Problem(
                    shown,
                    line,
                    0,
                    where,
                    f"{item!r} has no reason; give it as a [[{key}]] table with {example}",
                    "config",
                )
            )
            continue
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    shown, line, 0, where, f"must be a [[{key}]] table with {example}", "config"
                )
            )
            continue
        unknown = sorted(set(item) - set(fields) - set(optional))
        if unknown:
            problems.append(
                Problem(
                    shown,
                    line,
                    0,
                    where,
                    f"has unknown keys {', '.join(unknown)}; a [[{key}]] entry has "
                    f"{', '.join((*fields, *optional))}",
                    "config",
                )
            )
            continue
        missing = [
            name for name in fields if not isinstance(item.get(name), str) or not item[name].strip()
        ]
        if missing:
            what = repr(item[fields[0]]) if isinstance(item.get(fields[0]), str) else "the entry"
            problems.append(
                Problem(
                    shown,
                    line,
                    0,
                    where,
                    f"{what} has no {' and no '.join(missing)}; every [[{key}]] entry needs "
                    f"{example}, saying why",
                    "config",
                )
            )
            continue
        good.append((line, item))
    return good, problems


def load_guard(root: Path) -> Guard:
    """Read ``conf/personal-data.toml``; a missing file allows nothing and denies no names.

    A file that is not TOML, or whose deny-lists are not lists of strings, raises
    :class:`LscbError`. An allow or skip entry that is wrong (above all, one without a reason)
    is left out, and is a problem in :attr:`Guard.problems`.
    """
    path = root / CONFIG_FILE
    if not path.is_file():
        return Guard()
    shown = display_path(path)
    raw, raw_text = read_toml(path)

    def strings(key: str) -> list[str]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LscbError(
                [Problem(shown, 1, 0, key, "must be a list of quoted strings", "config")]
            )
        return value

    hashes = strings("deny_name_sha256")
    for value in hashes:
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise LscbError(
                [
                    Problem(
                        shown,
                        1,
                        0,
                        "deny_name_sha256",
                        f"{value!r} is not a SHA-256 hash (64 characters 0-9, a-f)",
                        "config",
                    )
                ]
            )
    allows, problems = _entries(raw, raw_text, shown, "allow", ("text", "reason"), ("kind",))
    allow: list[AllowEntry] = []
    for line, item in allows:
        kind = item.get("kind")
        if kind is not None and kind not in KINDS:
            problems.append(
                Problem(
                    shown,
                    line,
                    0,
                    "allow",
                    f"kind {kind!r} is not one of {', '.join(KINDS)}",
                    "config",
                )
            )
            continue
        allow.append(AllowEntry(item["text"], item["reason"].strip(), kind, line, shown))
    skips, skip_problems = _entries(raw, raw_text, shown, "skip", ("glob", "reason"))
    problems.extend(skip_problems)
    return Guard(
        allow=tuple(allow),
        deny_names=tuple(" ".join(n.split()) for n in strings("deny_names") if n.strip()),
        deny_name_sha256=frozenset(hashes),
        skip=tuple(SkipEntry(item["glob"], item["reason"].strip(), line) for line, item in skips),
        problems=tuple(problems),
    )


# -- what is looked for ----------------------------------------------------------------


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether ten digits are a valid NHS number: the modulus 11 check digit matches."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


@dataclass(frozen=True)
class Finding:
    """One thing that looks like personal data, at ``text[start:end]`` of the text read."""

    start: int
    end: int
    kind: str
    text: str
    """The original text matched, as typed."""
    message: str
    key: str = field(default="", repr=False)
    """The identifier itself (an NHS number's digits, an email address in lower case, ...)."""
    allowed_by: AllowEntry | None = None


# A run of digits, each pair with at most one separator: a space, a dot, or a slash or
# hyphen with optional spaces around it.
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9](?:(?: ?[-/] ?|[ .])?[0-9])*")
_ISBN_BEFORE = re.compile(r"isbn(?:[- ]?1[03])?:? ?\Z", re.IGNORECASE)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR = r"(?:(?:1[89]|20)[0-9]{2}\b|['’][0-9]{2}\b)"
_DATE = (
    r"(?:\b[0-3]?[0-9] ?[-/.] ?[01]?[0-9] ?[-/.] ?(?:[0-9]{4}|[0-9]{2})(?![0-9])"
    r"|\b(?:1[89]|20)[0-9]{2} ?[-/.] ?[01]?[0-9] ?[-/.] ?[0-3]?[0-9](?![0-9])"
    rf"|(?:\bthe )?\b{_DAY} ?(?:of )?{_MONTH},?(?: {_YEAR})?"
    rf"|\b{_MONTH} (?:the )?{_DAY},?(?: {_YEAR})?"
    rf"|\b{_MONTH},? {_YEAR})"
)
_BIRTH = r"(?:\bborn\b|\bb\.|\bd\.? ?o\.? ?b\b\.?|\bdate of birth\b|\bbirth ?date\b|\bbirthdays?\b)"
_BIRTH_WORD = re.compile(_BIRTH, re.IGNORECASE)
_DATE_AFTER = re.compile(rf"(?P<gap>[^.;!?]{{0,40}}?){_DATE}", re.IGNORECASE)
_DATE_BEFORE = re.compile(rf"{_DATE}[^\w]{{0,4}}\Z", re.IGNORECASE)
_COHORT = re.compile(r"\b(?:between|from|since|after|before|until|till)\b", re.IGNORECASE)

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_ORDINAL_INWARD = re.compile(r"[0-9](?:st|nd|rd|th)$", re.IGNORECASE)

# Between any two digits of a telephone number: a space, a dot, a slash or a hyphen (with
# spaces around it or not), or the bracket after an area code.
_PHONE_SEP = r"(?: ?[-./] ?| |\) ?|\)-)"
_PHONE = re.compile(
    r"(?<![\w+])(?<![0-9][.,])(?<![0-9][-/ ])(?<![0-9] [-/])(?<![0-9][-/] )(?<![0-9] [-/] )"
    rf"(?:(?P<intl>\(?(?:\+ ?|0{_PHONE_SEP}?0{_PHONE_SEP}?)4{_PHONE_SEP}?4\)?{_PHONE_SEP}?"
    rf"(?:\(0\){_PHONE_SEP}?|0{_PHONE_SEP}?)?)"
    rf"|(?P<nat>\(?0{_PHONE_SEP}?))"
    rf"(?P<rest>[12378](?:{_PHONE_SEP}?[0-9]){{8,9}})"
    r"(?![0-9]|(?: ?[-./] ?| )[0-9])"
)

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]*\w ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
_AT_MARK = r"(?: ?@ ?| ?[\[({<] ?(?i:at) ?[\])}>] ?| (?i:at) )"
_DOT_MARK = r"(?: ?[\[({<] ?(?i:dot) ?[\])}>] ?| (?i:dot) |\.)"
_EMAIL_HIDDEN = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w.+-]*\w)(?P<at>{_AT_MARK})"
    rf"(?P<domain>[A-Za-z0-9-]+(?:{_DOT_MARK}[A-Za-z0-9-]+)+)(?![\w-])"
)
_DOT_SPLIT = re.compile(_DOT_MARK)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TLDS = _words(
    "com org net uk gov nhs edu info biz io me eu ie co ac sch police mil int name online "
    "email mail scot wales london"
)

_STREET = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Grove|Gardens|Place|Court"
    r"|Terrace|Walk|Mews|Square|Hill|Rise|View|Park|Parade|Row|Green|Vale|Chase|Croft"
    r"|Boulevard)"
)
_CAPITAL_WORD = r"(?:[A-Z]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
_ADDRESS = re.compile(
    r"(?:\b(?:Flat|Apartment|Apt|Unit|Room)\.? [0-9]{1,4}[A-Za-z]?,? )?"
    r"(?<![\w,.£$%/-])[0-9]{1,3}[A-Za-z]?(?:-[0-9]{1,3}[A-Za-z]?)?,? "
    rf"(?P<words>(?:{_CAPITAL_WORD} ){{1,3}}){_STREET}\b\.?"
)
_COURTS = _words(
    "high crown family county youth magistrates magistrates' supreme appeal appeals coroner's "
    "coroners combined"
)

_AGE = (
    r"(?:1[0-8]|[0-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen)(?![0-9]|[.,][0-9])\b"
)
_NAME = rf"(?<![\w'’-])(?P<name>{_CAPITAL_WORD}(?: {_CAPITAL_WORD})?)"
_NAME_AND_AGE = re.compile(
    rf"{_NAME}(?:"
    rf"(?P<aged>,? \(?(?i:aged?) {_AGE}\)?)"
    rf"|(?P<who>, who (?i:was|is) (?:(?i:aged) )?{_AGE})"
    rf"|(?P<old>,? an? {_AGE}[- ](?i:years?|months?|weeks?)[- ](?i:old))"
    rf"|(?P<bracket> \({_AGE}\))"
    rf"|(?P<comma>, {_AGE},)"
    r")"
    rf"|\b(?P<before>{_AGE}[- ](?i:years?|months?|weeks?)[- ](?i:old) )"
    rf"(?P<name2>{_CAPITAL_WORD}(?: {_CAPITAL_WORD})?)",
)

# Capitalised words that are not a person's name: common words that start a sentence, the
# words of the board's pseudonyms and of the agencies, months and days, and Thurrock's places.
_NOT_NAMES = _words(
    """
    a about above across after again against all also although among an and another any
    are as at back be because been before being below between both but by can could did do
    does during each either even every few for from further had has have having he her here
    hers him his how however if in including into is it its just least less many may more
    most much my neither no nor not now of off on once one only or other others our out over
    own per same several she should since so some such than that the their them then there
    these they this those though through to too under until up upon very was we were what
    when where whether which while who whom whose why will with within without would yet you
    your overall nationally locally regionally currently previously total totals
    mr mrs ms miss mx dr sir lady lord master
    child children baby babies infant infants young person persons people sibling siblings
    boy boys girl girls son sons daughter daughters brother brothers sister sisters twin
    twins mother mothers father fathers parent parents carer carers family families adult
    adults man men woman women male males female females pupil pupils student students
    teenager teenagers youngster youngsters victim victims offender offenders resident
    residents learner learners leaver leavers case cases referral referrals death deaths
    number numbers group groups cohort population age ages aged year years month months week
    weeks day days toddler toddlers newborn newborns under
    lead leads head heads chair chairs member members teacher teachers nurse nurses officer
    officers worker workers visitor visitors manager managers staff doctor doctors
    practitioner practitioners adviser advisers advisor advisors governor governors
    representative representatives partner partners director directors coordinator
    coordinators councillor councillors volunteer volunteers trainer trainers
    independent designated named senior chief deputy assistant principal clinical medical
    voluntary community early foster special general area district public private sector
    initial core common assessment assessments framework meeting meetings conference
    conferences training course courses session sessions audit audits event events incident
    incidents allegation allegations contact contacts indicator indicators priority
    priorities recommendation recommendations outcome outcomes target targets
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    ofsted police council board lscb school schools academy college university health
    hospital trust service services social care team teams unit units centre centres court
    courts panel review reviews report reports department government agency agencies
    authority authorities partnership partnerships probation education housing youth
    offending safeguarding protection plan plans section sections table tables figure
    figures chart charts appendix annex chapter part page paragraph key stage level grade
    class nursery primary secondary looked after missing homeless national local regional
    england english wales welsh britain british scotland ireland
    thurrock grays tilbury purfleet stanford corringham ockendon aveley chafford hundred
    stifford chadwell orsett fobbing horndon bulphan linford thames lakeside essex southend
    basildon brentwood havering dagenham barking london south north east west
    """
)


# Words of places that are also surnames ("Jamie Hill"): not a name on their own, but a
# surname after a first name.
_SURNAME_PLACES = _words(
    "road street avenue lane close drive way crescent grove gardens place terrace walk mews "
    "square hill rise view park parade row green vale hall house field fields wood woods brook "
    "ford bridge"
)


def _not_a_name(word: str) -> bool:
    lowered = word.lower().replace("’", "'")
    if lowered in _SURNAME_PLACES:
        return True
    return (
        lowered in _NOT_NAMES
        or lowered.removesuffix("'s") in _NOT_NAMES
        or (lowered.endswith("ly") and len(lowered) > 4)
    )


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@lru_cache(maxsize=256)
def _deny_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in name.split()]
    return re.compile(rf"(?<![\w]){' '.join(words)}(?![\w])", re.IGNORECASE)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch in "0123456789")


def _phone_key(text: str) -> str:
    digits = _digits(text)
    stripped = text.lstrip("( ")
    if stripped.startswith("+") and digits.startswith("44"):
        return "0" + digits[2:].removeprefix("0")
    if digits.startswith("0044"):
        return "0" + digits[4:].removeprefix("0")
    return digits


def _email_key(text: str) -> str:
    hidden = _EMAIL_HIDDEN.search(text)
    if hidden and "@" not in text:
        labels = _DOT_SPLIT.split(hidden.group("domain"))
        return f"{hidden.group('local')}@{'.'.join(labels)}".lower()
    return re.sub(r"\s", "", text).lower()


def _key(kind: str, text: str) -> str:
    """The identifier in the (normalised) *text* of a finding of *kind*, to compare."""
    if kind == "nhs-number":
        return _digits(text)
    if kind == "phone":
        return _phone_key(text)
    if kind == "postcode":
        return re.sub(r"[^A-Za-z0-9]", "", text).upper()
    if kind == "email":
        return _email_key(text)
    return " ".join(re.sub(r"[^\w' ]", " ", text).lower().split())


@lru_cache(maxsize=1024)
def _allow_key(kind: str, text: str) -> str:
    return _key(kind, normalise(text).text)


_ADVICE_ALLOW = "or if it is the board's published {what} add it as an [[allow]] entry, with a "
_ADVICE_ALLOW += "reason, to conf/personal-data.toml"


def _advice(kind: str) -> str:
    if kind == "nhs-number":
        return (
            "is a valid NHS number (its check digit matches); remove it: a child's NHS number "
            "must never be published"
        )
    if kind == "date-of-birth":
        return "looks like a date of birth; remove it, or give only the year or an age band"
    if kind == "postcode":
        return (
            "looks like a full postcode; give the area only (such as 'RM17'), "
            + _ADVICE_ALLOW.format(what="address")
        )
    if kind == "phone":
        return "looks like a telephone number; remove it, " + _ADVICE_ALLOW.format(what="number")
    if kind == "email":
        return "looks like a personal email address; remove it, " + _ADVICE_ALLOW.format(
            what="mailbox"
        )
    if kind == "address":
        return (
            "looks like a home address (a house number and a street); remove it or give the "
            "area only (such as 'Grays'), " + _ADVICE_ALLOW.format(what="address")
        )
    if kind == "name-and-age":
        return (
            "names a person beside a child's age; use the agreed pseudonym instead of the name "
            "(such as 'Child A, aged 7')"
        )
    return (
        "is a name on the board's deny-list (conf/personal-data.toml); remove it or use an "
        "agreed pseudonym such as 'Child A'"
    )


def _shown(text: str) -> str:
    """*text* for a message, with characters a reader can not see written as escapes."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == " " or (ch.isprintable() and not ch.isspace()):
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def _quoted(original: str, normalised: str) -> str:
    shown = _shown(original)
    if original == normalised:
        return f"'{shown}'"
    return f"'{shown}' (read as '{normalised}')"


Hit = tuple[int, int, str, str]  # start and end in the normalised text, kind, key

# Where two findings overlap, the first kind here is kept: an email address holds digits, a
# telephone number may pass the NHS check digit. A number after "+44" is a telephone number;
# an NHS number read from part of a longer run of digits ranks below a telephone number.
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        (
            "email",
            "phone-international",
            "nhs-number",
            "date-of-birth",
            "postcode",
            "phone",
            "nhs-number-in-run",
            "address",
            "deny-list",
            "name-and-age",
        )
    )
}
_REPORTED_AS = {"nhs-number-in-run": "nhs-number", "phone-international": "phone"}
_IDENTIFIERS = frozenset(
    {
        "nhs-number",
        "nhs-number-in-run",
        "date-of-birth",
        "postcode",
        "phone",
        "phone-international",
        "email",
        "address",
    }
)


def _decimals(run: str) -> bool:
    """Whether a run of digits is a range or a rising list of numbers with the same number
    of decimal places ("11.377-15.332", "0.5 1.2 3.4"), as measurements are written."""
    parts = [part for part in re.split(r" ?[-/] ?| ", run) if part]
    if len(parts) < 2 or not all(re.fullmatch(r"[0-9]+\.[0-9]+", part) for part in parts):
        return False
    places = {len(part.split(".")[1]) for part in parts}
    values = [float(part) for part in parts]
    return len(places) == 1 and values == sorted(values)


def _nhs_hits(text: str) -> Iterator[Hit]:
    for match in _DIGIT_RUN.finditer(text):
        run = match.group()
        if len(run) < 10:
            continue
        a = match.start()
        if _ISBN_BEFORE.search(text, max(0, a - 20), a):
            continue
        if _decimals(run):
            continue
        digits = _digits(run)
        if len(digits) == 10:
            if nhs_check_digit_ok(digits):
                yield (a, match.end(), "nhs-number", digits)
            continue
        # In a longer run, the usual written forms: ten together, or three, three and four.
        chunks = [(m.start(), m.end()) for m in re.finditer(r"[0-9]+", run)]
        for i in range(len(chunks)):
            for width in ((10,), (3, 3, 4)):
                group = chunks[i : i + len(width)]
                if len(group) != len(width):
                    continue
                if tuple(e - s for s, e in group) != width:
                    continue
                piece = run[group[0][0] : group[-1][1]]
                if nhs_check_digit_ok(_digits(piece)):
                    yield (a + group[0][0], a + group[-1][1], "nhs-number-in-run", _digits(piece))


def _date_hits(text: str) -> Iterator[Hit]:
    """A date near a birth word: after it ("born on 3 March 2004"), or just before it."""
    for birth in _BIRTH_WORD.finditer(text):
        after = _DATE_AFTER.match(text, birth.end())
        if after is not None and not _COHORT.search(after.group("gap")):
            start, end = birth.start(), after.end()
        else:
            before = _DATE_BEFORE.search(text, max(0, birth.start() - 40), birth.start())
            if before is None:
                continue
            start, end = before.start(), birth.end()
        yield (start, end, "date-of-birth", _key("date-of-birth", text[start:end]))


def _postcode_hits(text: str) -> Iterator[Hit]:
    for match in _POSTCODE.finditer(text):
        found = match.group()
        if found != found.upper() and _ORDINAL_INWARD.search(found):
            continue  # "s4 1st": an ordinal, not an inward code
        yield (match.start(), match.end(), "postcode", _key("postcode", found))


def _phone_hits(text: str) -> Iterator[Hit]:
    for match in _PHONE.finditer(text):
        national = "0" + _digits(match.group("rest"))
        if not 10 <= len(national) <= 11 or _decimals(match.group().strip("()+ ")):
            continue
        if _ISBN_BEFORE.search(text, max(0, match.start() - 20), match.start()):
            continue
        kind = "phone-international" if match.group("intl") else "phone"
        yield (match.start(), match.end(), kind, national)


def _email_hits(text: str) -> Iterator[Hit]:
    if "@" in text:
        for match in _EMAIL.finditer(text):
            yield (match.start(), match.end(), "email", _key("email", match.group()))
    for match in _EMAIL_HIDDEN.finditer(text):
        at = match.group("at")
        domain = match.group("domain")
        labels = _DOT_SPLIT.split(domain)
        marks = _DOT_SPLIT.findall(domain)
        if at.strip().lower() == "at":
            # "jo at example dot org": only with a spelt-out "dot" and a known ending.
            if not any(m.strip(" .") for m in marks) or labels[-1].lower() not in _TLDS:
                continue
        elif not re.fullmatch(r"[A-Za-z]{2,}", labels[-1]):
            continue
        key = f"{match.group('local')}@{'.'.join(labels)}".lower()
        yield (match.start(), match.end(), "email", key)


def _address_hits(text: str) -> Iterator[Hit]:
    for match in _ADDRESS.finditer(text):
        words = match.group("words").split()
        street = match.group().rstrip(".").rsplit(" ", 1)[-1]
        if street == "Court" and words[-1].lower() in _COURTS:
            continue
        end = match.end() - (1 if match.group().endswith(".") else 0)
        yield (match.start(), end, "address", _key("address", text[match.start() : end]))


def _name_words(name: str, start: int) -> tuple[int, list[str]] | None:
    """The name in *name* with leading words that are not names taken off, or None."""
    words = name.split(" ")
    offset = start
    while words and _not_a_name(words[0]):
        offset += len(words[0]) + 1
        words = words[1:]
    if not words:
        return None
    if len(words) == 2 and _not_a_name(words[1]) and words[1].lower() not in _SURNAME_PLACES:
        return None  # "Gateway Academy", "Jamie Thurrock"
    return offset, words


def _name_and_age_hits(text: str) -> Iterator[Hit]:
    for match in _NAME_AND_AGE.finditer(text):
        if match.group("before") is not None:
            named = _name_words(match.group("name2"), match.start("name2"))
            if named is None:
                continue
            _, words = named
            end = match.start("name2") + len(" ".join(words))
            yield (match.start(), end, "name-and-age", " ".join(words).lower())
            continue
        named = _name_words(match.group("name"), match.start("name"))
        if named is None:
            continue
        start, words = named
        if (match.group("bracket") or match.group("comma")) and len(words) < 2:
            continue  # "Jamie Smith (7)" is a child; "Outcome (3)" is a list
        end = match.end() - (1 if match.group("comma") else 0)
        yield (start, end, "name-and-age", " ".join(words).lower())


def _deny_hits(text: str, guard: Guard) -> Iterator[Hit]:
    for name in guard.deny_names:
        for match in _deny_pattern(name).finditer(text):
            yield (match.start(), match.end(), "deny-list", name.lower())
    if not guard.deny_name_sha256:
        return
    words = list(_WORD.finditer(text))
    for start in range(len(words)):
        for length in range(1, 5):
            chunk = words[start : start + length]
            if len(chunk) < length:
                break
            name = " ".join(w.group() for w in chunk)
            if name_hash(name) in guard.deny_name_sha256:
                yield (chunk[0].start(), chunk[-1].end(), "deny-list", name.lower())


def _hits(text: str, guard: Guard) -> list[Hit]:
    """What looks like personal data in normalised *text*, overlaps resolved, in order."""
    candidates: list[Hit] = []
    candidates.extend(_email_hits(text))
    candidates.extend(_nhs_hits(text))
    candidates.extend(_date_hits(text))
    candidates.extend(_postcode_hits(text))
    candidates.extend(_phone_hits(text))
    candidates.extend(_address_hits(text))
    candidates.extend(_name_and_age_hits(text))
    candidates.extend(_deny_hits(text, guard))
    candidates.sort(key=lambda h: (_PRIORITY[h[2]], h[0], -h[1]))
    taken: list[tuple[int, int]] = []
    kept: list[Hit] = []
    seen: set[tuple[int, int, str]] = set()
    for hit in candidates:
        a, b, kind, _ = hit
        if (a, b, kind) in seen:
            continue
        if kind in _IDENTIFIERS:
            if any(x < b and a < y for x, y in taken):
                continue
            taken.append((a, b))
        seen.add((a, b, kind))
        kept.append((a, b, _REPORTED_AS.get(kind, kind), hit[3]))
    kept.sort(key=lambda h: (h[0], _PRIORITY[h[2]]))
    return kept


def _findings(norm: Normalised, guard: Guard) -> list[Finding]:
    findings = []
    for a, b, kind, key in _hits(norm.text, guard):
        start, end = norm.span(a, b)
        original = norm.original[start:end]
        message = f"{_quoted(original, norm.text[a:b])} {_advice(kind)}"
        finding = Finding(start, end, kind, original, message, key)
        findings.append(replace(finding, allowed_by=guard.allowed_by(finding)))
    return findings


def find_personal(text: str, guard: Guard) -> list[Finding]:
    """Everything in *text* that looks like personal data, allowed or not, in order.

    Each finding's ``start`` and ``end`` are offsets into *text* itself (not the normalised
    text), so ``text[f.start:f.end] == f.text``.
    """
    return list(_found(text, guard))


@lru_cache(maxsize=256)
def _found(text: str, guard: Guard) -> tuple[Finding, ...]:
    # A build reads every page it writes, and most pages are the same as the last build's.
    return tuple(_findings(normalise(text), guard))


def scan_published_text(text: str, guard: Guard) -> list[Finding]:
    """The findings in *text* (from the built site, say) that the allow-list does not allow."""
    return [f for f in find_personal(text, guard) if f.allowed_by is None]


# -- files -----------------------------------------------------------------------------


class _Lines:
    """Offsets in a text as 1-based lines and columns."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(m.end() for m in re.finditer("\n", text))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1 if 0 < line <= len(self.starts) else -1


def _problem(file: str, line: int, column: int, finding: Finding) -> Problem:
    entry = finding.allowed_by
    if entry is None:
        return Problem(file, line, column, "", finding.message, "personal")
    return Problem(
        file,
        line,
        column,
        "",
        f"{_allowed_text(finding)} is allowed by {entry.location}: {entry.reason}",
        "personal-allowed",
    )


_LABELS = {
    "nhs-number": "an NHS number",
    "date-of-birth": "a date of birth",
    "postcode": "a full postcode",
    "phone": "a telephone number",
    "email": "an email address",
    "address": "a home address",
    "name-and-age": "a name beside an age",
    "deny-list": "a name on the deny-list",
}


def _allowed_text(finding: Finding) -> str:
    return f"'{_shown(finding.text)}' ({_LABELS[finding.kind]})"


def _split(problems: Iterable[Problem]) -> tuple[list[Problem], list[Problem]]:
    found: list[Problem] = []
    allowed: list[Problem] = []
    for problem in problems:
        (allowed if problem.rule == "personal-allowed" else found).append(problem)
    return found, allowed


def _text_problems(text: str, file: str, guard: Guard) -> list[tuple[Problem, Finding]]:
    lines = _Lines(text)
    out = []
    for finding in find_personal(text, guard):
        line, column = lines.position(finding.start)
        out.append((_problem(file, line, column, finding), finding))
    return out


def scan_text(text: str, file: str, guard: Guard) -> Iterator[Problem]:
    """Everything in *text* that looks like personal data, each at its line and column.

    Findings the allow-list allows are left out.
    """
    for problem, finding in _text_problems(text, file, guard):
        if finding.allowed_by is None:
            yield problem


_YAML_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}


def _double_quoted(source: str, at: int) -> tuple[str, list[int]] | None:
    """The double-quoted YAML string that starts at ``source[at]``, decoded, and the offset in
    *source* of each of its characters; None if it is not one this reader can follow."""
    out: list[str] = []
    where: list[int] = []
    i = at + 1
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == '"':
            return "".join(out), where
        if ch == "\\":
            nxt = source[i + 1] if i + 1 < n else ""
            if nxt in _HEX_WIDTH:
                width = _HEX_WIDTH[nxt]
                digits = source[i + 2 : i + 2 + width]
                if not re.fullmatch(rf"[0-9A-Fa-f]{{{width}}}", digits):
                    return None
                out.append(chr(int(digits, 16)))
                where.append(i)
                i += 2 + width
            elif nxt in ("\n", "\r"):
                i += 2
                while i < n and source[i] in " \t\r\n":
                    i += 1
            elif nxt in _YAML_ESCAPES:
                out.append(_YAML_ESCAPES[nxt])
                where.append(i)
                i += 2
            else:
                return None
        elif ch in "\r\n":
            out.append(" ")  # a folded line: white space, read as one space anyway
            where.append(i)
            i += 1
            while i < n and source[i] in " \t\r\n":
                i += 1
        else:
            out.append(ch)
            where.append(i)
            i += 1
    return None


def _value_problems(
    values: Iterable[tuple[str, int, int]], file: str, guard: Guard, source: str | None
) -> list[tuple[Problem, Finding]]:
    lines = _Lines(source) if source is not None else None
    bom = 1 if source is not None and source.startswith("\ufeff") else 0
    out = []
    for value, line, column in values:
        decoded = None
        if lines is not None and source is not None:
            at = lines.offset(line, column + (bom if line == 1 else 0))
            if 0 <= at < len(source) and source[at] == '"':
                decoded = _double_quoted(source, at)
                if decoded is not None and decoded[0].split() != value.split():
                    decoded = None
        if decoded is None:
            for finding in find_personal(value, guard):
                out.append((_problem(file, line, column, finding), finding))
            continue
        text, where = decoded
        for finding in find_personal(text, guard):
            assert lines is not None
            at_line, at_column = lines.position(where[finding.start])
            out.append((_problem(file, at_line, at_column, finding), finding))
    return out


def scan_values(
    values: Iterable[tuple[str, int, int]],
    file: str,
    guard: Guard,
    *,
    source: str | None = None,
) -> Iterator[Problem]:
    """Everything that looks like personal data in strings loaded from *file*.

    *values* are ``(string, line, column)`` triples, the line and column where each string
    starts in the file. A finding is reported there; or, given the file's *source* and a
    double-quoted string, at the place of the finding itself, escapes and all. Findings the
    allow-list allows are left out.
    """
    for problem, finding in _value_problems(values, file, guard, source):
        if finding.allowed_by is None:
            yield problem


def yaml_strings(path: Path) -> list[tuple[str, int, int]] | None:
    """Every string in a YAML (or JSON) file, key or value, as loaded, with its line and
    column; None if the file does not load (the loader reports why)."""
    from ..core.yamlload import load_yaml  # noqa: PLC0415

    try:
        located = load_yaml(path)
    except LscbError:
        return None
    out: list[tuple[str, int, int]] = []

    def walk(value: Any, path: tuple[PathPart, ...]) -> None:
        if isinstance(value, str):
            if path in located.values:
                out.append((value, *located.values[path]))
        elif isinstance(value, dict):
            for key, item in value.items():
                child = (*path, key)
                if isinstance(key, str) and child in located.keys:
                    out.append((key, *located.keys[child]))
                walk(item, child)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(located.value, ())
    return out


def project_files(root: Path, folders: Iterable[str] = ("data", "docs")) -> Iterator[Path]:
    """The files of *folders* under *root* that the guard reads."""
    for folder in folders:
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and path.suffix.lower() in SCANNED_SUFFIXES:
                    yield path


def _file_problems(path: Path, text: str, guard: Guard) -> list[Problem]:
    shown = display_path(path)
    found = _text_problems(text, shown, guard)
    # YAML's escapes ("\x40", "\u0040", a backslash at the end of a line) are the only way a
    # loaded string differs from its source by more than white space, which normalising
    # already ignores: so the decoded strings need reading only where there is a backslash.
    if path.suffix.lower() in VALUE_SUFFIXES and "\\" in text:
        strings = yaml_strings(path)
        if strings is not None:
            seen = {(p.line, p.column, f.kind) for p, f in found}
            keys = {(f.kind, f.key) for _, f in found}
            for problem, finding in _value_problems(strings, shown, guard, text):
                if (problem.line, problem.column, finding.kind) in seen:
                    continue
                if (finding.kind, finding.key) in keys:
                    continue
                seen.add((problem.line, problem.column, finding.kind))
                found.append((problem, finding))
    return [problem for problem, _ in found]


def _settings(root: Path) -> Settings | None:
    try:
        return load_settings(root)
    except LscbError:
        return None  # the check reports an unreadable conf/lscb.toml; every file is scanned


def _refused_unread(rel: str, path: Path, settings: Settings) -> bool:
    """Whether *path* is a file that the knowledge base refuses for its size before reading
    it, so that nothing of it is ever published: a data file (the loader), a page (the reader
    of its front matter) or the bibliography. Scanning megabytes of it would only be slow;
    any other file (one a page includes, say) is scanned whatever its size."""
    suffix = path.suffix.lower()
    kinds = (
        (rel.startswith(f"{settings.data_dir}/") and suffix in (".yaml", ".yml"))
        or (rel.startswith("docs/") and suffix == ".md")
        or rel == settings.bibliography
    )
    return kinds and size_problem(path, rel, settings.limits) is not None


def scan_project_with_allowed(
    root: Path, folders: Iterable[str] = ("data", "docs")
) -> tuple[list[Problem], list[Problem]]:
    """The guard over ``data/`` and ``docs/``: the problems, and the allowed findings.

    The problems include those of ``conf/personal-data.toml`` itself (an allow or skip entry
    without a reason, say). Each allowed finding is a :class:`Problem` of rule
    ``personal-allowed`` whose message names the allow entry's line and reason.
    """
    try:
        guard = load_guard(root)
    except LscbError as err:
        return list(err.problems), []
    problems: list[Problem] = list(guard.problems)
    allowed: list[Problem] = []
    settings = _settings(root)
    for path in project_files(root, folders):
        rel = path.relative_to(root).as_posix()
        if guard.skips(rel):
            continue
        if settings is not None and _refused_unread(rel, path, settings):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the loader and the page checks report unreadable files
        found, ok = _split(_file_problems(path, text, guard))
        problems.extend(found)
        allowed.extend(ok)
    return problems, allowed


def scan_project(root: Path, folders: Iterable[str] = ("data", "docs")) -> list[Problem]:
    """Run the guard over ``data/`` and ``docs/``; a bad config file is a problem too."""
    return scan_project_with_allowed(root, folders)[0]
