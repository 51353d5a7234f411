"""Fail closed: a failed build or check leaves the last good site exactly as it was.

``nox -s build`` runs ``python -m lscb_kb.publish``; these tests run the same code on a copy of
tests/roots/basic. The good site is published once, with ``sphinx-build`` and Pagefind run as
programs as the session runs them, and each test starts from its own copy of that project. The
failed build runs ``sphinx-build`` as a program too; the good rebuild runs it in this process.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from lscb_kb.publish import PublishError, main, publish, swap_in

from .conftest import REPO, Project, copy_root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under *folder*, byte for byte."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def published_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """tests/roots/basic, published by ``publish`` as ``nox -s build`` runs it."""
    root = copy_root("basic", tmp_path_factory.mktemp("published") / "basic")
    with contextlib.chdir(root):
        site = publish(root)
    assert site == root / "build" / "html"
    before = snapshot(site)
    assert "index.html" in before
    assert "£81,751" in before["index.html"].decode("utf-8")
    return root, before


@pytest.fixture
def published(
    published_once: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Project, dict[str, bytes]]:
    """A copy of the published project, site and all, for this test to change."""
    source, before = published_once
    root = tmp_path / "basic"
    shutil.copytree(source, root, symlinks=True)
    monkeypatch.chdir(root)
    assert snapshot(root / "build" / "html") == before
    return Project(root), before


@pytest.mark.xdist_group("published")
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


@pytest.mark.xdist_group("published")
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


@pytest.mark.xdist_group("published")
@pytest.mark.usefixtures("sphinx_in_process")
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
