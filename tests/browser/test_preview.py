"""The preview in the browser: the problems at the top of the page, and a reload on each build.

The preview server (``lscb-kb serve``) runs on a copy of the shipped knowledge base, as an
editor runs it; the page is left open while a data file is saved with a mistake, then mended.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from .conftest import REPO


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The preview server on a copy of the shipped knowledge base: its address and folder."""
    root = tmp_path / "kb"
    for folder in ("conf", "data", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    command = [sys.executable, "-m", "lscb_kb.cli", "serve", "--port", "0"]
    server = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    try:
        output = ""
        for line in server.stdout:
            output += line
            if line.startswith("Serving on "):
                break
        found = re.search(r"http://\S+/", output)
        assert found is not None, output
        yield found.group(0), root
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_page_lists_a_saved_mistake_and_clears_when_it_is_mended(
    page: Page, preview: tuple[str, Path]
) -> None:
    base, root = preview
    host = urlsplit(base).netloc

    def only_the_preview(route: Route) -> None:
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_the_preview)
    page.goto(f"{base}priorities/priorities-2009-10.html")
    box = page.locator("#lscb-preview-problems")
    expect(box).to_contain_text("no problems")
    registers = page.locator(".lscb-record").count()
    assert registers > 0

    data = root / "data" / "2009-10" / "priorities.yaml"
    text = data.read_text("utf-8")
    with page.expect_event("load", timeout=60_000):  # the page reloads once the build is done
        data.write_text(text.replace("status: in-progress", "status: in-progres", 1), "utf-8")
    expect(box).to_contain_text("problems to fix")
    mistake = box.locator("li", has_text="data/2009-10/priorities.yaml:")
    expect(mistake.first).to_contain_text("in-progres")
    # The register's place on the page says why it is not shown, at the directive's line.
    assert page.locator(".lscb-record").count() == 0
    expect(page.locator(".lscb-problem").first).to_contain_text(
        "docs/priorities/priorities-2009-10.md:"
    )
    # Listed under this page first: the page's own problems, then the data file's.
    expect(box).to_contain_text("On this page (docs/priorities/priorities-2009-10.md)")

    with page.expect_event("load", timeout=60_000):
        data.write_text(text, "utf-8")
    expect(box).to_contain_text("no problems")
    assert page.locator(".lscb-record").count() == registers
