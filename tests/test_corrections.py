"""Corrections made after publication: the errata register, shown beside each corrected figure,
listed on its own page and in a feed, carried by the downloads, and checked at its lines."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from xml.etree import ElementTree as ET

import pytest

from lscb_kb.core import Catalogue

from .conftest import Project

ADDRESS = "2009-10:budget.expenditure/employees/actual"

ERRATA = """\
kind: errata
id: errata
title: Figures corrected since publication
corrections:
  - figure: {figure}
    published: {published}
    corrected: {corrected}
    reason: A typing error; the table in the report gives the figure now shown.
    decided_by: The board business manager
"""

PAGE = "# Corrections\n\n```{data-corrections}\n```\n"


def _errata(figure: str = ADDRESS, published: str = "81715", corrected: str = "2026-11-30") -> str:
    return ERRATA.format(figure=figure, published=published, corrected=corrected)


@pytest.fixture
def corrected(make_project: Callable[[str], Project]) -> Project:
    project = make_project("basic")
    project.write("data/errata.yaml", _errata())
    project.write("docs/corrections.md", PAGE)
    project.edit("docs/index.md", "references\n", "references\ncorrections\n")
    return project


def test_a_corrected_figure_says_so_where_it_is_shown(corrected: Project) -> None:
    result = corrected.build(fresh=True)
    assert result.warnings == ""
    page = corrected.html("index")
    prose = page.select_one("p span.lscb-corrected")
    assert prose is not None
    assert prose.get_text(" ", strip=True) == "£81,751 (corrected)"
    cell = [td for td in page.select("table td") if "£81,751" in td.get_text()]
    assert cell and "(corrected)" in cell[0].get_text(), "the table's cell says so too"
    notes = [p.get_text(" ", strip=True) for p in page.select("p.lscb-corrected-note")]
    sentence = (
        "Actual expenditure: Employees, Actual expenditure: published as £81,715, corrected to "
        "£81,751 on 30 November 2026. A typing error; the table in the report gives the figure "
        "now shown. (Decided by The board business manager.)"
    )
    assert f"Corrected – {sentence}" in notes, notes


def test_the_corrections_page_and_feed_list_each_correction(corrected: Project) -> None:
    corrected.build(fresh=True)
    page = corrected.html("corrections")
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in page.select("table.lscb-corrections tbody tr")
    ]
    assert rows == [
        [
            "Actual expenditure: Employees, Actual expenditure (2009/10)",
            "£81,715",
            "£81,751",
            "30 November 2026",
            "A typing error; the table in the report gives the figure now shown.",
            "The board business manager",
        ]
    ]
    feed_link = page.select_one('a[href="corrections.xml"]')
    assert feed_link is not None
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((corrected.out / "corrections.xml").read_bytes())
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 1
    link = entries[0].find(f"{atom}link")
    assert link is not None
    href = link.get("href", "")
    assert href.startswith("corrections.html#")
    assert page.find(id=href.partition("#")[2]) is not None, "the feed links to the row"
    assert entries[0].findtext(f"{atom}updated") == "2026-11-30T00:00:00Z"


def test_the_downloads_carry_the_corrections(corrected: Project) -> None:
    corrected.build(fresh=True)
    data = corrected.out / "_downloads" / "data"
    table = json.loads((data / "2009-10" / "budget.expenditure.json").read_text("utf-8"))
    assert [c["published"] for c in table["corrections"]] == ["£81,715"]
    assert table["corrections"][0]["now"] == "£81,751"
    assert table["corrections"][0]["corrected"] == "2026-11-30"
    errata = json.loads((data / "errata.json").read_text("utf-8"))
    assert [c["figure"] for c in errata["corrections"]] == [ADDRESS]
    assert "£81,715" in (data / "errata.csv").read_text("utf-8-sig")


def test_an_incremental_build_follows_a_new_correction(corrected: Project) -> None:
    corrected.write("data/errata.yaml", "kind: errata\nid: errata\ntitle: Corrections\n")
    corrected.build(fresh=True)
    assert corrected.html("index").select("span.lscb-corrected") == []
    corrected.write("data/errata.yaml", _errata())
    result = corrected.build()
    assert "index" in result.read
    assert corrected.html("index").select("span.lscb-corrected") != []


@pytest.mark.parametrize(
    ("errata", "where", "says"),
    [
        (_errata(figure="2009-10:budget.expenditure/employes/actual"), "5:13", "employes"),
        (_errata(figure="budget.expenditure/employees/actual"), "5:13", "name the year"),
        (_errata(published="81751"), "6:16", "is the figure's value now (£81,751)"),
        (_errata(published="81,715"), "6:16", "must be a whole number"),
        (_errata(corrected="2999-01-01"), "7:16", "is a day still to come"),
        (
            _errata().replace("    decided_by: The board business manager\n", ""),
            "5:5",
            "decided_by",
        ),
    ],
)
def test_a_mistake_in_a_correction_is_reported_at_its_line(
    corrected: Project, errata: str, where: str, says: str
) -> None:
    corrected.write("data/errata.yaml", errata)
    problems = [str(p) for p in Catalogue.load(corrected.root).problems]
    assert any(p.startswith(f"data/errata.yaml:{where}") and says in p for p in problems), problems
    result = corrected.cli("check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr


def test_a_correction_of_a_hidden_count_reveals_neither_value(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("disclosure")
    catalogue = Catalogue.load(project.root)
    from lscb_kb.published.view import published_view  # noqa: PLC0415

    hidden = sorted(published_view(catalogue).hidden_addresses())
    assert hidden
    address = hidden[0]
    ref = catalogue.resolve(address)
    wrong = int(ref.value) + 1  # type: ignore[call-overload]
    project.write("data/errata.yaml", _errata(figure=address, published=str(wrong)))
    view = published_view(Catalogue.load(project.root))
    shown = view.correction(address)
    assert shown is not None
    symbol = view.policy.symbol
    assert (shown.published, shown.now) == (symbol, symbol)
    for value in (wrong, ref.value):
        assert not re.search(rf"\b{value}\b", shown.sentence), shown.sentence
