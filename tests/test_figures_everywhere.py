"""A figure is typed once: change it where it is defined and every place the site shows it, or a
figure worked out from it, changes.

The shipped site is copied and every number in its data is changed at once to a value no other
figure has. After one build, every figure the pages, tables, year pages, notes and data prose
show (each carries its address in the doctree) shows its new value, and the figures worked out
by formulas show the new result.
"""

from __future__ import annotations

import pickle
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from docutils import nodes

from lscb_kb.core import Catalogue
from lscb_kb.published.view import published_view

from .conftest import Project, SharedBuilds, copy_shipped

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _new_value(index: int, unit: str, pence: bool) -> str:
    """A value no other figure has, valid for *unit*."""
    if unit == "percent":
        return f"{10 + index / 1000:.3f}"
    if unit == "rate":
        return f"{500 + index / 1000:.3f}"
    if unit == "money" and pence:
        return f"{700000 + index}.25"
    return str(900000 + index)


@pytest.fixture(scope="session")
def changed_site(shared_builds: SharedBuilds) -> tuple[Project, dict[str, str]]:
    def make(project: Project) -> dict[str, str]:
        root = project.root
        copy_shipped(root)
        catalogue = Catalogue.load(root)
        assert catalogue.problems == []
        places: dict[Path, list[tuple[int, int, str]]] = defaultdict(list)
        changed: dict[str, str] = {}
        for index, ref in enumerate(catalogue.figures()):
            value = ref.value
            if ref.address in catalogue.formulas:
                continue
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                continue
            new = _new_value(index, ref.spec.unit, ref.spec.pence)
            places[ref.entry.path].append((ref.line, ref.column, new))
            changed[ref.address] = new
        for path, edits in places.items():
            lines = path.read_text("utf-8").splitlines(keepends=True)
            for line, column, new in sorted(edits, key=lambda e: (e[0], -e[1])):
                text = lines[line - 1]
                match = _NUMBER.match(text, column - 1)
                assert match is not None, (path, line, column, text)
                lines[line - 1] = text[: match.start()] + new + text[match.end() :]
            path.write_text("".join(lines), "utf-8")
        project.build(fresh=True)
        return changed

    return shared_builds.project("figures-everywhere", make)


def _shown_figures(project: Project) -> dict[str, list[tuple[str, str]]]:
    """Every figure node of every page's doctree: address -> [(page, text shown)]."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    doctrees = project.out.parent / f"{project.out.name}.doctrees"
    for path in sorted(doctrees.rglob("*.doctree")):
        page = path.relative_to(doctrees).with_suffix("").as_posix()
        with path.open("rb") as handle:
            doctree = pickle.load(handle)
        for node in doctree.findall(nodes.Element):
            address = node.get("lscb_address")
            if address:
                found[address].append((page, " ".join(node.astext().split())))
    return found


@pytest.mark.xdist_group("figures-everywhere")
def test_every_figure_shown_in_more_than_one_place_shows_its_new_value_everywhere(
    changed_site: tuple[Project, dict[str, str]],
) -> None:
    project, changed = changed_site
    catalogue = Catalogue.load(project.root)
    view = published_view(catalogue)
    shown = _shown_figures(project)
    several = {address: uses for address, uses in shown.items() if len(uses) > 1}
    assert len(several) > 50, "the shipped site shows many figures in more than one place"
    wrong = []
    for address, uses in several.items():
        expected = view.resolve(address).text
        if address in changed:
            assert expected != "", address
        for page, text in uses:
            if text not in (expected, expected.split(" per ")[0]):
                wrong.append((address, page, text, expected))
    assert wrong == []
    # each changed figure shown in several places shows a value no other figure has: its new one
    for address in several:
        if address in changed:
            new = Decimal(changed[address])
            assert str(view.resolve(address).number) in (str(new), str(new.normalize())), address


@pytest.mark.xdist_group("figures-everywhere")
def test_figures_worked_out_by_a_formula_follow_their_parts(
    changed_site: tuple[Project, dict[str, str]],
) -> None:
    project, changed = changed_site
    catalogue = Catalogue.load(project.root)
    view = published_view(catalogue)
    shown = _shown_figures(project)
    assert catalogue.formulas, "the shipped data works figures out by formula"
    for address, terms in catalogue.formulas.items():
        expected = sum((sign * Decimal(changed[part.address]) for sign, part in terms), Decimal(0))
        assert view.resolve(address).number == expected, address
        for page, text in shown.get(address, []):
            assert text == view.resolve(address).text, (address, page)
        assert shown.get(address), f"{address} is shown on some page"


@pytest.mark.xdist_group("figures-everywhere")
def test_data_prose_shows_the_new_values(changed_site: tuple[Project, dict[str, str]]) -> None:
    """The young victims record and the budget notes name figures; they show the new ones."""
    project, changed = changed_site
    view = published_view(Catalogue.load(project.root))
    html = "".join(p.read_text("utf-8") for p in project.out.rglob("*.html"))
    for address in (
        "2009-10:periodic-figures/children-witnessing-dv",
        "2009-10:budget.expenditure/supplies-and-services/actual",
        "2009-10:budget.expenditure/total/actual",
    ):
        assert address in changed
        assert view.resolve(address).text in html, address
