"""The personal data guard reads text as a reader sees it: obfuscated identifiers are found."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lscb_kb.checks.personal import (
    AllowEntry,
    Guard,
    find_personal,
    name_hash,
    nhs_check_digit_ok,
    normalise,
    scan_project,
    scan_project_with_allowed,
    scan_published_text,
    scan_text,
    scan_values,
)

from .conftest import REPO, Project

GUARD = Guard(deny_names=("Jane Doe",), deny_name_sha256=frozenset({name_hash("Baby Q")}))

SAYS = {
    "nhs-number": "is a valid NHS number (its check digit matches); remove it",
    "date-of-birth": "looks like a date of birth",
    "postcode": "looks like a full postcode",
    "phone": "looks like a telephone number",
    "email": "looks like a personal email address",
    "address": "looks like a home address",
    "name-and-age": "names a person beside a child's age",
    "deny-list": "is a name on the board's deny-list",
}

# -- normalising -------------------------------------------------------------------------


def test_normalise_reads_text_as_a_reader_sees_it() -> None:
    text = "jo&amp;#64;ex\u200bample.org \uff19\u00a0\u2013\n\t4 &commat;"
    norm = normalise(text)
    assert norm.text == "jo@example.org 9 - 4 @"
    # every character maps back to where it came from
    at = norm.text.index("@")
    assert norm.original_text(at, at + 1) == "&amp;#64;"
    assert norm.original_text(0, len("jo@example.org")) == "jo&amp;#64;ex\u200bample.org"
    dash = norm.text.index("-")
    assert norm.original_text(dash - 1, dash + 2) == "\u00a0\u2013\n\t"
    assert norm.span(len(norm.text) - 1, len(norm.text)) == (len(text) - len("&commat;"), len(text))


def test_normalise_stops_after_three_rounds_of_entities() -> None:
    assert normalise("&amp;amp;amp;#64;").text == "&#64;"
    assert normalise("&amp;amp;#64;").text == "@"


def test_normalise_removes_invisible_and_bidi_characters() -> None:
    hidden = "".join(
        chr(c)
        for c in (
            0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x200E, 0x200F,
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x061C,
        )
    )  # fmt: skip
    assert normalise(f"9{hidden}4").text == "94"
    dashes = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
    assert normalise(dashes).text == "-" * len(dashes)
    spaces = "\u00a0\u2009\u202f\u3000\u2028\u2029\t\r\n"
    assert normalise(f"a{spaces}b").text == "a b"


# -- hostile phrasings: each found, at its line and column --------------------------------

HOSTILE_TEXT: list[tuple[str, str, str]] = [
    # NHS numbers
    ("Ref: 943 476 5919 was given.", "1:6", "nhs-number"),
    ("Ref 943-476-5919.", "1:5", "nhs-number"),
    ("Ref 943 476-5919.", "1:5", "nhs-number"),
    ("Ref 943.476.5919.", "1:5", "nhs-number"),
    ("Ref 943.47-65.919 and 0.0 0.0000000", "1:5", "nhs-number"),
    ("Ref 0.0 0.0000000", "1:5", "nhs-number"),
    ("Ref 943/476/5919.", "1:5", "nhs-number"),
    ("Ref 94 34 76 59 19.", "1:5", "nhs-number"),
    ("Ref 943\u00a0476\u00a05919", "1:5", "nhs-number"),
    ("Ref 943\u200b476\u200b5919", "1:5", "nhs-number"),
    ("Ref 943\u202e476\u202c5919", "1:5", "nhs-number"),
    ("Ref 943\u00ad476\u00ad5919", "1:5", "nhs-number"),
    ("# Notes\n\nThe number was 943 476\n5919 in the file.", "3:16", "nhs-number"),
    ("Ref \uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19", "1:5", "nhs-number"),
    ("Ref &#57;&#52;&#51; 476 5919", "1:5", "nhs-number"),
    ("Ref 943&nbsp;476&nbsp;5919", "1:5", "nhs-number"),
    ("Ref 943\u2013476\u20135919", "1:5", "nhs-number"),
    ("| Child A | 401 023 2137 |", "1:13", "nhs-number"),
    ("NHS 943 476 5919 12 visits", "1:5", "nhs-number"),
    # dates of birth
    ("She was born in March 2004.", "1:9", "date-of-birth"),
    ("He was born March 2004.", "1:8", "date-of-birth"),
    ("Child B, DOB 3rd March '04, was seen.", "1:10", "date-of-birth"),
    ("d.o.b. 03.03.2004", "1:1", "date-of-birth"),
    ("He was born on the 3rd of March 2004.", "1:8", "date-of-birth"),
    ("Child A (born 3/3/04)", "1:10", "date-of-birth"),
    ("date of birth: 2004-03-03", "1:1", "date-of-birth"),
    ("She was born on 3\nMarch 2004.", "1:9", "date-of-birth"),
    ("born\u00a03\u00a0March\u00a02004", "1:1", "date-of-birth"),
    ("Her birthday: 3 March.", "1:5", "date-of-birth"),
    ("Seen on 03/03/2004 (DOB).", "1:9", "date-of-birth"),
    # postcodes
    ("They lived at RM17 6SL.", "1:15", "postcode"),
    ("They lived at RM176SL.", "1:15", "postcode"),
    ("they lived at rm17  6sl.", "1:15", "postcode"),
    ("Lives at SS1&nbsp;2AB now", "1:10", "postcode"),
    ("Lives at RM17\u200b 6SL", "1:10", "postcode"),
    # telephone numbers
    ("Ring 07700 900123 today", "1:6", "phone"),
    ("Ring 0044 20 7946 0000", "1:6", "phone"),
    ("Ring +44-20-7946-0000", "1:6", "phone"),
    ("Ring +44 (0)20 7946 0000", "1:6", "phone"),
    ("Ring (+44) 20 7946 0000", "1:6", "phone"),
    ("Ring (01375) 652801", "1:6", "phone"),
    ("The mother's number,\n07700\n900123, was on file.", "2:1", "phone"),
    ("Ring 01375\u00a0652\u200b801", "1:6", "phone"),
    ("Ring \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13", "1:6", "phone"),
    ("Ring 020.7946.0000", "1:6", "phone"),
    ("Ring 0 - 1375 - 652 801", "1:6", "phone"),
    ("ISBN 0-11-340909-5; ring 01375 652801", "1:26", "phone"),
    # email addresses
    ("Write to jo.bloggs@example.org", "1:10", "email"),
    ("Write to jo&#64;example.org", "1:10", "email"),
    ("Write to jo&#x40;example.org", "1:10", "email"),
    ("Write to jo&commat;example.org", "1:10", "email"),
    ("Write to jo&amp;#64;example.org", "1:10", "email"),
    ("Write to jo\uff20example.org", "1:10", "email"),
    ("Write to jo [at] example [dot] org", "1:10", "email"),
    ("Write to jo (at) example (dot) co (dot) uk", "1:10", "email"),
    ("Write to jo at example dot com", "1:10", "email"),
    ("Write to jo\u200b@example.org", "1:10", "email"),
    ("Write to jo@example&#46;org", "1:10", "email"),
    # addresses
    ("The family lived at 12 Acacia Avenue.", "1:21", "address"),
    ("Visits to 221b Baker Street stopped.", "1:11", "address"),
    ("He stayed at Flat 3, 14 High Street.", "1:14", "address"),
    ("They moved to 7 Church\nRoad, Grays.", "1:15", "address"),
    # a name beside an age
    ("The review of Jamie Smith, aged 7, found gaps.", "1:15", "name-and-age"),
    ("Jamie, aged 7, was known to services.", "1:1", "name-and-age"),
    ("Jamie Smith (7) was known to services.", "1:1", "name-and-age"),
    ("Then Jamie Smith, 7, moved school.", "1:6", "name-and-age"),
    ("The 7-year-old Jamie Smith was seen.", "1:5", "name-and-age"),
    ("Jamie Smith, who was 7, was seen.", "1:1", "name-and-age"),
    ("Jamie Smith (age 7) was seen.", "1:1", "name-and-age"),
    ("Jamie Smith, a 7 year old, was seen.", "1:1", "name-and-age"),
    ("A seven-year-old Jamie was seen.", "1:3", "name-and-age"),
    ("Jamie\u00a0Smith,\u00a0aged\u00a07", "1:1", "name-and-age"),
    ("The review of Jamie Hill, aged 7.", "1:15", "name-and-age"),
    # the deny-list
    ("The review of jane doe found gaps.", "1:15", "deny-list"),
    ("The review of Jane\u00a0Doe found gaps.", "1:15", "deny-list"),
    ("The review of Ja\u200bne\nDoe found gaps.", "1:15", "deny-list"),
    ("Baby&nbsp;Q was known to services.", "1:1", "deny-list"),
]


@pytest.mark.parametrize(("text", "where", "kind"), HOSTILE_TEXT)
def test_hostile_phrasing_is_found_where_it_is(text: str, where: str, kind: str) -> None:
    found = [str(p) for p in scan_text(text, "page.md", GUARD)]
    assert any(p.startswith(f"page.md:{where}: ") and SAYS[kind] in p for p in found), found


# Data files, as scan_project reads them: the source text and the strings YAML decodes.
HOSTILE_YAML: list[tuple[str, str, str]] = [
    ('records:\n  - finding: "Ring 07700\\x20900123 after school"\n', "2:20", "phone"),
    ('note: "Write to jo\\x40example.org"\n', "1:17", "email"),
    ('note: "Write to jo\\u0040example.org"\n', "1:17", "email"),
    ('note: "NHS 943\\u0020476\\u00205919"\n', "1:12", "nhs-number"),
    ('note: "NHS 943\\u00a0476\\x205919"\n', "1:12", "nhs-number"),
    ('note: "NHS 943 476\\\n  5919 was given"\n', "1:12", "nhs-number"),
    ('note: "Her d\\x2eo\\x2eb: 3 March 2004"\n', "1:12", "date-of-birth"),
    ('note: "Jamie\\x20Smith, aged 7"\n', "1:8", "name-and-age"),
    ('note: "lived at RM17\\x206SL"\n', "1:17", "postcode"),
    ('note: "at 12\\x20Acacia Avenue"\n', "1:11", "address"),
    ("note: >\n  The child's NHS number is 943 476\n  5919 and was seen.\n", "2:29", "nhs-number"),
    ("note: >-\n  Ring the mother on 07700\n  900123.\n", "2:22", "phone"),
    ("note: |\n  Write to\n  jo&#64;example.org\n", "3:3", "email"),
    ("note: Ring 07700\n  900123 in the evening\n", "1:12", "phone"),
    ("note: 'Write to jo&#x40;example.org'\n", "1:17", "email"),
    ('items: ["a", "b\\x20c", "943\\x20476 5919"]\n', "1:25", "nhs-number"),
]


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for relpath, text in files.items():
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return tmp_path


@pytest.mark.parametrize(("text", "where", "kind"), HOSTILE_YAML)
def test_hostile_data_file_is_found_where_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str, kind: str
) -> None:
    monkeypatch.chdir(tmp_path)
    root = _project(tmp_path, {"data/2009-10/notes.yaml": text, "docs/index.md": "# Home\n"})
    found = [str(p) for p in scan_project(root)]
    expected = f"data/2009-10/notes.yaml:{where}: "
    assert any(p.startswith(expected) and SAYS[kind] in p for p in found), found
    assert len(found) == 1, found  # found once, by the source scan or the value scan


def test_scan_values_reports_at_the_value_without_its_source() -> None:
    values = [("Ring 07700\u0020900123", 4, 12), ("nothing here", 5, 12)]
    found = [str(p) for p in scan_values(values, "data/x.yaml", GUARD)]
    assert len(found) == 1
    assert found[0].startswith("data/x.yaml:4:12: '07700 900123' looks like a telephone")


def test_each_hostile_class_is_covered() -> None:
    kinds = {kind for _, _, kind in HOSTILE_TEXT + HOSTILE_YAML}
    assert kinds == set(SAYS)
    assert len(HOSTILE_TEXT) + len(HOSTILE_YAML) >= 40


def test_message_shows_what_was_typed_and_what_was_read() -> None:
    (problem,) = scan_text("Write to jo&#64;example\u200b.org", "page.md", GUARD)
    assert problem.message.startswith(
        "'jo&#64;example\\u200b.org' (read as 'jo@example.org') looks like a personal email "
        "address; remove it, or if it is the board's published mailbox add it as an [[allow]] "
        "entry, with a reason, to conf/personal-data.toml"
    )
    (problem,) = scan_text("NHS 943 476 5919.", "page.md", GUARD)
    assert problem.message == (
        "'943 476 5919' is a valid NHS number (its check digit matches); remove it: a child's "
        "NHS number must never be published"
    )


# -- what must not be found ---------------------------------------------------------------

VALID_ISBN_10 = "0-11-340909-5"

BENIGN = [
    "Enquiries under section 47 of the Children Act 1989.",
    "S47 enquiries rose in the year.",
    "See paragraph 4.3.2 of the report.",
    "Working Together 2010 sets out the duties.",
    "There were 18,610 contacts.",
    "73.5% of reviews were on time.",
    "Employees cost £81,751.",
    "There were 829 young victims of crime.",
    "The report for 2009/10 (2008/09 for comparison).",
    "From 1 April 2009 to 31 March 2010 the board met 6 times.",
    "On 3 March 2004 the board first met.",
    "The cohort was born in 2004.",
    "Babies born between 1 April 2009 and 31 March 2010 were counted.",
    "Review SCR-0910-02 was completed.",
    f"Safe to Learn (ISBN {VALID_ISBN_10}).",
    "ISBN 978-0-11-340909-4",
    "Child A, aged 7, was known to services.",
    "Baby F (3) was seen by a health visitor.",
    "Young Person B, aged 15, was referred.",
    "Sibling 2, who was 4, was also seen.",
    "The 7-year-old Child A was seen.",
    "Ofsted, aged care and health services met.",
    "Thurrock, aged 7 and over, had 30,000 pupils.",
    "Children aged 5 to 16 are from an ethnic group other than White British.",
    "Key Stage 2 (7) and Outcome (3).",
    "Lead Members (2), Head Teachers (3) and Designated Nurses (1) replied.",
    "Looked After Children, aged 10 to 17, and Care Leavers, aged 16 to 21.",
    "Gateway Academy (4) took part.",
    "Overall, aged 10 to 17 offenders fell.",
    "Children in the RM17 area.",
    "The A13 2nd phase and the M25 3rd junction.",
    "7 Family Court hearings and 3 Crown Court cases.",
    "Look at thurrock.gov.uk for more.",
    "Build times 11.377–15.332 seconds; 0.5 1.2 3.4 5.6 7.8 9.1.",
    "Peak memory 35.493-39.178 MB and 62.759 – 74.214 MB.",
    "NHS 943 476 5918 fails its check digit.",
    "Year 7 pupils and 19,608 live births.",
    "A 7-year-old child was seen.",
    "Born after 3 March 2004, a cohort.",
    "Jane Doerr is not on the list.",
    "Section 4.4, indicator 3: 85.5 per 1,000 (2008/09).",
    "Between 1 April 2009 and 30 September 2009, 7 cases were audited.",
]


def test_benign_cases_are_many_and_the_isbn_would_pass_the_nhs_check() -> None:
    assert len(BENIGN) >= 25
    assert nhs_check_digit_ok(re.sub(r"\D", "", VALID_ISBN_10))


@pytest.mark.parametrize("text", BENIGN)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert find_personal(text, GUARD) == []


# -- property tests: generated identifiers, obfuscated, are found -------------------------

INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u200e", "\u200f",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u061c",
]  # fmt: skip
SPACES = [" ", "\u00a0", "\u2009", "\u202f", "\n", "\t", "\r\n", "&nbsp;", "&#32;", "&#x20;"]
NAMED = {"@": "&commat;", ".": "&period;", "-": "&hyphen;", "(": "&lpar;", ")": "&rpar;"}


@functools.cache
def disguised(char: str) -> st.SearchStrategy[str]:
    """One character as an editor might hide it: itself, an entity, or a look-alike.

    Each character's strategy is made once: Hypothesis checks every new strategy it is given,
    and making them again for each character of each example was most of these tests' time.
    """
    forms = [char, f"&#{ord(char)};", f"&#x{ord(char):x};", f"&amp;#{ord(char)};"]
    if char in NAMED:
        forms.append(NAMED[char])
    if "!" <= char <= "~":
        forms.append(chr(ord(char) - 0x21 + 0xFF01))  # full width
    return st.sampled_from(forms)


INVISIBLE_RUN = st.lists(st.sampled_from(INVISIBLE), max_size=2).map("".join)
"""Up to two invisible characters."""


@st.composite
def obfuscated(draw: st.DrawFn, parts: list[str], gaps: list[str]) -> str:
    """*parts* joined by *gaps*, every character disguised, invisible characters between."""
    out = []
    for index, part in enumerate(parts):
        if index:
            gap = gaps[index - 1]
            out.append(draw(INVISIBLE_RUN))
            if gap.startswith("&"):
                out.append(gap)  # already an entity
            else:
                out.append("".join(draw(disguised(c)) if c != " " else c for c in gap))
        for position, char in enumerate(part):
            if position:
                out.append(draw(INVISIBLE_RUN))
            out.append(draw(disguised(char)))
    return "".join(out)


def _valid_nhs(first_nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else first_nine + str(check)


NHS_SEPARATORS = ["", " ", "-", ".", "/", " - ", "\u2013", "\u2212", *SPACES]


@st.composite
def nhs_numbers(draw: st.DrawFn) -> tuple[str, str]:
    number = _valid_nhs(draw(st.text("0123456789", min_size=9, max_size=9)))
    assume(number is not None)
    assert number is not None
    cuts = draw(st.sampled_from([(3, 6), (3, 6), (), (2, 4, 6, 8), (5,), (1, 2, 3, 4, 5)]))
    parts = [number[a:b] for a, b in zip((0, *cuts), (*cuts, 10), strict=True)]
    gaps = [draw(st.sampled_from(NHS_SEPARATORS)) for _ in parts[1:]]
    written = draw(obfuscated(parts, gaps))
    # A rising range or list of numbers with the same decimal places ("1234.56-7890.12") is
    # read as measurements.
    groups = [g for g in re.split(r" ?[-/] ?| ", normalise(written).text) if g]
    decimals = all(re.fullmatch(r"[0-9]+\.[0-9]+", g) for g in groups) and len(groups) > 1
    if decimals:
        values = [float(g) for g in groups]
        same_places = len({len(g.split(".")[1]) for g in groups}) == 1
        assume(not (same_places and values == sorted(values)))
    return number, written


@st.composite
def phone_numbers(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.sampled_from(["01", "02", "03", "07", "08"]))
    length = draw(st.sampled_from([10, 11])) if area == "01" else 11
    national = area + draw(st.text("0123456789", min_size=length - 2, max_size=length - 2))
    cut = draw(st.sampled_from([5, 4, 3]))
    prefix = draw(st.sampled_from(["", "+44 ", "+44 (0)", "0044 ", "(+44) ", "+44-", "+44 0"]))
    sep = [
        draw(st.sampled_from(["", " ", "-", ".", "/", " - ", "\u2013", *SPACES])) for _ in range(2)
    ]
    digits = national if not prefix else national[1:]
    if not prefix:
        assume(not (len(national) == 10 and nhs_check_digit_ok(national)))
    body = [digits[:cut], digits[cut : cut + 3], digits[cut + 3 :]]
    text = draw(obfuscated(body, sep))
    return national, draw(obfuscated([prefix], [])) + text if prefix else text


OUTWARD_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"
OUTWARD_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"
INWARD = "ABDEFGHJLNPQRSTUWXYZ"


@st.composite
def postcodes(draw: st.DrawFn) -> tuple[str, str]:
    letters = st.sampled_from
    form = draw(st.sampled_from(["A9", "A99", "AA9", "AA99", "A9A", "AA9A"]))
    outward = ""
    for index, slot in enumerate(form):
        if slot == "9":
            outward += draw(st.sampled_from("0123456789"))
        elif index == 0:
            outward += draw(letters(OUTWARD_FIRST))
        elif index == 1 and form[0] == "A" and form[1] == "A":
            outward += draw(letters(OUTWARD_SECOND))
        else:
            outward += draw(letters("ABCEHJKMNPRSTUVWXY"))
    inward = draw(letters("0123456789")) + draw(letters(INWARD)) + draw(letters(INWARD))
    code = outward + inward
    lower = draw(st.booleans())
    if lower:
        outward, inward = outward.lower(), inward.lower()
        assume(not re.fullmatch(r"[0-9](st|nd|rd|th)", inward))  # "m25 3rd": an ordinal
    gap = draw(st.sampled_from(["", " ", "  ", *SPACES]))
    return code, draw(obfuscated([outward, inward], [gap]))


TLDS = ["org", "com", "uk", "net", "gov"]


@st.composite
def emails(draw: st.DrawFn) -> tuple[str, str]:
    word = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
    local = draw(word)
    if draw(st.booleans()):
        local += draw(st.sampled_from([".", "_", "-", "+"])) + draw(word)
    labels = [draw(word) for _ in range(draw(st.integers(1, 2)))]
    labels.append(draw(st.sampled_from(TLDS)))
    address = f"{local}@{'.'.join(labels)}".lower()
    style = draw(st.sampled_from(["at-sign", "bracket", "word"]))
    if style == "at-sign":
        at = draw(st.sampled_from(["@", " @ ", "@", "\uff20"]))
        dots = [draw(st.sampled_from([".", ".", " [dot] ", "(dot)"])) for _ in labels[1:]]
    elif style == "bracket":
        at = draw(st.sampled_from([" [at] ", " (at) ", "(at)", " {at} ", "[AT]", " <at> "]))
        marks = [".", " [dot] ", " (dot) ", "(dot)", " dot "]
        dots = [draw(st.sampled_from(marks)) for _ in labels[1:]]
    else:
        at = draw(st.sampled_from([" at ", " AT "]))
        dots = [draw(st.sampled_from([" dot ", " DOT ", " (dot) "])) for _ in labels[1:]]
    # the at sign and dots themselves may be disguised; the words around them too
    parts = [local, *labels]
    gaps = [at, *dots]
    return address, draw(obfuscated(parts, gaps))


PREFIXES = ["", "Ref: ", "Notes say ", "| x | "]
SUFFIXES = ["", " today.", ", then", " |"]


@pytest.mark.parametrize(
    ("strategy", "kind"),
    [
        (nhs_numbers(), "nhs-number"),
        (phone_numbers(), "phone"),
        (postcodes(), "postcode"),
        (emails(), "email"),
    ],
)
def test_generated_identifiers_are_found_however_disguised(
    strategy: st.SearchStrategy[tuple[str, str]], kind: str
) -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
    @given(strategy, st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
    def check(identifier: tuple[str, str], prefix: str, suffix: str) -> None:
        key, written = identifier
        text = prefix + written + suffix
        start, end = len(prefix), len(prefix) + len(written)
        found = find_personal(text, Guard())
        matching = [f for f in found if f.kind == kind]
        assert matching, (text, found)
        finding = matching[0]
        assert (finding.start, finding.end) == (start, end), (text, finding)
        assert finding.text == text[start:end]
        expected = key.upper() if kind == "postcode" else key
        assert finding.key == expected

    check()


# -- the allow-list ----------------------------------------------------------------------

CONFIG = """\
# The guard's settings for a test board.
deny_names = []
deny_name_sha256 = []

[[allow]]
text = "lscb@example.gov.uk"
reason = "the board's published mailbox"

[[allow]]
text = "01375 652801"

[[allow]]
text = "RM17 6SL"
reason = "the board's office"
kind = "postcode"

[[skip]]
glob = "docs/archive/*.md"
reason = "pages kept for the record, checked by hand"

[[skip]]
glob = "docs/other/*.md"
"""

PAGE = """\
# Contact us

Write to lscb@example.gov.uk or ring 01375 652801.
The office is at RM17 6SL.
"""


def test_allow_entries_need_a_reason_and_allowed_findings_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = _project(
        tmp_path,
        {
            "conf/personal-data.toml": CONFIG,
            "docs/contact.md": PAGE,
            "docs/archive/old.md": "Ring 07700 900123.\n",
            "docs/other/old.md": "Ring 07700 900124.\n",
        },
    )
    problems, allowed = scan_project_with_allowed(root)
    shown = [str(p) for p in problems]
    assert any(
        p.startswith("conf/personal-data.toml:9: allow[1]: '01375 652801' has no reason")
        for p in shown
    ), shown
    assert any(
        p.startswith("conf/personal-data.toml:21: skip[1]: 'docs/other/*.md' has no reason")
        for p in shown
    ), shown
    # an entry without a reason allows nothing, and skips nothing
    assert any(p.startswith("docs/contact.md:3:38: '01375 652801' looks like a tel") for p in shown)
    assert any(p.startswith("docs/other/old.md:1:6: ") for p in shown)
    assert not any(p.startswith("docs/archive/") for p in shown)
    assert [str(p) for p in allowed] == [
        "docs/contact.md:3:10: 'lscb@example.gov.uk' (an email address) is allowed by "
        "conf/personal-data.toml:5: the board's published mailbox",
        "docs/contact.md:4:18: 'RM17 6SL' (a full postcode) is allowed by "
        "conf/personal-data.toml:12: the board's office",
    ]
    assert all(p.rule == "personal-allowed" for p in allowed)
    assert len(problems) == 4


def test_old_allow_list_of_plain_strings_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = _project(
        tmp_path,
        {
            "conf/personal-data.toml": '# contacts\nallow = ["lscb@example.gov.uk"]\n',
            "docs/contact.md": "Write to lscb@example.gov.uk\n",
        },
    )
    shown = [str(p) for p in scan_project(root)]
    assert shown[0].startswith(
        "conf/personal-data.toml:2: allow[0]: 'lscb@example.gov.uk' has no reason; give it as "
        "a [[allow]] table"
    ), shown
    assert shown[1].startswith("docs/contact.md:1:10: 'lscb@example.gov.uk' looks like")


def test_allow_entry_matches_the_identifier_however_it_is_written() -> None:
    guard = Guard(
        allow=(
            AllowEntry("lscb@example.gov.uk", "mailbox"),
            AllowEntry("01375 652801", "office", kind="phone"),
        )
    )
    text = "lscb [at] example [dot] gov [dot] uk, +44 (0)1375 652-801, 07700 900123"
    found = find_personal(text, guard)
    assert [(f.kind, f.allowed_by is not None) for f in found] == [
        ("email", True),
        ("phone", True),
        ("phone", False),
    ]
    assert [f.text for f in scan_published_text(text, guard)] == ["07700 900123"]


def test_scan_published_text_does_not_need_lines() -> None:
    text = "<p>Jamie&nbsp;Smith,&#32;aged 7</p>\n<text x='1'>943 476 5919</text>"
    found = scan_published_text(text, GUARD)
    assert [f.kind for f in found] == ["name-and-age", "nhs-number"]
    assert [text[f.start : f.end] for f in found] == [f.text for f in found]


# -- the shipped project -----------------------------------------------------------------


def test_shipped_project_is_clean() -> None:
    problems, allowed = scan_project_with_allowed(REPO)
    assert problems == [], problems
    assert allowed == []


def test_check_shows_what_an_allow_entry_allows(make_project: Callable[[str], Project]) -> None:
    project = make_project("disclosure")
    project.edit(
        "docs/index.md",
        "\n",
        "\n\nWrite to lscb@example.gov.uk.\n\n",
    )
    result = project.cli("check")
    assert result.returncode == 0, result.stdout
    assert (
        "'lscb@example.gov.uk' (an email address) is allowed by conf/personal-data.toml:5: "
        "the test board's published mailbox" in result.stdout
    )


def test_a_file_refused_for_its_size_is_not_read_and_one_a_page_includes_is(
    make_project: Callable[[str], Project],
) -> None:
    """A data file or page over ``max_file_bytes`` is refused unread, so nothing of it is
    published and the guard need not read it; a file a page includes is read whatever its size."""
    project = make_project("disclosure")
    project.write("conf/lscb.toml", project.root.joinpath("conf/lscb.toml").read_text("utf-8")
                  + "\n[limits]\nmax_file_bytes = 2000\n")  # fmt: skip
    filler = "# " + "x" * 60 + "\n"
    project.write("data/2009-10/big.yaml", filler * 40 + "note: Ring 07700 900123\n")
    project.write("docs/big.txt", filler * 40 + "Ring 07700 900456\n")
    problems, _allowed = scan_project_with_allowed(project.root)
    found = [p.file for p in problems if p.rule == "personal"]
    assert found == ["docs/big.txt"], problems
    check = project.cli("check")
    assert check.returncode == 1
    assert "data/2009-10/big.yaml:1" in check.stdout and "max_file_bytes" in check.stdout
