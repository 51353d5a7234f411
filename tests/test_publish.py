"""Fail closed: a failed build or check leaves the last good site exactly as it was.

``nox -s build`` runs ``python -m lscb_kb.publish``; these tests run the same code on a copy of
tests/roots/basic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lscb_kb.publish import PublishError, main, publish, swap_in

from .conftest import REPO, Project


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under *folder*, byte for byte."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def published(make_project: Callable[[str], Project]) -> tuple[Project, dict[str, bytes]]:
    project = make_project("basic")
    site = publish(project.root)
    assert site == project.root / "build" / "html"
    before = snapshot(site)
    assert "index.html" in before
    assert "£81,751" in before["index.html"].decode("utf-8")
    return project, before


def test_bad_data_leaves_previous_site_byte_for_byte(
    published: tuple[Project, dict[str, bytes]],
) -> None:
    project, before = published
    project.edit("data/2009-10/budget.yaml", "actual: 81751\n", "actual: 81,75l\n")
    with pytest.raises(PublishError, match="checks failed"):
        publish(project.root)
    build = project.root / "build"
    assert snapshot(build / "html") == before
    assert not (build / "html.new").exists()


def test_failed_sphinx_build_leaves_previous_site_byte_for_byte(
    published: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = published
    # lscb-kb check does not resolve links between pages; only the Sphinx build fails on it.
    project.edit("docs/plain.md", "This page uses no data.", "See {doc}`no-such-page`.")
    assert main(["--root", str(project.root)]) == 1
    assert "Not published: the build failed" in capsys.readouterr().err
    build = project.root / "build"
    assert snapshot(build / "html") == before
    assert not (build / "html.new").exists()
    assert not (build / "doctrees.new").exists()


def test_good_build_replaces_the_site(published: tuple[Project, dict[str, bytes]]) -> None:
    project, before = published
    project.edit("data/2009-10/budget.yaml", "actual: 81751\n", "actual: 81752\n")
    project.edit("data/2009-10/budget.yaml", "actual: 95128}", "actual: 95129}")
    publish(project.root)
    after = snapshot(project.root / "build" / "html")
    assert after != before
    assert "£81,752" in after["index.html"].decode("utf-8")
    assert not (project.root / "build" / "html.old").exists()


def test_swap_keeps_the_old_site_if_the_new_one_is_missing(tmp_path: Path) -> None:
    target = tmp_path / "html"
    target.mkdir()
    (target / "index.html").write_text("old", "utf-8")
    with pytest.raises(OSError):
        swap_in(tmp_path / "html.new", target)
    assert (target / "index.html").read_text("utf-8") == "old"


def test_nox_build_session_uses_the_tested_code() -> None:
    noxfile = (REPO / "noxfile.py").read_text("utf-8")
    session = re.search(r"def build\(session.*?(?=\n@nox.session)", noxfile, re.S)
    assert session is not None
    assert '"lscb_kb.publish"' in session.group(0)
    assert 'session.run("sphinx-build"' not in session.group(0)
