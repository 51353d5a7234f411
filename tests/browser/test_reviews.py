"""The review banner is decided in the browser: past a page's review-due date it shows, before
it does not, with no rebuild. The browser's clock is set, not the site changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import Page


def _banner_after(page: Page, url: str, when: dt.datetime) -> bool:
    page.clock.set_fixed_time(when)
    page.goto(url)
    page.wait_for_load_state("load")
    return page.locator(".lscb-review-banner").is_visible()


def test_banner_shows_only_once_the_review_is_overdue(
    page: Page, base_url: str, feed: dict[str, Any]
) -> None:
    entry = next(p for p in feed["pages"] if p["page"] == "serious-case-reviews/index")
    due = dt.date.fromisoformat(entry["review_due"])
    url = f"{base_url}{entry['url']}"
    midday = dt.time(12, 0)
    assert not _banner_after(page, url, dt.datetime.combine(due - dt.timedelta(days=30), midday))
    assert not _banner_after(page, url, dt.datetime.combine(due, midday))
    assert _banner_after(page, url, dt.datetime.combine(due + dt.timedelta(days=1), midday))
    banner = page.locator(".lscb-review-banner").inner_text()
    assert "overdue for review" in banner
    assert f"{due.day} {due:%B %Y}" in banner
    assert entry["owner"] in banner


def test_every_page_names_owner_and_dates(page: Page, base_url: str, feed: dict[str, Any]) -> None:
    assert feed["pages"], "pages.json lists no pages"
    for entry in feed["pages"]:
        assert entry["owner"] and entry["reviewed"] and entry["review_due"], entry
    entry = next(p for p in feed["pages"] if p["page"] == "index")
    page.goto(f"{base_url}{entry['url']}")
    text = page.locator(".lscb-review").inner_text()
    assert entry["owner"] in text
    assert page.locator(f".lscb-review time[datetime='{entry['review_due']}']").count() == 1
