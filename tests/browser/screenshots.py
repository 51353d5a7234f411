"""Pictures of the site for a person to look at: ``nox -s screenshots`` writes PNGs of the home
page, a topic page, the budget page and a search's results, at 390 and 1280 px wide, into
build/screenshots/ (whole pages), served as the browser tests serve the site.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import sync_playwright

from lscb_kb.checks.validators import serve_folder

from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO, SITE, _QuietHandler

PAGES = {
    "home": "index.html",
    "topic": "topics/child-protection.html",
    "budget": "governance/budget.html",
    "search": "search-help.html?q=private%20fostering",
}
WIDTHS = (390, 1280)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with serve_folder(args.site, _QuietHandler) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name, path in PAGES.items():
                page.goto(f"{base}{path}")
                page.wait_for_load_state("load")
                if name == "search":
                    page.wait_for_selector(".pagefind-ui__result-link")
                target = args.out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
