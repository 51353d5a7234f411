"""The check of the CI workflows' permissions (``python -m lscb_kb.checks.workflows``, in lint)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lscb_kb.checks.workflows import check_paths, limited_to_main_push, main

from .conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"

GOOD = """\
name: CI
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-24.04
    steps:
      - run: echo checking
  publish:
    needs: check
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    runs-on: ubuntu-24.04
    permissions:
      pages: write
      id-token: write
    steps:
      - run: echo publishing with ${{ secrets.DEPLOY_TOKEN }}
"""


def _check(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "workflow.yml"
    path.write_text(text, "utf-8")
    return [f"{f.line}: {f.message}" for f in check_paths([path])]


def test_the_shipped_workflows_pass() -> None:
    assert sorted(p.name for p in WORKFLOWS.iterdir()) == ["ci.yml", "links.yml"]
    assert check_paths([WORKFLOWS]) == []
    result = subprocess.run(
        [sys.executable, "-m", "lscb_kb.checks.workflows", ".github/workflows"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The permissions of 2 workflows are as they must be." in result.stdout


def test_a_good_workflow_passes(tmp_path: Path) -> None:
    assert _check(tmp_path, GOOD) == []


def test_the_lint_session_runs_the_check() -> None:
    noxfile = (REPO / "noxfile.py").read_text("utf-8")
    lint = noxfile[noxfile.index("def lint(") :].split("\n@nox.session", 1)[0]
    assert lint.index('"zizmor"') < lint.index('"lscb_kb.checks.workflows", ".github/workflows"')


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "permissions:\n  contents: read\njobs:",
            "jobs:",
            "1: the workflow has no 'permissions:' at the top",
        ),
        (
            "  pull_request:\n",
            "  pull_request_target:\n",
            "3: 'pull_request_target' runs code from a pull request",
        ),
        (
            "permissions:\n  contents: read\n",
            "permissions:\n  contents: write\n",
            "9: job 'check' can write (contents) (from the workflow's 'permissions:') but may "
            "run for other events than a push to main",
        ),
        (
            "    steps:\n      - run: echo checking\n",
            "    permissions: {pull-requests: write}\n    steps:\n      - run: echo checking\n",
            "11: job 'check' can write (pull-requests) but may run for other events",
        ),
        (
            "      - run: echo checking\n",
            "      - run: echo checking ${{ secrets.API_KEY }}\n",
            "12: job 'check' runs for pull requests and reads a secret",
        ),
        (
            "      - run: echo checking\n",
            "      - run: echo checking\n        env: {TOKEN: '${{secrets.GITHUB_TOKEN}}'}\n",
            "13: job 'check' runs for pull requests and reads a secret",
        ),
        (
            "    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n",
            "",
            "16: job 'publish' can write (pages, id-token) but may run for other events",
        ),
        (
            "    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n",
            "    if: github.event_name == 'push' || github.ref == 'refs/heads/main'\n",
            "17: job 'publish' can write (pages, id-token) but may run for other events",
        ),
        (
            "    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n",
            "    if: github.event_name == 'push'\n",
            "17: job 'publish' can write (pages, id-token) but may run for other events",
        ),
        (
            "    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n",
            "    if: github.ref == 'refs/heads/main'\n",
            "21: job 'publish' runs for pull requests and reads a secret",
        ),
        (
            "permissions:\n  contents: read\n",
            "permissions: write-all\n",
            "8: job 'check' can write (all)",
        ),
    ],
    ids=[
        "no-permissions",
        "pull-request-target",
        "workflow-write-reaches-pr-job",
        "pr-job-writes",
        "pr-job-secret",
        "pr-job-secret-in-env",
        "write-job-without-if",
        "write-job-if-or",
        "write-job-if-push-only",
        "secret-job-if-main-only",
        "write-all",
    ],
)
def test_a_bad_workflow_fails_at_its_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in GOOD
    found = _check(tmp_path, GOOD.replace(old, new, 1))
    assert any(line.startswith(expected) for line in found), found


def test_secrets_in_the_workflow_env_reach_pull_request_jobs(tmp_path: Path) -> None:
    text = GOOD.replace("jobs:\n", "env:\n  TOKEN: ${{ secrets.TOKEN }}\njobs:\n", 1)
    assert _check(tmp_path, text) == [
        "9: a secret in the workflow's 'env' reaches every job, including those run for pull "
        "requests; move it into the job that needs it, limited to pushes to main"
    ]


def test_secrets_inherit_in_a_pull_request_job_fails(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    runs-on: ubuntu-24.04\n    steps:\n      - run: echo checking\n",
        "    uses: ./.github/workflows/other.yml\n    secrets: inherit\n",
        1,
    )
    assert any(
        "job 'check' runs for pull requests and reads a secret" in f for f in _check(tmp_path, text)
    )


def test_a_job_that_writes_on_a_schedule_must_be_limited_too(tmp_path: Path) -> None:
    text = (REPO / ".github" / "workflows" / "links.yml").read_text("utf-8")
    text = text.replace("    timeout-minutes: 20\n", "    permissions:\n      contents: write\n", 1)
    found = _check(tmp_path, text)
    assert any("job 'links' can write (contents)" in f for f in found), found


@pytest.mark.parametrize(
    ("condition", "limited"),
    [
        ("github.event_name == 'push' && github.ref == 'refs/heads/main'", True),
        ('${{ github.ref == "refs/heads/main" && github.event_name == "push" }}', True),
        ("'push' == github.event_name && github.ref == 'refs/heads/main' && success()", True),
        ("github.event_name == 'push'", False),
        ("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'", False),
        ("always() || github.event_name == 'push' && github.ref == 'refs/heads/main'", False),
        (None, False),
    ],
)
def test_what_limits_a_job_to_pushes_to_main(condition: str | None, limited: bool) -> None:
    assert limited_to_main_push(condition) is limited


def test_the_command_line_prints_file_and_line_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wf").mkdir()
    (tmp_path / "wf" / "bad.yml").write_text(
        GOOD.replace("  pull_request:\n", "  pull_request_target:\n"), "utf-8"
    )
    (tmp_path / "wf" / "broken.yml").write_text("on: [push\njobs: {}\n", "utf-8")
    assert main(["wf"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines()[0].startswith("wf/bad.yml:3: 'pull_request_target' runs code")
    assert "wf/broken.yml:2:" in out.out
    assert "Traceback" not in out.out + out.err
    assert main([str(tmp_path / "nowhere")]) == 1
