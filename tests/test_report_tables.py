"""Every figure in the report's tables is on the built site, rendered from data.

The expected figures are read from the report text itself (``tests/fixtures/report-2009-10.txt``,
a copy of ``shared/source/000_f0424e614ffaddfd.txt``), never typed into this file. Each table
is found by its header line, and its tab-separated cells are parsed into figures.

For each figure the test looks in the built HTML for an element the project's extension
produces: a cell of a ``table.lscb-table`` (from ``{data-table}``) or a ``span.lscb-figure``
(from ``{fig}``), holding the figure as the site formats it (``£81,751``, ``£103,158.60``,
``61.4%``, ``2,102``, ``85.5 per 1,000``). For the report's tables, the figures of one report
row (or, for one-figure-per-row tables, of one report column) must also sit together in one
row or one column of a single rendered table, so that a figure cannot be "found" by accident
in an unrelated table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from .conftest import Built

REPO = Path(__file__).resolve().parents[1]
REPORT_NAME = "000_f0424e614ffaddfd.txt"
REPORT = REPO / "tests" / "fixtures" / "report-2009-10.txt"
"""The in-repo copy of the report, which the tests read."""
SHARED_REPORT = REPO.parent / "shared" / "source" / REPORT_NAME
"""The shared original, beside the repository (present in the workspace and in CI)."""

# ---------------------------------------------------------------------------------------------
# Figures and how the site writes them
# ---------------------------------------------------------------------------------------------

NUMBER = re.compile(r"^\s*(\d[\d,]*(?:\.\d+)?)\s*(%?)\s*$")


@dataclass(frozen=True)
class Figure:
    """One figure of the report: where it is printed, what it is, and its value and unit."""

    line: int  # 1-based line number in the report text
    where: str  # the row and column labels, as printed
    printed: str  # the cell as printed in the report
    value: Decimal
    unit: str  # count | percent | money | rate
    pence: bool = False
    per: int | None = None

    @property
    def shown(self) -> str:
        """The figure as the site writes it in prose and in most table cells."""
        value = self.value
        if self.unit == "money":
            if self.pence:
                return f"£{value.quantize(Decimal('0.01')):,}"
            return f"£{value:,}"
        if self.unit == "percent":
            return f"{value:,}%"
        if self.unit == "rate":
            return f"{value:,} per {self.per:,}"
        return f"{value:,}"

    def matches(self, text: str, header: str = "") -> bool:
        """Whether a rendered cell (under *header*) or figure shows this figure."""
        text = " ".join(text.split())
        if text == self.shown:
            return True
        # In a column of rates the unit is named once, in the heading: "Rate (per 1,000)".
        return (
            self.unit == "rate"
            and text == f"{self.value:,}"
            and f"per {self.per:,}" in " ".join(header.split())
        )

    def describe(self) -> str:
        return f"{self.shown} (printed {self.printed!r}; {self.where}; report line {self.line})"


@dataclass
class ReportTable:
    """A table of the report: its figures, and the groups of figures that belong together."""

    name: str
    header_line: int
    figures: list[Figure] = field(default_factory=list)
    groups: list[tuple[str, list[Figure]]] = field(default_factory=list)
    structured: bool = True  # whether the groups must appear as a row/column of one table


def _lines() -> list[str]:
    return REPORT.read_text(encoding="utf-8").splitlines()


def _number(cell: str) -> tuple[Decimal, bool] | None:
    """The number in a cell and whether it carried a % sign, or None if it is not a number."""
    match = NUMBER.match(cell)
    if not match:
        return None
    return Decimal(match.group(1).replace(",", "")), bool(match.group(2))


def _find_header(lines: list[str], pattern: str) -> int:
    """The 0-based index of the one line matching *pattern* (a table's header line)."""
    found = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    assert len(found) == 1, f"header {pattern!r}: expected 1 line in the report, found {found}"
    return found[0]


def parse_table(name: str, header_pattern: str, unit: str) -> ReportTable:
    """Parse the tab-separated table whose header line matches *header_pattern*.

    The table runs from the header to the next blank line. A line with text cells but no
    number starts a new segment with new column labels (such as the report's "Actual
    Expenditure" line inside its income table); a line with only a first cell is a label
    that carries over to the next row (the PCT names that the report breaks over lines).

    *unit* is ``auto`` (percent if the cell has a % sign, else count), ``percent`` or
    ``money`` (pounds and pence if the cell has a decimal point).
    """
    lines = _lines()
    start = _find_header(lines, header_pattern)
    table = ReportTable(name=name, header_line=start + 1)
    headers = lines[start].split("\t")
    segment = 0
    pending: list[str] = []
    singles: dict[tuple[int, int], list[Figure]] = {}
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            break
        cells = [c.strip() for c in line.split("\t")]
        numbers = [(i, _number(c)) for i, c in enumerate(cells) if i and c]
        if not any(n is not None for _i, n in numbers):
            if any(cells[1:]):  # a header line inside the table
                headers = line.split("\t")
                segment += 1
            elif cells[0]:  # a row label broken over lines
                pending.append(cells[0])
            continue
        label = " ".join([*pending, cells[0]]) or "(unlabelled total row)"
        pending = []
        row: list[Figure] = []
        for i, parsed in numbers:
            assert parsed is not None, f"report line {index + 1}: cell {cells[i]!r} is no number"
            value, percent = parsed
            column = headers[i].strip() if i < len(headers) else f"column {i + 1}"
            if unit == "money":
                kind, pence = "money", "." in cells[i]
            elif unit == "percent" or percent:
                kind, pence = "percent", False
            else:
                kind, pence = "count", False
            figure = Figure(
                line=index + 1,
                where=f"row {label!r}, column {column!r}",
                printed=cells[i],
                value=value,
                unit=kind,
                pence=pence,
            )
            row.append(figure)
            table.figures.append(figure)
        if len(row) > 1:
            table.groups.append((f"row {label!r} (report line {index + 1})", row))
        else:
            i = numbers[0][0]
            singles.setdefault((segment, i), []).append(row[0])
    for column_figures in singles.values():
        if len(column_figures) > 1:
            label = column_figures[0].where.split(", column ", 1)[1]
            lines_ = f"{column_figures[0].line}-{column_figures[-1].line}"
            table.groups.append((f"column {label} (report lines {lines_})", column_figures))
    assert table.figures, f"{name}: no figures parsed after report line {start + 1}"
    return table


INDICATOR = re.compile(r"\bIndicator ([1-9]) – ")
VALUE = r"(\d+(?:\.\d+)?)"


def parse_indicators() -> ReportTable:
    """The Thurrock, England and statistical-neighbour figures of the performance indicators.

    They are printed in the Findings column (the second cell) of the section 4 quality
    assurance table, in words: "30.8%, ... England average (28.8%) and statistical neighbours
    (29%)", "Figure is 85.5 rate per 1000 ... England rate (117.4) ...".
    """
    lines = _lines()
    table = ReportTable(name="performance-indicators", header_line=0, structured=False)
    for index, line in enumerate(lines):
        match = INDICATOR.search(line)
        if not match or "\t" not in line:
            continue
        if not table.header_line:
            table.header_line = index + 1
        number = match.group(1)
        findings = line.split("\t")[1]
        own = re.search(VALUE + r"(%| rate per (\d+))", findings)
        if own is None:  # an indicator stated in words only (Indicator 4)
            continue
        if own.group(2) == "%":
            unit, per = "percent", None
        else:
            unit, per = "rate", int(own.group(3))
        found = [("Thurrock", own.group(1), own.group(0))]
        for who, pattern in (
            ("England", r"England (?:average|rate) \(" + VALUE + r"(%?)\)"),
            ("statistical neighbours", r"statistical neighbours \(" + VALUE + r"(%?)\)"),
        ):
            other = re.search(pattern, findings)
            assert other, f"report line {index + 1}: no {who} figure for indicator {number}"
            found.append((who, other.group(1), other.group(0)))
        row = [
            Figure(
                line=index + 1,
                where=f"indicator {number}, {who}",
                printed=printed,
                value=Decimal(value),
                unit=unit,
                per=per,
            )
            for who, value, printed in found
        ]
        table.figures.extend(row)
        table.groups.append((f"indicator {number} (report line {index + 1})", row))
    assert table.figures, "no performance indicator figures parsed from the report"
    return table


TABLES: dict[str, Callable[[], ReportTable]] = {
    "population": lambda: parse_table(
        "population", r"^\tSouthend\tEssex\tThurrock\tSET\s*$", "auto"
    ),
    "attendance": lambda: parse_table(
        "attendance", r"^Member Agency/Organisation\t%\s*$", "percent"
    ),
    "contributions": lambda: parse_table("contributions", r"^Agency\t%age\s*$", "percent"),
    "income-expenditure": lambda: parse_table(
        "income-expenditure", r"^\tProjected Income\tActual Income\s*$", "money"
    ),
    "child-death-classification": lambda: parse_table(
        "child-death-classification",
        r"^\tPreventable\tNot preventable\tPotentially preventable\s*$",
        "count",
    ),
    "age-at-death": lambda: parse_table("age-at-death", r"^\tAge at Death 0-1 Month\t", "count"),
    "performance-indicators": parse_indicators,
}

# ---------------------------------------------------------------------------------------------
# The built site
# ---------------------------------------------------------------------------------------------


@dataclass
class RenderedTable:
    """A ``table.lscb-table`` of the site: its page, caption, column headings and body rows."""

    page: str
    caption: str
    headers: list[str]
    rows: list[list[str]]

    def columns(self) -> Iterator[list[tuple[str, str]]]:
        width = max((len(r) for r in self.rows), default=0)
        for i in range(width):
            header = self.headers[i] if i < len(self.headers) else ""
            yield [(row[i], header) for row in self.rows if i < len(row)]

    def lines(self) -> Iterator[list[tuple[str, str]]]:
        """Every row and every column, as (cell text, column heading) pairs."""
        for row in self.rows:
            yield [
                (text, self.headers[i] if i < len(self.headers) else "")
                for i, text in enumerate(row)
            ]
        yield from self.columns()


@dataclass
class Site:
    tables: list[RenderedTable]
    figures: list[tuple[str, str]]  # (page, text) of each span.lscb-figure

    def cells(self) -> Iterator[tuple[RenderedTable, str, str]]:
        for table in self.tables:
            for line in table.columns():
                for text, header in line:
                    yield table, text, header


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def _read_site(out: Path) -> Site:
    tables: list[RenderedTable] = []
    figures: list[tuple[str, str]] = []
    for path in sorted(out.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        page = path.relative_to(out).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a.headerlink"):
            link.decompose()
        for node in soup.select("table.lscb-table"):
            caption = node.find("caption")
            head = node.find("thead")
            headers = [_text(c) for c in head.find_all(["th", "td"])] if head else []
            body = node.find("tbody") or node
            rows = [[_text(c) for c in tr.find_all(["td", "th"])] for tr in body.find_all("tr")]
            tables.append(RenderedTable(page, _text(caption) if caption else "", headers, rows))
        figures.extend((page, _text(span)) for span in soup.select("span.lscb-figure"))
    return Site(tables, figures)


@pytest.fixture(scope="session")
def site(shipped_site: Built) -> Site:
    """The whole knowledge base (a copy of the repository's conf/, data/ and docs/), built once
    per test session; the build raises if it fails."""
    project, _result = shipped_site
    return _read_site(project.out)


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_fixture_is_a_copy_of_the_shared_report() -> None:
    """The in-repo copy must not drift from the shared original, where that is present."""
    if not SHARED_REPORT.exists():
        pytest.skip(f"{SHARED_REPORT} is not beside the repository")
    assert REPORT.read_bytes() == SHARED_REPORT.read_bytes(), (
        f"{REPORT.relative_to(REPO)} differs from {SHARED_REPORT}; copy the report again"
    )


@pytest.mark.parametrize("name", list(TABLES))
def test_parsed_table_is_whole(name: str) -> None:
    """The parser reads every row of each table: rows have as many figures as there are columns.

    A guard on the parser itself, so that a table that parses short cannot make the site test
    pass vacuously.
    """
    table = TABLES[name]()
    assert table.figures
    for label, group in table.groups:
        lines = {f.line for f in group}
        if len(lines) == 1:  # a report row: it must fill every column its header names
            header = _lines()[table.header_line - 1].split("\t") if table.structured else []
            named = [h for h in header[1:] if h.strip()]
            if named and group[0].unit != "money":
                assert len(group) == len(named), f"{name}: {label} has {len(group)} figures"


@pytest.mark.xdist_group("shipped-site")
@pytest.mark.parametrize("name", list(TABLES))
def test_report_table_on_site(name: str, site: Site) -> None:
    """Each figure of the report table is on the site, rendered by the extension from data."""
    table = TABLES[name]()
    problems: list[str] = []

    for figure in table.figures:
        in_table = any(figure.matches(text, header) for _t, text, header in site.cells())
        in_prose = any(figure.matches(text) for _page, text in site.figures)
        if not (in_table or in_prose):
            problems.append(
                f"figure {figure.describe()} is in no table.lscb-table cell and no "
                f"span.lscb-figure of the site"
            )

    # Figures the report states in words (the indicators) may be shown in prose with {fig};
    # the report's real tables must come out as tables.
    groups = table.groups if table.structured else []
    for label, group in groups:
        best: tuple[list[Figure], RenderedTable | None] = (group, None)
        for rendered in site.tables:
            for line in rendered.lines():
                missing = _missing(line, group)
                if len(missing) < len(best[0]):
                    best = (missing, rendered)
        missing, closest = best
        if missing:
            shown = ", ".join(f.shown for f in group)
            near = (
                f"; the closest is table {closest.caption!r} on {closest.page}, which lacks "
                + "; ".join(f.describe() for f in missing)
                if closest is not None
                else ""
            )
            problems.append(
                f"{label}: the figures [{shown}] are not together in one row or column "
                f"of any table.lscb-table on the site{near}"
            )

    assert not problems, (
        f"report table {name!r} (header at report line {table.header_line} of "
        f"{REPORT.relative_to(REPO)}), {len(problems)} problem(s):\n  - " + "\n  - ".join(problems)
    )


def _missing(line: list[tuple[str, str]], group: list[Figure]) -> list[Figure]:
    """The figures of *group* that the cells of one rendered row or column do not hold."""
    free = list(line)
    missing = []
    for figure in group:
        for index, (text, header) in enumerate(free):
            if figure.matches(text, header):
                del free[index]
                break
        else:
            missing.append(figure)
    return missing
