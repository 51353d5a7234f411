"""Starting a second year: no code change, both years on the site, trends, carried records."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from .conftest import REPO, Built, Project


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A copy of the shipped knowledge base."""
    root = tmp_path / "kb"
    for folder in ("conf", "data", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    monkeypatch.chdir(root)
    return Project(root)


@pytest.mark.xdist_group("shipped-site")
def test_shipped_site_shows_no_trend_until_a_year_is_added(shipped_site: Built) -> None:
    site, result = shipped_site
    assert result.warnings == ""
    page = site.html("quality-assurance/performance-indicators")
    assert page.select("table.lscb-trend") == []
    # Every page names the commit and date it was built from, and links to its source.
    build = page.select_one("footer p.lscb-build")
    assert build is not None
    assert build.get_text(" ", strip=True).startswith("Built from commit")
    edit = [a["href"] for a in page.select("footer a") if a.get_text() == "Edit this page"]
    assert edit == [
        "https://github.com/thurrock-lscb/knowledge-base/edit/main/docs/quality-assurance/"
        "performance-indicators.md"
    ]
    data_edit = page.select_one("p.lscb-edit a")
    assert data_edit is not None
    assert data_edit["href"].endswith("/edit/main/data/2009-10/indicators.yaml")


def test_new_year_shows_both_years_a_trend_and_carried_records(site: Project) -> None:
    result = site.cli_subprocess("new-year", "2010-11")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote data/2010-11/indicators.yaml" in result.stdout
    indicators = site.root / "data" / "2010-11" / "indicators.yaml"
    yaml = YAML(typ="rt")
    document = yaml.load(indicators)
    rows = {row["key"]: row for row in document["tables"]["indicators"]["rows"]}
    rows["initial-assessments"]["thurrock"] = 77.2  # an invented figure for the new year
    with indicators.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
    check = site.cli("check")
    assert check.returncode == 0, check.stdout

    assert site.build(fresh=True).warnings == ""
    years = [a.get_text(strip=True) for a in site.html("years/index").select("li a")]
    assert "Data for the 2010/11 report" in years
    assert "Data for the 2009/10 report" in years

    page = site.html("quality-assurance/performance-indicators")
    trends = page.select("table.lscb-trend")
    assert len(trends) == 1  # only the indicator with figures in both years
    rows = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in trends[0].select("tbody tr")
    ]
    assert rows == [["2009/10", "73.5%"], ["2010/11", "77.2%"]]
    charts = page.select("figure.lscb-trend-chart img")
    assert len(charts) == 1  # a chart beside the trend table, drawn as SVG
    assert charts[0]["src"].endswith(".svg")
    assert "2009/10" in charts[0]["alt"] and "2010/11" in charts[0]["alt"]
    assert (site.out / "quality-assurance" / charts[0]["src"]).resolve().is_file()
    # The 2009/10 pages keep their figures.
    assert "73.5%" in [s.get_text() for s in page.select("span.lscb-figure")]

    heading = site.html("years/2010-11/index").select_one("#pri-0910-01")
    assert heading is not None
    record = heading.find_parent(class_="lscb-record")
    assert record is not None
    text = record.get_text(" ", strip=True)
    assert "History" in text and "2009/10: In progress (status at the end of 2009/10)" in text
    # Topic pages show the latest year first, with earlier years beneath.
    topic = site.html("topics/priorities").get_text(" ", strip=True)
    assert "(2010/11)" in topic and "(2009/10)" in topic
    assert topic.index("(2010/11)") < topic.index("(2009/10)")
    closed = site.html("years/2010-11/index").select("div.lscb-record .sd-bg-success")
    assert closed == []  # records that were done are not carried forward


def test_new_year_refuses_a_year_that_exists(site: Project) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lscb_kb.cli", "new-year", "2009-10"],
        cwd=site.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "the year 2009-10 exists already" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
