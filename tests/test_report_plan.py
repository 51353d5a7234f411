"""Which pages make a year's annual report, and the clear errors when a year has none.

(The PDF itself is built and tested by ``nox -s report``: tests/report/.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lscb_kb.core import LscbError
from lscb_kb.report import main, plan

from .conftest import REPO, Project


def test_the_years_report_is_its_toctree_then_its_data_and_the_reference_pages() -> None:
    report = plan(REPO, "2009-10")
    assert report.pages == [
        "context/index",
        "priorities/index",
        "governance/index",
        "quality-assurance/index",
        "serious-case-reviews/index",
        "child-death-review/index",
        "years/2009-10/index",
        "notes-on-the-figures",
        "corrections",
        "glossary",
        "references",
    ]
    assert report.title == "Thurrock Local Safeguarding Children Board: annual report 2009/10"


def test_a_year_with_no_report_pages_is_refused_at_the_home_page() -> None:
    with pytest.raises(LscbError) as caught:
        plan(REPO, "2010-11")
    (problem,) = caught.value.problems
    assert problem.file.endswith("docs/index.md")
    assert "'The 2010/11 annual report'" in problem.message


def test_a_year_that_is_not_one_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["2009", "--root", str(REPO)]) == 1
    err = capsys.readouterr().err
    assert "'2009' is not a reporting year; give one such as 2009-10" in err
    assert "Traceback" not in err


def test_a_report_toctree_without_the_years_data_page_says_how_to_start_the_year(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("basic")
    index = project.root / "docs" / "index.md"
    index.write_text(
        index.read_text("utf-8").replace(
            "```{toctree}\n", "```{toctree}\n:caption: The 2009/10 annual report\n", 1
        ),
        "utf-8",
    )
    with pytest.raises(LscbError) as caught:
        plan(project.root, "2009-10")
    (problem,) = caught.value.problems
    assert problem.line > 1
    assert "lscb-kb new-year 2009-10" in problem.message
