"""Text hygiene and the limits of the data layer: each mistake is a located problem, never a crash.

* limits on a data file: its size, how deep it nests, one text's length, how many values;
* bidirectional controls and invisible characters in data files and the bibliography;
* identifiers of one ASCII shape, suggestions that are never look-alikes, year folders;
* dates that do not exist, in data files and in a page's front matter;
* CSV downloads that a spreadsheet opens without running a formula;
* switches that lower disclosure control, counted only with a maintainer's approval.
"""

from __future__ import annotations

import csv
import io
import json
import time
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lscb_kb.checks.reviews import read_front_matter
from lscb_kb.core import Catalogue, Entry, LscbError, Settings
from lscb_kb.core.hygiene import (
    HIDDEN,
    ID_PATTERN,
    describe,
    hidden_characters,
    identifier_problem,
    is_identifier,
    suggest,
    year_folder_problem,
)
from lscb_kb.core.models import FiguresDataset, RegisterDataset, TablesDataset
from lscb_kb.core.settings import Limits
from lscb_kb.core.topics import Topics
from lscb_kb.core.yamlload import Located, load_yaml
from lscb_kb.published.export import (
    figures_contents,
    register_contents,
    spreadsheet_safe,
    table_contents,
)

from .conftest import REPO, ROOTS, Project

DEATHS = "data/2009-10/deaths.yaml"
PUBLISHED = "data/2009-10/published.yaml"
EXCEPTIONS = "conf/disclosure-exceptions.toml"

TABLES = """\
kind: tables
id: budget
title: Budget
period: 2009/10
source: report-2010
topics: [budget]
tables:
  expenditure:
    title: Expenditure
    columns:
      - {key: item, label: Item, unit: text}
      - {key: actual, label: Actual, unit: money}
      - {key: paid, label: Paid on, unit: date}
    rows:
      - {key: employees, item: Employees, actual: 81751, paid: 2010-03-31}
      - {key: training, item: Training, actual: 2000, paid: 2010-03-01}
"""

FIGURES = """\
kind: figures
id: context
title: Context
period: 2009/10
source: report-2010
figures:
  population:
    value: 150000
    unit: count
    label: Population
"""

REGISTER = """\
kind: register
id: actions
title: Actions
period: 2009/10
source: report-2010
records:
  - id: QA-0910-01
    title: Audit the plans
    status: open
"""

GLOSSARY = """\
kind: glossary
id: glossary
title: Glossary
source: report-2010
terms:
  - term: LSCB
    definition: Local Safeguarding Children Board.
"""

BIB = "@techreport{report-2010,\n  title = {Annual Report},\n  year = {2010}\n}\n"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project: settings, a bibliography and one file of each kind."""
    root = tmp_path / "kb"
    (root / "conf").mkdir(parents=True)
    (root / "data" / "2009-10").mkdir(parents=True)
    (root / "conf" / "lscb.toml").write_text('[years]\ncurrent = "2009-10"\n', "utf-8")
    (root / "data" / "references.bib").write_text(BIB, "utf-8")
    (root / "data" / "glossary.yaml").write_text(GLOSSARY, "utf-8")
    for name, text in (("budget", TABLES), ("context", FIGURES), ("actions", REGISTER)):
        (root / "data" / "2009-10" / f"{name}.yaml").write_text(text, "utf-8")
    monkeypatch.chdir(root)
    assert Catalogue.load(root).problems == []
    return root


def _edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {relpath}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _problems(root: Path) -> list[str]:
    return [str(p) for p in Catalogue.load(root).problems]


def _refused(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(LscbError) as err:
        load_yaml(path, limits)
    return str(err.value)


def _disclosure(make_project: Callable[[str], Project]) -> Project:
    return make_project("disclosure")


# -- 1. limits -------------------------------------------------------------------------------


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _longest(value: Any) -> int:
    if isinstance(value, dict):
        return max([0, *(max(len(k), _longest(v)) for k, v in value.items())])
    if isinstance(value, list):
        return max([0, *(_longest(v) for v in value)])
    return len(value) if isinstance(value, str) else 0


def test_the_limits_are_far_above_the_largest_shipped_data_file() -> None:
    files = sorted((REPO / "data").rglob("*.yaml"))
    located = [load_yaml(path) for path in files]
    limits = Limits()
    largest = max(path.stat().st_size for path in [*files, REPO / "data" / "references.bib"])
    assert largest * 20 < limits.max_file_bytes
    assert max(_depth(doc.value) for doc in located) * 3 < limits.max_depth
    assert max(_longest(doc.value) for doc in located) * 20 < limits.max_string_chars
    assert max(doc.count for doc in located) * 50 < limits.max_values


def test_a_file_bigger_than_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:  # 45 MB that take no room on the disk
        handle.truncate(45 * 1024 * 1024)

    def no_reading(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "read_text", no_reading)
    assert _refused(path) == (
        "big.yaml:1: the file is 47,185,920 bytes (45.0 MiB), more than 1,048,576 bytes "
        "(1.0 MiB, the limit, [limits] max_file_bytes in conf/lscb.toml); a data file is a few "
        "kilobytes: split it into smaller files"
    )


def test_the_catalogue_refuses_a_huge_data_file_and_bibliography_quickly(kb: Path) -> None:
    for relpath in ("data/2009-10/huge.yaml", "data/references.bib"):
        with (kb / relpath).open("r+b" if (kb / relpath).exists() else "wb") as handle:
            handle.truncate(45 * 1024 * 1024)
    started = time.perf_counter()
    problems = _problems(kb)
    assert time.perf_counter() - started < 10
    for relpath in ("data/2009-10/huge.yaml", "data/references.bib"):
        assert any(
            p.startswith(f"{relpath}:1: the file is 47,185,920 bytes (45.0 MiB), more than")
            for p in problems
        ), problems


NESTED = {
    "flow-1000": ("[" * 1000 + "]" * 1000, (1, 21)),
    "flow-100000": ("[" * 100_000 + "]" * 100_000, (1, 21)),
    "flow-100000-unclosed": ("[" * 100_000, (1, 21)),
    "dash-1000": ("- " * 1000 + "x\n", (1, 41)),
    "dash-100000": ("- " * 100_000 + "x\n", (1, 41)),
    "map-1000": ("a: " + "{b: " * 1000 + "1" + "}" * 1000 + "\n", (1, 80)),
    "map-100000": ("a: " + "{b: " * 100_000 + "1" + "}" * 100_000 + "\n", (1, 80)),
    "block-map-1000": ("".join("  " * i + "a:\n" for i in range(1000)), (21, 41)),
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_deep_nesting_is_refused_where_the_limit_is_crossed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    text, (line, column) = NESTED[name]
    path = tmp_path / "deep.yaml"
    path.write_text(text, "utf-8")
    started = time.perf_counter()
    message = _refused(path)
    assert time.perf_counter() - started < 30
    assert message == (
        f"deep.yaml:{line}:{column}: the file is nested more than 20 levels deep (the limit, "
        "[limits] max_depth in conf/lscb.toml); the data files need at most a few levels: write "
        "the values out flatter"
    )


def test_nesting_through_aliases_counts_what_they_stand_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ten = "[" * 10 + "1" + "]" * 10
    path = tmp_path / "aliases.yaml"
    path.write_text(f"a: &a {ten}\nb: {'[' * 10}*a{']' * 10}\n", "utf-8")
    message = _refused(path)
    assert message == (
        "aliases.yaml:1:16: the file is nested more than 20 levels deep, counting what its "
        "aliases (*name) stand for (the limit, [limits] max_depth in conf/lscb.toml); the data "
        "files need at most a few levels: write the values out flatter"
    )


def test_a_text_longer_than_the_limit_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "long.yaml"
    path.write_text("kind: tables\ntitle: " + "x" * 20_001 + "\n", "utf-8")
    assert _refused(path) == (
        "long.yaml:2:8: this text is 20,001 characters long, more than 20,000 (the limit, "
        "[limits] max_string_chars in conf/lscb.toml); shorten it or split it up"
    )
    path.write_text("kind: tables\ntitle: " + "x" * 20_000 + "\n", "utf-8")
    assert len(load_yaml(path).value["title"]) == 20_000


def test_more_values_than_the_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "many.yaml"
    path.write_text("a: [" + "1, " * 100_000 + "1]\n", "utf-8")
    message = _refused(path)
    assert message.startswith("many.yaml:1:")
    assert (
        "the file holds more than 100,000 values (the limit, [limits] max_values in "
        "conf/lscb.toml); split it into smaller files"
    ) in message


def test_limits_are_set_in_lscb_toml(kb: Path) -> None:
    settings = kb / "conf" / "lscb.toml"
    settings.write_text(
        settings.read_text("utf-8") + "\n[limits]\nmax_depth = 3\nmax_string_chars = 12\n", "utf-8"
    )
    problems = _problems(kb)
    assert any(
        p.startswith("data/2009-10/budget.yaml:11:7: the file is nested more than 3 levels deep")
        for p in problems
    ), problems
    assert (
        "data/glossary.yaml:7:17: this text is 34 characters long, more than 12 (the limit, "
        "[limits] max_string_chars in conf/lscb.toml); shorten it or split it up"
    ) in problems
    settings.write_text(
        '[years]\ncurrent = "2009-10"\n\n[limits]\nmax_values = 0\nmax_pages = 3\n'
        "max_depth = 5000\n",
        "utf-8",
    )
    problems = _problems(kb)
    assert "conf/lscb.toml:5: limits.max_values: must be a whole number of at least 1, got 0" in (
        problems
    )
    assert any(p.startswith("conf/lscb.toml:6: limits.max_pages: is not a limit") for p in problems)
    assert any(
        p.startswith("conf/lscb.toml:7: limits.max_depth: must be at most 100") for p in problems
    )


def test_front_matter_is_read_under_the_same_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    for value, column in (("[" * 100_000, 8), ("- " * 100_000, 0)):
        if column == 0:
            page.write_text(f"---\nowner: x\nagencies:\n  {value}x\n---\n# Page\n", "utf-8")
        else:
            page.write_text(f"---\nowner: x\nextra: {value}\n---\n# Page\n", "utf-8")
        _front, problems = read_front_matter(page)
        assert len(problems) == 1, problems
        shown = str(problems[0])
        where = "page.md:3:27" if column else "page.md:4:41"
        assert shown.startswith(
            f"{where}: in the front matter, the file is nested more than 20 levels deep"
        ), shown
    with page.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    _front, problems = read_front_matter(page)
    assert str(problems[0]).startswith("page.md:1: the file is 2,097,152 bytes (2.0 MiB)")


# -- 2. hidden characters ----------------------------------------------------------------------

LISTED = {
    0x200B,
    0x200C,
    0x200D,
    0x2060,
    0xFEFF,
    0x00AD,
    0x180E,
    0x200E,
    0x200F,
    0x202A,
    0x202B,
    0x202C,
    0x202D,
    0x202E,
    0x2066,
    0x2067,
    0x2068,
    0x2069,
    0x061C,
}


def test_the_hidden_characters_are_the_bidi_controls_and_invisible_characters() -> None:
    assert {ord(char) for char in HIDDEN} == LISTED
    text = "a\u200bb c\u202ed"
    assert list(hidden_characters(text)) == [(1, "\u200b"), (5, "\u202e")]
    assert list(hidden_characters("plain text, café, naïve, – and —")) == []
    assert describe("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe("\u00ad") == "U+00AD SOFT HYPHEN"


@pytest.mark.parametrize("code", sorted(LISTED), ids=lambda code: f"U+{code:04X}")
def test_a_data_file_with_a_hidden_character_is_refused_at_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "f.yaml"
    path.write_text(f"kind: tables\ntitle: Child{chr(code)} deaths\n", "utf-8")
    name = unicodedata.name(chr(code))
    assert _refused(path) == (
        f"f.yaml:2:13: holds U+{code:04X} {name}, a hidden character that can make the text "
        "show differently from what it says; delete it (if the editor does not show it, retype "
        "the text around it)"
    )


def test_a_byte_order_mark_is_allowed_at_the_very_start_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "f.yaml"
    path.write_text("\ufeffkind: tables\ntitle: Deaths\n", "utf-8")
    assert load_yaml(path).value == {"kind": "tables", "title": "Deaths"}
    path.write_text("kind: tables\ntitle: De\ufeffaths\n", "utf-8")
    assert _refused(path).startswith("f.yaml:2:10: holds U+FEFF ZERO WIDTH NO-BREAK SPACE")


def test_every_hidden_character_in_data_and_bibliography_is_reported(kb: Path) -> None:
    _edit(kb, "data/2009-10/budget.yaml", "title: Budget", "title: Bud\u200bget\u202e")
    _edit(kb, "data/glossary.yaml", "Local Safeguarding", "Local\u00adSafeguarding")
    _edit(kb, "data/references.bib", "Annual Report", "Annual \u2066Report")
    problems = _problems(kb)
    for where, code in (
        ("data/2009-10/budget.yaml:3:11", "U+200B ZERO WIDTH SPACE"),
        ("data/2009-10/budget.yaml:3:15", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("data/glossary.yaml:7:22", "U+00AD SOFT HYPHEN"),
        ("data/references.bib:2:19", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ):
        assert any(p.startswith(f"{where}: holds {code},") for p in problems), (where, problems)
        assert any("delete it" in p for p in problems if p.startswith(where))


# -- 3. identifiers, suggestions and year folders ------------------------------------------------


def test_a_look_alike_letter_is_named_by_its_code_point() -> None:
    assert identifier_problem("employеes") == (
        "'employеes' has U+0435 CYRILLIC SMALL LETTER IE at position 6 (after 'employ'); "
        "ids use the letters a-z, digits and hyphens"
    )
    assert identifier_problem("SCR-0910-02") is None
    assert identifier_problem("1-to-4") is None
    assert identifier_problem("by area") is not None
    assert identifier_problem("by--area") is not None
    assert identifier_problem("by-area-") is not None
    assert identifier_problem("by_area") is not None
    assert identifier_problem("２０１０") is not None


def _shipped_identifiers(root: Path) -> set[str]:
    catalogue = Catalogue.load(root)
    ids: set[str] = set()
    for entry in catalogue.entries.values():
        dataset = entry.dataset
        ids.add(dataset.id)
        ids.update(getattr(dataset, "topics", []) or [])
        ids.update(rule.id for rule in getattr(dataset, "rules", []) or [])
        if isinstance(dataset, TablesDataset):
            for name, table in dataset.tables.items():
                ids.add(name)
                ids.update(column.key for column in table.columns)
                ids.update(str(row.get("key", "total")) for row in table.rows)
        elif isinstance(dataset, FiguresDataset):
            ids.update(dataset.figures)
        elif isinstance(dataset, RegisterDataset):
            ids.update(record.id for record in dataset.records)
            ids.update(topic for record in dataset.records for topic in record.topics)
        ids.update(item.id for item in getattr(dataset, "discrepancies", []) or [])
    topics = Topics.load(root / "conf" / "topics.yaml")
    ids.update(topics.topics)
    return ids


def test_every_shipped_identifier_has_the_one_shape() -> None:
    ids = _shipped_identifiers(REPO)
    assert len(ids) > 300
    assert "SCR-0910-02" in ids
    assert [i for i in ids if not is_identifier(i)] == []
    assert ID_PATTERN == r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$"


@pytest.mark.parametrize(
    ("relpath", "old", "new", "where", "says"),
    [
        (
            "data/2009-10/budget.yaml",
            "id: budget",
            "id: budgеt",
            "data/2009-10/budget.yaml:2:5: id:",
            "'budgеt' has U+0435 CYRILLIC SMALL LETTER IE at position 4 (after 'budg')",
        ),
        (
            "data/2009-10/budget.yaml",
            "  expenditure:",
            "  expеnditure:",
            "data/2009-10/budget.yaml:8:3: tables.expеnditure:",
            "'expеnditure' has U+0435 CYRILLIC SMALL LETTER IE at position 3",
        ),
        (
            "data/2009-10/budget.yaml",
            "{key: employees, item",
            "{key: employеes, item",
            "data/2009-10/budget.yaml:15:15: tables.expenditure.rows[0].key:",
            "'employеes' has U+0435 CYRILLIC SMALL LETTER IE at position 6 (after 'employ')",
        ),
        (
            "data/2009-10/budget.yaml",
            "{key: actual, label",
            "{key: аctual, label",
            "data/2009-10/budget.yaml:12:15: tables.expenditure.columns[1].key:",
            "'аctual' has U+0430 CYRILLIC SMALL LETTER A at position 0 (its first character)",
        ),
        (
            "data/2009-10/context.yaml",
            "  population:",
            "  pоpulation:",
            "data/2009-10/context.yaml:7:3: figures.pоpulation:",
            "'pоpulation' has U+043E CYRILLIC SMALL LETTER O at position 1 (after 'p')",
        ),
        (
            "data/2009-10/actions.yaml",
            "id: QA-0910-01",
            "id: QA-0910-О1",
            "data/2009-10/actions.yaml:7:9: records[0].id:",
            "'QA-0910-О1' has U+041E CYRILLIC CAPITAL LETTER O at position 8 (after 'QA-0910-')",
        ),
        (
            "data/glossary.yaml",
            "id: glossary",
            "id: glоssary",
            "data/glossary.yaml:2:5: id:",
            "'glоssary' has U+043E CYRILLIC SMALL LETTER O at position 2 (after 'gl')",
        ),
        (
            "data/2009-10/budget.yaml",
            "topics: [budget]",
            "topics: [budgеt]",
            "data/2009-10/budget.yaml:6:10: topics[0]:",
            "'budgеt' has U+0435 CYRILLIC SMALL LETTER IE at position 4",
        ),
    ],
    ids=["dataset", "table", "row", "column", "figure", "record", "glossary", "topic"],
)
def test_an_identifier_with_a_look_alike_letter_is_refused_at_its_line(
    kb: Path, relpath: str, old: str, new: str, where: str, says: str
) -> None:
    _edit(kb, relpath, old, new)
    problems = _problems(kb)
    assert any(p.startswith(where) and says in p for p in problems), problems
    assert any("ids use the letters a-z, digits and hyphens" in p for p in problems)


def test_a_topic_key_with_a_look_alike_letter_is_refused_in_the_list_of_topics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "topics.yaml"
    path.write_text(
        "kind: topics\ntopics:\n  - key: child-dеaths\n    label: Child deaths\n"
        "    description: Deaths.\n",
        "utf-8",
    )
    problems = [str(p) for p in Topics.load(path).problems]
    assert problems == [
        "topics.yaml:3:10: topics[0].key: 'child-dеaths' has U+0435 CYRILLIC SMALL LETTER IE "
        "at position 7 (after 'child-d'); ids use the letters a-z, digits and hyphens"
    ]


def test_suggestions_are_never_look_alikes() -> None:
    assert suggest("employees", ["employеes"]) is None
    assert suggest("employes", ["employеes", "employees"]) == "employees"


def test_an_address_with_a_look_alike_is_named_and_the_ascii_name_suggested(kb: Path) -> None:
    catalogue = Catalogue.load(kb)
    with pytest.raises(LookupError) as err:
        catalogue.resolve("budget.expenditure/employеes/actual")
    assert str(err.value) == (
        "table 'budget.expenditure' has no row 'employеes'; 'employеes' has U+0435 CYRILLIC "
        "SMALL LETTER IE at position 6 (after 'employ'); ids use the letters a-z, digits and "
        "hyphens; did you mean 'employees'?"
    )
    with pytest.raises(LookupError) as err:
        catalogue.resolve("budgеt.expenditure/employees/actual")
    assert "has U+0435 CYRILLIC SMALL LETTER IE" in str(err.value)
    assert str(err.value).endswith("did you mean 'budget'?")


def test_a_look_alike_source_key_is_not_suggested(kb: Path) -> None:
    _edit(kb, "data/references.bib", "report-2010", "rеport-2010")
    problems = _problems(kb)
    cited = [p for p in problems if "cites 'report-2010'" in p]
    assert cited, problems
    assert all("did you mean" not in p for p in cited), cited
    assert all("rеport" not in p for p in cited), cited


@pytest.mark.parametrize(
    "name", ["2010", "2010-12", "2009-2010", "2009_10", "misc", "２００９-10", "2009-10-old"]
)
def test_a_folder_of_data_that_is_not_a_year_is_refused(kb: Path, name: str) -> None:
    folder = kb / "data" / name
    folder.mkdir()
    (folder / "budget.yaml").write_text(TABLES.replace("id: budget", "id: other"), "utf-8")
    catalogue = Catalogue.load(kb)
    problems = [str(p) for p in catalogue.problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"data/{name}:1: '{name}' is not a reporting year")
    assert "YYYY-YY" in problems[0] or "is written" in problems[0]
    assert all(entry.year != name for entry in catalogue.entries.values())


def test_year_folders_are_named_for_two_years_in_a_row(kb: Path) -> None:
    for name in ("2009-10", "2010-11", "1999-00"):
        assert year_folder_problem(name) is None
    assert year_folder_problem("2010-12") == (
        "'2010-12' is not a reporting year: the year after 2010 is written '2010-11'"
    )
    (kb / "data" / "1999-00").mkdir()
    (kb / "data" / "1999-00" / "budget.yaml").write_text(TABLES, "utf-8")
    assert _problems(kb) == []
    assert ("1999-00", "budget") in Catalogue.load(kb).entries


def test_only_known_files_stand_at_the_top_of_data(kb: Path) -> None:
    (kb / "data" / "notes.txt").write_text("hello\n", "utf-8")
    (kb / "data" / "old.bib").write_text(BIB, "utf-8")
    assert _problems(kb) == [
        "data/notes.txt:1: 'notes.txt' is not a file the top of data/ may hold: only the files "
        "that span years (such as glossary.yaml), the bibliography (references.bib) and the "
        "years' folders (such as 2009-10/); move it or delete it",
        "data/old.bib:1: 'old.bib' is not a file the top of data/ may hold: only the files "
        "that span years (such as glossary.yaml), the bibliography (references.bib) and the "
        "years' folders (such as 2009-10/); move it or delete it",
    ]


def test_a_data_file_that_links_outside_data_is_not_read(kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(TABLES.replace("id: budget", "id: outsider"), "utf-8")
    (kb / "data" / "2009-10" / "outsider.yaml").symlink_to(outside)
    catalogue = Catalogue.load(kb)
    assert [str(p) for p in catalogue.problems] == [
        "data/2009-10/outsider.yaml:1: is a link to a file outside data/, which is never read: "
        "the data files are read only from inside data/; put the file itself here instead"
    ]
    assert ("2009-10", "outsider") not in catalogue.entries


def test_a_control_character_is_refused_at_its_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "f.yaml"
    path.write_text("kind: tables\ntitle: Child\x00deaths\n", "utf-8")
    assert _refused(path) == (
        "f.yaml:2:13: not valid YAML: the control character U+0000 can not be in a YAML file; "
        "delete it"
    )


def test_a_new_year_must_follow_the_pattern(kb: Path) -> None:
    from lscb_kb.core.newyear import start_year  # noqa: PLC0415

    with pytest.raises(LscbError) as err:
        start_year(Catalogue.load(kb).settings, "2010-12")
    assert "'2010-12' is not a reporting year: the year after 2010 is written '2010-11'" in str(
        err.value
    )
    assert not (kb / "data" / "2010-12").exists()


# -- 4. dates that do not exist ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "why"),
    [
        ("when: 2010-02-30\n", "1:7: when", "February 2010 has 28 days"),
        ("when: 2012-02-30\n", "1:7: when", "February 2012 has 29 days"),
        ("a:\n  when: 2010-04-31\n", "2:9: a.when", "April 2010 has 30 days"),
        ("d: 2010-13-01\n", "1:4: d", "there is no month 13 (months run from 01 to 12)"),
        ("d: 2010-00-10\n", "1:4: d", "there is no month 0"),
        ("d: 2010-04-00\n", "1:4: d", "there is no day 0"),
        ("d: 0000-01-01\n", "1:4: d", "there is no year 0"),
        ("d: [2010-01-01, 2010-02-30]\n", "1:17: d[1]", "February 2010 has 28 days"),
        ("d: 2010-01-01 25:00:00\n", "1:4: d", "there is no hour 25"),
        ("d: !!timestamp 2010-02-30\n", "1:4: d", "February 2010 has 28 days"),
    ],
)
def test_a_date_that_does_not_exist_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str, why: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "f.yaml"
    path.write_text(text, "utf-8")
    message = _refused(path)
    assert message.startswith(f"f.yaml:{where}: '"), message
    assert f"' is not a date: {why}" in message
    assert message.endswith(
        "write a date that exists, as YYYY-MM-DD, or put the text in quotes if it is not meant "
        "as a date"
    )


def test_real_dates_and_quoted_text_still_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "f.yaml"
    path.write_text('a: 2012-02-29\nb: "2010-02-30"\n', "utf-8")
    value = load_yaml(path).value
    assert value["a"].isoformat() == "2012-02-29"
    assert value["b"] == "2010-02-30"


def test_every_impossible_date_of_a_file_is_reported(kb: Path) -> None:
    _edit(kb, "data/2009-10/budget.yaml", "paid: 2010-03-31", "paid: 2010-02-30")
    _edit(kb, "data/2009-10/budget.yaml", "paid: 2010-03-01", "paid: 2010-13-01")
    problems = _problems(kb)
    assert [p.split(" is not a date")[0] for p in problems] == [
        "data/2009-10/budget.yaml:15:64: tables.expenditure.rows[0].paid: '2010-02-30'",
        "data/2009-10/budget.yaml:16:61: tables.expenditure.rows[1].paid: '2010-13-01'",
    ]


def _impossible_dates(project: Project) -> None:
    project.edit(PUBLISHED, "  when: 2010", "  when: 2010-02-30")
    page = project.root / "docs" / "audits.md"
    page.write_text(
        "---\nowner: Test business manager\nreviewed: 2026-02-30\nreview-due: 2027-13-01\n---\n"
        + page.read_text("utf-8"),
        "utf-8",
    )


DATE_PROBLEMS = [
    (
        "data/2009-10/published.yaml:10:9",
        "published_in_full.when: '2010-02-30' is not a date: February 2010 has 28 days",
    ),
    ("docs/audits.md:3", "reviewed: in the front matter, '2026-02-30' is not a date"),
    ("docs/audits.md:4", "review-due: in the front matter, '2027-13-01' is not a date: there is"),
]


def test_impossible_dates_fail_the_check_at_their_lines(
    make_project: Callable[[str], Project],
) -> None:
    project = _disclosure(make_project)
    _impossible_dates(project)
    result = project.cli("check")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    for where, says in DATE_PROBLEMS:
        assert any(
            line.startswith(f"{where}:") and says in line for line in result.stdout.splitlines()
        ), (where, output)


def test_impossible_dates_are_located_warnings_of_the_build(
    make_project: Callable[[str], Project],
) -> None:
    project = _disclosure(make_project)
    _impossible_dates(project)
    result = project.build(fresh=True)  # raises if any handler raised
    assert "Traceback" not in result.status + result.warnings
    for where, says in DATE_PROBLEMS:
        kind = "lscb.data" if where.startswith("data/") else "lscb.review"
        assert any(
            line.startswith(f"{where}: WARNING: ") and says in line and f"[{kind}]" in line
            for line in result.warnings.splitlines()
        ), (where, result.warnings)


# -- 5. spreadsheet-safe CSV ------------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "-2+3",
    "\t=1",
    " =1",
    "\uff1d1",
    "\r=1",
    "\n=1",
    "\u00a0\u200b=1",
    "\uff0b1",
    "\uff0d1",
    "\uff201",
]


@pytest.mark.parametrize("text", PAYLOADS, ids=repr)
def test_text_a_spreadsheet_would_run_gets_a_quote_in_front(text: str) -> None:
    assert spreadsheet_safe(text) == f"'{text}"


@pytest.mark.parametrize(
    "text", ["Employees", "", "2010-03-31", "[c]", "a = b", "Total: -5", "'quoted", "1-to-4"]
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert spreadsheet_safe(text) == text


def _entry(dataset: Any) -> Entry:
    return Entry(path=Path("x.yaml"), year="2009-10", dataset=dataset, located=Located("x", None))


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_a_table_download_neutralises_text_and_keeps_numbers(tmp_path: Path) -> None:
    dataset = TablesDataset.model_validate(
        {
            "kind": "tables",
            "id": "ledger",
            "title": "Ledger",
            "period": "2009/10",
            "source": "=report",
            "tables": {
                "items": {
                    "title": "Items",
                    "columns": [
                        {"key": "item", "label": "@Item", "unit": "text"},
                        {"key": "amount", "label": "Amount", "unit": "money", "pence": True},
                        {"key": "people", "label": "People", "unit": "count"},
                    ],
                    "rows": [
                        {
                            "key": f"row-{i}",
                            "item": text,
                            "amount": Decimal("-1250.50"),
                            "people": -5,
                        }
                        for i, text in enumerate(PAYLOADS)
                    ],
                }
            },
        }
    )
    held = [str(row["item"]) for row in dataset.tables["items"].rows]  # as the model keeps them
    text, json_text = table_contents(_entry(dataset), "items", Settings(root=tmp_path))
    rows = _read(text)
    assert rows[0] == ["key", "'@Item", "Amount (£)", "People (number)", "source"]
    for row, payload in zip(rows[1:], held, strict=True):
        assert row[1] == f"'{payload}"
        assert row[2:4] == ["-1250.50", "-5"]
        assert row[4] == "'=report"
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in text  # quoted as the csv module quotes
    data = json.loads(json_text)  # the JSON carries the text as it is
    assert [r["item"] for r in data["rows"]] == held
    assert data["rows"][0]["people"] == -5


def test_register_and_figure_downloads_neutralise_their_text(tmp_path: Path) -> None:
    register = RegisterDataset.model_validate(
        {
            "kind": "register",
            "id": "actions",
            "title": "Actions",
            "period": "2009/10",
            "source": "report-2010",
            "records": [
                {
                    "id": "QA-0910-01",
                    "title": '=HYPERLINK("http://x","y")',
                    "status": "open",
                    "finding": ["@SUM(A1:A9)", "fine"],
                    "action": "-2+3",
                    "owner": "=1",
                    "history": [{"period": "+1", "status": "open", "note": "=1"}],
                }
            ],
        }
    )
    text, json_text = register_contents(_entry(register), Settings(root=tmp_path))
    row = _read(text)[1]
    assert row[1] == '\'=HYPERLINK("http://x","y")'
    assert row[3] == "'@SUM(A1:A9)\nfine"
    assert row[4] == "'-2+3"
    assert row[5] == "'=1"
    assert row[9] == "'+1: Open (=1)"
    assert json.loads(json_text)["records"][0]["title"] == '=HYPERLINK("http://x","y")'
    figures = FiguresDataset.model_validate(
        {
            "kind": "figures",
            "id": "context",
            "title": "Context",
            "period": "2009/10",
            "source": "report-2010",
            "figures": {
                "note": {"value": "+cmd|' /C calc'!A0", "unit": "text", "label": "-label"},
                "change": {"value": -5, "unit": "count", "label": "Change"},
                "spent": {"value": Decimal("-1250.50"), "unit": "money", "label": "Spent"},
            },
        }
    )
    text, _json_text = figures_contents(_entry(figures), Settings(root=tmp_path))
    rows = _read(text)
    assert rows[1][1:3] == ["'-label", "'+cmd|' /C calc'!A0"]
    assert rows[2][2] == "-5"
    assert rows[3][2] == "-1250.50"


def test_a_built_download_is_safe_to_open_in_a_spreadsheet(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("charts")
    project.edit(
        "data/2009-10/budget.yaml", "item: Employees,", 'item: \'=HYPERLINK("http://x","y")\','
    )
    project.build(fresh=True)
    path = project.out / "_downloads" / "data" / "2009-10" / "budget.expenditure.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Expenditure"] == '\'=HYPERLINK("http://x","y")'
    assert rows[0]["Actual expenditure (£)"] == "81751"
    assert rows[0]["Planned expenditure (£)"] == "80000.50"


# -- 6. switches that lower disclosure control -------------------------------------------------


def test_every_switch_in_the_shipped_data_is_approved() -> None:
    catalogue = Catalogue.load(REPO)
    assert catalogue.problems == []
    text = (REPO / EXCEPTIONS).read_text("utf-8")
    switched = sorted(
        path.relative_to(REPO).as_posix()
        for path in (REPO / "data").rglob("*.yaml")
        if "\npublished_in_full:" in path.read_text("utf-8")
    )
    assert len(switched) == 8
    for file in switched:
        assert f'file = "{file}"\nswitch = "published_in_full"\nreason = "' in text, file
        assert (REPO / file).stem in {entry.id for entry in catalogue.entries.values()}


def test_codeowners_names_the_exceptions_file() -> None:
    owners = (REPO / ".github" / "CODEOWNERS").read_text("utf-8")
    assert any(
        line.startswith("#") and "conf/disclosure-exceptions.toml" in line
        for line in owners.splitlines()
    )
    assert any(line.split()[:1] == ["/conf/"] for line in owners.splitlines())


def _without_approval(project: Project) -> None:
    (project.root / EXCEPTIONS).unlink()


UNAPPROVED = (
    "data/2009-10/published.yaml:8:1: published_in_full: shows this file's counts about "
    "individual children in full, which needs a maintainer's approval: add to "
    'conf/disclosure-exceptions.toml the entry [[exception]] file = "data/2009-10/published.yaml", '
    'switch = "published_in_full", reason = "The board published these figures in its annual '
    'report in 2010.", and have a maintainer approve that change; or remove '
    "'published_in_full', so that small counts are hidden"
)


def test_published_in_full_without_approval_is_refused(
    make_project: Callable[[str], Project],
) -> None:
    project = _disclosure(make_project)
    assert Catalogue.load(project.root).problems == []
    _without_approval(project)
    catalogue = Catalogue.load(project.root)
    assert [str(p) for p in catalogue.problems] == [UNAPPROVED]
    assert ("2009-10", "published") not in catalogue.entries  # nothing of it is published
    with pytest.raises(LookupError, match="has errors"):
        catalogue.resolve("published.deaths/north/deaths")


def test_an_unapproved_switch_fails_the_check_and_the_build(
    make_project: Callable[[str], Project],
) -> None:
    project = _disclosure(make_project)
    _without_approval(project)
    result = project.cli("check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert UNAPPROVED in result.stdout.splitlines()
    built = project.build(fresh=True)
    where = UNAPPROVED.split(": published_in_full: ", maxsplit=1)[0]
    assert f"{where}: WARNING: published_in_full: shows this file's counts" in built.warnings
    assert "[lscb.data]" in built.warnings
    assert "Traceback" not in built.warnings
    html = (project.out / "published.html").read_text("utf-8")
    assert "Shown in full" not in html


def test_not_about_children_needs_approval_too(make_project: Callable[[str], Project]) -> None:
    project = _disclosure(make_project)
    project.edit(
        "data/2009-10/audits.yaml",
        "about_individual_children: true",
        "about_individual_children: false",
    )
    problems = _problems(project.root)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        "data/2009-10/audits.yaml:7:1: about_individual_children: turns off disclosure control "
        "for this file (no small count is hidden), which needs a maintainer's approval: add to "
        "conf/disclosure-exceptions.toml the entry [[exception]] "
        'file = "data/2009-10/audits.yaml", switch = "about_individual_children = false", '
        'reason = "<why>"'
    )
    (project.root / EXCEPTIONS).write_text(
        (project.root / EXCEPTIONS).read_text("utf-8")
        + '\n[[exception]]\nfile = "data/2009-10/audits.yaml"\n'
        'switch = "about_individual_children = false"\n'
        'reason = "The audits count case files, not children."\ndecided = 2026-11-27\n',
        "utf-8",
    )
    assert _problems(project.root) == []


def test_a_stale_approval_is_refused_at_its_line(make_project: Callable[[str], Project]) -> None:
    project = _disclosure(make_project)
    path = project.root / EXCEPTIONS
    path.write_text(
        path.read_text("utf-8")
        + '\n[[exception]]\nfile = "data/2009-10/deaths.yaml"\nswitch = "published_in_full"\n'
        'reason = "Shown before."\n'
        '\n[[exception]]\nfile = "data/2009-10/gone.yaml"\nswitch = "published_in_full"\n'
        'reason = "Shown before."\n',
        "utf-8",
    )
    assert _problems(project.root) == [
        "conf/disclosure-exceptions.toml:9: exception: data/2009-10/deaths.yaml does not set "
        "'published_in_full'; remove this entry, so that the exception can not be used again "
        "without a maintainer's review",
        "conf/disclosure-exceptions.toml:14: exception: there is no data file "
        "data/2009-10/gone.yaml; remove this entry, so that the exception can not be used again "
        "without a maintainer's review",
    ]
    result = project.cli("check")
    assert result.returncode == 1
    assert any(
        line.startswith("conf/disclosure-exceptions.toml:9: exception:")
        for line in result.stdout.splitlines()
    )


@pytest.mark.parametrize(
    ("entry", "where", "says"),
    [
        (
            'file = "data/2009-10/published.yaml"\nswitch = "published_in_full"\n',
            "2",
            "reason: is required",
        ),
        (
            'file = "data/2009-10/published.yaml"\nswitch = "published_in_full"\nreason = " "\n',
            "5",
            "reason: must not be empty",
        ),
        (
            'file = "data/2009-10/published.yaml"\nswitch = "shown"\nreason = "Why."\n',
            "4",
            "switch: must be one of 'published_in_full' or 'about_individual_children = false'",
        ),
        (
            'file = "data/2009-10/published.yaml"\nswitch = "published_in_full"\nreason = "Why."\n'
            'decided = "2026-02-30"\n',
            "6",
            "decided: must be a date that exists, written YYYY-MM-DD, got '2026-02-30'",
        ),
        (
            'file = "data/2009-10/published.yaml"\nswitch = "published_in_full"\nreason = "Why."\n'
            'approved_by = "me"\n',
            "6",
            "approved_by: is not a field of an exception",
        ),
    ],
    ids=["no-reason", "empty-reason", "unknown-switch", "impossible-date", "unknown-field"],
)
def test_a_malformed_approval_is_refused_and_approves_nothing(
    make_project: Callable[[str], Project], entry: str, where: str, says: str
) -> None:
    project = _disclosure(make_project)
    (project.root / EXCEPTIONS).write_text(f"# Approvals.\n[[exception]]\n{entry}", "utf-8")
    problems = _problems(project.root)
    assert any(
        p.startswith(f"conf/disclosure-exceptions.toml:{where}: exception[0].") and says in p
        for p in problems
    ), problems
    assert any(
        p.startswith("data/2009-10/published.yaml:8:1: published_in_full:") for p in problems
    )


def test_the_test_roots_approve_their_switches() -> None:
    for root in sorted(ROOTS.iterdir()):
        catalogue = Catalogue.load(root)
        assert [p for p in catalogue.problems if p.rule == "disclosure"] == [], root.name
