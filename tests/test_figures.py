"""The consistency checks of ``lscb-kb check`` (``nox -s figures``), rule by rule.

Each case changes one figure in a copy of tests/roots/figures: the check must fail and name the
file and line of every figure the rule involves; restoring the figure must pass again.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from .conftest import REPO, Project, lscb_kb_here

DEATHS = "data/2009-10/deaths.yaml"
FACTS = "data/2009-10/facts.yaml"
REGISTER = "data/2009-10/discrepancies.yaml"

# rule kind: (file, old text, new text, rule id printed, lines of every figure involved)
CASES = {
    "total-row": (
        DEATHS,
        "young: 2, old: 1, total: 3",
        "young: 3, old: 1, total: 4",
        "total-row:deaths.by-age/young",
        [f"{DEATHS}:17:", f"{DEATHS}:18:", f"{DEATHS}:19:"],
    ),
    "total-column": (
        DEATHS,
        "young: 4, old: 3, total: 7",
        "young: 4, old: 3, total: 8",
        "total-column:deaths.by-age/north",
        [f"{DEATHS}:17:"],
    ),
    "total-row-percent": (
        DEATHS,
        "share: 38.6",
        "share: 38.4",
        "total-row:deaths.shares/share",
        [f"{DEATHS}:26:", f"{DEATHS}:27:", f"{DEATHS}:28:"],
    ),
    "sum": (
        FACTS,
        "value: 10, unit: count, label: Signed off",
        "value: 11, unit: count, label: Signed off",
        "facts/notifications",
        [f"{FACTS}:15:", f"{FACTS}:16:", f"{FACTS}:17:"],
    ),
    "shares": (
        FACTS,
        "value: 38.9",
        "value: 39.9",
        "facts/boys-girls",
        [f"{FACTS}:10:", f"{FACTS}:11:"],
    ),
    "share": (
        FACTS,
        "value: 4, unit: count",
        "value: 5, unit: count",
        "facts/homophobic-share",
        [f"{FACTS}:7:", f"{FACTS}:8:", f"{FACTS}:9:"],
    ),
    "change": (
        FACTS,
        "value: 86",
        "value: 73",
        "facts/reduction",
        [f"{FACTS}:12:", f"{FACTS}:13:", f"{FACTS}:14:"],
    ),
    "equal-across-files": (
        FACTS,
        "value: 7, unit: count, label: Deaths in the north",
        "value: 8, unit: count, label: Deaths in the north",
        "rules/north-agrees",
        [f"{FACTS}:18:", f"{DEATHS}:17:"],
    ),
}


@pytest.fixture
def figures(make_project: Callable[[str], Project]) -> Project:
    return make_project("figures")


def test_shipped_rules_hold_or_are_recorded(figures: Project) -> None:
    result = figures.cli("check")
    assert result.returncode == 0, result.stdout
    assert "1 contradiction in the report recorded" in result.stdout


@pytest.mark.parametrize("name", sorted(CASES))
def test_changed_figure_fails_naming_every_figure(figures: Project, name: str) -> None:
    relpath, old, new, rule, locations = CASES[name]
    figures.edit(relpath, old, new)
    result = figures.cli("check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"rule {rule}: " in result.stdout, result.stdout
    lines = result.stdout.splitlines()
    for location in locations:
        assert any(line.startswith(location) for line in lines), (location, result.stdout)
    figures.edit(relpath, new, old)
    assert figures.cli("check").returncode == 0


def test_unrecorded_contradiction_says_how_to_record_it(figures: Project) -> None:
    figures.edit(REGISTER, "rule: facts/income-agrees", "rule: facts/income-agrees-typo")
    result = figures.cli("check")
    assert result.returncode == 1
    assert (
        f"{FACTS}:19:" in result.stdout
        and "record it in the discrepancy register with 'rule: facts/income-agrees'"
        in result.stdout
    )
    assert (
        f"{REGISTER}:8:11: discrepancies[0].rule: names rule 'facts/income-agrees-typo', "
        "which no rule has"
    ) in result.stdout


def test_stale_register_entry_fails(figures: Project) -> None:
    figures.edit(FACTS, "value: 600, unit: money", "value: 500, unit: money")
    result = figures.cli("check")
    assert result.returncode == 1
    assert (
        f"{REGISTER}:8:11: discrepancies[0].rule: is stale: rule 'facts/income-agrees' now "
        "holds, so the data no longer contradicts itself here; remove this entry"
    ) in result.stdout


def test_rule_naming_unknown_figure_is_located(figures: Project) -> None:
    figures.edit(FACTS, "total: facts/notified}", "total: facts/notifed}")
    result = figures.cli("check")
    assert result.returncode == 1
    assert (
        f"{FACTS}:22:87: rules[0].total: 'facts/notifed': 'facts' has no figure 'notifed'; "
        "did you mean 'notified'?"
    ) in result.stdout


def test_json_and_github_formats(figures: Project) -> None:
    figures.edit(FACTS, "value: 38.9", "value: 39.9")
    data = json.loads(figures.cli("check", "--format", "json").stdout)
    assert {(p["file"], p["line"]) for p in data} == {(FACTS, 10), (FACTS, 11)}
    assert all(p["check"] == "figures" for p in data)
    github = figures.cli("check", "--format", "github").stdout.splitlines()
    assert github[0].startswith(f"::error file={FACTS},line=10,col=")
    assert "title=lscb figures::" in github[0]
    assert "100.0%" not in github[0] and "%25" in github[0]


def test_notes_page_lists_recorded_contradictions(figures: Project) -> None:
    result = figures.build(fresh=True)
    assert result.warnings == ""
    entry = figures.html("index").select_one("div.lscb-discrepancies div.lscb-record")
    assert entry is not None
    assert entry["id"] == "dis-0910-01"
    text = entry.get_text(" ", strip=True)
    assert "Income is given twice, differently" in text
    assert "Income stated in the text: £500" in text
    assert "Income in the table: £600" in text
    assert "The same figure is stated differently: £500 and £600." in text


def test_notes_page_is_read_again_only_when_a_figure_it_shows_changes(
    figures: Project,
) -> None:
    figures.build(fresh=True)
    # Shares that no recorded contradiction compares: the notes page stays as it was.
    figures.edit(DEATHS, "share: 61.4", "share: 60.4")
    figures.edit(DEATHS, "share: 38.6", "share: 39.6")
    result = figures.build()
    assert result.warnings == ""
    assert "index" not in result.read
    # A figure of the recorded contradiction: the page is read again and shows the new value.
    figures.edit(FACTS, "value: 600", "value: 700")
    result = figures.build()
    assert "index" in result.read
    assert "Income in the table: £700" in figures.html("index").get_text(" ", strip=True)


def test_shipped_report_passes_with_its_contradictions_recorded() -> None:
    result = lscb_kb_here(["check"], REPO)
    assert result.returncode == 0, result.stdout
    assert "contradictions in the report recorded in the discrepancy register" in result.stdout
