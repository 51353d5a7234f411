"""The glossary page: one headword per term, under its letter, with an A to Z at the top; the
other names of a term are targets of its links but not headwords of their own."""

from __future__ import annotations

import re

import pytest

from lscb_kb.core import Catalogue
from lscb_kb.core.models import GlossaryDataset, Term
from lscb_kb.sphinxext.glossary import letter, other_names

from .conftest import REPO, Built


def _term(term: str, aliases: list[str], definition: str = "A meaning.") -> Term:
    return Term(term=term, definition=definition, aliases=aliases)


@pytest.mark.parametrize(
    ("term", "aliases", "shown"),
    [
        ("hate crime", ["hate crimes"], []),
        ("core assessment", ["Core Assessments"], []),
        ("child in need", ["Children in Need"], []),
        ("Anti-Bullying Alliance", ["anti bullying alliance"], []),
        ("MAG", ["MAGs", "multi-agency group panel"], ["multi-agency group panel"]),
        ("safe recruitment", ["safer recruitment", "Safer Recruitment"], ["safer recruitment"]),
        (
            "Children’s Trust",
            ["Children's Trust", "Thurrock Children's Trust"],
            ["Thurrock Children's Trust"],
        ),
    ],
)
def test_a_name_that_only_differs_in_case_hyphens_or_plural_is_not_listed_again(
    term: str, aliases: list[str], shown: list[str]
) -> None:
    assert other_names(_term(term, aliases)) == shown


def test_a_name_the_definition_already_gives_is_not_listed_again() -> None:
    term = _term(
        "looked after child",
        ["child in care", "children in care", "looked after children"],
        'A child in the care of the council. The report also says "child in care".',
    )
    assert other_names(term) == []
    kinds = _term(
        "preventable death",
        ["preventable", "potentially preventable", "not preventable", "avoidable death"],
        "The panel classifies each death as preventable, potentially preventable or not "
        "preventable.",
    )
    assert other_names(kinds) == ["avoidable death"]


def test_terms_are_listed_under_their_first_letter() -> None:
    assert [letter(_term(t, [])) for t in ("ábc", "S47", "7-minute briefing", " lay")] == [
        "A",
        "S",
        "#",
        "L",
    ]


def _shown(text: str) -> str:
    """A headword as the data spells it (the build curls its apostrophes)."""
    return text.rstrip("¶").strip().replace("’", "'")


@pytest.mark.xdist_group("shipped-site")
def test_the_glossary_page_has_one_headword_per_term_under_its_letter(shipped_site: Built) -> None:
    site, _result = shipped_site
    glossary = Catalogue.load(REPO).glossary()
    assert glossary is not None and isinstance(glossary.dataset, GlossaryDataset)
    terms = glossary.dataset.terms
    main = site.html("glossary").find("main")
    headwords = [_shown(dt.get_text()) for dt in main.find_all("dt")]
    assert sorted(headwords, key=str.casefold) == sorted((t.term for t in terms), key=str.casefold)
    # The A to Z links to a heading for every letter a term starts with, in order.
    nav = main.find("nav", attrs={"aria-label": "Glossary from A to Z"})
    letters = [a.get_text() for a in nav.find_all("a")]
    assert letters == sorted({letter(t) for t in terms})
    for a in nav.find_all("a"):
        heading = main.find(id=a["href"].removeprefix("#"))
        assert heading.name == "h2" and heading.get_text() == a.get_text()
    # Each headword sits under the heading of its letter.
    for dt in main.find_all("dt"):
        assert dt.find_previous("h2").get_text() == letter(_term(dt.get_text().strip("¶ "), []))
    # Every name of a term is still a target, on its headword: a link to "children in care"
    # lands on "looked after child".
    ids = {
        _shown(dt.get_text()): {dt["id"], *(s["id"] for s in dt.find_all("span"))}
        for dt in main.find_all("dt")
    }
    for term in terms:
        assert len(ids[term.term]) == 1 + len(set(term.aliases)), term.term
    assert "term-child-in-care" in ids["looked after child"]


@pytest.mark.xdist_group("shipped-site")
def test_every_link_into_the_glossary_lands_on_a_term(shipped_site: Built) -> None:
    site, _result = shipped_site
    page = site.html("glossary")
    targets = {element["id"] for element in page.find_all(id=True)}
    links = 0
    for path in site.out.rglob("*.html"):
        for fragment in re.findall(r'href="[^"#]*glossary\.html#([^"]+)"', path.read_text("utf-8")):
            assert fragment in targets, (path, fragment)
            links += 1
    assert links > 50
