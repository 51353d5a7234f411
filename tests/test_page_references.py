"""What the pages name, found by ``lscb-kb check`` as the Sphinx build finds it.

The check reads pages with MyST's own parser (:mod:`lscb_kb.checks.pages`), so a directive's
closing fence is not the start of a code block, a role in a code block or in inline code is an
example, and a role inside an admonition, a tab, a card, a list or a table is a use. These tests
hold the check to the build: on the shipped pages it finds every figure and dataset the build
resolves, at the same lines; on a page of mistakes in every position, it reports every problem
the build reports about names, at the same file and line, in the same words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lscb_kb.checks.pages import DATASET_DIRECTIVES, page_references, read_page
from lscb_kb.checks.safety import markdown_parser

from .conftest import BuildResult, Project, Use


def _check_uses(docs: Path) -> set[Use]:
    return {
        (ref.file.relative_to(docs).with_suffix("").as_posix(), ref.line, ref.kind, ref.target)
        for ref in page_references(docs)
        if ref.kind == "fig" or ref.kind in DATASET_DIRECTIVES
    }


def _counts(uses: set[Use]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _doc, _line, kind, _target in uses:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.mark.xdist_group("shipped-site")
def test_check_finds_every_figure_and_dataset_the_build_uses_on_the_shipped_pages(
    shipped_build: tuple[Project, BuildResult, set[Use]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _result, built = shipped_build
    found = _check_uses(project.root / "docs")
    assert built, "the build ran no figure or dataset directive"
    assert sorted(built - found) == [], "the build uses these, the check does not see them"
    assert sorted(found - built) == [], "the check sees these, the build does not use them"
    counts = _counts(found)
    # The count the check used to give only for these three kinds, line by line.
    named = counts["fig"] + counts["data-table"] + counts["data-register"]
    with capsys.disabled():
        print(f"\nfigures and datasets named by docs/: {named} ({counts})")


# -- the contract: every problem the build reports about names, the check reports ----------------

CONF = """\
from pathlib import Path

project = "Test board"
extensions = ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex", "lscb_kb"]
source_suffix = {".md": "markdown"}
bibtex_bibfiles = [str(Path(__file__).resolve().parent.parent / "data" / "references.bib")]
bibtex_reference_style = "author_year"
html_theme = "basic"
html_sidebars = {"**": ["localtoc.html", "relations.html"]}
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "substitution"]
lscb_require_topics = True
nitpicky = True
"""

GLOSSARY = """\
kind: glossary
id: glossary
title: Glossary
source: report-2010
terms:
  - term: CDOP
    expansion: Child Death Overview Panel
    definition: The panel that reviews the deaths of children.
"""

# Each planted mistake names a figure that is not there: facts/<where it is>.
MISTAKES = """\
---
topics:
  - budget
  - goverance
---

# Mistakes {fig}`facts/in-heading`

A paragraph naming {fig}`facts/meetings` rightly,
then on its second line {fig}`facts/second-line` and {fig}`facts/same-line`.

```{data-table} budget.contributions
```

After a closed directive fence: {fig}`facts/after-fence`.

```
{fig}`facts/in-code`
```

After a code block: {fig}`facts/after-code`. But `{fig}`facts/inline-code`` is an example.

````md
```{data-table} nope.in-code
```
````

````{note}
In a note: {fig}`facts/in-note`.

```{data-table} budget.in-note
```
````

:::{warning}
In a colon fence: {fig}`facts/in-warning`.
:::

::::{tab-set}

:::{tab-item} Label {fig}`facts/in-label`
In a tab: {fig}`facts/in-tab`.

```{note}
Deeper: {fig}`facts/in-tab-note`.
```
:::
::::

::::{tab-set}
:::{tab-item} Straight after the fence {fig}`facts/in-label-next`
In a tab: {fig}`facts/in-tab-next`.
:::
::::

:::{dropdown} A dropdown {fig}`facts/in-dropdown-title`
:open:

Inside: {fig}`facts/in-dropdown`.
:::

::::{grid} 2

:::{grid-item-card} A card {fig}`facts/in-card-title`
:header: Head {fig}`facts/in-header`

Card body {fig}`facts/in-card`.
:::
::::

:::{admonition} A title {fig}`facts/in-admonition-title`
Body {fig}`facts/in-admonition`.
:::

- a list item {fig}`facts/in-list`
  1. nested {fig}`facts/in-nested-list`

> quoted {fig}`facts/in-quote`

| a | b |
|---|---|
| {fig}`facts/in-table` | c |

```{list-table}
:header-rows: 1

* - Head
  - Other
* - {fig}`facts/in-list-table`
  - x
```

Term
: defined {fig}`facts/in-definition`

```{data-register} findings
:topic: child-deth
```

```{data-register} findings
:ids: QA-0910-01 QA-0910-99
```

```{data-chart} budget.nope
:with-table:
```

```{data-chart} budget.contributions
:rows: council nobody
:with-table:
```

```{data-chart} budget.expenditure
:columns: actual planed
:with-table:
```

```{data-trend} facts/nothing
```

```{data-trend} 2009-10:facts/meetings
```

```{data-year} 2011-12
```

```{data-year} 2009-10
:datasets: nothing-*
```

```{data-table} 2011-12:budget.contributions
```

```{topic-page} bulying
```

See {cite:p}`report-2011` and {term}`CDPO`, and {term}`the panel <CDOP>` rightly.
"""

FIGURES = [
    "in-heading",
    "second-line",
    "same-line",
    "after-fence",
    "after-code",
    "in-note",
    "in-warning",
    "in-label",
    "in-tab",
    "in-tab-note",
    "in-label-next",
    "in-tab-next",
    "in-dropdown-title",
    "in-dropdown",
    "in-card-title",
    "in-header",
    "in-card",
    "in-admonition-title",
    "in-admonition",
    "in-list",
    "in-nested-list",
    "in-quote",
    "in-table",
    "in-list-table",
    "in-definition",
]
"""Where a figure that does not exist is named, on the page of mistakes: facts/<where>."""
PLANTED = [
    *(f"'facts/{where}'" for where in FIGURES),
    "'budget.in-note'",
    "no records match",
    "no record 'QA-0910-99'",
    "'budget.nope'",
    "no row 'nobody'",
    "no column 'planed'",
    "'facts/nothing'",
    "'2009-10:facts/meetings'",
    "data-year '2011-12'",
    "'nothing-*'",
    "'2011-12:budget.contributions'",
    "topic-page: 'bulying'",
    "'goverance'",
    "report-2011",
    "CDPO",
    "declares no topics",
    "records[0].topics[0]",
]
"""A fragment of each problem planted in the project, each reported once by both."""
EXAMPLES = ["facts/in-code", "facts/inline-code", "nope.in-code"]
"""Names in code: examples that neither may report."""

COMPARED = ("lscb.address", "lscb.topic", "lscb.directive")
"""The extension's warnings about names, compared word for word."""
OTHERS = {"bibtex.key_not_found": r'"([^"]+)"', "ref.term": r"'([^']+)'"}
"""Warnings of sphinxcontrib-bibtex and Sphinx, compared by place and the name they give."""

WARNING = re.compile(r"^(\S+?):(\d+)(?::\d+)?: WARNING: (.*) \[([a-z._]+)\]$")
REPORTED = re.compile(r"^(\S+?):(\d+)(?::\d+)?: (.*)$")


@pytest.fixture
def mistakes(make_project: Callable[[str], Project]) -> Project:
    project = make_project("charts")
    project.write("conf/conf.py", CONF)
    project.write("data/glossary.yaml", GLOSSARY)
    project.write("docs/mistakes.md", MISTAKES)
    project.write(
        "docs/glossary.md", "---\ntopics: [about-this-site]\n---\n\n# Glossary\n\n"
        "```{data-glossary}\n```\n"
    )  # fmt: skip
    project.write("docs/notopics.md", "# No topics\n\nThis page names none.\n")
    project.edit("docs/index.md", "references\n", "references\nmistakes\nglossary\nnotopics\n")
    project.edit("data/2009-10/findings.yaml", "topics: [bullying]", "topics: [bulying]")
    return project


def _build_problems(project: Project) -> list[tuple[str, int, str, str]]:
    """(file, line, message, type) of each warning of the build about a name."""
    out = []
    for text in project.build(fresh=True).warnings.splitlines():
        match = WARNING.match(text)
        if match and match.group(4) in (*COMPARED, *OTHERS):
            file, line, message, kind = match.groups()
            out.append((file, int(line), message, kind))
    return out


def _check_problems(project: Project) -> set[tuple[str, int, str]]:
    result = project.cli("check")
    assert "Traceback" not in result.stdout + result.stderr
    found = set()
    for text in result.stdout.splitlines():
        match = REPORTED.match(text)
        if match:
            found.add((match.group(1), int(match.group(2)), match.group(3)))
    return found


def test_check_reports_every_problem_with_names_the_build_reports(mistakes: Project) -> None:
    built = _build_problems(mistakes)
    checked = _check_problems(mistakes)
    missed = []
    for file, line, message, kind in built:
        if kind in COMPARED:
            if (file, line, message) not in checked:
                missed.append(f"{file}:{line}: {message} [{kind}]")
            continue
        match = re.search(OTHERS[kind], message)
        assert match is not None, message
        name = match.group(1)
        if not any(
            (f, n) == (file, line) and f"'{name}'" in said for f, n, said in checked
        ):  # fmt: skip
            missed.append(f"{file}:{line}: {message} [{kind}]")
    assert missed == [], "the build reports these, the check does not"
    # Every planted mistake is reported, once, by both; the examples in code by neither.
    built_text = [message for _file, _line, message, _kind in built]
    checked_text = [message for _file, _line, message in checked]
    for planted in PLANTED:
        assert sum(planted in text for text in built_text) == 1, planted
        assert sum(planted in text for text in checked_text) == 1, planted
    for example in EXAMPLES:
        assert not any(example in text for text in [*built_text, *checked_text]), example
    assert len(built) == len(PLANTED)


def test_a_mistake_after_a_closed_directive_is_found_at_its_line_and_column(
    tmp_path: Path,
) -> None:
    """The mistake of the old line-by-line reading: a directive's closing fence opened a code
    block, and what followed it was not read until the next fence."""
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    page.write_text(
        "# Page\n\n```{data-table} budget.expenditure\n```\n\n"
        "Spent {fig}`budget.expenditure/total/actual`, twice {fig}`budget.x/y/z`.\n\n"
        "```python\nprint('{fig}`not/a/use`')\n```\n",
        "utf-8",
    )
    found = read_page(page, page.parent, markdown_parser(["colon_fence"]))
    assert found is not None
    assert [(ref.line, ref.column, ref.kind, ref.target) for ref in found.references] == [
        (3, 4, "data-table", "budget.expenditure"),
        (6, 7, "fig", "budget.expenditure/total/actual"),
        (6, 53, "fig", "budget.x/y/z"),
    ]
