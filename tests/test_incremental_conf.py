"""An incremental build after a change to conf/ (or to a file every page reads) writes what a
fresh build writes, with the same warnings; and no build in a process sees the state of the one
before it.

Each case builds a copy of a test root, changes one file, builds again into the same output
folder, and compares every written page and the warnings with a fresh build of a second copy
that holds the same change. All the builds run in this process, one after another.
"""

from __future__ import annotations

import difflib
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lscb_kb.sphinxext.dependencies import BuildContext

from .conftest import ROOTS, BuildResult, Project, copy_root

COMMIT = "0123456789abcdef0123456789abcdef01234567"
"""The commit every build is stamped with (``LSCB_COMMIT``), so that builds compare."""

FOOTER = """{% extends "!layout.html" %}
{% block footer %}{{ super() }}<p class="test-footer">Footer one</p>{% endblock %}
"""

EXCEPTION = """
[[exception]]
file = "data/2009-10/published.yaml"
switch = "published_in_full"
reason = "The board published these figures in its annual report in 2010."
decided = "2026-11-27"
"""

DERIVED = """kind: figures
id: derived
title: Worked out from the budget
period: 2009/10
source: report-2010
figures:
  left-after-staff:
    value: null
    formula: budget.expenditure/total/actual - budget.expenditure/employees/actual
    unit: money
    label: Spent on other than staff
"""

BULLYING = "  - key: bullying\n    label: Bullying\n    description: Bullying and discrimination.\n"


def replace(
    path: str, old: str, new: str, *, keep_mtime: bool = False
) -> Callable[[Project], None]:
    """An edit of *path*: *old* becomes *new*. With *keep_mtime* the file keeps its
    modification time, so that only its content shows the change."""

    def edit(project: Project) -> None:
        target = project.root / path
        stat = target.stat()
        project.edit(path, old, new)
        if keep_mtime:
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    return edit


def write(path: str, text: str) -> Callable[[Project], None]:
    def create(project: Project) -> None:
        project.write(path, text)

    return create


def remove(path: str) -> Callable[[Project], None]:
    def delete(project: Project) -> None:
        (project.root / path).unlink()

    return delete


def steps(*edits: Callable[[Project], None]) -> Callable[[Project], None]:
    def run(project: Project) -> None:
        for edit in edits:
            edit(project)

    return run


SITE_LAYOUT = """{% extends "!layout.html" %}
{% block footer %}{{ super() }}<p class="site-footer">Site footer one</p>{% endblock %}
"""


def site_theme(project: Project) -> None:
    """A site's own template and stylesheet over the site's theme (the reviews project is built
    with ``html_theme = "lscb"``), as conf/templates and conf/static."""
    project.write("conf/templates/layout.html", SITE_LAYOUT)
    project.write("conf/static/site.css", ".site-footer { color: #0b0c0c; }\n")
    conf = project.root / "conf" / "conf.py"
    conf.write_text(
        conf.read_text("utf-8")
        + 'templates_path = ["templates"]\nhtml_static_path = ["static"]\n'
        + 'html_css_files = ["site.css"]\n',
        "utf-8",
    )


EXTRA_CSS = steps(
    replace(
        "conf/conf.py",
        "html_theme =",
        'html_static_path = ["static"]\nhtml_css_files = ["extra.css"]\nhtml_theme =',
    ),
    write("conf/static/extra.css", "body { color: #111; }\n"),
)
TABLE_CAPTION = "```{data-table} published.deaths\n:caption: Deaths reviewed in 2008/09\n"

FOOTER_TEMPLATE = steps(
    replace("conf/conf.py", "html_theme =", 'templates_path = ["templates"]\nhtml_theme ='),
    write("conf/templates/layout.html", FOOTER),
)


@dataclass(frozen=True)
class Case:
    root: str
    change: Callable[[Project], None]
    prepare: Callable[[Project], None] | None = None
    """Made before the first build: a template folder, say."""
    shows: str = ""
    """Text that the warnings after the change hold, to show that the change took effect."""


CASES: dict[str, Case] = {
    "lscb.toml threshold": Case(
        "disclosure", replace("conf/lscb.toml", "threshold = 4", "threshold = 7")
    ),
    "lscb.toml symbol": Case(
        "disclosure", replace("conf/lscb.toml", 'symbol = "[c]"', 'symbol = "[x]"')
    ),
    "lscb.toml current year": Case(
        "basic",
        replace("conf/lscb.toml", 'current = "2009-10"', 'current = "2010-11"'),
        shows="budget.expenditure",
    ),
    "topics.yaml label": Case(
        "charts", replace("conf/topics.yaml", "label: Child deaths", "label: Deaths of children")
    ),
    "topics.yaml label, same mtime": Case(
        "reviews",
        replace(
            "conf/topics.yaml",
            "label: Child protection",
            "label: Keeping children safe",
            keep_mtime=True,
        ),
        site_theme,
    ),
    "topics.yaml topic removed": Case(
        "charts", replace("conf/topics.yaml", BULLYING, ""), shows="bullying"
    ),
    "rules.yaml": Case(
        "figures",
        replace("conf/rules.yaml", "deaths.by-age/north/total", "deaths.by-age/south/total"),
    ),
    "safety.toml role": Case("basic", replace("conf/safety.toml", '  "fig",', ""), shows="fig"),
    "safety.toml directive": Case(
        "reviews", replace("conf/safety.toml", "search-ui = []\n", ""), site_theme, "search-ui"
    ),
    "safety.toml directive option": Case(
        "disclosure",
        replace("conf/safety.toml", 'data-table = ["caption", ', "data-table = ["),
        replace("docs/published.md", "```{data-table} published.deaths\n", TABLE_CAPTION),
        "caption",
    ),
    "personal-data.toml": Case(
        "disclosure",
        replace("conf/personal-data.toml", '"Jane Doe"', '"Jane Doe", "Cases Audited"'),
        shows="deny-list",
    ),
    "disclosure-exceptions.toml": Case(
        "disclosure",
        replace("conf/disclosure-exceptions.toml", EXCEPTION, ""),
        shows="published_in_full",
    ),
    "template": Case(
        "basic", replace("conf/templates/layout.html", "Footer one", "Footer two"), FOOTER_TEMPLATE
    ),
    "template, same mtime": Case(
        "basic",
        replace("conf/templates/layout.html", "Footer one", "Footer six", keep_mtime=True),
        FOOTER_TEMPLATE,
    ),
    "site template": Case(
        "reviews",
        replace("conf/templates/layout.html", "Site footer one", "Site footer two"),
        site_theme,
    ),
    "site static file": Case(
        "reviews", replace("conf/static/site.css", "{", "{\n  margin: 0;"), site_theme
    ),
    "static file named in html_css_files": Case(
        "basic", replace("conf/static/extra.css", "#111", "#222"), EXTRA_CSS
    ),
    "conf.py": Case(
        "basic", replace("conf/conf.py", 'project = "Test board"', 'project = "Other board"')
    ),
    "references.bib": Case(
        "basic", replace("data/references.bib", "Annual Report 2009/10", "Annual Report 2010")
    ),
    "data file added": Case(
        "basic",
        write(
            "data/2009-10/spending.yaml",
            (ROOTS / "basic" / "data" / "2009-10" / "budget.yaml")
            .read_text("utf-8")
            .replace("id: budget", "id: spending", 1),
        ),
        replace(
            "docs/plain.md",
            "This page uses no data.",
            "Spent on staff: {fig}`spending.expenditure/employees/actual`.",
        ),
    ),
    "data file removed": Case("basic", remove("data/2009-10/indicators.yaml"), shows="indicators"),
    "data file mended": Case(
        "basic",
        replace("data/2009-10/indicators.yaml", "unit: percentage", "unit: percent"),
        replace("data/2009-10/indicators.yaml", "unit: percent}", "unit: percentage}"),
    ),
    # A figure worked out from another file's: the page shows only the file with the formula,
    # and Sphinx reads it again only for a change to that file (see pages_decided_elsewhere).
    "figure worked out from another file": Case(
        "basic",
        replace("data/2009-10/budget.yaml", "actual: 81751", "actual: 81651"),
        steps(
            write("data/2009-10/derived.yaml", DERIVED),
            replace(
                "docs/plain.md",
                "This page uses no data.",
                "Left after staff: {fig}`derived/left-after-staff`.",
            ),
        ),
    ),
    "glossary": Case(
        "reviews",
        replace("data/glossary.yaml", "aliases: [Section 47]", "aliases: [Section 47, S 47]"),
        site_theme,
    ),
}


def site(out: Path) -> dict[str, str]:
    """Every page of a built site, by its path in the site."""
    return {
        path.relative_to(out).as_posix(): path.read_text("utf-8")
        for path in sorted(out.rglob("*.html"))
    }


def warnings(result: BuildResult) -> list[str]:
    return sorted(line for line in result.warnings.splitlines() if line.strip())


@pytest.fixture(autouse=True)
def stamp(monkeypatch: pytest.MonkeyPatch) -> None:
    """One commit and date for every build, so that builds compare byte for byte."""
    monkeypatch.setenv("LSCB_COMMIT", COMMIT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _fresh_copy(project: Project, tmp_path: Path) -> Project:
    """A copy of *project* as it is now, in a folder of the same name elsewhere."""
    copy = tmp_path / "fresh" / project.root.name
    shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns("build"))
    return Project(copy)


FIRST_BUILD = {
    name: next(
        first
        for first, other in CASES.items()
        if (other.root, other.prepare) == (case.root, case.prepare)
    )
    for name, case in CASES.items()
}
"""The case whose first build each case starts from: cases of one root, prepared alike, start
from the same fresh build."""


@pytest.fixture(scope="module")
def first_builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the cases' fresh builds before their changes, each made once."""
    return tmp_path_factory.mktemp("first-builds")


def _built_before_the_change(
    case_name: str, first_builds: Path, monkeypatch: pytest.MonkeyPatch
) -> Project:
    """The case's project, prepared and built fresh, in the folder its first build was made in
    (the environment Sphinx saved names that folder). The first case of a kind builds it and
    keeps a copy of the folder as the build left it, times and all; each case after it starts
    from that copy, which is what a fresh build of the same files in the same folder makes."""
    case = CASES[case_name]
    key = FIRST_BUILD[case_name]
    folder = first_builds / key
    root, kept = folder / case.root, folder / "kept"
    if kept.exists():
        shutil.rmtree(root)
        shutil.copytree(kept, root, symlinks=True)
        monkeypatch.chdir(root)
        return Project(root)
    copy_root(case.root, root)
    monkeypatch.chdir(root)
    project = Project(root)
    if case.prepare is not None:
        case.prepare(project)
    project.build(fresh=True)
    shutil.copytree(root, kept, symlinks=True)
    return project


@pytest.mark.parametrize(
    "name",
    [
        # the cases that start from one first build run on one worker, which makes it once
        pytest.param(name, marks=pytest.mark.xdist_group(f"first-build-{FIRST_BUILD[name]}"))
        for name in CASES
    ],
)
def test_incremental_build_after_a_change_matches_a_fresh_build(
    name: str,
    first_builds: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    case = CASES[name]
    project = _built_before_the_change(name, first_builds, monkeypatch)
    case.change(project)
    incremental = project.build()
    reference = _fresh_copy(project, tmp_path)
    fresh = reference.build(fresh=True)
    assert warnings(incremental) == warnings(fresh)
    if case.shows:
        assert case.shows in fresh.warnings
    assert_same_site(project.out, reference.out)


def assert_same_site(built: Path, expected: Path) -> None:
    """The same pages with the same HTML; a difference is shown as a diff of the first page."""
    got, want = site(built), site(expected)
    assert sorted(got) == sorted(want)
    for page in sorted(want):
        if got[page] != want[page]:
            diff = difflib.unified_diff(
                want[page].splitlines(), got[page].splitlines(), "fresh", "incremental", lineterm=""
            )
            pytest.fail(f"{page} differs from a fresh build:\n" + "\n".join(diff))


def test_a_build_with_nothing_changed_reads_no_page(make_project: Callable[[str], Project]) -> None:
    """The digests are stable: with every kind of configuration file in place, a second build
    reads nothing again (and a change to one file reads every page)."""
    project = make_project("reviews")
    site_theme(project)
    first = project.build(fresh=True)
    assert first.read
    assert project.build().read == []
    replace("conf/lscb.toml", "due_within_days = 30", "due_within_days = 31")(project)
    assert project.build().read == first.read
    assert project.build().read == []


def test_pages_read_in_parallel_after_a_change_match_a_fresh_build(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    """The build's context reaches the processes of a parallel read, and none comes back."""
    project = make_project("disclosure")
    project.build(fresh=True, parallel=2)
    replace("conf/disclosure-exceptions.toml", EXCEPTION, "")(project)
    incremental = project.build(parallel=2)
    reference = _fresh_copy(project, tmp_path)
    fresh = reference.build(fresh=True)
    assert "published_in_full" in fresh.warnings
    assert warnings(incremental) == warnings(fresh)
    assert_same_site(project.out, reference.out)


def test_each_build_in_a_process_is_stamped_with_its_own_commit(
    make_project: Callable[[str], Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project("reviews")
    site_theme(project)
    project.build(fresh=True)
    assert COMMIT[:12] in (project.out / "index.html").read_text("utf-8")
    monkeypatch.setenv("LSCB_COMMIT", "fedcba9876543210fedcba9876543210fedcba98")
    project.build(fresh=True)
    assert "fedcba987654" in (project.out / "index.html").read_text("utf-8")


def test_the_build_context_is_not_kept_in_the_pickled_environment() -> None:
    context = BuildContext()
    context.derived["glossary-forms"] = object()
    context.finished_reading = True
    restored = pickle.loads(pickle.dumps(context))
    assert restored.catalogue is None
    assert restored.derived == {}
    assert not restored.finished_reading
