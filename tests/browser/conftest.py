"""Browser tests: Debian's Chromium, driven by Playwright, against the built site on 127.0.0.1.

Run by ``nox -s browser`` (which builds the site first if ``build/html`` has no search index).
The site is served by Python's ``http.server`` on a free port for the session. Chromium is
``/usr/bin/chromium`` (``apt-get install chromium``) or ``$LSCB_CHROMIUM``; Playwright never
downloads a browser. Every request the pages make to anywhere but the test server is blocked and
recorded, so a page that loads an external font, script or tracker fails.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Route, sync_playwright

from lscb_kb.checks.validators import serve_folder
from lscb_kb.core.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("LSCB_SITE", REPO / "build" / "html"))
CHROMIUM = os.environ.get("LSCB_CHROMIUM", "/usr/bin/chromium")
POLICY = load_settings(REPO).content_security_policy
"""The Content-Security-Policy the test server sends: the site must work under it."""
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_URL = "/__tests__/axe.min.js"
"""Where the test server serves axe-core, so it loads under the site's own policy."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def site_pages() -> list[str]:
    """Every HTML page of the built site (not Pagefind's or Sphinx's support files)."""
    if not (SITE / "index.html").is_file():
        return []
    return sorted(
        path.relative_to(SITE).as_posix()
        for path in SITE.rglob("*.html")
        if not {"_static", "pagefind", "_sources", "_downloads"} & set(path.relative_to(SITE).parts)
    )


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site; it must have been indexed by Pagefind."""
    assert (SITE / "index.html").is_file(), f"no built site at {SITE}: run `nox -s build` first"
    assert (SITE / "pagefind" / "pagefind.js").is_file(), (
        f"{SITE} has no Pagefind index: build it with `nox -s build`"
    )
    return SITE


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the site with the Content-Security-Policy it must work under."""

    def do_GET(self) -> None:
        if self.path == AXE_URL:  # the test's own copy of axe-core, served from the site's origin
            body = AXE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        if POLICY:
            self.send_header("Content-Security-Policy", POLICY)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The site, served on 127.0.0.1 on a free port until the end of the session."""
    with serve_folder(site, _QuietHandler) as base:
        yield base


@dataclass
class Browser:
    """The Chromium context, and the requests it was stopped from making off the site."""

    context: BrowserContext
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    assert Path(CHROMIUM).is_file(), (
        f"Chromium is not at {CHROMIUM}: apt-get install -y chromium (never playwright install)"
    )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        out = Browser(context)
        host = urlsplit(base_url).netloc

        def guard(route: Route) -> None:
            url = route.request.url
            parts = urlsplit(url)
            if parts.scheme in {"data", "blob"} or parts.netloc == host:
                route.continue_()
            else:
                out.blocked.append(url)
                route.abort()

        context.route("**/*", guard)
        try:
            yield out
        finally:
            context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new tab; the test fails if the page broke the Content-Security-Policy."""
    page = browser.context.new_page()
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    try:
        yield page
    finally:
        page.close()
    assert violations == [], f"the page broke the Content-Security-Policy: {violations}"


@pytest.fixture(scope="session")
def feed(site: Path) -> dict[str, Any]:
    """The build's ``pages.json``."""
    return json.loads((site / "pages.json").read_text("utf-8"))  # type: ignore[no-any-return]
