"""The downloads' contents: every dataset and register as CSV and JSON, from the published view.

One ``<id>.<table>.csv`` and ``.json`` per table of a file of tables, and one ``<id>.csv`` and
``.json`` for a file of figures, a register, the discrepancy register, the corrections and the
glossary; the JSON of each file lists the corrections of its figures. Table
cells and single figures come from the published view (:func:`publishable_rows` and
:func:`publishable_figure_value`), so a count that the pages hide is hidden in the downloads
too; figures named in notes and records are written as the site shows them. Column headings
carry their unit; every row names its source by its title in the bibliography; a table's
total row is in its JSON and in the data package, not among the CSV's rows, so that a
spreadsheet's sum of a column is the table's total; a text cell a spreadsheet would run as a
formula is made safe. Nothing here imports Sphinx or docutils: the
extension (:mod:`lscb_kb.sphinxext.downloads`) writes the files when a build finishes.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ..core.models import (
    STATUS_LABELS,
    Column,
    DiscrepancyRegister,
    ErrataRegister,
    FiguresDataset,
    GlossaryDataset,
    RegisterDataset,
    Table,
    TablesDataset,
)
from ..core.prose import prose_text
from ..core.units import UnitSpec
from ..core.validate import column_spec, row_spec
from .disclosure import NOT_REPORTED, NOT_YET_ENTERED, PublishedTable, Suppressed
from .view import NotReported, PublishedView, ShownCell, ShownCorrection, published_view

if TYPE_CHECKING:
    from ..core import Catalogue, Entry
    from ..core.settings import Settings


DOWNLOADS_DIR = PurePosixPath("_downloads") / "data"
"""Where the downloads go, inside the HTML output."""

UNIT_WORDS = {"count": "number", "percent": "%", "money": "£", "text": "", "date": "date"}


# -- disclosure control ----------------------------------------------------------------------


def single_view(entry: Entry, settings: Settings) -> PublishedView:
    """A published view of one file on its own (for a download made outside a build)."""
    from ..core.catalogue import Catalogue  # noqa: PLC0415

    return published_view(Catalogue(settings=settings, entries={(entry.year, entry.id): entry}))


def publishable_rows(
    entry: Entry, table_name: str, settings: Settings, view: PublishedView | None = None
) -> PublishedTable:
    """The rows (and total row) of a table as they may be published, for pages and downloads.

    The published view decides: a count about individual children below the threshold (and
    any figure from which it could be worked back) arrives as
    :class:`~lscb_kb.published.disclosure.Suppressed`, never as the number.
    """
    return (view or single_view(entry, settings)).table(entry, table_name)


def publishable_figure_value(
    entry: Entry, name: str, settings: Settings, view: PublishedView | None = None
) -> ShownCell:
    """One single figure as it may be published."""
    view = view or single_view(entry, settings)
    return view.resolve(f"{entry.id}/{name}", entry.year).cell


# -- what is downloadable --------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """One downloadable table or file: where it goes and what it is called."""

    entry: Entry
    table: str | None
    title: str

    @property
    def stem(self) -> PurePosixPath:
        name = f"{self.entry.id}.{self.table}" if self.table else self.entry.id
        folder = DOWNLOADS_DIR / self.entry.year if self.entry.year else DOWNLOADS_DIR
        return folder / name

    def path(self, suffix: str) -> str:
        """The download's path inside the HTML output, such as ``_downloads/data/…/x.csv``."""
        return f"{self.stem}.{suffix}"


def downloads_of(entry: Entry) -> list[Download]:
    """The downloads a data file gives: one per table of a file of tables, else one."""
    dataset = entry.dataset
    if isinstance(dataset, TablesDataset):
        return [Download(entry, name, table.title) for name, table in dataset.tables.items()]
    return [Download(entry, None, dataset.title)]


def sorted_entries(catalogue: Catalogue) -> list[Entry]:
    """Every valid data file: years in order, then files by id; files across years last."""
    return sorted(catalogue.entries.values(), key=lambda e: (e.year is None, e.year or "", e.id))


def catalogue_listing(catalogue: Catalogue) -> list[tuple[str, ...]]:
    """What the data catalogue shows of every file, and nothing else: its path, year, id,
    title, period, source and section, and the title of each download. A page that lists
    every file is re-read when this changes (see :mod:`.domain`), not on every figure edit."""
    listing = []
    for entry in sorted_entries(catalogue):
        dataset = entry.dataset
        listing.append(
            (
                str(entry.path),
                entry.year or "",
                entry.id,
                dataset.title,
                getattr(dataset, "period", None) or "",
                getattr(dataset, "source", None) or "",
                str(getattr(dataset, "section", None) or ""),
                *(f"{d.table or ''}={d.title}" for d in downloads_of(entry)),
            )
        )
    return listing


# -- contents --------------------------------------------------------------------------------


def heading(column: Column, view: PublishedView | None = None, year: str | None = None) -> str:
    """A column's heading with its unit: ``Actual expenditure (£)``, ``Rate (per 1,000)``."""
    spec = column_spec(column)
    unit = _unit_words(spec)
    label = view.text(column.label, year) if view is not None else column.label
    return f"{label} ({unit})" if unit else label


def _text(value: ShownCell, view: PublishedView, year: str | None) -> ShownCell:
    """A text cell with the figures it names written as the site shows them."""
    return view.text(value, year) if isinstance(value, str) else value


def source_title(settings: Settings, key: str | None, section: object = None) -> str:
    """A source as a reader knows it: its title in the bibliography (the key if it has none),
    with the section when there is one."""
    if not key:
        return ""
    from ..core.bibliography import titles  # noqa: PLC0415

    title = titles(settings.bibliography_path).get(key, key)
    return title + (f", section {section}" if section else "")


def _unit_words(spec: UnitSpec) -> str:
    if spec.unit == "rate":
        return f"per {spec.per:,}" if spec.per else "rate"
    return UNIT_WORDS[spec.unit]


def _plain(value: ShownCell) -> str:
    """A cell as CSV text: numbers as typed (``103158.60``), blanks empty, hidden as symbol."""
    if value is None:
        return ""
    if isinstance(value, Suppressed | NotReported):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _json_value(value: Any) -> Any:
    """A cell as a JSON value: numbers as numbers, dates as ISO text, hidden as the symbol."""
    if isinstance(value, Suppressed):
        return str(value)
    if isinstance(value, NotReported):
        return None
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple()[2] == 0
            else (float(value))
        )
    if isinstance(value, int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _prose(value: str | list[str] | None, view: PublishedView, year: str | None) -> str:
    """Data prose as plain text, its figures written as the site shows them."""
    return "\n".join(_notes(value, view, year))


CsvCell = str | int | Decimal
"""A cell of a CSV download: text, or a number from a numeric cell of the data."""

FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
"""Characters that make a spreadsheet read a cell as a formula: ``= + - @``, and their
full-width forms ``＝ ＋ － ＠``, which some spreadsheets treat the same."""

LINE_STARTS = frozenset("\t\r\n")
"""Characters that a spreadsheet may drop or act on at the start of a cell."""


def _blank(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def spreadsheet_safe(text: str) -> str:
    """Text as a spreadsheet may open it without running it as a formula ("CSV injection").

    A text whose first character is a tab, carriage return or line feed, or whose first
    character after any leading spaces and control characters starts a formula, gets a single
    quote in front (as OWASP recommends), so ``=HYPERLINK(...)`` is shown as the text it is.
    Only text is passed here: numbers from numeric cells are written as numbers.
    """
    if not text:
        return text
    if text[0] in LINE_STARTS:
        return f"'{text}"
    visible = next((char for char in text if not _blank(char)), "")
    return f"'{text}" if visible in FORMULA_STARTS else text


def _csv_cell(value: CsvCell) -> CsvCell:
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


def _csv(header: list[str], rows: list[list[CsvCell]]) -> str:
    """A CSV text: every text cell made safe for spreadsheets, numbers left as numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _cell(value: ShownCell, spec: UnitSpec) -> CsvCell:
    """A published cell for the CSV: a number if its unit is numeric and it is a number."""
    if spec.numeric and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    return _plain(value)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _about(entry: Entry, settings: Settings, view: PublishedView) -> dict[str, Any]:
    dataset = entry.dataset
    return {
        "id": entry.id,
        "year": entry.year,
        "title": dataset.title,
        "period": getattr(dataset, "period", None),
        "source": getattr(dataset, "source", None),
        "section": getattr(dataset, "section", None),
        "licence": {"name": settings.licence, "url": settings.licence_url},
        "notes": _notes(getattr(dataset, "notes", None), view, entry.year),
        "corrections": _corrections_of(entry, view),
    }


def _notes(value: str | list[str] | None, view: PublishedView, year: str | None) -> list[str]:
    """Data prose as a list of plain texts, its figures written as the site shows them."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [prose_text(view, item, year) for item in items]


def _row_units(table: Table) -> bool:
    return any(key in row for row in table.rows for key in ("unit", "per"))


ROW_UNIT = "row unit (where it differs from the column's)"


def _field_type(table: Table, column: Column) -> str:
    """The Table Schema type of a column's cells, over every row's unit."""
    specs = {row_spec(column_spec(column), row) for row in table.every_row}
    units = {spec.unit for spec in specs}
    if units <= {"count"} or (units <= {"count", "money"} and not any(s.pence for s in specs)):
        return "integer"
    if all(spec.numeric for spec in specs):
        return "number"
    if units == {"date"}:
        return "date"
    return "string"


def table_fields(
    table: Table, view: PublishedView | None = None, year: str | None = None
) -> list[tuple[str, str]]:
    """The columns of a table's CSV, each with its Table Schema type (before the build's two)."""
    fields = [
        ("key", "string"),
        *((heading(c, view, year), _field_type(table, c)) for c in table.columns),
    ]
    if _row_units(table):
        fields.append((ROW_UNIT, "string"))
    fields.append(("source", "string"))
    return fields


def table_contents(
    entry: Entry, name: str, settings: Settings, view: PublishedView | None = None
) -> tuple[str, str]:
    """The CSV and JSON of one table, as they may be published."""
    dataset = entry.dataset
    assert isinstance(dataset, TablesDataset)
    table = dataset.tables[name]
    view = view or single_view(entry, settings)
    published = publishable_rows(entry, name, settings, view)
    source = table.source or dataset.source
    section = table.section or dataset.section
    source_words = source_title(settings, source, section)
    mixed = _row_units(table)
    year = entry.year
    header = [name for name, _type in table_fields(table, view, year)]
    body: list[list[CsvCell]] = []
    # The total row is not a row of the CSV: a spreadsheet's sum of a column would count it
    # twice. It is the JSON's "total" and the data package's description of the file.
    for original, row in zip(table.rows, published.rows, strict=True):
        line: list[CsvCell] = [str(original.get("key"))]
        line += [
            _cell(_text(row.get(c.key), view, year), row_spec(column_spec(c), original))
            for c in table.columns
        ]
        if mixed:
            line.append(_row_unit(table, original))
        line.append(source_words)
        body.append(line)
    about = _about(entry, settings, view)
    about.update(
        {
            "table": name,
            "table_title": view.text(table.title, year),
            "period": table.period or dataset.period,
            "source": source,
            "section": section,
            "notes": [*about["notes"], *_notes(table.notes, view, entry.year)],
            "not_reported": dict(table.not_reported) or None,
            "columns": [_column_json(c, view, year) for c in table.columns],
            "rows": [
                {**{"key": original.get("key")}, **_row_json(table, original, row)}
                for original, row in zip(table.rows, published.rows, strict=True)
            ],
            "total": (
                {
                    **{"key": table.total.get("key", "total")},
                    **_row_json(table, table.total, published.total),
                }
                if table.total is not None and published.total is not None
                else None
            ),
            "suppressed": published.policy.explanation if published.any_suppressed else None,
        }
    )
    return _csv(header, body), _json(about)


def _row_unit(table: Table, row: dict[str, Any]) -> str:
    if "unit" not in row and "per" not in row:
        return ""
    specs = {
        _unit_words(row_spec(column_spec(c), row)) for c in table.columns if column_spec(c).numeric
    }
    return ", ".join(sorted(specs))


def _column_json(column: Column, view: PublishedView, year: str | None) -> dict[str, Any]:
    label = view.text(column.label, year)
    out: dict[str, Any] = {"key": column.key, "label": label, "unit": column.unit}
    if column.per is not None:
        out["per"] = column.per
    if column.pence:
        out["pence"] = True
    return out


def _row_json(table: Table, original: dict[str, Any], row: dict[str, ShownCell]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        out[column.key] = _json_value(row.get(column.key))
    for key in ("unit", "per"):
        if key in original:
            out[key] = _json_value(original[key])
    return out


def figures_contents(
    entry: Entry, settings: Settings, view: PublishedView | None = None
) -> tuple[str, str]:
    """The CSV and JSON of a file of single figures."""
    view = view or single_view(entry, settings)
    dataset = entry.dataset
    assert isinstance(dataset, FiguresDataset)
    header = ["key", "label", "value", "unit", "section", "source"]
    body: list[list[CsvCell]] = []
    figures: list[dict[str, Any]] = []
    for name, figure in dataset.figures.items():
        value = publishable_figure_value(entry, name, settings, view)
        spec = UnitSpec(unit=figure.unit, per=figure.per, pence=figure.pence)
        source = figure.source or dataset.source
        body.append(
            [
                name,
                view.text(figure.label, entry.year),
                _cell(value, spec),
                _unit_words(spec) or "text",
                figure.section or "",
                source_title(settings, source),
            ]
        )
        item: dict[str, Any] = {
            "key": name,
            "label": view.text(figure.label, entry.year),
            "value": _json_value(value),
            "unit": figure.unit,
            "section": figure.section,
            "source": source,
            "notes": _notes(figure.notes, view, entry.year),
            "not_reported": figure.not_reported,
        }
        if figure.per is not None:
            item["per"] = figure.per
        figures.append(item)
    return _csv(header, body), _json({**_about(entry, settings, view), "figures": figures})


def register_contents(
    entry: Entry, settings: Settings, view: PublishedView | None = None
) -> tuple[str, str]:
    """The CSV and JSON of a register of records."""
    view = view or single_view(entry, settings)
    year = entry.year
    dataset = entry.dataset
    assert isinstance(dataset, RegisterDataset)
    header = [
        "id",
        "title",
        "status",
        "finding",
        "action",
        "owner",
        "section",
        "period",
        "topics",
        "history",
        "source",
    ]
    body: list[list[CsvCell]] = []
    for record in dataset.records:
        history = "; ".join(
            f"{c.period}: {STATUS_LABELS[c.status]}"
            + (f" ({prose_text(view, c.note, year)})" if c.note else "")
            for c in record.history
        )
        body.append(
            [
                record.id,
                record.title,
                STATUS_LABELS[record.status],
                _prose(record.finding, view, year),
                _prose(record.action, view, year),
                record.owner or "",
                record.section or "",
                record.period or "",
                "; ".join(record.topics),
                history,
                source_title(settings, record.source or dataset.source),
            ]
        )
    records = [
        _rendered({**r.model_dump(mode="json"), "source": r.source or dataset.source}, view, year)
        for r in dataset.records
    ]
    return _csv(header, body), _json({**_about(entry, settings, view), "records": records})


def _rendered(value: Any, view: PublishedView, year: str | None) -> Any:
    """Every text of a dumped record with its figures written as the site shows them."""
    if isinstance(value, str):
        return prose_text(view, value, year)
    if isinstance(value, list):
        return [_rendered(item, view, year) for item in value]
    if isinstance(value, dict):
        return {key: _rendered(item, view, year) for key, item in value.items()}
    return value


def discrepancies_contents(
    entry: Entry, settings: Settings, view: PublishedView | None = None
) -> tuple[str, str]:
    """The CSV and JSON of the discrepancy register."""
    view = view or single_view(entry, settings)
    year = entry.year
    dataset = entry.dataset
    assert isinstance(dataset, DiscrepancyRegister)
    header = ["id", "rule", "title", "uses", "reader note", "topics", "source"]
    body: list[list[CsvCell]] = [
        [
            d.id,
            d.rule,
            prose_text(view, d.title, year),
            prose_text(view, d.uses, year),
            prose_text(view, d.reader_note, year),
            "; ".join(d.topics),
            source_title(settings, dataset.source),
        ]
        for d in dataset.discrepancies
    ]
    items = [_rendered(d.model_dump(mode="json"), view, year) for d in dataset.discrepancies]
    return _csv(header, body), _json({**_about(entry, settings, view), "discrepancies": items})


def glossary_contents(entry: Entry, settings: Settings) -> tuple[str, str]:
    """The CSV and JSON of the glossary."""
    dataset = entry.dataset
    assert isinstance(dataset, GlossaryDataset)
    header = ["term", "expansion", "definition", "aliases", "source"]
    body: list[list[CsvCell]] = [
        [
            t.term,
            t.expansion or "",
            t.definition,
            "; ".join(t.aliases),
            source_title(settings, t.source or dataset.source),
        ]
        for t in dataset.terms
    ]
    items = [t.model_dump(mode="json") for t in dataset.terms]
    view = single_view(entry, settings)
    return _csv(header, body), _json({**_about(entry, settings, view), "terms": items})


def _correction_json(correction: ShownCorrection) -> dict[str, Any]:
    return {
        "figure": correction.address,
        "label": correction.label,
        "published": correction.published,
        "now": correction.now,
        "corrected": correction.corrected.isoformat(),
        "reason": correction.reason,
        "decided_by": correction.decided_by,
    }


def errata_contents(entry: Entry, settings: Settings, view: PublishedView) -> tuple[str, str]:
    """The CSV and JSON of the corrections, the latest first, as the site shows them."""
    header = ["figure", "label", "published", "now", "corrected", "reason", "decided by"]
    shown = view.corrections()
    body: list[list[CsvCell]] = [
        [c.address, c.label, c.published, c.now, c.corrected.isoformat(), c.reason, c.decided_by]
        for c in shown
    ]
    items = [_correction_json(c) for c in shown]
    return _csv(header, body), _json({**_about(entry, settings, view), "corrections": items})


def _corrections_of(entry: Entry, view: PublishedView) -> list[dict[str, Any]]:
    """The corrections of the figures of one data file, for its JSON download."""
    return [
        _correction_json(c)
        for c in view.corrections()
        if view.catalogue.resolve(c.address).entry is entry
    ]


def contents(download: Download, view: PublishedView) -> tuple[str, str]:
    """The CSV and JSON text of one download, from the published view."""
    settings = view.catalogue.settings
    entry, dataset = download.entry, download.entry.dataset
    if isinstance(dataset, TablesDataset):
        assert download.table is not None
        return table_contents(entry, download.table, settings, view)
    if isinstance(dataset, FiguresDataset):
        return figures_contents(entry, settings, view)
    if isinstance(dataset, RegisterDataset):
        return register_contents(entry, settings, view)
    if isinstance(dataset, DiscrepancyRegister):
        return discrepancies_contents(entry, settings, view)
    if isinstance(dataset, ErrataRegister):
        return errata_contents(entry, settings, view)
    return glossary_contents(entry, settings)


DATA_PACKAGE = DOWNLOADS_DIR / "datapackage.json"
"""The Frictionless Data Package that describes every CSV download."""
BUILD_FIELDS = (("built from commit", "string"), ("build date", "date"))
"""The two columns every CSV gets when the build writes it (:func:`lscb_kb.provenance.stamp`)."""


def _resource_name(download: Download) -> str:
    """A data package resource name: lower case, digits, '-', '_' and '.' only."""
    return download.stem.relative_to(DOWNLOADS_DIR).as_posix().replace("/", ".")


def data_package(catalogue: Catalogue, view: PublishedView, csvs: dict[str, str]) -> str:
    """The Frictionless Data Package (``datapackage.json``) of the CSV downloads *csvs* (path in
    the output -> text): a Table Schema per file, with each column's type (its heading names
    its unit); the symbols a hidden, not reported or not yet entered figure is written as, as
    missing values; the source's title and section; the licence."""
    settings = catalogue.settings
    licence = {"name": "OGL-UK-3.0", "title": settings.licence, "path": settings.licence_url}
    missing = ["", view.policy.symbol, NOT_REPORTED, NOT_YET_ENTERED]
    resources = []
    for entry in sorted_entries(catalogue):
        dataset = entry.dataset
        for download in downloads_of(entry):
            path = download.path("csv")
            header = next(csv.reader(io.StringIO(csvs[path])))
            description = None
            if isinstance(dataset, TablesDataset) and download.table is not None:
                table = dataset.tables[download.table]
                typed = dict(table_fields(table, view, entry.year))
                key = table.source or dataset.source
                section = table.section or dataset.section
                description = _total_description(entry, download, view)
            else:
                typed = {}
                key = str(getattr(dataset, "source", "") or "")
                section = getattr(dataset, "section", None)
            fields = [{"name": name, "type": typed.get(name, "string")} for name in header]
            fields += [{"name": name, "type": kind} for name, kind in BUILD_FIELDS]
            resource: dict[str, Any] = {
                "name": _resource_name(download),
                "path": PurePosixPath(path).relative_to(DOWNLOADS_DIR).as_posix(),
                "title": view.text(download.title, entry.year),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "licenses": [licence],
                "schema": {"fields": fields, "missingValues": missing},
            }
            if description:
                resource["description"] = description
            if key:  # its title only: an address in the bibliography is the link policy's
                resource["sources"] = [{"title": source_title(settings, key, section)}]
            resources.append(resource)
    package = {
        "name": "lscb-knowledge-base",
        "title": "The board's figures, tables and registers",
        "licenses": [licence],
        "resources": resources,
    }
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def _total_description(entry: Entry, download: Download, view: PublishedView) -> str | None:
    """How a table's total row is marked: not a row of the CSV, but said here, with its cells
    as the pages show them, so a spreadsheet's sum of a column can be checked against it."""
    dataset = entry.dataset
    assert isinstance(dataset, TablesDataset) and download.table is not None
    table = dataset.tables[download.table]
    published = view.table(entry, download.table)
    if table.total is None or published.total is None:
        return None
    year = entry.year
    cells = [
        f"{heading(c, view, year)} {_description_cell(published.total.get(c.key))}"
        for c in table.columns
        if column_spec(c).numeric
    ]
    label = next(
        (
            view.text(str(table.total[c.key]), year)
            for c in table.columns
            if not column_spec(c).numeric and table.total.get(c.key)
        ),
        "Total",
    )
    json_name = PurePosixPath(download.path("json")).name
    return (
        f"This file holds the table's rows only. Its total row ({label}: {'; '.join(cells)}) "
        f"is left out so that a spreadsheet's sum of a column does not count it twice; it is "
        f'the "total" in {json_name}.'
    )


def _description_cell(value: ShownCell) -> str:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return str(value) if value is not None else NOT_REPORTED


def all_files(catalogue: Catalogue) -> Iterator[tuple[str, str]]:
    """Every download as (path inside the output, text), in a fixed order; the data package
    that describes the CSV files last."""
    view = published_view(catalogue)
    csvs: dict[str, str] = {}
    for entry in sorted_entries(catalogue):
        for download in downloads_of(entry):
            csv_text, json_text = contents(download, view)
            csvs[download.path("csv")] = csv_text
            yield download.path("csv"), csv_text
            yield download.path("json"), json_text
    yield DATA_PACKAGE.as_posix(), data_package(catalogue, view, csvs)
