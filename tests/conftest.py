"""Shared fixtures: small test projects under tests/roots/, built with Sphinx in-process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.testing.util import _clean_up_global_state
from sphinx.util.console import strip_escape_sequences

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).resolve().parent.parent


@dataclass
class BuildResult:
    """What one build printed and which pages it read."""

    status: str
    warnings: str
    read: list[str] = field(default_factory=list)


@dataclass
class Project:
    """A copy of a test root in a temporary folder."""

    root: Path

    @property
    def out(self) -> Path:
        return self.root / "build" / "html"

    def build(
        self, *, fresh: bool = False, parallel: int = 1, out: Path | None = None
    ) -> BuildResult:
        """Build HTML in-process, recording the pages Sphinx re-read."""
        status, warning = StringIO(), StringIO()
        outdir = out or self.out
        _clean_up_global_state()
        app = Sphinx(
            srcdir=self.root / "docs",
            confdir=self.root / "conf",
            outdir=outdir,
            doctreedir=outdir.parent / f"{outdir.name}.doctrees",
            buildername="html",
            status=status,
            warning=warning,
            freshenv=fresh,
            parallel=parallel,
        )
        read: list[str] = []
        app.connect("env-before-read-docs", lambda _a, _e, docnames: read.extend(docnames))
        try:
            app.build()
        finally:
            _clean_up_global_state()  # as sphinx.testing does between apps in one process
        warnings = strip_escape_sequences(warning.getvalue())
        return BuildResult(status.getvalue(), self.relative(warnings), sorted(read))

    def sphinx_build(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``sphinx-build`` as the nox session does, in a subprocess."""
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-b",
                "html",
                "-c",
                "conf",
                "-E",
                "-n",
                "-W",
                "--keep-going",
                "--no-color",
                *args,
                "docs",
                str(self.out),
            ],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the ``lscb-kb`` command line in this project."""
        return subprocess.run(
            [sys.executable, "-m", "lscb_kb.cli", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )

    def relative(self, text: str) -> str:
        """Warnings with this project's folder taken off the paths, as an editor reads them."""
        return text.replace(f"{self.root}/", "")

    def html(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / f"{page}.html").read_text("utf-8"), "html.parser")

    def edit(self, relpath: str, old: str, new: str) -> None:
        path = self.root / relpath
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {relpath}"
        path.write_text(text.replace(old, new, 1), "utf-8")

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        return path


@pytest.fixture
def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Project]:
    """Copy ``tests/roots/<name>`` to a temporary folder and work from there."""

    def make(name: str) -> Project:
        root = tmp_path / name
        shutil.copytree(ROOTS / name, root)
        allowlist = root / "conf" / "safety.toml"
        if not allowlist.exists():  # every test root is held to the shipped allowlist
            shutil.copy(REPO / "conf" / "safety.toml", allowlist)
        monkeypatch.chdir(root)
        return Project(root)

    return make


@pytest.fixture
def project(make_project: Callable[[str], Project]) -> Iterator[Project]:
    yield make_project("basic")
