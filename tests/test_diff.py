"""``lscb-kb diff``: what a change to the knowledge base changes on the site, figure by figure.

Each test makes a git repository of the shipped ``conf/``, ``data/`` and ``docs/``, commits,
changes something and asks the command what changes. What it must list is worked out here from
the project's own catalogue, published view and downloads, before and after the change.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from lscb_kb.core import Catalogue
from lscb_kb.published.export import all_files
from lscb_kb.published.view import published_view

from .conftest import REPO, lscb_kb_here

BUDGET = "data/2009-10/budget.yaml"
SUPPLIES = "2009-10:budget.expenditure/supplies-and-services/actual"
EXPENDITURE_TOTAL = "2009-10:budget.expenditure/total/actual"
ARROW = "→"


@dataclass
class Repo:
    """A git repository holding a copy of the shipped knowledge base."""

    root: Path

    def git(self, *args: str) -> str:
        result = subprocess.run(
            ["git", "-C", str(self.root), *args], capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", message)
        return self.git("rev-parse", "HEAD")

    def edit(self, relpath: str, pattern: str, new: str) -> int:
        """Replace the one match of *pattern*; the line it is on."""
        path = self.root / relpath
        text = path.read_text("utf-8")
        matches = list(re.finditer(pattern, text, flags=re.MULTILINE))
        assert len(matches) == 1, f"{pattern!r} matches {len(matches)} times in {relpath}"
        match = matches[0]
        path.write_text(text[: match.start()] + match.expand(new) + text[match.end() :], "utf-8")
        return text.count("\n", 0, match.start()) + 1

    def diff(self, *args: str) -> subprocess.CompletedProcess[str]:
        return lscb_kb_here(["diff", *args], self.root)

    def changes(self, *args: str) -> list[dict[str, object]]:
        result = self.diff(*args, "--format", "json")
        assert result.returncode == 0, result.stdout + result.stderr
        items = json.loads(result.stdout)
        assert isinstance(items, list)
        return items

    def catalogue(self) -> Catalogue:
        catalogue = Catalogue.load(self.root)
        assert catalogue.problems == []
        return catalogue


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    root = tmp_path / "kb"
    for folder in ("conf", "data", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    for name, value in {
        "GIT_AUTHOR_NAME": "Business manager",
        "GIT_AUTHOR_EMAIL": "manager@example.org",
        "GIT_COMMITTER_NAME": "Business manager",
        "GIT_COMMITTER_EMAIL": "manager@example.org",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),  # none of this machine's settings
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    made = Repo(root)
    made.git("init", "-q", "-b", "main")
    made.commit("The shipped knowledge base")
    return made


@pytest.fixture(scope="module")
def shipped() -> tuple[dict[str, str], dict[str, str]]:
    """The shipped knowledge base's published figures and downloads, as every repo starts."""
    catalogue = Catalogue.load(REPO)
    assert catalogue.problems == []
    return _published(catalogue), _downloads(catalogue)


def _published(catalogue: Catalogue) -> dict[str, str]:
    view = published_view(catalogue)
    return {ref.address: view.figure(ref).text for ref in catalogue.figures()}


def _downloads(catalogue: Catalogue) -> dict[str, str]:
    return dict(all_files(catalogue))


def _worked_out_from(catalogue: Catalogue, address: str) -> set[str]:
    """The figures a formula works out from *address*."""
    return {
        figure
        for figure, terms in catalogue.formulas.items()
        if address in {ref.address for _sign, ref in terms}
    }


def _changed_downloads(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


@pytest.mark.parametrize(
    ("address", "pattern", "new"),
    [
        (SUPPLIES, r"(item: Supplies and services, actual: )9169\b", r"\g<1>9196"),
        (EXPENDITURE_TOTAL, r"(item: Total actual expenditure, actual: )104297\b", r"\g<1>104324"),
    ],
    ids=["supplies-and-services", "total-expenditure"],
)
def test_a_changed_figure_is_listed_with_what_is_worked_out_from_it(
    repo: Repo, shipped: tuple[dict[str, str], dict[str, str]], address: str, pattern: str, new: str
) -> None:
    old_text, old_downloads = shipped
    base = repo.git("rev-parse", "HEAD")
    line = repo.edit(BUDGET, pattern, new)
    after = repo.catalogue()
    new_text = _published(after)
    expected = {address} | _worked_out_from(after, address)
    assert old_text[address] != new_text[address]
    refs = {ref.address: ref for ref in after.figures()}

    # JSON, comparing with the files as they are now
    items = repo.changes(base)
    figures = {item["address"]: item for item in items if item["kind"] == "figure"}
    assert set(figures) == expected
    for figure, item in figures.items():
        ref = refs[figure]
        assert item["change"] == "changed"
        assert (item["old"], item["new"]) == (old_text[figure], new_text[figure])
        assert (item["file"], item["line"]) == (ref.file, ref.line)
        assert item["worked_out"] is (figure in after.formulas)
    assert figures[address]["line"] == line
    assert figures[address]["label"].endswith(", 2009/10")
    assert {item["kind"] for item in items} == {"figure", "download"}
    listed = {item["key"] for item in items if item["kind"] == "download"}
    assert listed == _changed_downloads(old_downloads, _downloads(after))

    # Text, comparing two commits: one line a change, file:line: label: old → new
    head = repo.commit("Correct the figure")
    text = repo.diff(base, head)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    if address == SUPPLIES:  # as a reviewer would say it
        assert lines[0] == f"{BUDGET}:{line}: Supplies and services, 2009/10: £9,169 {ARROW} £9,196"
        # and as CONTRIBUTING.md shows it
        guide = (REPO / "CONTRIBUTING.md").read_text("utf-8")
        section = guide.split("## Review what a pull request changes", 1)[1].split("\n## ")[0]
        shown = [example for example in section.splitlines() if example.startswith("data/")]
        assert shown
        assert set(shown) <= set(lines)
    for figure, item in figures.items():
        worked = " (worked out)" if item["worked_out"] else ""
        expected_line = (
            f"{BUDGET if figure == address else refs[figure].file}:{refs[figure].line}: "
            f"{item['label']}{worked}: {old_text[figure]} {ARROW} {new_text[figure]}"
        )
        assert expected_line in lines
    assert len(lines) == len(items)
    assert f"{len(figures)} figure" in text.stderr

    # Markdown: a table row for each figure
    markdown = repo.diff(base, "--format", "markdown")
    assert markdown.returncode == 0
    assert markdown.stdout.startswith("## ")
    rows = [row for row in markdown.stdout.splitlines() if row.startswith("| ")]
    for figure, item in figures.items():
        cells = next(
            [cell.strip() for cell in row.strip("|").split(" | ")]
            for row in rows
            if f"`{figure}`" in row
        )
        assert cells[1:4] == [
            old_text[figure],
            new_text[figure],
            f"`{item['file']}:{item['line']}`",
        ]
        assert cells[0].endswith(" (worked out)") is bool(item["worked_out"])


def test_a_renamed_row_and_a_record_that_names_a_changed_figure(repo: Repo) -> None:
    """A label that changes is listed; a finding whose text changes only because a figure it
    names changes is not (the figure is listed itself)."""
    base = repo.git("rev-parse", "HEAD")
    line = repo.edit(BUDGET, r"(item: )Supplies and services(, actual)", r"\1Supplies & services\2")
    figures = "data/2009-10/periodic-figures.yaml"
    repo.edit(figures, r"(pf-notifications:\n    value: )(\d+)$", r"\g<1>1\2")
    items = repo.changes(base)
    renamed = [item for item in items if item["change"] == "renamed"]
    assert [(i["address"], i["line"], i["old"], i["new"]) for i in renamed] == [
        (SUPPLIES, line, "Supplies and services, 2009/10", "Supplies & services, 2009/10")
    ]
    changed = {item["address"] for item in items if item["kind"] == "figure"} - {SUPPLIES}
    assert changed == {"2009-10:periodic-figures/pf-notifications"}
    assert [item for item in items if item["kind"] == "record"] == []
    downloads = {item["key"] for item in items if item["kind"] == "download"}
    assert "_downloads/data/2009-10/periodic-reports.csv" in downloads  # its finding names it


def test_records_and_pages_that_change(repo: Repo) -> None:
    base = repo.git("rev-parse", "HEAD")
    register = "data/2009-10/periodic-reports.yaml"
    status_line = repo.edit(register, r"(id: PR-0910-01\n.*\n    status: )in-progress", r"\1done")
    status_line += 2
    action_line = repo.edit(
        register,
        r"An ambitious awareness campaign is planned again in 2010/11\.",
        "The campaign will run again in 2010/11 | <b>with schools</b>.",
    )
    page_line = repo.edit(
        "docs/governance/budget.md", r"^# The board's budget, 2009/10$", "# The budget, 2009/10"
    )
    (repo.root / "docs" / "glossary.md").unlink()
    repo.root.joinpath("docs", "governance", "young-carers.md").write_text(
        "---\ntopics: [young-carers]\n---\n\n# Young carers: update\n\nText.\n", "utf-8"
    )
    items = repo.changes(base)

    records = [item for item in items if item["kind"] == "record"]
    key = "2009-10:periodic-reports/PR-0910-01"
    assert [(i["key"], i["field"], i["line"]) for i in records] == [
        (key, "status", status_line),
        (key, "action", action_line),
    ]
    assert (records[0]["old"], records[0]["new"]) == ("In progress", "Done")
    # only the paragraph of the action that changes
    assert records[1]["old"] == (
        "Report accepted by the Board. An ambitious awareness campaign is planned again in 2010/11."
    )
    assert records[1]["new"].endswith("2010/11 | <b>with schools</b>.")

    pages = [item for item in items if item["kind"] == "page"]
    assert [(i["key"], i["change"], i["line"], i["old"], i["new"]) for i in pages] == [
        ("docs/glossary.md", "removed", 1, "Glossary", None),
        (
            "docs/governance/budget.md",
            "changed",
            page_line,
            "The board's budget, 2009/10",
            "The budget, 2009/10",
        ),
        ("docs/governance/young-carers.md", "added", 1, None, "Young carers: update"),
    ]
    assert pages[1]["note"] == "1 line added, 1 line removed"

    text = repo.diff(base).stdout.splitlines()
    assert (
        f"{register}:{status_line}: PR-0910-01 Private fostering: status: In progress {ARROW} Done"
        in text
    )
    assert "docs/governance/young-carers.md:1: page “Young carers: update”: new page" in text
    markdown = repo.diff(base, "--format", "markdown").stdout.splitlines()
    row = next(r for r in markdown if "| action |" in r)
    assert row.count(" | ") == 4  # the | typed in the action does not end its cell
    assert "<b>" not in row
    assert r"\<b\>with schools\</b\>" in row
    assert "### Pages" in markdown
    assert any(r.startswith("| Young carers: update | new page |") for r in markdown)


def test_nothing_changes(repo: Repo) -> None:
    result = repo.diff("main")
    assert result.returncode == 0
    assert result.stdout.startswith("Nothing changes between main (")
    assert "the files as they are now" in result.stdout
    assert repo.changes("main", "HEAD") == []
    markdown = repo.diff("main", "--format", "markdown")
    assert markdown.returncode == 0
    assert markdown.stdout.splitlines()[2].startswith("Nothing changes between main")


def test_a_bad_revision_is_named_in_one_line(repo: Repo) -> None:
    for args, revision in [
        (["no-such-branch"], "no-such-branch"),
        (["HEAD", "no-such-head"], "no-such-head"),
        (["HEAD~5"], "HEAD~5"),
        (["--", "--output=escaped.tar"], "--output=escaped.tar"),
    ]:
        result = repo.diff(*args)
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert f"'{revision}' is not a revision" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (repo.root / "escaped.tar").exists()
    shutil.rmtree(repo.root / ".git")
    result = repo.diff("main")
    assert result.returncode == 2
    assert result.stderr == (
        f"lscb-kb diff: {repo.root} is not in a git repository, so there is no revision 'main' "
        "to compare with\n"
    )


def test_a_side_with_invalid_data_reports_its_problems(repo: Repo) -> None:
    line = repo.edit(BUDGET, r"(item: Employees, actual: )81751\b", r"\g<1>81751.50")
    result = repo.diff("HEAD")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "The figures can not be compared: 1 problem in the files as they are now:",
        f"{BUDGET}:{line}:51: tables.expenditure.rows[0].actual: must be a whole number of "
        "pounds, got 81751.50; set 'pence: true' on the column if pence are meant",
    ]
    problems = json.loads(repo.diff("HEAD", "--format", "json").stdout)
    assert [(p["kind"], p["file"], p["line"]) for p in problems] == [("problem", BUDGET, line)]


def test_a_hidden_count_stays_hidden(repo: Repo) -> None:
    """A file about individual children, not published in full: its small counts are hidden."""
    scr = "data/2009-10/scr-activity.yaml"
    repo.edit(scr, r"^published_in_full:\n(?:  .*\n)+", "")
    exceptions = repo.root / "conf" / "disclosure-exceptions.toml"
    entries = exceptions.read_text("utf-8").split("[[exception]]")
    kept = [entry for entry in entries if "scr-activity" not in entry]
    assert len(kept) == len(entries) - 1
    exceptions.write_text("[[exception]]".join(kept).rstrip() + "\n", "utf-8")
    base = repo.commit("Hide the small counts of the serious case review figures")
    before = repo.catalogue()
    areas = "2009-10:scr-activity/areas-needing-scrutiny"
    years = "2009-10:scr-activity/years-scrutinised"
    view = published_view(before)
    assert view.is_hidden(areas)
    assert not view.is_hidden(years)
    repo.edit(scr, r"(areas-needing-scrutiny:\n    value: )3$", r"\g<1>2")  # hidden, still
    repo.edit(scr, r"(years-scrutinised:\n    value: )5$", r"\g<1>4")  # becomes hidden
    after = repo.catalogue()
    symbol = after.settings.disclosure_symbol
    items = repo.changes(base)
    figures = {item["address"]: item for item in items if item["kind"] == "figure"}
    assert set(figures) == {areas, years}
    assert (figures[areas]["old"], figures[areas]["new"]) == (symbol, symbol)
    assert "hidden on both sides" in figures[areas]["note"]
    assert figures[years]["change"] == "hidden"
    assert (figures[years]["old"], figures[years]["new"]) == ("5", symbol)
    hidden = published_view(after).hidden_addresses()
    for item in items:  # no figure hidden on a side shows anything but the symbol there
        if item["kind"] == "figure" and item["address"] in hidden:
            assert item["new"] == symbol
    listed = {item["key"] for item in items if item["kind"] == "download"}
    assert listed == _changed_downloads(_downloads(before), _downloads(after))
    for line in repo.diff(base).stdout.splitlines():
        if "Areas needing further scrutiny" in line:
            assert line.endswith(
                f": {symbol} {ARROW} {symbol} (hidden on both sides: the "
                "figure changes, but what it is is not shown)"
            )
            assert not re.search(r"\b[23]\b", line.split(": ", 1)[1].replace("2009/10", ""))


def test_the_command_exits_2_for_a_bad_revision_as_a_program(repo: Repo) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lscb_kb.cli", "diff", "not-a-branch"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("lscb-kb diff: 'not-a-branch' is not a revision")
    assert "Traceback" not in result.stderr


def test_pull_requests_put_the_diff_in_the_job_summary() -> None:
    """The step passes the base branch through env:, never into the script itself."""
    from ruamel.yaml import YAML  # noqa: PLC0415

    workflow = YAML(typ="safe").load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    step = next(s for s in steps if "nox -s diff" in s.get("run", ""))
    assert "${{" not in step["run"]
    assert step["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert '"origin/$BASE_REF"' in step["run"]
    assert "--format markdown" in step["run"]
    assert step["run"].endswith('>> "$GITHUB_STEP_SUMMARY"')
    assert "github.event_name == 'pull_request'" in step["if"]
    noxfile = (REPO / "noxfile.py").read_text("utf-8")
    assert '"lscb-kb", "diff", *session.posargs' in noxfile
