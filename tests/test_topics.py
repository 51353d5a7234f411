"""Topics: pages and records declare them; a page per topic gathers everything on it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import Tag

from lscb_kb.core.topics import Topics
from lscb_kb.sphinxext.topics import parse_topics

from .conftest import REPO, Built, Project


@pytest.fixture
def charts(make_project: Callable[[str], Project]) -> Project:
    return make_project("charts")


@pytest.fixture
def charts_built(built_root: Callable[[str], Built]) -> Built:
    """tests/roots/charts as it is, built fresh once for the tests that only read it."""
    return built_root("charts")


def _section(project: Project, page: str, ident: str) -> Tag:
    section = project.html(page).select_one(f"section#{ident}, section:has(> h2#{ident})")
    if section is None:  # the heading carries the section's id
        heading = project.html(page).select_one(f"#{ident}")
        assert heading is not None, ident
        section = heading.find_parent("section")
    assert section is not None
    return section


def _links(section: Tag) -> list[tuple[str, str]]:
    return [(a.get_text(strip=True), str(a["href"])) for a in section.select("li a")]


def test_topic_page_gathers_pages_records_and_data(charts_built: Built) -> None:
    charts, result = charts_built
    assert result.warnings == ""
    page = charts.html("topics/bullying")
    assert "Bullying and discrimination." in page.get_text()
    assert _links(_section(charts, "topics/bullying", "pages-on-this-topic")) == [
        ("Indicators", "../indicators.html"),
    ]
    records = _section(charts, "topics/bullying", "records-on-this-topic")
    assert _links(records) == [
        ("Bullying is higher than in England (Open)", "../indicators.html#qa-0910-01"),
    ]
    assert "QA-0910-01" in records.get_text()
    data = _section(charts, "topics/bullying", "data-on-this-topic")
    text = data.get_text(" ", strip=True)
    assert "Performance indicators (2009/10)" in text
    assert ("Indicators", "../indicators.html") in _links(data)
    assert ("CSV", "../_downloads/data/2009-10/indicators.latest.csv") in _links(data)
    # A topic on several pages lists each once, in the order of the site's navigation.
    governance = _links(_section(charts, "topics/governance", "pages-on-this-topic"))
    assert governance == [("Budget", "../budget.html")]
    budget_records = _links(_section(charts, "topics/budget", "records-on-this-topic"))
    assert budget_records == [("Budget reporting (Done)", "../budget.html#qa-0910-02")]


def test_topic_index_lists_every_topic_with_its_page(charts_built: Built) -> None:
    charts, _result = charts_built
    page = charts.html("topics/index")
    terms = [(dt.get_text(strip=True), dt.a["href"]) for dt in page.select("dl dt") if dt.a]
    assert terms == [
        ("About this site", "about-this-site.html"),
        ("Budget", "budget.html"),
        ("Bullying", "bullying.html"),
        ("Child deaths", "child-deaths.html"),
        ("Governance", "governance.html"),
    ]
    assert "Bullying and discrimination. 1 page, 1 record, 1 dataset." in page.get_text(" ")


def test_unknown_topic_on_a_page_warns_at_its_line(charts: Project) -> None:
    charts.edit("docs/budget.md", "topics: [budget, governance]", "topics: [budget, goverance]")
    result = charts.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/budget.md:2: WARNING: front matter topics: 'goverance' is not a topic in "
        "conf/topics.yaml; did you mean 'governance'? [lscb.topic]"
    ]


def test_unknown_topic_in_a_list_over_several_lines_warns_at_that_line(charts: Project) -> None:
    charts.edit("docs/budget.md", "topics: [budget, governance]", "topics:\n  - budget\n  - money")
    result = charts.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/budget.md:4: WARNING: front matter topics: 'money' is not a topic in "
        "conf/topics.yaml; add it to conf/topics.yaml first [lscb.topic]"
    ]


def test_unknown_topic_on_a_record_warns_at_the_data_line(charts: Project) -> None:
    charts.edit("data/2009-10/findings.yaml", "topics: [bullying]", "topics: [bulying]")
    result = charts.build(fresh=True)
    assert result.warnings.splitlines() == [
        "data/2009-10/findings.yaml:11:14: WARNING: records[0].topics[0]: 'bulying' is not a "
        "topic in conf/topics.yaml; did you mean 'bullying'? [lscb.topic]"
    ]


def test_a_page_without_topics_warns_when_topics_are_required(charts: Project) -> None:
    charts.write("docs/extra.md", "# Extra\n\nNo front matter.\n")
    charts.edit("docs/index.md", "references\n", "references\nextra\n")
    result = charts.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/extra.md:1: WARNING: the page declares no topics; add 'topics: [...]' to its "
        "front matter, choosing from conf/topics.yaml: about-this-site, budget, bullying, "
        "child-deaths, governance [lscb.topic]"
    ]


def test_a_topic_without_its_page_warns_on_the_index(charts: Project) -> None:
    (charts.root / "docs/topics/child-deaths.md").unlink()
    result = charts.build(fresh=True)
    assert result.warnings.splitlines() == [
        "docs/topics/index.md:7: WARNING: topic-index: the topic 'child-deaths' has no page; "
        "add docs/topics/child-deaths.md holding a topic-page directive for 'child-deaths' "
        "[lscb.topic]"
    ]


def test_changing_a_pages_topics_rewrites_the_topic_pages(charts: Project) -> None:
    charts.build(fresh=True)
    assert _links(_section(charts, "topics/bullying", "pages-on-this-topic")) == [
        ("Indicators", "../indicators.html"),
    ]
    charts.edit("docs/budget.md", "topics: [budget, governance]", "topics: [budget, bullying]")
    result = charts.build()
    assert result.read == ["budget"]  # only the edited page is read again ...
    # ... but the topic pages are written again with what changed.
    assert _links(_section(charts, "topics/bullying", "pages-on-this-topic")) == [
        ("Budget", "../budget.html"),
        ("Indicators", "../indicators.html"),
    ]
    assert _links(_section(charts, "topics/governance", "pages-on-this-topic")) == []
    index = charts.html("topics/index").get_text(" ")
    assert "Bullying and discrimination. 2 pages, 1 record, 1 dataset." in index
    # A record's topics live in a data file: editing it updates the topic pages too.
    charts.edit("data/2009-10/findings.yaml", "topics: [budget, governance]", "topics: [budget]")
    charts.build()
    records = _links(_section(charts, "topics/governance", "records-on-this-topic"))
    assert records == []


def test_front_matter_topics_are_read_as_myst_hands_them_over() -> None:
    assert parse_topics('["budget", "governance"]') == ["budget", "governance"]
    assert parse_topics("budget, governance") == ["budget", "governance"]
    assert parse_topics(None) == []


def test_every_page_and_record_of_the_site_names_known_topics() -> None:
    topics = Topics.load(REPO / "conf" / "topics.yaml")
    assert topics.problems == []
    pages = [p for p in (REPO / "docs").rglob("*.md")]
    assert pages
    for path in pages:
        text = path.read_text("utf-8")
        assert text.startswith("---\n"), path
        front = text.split("---\n", 2)[1]
        line = next((x for x in front.splitlines() if x.startswith("topics:")), None)
        assert line is not None, f"{path} declares no topics"
        for key in parse_topics(line.removeprefix("topics:").strip()):
            assert key in topics, (path, key)
    for key in topics.topics:
        assert (REPO / "docs" / "topics" / f"{key}.md").is_file(), key
