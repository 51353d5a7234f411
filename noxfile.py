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
# Compile each installed module once, at install, as pip does: otherwise every worker and every
# command the tests run compiles the same modules again on its first import.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")


def _install(session: nox.Session, *extras: str) -> None:
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)


@nox.session
def build(session: nox.Session) -> None:
    """Build the HTML site afresh into build/html, replacing it only if the build passes."""
    _install(session)
    # Checks, then sphinx-build -E -n -W --keep-going into build/html.new, then the swap:
    # src/lscb_kb/publish.py, so that the tests exercise the same code.
    session.run("python", "-m", "lscb_kb.publish", "--root", str(ROOT), "--", *session.posargs)


@nox.session
def figures(session: nox.Session) -> None:
    """Check every data file: schema, units, references (lscb-kb check)."""
    _install(session)
    session.run("lscb-kb", "check", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest, on every core (pytest-xdist)."""
    _install(session, "test")
    # Tests that read one costly build carry the same xdist_group and so share a worker.
    # Python may keep its compiled modules (gitignored __pycache__/): every process of the run,
    # each worker and each command a test runs, then reads them instead of compiling again.
    session.run(
        "pytest",
        "--numprocesses=auto",
        "--dist=loadgroup",
        *session.posargs,
        env={"PYTHONDONTWRITEBYTECODE": None},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Lint with ruff, type-check with mypy, and check the CI workflows."""
    _install(session, "lint")
    session.run("ruff", "check", "src", "tests", "noxfile.py", "conf/conf.py")
    session.run("ruff", "format", "--check", "--diff", "src", "tests", "noxfile.py")
    session.run("mypy", *session.posargs)
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    session.run("zizmor", "--offline", "--config", ".github/zizmor.yml", ".github/workflows")
    session.run("python", "-m", "lscb_kb.checks.workflows", ".github/workflows")


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
def browser(session: nox.Session) -> None:
    """Search, review banner and axe-core on every page, in Chromium, on the built site."""
    _install(session, "browser", "test")
    site = _built_site(session)
    # The tests drive Debian's Chromium (/usr/bin/chromium, or $LSCB_CHROMIUM), never a
    # browser downloaded by Playwright.
    session.env["LSCB_SITE"] = str(site)
    session.run("pytest", "tests/browser", *session.posargs)


@nox.session
def validate(session: nox.Session) -> None:
    """The Nu Html Checker, pa11y (HTML_CodeSniffer, WCAG2AA) and Lighthouse on the built site."""
    _install(session)
    site = _built_site(session)
    # vnu-jar, pa11y and Lighthouse, pinned in package.json and locked in package-lock.json;
    # installed without running any package's scripts, so puppeteer downloads no browser:
    # pa11y and Lighthouse drive Debian's Chromium. npm ci is skipped when node_modules already
    # holds what the lockfile locks (npm's own record of it, node_modules/.package-lock.json).
    if not _node_modules_current():
        session.run(
            "npm",
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            external=True,
            env={"PUPPETEER_SKIP_DOWNLOAD": "1"},
        )
    # src/lscb_kb/checks/validators.py: each problem as page:line: message; the reports and
    # the Lighthouse scores in build/validate/.
    session.run("python", "-m", "lscb_kb.checks.validators", "--site", str(site), *session.posargs)


def _node_modules_current() -> bool:
    import json  # noqa: PLC0415

    hidden = ROOT / "node_modules" / ".package-lock.json"
    if not hidden.is_file():
        return False
    locked = json.loads((ROOT / "package-lock.json").read_text("utf-8"))["packages"]
    installed = json.loads(hidden.read_text("utf-8"))["packages"]
    # Optional packages for other platforms (Sass's file watcher's) are locked, not installed.
    needed = {name for name, entry in locked.items() if name and not entry.get("optional")}
    return needed <= set(installed) and all(
        name in locked and entry.get("integrity") == locked[name].get("integrity")
        for name, entry in installed.items()
    )


@nox.session
def report(session: nox.Session) -> None:
    """Build a year's annual report as a tagged PDF, then test it: nox -s report -- 2009-10."""
    _install(session, "report", "test")
    year = session.posargs[0] if session.posargs else _current_year()
    # src/lscb_kb/report.py: the year's pages as one page (Sphinx's singlehtml), then WeasyPrint.
    session.run("python", "-m", "lscb_kb.report", year)
    pdf = BUILD / "report" / year / f"annual-report-{year}.pdf"
    if shutil.which("pdfinfo"):  # Debian's poppler-utils, which .ci/run installs
        info = session.run("pdfinfo", str(pdf), external=True, silent=True) or ""
        if "Tagged:          yes" not in info:
            session.error(f"pdfinfo does not find {pdf} tagged:\n{info}")
        session.log(info)
    else:
        session.log("pdfinfo (Debian's poppler-utils) is not installed: its reading is not shown")
    site = _built_site(session)  # what the report's figures are compared with
    session.run("pytest", "tests/report", env={"LSCB_REPORT_YEAR": year, "LSCB_SITE": str(site)})


def _built_site(session: nox.Session) -> Path:
    """build/html, built first (as nox -s build builds it) if it has no search index."""
    site = BUILD / "html"
    if not (site / "pagefind" / "pagefind.js").is_file():
        session.log("No built site with a search index: building it first.")
        session.run("python", "-m", "lscb_kb.publish", "--root", str(ROOT))
    return site


def _current_year() -> str:
    import tomllib  # noqa: PLC0415

    with (ROOT / "conf" / "lscb.toml").open("rb") as handle:
        return str(tomllib.load(handle)["years"]["current"])


@nox.session
def screenshots(session: nox.Session) -> None:
    """PNGs of four pages at 390 and 1280 px, for a person to look at, in build/screenshots/."""
    _install(session, "browser", "test")
    site = _built_site(session)
    session.env["LSCB_SITE"] = str(site)
    session.run("python", "-m", "tests.browser.screenshots", *session.posargs)


@nox.session(name="theme-assets")
def theme_assets(session: nox.Session) -> None:
    """Make the theme's GOV.UK Frontend files from package-lock.json (npm); --check compares."""
    _install(session)
    session.run("python", "-m", "lscb_kb.theme.vendor", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks; write benchmarks/results.json and docs/develop/benchmarks.md."""
    _install(session, "bench", "serve")  # serve: the preview's latency is measured too
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(name="open-data")
def open_data(session: nox.Session) -> None:
    """Validate the built site's data package and every CSV it describes (frictionless)."""
    package = BUILD / "html" / "_downloads" / "data" / "datapackage.json"
    if not package.is_file():
        session.error(f"{package} is not there: build the site first (nox -s build)")
    session.install("frictionless>=5.18")
    session.run("frictionless", "validate", str(package))


@nox.session
def diff(session: nox.Session) -> None:
    """List the figures, records, pages and downloads a change makes: nox -s diff -- origin/main."""
    if not session.posargs:
        session.error("name the revision to compare with, for example: nox -s diff -- origin/main")
    _install(session)
    # Markdown (--format markdown) goes to stdout only; nox's own messages go to stderr, so CI
    # can append the output to the job summary as it is.
    session.run("lscb-kb", "diff", *session.posargs)


@nox.session(name="new-year")
def new_year(session: nox.Session) -> None:
    """Start the next reporting year: nox -s new-year -- 2010-11."""
    if not session.posargs:
        session.error("name the new year, for example: nox -s new-year -- 2010-11")
    _install(session)
    session.run("lscb-kb", "new-year", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the site while editing: problems on every page, rebuilt on every save."""
    _install(session, "serve")
    # lscb-kb serve: src/lscb_kb/preview.py. Pass --port N to serve elsewhere than 8000.
    session.run("lscb-kb", "serve", *session.posargs)
