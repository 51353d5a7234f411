"""A catalogue of malformed inputs: each gives file:line, a non-zero exit and no traceback.

Every case makes one mistake in a copy of tests/roots/disclosure, then runs ``lscb-kb check``
(what ``nox -s figures`` runs) and, where the build reads what is wrong, ``sphinx-build -W``
(what ``nox -s build`` runs), each through its entry point in this process; one case is built
by ``sphinx-build`` in a subprocess too, as the session runs it. The second half feeds the
loader arbitrary documents (Hypothesis): nothing but :class:`~lscb_kb.core.LscbError` may escape it.
"""

from __future__ import annotations

import functools
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from lscb_kb.core import Catalogue, LscbError
from lscb_kb.core.validate import validate_document
from lscb_kb.core.yamlload import load_yaml

from .conftest import ROOTS, Project

DEATHS = "data/2009-10/deaths.yaml"
AUDITS = "data/2009-10/audits.yaml"
PUBLISHED = "data/2009-10/published.yaml"
INDEX = "docs/index.md"
AUDITS_PAGE = "docs/audits.md"
SETTINGS = "conf/lscb.toml"


@dataclass(frozen=True)
class Case:
    """One mistake: where it is made, what is written, and what the check must say."""

    kind: str
    file: str
    old: str | None  # None: append *new* to the file (or write it, if it does not exist)
    new: str | bytes
    where: str  # file:line (and :column where the check gives one)
    says: str  # a fragment of the message
    build: bool = True  # whether sphinx-build reads what is wrong
    build_says: str | None = None  # what the build says, where its words differ

    def apply(self, project: Project) -> None:
        path = project.root / self.file
        if isinstance(self.new, bytes):
            path.write_bytes(path.read_bytes().replace(b"Child deaths reviewed", self.new, 1))
        elif self.old is None:
            existing = path.read_text("utf-8") if path.exists() else ""
            project.write(self.file, existing + self.new)
        else:
            project.edit(self.file, self.old, self.new)


CASES: dict[str, Case] = {
    # syntax
    "yaml-unclosed-bracket": Case(
        "syntax", DEATHS, "    columns:\n", "    columns: [\n", DEATHS + ":12:7", "not valid YAML"
    ),
    "yaml-tab-indent": Case(
        "syntax",
        DEATHS,
        "    title: Child deaths by area",
        "\ttitle: Child deaths by area",
        DEATHS + ":10:1",
        "a tab is used for indentation",
    ),
    "yaml-duplicate-key": Case(
        "syntax",
        DEATHS,
        "period: 2009/10\n",
        "period: 2009/10\nperiod: 2010/11\n",
        DEATHS + ":5:1",
        "the key 'period' is given twice",
    ),
    "yaml-bad-indent": Case(
        "syntax",
        DEATHS,
        "    title: Child deaths by area",
        "     title: Child deaths by area",
        DEATHS + ":11:5",
        "not valid YAML",
    ),
    # encoding
    "data-not-utf8": Case(
        "encoding",
        DEATHS,
        None,
        "Child deaths r\xe9viewed".encode("latin-1"),
        DEATHS + ":3:22",
        "is not UTF-8 text",
    ),
    "page-not-utf8": Case(
        "encoding",
        "docs/latin.md",
        None,
        "",
        "docs/latin.md:1",
        "is not UTF-8 text",
        build=False,
    ),
    # types
    "title-is-a-list": Case(
        "types",
        DEATHS,
        "title: Child deaths by area and category",
        "title: [Child, deaths]",
        DEATHS + ":10:12",
        "must be text, got a list",
    ),
    "count-as-words": Case(
        "types",
        DEATHS,
        "unexpected: 12, total: 12}",
        "unexpected: twelve, total: 12}",
        DEATHS + ":18:60",
        "must be a whole number of at least 0, got 'twelve'",
    ),
    "flag-not-boolean": Case(
        "types",
        DEATHS,
        "about_individual_children: true",
        "about_individual_children: maybe",
        DEATHS + ":7:28",
        "must be true or false, got 'maybe'",
    ),
    "topics-not-a-list": Case(
        "types",
        DEATHS,
        "topics: [child-deaths]",
        "topics: child-deaths",
        DEATHS + ":6:9",
        "must be a list, got 'child-deaths'",
    ),
    "document-is-a-list": Case(
        "types",
        "data/2009-10/list.yaml",
        None,
        "- one\n- two\n",
        "data/2009-10/list.yaml:1:1",
        "must be a mapping of fields starting with 'kind:', got a list",
    ),
    "document-is-empty": Case(
        "types",
        "data/2009-10/empty.yaml",
        None,
        "# nothing yet\n",
        "data/2009-10/empty.yaml:1:1",
        "must be a mapping of fields starting with 'kind:'",
    ),
    # ranges
    "negative-count": Case(
        "ranges",
        DEATHS,
        "expected: 0, unexpected: 12",
        "expected: -1, unexpected: 12",
        DEATHS + ":18:45",
        "must be a whole number of at least 0, got -1",
    ),
    "fractional-count": Case(
        "ranges",
        DEATHS,
        "expected: 0, unexpected: 12",
        "expected: 0.5, unexpected: 12",
        DEATHS + ":18:45",
        "must be a whole number of at least 0, got 0.5",
    ),
    "threshold-zero": Case(
        "ranges",
        SETTINGS,
        "threshold = 4",
        "threshold = 0",
        SETTINGS + ":9",
        "disclosure.threshold: must be a whole number of at least 1, got 0",
    ),
    "published-year-out-of-range": Case(
        "ranges",
        PUBLISHED,
        "  when: 2010",
        "  when: 1810",
        PUBLISHED + ":10:9",
        "published_in_full.when: must be a year such as 2010",
    ),
    # units
    "unknown-unit": Case(
        "units",
        DEATHS,
        "label: Expected, unit: count}",
        "label: Expected, unit: deaths}",
        DEATHS + ":13:48",
        "must be one of 'count', 'percent', 'money', 'rate', 'text' or 'date'",
    ),
    "rate-without-per": Case(
        "units",
        DEATHS,
        "label: Expected, unit: count}",
        "label: Expected, unit: rate}",
        DEATHS + ":13:9",
        "a rate column needs 'per'",
    ),
    "row-unit-unknown": Case(
        "units",
        DEATHS,
        "{key: north, area: North,",
        "{key: north, unit: litres, area: North,",
        DEATHS + ":18:28",
        "a row's unit must be one of count, percent, money, rate",
    ),
    "figure-unit-unknown": Case(
        "units",
        AUDITS,
        "    value: 3\n    unit: count",
        "    value: 3\n    unit: cases",
        AUDITS + ":11:11",
        "must be one of 'count'",
    ),
    # totals
    "total-row-wrong": Case(
        "totals",
        DEATHS,
        "expected: 7, unexpected: 28",
        "expected: 8, unexpected: 28",
        DEATHS + ":21",
        "total-row:deaths.by-area/expected",
        build=False,
    ),
    "total-column-wrong": Case(
        "totals",
        DEATHS,
        "expected: 5, unexpected: 7, total: 12",
        "expected: 5, unexpected: 7, total: 13",
        DEATHS + ":20",
        "total-column:deaths.by-area/east",
        build=False,
    ),
    # references
    "unknown-source-key": Case(
        "references",
        DEATHS,
        "source: report-2010",
        "source: report-2001",
        DEATHS + ":5:9",
        "cites 'report-2001', which is not a key in data/references.bib",
    ),
    "unknown-row-in-page": Case(
        "references",
        INDEX,
        "deaths.by-area/south/expected",
        "deaths.by-area/west/expected",
        INDEX + ":3:31",
        "has no row 'west'",
    ),
    "unknown-dataset-in-page": Case(
        "references",
        INDEX,
        "{data-table} deaths.by-area",
        "{data-table} death.by-area",
        INDEX + ":6:4",
        "no data file with id 'death'",
    ),
    "total-column-not-a-column": Case(
        "references",
        DEATHS,
        "total_column: total",
        "total_column: sum",
        DEATHS + ":16:19",
        "must name one of the columns",
    ),
    "duplicate-row-key": Case(
        "references",
        DEATHS,
        "{key: east, area: East",
        "{key: south, area: East",
        DEATHS + ":20:15",
        "row key 'south' is used twice",
    ),
    "unknown-citation-in-page": Case(
        "references",
        AUDITS_PAGE,
        None,
        "\nSee {cite:p}`report-1999`.\n",
        AUDITS_PAGE + ":6:5",
        "cites 'report-1999'",
        build_says='could not find bibtex key "report-1999"',
    ),
    # injection
    "raw-html-block": Case(
        "injection",
        AUDITS_PAGE,
        None,
        '\n<div onclick="steal()">Click</div>\n',
        AUDITS_PAGE + ":6:1",
        "raw HTML is not allowed on a page",
    ),
    "inline-html": Case(
        "injection",
        AUDITS_PAGE,
        None,
        "\nSee <img src=x onerror=alert(1)> here.\n",
        AUDITS_PAGE + ":6:5",
        "raw HTML is not allowed on a page",
    ),
    "raw-directive": Case(
        "injection",
        AUDITS_PAGE,
        None,
        "\n```{raw} html\n<script>alert(1)</script>\n```\n",
        AUDITS_PAGE + ":6:1",
        "the directive 'raw' is not allowed",
    ),
    "javascript-link": Case(
        "injection",
        AUDITS_PAGE,
        None,
        "\nA [prize](javascript:alert(1)) for you.\n",
        AUDITS_PAGE + ":6:11",
        "a link to a 'javascript:' address is not allowed",
    ),
    "data-link": Case(
        "injection",
        AUDITS_PAGE,
        None,
        "\nA [file](data:text/html;base64,PHNjcmlwdD4=).\n",
        AUDITS_PAGE + ":6:10",
        "a link to a 'data:' address is not allowed",
    ),
    "include-outside": Case(
        "injection",
        AUDITS_PAGE,
        None,
        "\n```{include} ../conf/conf.py\n```\n",
        AUDITS_PAGE + ":6:1",
        "'include' may only use files from docs/ and data/",
    ),
    "literalinclude-outside": Case(
        "injection",
        AUDITS_PAGE,
        None,
        "\n```{literalinclude} /../conf/lscb.toml\n```\n",
        AUDITS_PAGE + ":6:1",
        "'literalinclude' may only use files from docs/ and data/",
    ),
    "front-matter-enables-html": Case(
        "injection",
        AUDITS_PAGE,
        "# Audits",
        "---\nmyst:\n  enable_extensions: [html_image]\n---\n# Audits",
        AUDITS_PAGE + ":3:1",
        "front matter may not change the MyST setting",
    ),
    "front-matter-html-meta": Case(
        "injection",
        AUDITS_PAGE,
        "# Audits",
        "---\nhtml_meta:\n  refresh: 0; url=x\n---\n# Audits",
        AUDITS_PAGE + ":2:1",
        "front matter may not set 'html_meta'",
    ),
    "nested-script-in-directive": Case(
        "injection",
        AUDITS_PAGE,
        None,
        "\n:::{note}\nHi\n\n<script>alert(1)</script>\n:::\n",
        AUDITS_PAGE + ":9:1",
        "raw HTML is not allowed on a page",
    ),
    # personal data
    "nhs-number-in-data": Case(
        "personal",
        AUDITS,
        "label: Cases audited",
        "label: Cases audited, including 943 476 5919",
        AUDITS + ":20:37",
        "is a valid NHS number",
        build=False,
    ),
    "postcode-in-page": Case(
        "personal",
        AUDITS_PAGE,
        None,
        "\nThe family lived at RM17 6SL.\n",
        AUDITS_PAGE + ":6:21",
        "looks like a full postcode",
        build=False,
    ),
    "phone-in-page": Case(
        "personal",
        AUDITS_PAGE,
        None,
        "\nRing the mother on 07700 900123.\n",
        AUDITS_PAGE + ":6:20",
        "looks like a telephone number",
        build=False,
    ),
    "email-in-data": Case(
        "personal",
        AUDITS,
        "label: Cases audited",
        "label: Cases audited by jo.bloggs@example.org",
        AUDITS + ":20:29",
        "looks like a personal email address",
        build=False,
    ),
    "denied-name-in-page": Case(
        "personal",
        AUDITS_PAGE,
        None,
        "\nThe review of jane doe found gaps.\n",
        AUDITS_PAGE + ":6:15",
        "is a name on the board's deny-list",
        build=False,
    ),
    "date-of-birth-in-page": Case(
        "personal",
        AUDITS_PAGE,
        None,
        "\nChild B (DOB 03/04/2005) was known to services.\n",
        AUDITS_PAGE + ":6:10",
        "looks like a date of birth",
        build=False,
    ),
    # suppression
    "published-without-flag": Case(
        "suppression",
        PUBLISHED,
        "about_individual_children: true\n",
        "",
        PUBLISHED + ":7:1",
        "belongs only to a file about individual children",
    ),
    "children-counts-undeclared": Case(
        "suppression",
        DEATHS,
        "about_individual_children: true\n",
        "",
        DEATHS + ":6:1",
        "say whether they are about individual children",
    ),
    "published-without-reason": Case(
        "suppression",
        PUBLISHED,
        "  reason: The board published these figures in its annual report in 2010.\n",
        "",
        PUBLISHED + ":9:3",
        "published_in_full.reason: is required but missing",
    ),
    "threshold-not-a-number": Case(
        "suppression",
        SETTINGS,
        "threshold = 4",
        'threshold = "four"',
        SETTINGS + ":9",
        "disclosure.threshold: must be a whole number of at least 1, got 'four'",
    ),
}

KINDS = {case.kind for case in CASES.values()}


def test_catalogue_covers_every_kind_of_mistake() -> None:
    assert len(CASES) >= 30
    assert {
        "syntax",
        "encoding",
        "types",
        "ranges",
        "units",
        "totals",
        "references",
        "injection",
        "personal",
        "suppression",
    } == KINDS


def _prepare(make_project: Callable[[str], Project], name: str) -> tuple[Project, Case]:
    project = make_project("disclosure")
    case = CASES[name]
    if name == "page-not-utf8":
        (project.root / case.file).write_bytes(b"# Latin\n\nCaf\xe9\n")
    else:
        case.apply(project)
    return project, case


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_names_file_and_line(make_project: Callable[[str], Project], name: str) -> None:
    project, case = _prepare(make_project, name)
    result = project.cli("check")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    lines = [line for line in result.stdout.splitlines() if line.startswith(case.where + ":")]
    assert any(case.says in line for line in lines), output


BUILD_CASES = sorted(name for name, case in CASES.items() if case.build)


@pytest.mark.parametrize("name", BUILD_CASES)
def test_build_fails_with_file_and_line(make_project: Callable[[str], Project], name: str) -> None:
    project, case = _prepare(make_project, name)
    result = project.sphinx_build()
    output = project.relative(result.stdout + result.stderr)
    assert result.returncode != 0
    assert "Traceback" not in output
    file, line = case.where.split(":")[:2]
    where = case.where if file.startswith(("data/", "conf/")) else f"{file}:{line}"
    warnings = [text for text in output.splitlines() if text.startswith(f"{where}: WARNING: ")]
    says = case.build_says or case.says.split(" got ")[0]
    assert any(says in text for text in warnings), output


def test_raw_html_block_in_page_fails_build_at_its_line(
    make_project: Callable[[str], Project],
) -> None:
    project, _case = _prepare(make_project, "raw-html-block")
    result = project.sphinx_build_subprocess()
    output = project.relative(result.stdout + result.stderr)
    assert result.returncode != 0
    assert (
        "docs/audits.md:6: WARNING: raw HTML is not allowed on a page (the site runs no HTML or "
        "script from pages)" in output
    )
    assert "steal()" not in (project.out / "audits.html").read_text("utf-8")


# -- the loader, fed anything ---------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=1000),
    st.dates(),
    st.text(max_size=20),
    st.sampled_from(["count", "percent", "money", "rate", "text", "date", "tables", "total"]),
)
keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "kind",
            "id",
            "title",
            "period",
            "source",
            "tables",
            "figures",
            "records",
            "terms",
            "columns",
            "rows",
            "total",
            "total_column",
            "key",
            "label",
            "unit",
            "per",
            "value",
            "about_individual_children",
            "published_in_full",
            "reason",
            "date",
            "topics",
        ]
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=30,
)


@functools.cache
def _valid_tables() -> dict[str, Any]:
    """The valid tables file, read once: :func:`_mutate` makes new mappings and lists along
    the path it replaces, and never changes the document it is given."""
    yaml = YAML(typ="safe")
    return dict(yaml.load((ROOTS / "disclosure" / DEATHS).read_text("utf-8")))


def _mutate(document: Any, path: list[int], replacement: Any) -> Any:
    """Replace the node that *path* picks (each step an index into a node's children)."""
    if not path:
        return replacement
    if isinstance(document, dict) and document:
        key = list(document)[path[0] % len(document)]
        return {**document, key: _mutate(document[key], path[1:], replacement)}
    if isinstance(document, list) and document:
        index = path[0] % len(document)
        return [
            *document[:index],
            _mutate(document[index], path[1:], replacement),
            *document[index + 1 :],
        ]
    return replacement


def _dump(document: Any) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(plain(document), stream)
    return stream.getvalue()


def _load_and_validate(path: Path) -> None:
    try:
        located = load_yaml(path)
    except LscbError as err:
        assert err.problems
        assert all(p.file and p.line >= 1 for p in err.problems)
        return
    _dataset, problems = validate_document(located)
    assert all(p.line >= 1 for p in problems)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_loader_survives_arbitrary_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "any.yaml"
    path.write_text(text, "utf-8")
    _load_and_validate(path)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_loader_survives_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.yaml"
    path.write_bytes(data)
    _load_and_validate(path)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=documents)
def test_loader_survives_arbitrary_structures(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "any.yaml"
    path.write_text(_dump(document), "utf-8")
    _load_and_validate(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.lists(st.integers(0, 20), min_size=1, max_size=6),
    replacement=documents,
)
def test_catalogue_survives_a_valid_file_with_any_part_replaced(
    tmp_path: Path, path: list[int], replacement: Any
) -> None:
    """Near-valid tables files reach the deeper checks (units, totals, disclosure)."""
    root = tmp_path / "project"
    if not root.exists():
        (root / "data" / "2009-10").mkdir(parents=True)
        (root / "conf").mkdir()
        (root / "conf" / "lscb.toml").write_text('[years]\ncurrent = "2009-10"\n', "utf-8")
        shutil.copy(ROOTS / "disclosure" / "data" / "references.bib", root / "data")
    document = _mutate(_valid_tables(), path, replacement)
    (root / "data" / "2009-10" / "deaths.yaml").write_text(_dump(document), "utf-8")
    catalogue = Catalogue.load(root)  # never raises for bad data
    for problem in catalogue.problems:
        assert problem.file.endswith(".yaml") or problem.file.endswith(".toml")
    from lscb_kb.checks.rules import check_figures  # noqa: PLC0415

    if not catalogue.problems:
        check_figures(catalogue)
    for entry in catalogue.entries.values():
        from lscb_kb.core.models import TablesDataset  # noqa: PLC0415
        from lscb_kb.published.disclosure import Policy, publishable_table  # noqa: PLC0415

        if isinstance(entry.dataset, TablesDataset):
            for name in entry.dataset.tables:
                publishable_table(entry.dataset, name, Policy())
