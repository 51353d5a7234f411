"""Check the permissions of the CI workflows.

Run as ``python -m lscb_kb.checks.workflows .github/workflows`` (in ``nox -s lint``).

A pull request runs the workflows with the changes it proposes, so whatever a pull-request job
can do, anyone who opens a pull request can do. Each workflow file must therefore:

* say what its jobs may do, with ``permissions:`` at the top (else GitHub's default applies,
  which may allow writing to the repository);
* not be triggered by ``pull_request_target``, which runs with the repository's secrets and a
  token that can write, for code from a fork: it is refused outright;
* give a job that runs for ``pull_request`` no ``write`` permission and no secret
  (``${{ secrets.* }}``, ``secrets: inherit``);
* limit every job that can write (``pages: write``, ``contents: write``, ``id-token: write``,
  any ``write``) with an ``if:`` to a push to ``refs/heads/main``, such as
  ``if: github.event_name == 'push' && github.ref == 'refs/heads/main'``.

Each problem is printed as ``file:line: message``; the exit status is 1 if there is any.
``nox -s lint`` runs it after zizmor.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.problems import LscbError, PathPart, display_path
from ..core.yamlload import Located, parse_yaml

_SECRET = re.compile(r"\$\{\{[^}]*\bsecrets\b")
_PUSH = "github.event_name=='push'"
_MAIN = "github.ref=='refs/heads/main'"
LIMIT_EXAMPLE = "if: github.event_name == 'push' && github.ref == 'refs/heads/main'"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem with a workflow, at its line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def triggers(on: Any) -> set[str]:
    """The events that start a workflow, from its ``on:`` in any of its three forms."""
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(event) for event in on}
    if isinstance(on, dict):
        return {str(event) for event in on}
    return set()


def writes(permissions: Any) -> list[str]:
    """The scopes that *permissions* lets write (``write-all`` is every scope)."""
    if isinstance(permissions, str):
        return ["all"] if permissions.strip() == "write-all" else []
    if isinstance(permissions, dict):
        return [str(scope) for scope, level in permissions.items() if level == "write"]
    return []


def limited_to_main_push(condition: Any) -> bool:
    """Whether a job's ``if:`` lets it run only for a push to ``refs/heads/main``.

    The condition must require both ``github.event_name == 'push'`` and
    ``github.ref == 'refs/heads/main'``, joined by ``&&`` (any ``||`` or ``!`` could let the
    job run otherwise, so it does not count).
    """
    if not isinstance(condition, str):
        return False
    text = condition.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    text = re.sub(r"\s+", "", text).replace('"', "'")
    if "||" in text or "!" in text:
        return False
    parts = {_comparison(part.strip("()")) for part in text.split("&&")}
    return _PUSH in parts and _MAIN in parts


def _comparison(part: str) -> str:
    """A comparison with the context on the left: ``'push'==github.event_name`` turned round."""
    left, equals, right = part.partition("==")
    if equals and left.startswith("'") and not right.startswith("'"):
        return f"{right}=={left}"
    return part


def _secrets(value: Any, path: tuple[PathPart, ...]) -> Iterator[tuple[PathPart, ...]]:
    """The path of every value under *value* that reads a secret."""
    if isinstance(value, str):
        if _SECRET.search(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "secrets":
                yield (*path, key)
                continue
            yield from _secrets(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _secrets(item, (*path, index))


def check_workflow(located: Located) -> list[Finding]:
    """Every problem with the permissions of one workflow."""
    shown = located.file
    doc = located.value
    found: list[Finding] = []

    def add(path: tuple[PathPart, ...], message: str) -> None:
        found.append(Finding(shown, located.key_position(path)[0], message))

    if not isinstance(doc, dict):
        return [Finding(shown, 1, "is not a workflow: it must be a mapping with 'on:' and 'jobs:'")]
    events = triggers(doc.get("on"))
    if "pull_request_target" in events:
        path: tuple[PathPart, ...] = ("on",)
        if isinstance(doc.get("on"), dict):
            path = ("on", "pull_request_target")
        add(
            path,
            "'pull_request_target' runs code from a pull request with the repository's secrets "
            "and a token that can write; it is not allowed: use 'pull_request'",
        )
    if "permissions" not in doc:
        add(
            (),
            "the workflow has no 'permissions:' at the top; add one that allows only reading, "
            "such as 'permissions: {contents: read}', and give a job more only where it needs it",
        )
    top = doc.get("permissions")
    on_pull_requests = "pull_request" in events or "pull_request_target" in events
    if on_pull_requests:
        for key in ("env", "defaults"):
            for where in _secrets(doc.get(key), (key,)):
                add(
                    where,
                    f"a secret in the workflow's '{key}' reaches every job, including those "
                    "run for pull requests; move it into the job that needs it, limited to "
                    "pushes to main",
                )
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict):
        add(("jobs",), "the workflow has no 'jobs:' mapping")
        return sorted(found)
    for name, job in jobs.items():
        if not isinstance(job, dict):
            continue
        base: tuple[PathPart, ...] = ("jobs", name)
        has_own = "permissions" in job
        scopes = writes(job["permissions"] if has_own else top)
        where = (*base, "permissions") if has_own else ("permissions",)
        limited = limited_to_main_push(job.get("if"))
        if scopes and not limited:
            inherited = "" if has_own else " (from the workflow's 'permissions:')"
            add(
                where if has_own else base,
                f"job '{name}' can write ({', '.join(scopes)}){inherited} but may run for "
                f"other events than a push to main; limit it to those with {LIMIT_EXAMPLE}",
            )
        if on_pull_requests and not limited:
            for secret in _secrets(job, base):
                add(
                    secret,
                    f"job '{name}' runs for pull requests and reads a secret, which a pull "
                    "request could then read; move the step into a job that runs only for "
                    f"pushes to main ({LIMIT_EXAMPLE})",
                )
    return sorted(found)


def workflow_files(paths: Sequence[Path]) -> list[Path]:
    """The workflow files named, or found in the folders named."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml")))
        else:
            files.append(path)
    return files


def check_paths(paths: Sequence[Path]) -> list[Finding]:
    """Every problem in the workflows at *paths* (files, or folders of them)."""
    findings: list[Finding] = []
    for path in workflow_files(paths):
        shown = display_path(path)
        try:
            located = parse_yaml(path.read_text(encoding="utf-8"), shown)
        except (OSError, UnicodeDecodeError) as err:
            findings.append(Finding(shown, 1, f"can not be read: {err}"))
            continue
        except LscbError as err:
            findings.extend(Finding(p.file, p.line, p.message) for p in err.problems)
            continue
        findings.extend(check_workflow(located))
    return sorted(findings)


def main(argv: Sequence[str] | None = None) -> int:
    """Check the workflows named on the command line (default ``.github/workflows``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    paths = [Path(arg) for arg in args] or [Path(".github") / "workflows"]
    missing = [path for path in paths if not path.exists()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder")
        return 1
    findings = check_paths(paths)
    for finding in findings:
        print(finding)
    count = len(workflow_files(paths))
    if findings:
        print(
            f"{len(findings)} problem{'s' if len(findings) != 1 else ''} in the permissions of "
            f"{count} workflow{'s' if count != 1 else ''}.",
            file=sys.stderr,
        )
        return 1
    print(f"The permissions of {count} workflow{'s' if count != 1 else ''} are as they must be.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
