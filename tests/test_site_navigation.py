"""The practitioners' site and the maintainers' pages apart: docs/develop/ is built, but is in
neither the site's navigation nor its search."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from .conftest import Built


@pytest.fixture(scope="module")
def pages(shipped_site: Built) -> dict[str, BeautifulSoup]:
    """Each page the shipped site builds from docs/, parsed once: its name -> its HTML."""
    site, _result = shipped_site
    docs = site.root / "docs"
    return {
        page: site.html(page)
        for page in sorted(
            p.relative_to(docs).with_suffix("").as_posix() for p in docs.rglob("*.md")
        )
    }


@pytest.mark.xdist_group("shipped-site")
def test_maintainers_pages_are_built_but_not_in_the_navigation_or_the_search(
    shipped_site: Built, pages: dict[str, BeautifulSoup]
) -> None:
    site, _result = shipped_site
    written = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*.html"))
    develop = [p for p in written if p.startswith("develop/")]
    assert develop == [
        "develop/architecture.html",
        "develop/benchmarks.html",
        "develop/index.html",
        "develop/security.html",
    ]
    docs = site.root / "docs"
    with_search_box = {
        p.relative_to(docs).with_suffix(".html").as_posix()
        for p in docs.rglob("*.md")
        if "{search-ui}" in p.read_text("utf-8")
    }
    for name, soup in pages.items():
        page = f"{name}.html"
        links = [a.get("href", "") for a in soup.select("nav a, header a, footer a")]
        if not page.startswith("develop/"):
            assert not [link for link in links if "develop/" in link], page
        indexed = soup.select_one("[data-pagefind-body]") is not None
        searchable = not page.startswith("develop/") and page not in with_search_box
        assert indexed == searchable, page
    index = pages["develop/index"]
    listed = {a.get("href") for a in index.select("div.toctree-wrapper a")}
    assert listed == {"architecture.html", "security.html", "benchmarks.html"}


@pytest.mark.xdist_group("shipped-site")
def test_every_page_has_a_description_from_its_text_and_the_site_an_icon(
    shipped_site: Built, pages: dict[str, BeautifulSoup]
) -> None:
    site, _result = shipped_site
    for page, soup in pages.items():
        meta = soup.select('meta[name="description"]')
        assert len(meta) == 1, page
        summary = meta[0]["content"]
        assert 40 <= len(summary) <= 160, (page, summary)
        assert not summary.startswith("Source:"), page
        words = summary.removesuffix("…").split()
        text = re.sub(r"\W+", "", soup.get_text())
        assert re.sub(r"\W+", "", " ".join(words[:6])) in text, (page, summary)  # its own words
        icon = soup.select_one('link[rel="icon"]')
        assert icon is not None, page
        assert (site.out / page).parent.joinpath(icon["href"]).resolve().is_file(), page
    budget = pages["governance/budget"].select_one('meta[name="description"]')
    assert budget is not None
    assert budget["content"].startswith("The board is funded by its partner agencies.")


@pytest.mark.xdist_group("shipped-site")
def test_the_footer_links_each_page_once(pages: dict[str, BeautifulSoup]) -> None:
    """The accessibility statement is a support link at the foot of every page, as on GOV.UK,
    and not listed again in the footer's navigation."""
    for name, soup in pages.items():
        footer = soup.select_one("footer")
        assert footer is not None, name
        links = footer.select("a.govuk-footer__link")
        texts = [a.get_text(strip=True) for a in links]
        hrefs = [a["href"] for a in links]
        repeated = sorted({t for t in [*texts, *hrefs] if (texts + hrefs).count(t) > 1})
        assert repeated == [], (name, repeated)
        assert "Accessibility statement" in texts, name
