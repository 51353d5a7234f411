"""The preview (``lscb-kb serve``): every problem on the page and in the terminal, none dropped.

Builds run in this process through :class:`lscb_kb.preview.Previewer`, as the server runs them;
one test starts the server as an editor does and edits a data file under it.
"""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from lscb_kb.preview import Previewer, read_warnings

from .conftest import Project

MISSPELT = ("label: Thurrock, unit: percent}", "label: Thurrock, unit: percentge}")


def _page(previewer: Previewer, name: str) -> BeautifulSoup:
    return BeautifulSoup((previewer.html / f"{name}.html").read_text("utf-8"), "html.parser")


def _locations(report_problems: list) -> list[str]:
    return [problem.location for problem in report_problems]


def test_a_file_with_a_mistake_shows_why_where_its_data_would_be(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("basic")
    project.edit("data/2009-10/indicators.yaml", *MISSPELT)
    previewer = Previewer(project.root, project.root / "build" / "serve")
    report = previewer.build()
    # The mistake itself, at its line and column, and each place that could not show the data.
    data = [p for p in report.problems if p.file == "data/2009-10/indicators.yaml"]
    assert data and data[0].line > 0 and "percentge" in data[0].message, report.summary()
    page = [p for p in report.problems if p.file == "docs/indicators.md"]
    assert [p.line for p in page] == [3, 5], report.summary()  # the {fig} and the table
    # On the page, a box stands where the table would have been, saying why, at its line, and
    # the figure's role stands as it was typed.
    html = _page(previewer, "indicators")
    boxes = html.select("div.lscb-problem")
    assert len(boxes) == 1
    assert page[1].location in boxes[0].get_text(" ", strip=True)
    assert "has errors" in boxes[0].get_text(" ", strip=True)
    assert html.select_one(".problematic") is not None
    # The page loads the script that lists every problem at its top, and names its source.
    assert html.select_one('script[src*="lscb-preview.js"]') is not None
    source = html.select_one('meta[name="lscb:source"]')
    assert source is not None and source["content"] == "docs/indicators.md"
    # The terminal shows the problems, each at its place, and nothing of Sphinx's progress.
    summary = report.summary()
    assert f"{data[0].location}: " in summary and "reading sources" not in summary


def test_a_published_build_shows_no_box_and_fails_instead(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("basic")
    project.edit("data/2009-10/indicators.yaml", *MISSPELT)
    result = project.build(fresh=True)
    assert "percentge" in result.warnings
    page = (project.out / "indicators.html").read_text("utf-8")
    assert "lscb-problem" not in page and "lscb-preview" not in page


def test_a_pages_problems_stay_listed_until_it_is_read_again(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("basic")
    wrong = "Spent: {fig}`budget.expenditure/nobody/actual`."
    project.edit("docs/plain.md", "This page uses no data.", wrong)
    previewer = Previewer(project.root, project.root / "build" / "serve")
    first = previewer.build()
    on_plain = [p for p in first.problems if p.file == "docs/plain.md"]
    assert on_plain, first.summary()
    # A change that plain.md does not read: Sphinx does not read plain.md again, nor warn of it.
    project.edit("data/2009-10/indicators.yaml", "title: Performance", "title: Key performance")
    second = previewer.build()
    assert [p for p in second.problems if p.file == "docs/plain.md"] == on_plain
    # Mended, the page is read again and its problem goes.
    project.edit("docs/plain.md", "nobody", "employees")
    third = previewer.build()
    assert [p for p in third.problems if p.file == "docs/plain.md"] == []
    assert third.read >= 1


def test_what_the_preview_writes_is_checked_and_a_finding_stays_until_mended(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("basic")
    previewer = Previewer(project.root, project.root / "build" / "serve")
    assert previewer.build().problems == []
    project.edit("docs/plain.md", "This page uses no data.", "Call 07700 900123 about it.")
    found = previewer.build()
    personal = [p for p in found.problems if "plain" in p.file]
    assert personal, found.summary()
    # An edit elsewhere: the page is neither read nor written again, and still the finding is
    # listed (the site checks read everything again until they pass).
    project.edit("data/2009-10/budget.yaml", "title: Budget 2009/10", "title: Budget for 2009/10")
    again = previewer.build()
    assert [p for p in again.problems if "plain" in p.file] == personal
    project.edit("docs/plain.md", "Call 07700 900123 about it.", "This page uses no data.")
    assert previewer.build().problems == []


def test_sphinx_warnings_are_read_with_their_places_and_further_lines(tmp_path: Path) -> None:
    text = (
        f"{tmp_path}/docs/a.md:3: WARNING: first line\n  second line [lscb.address]\n"
        "WARNING: no place [myst.xref_missing]\n"
        "\x1b[91mdata/x.yaml:4:7: ERROR: coloured\x1b[39;49;00m\n"
    )
    found = read_warnings(text, tmp_path)
    assert [(p.location, p.message) for p in found] == [
        ("docs/a.md:3", "first line second line"),
        ("(the build)", "no place"),
        ("data/x.yaml:4:7", "coloured"),
    ]


def test_the_server_shows_a_saved_change_and_its_problems(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("basic")
    command = [sys.executable, "-m", "lscb_kb.cli", "serve", "--port", "0"]
    server = subprocess.Popen(command, cwd=project.root, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    try:
        lines = []
        for line in server.stdout:
            lines.append(line)
            if line.startswith("Serving on "):
                break
        base = re.search(r"http://\S+/", lines[-1])
        assert base is not None, "".join(lines)
        output = "".join(lines)
        assert "Built in" in output and "Running Sphinx" not in output, output

        def get(path: str) -> bytes:
            with urllib.request.urlopen(base.group(0) + path, timeout=60) as response:
                return response.read()

        state = json.loads(get("_preview/problems"))
        assert state["problems"] == []
        assert "81,751" in get("index.html").decode("utf-8")
        time.sleep(0.2)  # the watcher is started just after the line above
        project.edit("data/2009-10/budget.yaml", "actual: 81751", "actual: 81752")
        later = json.loads(get(f"_preview/problems?after={state['build']}"))
        assert later["build"] > state["build"]
        assert "81,752" in get("index.html").decode("utf-8")
        assert later["problems"] == []
        # A mistake: the preview lists it at its place, and so does the terminal.
        project.edit("data/2009-10/budget.yaml", "actual: 81752", "actual: 81,752 pounds")
        wrong = json.loads(get(f"_preview/problems?after={later['build']}"))
        places = [p["location"] for p in wrong["problems"]]
        assert any(place.startswith("data/2009-10/budget.yaml:") for place in places), wrong
        output = ""
        while output.count("Built in") < 2:  # the two builds since it started serving
            output += server.stdout.readline()
        count = re.search(r"(\d+) problems? to fix", output.rsplit("Built in", 1)[1])
        assert count is not None and int(count.group(1)) == len(places), output
        listed = [server.stdout.readline().strip() for _ in places]  # one line each
        assert [line.split(": ", 1)[0] for line in listed] == places
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_servers_builds_leave_collecting_to_the_pauses_between_saves(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("basic")
    previewer = Previewer(project.root, project.root / "build" / "serve", pause_collector=True)
    try:
        for count in (1, 2, 3):
            previewer.build()
            assert not gc.isenabled() and previewer.uncollected == count
        previewer.build()  # three in a row with no pause: it collects first
        assert previewer.uncollected == 1
        previewer.collect()  # what the server does after a second with no change
        assert previewer.uncollected == 0
    finally:
        gc.enable()


def test_the_checks_rule_names_show_in_a_preview_and_not_to_readers(
    make_project: Callable[[str], Project],
) -> None:
    """The notes on the figures give readers each contradiction's reference; the name of the
    rule that found it is for editors, in a preview."""
    project = make_project("figures")
    result = project.build(fresh=True)
    assert result.warnings == ""
    public = (project.out / "index.html").read_text("utf-8")
    assert "DIS-0910-01" in public and "2009/10" in public
    assert "facts/income-agrees" not in public and "rule" not in public.split("DIS-0910-01")[1][:80]
    previewer = Previewer(project.root, project.root / "build" / "serve")
    previewer.build()
    text = _page(previewer, "index").get_text(" ", strip=True)
    assert "DIS-0910-01 , 2009/10; checked by rule facts/income-agrees" in text
