"""The personal data guard: nothing that looks like it identifies a person gets published.

``lscb-kb check`` runs :func:`scan_project` over ``data/`` and ``docs/``. It reports, at the
file, line and column where it stands, anything that looks like:

* an NHS number (ten digits whose last is the modulus 11 check digit of the other nine);
* a date of birth (a full date near "born", "DOB" or "date of birth");
* a full UK postcode;
* a UK telephone number;
* an email address;
* a name on the board's deny-list.

The board's own published contacts (its office's address, telephone number and mailbox) are
listed in ``conf/personal-data.toml`` under ``allow`` and are not reported. The deny-list is
kept there too, either as plain names (``deny_names``) or, for names that must not be written
even in the repository, as SHA-256 hashes of the lower-cased name (``deny_name_sha256``).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .problems import LscbError, Problem, display_path

CONFIG_FILE = Path("conf") / "personal-data.toml"
SCANNED_SUFFIXES = (".yaml", ".yml", ".md", ".bib", ".csv", ".txt", ".toml", ".json")

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
_BIRTH = r"(?:\bborn\b|\bd\.?o\.?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bbirthday\b)"

NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d-])")
DATE_OF_BIRTH = re.compile(
    rf"{_BIRTH}[^\n]{{0,40}}?{_DATE}|{_DATE}[^\n]{{0,20}}?{_BIRTH}", re.IGNORECASE
)
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]? ?[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?<![\w.+/])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s-]?\)?\s?){8,10}\d(?![\d/])")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Guard:
    """What the board allows and denies (``conf/personal-data.toml``)."""

    allow: frozenset[str] = frozenset()
    deny_names: tuple[str, ...] = ()
    deny_name_sha256: frozenset[str] = frozenset()
    skip: tuple[str, ...] = field(default=())

    def allowed(self, text: str) -> bool:
        return _normal(text) in self.allow


def _normal(text: str) -> str:
    return re.sub(r"[\s()-]", "", text).lower()


def name_hash(name: str) -> str:
    """The SHA-256 of a name as the deny-list keeps it: lower case, single spaces."""
    return hashlib.sha256(" ".join(name.lower().split()).encode("utf-8")).hexdigest()


def load_guard(root: Path) -> Guard:
    """Read ``conf/personal-data.toml``; a missing file allows nothing and denies no names."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return Guard()
    shown = display_path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise LscbError([Problem(shown, 1, 0, "", f"not valid TOML: {err}", "config")]) from None

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
    return Guard(
        allow=frozenset(_normal(v) for v in strings("allow")),
        deny_names=tuple(" ".join(n.split()) for n in strings("deny_names") if n.strip()),
        deny_name_sha256=frozenset(hashes),
        skip=tuple(strings("skip")),
    )


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


def _phone_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("44"):
        digits = "0" + digits[2:].removeprefix("0")
    return digits


def scan_text(text: str, file: str, guard: Guard) -> Iterator[Problem]:
    """Everything in *text* that looks like personal data, each at its line and column."""
    for number, line in enumerate(text.splitlines(), start=1):
        yield from _scan_line(line, number, file, guard)


def _hit(file: str, line: int, column: int, message: str) -> Problem:
    return Problem(file, line, column, "", message, "personal")


def _scan_line(line: str, number: int, file: str, guard: Guard) -> Iterator[Problem]:
    taken: list[tuple[int, int]] = []

    def free(match: re.Match[str]) -> bool:
        return not any(a < match.end() and match.start() < b for a, b in taken)

    for match in EMAIL.finditer(line):
        taken.append(match.span())
        if guard.allowed(match.group()):
            continue
        yield _hit(
            file,
            number,
            match.start() + 1,
            f"'{match.group()}' looks like a personal email address; remove it, or if it is "
            "the board's published contact add it to 'allow' in conf/personal-data.toml",
        )
    for match in NHS_NUMBER.finditer(line):
        digits = match.group(1) + match.group(3) + match.group(4)
        if not nhs_check_digit_ok(digits) or not free(match):
            continue
        taken.append(match.span())
        yield _hit(
            file,
            number,
            match.start() + 1,
            f"'{match.group()}' is a valid NHS number (its check digit matches); remove it: "
            "a child's NHS number must never be published",
        )
    for match in DATE_OF_BIRTH.finditer(line):
        taken.append(match.span())
        yield _hit(
            file,
            number,
            match.start() + 1,
            f"'{match.group()}' looks like a date of birth; remove it, or give only the year "
            "or an age band",
        )
    for match in POSTCODE.finditer(line):
        if not free(match) or guard.allowed(match.group()):
            continue
        taken.append(match.span())
        yield _hit(
            file,
            number,
            match.start() + 1,
            f"'{match.group()}' looks like a full postcode; give the area only (such as "
            "'RM17'), or if it is the board's published address add it to 'allow' in "
            "conf/personal-data.toml",
        )
    for match in PHONE.finditer(line):
        digits = _phone_digits(match.group())
        if not free(match) or not 10 <= len(digits) <= 11 or not digits.startswith("0"):
            continue
        if guard.allowed(match.group()) or guard.allowed(digits):
            continue
        taken.append(match.span())
        yield _hit(
            file,
            number,
            match.start() + 1,
            f"'{match.group().strip()}' looks like a telephone number; remove it, or if it is "
            "the board's published number add it to 'allow' in conf/personal-data.toml",
        )
    yield from _names(line, number, file, guard)


def _names(line: str, number: int, file: str, guard: Guard) -> Iterator[Problem]:
    lowered = line.lower()
    for name in guard.deny_names:
        pattern = re.compile(rf"(?<![\w]){re.escape(name.lower())}(?![\w])")
        for match in pattern.finditer(lowered):
            yield _hit(
                file,
                number,
                match.start() + 1,
                f"'{line[match.start() : match.end()]}' is a name on the board's deny-list "
                "(conf/personal-data.toml); remove it or use an agreed pseudonym such as "
                "'Child A'",
            )
    if not guard.deny_name_sha256:
        return
    words = list(WORD.finditer(line))
    for start in range(len(words)):
        for length in range(1, 5):
            chunk = words[start : start + length]
            if len(chunk) < length:
                break
            name = " ".join(w.group() for w in chunk)
            if name_hash(name) in guard.deny_name_sha256:
                yield _hit(
                    file,
                    number,
                    chunk[0].start() + 1,
                    f"'{name}' is a name on the board's deny-list (conf/personal-data.toml); "
                    "remove it or use an agreed pseudonym such as 'Child A'",
                )


def project_files(root: Path, folders: Iterable[str] = ("data", "docs")) -> Iterator[Path]:
    """The files of *folders* under *root* that the guard reads."""
    for folder in folders:
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and path.suffix.lower() in SCANNED_SUFFIXES:
                    yield path


def scan_project(root: Path, folders: Iterable[str] = ("data", "docs")) -> list[Problem]:
    """Run the guard over ``data/`` and ``docs/``; a bad config file is a problem too."""
    try:
        guard = load_guard(root)
    except LscbError as err:
        return list(err.problems)
    problems: list[Problem] = []
    for path in project_files(root, folders):
        rel = path.relative_to(root).as_posix()
        if any(Path(rel).match(pattern) for pattern in guard.skip):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the loader and the page checks report unreadable files
        problems.extend(scan_text(text, display_path(path), guard))
    return problems
