"""The bare-number audit: a figure typed by hand in a page or in data prose is reported at its
file and line with the address to write instead; quotations, names, years, dates and code are
not figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lscb_kb.checks.audit import FigureIndex, audit_project
from lscb_kb.core import Catalogue, Problem

from .conftest import REPO, Project

FIGURES = """\
kind: figures
id: numbers
title: Figures for the audit's tests
period: April 2009 to March 2010
source: thurrock-lscb-2010
topics: [budget]
notes:
  - The board spent 9169 on supplies.
  - 'The report says the board "spent 9169 on supplies".'
  - The supplies cost {fig}`numbers/supplies`.
figures:
  supplies:
    value: 9169
    unit: money
    label: Spent on supplies
  share:
    value: 3.5
    unit: percent
    label: A share the size of a section number
  size-of-a-year:
    value: 2009
    unit: count
    label: A count the size of a year
  size-of-a-day:
    value: 31
    unit: count
    label: A count the size of a day of the month
  reviews:
    value: 3
    unit: count
    label: Reviews carried out
"""
NOTE_LINE = 8
"""The line of FIGURES whose note types the supplies figure."""

FRONT = "---\nowner: Test\nreviewed: 2026-11-27\nreview-due: 2027-11-27\ntopics: [budget]\n---\n"


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of one figures file (:data:`FIGURES`) and no pages yet."""
    root = tmp_path / "kb"
    for name in ("conf.py", "lscb.toml", "safety.toml", "topics.yaml"):
        (root / "conf").mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "conf" / name, root / "conf" / name)
    (root / "data" / "2009-10").mkdir(parents=True)
    shutil.copy(REPO / "data" / "references.bib", root / "data" / "references.bib")
    (root / "data" / "2009-10" / "numbers.yaml").write_text(FIGURES, "utf-8")
    (root / "docs").mkdir()
    monkeypatch.chdir(root)
    return root


def audit(root: Path, page: str | None = None) -> list[Problem]:
    """The audit of *root*, with *page* (its body, after the front matter) as docs/page.md."""
    if page is not None:
        (root / "docs" / "page.md").write_text(f"{FRONT}\n# A page\n\n{page}", "utf-8")
    catalogue = Catalogue.load(root)
    assert not catalogue.problems, catalogue.problems
    return audit_project(catalogue)


def on_page(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.file == "docs/page.md"]


def test_the_shipped_project_has_no_figure_typed_by_hand() -> None:
    catalogue = Catalogue.load(REPO)
    assert len(FigureIndex(catalogue.figures()).by_value) > 100  # the audit has figures to find
    problems = audit_project(catalogue, REPO / "docs")
    assert problems == [], "\n".join(str(p) for p in problems)


def test_lscb_kb_check_reports_a_figure_typed_on_a_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "kb"
    for folder in ("conf", "data", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    monkeypatch.chdir(root)
    page = root / "docs" / "governance" / "budget.md"
    lines = page.read_text("utf-8").split("\n")
    at = lines.index("## What the board spent") + 2
    lines.insert(at - 1, "The board spent £9,169 on supplies.")
    page.write_text("\n".join(lines), "utf-8")
    result = Project(root).cli("check")
    assert result.returncode == 1
    found = [line for line in result.stdout.splitlines() if "'£9,169'" in line]
    assert found == [
        f"docs/governance/budget.md:{at}:17: the number '£9,169' equals the figure "
        "budget.expenditure/supplies-and-services/actual (£9,169); write "
        "{fig}`budget.expenditure/supplies-and-services/actual` instead of typing the number; "
        "if the words quote the report exactly, put them in double quotes or a blockquote (>)"
    ]


def test_a_figure_typed_on_a_page_is_reported_at_its_line(tiny: Path) -> None:
    problems = on_page(audit(tiny, "Some words.\n\nThe board spent £9,169 on supplies.\n"))
    assert [(p.line, p.column, p.rule) for p in problems] == [(12, 17, "bare-number")]
    assert "{fig}`numbers/supplies`" in problems[0].message
    assert "(£9,169)" in problems[0].message


def test_the_maintainers_pages_are_not_audited(tiny: Path) -> None:
    """docs/develop/ documents the software: its numbers are settings and measurements."""
    develop = tiny / "docs" / "develop"
    develop.mkdir()
    (develop / "benchmarks.md").write_text(f"{FRONT}\n# Benchmarks\n\nA build took 9169 ms.\n")
    assert [p for p in audit(tiny) if p.file.startswith("docs/develop/")] == []
    problems = on_page(audit(tiny, "A build took 9169 ms, and 9169 pages.\n"))
    assert [p.message.split("'")[1] for p in problems] == ["9169"]


@pytest.mark.parametrize("typed", ["9169", "9,169", "£9169", "£ 9,169", "£9,169.00"])
def test_every_written_form_of_a_figure_is_found(tiny: Path, typed: str) -> None:
    problems = on_page(audit(tiny, f"The board spent {typed} on supplies.\n"))
    assert [p.message.split("'")[1] for p in problems] == [typed]


def test_a_small_whole_number_is_a_figure_too(tiny: Path) -> None:
    problems = on_page(audit(tiny, "The board carried out 3 reviews.\n"))
    assert len(problems) == 1
    assert "{fig}`numbers/reviews`" in problems[0].message


@pytest.mark.parametrize(
    "quoted",
    [
        'The report says the board "spent £9,169 on supplies".',
        "The report says the board “spent £9,169 on supplies”.",
        '"The board spent\n£9,169 on supplies," the report says.',
        "The report says:\n\n> The board spent £9,169 on supplies.",
    ],
)
def test_a_quotation_of_the_report_is_not_reported(tiny: Path, quoted: str) -> None:
    assert on_page(audit(tiny, quoted + "\n")) == []
    # the same words, not quoted, are
    unquoted = quoted.replace('"', "").replace("“", "").replace("”", "").replace("> ", "")
    assert len(on_page(audit(tiny, unquoted + "\n"))) == 1


@pytest.mark.parametrize(
    ("words", "figure"),
    [
        ("See section 3.5 of the report.", "a share of 3.5%"),
        ("The plan ran from 2009 to 2011.", "2,009 children"),
        ("The year ended on 31 March 2010.", "31 children"),
        ("Indicator 3 is about hospital admissions.", "3 reviews"),
        ("Record PR-0910-31 is open.", "31 notifications"),
        ("It covers 2009/10.", "2,009 notifications"),
        ("Children aged 0 to 3 were seen.", "3 children"),
        ("The panel met at 3pm.", "3 meetings"),
    ],
)
def test_names_years_and_dates_are_not_figures(tiny: Path, words: str, figure: str) -> None:
    assert on_page(audit(tiny, words + "\n")) == []
    # the number written as a figure is one: the words, not the value, make the difference
    assert len(on_page(audit(tiny, f"There were {figure}.\n"))) == 1


def test_code_and_roles_are_not_audited(tiny: Path) -> None:
    page = (
        "Write `9169` in the data file, or {fig}`numbers/supplies` on a page.\n\n"
        "```yaml\nsupplies:\n  value: 9169  # £9,169\n```\n\n"
        "```{data-table} numbers\n:caption: 9169\n```\n\n"
        ":::{admonition} Supplies, 9169\n:class: tip\nThe board spent 9169.\n:::\n\n"
        "The board spent 9169.\n"
    )
    problems = on_page(audit(tiny, page))
    # only the prose: the admonition's content (not its title) and the last line
    assert [p.line for p in problems] == [23, 26]


def test_a_figure_typed_in_a_data_note_is_reported_at_its_line(tiny: Path) -> None:
    problems = [p for p in audit(tiny) if p.file.endswith("numbers.yaml")]
    assert [(p.line, p.column, p.where) for p in problems] == [(NOTE_LINE, 21, "notes[0]")]
    assert "write {fig}`numbers/supplies` instead" in problems[0].message
    # the quoted note (line 9) and the note that names the figure (line 10) are not reported


def test_a_figure_typed_in_a_label_is_to_be_named(tiny: Path) -> None:
    data = tiny / "data" / "2009-10" / "numbers.yaml"
    text = data.read_text("utf-8")
    data.write_text(text.replace("label: Reviews carried out", "label: The 31 reviews"), "utf-8")
    problems = [p for p in audit(tiny) if p.where == "figures.reviews.label"]
    assert len(problems) == 1
    assert "write {fig}`numbers/size-of-a-day` instead of typing the number" in problems[0].message
    named = "label: The {fig}`numbers/size-of-a-day` reviews"
    data.write_text(text.replace("label: Reviews carried out", named), "utf-8")
    assert [p for p in audit(tiny) if p.where == "figures.reviews.label"] == []
