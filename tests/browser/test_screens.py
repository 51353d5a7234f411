"""Every page on every screen: no sideways scrolling at 320 CSS pixels (WCAG 1.4.10: a phone,
or 1280 px at 400% zoom), the search box and the menu in the first screen of a phone, axe-core
at 320, 390, 768 and 1280 px and at 200% zoom (a 640 px viewport), charts whose text stays
readable on a phone, and the keyboard: the skip link first, then the header's search box, and
tables that scroll from the keyboard.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import site_pages
from .test_accessibility import _axe, _describe

PAGES = site_pages()
PHONE = {"width": 390, "height": 844}


def _each_page(page: Page, base_url: str, script: str) -> dict[str, Any]:
    found = {}
    for path in PAGES:
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("load")
        found[path] = page.evaluate(script)
    return found


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_is_wider_than_the_screen(page: Page, base_url: str, width: int) -> None:
    """At 320 px (a small phone, and 1280 px at 400% zoom) and 390 px, nothing scrolls sideways
    but the scroll regions of tables and charts."""
    page.set_viewport_size({"width": width, "height": 800})
    widths = _each_page(
        page, base_url, "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    wider = {path: w for path, w in widths.items() if w[0] > w[1]}
    assert wider == {}, f"pages wider than {width} px (scrollWidth, innerWidth): {wider}"


def test_search_box_and_menu_are_in_the_first_screen_of_a_phone(page: Page, base_url: str) -> None:
    page.set_viewport_size(PHONE)
    script = """() => {
        const box = document.querySelector('#lscb-q').getBoundingClientRect();
        const menu = document.querySelector('.govuk-service-navigation__toggle:not([hidden]),'
            + ' .govuk-service-navigation__list');
        return {search: box.top, searchBottom: box.bottom, height: innerHeight,
                menu: menu ? menu.getBoundingClientRect().top : null};
    }"""
    found = _each_page(page, base_url, script)
    late = {
        path: f
        for path, f in found.items()
        if not (f["search"] >= 0 and f["searchBottom"] < f["height"])
        or (f["menu"] is not None and f["menu"] >= f["height"])
    }
    assert late == {}
    assert all(f["menu"] is not None for f in found.values()), "a page without the menu"


@pytest.mark.parametrize(
    "size",
    [
        {"width": 320, "height": 640},
        {"width": 390, "height": 844},
        {"width": 640, "height": 400},  # 1280 by 800 at 200% zoom
        {"width": 768, "height": 1024},
        {"width": 1280, "height": 800},
    ],
    ids=["320", "390", "zoom-200", "768", "1280"],
)
def test_no_axe_violations_at_every_width(page: Page, base_url: str, size: dict[str, int]) -> None:
    page.set_viewport_size(size)
    failures = []
    for path in PAGES:
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("load")
        violations = _axe(page)["violations"]
        if violations:
            failures.append(f"{path}:\n{_describe(violations)}")
    assert failures == [], "\n".join(failures)


def test_chart_text_is_at_least_12_pixels_on_a_phone(page: Page, base_url: str) -> None:
    page.set_viewport_size(PHONE)
    script = """async () => {
        const out = [];
        for (const img of document.querySelectorAll('img.lscb-chart-image')) {
            const svg = await (await fetch(img.src)).text();
            const width = parseFloat(svg.match(/viewBox="0 0 ([\\d.]+)/)[1]);
            const sizes = [...svg.matchAll(/font-size="([\\d.]+)"/g)].map(m => parseFloat(m[1]));
            out.push({src: img.getAttribute('src'), shown: img.getBoundingClientRect().width,
                      width, smallest: Math.min(...sizes)});
        }
        return out;
    }"""
    charts = _each_page(page, base_url, script)
    small = []
    drawn = 0
    for path, found in charts.items():
        for chart in found:
            if chart["shown"] == 0:  # in a tab or section not open
                continue
            drawn += 1
            px = chart["smallest"] * chart["shown"] / chart["width"]
            if px < 12:
                small.append(f"{path}: {chart['src']}: {px:.1f} px")
    assert drawn > 0
    assert small == []


def test_tab_reaches_the_skip_link_first_then_the_search_box(page: Page, base_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}governance/budget.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.locator(".govuk-skip-link").is_visible()  # visible once focused
    reached = []
    for _ in range(3):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.href"))
        if reached[-1] == "lscb-q":
            break
    # The skip link, the board's name (the home page), then the search box.
    assert reached[-1] == "lscb-q", reached
    assert len(reached) <= 2, reached


def test_a_table_scroll_region_is_reached_with_the_keyboard(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{base_url}index.html")
    region = page.locator(".lscb-table-region").first
    assert region.get_attribute("role") == "region"
    assert re.match(r"Table", region.get_attribute("aria-label") or "")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('lscb-table-region')"):
            break
    else:
        pytest.fail("no table's scroll region was reached by Tab")
    scrolled = page.evaluate(
        """() => { const r = document.activeElement; return r.scrollWidth > r.clientWidth; }"""
    )
    assert scrolled, "the home page's first table should need to scroll at 320 px"
    page.keyboard.press("ArrowRight")
    # A function, not an expression: Playwright evaluates an expression with eval(), which
    # the site's Content-Security-Policy (no 'unsafe-eval') refuses.
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")


PRINTED = ["index.html", "governance/budget.html", "glossary.html", "topics/domestic-abuse.html"]


@pytest.mark.parametrize("path", PRINTED)
def test_a_printed_page_has_no_navigation_and_gives_its_address(
    page: Page, base_url: str, path: str
) -> None:
    """On paper: the site's name and the page's address, the full addresses of its links, its
    content no wider than an A4 page, and no search, menu, breadcrumbs or contents."""
    page.set_viewport_size({"width": 700, "height": 1000})  # A4's printable width, about
    page.goto(f"{base_url}{path}")
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    found = page.evaluate(
        """() => {
        const shown = (el) => el && getComputedStyle(el).display !== 'none'
            && el.getBoundingClientRect().height > 0;
        const hidden = ['.lscb-searchbox', '.govuk-service-navigation', '.lscb-breadcrumbs',
            '.lscb-contents', '.lscb-az', '.lscb-pagination', '.govuk-skip-link',
            '.govuk-footer__navigation', '.lscb-about-page']
            .filter((s) => [...document.querySelectorAll(s)].some(shown));
        const address = document.querySelector('.lscb-print-address');
        const link = [...document.querySelectorAll('main a[href]')].find((a) => {
            const h = a.getAttribute('href');
            return !h.startsWith('#') && !a.closest('table') && !a.classList.contains('headerlink');
        });
        return {
            hidden, name: shown(document.querySelector('.lscb-header__name, .lscb-header__link')),
            address: shown(address) ? address.innerText : null, href: location.href,
            link: link ? [link.href, getComputedStyle(link, '::after').content] : null,
            wide: document.documentElement.scrollWidth - innerWidth,
        };
    }"""
    )
    assert found["hidden"] == [], f"{path}: shown on paper: {found['hidden']}"
    assert found["name"], path
    assert found["address"] is not None and found["href"] in found["address"], found
    assert "Thurrock" in found["address"]
    assert found["link"] is not None and found["link"][0] in found["link"][1], found["link"]
    assert found["wide"] <= 0, f"{path} is {found['wide']} px wider than the paper"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
