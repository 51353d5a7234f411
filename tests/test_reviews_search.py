"""Review dates, search markup and accessible HTML, on the test project tests/roots/reviews.

The project is built with the site's own theme (``html_theme = "lscb"``, src/lscb_kb/theme/),
so these tests check what the theme's templates and the extension write; the browser tests
(tests/browser/, ``nox -s browser``) check what a reader's browser does with it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable

import pytest

from lscb_kb.checks.reviews import FrontMatter, read_front_matter, review_of

from .conftest import Built, Project, copy_root


@pytest.fixture
def site(make_project: Callable[[str], Project]) -> Project:
    return make_project("reviews")


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The project with the site's theme, built fresh once for the tests that only read it."""
    root = copy_root("reviews", tmp_path_factory.mktemp("reviews") / "reviews")
    project = Project(root)
    with contextlib.chdir(root):  # as make_project works from the project
        return project, project.build(fresh=True)


@pytest.fixture
def built(built_once: Built, monkeypatch: pytest.MonkeyPatch) -> Built:
    monkeypatch.chdir(built_once[0].root)
    return built_once


def test_builds_without_warnings_and_writes_pages_json(built: Built) -> None:
    site, result = built
    assert result.warnings == ""
    feed = json.loads((site.out / "pages.json").read_text("utf-8"))
    pages = {p["page"]: p for p in feed["pages"]}
    assert sorted(pages) == ["accessibility", "index", "overdue", "references", "search-help"]
    assert pages["overdue"] == {
        "page": "overdue",
        "url": "overdue.html",
        "title": "An overdue page",
        "owner": "Test business manager",
        "reviewed": "2020-01-01",
        "review_due": "2021-01-01",
    }


def test_page_shows_owner_dates_and_a_hidden_banner(built: Built) -> None:
    site, _result = built
    page = site.html("overdue")
    review = page.select_one(".lscb-review")
    assert review is not None
    assert " ".join(review.get_text().split()) == (
        "Page owner: Test business manager. Last reviewed: 1 January 2020. "
        "Next review due: 1 January 2021."
    )
    banner = page.select_one(".lscb-review-banner")
    assert banner is not None
    assert banner.has_attr("hidden")  # shown by lscb-review.js once the date has passed
    assert banner["data-review-due"] == "2021-01-01"
    assert page.select_one("script[src$='_static/lscb-review.js']") is not None


def test_skip_link_landmark_and_accessibility_link_on_every_page(built: Built) -> None:
    site, _result = built
    for name in ("index", "overdue", "search-help", "genindex"):
        page = site.html(name)
        first = page.body.find(True) if page.body else None
        assert first is not None and first.name == "a" and first["href"] == "#main-content"
        main = page.select("[role=main]")
        assert [m.get("id") for m in main] == ["main-content"]
        assert page.select_one("footer a[href$='accessibility.html']") is not None


def test_only_main_content_is_indexed(built: Built) -> None:
    site, _result = built
    page = site.html("index")
    bodies = page.select("[data-pagefind-body]")
    assert len(bodies) == 1
    assert bodies[0].find_parent(attrs={"role": "main"}) is not None
    assert bodies[0].select_one(".lscb-review, .lscb-review-banner") is None
    for link in page.select("a.headerlink"):
        assert link.has_attr("data-pagefind-ignore")
    # The search page and Sphinx's generated pages are not search results.
    for name in ("search-help", "genindex"):
        assert site.html(name).select("[data-pagefind-body]") == []


def test_sphinx_search_is_off_so_there_is_one_index(built: Built) -> None:
    site, _result = built
    assert not (site.out / "search.html").exists()
    assert not (site.out / "searchindex.js").exists()
    assert "searchtools.js" not in (site.out / "index.html").read_text("utf-8")


def test_headings_carry_the_ids_so_search_links_to_sections(built: Built) -> None:
    site, _result = built
    page = site.html("index")
    heading = page.select_one("h2#enquiries")
    assert heading is not None
    assert heading.find_parent("section").get("id") is None


def test_register_record_is_a_heading_with_its_id(built: Built) -> None:
    site, _result = built
    record = site.html("index").select_one("div.lscb-record")
    assert record is not None
    title = record.find(["h3"])
    assert title is not None
    assert title["id"] == "act-0910-01"
    assert title.get_text(" ", strip=True) == "ACT-0910-01 : Audit the enquiries"
    status = record.select_one(".lscb-record-status")
    assert status is not None
    assert status.get_text(" ", strip=True) == "Status: Done"


def test_header_cells_are_scoped(built: Built) -> None:
    site, _result = built
    table = site.html("index").select_one("table.lscb-table")
    assert table is not None
    assert [th.get("scope") for th in table.select("thead th")] == ["col", "col"]
    assert [th.get("scope") for th in table.select("tbody th")] == ["row", "row", "row"]
    assert table.select("td[scope]") == []


def test_acronym_and_its_expansion_are_searchable_but_not_in_the_text(built: Built) -> None:
    site, _result = built

    def terms(name: str) -> list[str]:
        page = site.html(name)
        metas = page.select('meta[data-pagefind-meta="lscb_terms[content]"]')
        assert all(m.get("name") == "lscb:search-terms" for m in metas)  # valid HTML
        return [m["content"] for m in metas]

    assert terms("index") == ["S47 Section 47 enquiry Section 47"]
    assert terms("overdue") == ["CDOP Child Death Overview Panel"]
    # In the head only: nothing in the indexed text for Pagefind to cut an excerpt from.
    body = site.html("index").select_one("[data-pagefind-body]")
    assert body is not None
    assert body.select("[data-pagefind-index-attrs], .lscb-search-terms") == []
    assert "Section 47 enquiry" not in body.get_text(" ")
    assert terms("search-help") == []  # the search page is not indexed


def test_search_page_carries_the_words_its_script_reads(built: Built) -> None:
    site, _result = built
    box = site.html("search-help").select_one("#lscb-search")
    assert box is not None
    words = json.loads(box["data-lscb-search-words"])
    assert {"how", "much", "did", "the"} <= set(words["stop"])
    assert ["S47", "Section 47 enquiry", "Section 47"] in words["glossary"]
    assert ["spend", "spent", "spending", "expenditure", "cost", "costs"] in words["everyday"]
    assert "set" in words["common"]


def test_filters_come_from_front_matter_with_the_current_year_by_default(built: Built) -> None:
    site, _result = built

    def filters(name: str) -> list[tuple[str, str]]:
        return [
            (m["data-pagefind-filter"], m["content"])
            for m in site.html(name).select("meta[data-pagefind-filter]")
        ]

    assert filters("index") == [
        ("topic[content]", "Child protection"),
        ("year[content]", "2009-10"),
        ("agency[content]", "Police"),
        ("agency[content]", "Health"),
    ]
    assert filters("overdue") == [("year[content]", "2010-11")]


def test_search_page_loads_pagefind_ui_only_there(built: Built) -> None:
    site, _result = built
    search = site.html("search-help")
    assert search.select_one("#lscb-search") is not None
    assert search.select_one("script[src$='pagefind/pagefind-ui.js']") is not None
    assert (site.out / "_static" / "lscb-search" / "pagefind.js").is_file()
    assert site.html("index").select_one("script[src*='pagefind']") is None
    box = site.html("index").select_one("search form")
    assert box is not None
    assert box["action"] == "search-help.html"


def test_missing_and_malformed_fields_warn_at_the_page_line(site: Project) -> None:
    site.edit("docs/overdue.md", "owner: Test business manager\n", "")
    site.edit("docs/overdue.md", "reviewed: 2020-01-01", "reviewed: 1 January 2020")
    site.edit("docs/references.md", "review-due: 2027-11-27", "review-due: 2026-01-01")
    site.write("docs/accessibility.md", "# Accessibility statement\n\nNo front matter.\n")
    result = site.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/accessibility.md:1: WARNING: the page has no front matter naming its owner, last "
        "review and next review; start the page with '---', then owner: Thurrock LSCB business "
        "manager, reviewed: 2026-11-27, review-due: 2027-11-27, then '---' [lscb.review]",
        "docs/overdue.md:4: WARNING: owner: the front matter has no 'owner'; add a line such as "
        "'owner: Thurrock LSCB business manager' [lscb.review]",
        "docs/overdue.md:2: WARNING: reviewed: must be a date written YYYY-MM-DD, such as "
        "2026-11-27, got '1 January 2020' [lscb.review]",
        "docs/references.md:4: WARNING: review-due: the next review (2026-01-01) must come after "
        "the last review (2026-11-27) [lscb.review]",
    ]
    check = site.cli("check")
    assert check.returncode == 1
    assert "Traceback" not in check.stderr
    assert (
        "docs/overdue.md:2: reviewed: must be a date written YYYY-MM-DD, such as 2026-11-27, "
        "got '1 January 2020'" in check.stdout
    )
    assert site.sphinx_build().returncode != 0


def test_review_command_lists_due_and_overdue_pages(site: Project) -> None:
    out = site.cli_subprocess("review", "--today", "2027-11-01")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines() == [
        "docs/overdue.md:4: overdue: review due 2021-01-01, owner Test business manager: "
        "An overdue page",
        "docs/accessibility.md:4: due: review due 2027-11-27, owner Test business manager: "
        "Accessibility statement",
        "docs/index.md:4: due: review due 2027-11-27, owner Test business manager: Home",
        "docs/references.md:4: due: review due 2027-11-27, owner Test business manager: References",
        "docs/search-help.md:4: due: review due 2027-11-27, owner Test business manager: Search",
    ]
    assert "5 pages: 1 overdue, 4 due within 30 days (as of 2027-11-01)." in out.stderr
    early = site.cli("review", "--today", "2026-12-01")
    assert early.stdout.splitlines() == [
        "docs/overdue.md:4: overdue: review due 2021-01-01, owner Test business manager: "
        "An overdue page"
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"owner": "", "reviewed": dt.date(2026, 1, 1), "review-due": dt.date(2027, 1, 1)},
            "must name who keeps the page up to date",
        ),
        (
            {"owner": "A", "reviewed": "2026-02-30", "review-due": dt.date(2027, 1, 1)},
            "must be a date written YYYY-MM-DD",
        ),
        (
            {"owner": "A", "reviewed": dt.date(2026, 1, 1), "review-due": dt.date(2026, 1, 1)},
            "must come after the last review",
        ),
    ],
)
def test_review_fields_are_checked(values: dict[str, object], message: str) -> None:
    front = FrontMatter("docs/p.md", values, dict.fromkeys(values, 3), present=True)
    review, problems = review_of(front, "p")
    assert review is None
    assert [message in p.message for p in problems] == [True]
    assert problems[0].line == 3


def test_front_matter_yaml_error_is_located(tmp_path: object) -> None:
    from pathlib import Path  # noqa: PLC0415

    page = Path(str(tmp_path)) / "p.md"
    page.write_text("---\nowner: A\nowner: B\n---\n# P\n", "utf-8")
    _front, problems = read_front_matter(page)
    assert len(problems) == 1
    assert problems[0].line == 3
    assert "not valid YAML" in problems[0].message
