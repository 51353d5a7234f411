"""Search with Pagefind in Chromium: each search finds its page within the first three results.

Searches go through the site's own search page (``search-help.html?q=...``, where the sidebar's
search box sends them) and read the results Pagefind's UI shows: a link to each page, and under
it links to the sections of the page that match.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from playwright.sync_api import Page, Route


@dataclass(frozen=True)
class Search:
    words: str
    page: str
    """The page that must be among the first three results (its path on the site)."""
    section: str | None = None
    """The heading (or record) id that one of that result's section links must point to; ``""``
    for the page itself."""


CPA = "quality-assurance/child-protection-audits.html"
PERIODIC = "quality-assurance/periodic-reports.html"
SCR = "serious-case-reviews/index.html"
CDR = "child-death-review/index.html"
BUDGET = "governance/budget.html"
MEMBERS = "governance/membership-and-attendance.html"

SEARCHES = [
    # Terms as the report writes them, acronyms and what they stand for, record references.
    Search("private fostering", PERIODIC, "private-fostering"),
    Search("S47", CPA, "section-47-enquiries-and-the-child-protection-process"),
    Search("Section 47", CPA, "section-47-enquiries-and-the-child-protection-process"),
    Search("CDOP", CDR),
    Search("child death overview panel", CDR),
    Search("domestic abuse", CPA, ""),  # the page itself: its <h1> is the page
    Search("domestic violence", CPA),
    Search("DV", CPA),
    Search("Baby F", SCR, "scr-0910-06"),
    Search("MAPPA", PERIODIC, "multi-agency-public-protection-arrangements-mappa"),
    Search("hate crime", PERIODIC, "hate-crime-against-young-people"),
    Search("young carers", PERIODIC, "young-carers"),
    Search("SCR-0910-02", SCR, "scr-0910-02"),
    Search("CPA-0910-01", CPA, "cpa-0910-01"),
    Search("IMR", SCR),
    Search("Section 11 audit", "quality-assurance/section-11-audits.html"),
    Search("lay members", MEMBERS),
    Search("Stay Safe group", "governance/childrens-trust.html"),
    Search("performance indicators", "quality-assurance/performance-indicators.html"),
    Search("children missing education", PERIODIC),
    Search("allegations against staff", PERIODIC),
    # Questions as a reader types them.
    Search("how much did the board spend", BUDGET),
    Search("how many children died", CDR),
    Search("serious case review recommendations", SCR),
    Search("who chairs the board", MEMBERS),
    Search("what did the board find about private fostering", PERIODIC),
    Search("what are the priorities for 2010/11", "priorities/priorities-2010-11.html"),
    Search("how many children live in Thurrock", "context/thurrock-children.html"),
    Search("where did the board's money come from", BUDGET),
    Search("what did Ofsted find", "priorities/ofsted-inspection-2009.html"),
    Search("how is the board organised", "governance/role-and-structure.html"),
    Search("which agencies attended board meetings", MEMBERS),
    Search("what is a section 47 enquiry", CPA),
    Search("who scrutinises the board", "governance/lead-member-and-scrutiny.html"),
    Search("how are children's identities protected", "data/disclosure.html"),
    Search("what happened with domestic abuse referrals", CPA),
]


def _path(base_url: str, href: str) -> tuple[str, str]:
    """A result link as (page path on the site, fragment); ``dir/`` means ``dir/index.html``."""
    parts = urlsplit(urljoin(base_url, href))
    path = parts.path.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, parts.fragment


def search(page: Page, base_url: str, words: str) -> list[dict[str, Any]]:
    """Search from the search page and return the results shown, in order."""
    page.goto(f"{base_url}search-help.html?q={quote(words)}")
    # Pagefind's UI shows placeholders until each result's data has loaded.
    page.wait_for_function(
        r"""() => {
            const results = [...document.querySelectorAll('.pagefind-ui__result')];
            const message = document.querySelector('.pagefind-ui__message');
            const text = message ? message.textContent.trim() : '';
            if (results.length === 0) return text.startsWith('Nothing found');
            return /^\d+ results? for/.test(text)
                && results.every(r => r.querySelector('.pagefind-ui__result-link'));
        }"""
    )
    results = page.eval_on_selector_all(
        ".pagefind-ui__result",
        """els => els.map(el => ({
            page: el.querySelector('.pagefind-ui__result-link').getAttribute('href'),
            title: el.querySelector('.pagefind-ui__result-link').textContent.trim(),
            sections: [...el.querySelectorAll('.pagefind-ui__result-nested a')]
                .map(a => a.getAttribute('href')),
            titles: [...el.querySelectorAll('.pagefind-ui__result-nested a')]
                .map(a => a.textContent.trim()),
            excerpts: [...el.querySelectorAll('.pagefind-ui__result-excerpt')]
                .map(p => p.textContent.trim()),
        }))""",
    )
    return [
        {
            "page": _path(base_url, r["page"])[0],
            "title": r["title"],
            # A page found in one section only links straight to it.
            "sections": [_path(base_url, s) for s in [r["page"], *r["sections"]]],
            "titles": r["titles"],
            "excerpts": r["excerpts"],
        }
        for r in results
    ]


@pytest.mark.parametrize("case", SEARCHES, ids=[s.words for s in SEARCHES])
def test_search_finds_page_in_first_three(page: Page, base_url: str, case: Search) -> None:
    results = search(page, base_url, case.words)
    top = [r["page"] for r in results[:3]]
    assert case.page in top, f"{case.words!r}: first results were {top}"
    if case.section is not None:
        result = results[top.index(case.page)]
        assert (case.page, case.section) in result["sections"], (
            f"{case.words!r}: {case.page} should link to #{case.section}; "
            f"its section links were {result['sections']}"
        )


def test_acronym_and_expansion_find_the_same_sections(page: Page, base_url: str) -> None:
    for short, long in (("S47", "Section 47"), ("CDOP", "child death overview panel")):
        first = search(page, base_url, short)[0]
        other = [r["page"] for r in search(page, base_url, long)[:3]]
        assert first["page"] in other, f"{short!r} found {first['page']}; {long!r} found {other}"


def test_section_link_goes_to_its_heading(page: Page, base_url: str) -> None:
    results = search(page, base_url, "young carers")
    target = next(s for r in results for s in r["sections"] if s[1] == "young-carers")
    page.goto(urljoin(base_url, f"{target[0]}#{target[1]}"))
    heading = page.locator("#young-carers")
    assert heading.evaluate("el => el.tagName") in {"H1", "H2", "H3", "H4", "H5", "H6"}
    assert "Young carers" in heading.inner_text()


HIDDEN_TERMS = ("DV Domestic violence", "S47 Section 47 enquiry", "CP Child protection")
"""Runs of glossary forms from the pages' search metadata, which must never show in a result."""


@pytest.mark.parametrize("words", ["domestic abuse", "DV", "S47", "child protection"])
def test_no_excerpt_shows_the_hidden_glossary_terms(page: Page, base_url: str, words: str) -> None:
    results = search(page, base_url, words)
    for result in results[:5]:
        for excerpt in result["excerpts"]:
            for hidden in HIDDEN_TERMS:
                assert hidden.casefold() not in excerpt.casefold(), (result["page"], excerpt)
        assert not any("Lscb_terms" in e for e in result["excerpts"]), result
    assert page.locator("[data-pagefind-ui-meta=lscb_terms]").count() == 0


def test_domestic_abuse_excerpt_is_the_page_prose(page: Page, base_url: str) -> None:
    results = search(page, base_url, "domestic abuse")
    topic = next(r for r in results if r["page"] == "topics/domestic-abuse.html")
    # The topic page's description, as the page shows it, not a list of the term's forms.
    assert topic["excerpts"][0].startswith("Domestic abuse. Children living with domestic abuse")


@pytest.mark.parametrize("words", ["domestic abuse", "private fostering", "CDOP"])
def test_result_titles_do_not_repeat(page: Page, base_url: str, words: str) -> None:
    for result in search(page, base_url, words):
        assert result["title"] not in result["titles"], result


def test_record_result_lands_on_the_record(page: Page, base_url: str) -> None:
    first = search(page, base_url, "SCR-0910-02")[0]
    assert (SCR, "scr-0910-02") in first["sections"], first
    page.locator(".pagefind-ui__result").first.locator("a[href$='#scr-0910-02']").first.click()
    page.wait_for_url("**#scr-0910-02")
    heading = page.locator("#scr-0910-02")
    assert heading.evaluate("el => el.tagName") in {"H2", "H3", "H4", "H5", "H6"}
    assert "SCR-0910-02" in heading.inner_text()


def test_question_leaves_out_its_common_words(page: Page, base_url: str) -> None:
    results = search(page, base_url, "how much did the board spend")
    assert results[0]["page"] == BUDGET, [r["page"] for r in results[:3]]
    assert page.locator(".lscb-search-note").count() == 0  # a page has every word


def test_says_so_when_no_page_has_every_word(page: Page, base_url: str) -> None:
    # Each word is on some page ("WCAG" only on the accessibility statement), none has both.
    results = search(page, base_url, "WCAG Baby F")
    note = page.locator(".lscb-search-note")
    note.wait_for()
    assert note.inner_text() == "No page has every word; showing pages with some of them."
    top = [r["page"] for r in results[:3]]
    assert "accessibility.html" in top and SCR in [r["page"] for r in results[:5]], top
    # A search that every word finds takes the note away.
    page.locator(".pagefind-ui__search-input").fill("Baby F")
    page.wait_for_function("() => !document.querySelector('.lscb-search-note')")


def test_search_module_reads_questions(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}search-help.html")
    planned = page.evaluate(
        """async () => {
            const m = await import('./_static/lscb-search/pagefind.js');
            const forms = (q) => m.plan(q).concepts.map(c => c.forms);
            return {
                question: forms('how much did the board spend'),
                acronym: forms('s47'),
                word: forms('a set of audits'),
                phrase: m.plan('"private fostering"'),
            };
        }"""
    )
    assert planned["question"][0] == ["board"]
    assert planned["question"][1][:3] == ["spend", "spent", "spending"]
    assert planned["acronym"] == [["S47", "Section 47"]]
    assert planned["word"] == [["set"], ["audits"]]  # "set", not Southend, Essex and Thurrock
    assert planned["phrase"]["exact"] is True


def test_results_take_the_width_of_a_phone(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    search(page, base_url, "domestic abuse")
    page.wait_for_selector(".pagefind-ui__filter-panel")
    sizes = page.evaluate(
        """() => {
            const box = (s) => document.querySelector(s).getBoundingClientRect();
            return {
                viewport: window.innerWidth,
                results: box('.pagefind-ui__results-area').width,
                result: box('.pagefind-ui__result').width,
                resultsTop: box('.pagefind-ui__results-area').top,
                filtersTop: box('.pagefind-ui__filter-panel').top,
            };
        }"""
    )
    assert sizes["results"] >= 0.9 * sizes["viewport"], sizes
    assert sizes["result"] >= 0.9 * sizes["viewport"], sizes
    assert sizes["filtersTop"] > sizes["resultsTop"], sizes  # the answers first, then filters
    assert page.evaluate("document.documentElement.scrollWidth") <= sizes["viewport"]


def _api(page: Page, base_url: str, words: str, filters: dict[str, Any] | None = None) -> Any:
    page.goto(f"{base_url}index.html")
    return page.evaluate(
        """async ([words, filters]) => {
            const pagefind = await import('./pagefind/pagefind.js');
            const found = await pagefind.search(words, filters ? {filters} : {});
            const data = await Promise.all(found.results.map(r => r.data()));
            return {
                filters: await pagefind.filters(),
                results: data.map(d => ({url: d.url, filters: d.filters})),
            };
        }""",
        [words, filters],
    )


def test_topic_filter_narrows_results(page: Page, base_url: str) -> None:
    everything = _api(page, base_url, "abuse")
    topics = everything["filters"].get("topic", {})
    assert "Domestic abuse" in topics, f"topic filter values: {sorted(topics)}"
    filtered = _api(page, base_url, "abuse", {"topic": "Domestic abuse"})
    assert filtered["results"], "no result has the topic 'Domestic abuse'"
    assert len(filtered["results"]) < len(everything["results"])
    for result in filtered["results"]:
        assert "Domestic abuse" in result["filters"]["topic"], result


def test_year_filter_covers_every_page_of_the_year(page: Page, base_url: str) -> None:
    everything = _api(page, base_url, "board")
    assert everything["filters"]["year"].get("2009-10")
    this_year = _api(page, base_url, "board", {"year": "2009-10"})
    other_year = _api(page, base_url, "board", {"year": "1999-00"})
    assert len(this_year["results"]) == len(everything["results"])
    assert other_year["results"] == []


def test_filters_are_offered_in_the_search_page(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}search-help.html?q=abuse")
    page.wait_for_selector(".pagefind-ui__filter-panel")
    names = page.eval_on_selector_all(
        ".pagefind-ui__filter-name", "els => els.map(el => el.textContent.trim())"
    )
    assert {"topic", "year", "agency"} <= {name.lower() for name in names}, names
    count = "() => parseInt(document.querySelector('.pagefind-ui__message').textContent, 10)"
    page.wait_for_function(f"() => ({count})() > 0")
    before = page.evaluate(count)
    page.locator(".pagefind-ui__filter-name", has_text="Topic").click()
    page.get_by_label("Domestic abuse", exact=False).first.check()
    page.wait_for_function(f"(before) => ({count})() < before", arg=before)
    assert 0 < page.evaluate(count) < before


def test_agency_filter_narrows_results(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}search-help.html?q=abuse")
    page.wait_for_selector(".pagefind-ui__filter-panel")
    count = "() => parseInt(document.querySelector('.pagefind-ui__message').textContent, 10)"
    page.wait_for_function(f"() => ({count})() > 0")
    before = page.evaluate(count)
    page.locator(".pagefind-ui__filter-name", has_text="Agency").click()
    page.get_by_label("Probation", exact=False).first.check()
    page.wait_for_function(f"(before) => ({count})() < before", arg=before)
    assert 0 < page.evaluate(count) < before


def test_first_search_lists_every_filter_when_filter_files_are_slow(
    page: Page, base_url: str
) -> None:
    """A search returns only the filters whose files have arrived, and Pagefind's UI keeps the
    filters of the first search: the search page must wait for every filter before searching."""

    def slow(route: Route) -> None:
        time.sleep(1.0)  # the index chunk, which is not held up, arrives first
        route.fallback()

    page.route("**/pagefind/filter/*", slow)
    page.goto(f"{base_url}search-help.html?q=abuse")
    page.wait_for_function(
        "() => /^\\d+ results? for/.test("
        "document.querySelector('.pagefind-ui__message')?.textContent.trim() ?? '')"
    )
    names = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert sorted(names) == ["Agency", "Topic", "Year"]


def _benchmark_weight() -> Any:
    """``benchmarks/weight.py``, which counts the bytes of a search for ``nox -s bench``."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "weight.py"
    spec = importlib.util.spec_from_file_location("lscb_bench_weight", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Searches the search page sends to Pagefind as typed: the benchmark does not follow a search
# for a glossary term into its other forms (S47 is also a search for "Section 47").
@pytest.mark.parametrize("words", ["private fostering", "young carers", "Baby F"])
def test_search_downloads_the_files_the_benchmark_counts(
    page: Page, base_url: str, site: Path, words: str
) -> None:
    """The benchmark's ``search_query_kb`` counts, without a browser, the files a first search
    downloads; here Chromium, with its cache off, shows which files that really is."""
    weight = _benchmark_weight()
    page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(f"{base_url}search-help.html")
    page.wait_for_load_state("networkidle")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    search(page, base_url, words)
    page.wait_for_load_state("networkidle")
    bundle = f"{base_url}pagefind/"
    loaded = {
        urlsplit(url).path.removeprefix(urlsplit(bundle).path)
        for url in requested
        if url.startswith(bundle)
    } - {"pagefind-ui.js", "pagefind-ui.css"}  # the search page's own, in its page weight
    counted = set(
        weight.pagefind_query(site / "pagefind", words, worker=weight.uses_worker(site))["files"]
    )

    def fragments(files: set[str]) -> set[str]:
        return {f for f in files if f.startswith("fragment/")}

    assert loaded - fragments(loaded) == counted - fragments(counted)
    assert len(fragments(loaded)) == len(fragments(counted))
    assert "pagefind-worker.js" not in loaded
