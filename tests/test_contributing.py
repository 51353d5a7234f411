"""The failure messages shown in README.md and CONTRIBUTING.md are what the tools really print."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import REPO, Project

EXAMPLES = {
    # what the editor types in place of the figure: the document that shows the message
    "81751.50": ["README.md", "CONTRIBUTING.md"],
    "81,751": ["CONTRIBUTING.md"],
}


def _documented(doc: str, typed: str) -> list[str]:
    text = (REPO / doc).read_text("utf-8")
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip().startswith("data/2009-10/budget.yaml:")
    ]
    return [line for line in lines if typed in line or (typed == "81,751" and ".751:" in line)]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "kb"
    for folder in ("conf", "data", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    monkeypatch.chdir(root)
    return Project(root)


@pytest.mark.parametrize("typed", sorted(EXAMPLES))
def test_documented_failure_is_the_real_message(site: Project, typed: str) -> None:
    budget = site.root / "data" / "2009-10" / "budget.yaml"
    text = budget.read_text("utf-8")
    changed, count = re.subn(
        r"(key: employees, item: Employees, actual: )81751\b", rf"\g<1>{typed}", text
    )
    assert count == 1
    budget.write_text(changed, "utf-8")
    result = site.cli("check")
    assert result.returncode == 1
    printed = result.stdout.splitlines()
    for doc in EXAMPLES[typed]:
        documented = _documented(doc, typed)
        assert documented, f"{doc} shows no example message for {typed!r}"
        for line in documented:
            assert line in printed, f"{doc} shows a message the check does not print:\n{line}"
