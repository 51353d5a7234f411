"""One validation for every value: single figures are checked against their units as table
cells are, a blank figure is an explicit null with a reason, and the configuration's child
topics are real topics. Each mistake is a located problem, never a traceback."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lscb_kb.core import Catalogue
from lscb_kb.published.view import published_view

from .conftest import REPO, Project

TYPED = "data/2009-10/typed.yaml"


def _typed_figure(project: Project, value: str, unit: str, label: str) -> None:
    """A file of one single figure, ``typed/one``, whose value is on line 8."""
    project.write(
        TYPED,
        "kind: figures\nid: typed\ntitle: Typed\nperiod: 2009/10\nsource: report-2010\n"
        f"figures:\n  one:\n    value: {value}\n    unit: {unit}\n    label: {label}\n",
    )


def _problems(project: Project) -> list[str]:
    return [f"{p.file}:{p.line}: {p.message}" for p in Catalogue.load(project.root).problems]


def _located(project: Project) -> list[tuple[str, int, str]]:
    return [(p.file, p.line, p.message) for p in Catalogue.load(project.root).problems]


@pytest.mark.parametrize(
    ("typed", "unit", "wanted"),
    [
        ("18,610", "money", "must be a whole number of pounds, without £ or commas, got '18,610'"),
        ("76.2%", "percent", "must be a percentage from 0 to 100, without the % sign, got '76.2%'"),
        ("101", "percent", "must be a percentage from 0 to 100, got 101"),
        ("2.5", "count", "must be a whole number of at least 0, got 2.5"),
        ("-3", "count", "must be a whole number of at least 0, got -3"),
        ("12.345", "money", "must be a whole number of pounds, got 12.345"),
    ],
)
def test_a_single_figure_is_checked_against_its_unit_at_its_line(
    make_project: Callable[[str], Project], typed: str, unit: str, wanted: str
) -> None:
    project = make_project("figures")
    _typed_figure(project, typed, unit, "One figure")
    located = _located(project)
    assert any(
        file == "data/2009-10/typed.yaml" and line == 8 and wanted in message
        for file, line, message in located
    ), located


def test_a_wrong_single_figure_fails_the_build_at_its_line_without_a_traceback(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("figures")
    _typed_figure(project, "18,610", "money", "Reserves")
    page = project.root / "docs" / "index.md"
    page.write_text(page.read_text("utf-8") + "\nReserves: {fig}`typed/one`.\n", "utf-8")
    result = project.build(fresh=True)
    assert "Traceback" not in result.warnings
    assert "AssertionError" not in result.warnings
    assert "data/2009-10/typed.yaml:8:" in result.warnings
    assert "without £ or commas, got '18,610'" in result.warnings


def test_a_null_figure_needs_a_reason_and_is_shown_as_not_reported(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("figures")
    _typed_figure(project, "null", "count", "Cases")
    assert any(
        "typed.yaml:8:" in p and "is null: say why with 'not_reported: <reason>'" in p
        for p in _problems(project)
    )
    project.edit(
        "data/2009-10/typed.yaml",
        "    label: Cases\n",
        "    label: Cases\n    not_reported: The report gives no number of cases.\n",
    )
    catalogue = Catalogue.load(project.root)
    assert [str(p) for p in catalogue.problems] == []
    shown = published_view(catalogue).resolve("typed/one")
    assert (shown.text, shown.reason) == ("not reported", "The report gives no number of cases.")
    page = project.root / "docs" / "index.md"
    page.write_text(page.read_text("utf-8") + "\nCases: {fig}`typed/one`.\n", "utf-8")
    result = project.build(fresh=True)
    assert "Traceback" not in result.warnings
    html = (project.out / "index.html").read_text("utf-8")
    assert "Cases: <span" in html and "not reported" in html
    assert "The report gives no number of cases." in html
    assert "Cases: –" not in html


def test_a_deleted_table_cell_is_a_problem_not_a_dash(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("disclosure")
    project.edit("data/2009-10/deaths.yaml", "expected: 0, unexpected: 12", "unexpected: 12")
    problems = _problems(project)
    assert any(
        "deaths.yaml:" in p
        and "has no value for 'expected': write 'expected: null' and say why" in p
        for p in problems
    ), problems


def test_a_null_table_cell_is_shown_as_not_reported_with_its_reason(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("disclosure")
    project.edit(
        "data/2009-10/deaths.yaml", "expected: 0, unexpected: 12", "expected: null, unexpected: 12"
    )
    assert any("is null: say why under the table's 'not_reported'" in p for p in _problems(project))
    project.edit(
        "data/2009-10/deaths.yaml",
        "    total_column: total\n",
        "    total_column: total\n    not_reported:\n"
        "      north/expected: The report gives no figure for the North.\n",
    )
    # the totals no longer add up with a blank part; they are not checked
    catalogue = Catalogue.load(project.root)
    assert [p for p in catalogue.problems if "not_reported" in p.message] == []
    entry = catalogue.entry("deaths", "2009-10")
    published = published_view(catalogue).table(entry, "by-area")
    assert str(published.rows[0]["expected"]) == "not reported"


def test_a_not_reported_entry_for_a_figure_that_is_there_is_a_problem(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("disclosure")
    project.edit(
        "data/2009-10/deaths.yaml",
        "    total_column: total\n",
        "    total_column: total\n    not_reported:\n      north/expected: Not given.\n",
    )
    assert any(
        "'north/expected' is not a null figure of this table" in p for p in _problems(project)
    )


def test_a_child_topic_that_is_not_a_topic_is_a_problem_at_its_line(
    make_project: Callable[[str], Project],
) -> None:
    """A misspelt child topic would let files on that topic publish small counts undeclared."""
    project = make_project("disclosure")
    lscb = project.root / "conf" / "lscb.toml"
    lscb.write_text(
        lscb.read_text("utf-8") + 'child_topics = [\n  "child-deaths",\n  "children-in-care",\n]\n',
        "utf-8",
    )
    problems = Catalogue.load(project.root).problems
    found = [p for p in problems if p.where == "disclosure.child_topics"]
    assert len(found) == 1
    line = lscb.read_text("utf-8").splitlines().index('  "children-in-care",') + 1
    assert (found[0].file, found[0].line) == ("conf/lscb.toml", line)
    assert "'children-in-care' is not a topic in conf/topics.yaml" in found[0].message


def test_the_shipped_child_topics_are_topics() -> None:
    catalogue = Catalogue.load(REPO)
    assert "looked-after-children" in catalogue.settings.child_topics
    assert [p for p in catalogue.problems if p.where == "disclosure.child_topics"] == []


def test_a_wrong_review_setting_is_a_problem_at_its_line(
    make_project: Callable[[str], Project],
) -> None:
    """conf/lscb.toml has one reader: a mistake in [reviews] is reported, not silently replaced."""
    project = make_project("disclosure")
    lscb = project.root / "conf" / "lscb.toml"
    lscb.write_text(lscb.read_text("utf-8") + '\n[reviews]\ndue_within_days = "soon"\n', "utf-8")
    found = [p for p in Catalogue.load(project.root).problems if p.where.startswith("reviews.")]
    line = lscb.read_text("utf-8").splitlines().index('due_within_days = "soon"') + 1
    assert [(p.file, p.line, p.message) for p in found] == [
        ("conf/lscb.toml", line, "must be a whole number of days, at least 0, got 'soon'")
    ]
