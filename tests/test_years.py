"""The ``data-year`` directive: every table, figure and record of a year, or of some files."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Project

PAGE = """---
topics: [about-this-site]
---

# Data for 2009/10

```{{data-year}} 2009-10
{options}```
"""


@pytest.fixture
def charts(make_project: Callable[[str], Project]) -> Project:
    return make_project("charts")


def _with_year_page(charts: Project, options: str) -> None:
    charts.write("docs/year.md", PAGE.format(options=options))
    charts.edit("docs/index.md", "data\n", "data\nyear\n")


def _rubrics(charts: Project) -> list[str]:
    return [p.get_text() for p in charts.html("year").select("p.rubric")]


def test_year_page_shows_every_dataset_of_the_year(charts: Project) -> None:
    _with_year_page(charts, "")
    assert charts.build(fresh=True).warnings == ""
    assert _rubrics(charts) == [
        "Budget 2009/10",
        "Child deaths",
        "Figures in the text",
        "Findings and actions",
        "Performance indicators",
    ]


def test_datasets_option_keeps_the_page_to_the_files_it_names(charts: Project) -> None:
    _with_year_page(charts, ":datasets: facts death*\n")
    assert charts.build(fresh=True).warnings == ""
    assert _rubrics(charts) == ["Child deaths", "Figures in the text"]
    # An edit to a file the page does not show does not read it again; one it shows does.
    charts.edit("data/2009-10/budget.yaml", "actual: 13377", "actual: 13378")
    assert "year" not in charts.build().read
    charts.edit("data/2009-10/facts.yaml", "value: 4", "value: 5")
    assert "year" in charts.build().read


def test_datasets_that_match_nothing_are_a_located_warning(charts: Project) -> None:
    _with_year_page(charts, ":datasets: b02-*\n")
    warnings = charts.build(fresh=True).warnings
    assert "year.md:7: WARNING: data-year '2009-10': no dataset of that year matches 'b02-*'" in (
        warnings
    )
    assert "its datasets are budget, deaths, facts, findings, indicators" in warnings
