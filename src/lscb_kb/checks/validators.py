"""The built site checked by validators that owe nothing to this project: ``nox -s validate``.

Beside the project's own checks and the axe-core tests, three independent tools read every
page the build wrote:

* the Nu Html Checker (``vnu-jar`` from npm, run with Java) on every HTML page: any error fails;
* pa11y with HTML_CodeSniffer (``--standard WCAG2AA``, ``--runner htmlcs``) on every page at
  390 and 1280 CSS pixels, in Debian's Chromium: any error fails;
* Lighthouse, in its default (mobile) configuration, on the home page and four representative
  pages: accessibility 100, best practices, SEO and performance 95 or more.

Each problem is printed as ``page:line: message``. The pages are served on 127.0.0.1 by
Python's ``http.server``, as GitHub Pages serves the published site: with the site's
Content-Security-Policy header and gzip for text. Nothing is fetched from anywhere else.

A message of a checker that is wrong about this site may be set aside only by an entry in
``tests/validate/false-positives.toml`` that gives its reason; an entry that no message
matches is itself a problem, so the list cannot outlive what it excuses.

Everything found is written into ``build/validate/`` as JSON (``nu.json``, ``pa11y.json``,
``lighthouse.json`` and each page's Lighthouse report in ``lighthouse/``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lscb_kb.core.settings import load_settings

ROOT = Path(__file__).resolve().parents[3]
HERE = ROOT / "tests" / "validate"
FALSE_POSITIVES = HERE / "false-positives.toml"
VNU_JAR = Path("node_modules") / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = Path("node_modules") / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("LSCB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""As the browser tests start Chromium: no connections of its own to anywhere."""

PA11Y_WIDTHS = (390, 1280)
PA11Y_STANDARD = "WCAG2AA"
LIGHTHOUSE_PAGES = {
    "home": "index.html",
    "topic": "topics/child-protection.html",
    "budget": "governance/budget.html",
    "child-death-review": "child-death-review/index.html",
    "search": "search-help.html",
}
"""The home page, a topic page, the budget (tables and a chart), child death review (tabs and
charts) and the search page (Pagefind's interface)."""
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
THRESHOLDS = {"accessibility": 100, "best-practices": 95, "seo": 95, "performance": 95}
"""The least score (of 100) each Lighthouse category must reach on every page measured."""

_COMPRESSED = {".html", ".css", ".js", ".mjs", ".svg", ".json", ".txt", ".xml", ".csv"}


@dataclass(frozen=True)
class Problem:
    """A checker's finding at a page and, where it can be found, a line of the page."""

    checker: str
    page: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}" if self.line else self.page
        return f"{where}: {self.message} [{self.checker}]"


@dataclass
class FalsePositive:
    """An entry of ``false-positives.toml``: a checker's message that is wrong about the site."""

    checker: str
    message: re.Pattern[str]
    reason: str
    line: int
    pages: re.Pattern[str] | None = None
    used: int = 0

    def matches(self, problem: Problem) -> bool:
        if problem.checker != self.checker or not self.message.search(problem.message):
            return False
        return self.pages is None or bool(self.pages.search(problem.page))


@dataclass
class Outcome:
    """What one checker found: problems that fail, those set aside, and counts to report."""

    checker: str
    problems: list[Problem] = field(default_factory=list)
    excused: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


def load_false_positives(path: Path = FALSE_POSITIVES) -> list[FalsePositive]:
    """The entries of *path*; each must say which checker, which message and why."""
    if not path.is_file():
        return []
    text = path.read_text("utf-8")
    data = tomllib.loads(text)
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[entry]]"]
    entries = []
    for index, entry in enumerate(data.get("entry", [])):
        line = starts[index] if index < len(starts) else 0
        missing = [key for key in ("checker", "message", "reason") if not entry.get(key)]
        if missing:
            raise SystemExit(f"{path}:{line}: entry without {', '.join(missing)}")
        pages = entry.get("pages")
        entries.append(
            FalsePositive(
                checker=entry["checker"],
                message=re.compile(entry["message"]),
                reason=entry["reason"],
                line=line,
                pages=re.compile(pages) if pages else None,
            )
        )
    return entries


def set_aside(outcome: Outcome, entries: list[FalsePositive]) -> Outcome:
    """Move the problems (and warnings) an entry excuses to *outcome*'s excused ones."""

    def keep(found: list[Problem]) -> list[Problem]:
        kept = []
        for problem in found:
            entry = next((e for e in entries if e.matches(problem)), None)
            if entry is None:
                kept.append(problem)
            else:
                entry.used += 1
                outcome.excused.append(problem)
        return kept

    outcome.problems = keep(outcome.problems)
    outcome.warnings = keep(outcome.warnings)
    return outcome


def unused(entries: list[FalsePositive], checkers: set[str], path: Path) -> list[Problem]:
    """Entries of the checkers that ran that no message matched: stale, so a problem."""
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return [
        Problem(
            "false-positives",
            str(where),
            f"no {entry.checker} message matches /{entry.message.pattern}/: remove the entry",
            entry.line,
        )
        for entry in entries
        if entry.checker in checkers and entry.used == 0
    ]


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the built site (not Pagefind's or Sphinx's support files)."""
    skip = {"_static", "pagefind", "_sources", "_downloads", "_images"}
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not skip & set(path.relative_to(site).parts)
    )


# --- serving the site ---------------------------------------------------------------------


class _Handler(SimpleHTTPRequestHandler):
    """The site as GitHub Pages serves it: its policy as a header, text gzipped when asked."""

    policy = ""

    def end_headers(self) -> None:
        if self.policy:
            self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or path.suffix not in _COMPRESSED or not path.is_file():
            return super().send_head()
        body = _gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@functools.lru_cache(maxsize=512)
def _gzipped(path: Path, mtime: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def serve(site: Path, policy: str) -> contextlib.AbstractContextManager[str]:
    """*site* served on 127.0.0.1 as GitHub Pages serves it, for as long as the block runs."""
    return serve_folder(site, type("Handler", (_Handler,), {"policy": policy}))


@contextmanager
def serve_folder(site: Path, handler: type[SimpleHTTPRequestHandler]) -> Iterator[str]:
    """*site* served on 127.0.0.1 on a free port by *handler*, for as long as the block runs;
    the block is given the site's address. The browser tests serve the site with it too."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- the Nu Html Checker ------------------------------------------------------------------


def nu_outcome(report: dict[str, Any], site: Path) -> Outcome:
    """The Nu Html Checker's JSON report read as problems (errors) and warnings (counted)."""
    outcome = Outcome("nu")
    root = site.resolve()
    for message in report.get("messages", []):
        url = message.get("url", "")
        page = _page_of(url, root)
        text = message.get("message", "")
        kind = message.get("type")
        if kind in {"error", "non-document-error"}:
            line = message.get("lastLine") or message.get("firstLine")
            outcome.problems.append(Problem("nu", page, text, line))
        elif kind == "info" and message.get("subType") == "warning":
            line = message.get("lastLine") or message.get("firstLine")
            outcome.warnings.append(Problem("nu", page, text, line))
    return outcome


def _page_of(url: str, root: Path) -> str:
    path = url.removeprefix("file:")
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return path


def run_nu(site: Path, pages: list[str], out: Path) -> Outcome:
    java = shutil.which("java")
    if java is None:
        raise SystemExit("java is not installed: apt-get install -y default-jre-headless")
    jar = ROOT / VNU_JAR
    if not jar.is_file():
        raise SystemExit(f"{jar} is not there: npm ci (nox -s validate runs it)")
    result = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--exit-zero-always"]
        + [str(site / page) for page in pages],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"the Nu Html Checker did not run:\n{result.stderr}")
    report = json.loads(result.stderr or result.stdout)  # vnu writes its report to stderr
    (out / "nu.json").write_text(json.dumps(report, indent=1), "utf-8")
    outcome = nu_outcome(report, site)
    outcome.notes.append(f"{len(pages)} pages checked")
    return outcome


# --- pa11y (HTML_CodeSniffer) -------------------------------------------------------------


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed: apt-get install -y nodejs npm")
    return node


def pa11y_outcome(results: list[dict[str, Any]], base: str, site: Path) -> Outcome:
    """pa11y's results (one entry a page and width) read as problems at the page's line."""
    outcome = Outcome("pa11y")
    for entry in results:
        page = entry["url"].removeprefix(base)
        width = entry["width"]
        if entry.get("error"):
            first = str(entry["error"]).splitlines()[0]
            outcome.problems.append(Problem("pa11y", page, f"at {width}px: not tested: {first}"))
            continue
        source = _read(site / page)
        for issue in entry.get("issues", []):
            if issue.get("type") != "error":
                continue
            line = _line_of(source, issue.get("context") or "", issue.get("selector") or "")
            message = f"at {width}px: {issue['code']}: {issue['message']} ({issue.get('selector')})"
            outcome.problems.append(Problem("pa11y", page, message, line))
    return outcome


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError:
        return ""


def _line_of(source: str, context: str, selector: str) -> int | None:
    """The line of *source* where pa11y's element starts: its opening tag as pa11y quotes it,
    or the last ``#id`` of its selector."""
    tag = context.split(">", 1)[0]
    if len(tag) > 8:
        at = source.find(tag)
        if at >= 0:
            return source.count("\n", 0, at) + 1
    ids = re.findall(r"#([A-Za-z][\w-]*)", selector)
    if ids:
        at = source.find(f'id="{ids[-1]}"')
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return None


def run_pa11y(site: Path, pages: list[str], out: Path, base: str) -> Outcome:
    job = {
        "urls": [base + page for page in pages],
        "widths": list(PA11Y_WIDTHS),
        "standard": PA11Y_STANDARD,
        "chromium": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "concurrency": 2,
    }
    result = subprocess.run(
        [_node(), str(HERE / "pa11y.cjs")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_browser_env(),
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"pa11y did not run:\n{result.stderr}")
    results = json.loads(result.stdout)
    (out / "pa11y.json").write_text(json.dumps(results, indent=1), "utf-8")
    outcome = pa11y_outcome(results, base, site)
    widths = " and ".join(f"{w}px" for w in PA11Y_WIDTHS)
    outcome.notes.append(f"{len(pages)} pages at {widths}, {PA11Y_STANDARD}, HTML_CodeSniffer")
    return outcome


def _browser_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PUPPETEER_SKIP_DOWNLOAD"] = "1"  # Debian's Chromium, never a downloaded one
    env["CHROME_PATH"] = CHROMIUM
    return env


# --- Lighthouse ---------------------------------------------------------------------------


def lighthouse_scores(report: dict[str, Any]) -> dict[str, int | None]:
    """A Lighthouse report's category scores, out of 100 (``None`` if it gave none)."""
    scores: dict[str, int | None] = {}
    for key in LIGHTHOUSE_CATEGORIES:
        score = report.get("categories", {}).get(key, {}).get("score")
        scores[key] = None if score is None else round(score * 100)
    return scores


def lighthouse_shortfalls(report: dict[str, Any], category: str) -> list[str]:
    """The weighted audits of *category* that did not pass, worst first: what to fix."""
    audits = report.get("audits", {})
    found = []
    for ref in report.get("categories", {}).get(category, {}).get("auditRefs", []):
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if ref.get("weight", 0) > 0 and score is not None and score < 1:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            found.append((score, f"{audit.get('title', ref['id'])}{value}: score {score:.2f}"))
    return [text for _, text in sorted(found)]


def lighthouse_outcome(reports: dict[str, dict[str, Any]]) -> tuple[Outcome, dict[str, Any]]:
    """Problems for every score under its threshold; the scores of every page measured."""
    outcome = Outcome("lighthouse")
    summary: dict[str, Any] = {"thresholds": THRESHOLDS, "pages": {}}
    for name, report in reports.items():
        page = LIGHTHOUSE_PAGES.get(name, name)
        scores = lighthouse_scores(report)
        summary["pages"][page] = {
            "scores": scores,
            "warnings": report.get("runWarnings", []),
            "lighthouse": report.get("lighthouseVersion"),
            "form_factor": report.get("configSettings", {}).get("formFactor"),
        }
        for category, least in THRESHOLDS.items():
            score = scores.get(category)
            if score is None or score < least:
                why = "; ".join(lighthouse_shortfalls(report, category)[:5])
                message = f"{category} {score} is under {least}" + (f": {why}" if why else "")
                outcome.problems.append(Problem("lighthouse", page, message))
    return outcome, summary


def lighthouse_table(summary: dict[str, Any]) -> str:
    """The scores as a plain-text table, a page a row."""
    heads = ["page", *LIGHTHOUSE_CATEGORIES]
    rows = [
        [page, *(str(data["scores"].get(c)) for c in LIGHTHOUSE_CATEGORIES)]
        for page, data in summary["pages"].items()
    ]
    rows.append(["least allowed", *(str(THRESHOLDS[c]) for c in LIGHTHOUSE_CATEGORIES)])
    widths = [max(len(row[i]) for row in [heads, *rows]) for i in range(len(heads))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(heads), line(["-" * w for w in widths]), *map(line, rows)])


def run_lighthouse(out: Path, base: str) -> tuple[Outcome, dict[str, Any]]:
    script = ROOT / LIGHTHOUSE
    if not script.is_file():
        raise SystemExit(f"{script} is not there: npm ci (nox -s validate runs it)")
    folder = out / "lighthouse"
    folder.mkdir(parents=True, exist_ok=True)
    reports = {}
    for name, page in LIGHTHOUSE_PAGES.items():
        path = folder / f"{name}.json"
        command = [
            _node(),
            str(script),
            base + page,
            "--output=json",
            f"--output-path={path}",
            f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
            f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
            "--quiet",
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, env=_browser_env(), check=False
        )
        if result.returncode != 0 or not path.is_file():
            raise SystemExit(f"Lighthouse did not run on {page}:\n{result.stderr}")
        reports[name] = json.loads(path.read_text("utf-8"))
    outcome, summary = lighthouse_outcome(reports)
    (out / "lighthouse.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    outcome.notes.append(lighthouse_table(summary))
    return outcome, summary


# --- the command --------------------------------------------------------------------------

CHECKERS = ("nu", "pa11y", "lighthouse")


def report(outcome: Outcome) -> None:
    print(f"== {outcome.checker}")
    for note in outcome.notes:
        print(note)
    for problem in outcome.problems:
        print(problem)
    if outcome.excused:
        print(f"{len(outcome.excused)} set aside as known false positives (false-positives.toml)")
    if outcome.warnings:
        print(f"{len(outcome.warnings)} warnings (not failures), by message:")
        for text, count in Counter(_kind(w) for w in outcome.warnings).most_common():
            print(f"  {count:5d}  {text}")
    counts = Counter(_kind(p) for p in outcome.problems)
    summary = ", ".join(f"{n} {k}" for k, n in counts.most_common()) or "none"
    print(f"{outcome.checker}: {len(outcome.problems)} problems ({summary})")


def _kind(problem: Problem) -> str:
    if problem.checker == "pa11y":
        match = re.search(r": (WCAG2AA\.[^:]+): ", problem.message)
        return match.group(1) if match else "not tested"
    if problem.checker == "lighthouse":
        return problem.message.split(" ", 1)[0]
    return problem.message


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lscb_kb.checks.validators", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("checkers", nargs="*", help=f"any of {', '.join(CHECKERS)} (all if none)")
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "validate")
    args = parser.parse_args(argv)
    chosen = args.checkers or list(CHECKERS)
    if unknown := [c for c in chosen if c not in CHECKERS]:
        parser.error(f"no checker {', '.join(unknown)}: choose from {', '.join(CHECKERS)}")
    site: Path = args.site
    if not (site / "index.html").is_file():
        raise SystemExit(f"no built site at {site}: run nox -s build first")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    pages = site_pages(site)
    entries = load_false_positives()
    outcomes = []
    policy = load_settings(ROOT).content_security_policy or ""
    with serve(site, policy) as base:
        for checker in chosen:
            if checker == "nu":
                outcome = run_nu(site, pages, out)
            elif checker == "pa11y":
                outcome = run_pa11y(site, pages, out, base)
            else:
                outcome, _ = run_lighthouse(out, base)
            outcomes.append(set_aside(outcome, entries))
            report(outcomes[-1])
    stale = unused(entries, set(chosen), FALSE_POSITIVES)
    for problem in stale:
        print(problem)
    failed = [o.checker for o in outcomes if o.failed] + (["false-positives"] if stale else [])
    if failed:
        print(f"Failed: {', '.join(failed)} (see above; the reports are in {out})")
        return 1
    print(f"Passed: {', '.join(chosen)} (the reports are in {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
