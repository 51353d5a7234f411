"""The preview an editor works with (``lscb-kb serve``, ``nox -s serve``).

It builds the site into ``build/serve/`` with ``lscb_preview = True`` and serves it on
localhost. On every saved change to ``docs/``, ``data/`` or ``conf/`` it builds again, in this
process: Sphinx, the extension and the catalogue's parsers are loaded once, and an incremental
build re-reads only the pages the change reaches. Each page shows the problems of the build at
its top (``lscb-preview.js`` asks ``/_preview/problems``) and reloads when the next build is done.

Sphinx reports a page's problems only when it reads the page again, so the problems of pages
that a build did not read or write are kept from the build that found them: the list is always
the whole site's. The terminal shows the same list, and nothing of Sphinx's own progress.
"""

from __future__ import annotations

import gc
import io
import json
import re
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

_LOCATION = re.compile(r"^(?P<file>.*?)(?::(?P<line>\d+))?(?::(?P<column>\d+))?$")
_TYPE_SUFFIX = re.compile(r"(?: \[[a-z_]+(?:\.[a-z_-]+)?\])+$")
COLLECT_AFTER = 3
"""Builds in a row after which the server collects before building, however busy."""
WAIT_SECONDS = 20.0
"""How long ``/_preview/problems?after=N`` waits for build N+1 before it answers anyway."""


@dataclass(frozen=True, order=True)
class Shown:
    """One problem as the preview shows it: where (``file:line``) and what."""

    file: str
    line: int
    location: str
    message: str


@dataclass
class BuildReport:
    """What one preview build did: how long it took and what it found."""

    build: int
    seconds: float
    read: int
    written: int
    problems: list[Shown]

    def as_dict(self) -> dict[str, Any]:
        return {
            "build": self.build,
            "seconds": round(self.seconds, 2),
            "read": self.read,
            "written": self.written,
            "problems": [asdict(problem) for problem in self.problems],
        }

    def summary(self) -> str:
        """The terminal's account of the build: its time and every problem, one per line."""
        pages = f"{self.read} page{'s' * (self.read != 1)} read, {self.written} written"
        head = f"Built in {self.seconds:.2f} s ({pages})"
        if not self.problems:
            return f"{head}: no problems."
        count = len(self.problems)
        lines = [f"{head}: {count} problem{'s' * (count != 1)} to fix."]
        lines += [f"  {problem.location}: {problem.message}" for problem in self.problems]
        return "\n".join(lines)


_WARNING_LINE = re.compile(
    r"^(?:(?P<location>.*?): )?(?P<level>WARNING|ERROR|CRITICAL): (?P<message>.*)$"
)
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def read_warnings(text: str, root: Path) -> list[Shown]:
    """The problems in what Sphinx wrote to its warning stream (``location: WARNING: ...``,
    a message's further lines indented beneath it)."""
    found: list[tuple[str, list[str]]] = []
    for raw in _ESCAPE.sub("", text).splitlines():
        match = _WARNING_LINE.match(raw)
        if match:
            found.append((match.group("location") or "", [match.group("message")]))
        elif found and raw.strip():
            found[-1][1].append(raw.strip())
    return [
        shown(location, _TYPE_SUFFIX.sub("", " ".join(lines)).strip(), root)
        for location, lines in found
    ]


def relative(path: Path | str, root: Path) -> str:
    """*path* (absolute, or relative to the working folder) as a path in the project."""
    resolved = (Path.cwd() / path).resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def shown(location: str, message: str, root: Path) -> Shown:
    """A problem at *location* (a path, perhaps with ``:line[:column]``), as the preview shows."""
    match = _LOCATION.match(location)
    assert match is not None  # the pattern matches any text
    file = match.group("file")
    if file:
        file = relative(file, root)
    line = int(match.group("line") or 0)
    column = match.group("column")
    where = file + (f":{line}" if line else "") + (f":{column}" if column else "")
    return Shown(file, line, where or "(the build)", message)


class Previewer:
    """Builds the preview of the project at *root* into *out*, keeping every page's problems."""

    def __init__(self, root: Path, out: Path, *, pause_collector: bool = False) -> None:
        self.pause_collector = pause_collector
        """Leave Python's garbage collector off during builds, and collect while idle
        (:meth:`collect`): the server's way to keep it from walking a build's heap while the
        editor waits (:func:`serve`)."""
        self.uncollected = 0
        self.root = root.resolve()
        self.html = out / "html"
        self.doctrees = out / "doctrees"
        self.kept: dict[str, list[Shown]] = {}
        """Problems found on each page (by its source file), kept until it is read again."""
        self.report = BuildReport(0, 0.0, 0, 0, [])
        self.changed = threading.Condition()

    def build(self, fresh: bool = False) -> BuildReport:
        """One build, as incremental as Sphinx can make it (or afresh)."""
        from sphinx.application import Sphinx  # noqa: PLC0415
        from sphinx.util.docutils import docutils_namespace, patch_docutils  # noqa: PLC0415

        if self.pause_collector:
            if self.uncollected >= COLLECT_AFTER:
                self.collect()  # saved again and again, with no pause to collect in
            gc.disable()
        started = time.perf_counter()
        read: set[str] = set()
        written: set[str] = set()
        found: list[Shown] = []
        pages: dict[str, str] = {}
        conf = self.root / "conf"
        warnings = io.StringIO()
        try:
            with patch_docutils(conf), docutils_namespace():
                app = Sphinx(
                    str(self.root / "docs"),
                    str(conf),
                    str(self.html),
                    str(self.doctrees),
                    "html",
                    confoverrides={"lscb_preview": True, "nitpicky": True},
                    status=None,
                    warning=warnings,
                    freshenv=fresh,
                )
                app.connect("env-before-read-docs", lambda _a, _e, names: read.update(names))
                app.connect("html-page-context", lambda _a, name, *_: written.add(name))
                app.build()
                for name in app.env.found_docs:
                    pages[name] = relative(app.env.doc2path(name), self.root)
        except Exception as err:  # the preview reports any failure and goes on
            detail = traceback.format_exception_only(err)[-1].strip()
            found.append(Shown("", 0, "(the build)", f"the build stopped: {detail}"))
        found = [*read_warnings(warnings.getvalue(), self.root), *found]
        self._keep(found, {pages[n] for n in read | written if n in pages}, set(pages.values()))
        report = BuildReport(
            self.report.build + 1,
            time.perf_counter() - started,
            len(read),
            len(written),
            sorted({*found, *(p for kept in self.kept.values() for p in kept)}),
        )
        with self.changed:
            self.report = report
            self.changed.notify_all()
        self.uncollected += 1
        return report

    def collect(self) -> None:
        """Free what the builds since the last collection left (a build's pages and
        environment refer to each other, so only the collector frees them)."""
        gc.collect()
        self.uncollected = 0

    def _keep(self, found: list[Shown], redone: set[str], pages: set[str]) -> None:
        """Keep each page's problems until a build reads or writes the page again."""
        kept = {
            page: problems
            for page, problems in self.kept.items()
            if page not in redone and (page in pages or not pages)
        }
        for problem in found:
            if problem.file in pages:
                kept.setdefault(problem.file, [])
                if problem not in kept[problem.file]:
                    kept[problem.file].append(problem)
        self.kept = kept

    def wait(self, after: int | None, timeout: float = WAIT_SECONDS) -> BuildReport:
        """The latest build's report; with *after*, once a build later than *after* is done."""
        with self.changed:
            if after is not None:
                self.changed.wait_for(lambda: self.report.build > after, timeout)
            return self.report


class _Handler(SimpleHTTPRequestHandler):
    previewer: Previewer

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/_preview/problems":
            super().do_GET()
            return
        after = parse_qs(url.query).get("after", [None])[0]
        report = self.previewer.wait(int(after) if after and after.isdigit() else None)
        body = json.dumps(report.as_dict()).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows the builds' problems, not every request


def serve(root: Path, out: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Build, serve on *host*:*port*, and build again on every saved change, until interrupted."""
    import watchfiles  # noqa: PLC0415

    previewer = Previewer(root, out, pause_collector=True)
    print("Building the preview...", flush=True)
    print(previewer.build().summary(), flush=True)
    handler = partial(_Handler, directory=str(previewer.html))
    _Handler.previewer = previewer
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving on http://{host}:{server.server_port}/ (Ctrl+C to stop)", flush=True)
    watched = [
        str(root / folder) for folder in ("docs", "data", "conf") if (root / folder).is_dir()
    ]
    try:
        # Each second without a change, what the last builds left is collected.
        for changes in watchfiles.watch(
            *watched, debounce=400, step=30, rust_timeout=1000, yield_on_timeout=True
        ):
            if not changes:
                if previewer.uncollected:
                    previewer.collect()
                continue
            names = sorted({relative(path, previewer.root) for _change, path in changes})
            shown_names = ", ".join(names[:3]) + (
                f" and {len(names) - 3} more" if len(names) > 3 else ""
            )
            print(f"Changed: {shown_names}", flush=True)
            print(previewer.build().summary(), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
