"""axe-core on every page of the built site: zero violations of the WCAG 2.2 A and AA rules.

axe-core is the pinned copy in ``tests/browser/vendor/`` (see its README). Every page is
loaded from the test server; every request it makes elsewhere is blocked and fails the test, so
no page may load an external font, script or tracker.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import AXE_URL, AXE_VERSION, Browser, site_pages

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = site_pages()


def _axe(page: Page) -> dict[str, Any]:
    page.add_script_tag(url=AXE_URL)
    result: dict[str, Any] = page.evaluate(
        """async (tags) => {
            const out = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
            return {version: axe.version, violations: out.violations};
        }""",
        TAGS,
    )
    return result


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(f"{v['id']} ({v['impact']}): {node['target']}: {v['help']}")
    return "\n".join(lines)


def test_site_has_pages() -> None:
    assert len(PAGES) >= 30, f"only {len(PAGES)} pages found in the built site"


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(page: Page, browser: Browser, base_url: str, path: str) -> None:
    before = len(browser.blocked)
    page.goto(f"{base_url}{path}")
    page.wait_for_load_state("load")
    result = _axe(page)
    assert result["version"] == AXE_VERSION
    assert result["violations"] == [], f"{path}:\n{_describe(result['violations'])}"
    assert browser.blocked[before:] == [], f"{path} requested other sites"


def test_search_results_have_no_axe_violations(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}search-help.html?q=domestic%20abuse")
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_selector(".pagefind-ui__filter-panel")
    result = _axe(page)
    assert result["violations"] == [], _describe(result["violations"])


def test_review_banner_has_no_axe_violations(page: Page, base_url: str) -> None:
    import datetime as dt  # noqa: PLC0415

    page.clock.set_fixed_time(dt.datetime(2100, 1, 1, 12))
    page.goto(f"{base_url}index.html")
    assert page.locator(".lscb-review-banner").is_visible()
    result = _axe(page)
    assert result["violations"] == [], _describe(result["violations"])


EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["'](?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//|"""
    r"""url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)
"""A resource loaded from another site: src/href of a script, style or image, or CSS url()."""


def test_no_external_fonts_scripts_or_styles(site: Path) -> None:
    offenders = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css", ".js"} or "pagefind" in path.parts:
            continue
        text = path.read_text("utf-8", errors="replace")
        for match in EXTERNAL.finditer(text):
            start = text.rfind("<", 0, match.start())
            tag = text[start : match.end() + 60] if path.suffix == ".html" else match.group(0)
            # Links a reader follows (<a href>) are not resources the page loads.
            if path.suffix == ".html" and re.match(r"<a[\s>]", tag):
                continue
            offenders.append(f"{path.relative_to(site)}: {tag[:120]!r}")
    assert offenders == []
