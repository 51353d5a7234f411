"""A board member's mistakes: each gives file:line, what is wrong, a non-zero exit, no traceback.

Each case edits one file of the basic test project, then runs both ``lscb-kb check`` (what
``nox -s figures`` runs) and ``sphinx-build -W`` (what ``nox -s build`` runs), through their
entry points in this process. The clean project and the report of every problem in one run are
checked with both programs run as subprocesses, as the sessions run them.
"""

from __future__ import annotations

import pytest

from .conftest import Project

BUDGET = "data/2009-10/budget.yaml"
INDICATORS = "data/2009-10/indicators.yaml"

CASES = {
    "yaml-syntax": (
        BUDGET,
        "rows:\n",
        "rows: [\n",
        "data/2009-10/budget.yaml:14:7: not valid YAML: expected the node content, but found",
    ),
    "duplicate-key": (
        BUDGET,
        "period: 2009/10\n",
        "period: 2009/10\nperiod: 2010/11\n",
        "data/2009-10/budget.yaml:5:1: the key 'period' is given twice in the same mapping; "
        "keep one and remove or rename the other",
    ),
    "unknown-field": (
        BUDGET,
        'section: "3.5"\n',
        'section: "3.5"\nsauce: report-2010\n',
        "data/2009-10/budget.yaml:7:1: sauce: is not a field this file can have; "
        "check its spelling against the schema",
    ),
    "wrong-type": (
        BUDGET,
        "title: Actual expenditure",
        "title: [Actual, expenditure]",
        "data/2009-10/budget.yaml:9:12: tables.expenditure.title: must be text, got a list",
    ),
    "money-typo": (
        BUDGET,
        "actual: 81751\n",
        "actual: 81,75l\n",
        "data/2009-10/budget.yaml:16:17: tables.expenditure.rows[0].actual: must be a whole "
        "number of pounds, without £ or commas, got '81,75l'",
    ),
    "negative-count": (
        INDICATORS,
        "{key: item, label: Item, unit: text}",
        "{key: item, label: Item, unit: text}",
        None,
    ),
    "percentage-over-100": (
        INDICATORS,
        "thurrock: 73.5",
        "thurrock: 173.5",
        "data/2009-10/indicators.yaml:14:88: tables.latest.rows[0].thurrock: must be a "
        "percentage from 0 to 100, got 173.5",
    ),
    "missing-source-key": (
        BUDGET,
        "source: report-2010",
        "source: report-2011",
        "data/2009-10/budget.yaml:5:9: source: cites 'report-2011', which is not a key in "
        "data/references.bib; did you mean 'report-2010'?",
    ),
    "unknown-unit": (
        BUDGET,
        "unit: money}",
        "unit: pounds}",
        "data/2009-10/budget.yaml:12:56: tables.expenditure.columns[1].unit: must be one of "
        "'count', 'percent', 'money', 'rate', 'text' or 'date', got 'pounds'",
    ),
    "missing-required-field": (
        BUDGET,
        "title: Budget 2009/10\n",
        "",
        "data/2009-10/budget.yaml:1:1: title: is required but missing",
    ),
    "unknown-address-in-page": (
        "docs/index.md",
        "budget.expenditure/employees/actual",
        "budget.expenditure/staff/actual",
        "docs/index.md:3:17: fig 'budget.expenditure/staff/actual': table "
        "'budget.expenditure' has no row 'staff'; choose one of: employees, scr, total",
    ),
}
# A negative count needs a count column: add one to the indicators file.
CASES["negative-count"] = (
    INDICATORS,
    "      - {key: england, label: England, unit: percent}\n",
    "      - {key: england, label: England, unit: percent}\n"
    "      - {key: cases, label: Cases, unit: count}\n",
    None,
)


def _apply(project: Project, name: str) -> str:
    relpath, old, new, expected = CASES[name]
    project.edit(relpath, old, new)
    if name == "negative-count":
        project.edit(INDICATORS, "thurrock: 73.5,", "thurrock: 73.5, cases: -3,")
        expected = (
            "data/2009-10/indicators.yaml:15:101: tables.latest.rows[0].cases: must be "
            "a whole number of at least 0, got -3"
        )
    assert expected is not None
    return expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_names_file_and_line(project: Project, name: str) -> None:
    expected = _apply(project, name)
    result = project.cli("check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert expected in result.stdout, result.stdout


@pytest.mark.parametrize("name", sorted(CASES))
def test_build_fails_with_file_and_line(project: Project, name: str) -> None:
    expected = _apply(project, name)
    result = project.sphinx_build()
    output = project.relative(result.stdout + result.stderr)
    assert result.returncode != 0
    assert "Traceback" not in output
    location, _, message = expected.partition(": ")
    file, line, _column = location.split(":")
    # Sphinx gives a page's line; a data file's problem keeps its column too.
    where = location if file.startswith("data/") else f"{file}:{line}"
    assert f"{where}: WARNING: {message.split(' got ')[0]}" in output, output


def test_all_problems_are_reported_in_one_run(project: Project) -> None:
    project.edit(BUDGET, "actual: 81751\n", "actual: -1\n")
    project.edit(BUDGET, "actual: 13377}", "actual: 13377.5}")
    project.edit(INDICATORS, "thurrock: 73.5", "thurrock: 101")
    result = project.cli_subprocess("check")
    lines = [line for line in result.stdout.splitlines() if line.startswith("data/")]
    assert [line.split(": ")[0] for line in lines] == [
        "data/2009-10/budget.yaml:16:17",
        "data/2009-10/budget.yaml:17:56",
        "data/2009-10/indicators.yaml:14:88",
    ]
    assert "3 problems found" in result.stderr


def test_clean_project_passes(project: Project) -> None:
    result = project.cli_subprocess("check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("All 2 data files are valid (7 figures)")
    build = project.sphinx_build_subprocess()
    assert build.returncode == 0, build.stderr
