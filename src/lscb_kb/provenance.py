"""Where a built site came from: the commit and the date it was built, for the footer of every
page and for every download, so a figure taken away can be traced back to its source.

The commit comes from ``LSCB_COMMIT`` or ``GITHUB_SHA`` if set, else from git; the date from
``SOURCE_DATE_EPOCH`` if set (for reproducible builds), else today's date in UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .core.units import day_text


@dataclass(frozen=True)
class BuildInfo:
    """The commit and date of a build."""

    commit: str
    date: dt.date

    @property
    def short_commit(self) -> str:
        return self.commit[:12]

    @property
    def date_text(self) -> str:
        return day_text(self.date)


def _git_commit(root: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


@cache
def build_info(root: Path) -> BuildInfo:
    """The commit and date of the build of the project at *root* (computed once per process)."""
    commit = (
        os.environ.get("LSCB_COMMIT")
        or os.environ.get("GITHUB_SHA")
        or _git_commit(root)
        or "unknown"
    )
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        date = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    else:
        date = dt.datetime.now(tz=dt.UTC).date()
    return BuildInfo(commit=commit, date=date)


def stamp(name: str, text: str, info: BuildInfo) -> str:
    """Add the build's commit and date to a download: JSON gets a ``build`` object, CSV two
    columns on every row."""
    if name.endswith(".json"):
        data = json.loads(text)
        if isinstance(data, dict):
            data["build"] = {"commit": info.commit, "date": info.date.isoformat()}
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return text
    if name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            return text
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([*rows[0], "built from commit", "build date"])
        for row in rows[1:]:
            writer.writerow([*row, info.commit, info.date.isoformat()])
        return buffer.getvalue()
    return text
