"""Sessions that build, check and test the knowledge base. Run ``nox -l`` to list them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["figures", "build", "tests"]

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
SPHINX = ["-c", "conf", "-n", "-W", "--keep-going"]

os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def _install(session: nox.Session, *extras: str) -> None:
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)


@nox.session
def build(session: nox.Session) -> None:
    """Build the HTML site afresh into build/html, replacing it only if the build passes."""
    _install(session)
    fresh = BUILD / "html.new"
    shutil.rmtree(fresh, ignore_errors=True)
    session.run("lscb-kb", "check")
    session.run(
        "sphinx-build",
        "-b",
        "html",
        "-E",
        *SPHINX,
        "docs",
        str(fresh),
        "--doctree-dir",
        str(BUILD / "doctrees.new"),
        *session.posargs,
    )
    target = BUILD / "html"
    old = BUILD / "html.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(BUILD / "doctrees", ignore_errors=True)
    (BUILD / "doctrees.new").rename(BUILD / "doctrees")
    session.log(f"Site built: {target / 'index.html'}")


@nox.session
def figures(session: nox.Session) -> None:
    """Check every data file: schema, units, references (lscb-kb check)."""
    _install(session)
    session.run("lscb-kb", "check", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Lint with ruff and type-check with mypy."""
    _install(session, "lint")
    session.run("ruff", "check", "src", "tests", "noxfile.py", "conf/conf.py")
    session.run("ruff", "format", "--check", "--diff", "src", "tests", "noxfile.py")
    session.run("mypy", *session.posargs)


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check links: internal pages and anchors always, external links when there is a network."""
    _install(session)
    site = BUILD / "linkcheck" / "html"
    session.run("sphinx-build", "-b", "html", "-q", *SPHINX, "docs", str(site))
    session.run(
        "lscb-kb",
        "links",
        "--html",
        str(site),
        "--cache",
        str(BUILD / "linkcheck-cache.json"),
        *session.posargs,
    )


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the site while editing: rebuilds when a page or a data file changes."""
    _install(session, "serve")
    session.run(
        "sphinx-autobuild",
        "-c",
        "conf",
        "-n",
        "--keep-going",
        "--watch",
        "data",
        "--watch",
        "conf",
        "docs",
        str(BUILD / "serve"),
        *session.posargs,
    )
