"""The catalogue: every data file loaded and validated once, and every figure given an address.

An address names one figure:

* in a table: ``[year:]dataset.table/row/column``, e.g. ``budget.expenditure/employees/actual``;
* in a file of figures: ``[year:]dataset/figure``, e.g. ``context/population``.

The year defaults to the page's year, or else the current year in ``conf/lscb.toml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..published.disclosure import check_declaration
from .bibliography import read_keys
from .exceptions import Exceptions, project_path
from .hygiene import identifier_problem, suggest, year_folder_problem, year_label
from .models import (
    Cell,
    Correction,
    Dataset,
    ErrataRegister,
    FiguresDataset,
    GlossaryDataset,
    Record,
    RegisterDataset,
    Table,
    TablesDataset,
    key_of,
)
from .newyear import YEAR_PREFIX, is_placeholder_source
from .problems import LscbError, PathPart, Problem, display_path
from .settings import Settings, load_settings
from .units import UnitSpec, check_value, format_value
from .validate import column_spec, row_spec, validate_document
from .yamlload import Located, load_yaml

YAML_SUFFIXES = (".yaml", ".yml")


class AddressError(LookupError):
    """An address, dataset or table that the catalogue does not hold."""


class InvalidDataError(AddressError):
    """The address names a data file that exists but has errors of its own."""


@dataclass(frozen=True)
class FigureRef:
    """One figure, resolved: its value, how the page writes it, and where it was typed."""

    address: str
    value: Cell
    spec: UnitSpec
    label: str
    source: str
    file: str
    line: int
    column: int
    entry: Entry = field(compare=False, hash=False, repr=False)

    @property
    def text(self) -> str:
        return format_value(self.value, self.spec)


@dataclass
class Entry:
    """A data file that loaded and validated, with where its values stand."""

    path: Path
    year: str | None
    dataset: Dataset
    located: Located

    @property
    def id(self) -> str:
        return self.dataset.id

    def position(self, path: tuple[PathPart, ...]) -> tuple[int, int]:
        return self.located.position(path)


@dataclass
class Catalogue:
    """Everything under ``data/``, validated, with the problems found on the way."""

    settings: Settings
    entries: dict[tuple[str | None, str], Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    bib_keys: dict[str, int] = field(default_factory=dict)
    corrections: dict[str, tuple[Entry, int, Correction]] = field(default_factory=dict)
    """Each corrected figure's latest correction, by the figure's address: the errata file,
    the correction's place in it, and the correction."""
    placeholders: set[str] = field(default_factory=set, repr=False)
    """Placeholder sources of a new year reported so far (each is reported once)."""
    files: list[Path] = field(default_factory=list)
    invalid: set[tuple[str | None, str]] = field(default_factory=set)
    derived: dict[str, Cell] = field(default_factory=dict)
    """The value of each figure worked out by a ``formula``, by its full address."""
    formulas: dict[str, tuple[tuple[int, FigureRef], ...]] = field(default_factory=dict)
    """Each formula figure's terms: (+1 or -1, the figure), by the formula figure's address."""

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path, settings: Settings | None = None) -> Catalogue:
        """Load and validate every ``*.yaml`` under the data folder. Never raises for bad data."""
        try:
            settings = settings or load_settings(root)
        except LscbError as err:
            cat = cls(settings=Settings(root=root))
            cat.problems.extend(err.problems)
            return cat
        cat = cls(settings=settings)
        cat.problems.extend(settings.problems)
        try:
            cat.bib_keys = read_keys(settings.bibliography_path, settings.limits)
        except LscbError as err:
            cat.problems.extend(err.problems)
        exceptions = Exceptions.load(settings.root)
        cat.problems.extend(exceptions.problems)
        files, layout = _layout(settings)
        cat.problems.extend(layout)
        cat.files = files
        readable: set[str] = set()
        for path in cat.files:
            cat._load_file(path, exceptions, readable)
        cat.problems.extend(exceptions.stale(readable))
        cat.problems.extend(cat._check_child_topics())
        cat.problems.extend(cat._derive())
        cat.problems.extend(cat._check_corrections())
        from .prose import check_prose  # noqa: PLC0415 - prose resolves through the catalogue

        cat.problems.extend(check_prose(cat))
        from .newyear import other_year_wording  # noqa: PLC0415 - new-year reads catalogues

        cat.problems.extend(other_year_wording(cat))
        cat.problems.sort()
        return cat

    def _load_file(self, path: Path, exceptions: Exceptions, readable: set[str]) -> None:
        rel = path.relative_to(self.settings.data_path)
        year = rel.parts[0] if len(rel.parts) > 1 else None
        try:
            located = load_yaml(path, self.settings.limits)
        except LscbError as err:
            self.problems.extend(err.problems)
            self.invalid.add((year, path.stem))
            return
        project_file = project_path(path, self.settings.root)
        readable.add(project_file)
        # A switch that lowers disclosure control counts only with a maintainer's approval.
        unapproved = list(
            exceptions.check(project_file, located.value, located.key_position, located.file)
        )
        dataset, problems = validate_document(located)
        ident = (
            dataset.id
            if dataset is not None
            else str(
                located.value.get("id", path.stem) if isinstance(located.value, dict) else path.stem
            )
        )
        self.problems.extend(problems)
        self.problems.extend(unapproved)
        if dataset is None or problems or unapproved:
            self.invalid.add((year, ident))
            if dataset is None:
                self.invalid.add((year, path.stem))  # the id itself may be what is wrong
                return
        if (year, ident) in self.entries:
            other = self.entries[(year, ident)]
            self.problems.append(
                located.problem(
                    ("id",),
                    f"the id '{ident}' is already used by {other.located.file}; "
                    "each file in a year needs its own id",
                    rule="reference",
                )
            )
            return
        entry = Entry(path=path, year=year, dataset=dataset, located=located)
        self.problems.extend(self._check_sources(entry))
        self.problems.extend(check_declaration(located, dataset, self.settings.child_topics))
        if not problems and not unapproved:
            self.entries[(year, ident)] = entry

    def _check_corrections(self) -> Iterator[Problem]:
        """Each correction names a figure that exists, a published value of the figure's unit
        that differs from the figure's value now, and a day that has come."""
        today = dt.date.today()
        for entry in sorted(self.entries.values(), key=lambda e: str(e.path)):
            if not isinstance(entry.dataset, ErrataRegister):
                continue
            for index, correction in enumerate(entry.dataset.corrections):
                at: tuple[PathPart, ...] = ("corrections", index)
                try:
                    ref = self.resolve(correction.figure)
                except AddressError as err:
                    yield entry.located.problem((*at, "figure"), str(err), rule="reference")
                    continue
                if not YEAR_PREFIX.match(correction.figure.strip()):
                    yield entry.located.problem(
                        (*at, "figure"),
                        f"name the year of the figure corrected: '{ref.address}'",
                        rule="reference",
                    )
                    continue
                reason = check_value(correction.published, ref.spec)
                if reason is not None or correction.published is None:
                    yield entry.located.problem(
                        (*at, "published"),
                        reason or "is the value the site published before: it can not be null",
                    )
                    continue
                if format_value(correction.published, ref.spec) == ref.text:
                    yield entry.located.problem(
                        (*at, "published"),
                        f"is the figure's value now ({ref.text}): a correction records the value "
                        "that was published before it, and the data file holds what is right",
                    )
                    continue
                if correction.corrected > today:
                    yield entry.located.problem(
                        (*at, "corrected"),
                        f"is a day still to come ({correction.corrected.isoformat()}): give the "
                        "day the correction was made",
                    )
                    continue
                known = self.corrections.get(ref.address)
                if known is None or known[2].corrected <= correction.corrected:
                    self.corrections[ref.address] = (entry, index, correction)

    def _derive(self) -> Iterator[Problem]:
        """Work out every figure declared by a ``formula`` from the figures it names."""
        for entry in sorted(self.entries.values(), key=lambda e: (str(e.year), e.id)):
            dataset = entry.dataset
            if not isinstance(dataset, FiguresDataset):
                continue
            for name, figure in dataset.figures.items():
                if figure.formula is None:
                    continue
                path: tuple[PathPart, ...] = ("figures", name, "formula")
                terms: list[tuple[int, FigureRef]] = []
                problem = None
                for sign, address in parse_formula(figure.formula):
                    if not address:
                        problem = (
                            f"cannot read {figure.formula!r}: write figure addresses joined by "
                            "+ and -, such as 'budget.income/total/actual - "
                            "budget.expenditure/total/actual'"
                        )
                        break
                    try:
                        ref = self.resolve(address, entry.year)
                    except InvalidDataError:
                        problem = ""  # that file's own problems are reported already
                        break
                    except AddressError as err:
                        problem = f"{address!r}: {err}"
                        break
                    if ref.address in self.formulas or self._is_formula(ref):
                        problem = f"{address!r} is itself worked out by a formula; name its parts"
                        break
                    if ref.spec.unit != figure.unit:
                        problem = (
                            f"{address!r} is a {ref.spec.unit} figure; every part of a "
                            f"{figure.unit} formula must be {figure.unit}"
                        )
                        break
                    terms.append((sign, ref))
                if problem is not None:
                    if problem:
                        yield entry.located.problem(path, problem, rule="reference")
                    continue
                full = _full(entry, f"{entry.id}/{name}")
                self.formulas[full] = tuple(terms)
                self.derived[full] = _work_out(terms, figure.pence or figure.unit != "money")

    def _is_formula(self, ref: FigureRef) -> bool:
        dataset = ref.entry.dataset
        if not isinstance(dataset, FiguresDataset):
            return False
        return dataset.figures[ref.address.rpartition("/")[2]].formula is not None

    def _check_child_topics(self) -> Iterator[Problem]:
        """Each of ``child_topics`` in ``conf/lscb.toml`` is a topic of ``conf/topics.yaml``:
        a misspelt one would let files on that topic publish small counts undeclared."""
        from .topics import Topics  # noqa: PLC0415

        settings = self.settings
        topics = Topics.load(settings.topics_path)
        if topics.missing or topics.problems:
            return
        config = settings.root / "conf" / "lscb.toml"
        for name in settings.child_topics:
            line = child_topics_line(config, name)
            if name not in topics.topics and line:  # the defaults serve any list of topics
                yield Problem(
                    display_path(config),
                    line,
                    0,
                    "disclosure.child_topics",
                    f"'{name}' is not a topic in {topics.file}" + _near(name, topics.topics),
                    "config",
                )

    def _check_sources(self, entry: Entry) -> Iterator[Problem]:
        if not self.bib_keys:
            return
        for path, key in _sources(entry.dataset):
            if key not in self.bib_keys and is_placeholder_source(key):
                if key in self.placeholders:
                    continue  # said once, at the first file that cites it
                self.placeholders.add(key)
                yield entry.located.problem(
                    path,
                    f"cites '{key}', the source new-year gave the files of "
                    f"{year_label(entry.year)}: add that year's annual report to "
                    f"{self.settings.bibliography} under this key (CONTRIBUTING.md, 'Add the "
                    "new report as a source'); every file of the year that cites it is then "
                    "right",
                    rule="reference",
                )
            elif key not in self.bib_keys:
                near = suggest(key, self.bib_keys)
                hint = (
                    f"; did you mean '{near}'?"
                    if near
                    else ("; add it to the bibliography or use one of its keys")
                )
                yield entry.located.problem(
                    path,
                    f"cites '{key}', which is not a key in {self.settings.bibliography}{hint}",
                    rule="reference",
                )

    # -- looking things up -----------------------------------------------------------------

    def year_of(self, year: str | None) -> str | None:
        return year or self.settings.current_year

    def entry(self, ident: str, year: str | None = None, kind: type | None = None) -> Entry:
        """The file with this id in this year (or across years). Raises :class:`AddressError`."""
        year = self.year_of(year)
        for candidate in (year, None):
            found = self.entries.get((candidate, ident))
            if found is not None:
                if kind is not None and not isinstance(found.dataset, kind):
                    raise AddressError(
                        f"'{ident}' is a {found.dataset.kind} file, not the kind this needs"
                    )
                return found
        if (year, ident) in self.invalid or (None, ident) in self.invalid:
            raise InvalidDataError(
                f"the data file '{ident}' has errors (listed above); fix them first"
            )
        known = sorted({i for (y, i) in self.entries if y in (year, None) and i.isascii()})
        near = suggest(ident, known)
        hint = f"; did you mean '{near}'?" if near else f"; known: {', '.join(known)}"
        raise AddressError(
            f"no data file with id '{ident}' for {year or 'any year'}{_foreign(ident)}{hint}"
        )

    def table(self, ref: str, year: str | None = None) -> tuple[Entry, str, Table]:
        """The table named ``[year:]dataset.table`` (or ``dataset`` if it has only one table)."""
        year, ref = _split_year(ref, year)
        ident, _, name = ref.partition(".")
        entry = self.entry(ident, year, TablesDataset)
        tables = entry.dataset.tables  # type: ignore[union-attr]
        if not name:
            if len(tables) == 1:
                name = next(iter(tables))
            else:
                raise AddressError(
                    f"'{ident}' holds several tables; name one: "
                    + ", ".join(f"{ident}.{t}" for t in tables)
                )
        if name not in tables:
            raise AddressError(
                f"'{ident}' has no table '{name}'; its tables are " + ", ".join(tables)
            )
        return entry, name, tables[name]

    def register(self, ref: str, year: str | None = None) -> Entry:
        year, ref = _split_year(ref, year)
        return self.entry(ref, year, RegisterDataset)

    def later_records(self, entry: Entry, record_id: str) -> list[tuple[Entry, Record]]:
        """Record *record_id* of *entry*'s register in the same register of each later year."""
        found: list[tuple[Entry, Record]] = []
        if entry.year is None:
            return found
        for (year, ident), other in sorted(self.entries.items(), key=lambda kv: str(kv[0][0])):
            if ident != entry.id or year is None or year <= entry.year:
                continue
            if isinstance(other.dataset, RegisterDataset):
                found.extend((other, r) for r in other.dataset.records if r.id == record_id)
        return found

    def glossary(self) -> Entry | None:
        for (_year, _ident), entry in sorted(self.entries.items(), key=lambda kv: str(kv[0])):
            if isinstance(entry.dataset, GlossaryDataset):
                return entry
        return None

    def resolve(self, address: str, year: str | None = None) -> FigureRef:
        """The figure at *address*. Raises :class:`AddressError` saying what would be right."""
        year, address = _split_year(address.strip(), year)
        parts = address.split("/")
        ident = parts[0].partition(".")[0]
        entry = self.entry(ident, year)
        dataset = entry.dataset
        if isinstance(dataset, FiguresDataset):
            if len(parts) != 2:
                raise AddressError(
                    f"a figure in '{ident}' is addressed as '{ident}/<figure>', got '{address}'"
                )
            name = parts[1]
            if name not in dataset.figures:
                raise AddressError(
                    f"'{ident}' has no figure '{name}'" + _near(name, dataset.figures)
                )
            return self._figure_ref(entry, address, name)
        if isinstance(dataset, TablesDataset):
            if len(parts) != 3:
                raise AddressError(
                    f"a figure in a table is addressed as "
                    f"'<dataset>.<table>/<row>/<column>', got '{address}'"
                )
            entry, table_name, table = self.table(parts[0], year)
            return self._cell_ref(entry, table_name, table, parts[1], parts[2], address)
        raise AddressError(f"'{ident}' is a {dataset.kind} file and holds no figures")

    def _figure_ref(self, entry: Entry, address: str, name: str) -> FigureRef:
        figure = entry.dataset.figures[name]  # type: ignore[union-attr]
        spec = UnitSpec(unit=figure.unit, per=figure.per, pence=figure.pence)
        full = _full(entry, address)
        where = "formula" if figure.formula is not None else "value"
        line, col = entry.position(("figures", name, where))
        return FigureRef(
            address=full,
            value=self.derived.get(full) if figure.formula is not None else figure.value,
            spec=spec,
            label=figure.label,
            source=figure.source or _source_of(entry),
            file=entry.located.file,
            line=line,
            column=col,
            entry=entry,
        )

    def _cell_ref(
        self,
        entry: Entry,
        table_name: str,
        table: Table,
        row_key: str,
        column_key: str,
        address: str,
    ) -> FigureRef:
        columns = {c.key: c for c in table.columns}
        if column_key not in columns:
            raise AddressError(
                f"table '{entry.id}.{table_name}' has no column '{column_key}'"
                + _near(column_key, columns)
            )
        rows: dict[str, tuple[tuple[PathPart, ...], dict[str, Cell]]] = {
            str(r.get("key")): (("rows", i), r) for i, r in enumerate(table.rows)
        }
        if table.total is not None:
            rows[key_of(table.total)] = (("total",), table.total)
        if row_key not in rows:
            raise AddressError(
                f"table '{entry.id}.{table_name}' has no row '{row_key}'" + _near(row_key, rows)
            )
        path, row = rows[row_key]
        column = columns[column_key]
        spec = row_spec(column_spec(column), row)
        line, col = entry.position(("tables", table_name, *path, column_key))
        label = f"{table.title}: {row_label(table, row)}, {column.label}"
        return FigureRef(
            address=_full(entry, address),
            value=row.get(column_key),
            spec=spec,
            label=label,
            source=table.source or _source_of(entry),
            file=entry.located.file,
            line=line,
            column=col,
            entry=entry,
        )

    def figures(self) -> Iterator[FigureRef]:
        """Every figure in the catalogue, tables' cells and single figures alike."""
        for (year, ident), entry in sorted(self.entries.items(), key=lambda kv: str(kv[0])):
            dataset = entry.dataset
            if isinstance(dataset, FiguresDataset):
                for name in dataset.figures:
                    yield self._figure_ref(entry, f"{ident}/{name}", name)
            elif isinstance(dataset, TablesDataset):
                for table_name, table in dataset.tables.items():
                    rows = table.every_row
                    for row in rows:
                        for column in table.columns:
                            if column.unit in ("text",):
                                continue
                            key = key_of(row)
                            yield self._cell_ref(
                                entry,
                                table_name,
                                table,
                                key,
                                column.key,
                                f"{ident}.{table_name}/{key}/{column.key}",
                            )
            del year


def row_label(table: Table, row: dict[str, Any]) -> str:
    """A row's name on the page: its first text cell, or its key."""
    for column in table.columns:
        if column.unit == "text" and row.get(column.key):
            return str(row[column.key])
    return key_of(row)


def parse_formula(formula: str) -> list[tuple[int, str]]:
    """A formula's terms, (+1 or -1, address); an address of ``""`` if it can not be read.

    Addresses contain hyphens, so a minus sign is one with spaces round it (``a - b``).
    """
    terms: list[tuple[int, str]] = []
    text = formula.strip()
    sign = 1
    for index, raw in enumerate(re.split(r"(\s\+\s|\s-\s|\+)", f" {text} ")):
        piece = raw.strip()
        if index % 2:
            sign = -1 if piece == "-" else 1
            continue
        if not piece:
            return [(1, "")]
        if not re.fullmatch(r"[\w.:/-]+", piece):
            return [(1, "")]
        terms.append((sign, piece))
    return terms or [(1, "")]


def _work_out(terms: list[tuple[int, FigureRef]], keep_fraction: bool) -> Cell:
    """The sum of the signed terms, or ``None`` if one of them is not a number."""
    total = Decimal(0)
    for sign, ref in terms:
        value = ref.value
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return None
        total += sign * Decimal(value)
    if not keep_fraction and total == total.to_integral_value():
        return int(total)
    if all(isinstance(ref.value, int) for _s, ref in terms):
        return int(total)
    return total


def child_topics_line(path: Path, name: str) -> int:
    """The line of *path* that names *name* in ``child_topics`` (0 if it is not named)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    inside = False
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith("child_topics"):
            inside = True
        if inside and (f'"{name}"' in line or f"'{name}'" in line):
            return number
        if inside and "]" in line:
            inside = False
    return 0


def _full(entry: Entry, address: str) -> str:
    return f"{entry.year}:{address}" if entry.year else address


def _split_year(ref: str, year: str | None) -> tuple[str | None, str]:
    if ":" in ref:
        given, _, rest = ref.partition(":")
        return given.strip(), rest.strip()
    return year, ref


def _foreign(name: str) -> str:
    """Which character of *name* is from outside ASCII, if one is (a look-alike letter)."""
    if name.isascii():
        return ""
    return f"; {identifier_problem(name)}"


def _near(name: str, options: Any) -> str:
    """The hint after an unknown name: the nearest known name, never one outside ASCII."""
    options = [option for option in options if str(option).isascii()]
    near = suggest(name, options)
    if near:
        return f"{_foreign(name)}; did you mean '{near}'?"
    return f"{_foreign(name)}; choose one of: {', '.join(options)}"


def _layout(settings: Settings) -> tuple[list[Path], list[Problem]]:
    """The data files to load, and a problem for anything else found at the top of ``data/``.

    Every folder is a reporting year, named ``YYYY-YY`` (the files of any other folder are not
    loaded); the files at the top are the ones that span years (``*.yaml``, such as the
    glossary) and the bibliography.
    """
    data = settings.data_path
    if not data.is_dir():
        return [], []
    files: list[Path] = []
    problems: list[Problem] = []
    bibliography = settings.bibliography_path.resolve()
    inside = data.resolve()

    def add(path: Path) -> None:
        """A data file is read only from inside the data folder, never through a link out."""
        if path.resolve().is_relative_to(inside):
            files.append(path)
            return
        problems.append(
            Problem(
                f"{display_path(path.parent)}/{path.name}",  # the link, not what it points to
                1,
                0,
                "",
                f"is a link to a file outside {settings.data_dir}/, which is never read: the "
                f"data files are read only from inside {settings.data_dir}/; put the file itself "
                "here instead",
                "layout",
            )
        )

    for child in sorted(data.iterdir()):
        shown = display_path(child)
        if child.is_dir():
            why = year_folder_problem(child.name)
            if why is None:
                for path in sorted(child.rglob("*")):
                    if path.suffix in YAML_SUFFIXES:
                        add(path)
                continue
            problems.append(
                Problem(
                    shown,
                    1,
                    0,
                    "",
                    f"{why}; every folder of {settings.data_dir}/ is a reporting year, so "
                    "rename it, or move its files into a year's folder",
                    "layout",
                )
            )
        elif child.suffix in YAML_SUFFIXES:
            add(child)
        elif child.resolve() != bibliography:
            problems.append(
                Problem(
                    shown,
                    1,
                    0,
                    "",
                    f"'{child.name}' is not a file the top of {settings.data_dir}/ may hold: "
                    "only the files that span years (such as glossary.yaml), the "
                    f"bibliography ({Path(settings.bibliography).name}) and the years' "
                    "folders (such as 2009-10/); move it or delete it",
                    "layout",
                )
            )
    return sorted(files), problems


def _source_of(entry: Entry) -> str:
    """The source key of a file's figures (a file of corrections has none of its own)."""
    return str(getattr(entry.dataset, "source", "") or "")


def _sources(dataset: Dataset) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    if isinstance(dataset, ErrataRegister):
        return  # a correction's source is the figure's
    yield ("source",), dataset.source
    if isinstance(dataset, TablesDataset):
        for name, table in dataset.tables.items():
            if table.source:
                yield ("tables", name, "source"), table.source
    elif isinstance(dataset, FiguresDataset):
        for name, figure in dataset.figures.items():
            if figure.source:
                yield ("figures", name, "source"), figure.source
    elif isinstance(dataset, RegisterDataset):
        for index, record in enumerate(dataset.records):
            if record.source:
                yield ("records", index, "source"), record.source
    elif isinstance(dataset, GlossaryDataset):
        for index, term in enumerate(dataset.terms):
            if term.source:
                yield ("terms", index, "source"), term.source
