"""Unit tests of the data layer: loading, validation, addresses. No Sphinx here."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lscb_kb.core import AddressError, Catalogue, LscbError
from lscb_kb.core.bibliography import read_keys
from lscb_kb.core.units import UnitSpec, check_value, format_value
from lscb_kb.core.yamlload import load_yaml, parse_yaml

from .conftest import Project


def test_loader_keeps_line_column_and_printed_precision(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: 6\nb: 5.90\nrows:\n  - {key: x, n: 103158.60}\n", "utf-8")
    doc = load_yaml(path)
    assert doc.value["a"] == 6
    assert doc.value["b"] == Decimal("5.90")
    assert str(doc.value["rows"][0]["n"]) == "103158.60"
    assert doc.position(("b",)) == (2, 4)
    assert doc.position(("rows", 0, "n")) == (4, 17)


def test_each_reading_of_a_text_gets_its_own_values() -> None:
    """A text is parsed once per process, and no reading can change what the next one gets."""
    text = "rows:\n  - {key: x, n: 1}\nnotes: [a]\n"
    first = parse_yaml(text, "data/f.yaml")
    first.value["rows"][0]["n"] = 2
    first.value["notes"].append("b")
    first.values.clear()
    second = parse_yaml(text, "data/f.yaml")
    assert second.value == {"rows": [{"key": "x", "n": 1}], "notes": ["a"]}
    assert second.position(("rows", 0, "n")) == (2, 17)
    # the same text read as the front matter of a page (from its second line)
    assert parse_yaml(text, "docs/p.md", first_line=2).position(("notes",)) == (4, 8)


def test_a_refused_text_is_refused_at_every_reading() -> None:
    for _ in range(2):
        with pytest.raises(LscbError) as err:
            parse_yaml("a: 1\na: 2\n", "data/f.yaml")
        assert err.value.problems[0].line == 2


def test_a_bibliography_read_twice_names_the_file_of_each_reading(tmp_path: Path) -> None:
    text = "@misc{one,\n  title = {One},\n  year = {2010},\n}\n@unknownkind{two,\n}\n"
    for name in ("a.bib", "b.bib"):
        (tmp_path / name).write_text(text, "utf-8")
        with pytest.raises(LscbError) as err:
            read_keys(tmp_path / name)
        assert [p.file for p in err.value.problems] == [str(tmp_path / name)]
        assert err.value.problems[0].line == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: 1\nb: 2\na: 3\n",
            "f.yaml:3:1: the key 'a' is given twice in the same mapping; "
            "keep one and remove or rename the other",
        ),
        ("a: [1, 2\nb: 3\n", "f.yaml:2:2: not valid YAML: expected ',' or ']', but got ':'"),
        ("a:\n\t- 1\n", "f.yaml:2:1: a tab is used for indentation"),
        ("a: &x [1, *x]\n", "f.yaml:1:1: the file's anchors and aliases (& and *) refer to"),
        (
            "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(
                f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, n in zip("abcdef", "bcdefg", strict=True)
            ),
            "f.yaml:1:1: the file's anchors and aliases (& and *) refer to",
        ),
    ],
    ids=["duplicate-key", "unclosed-list", "tab-indent", "alias-loop", "alias-bomb"],
)
def test_loader_reports_syntax_at_file_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.yaml").write_text(text, "utf-8")
    with pytest.raises(LscbError) as err:
        load_yaml(tmp_path / "f.yaml")
    assert str(err.value).startswith(expected)


def test_loader_reports_bad_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.yaml").write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(LscbError) as err:
        load_yaml(tmp_path / "f.yaml")
    assert str(err.value) == "f.yaml:2:7: is not UTF-8 text (byte 0xe9); save the file as UTF-8"


@pytest.mark.parametrize(
    ("value", "spec", "shown"),
    [
        (81751, UnitSpec("money"), "£81,751"),
        (Decimal("103158.60"), UnitSpec("money", pence=True), "£103,158.60"),
        (Decimal("0.00"), UnitSpec("money", pence=True), "£0.00"),
        (Decimal("73.5"), UnitSpec("percent"), "73.5%"),
        (6, UnitSpec("percent"), "6%"),
        (Decimal("85.5"), UnitSpec("rate", per=1000), "85.5 per 1,000"),
        (152000, UnitSpec("count"), "152,000"),
        (None, UnitSpec("count"), "–"),
    ],
)
def test_format_value(value: object, spec: UnitSpec, shown: str) -> None:
    assert format_value(value, spec) == shown  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "spec", "reason"),
    [
        (
            "81,75l",
            UnitSpec("money"),
            "must be a whole number of pounds, without £ or commas, got '81,75l'",
        ),
        (Decimal("81.5"), UnitSpec("money"), "must be a whole number of pounds, got 81.5"),
        (Decimal("1.234"), UnitSpec("money", pence=True), "must be in pounds and pence"),
        (-3, UnitSpec("count"), "must be a whole number of at least 0, got -3"),
        (Decimal("2.5"), UnitSpec("count"), "must be a whole number of at least 0, got 2.5"),
        (Decimal("104.2"), UnitSpec("percent"), "must be a percentage from 0 to 100, got 104.2"),
        ("73.5%", UnitSpec("percent"), "must be a percentage from 0 to 100, without the % sign"),
        (12, UnitSpec("text"), "must be text, got 12"),
        ("1 July 2010", UnitSpec("date"), "must be a date written as YYYY-MM-DD"),
    ],
)
def test_check_value_says_what_is_wrong(value: object, spec: UnitSpec, reason: str) -> None:
    message = check_value(value, spec)  # type: ignore[arg-type]
    assert message is not None
    assert message.startswith(reason)


def test_valid_values_pass() -> None:
    assert check_value(0, UnitSpec("count")) is None
    assert check_value(Decimal("100"), UnitSpec("percent")) is None
    assert check_value(Decimal("7806.00"), UnitSpec("money", pence=True)) is None
    assert check_value(None, UnitSpec("money")) is None


def test_catalogue_resolves_addresses(project: Project) -> None:
    catalogue = Catalogue.load(project.root)
    assert catalogue.problems == []
    figure = catalogue.resolve("budget.expenditure/employees/actual")
    assert (figure.text, figure.file, figure.line) == ("£81,751", "data/2009-10/budget.yaml", 16)
    assert catalogue.resolve("2009-10:budget.expenditure/total/actual").text == "£95,128"
    assert catalogue.resolve("indicators.latest/admissions/thurrock").text == "85.5 per 1,000"
    assert catalogue.resolve("indicators.latest/initial-assessments/thurrock").text == "73.5%"


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "budgett.expenditure/employees/actual",
            "no data file with id 'budgett' for 2009-10; did you mean 'budget'?",
        ),
        (
            "budget.spending/employees/actual",
            "'budget' has no table 'spending'; its tables are expenditure",
        ),
        (
            "budget.expenditure/employes/actual",
            "table 'budget.expenditure' has no row 'employes'; did you mean 'employees'?",
        ),
        (
            "budget.expenditure/employees/projected",
            "table 'budget.expenditure' has no column 'projected'; choose one of: item, actual",
        ),
        (
            "budget.expenditure/employees",
            "a figure in a table is addressed as '<dataset>.<table>/<row>/<column>', "
            "got 'budget.expenditure/employees'",
        ),
        (
            "2010-11:budget.expenditure/employees/actual",
            "no data file with id 'budget' for 2010-11; known: ",
        ),
    ],
)
def test_unknown_addresses_say_what_would_be_right(
    project: Project, address: str, message: str
) -> None:
    catalogue = Catalogue.load(project.root)
    with pytest.raises(AddressError) as err:
        catalogue.resolve(address)
    assert str(err.value) == message


def test_every_figure_is_listed_with_its_line(project: Project) -> None:
    figures = {f.address: f for f in Catalogue.load(project.root).figures()}
    assert figures["2009-10:budget.expenditure/scr/actual"].line == 17
    assert figures["2009-10:budget.expenditure/scr/actual"].value == 13377
    assert len(figures) == 3 + 2 * 2
