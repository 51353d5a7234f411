"""Start the next reporting year from the last one: ``lscb-kb new-year 2010-11``.

* every table keeps its shape (columns, row keys, row labels) with its figures emptied;
* every file of single figures keeps its figures' labels and units with empty values;
* every register carries its open records forward (anything not ``done`` or ``no-action``) as
  ``carried-forward``, with the status each had at the end of the last year added to its
  history, until the new year's report says where it stands;
* every reporting year named in a title, label, period or text cell is moved on by the years
  between the two ("2008/09" becomes "2009/10", "2009/10" becomes "2010/11"), except inside a
  quotation of the last report, which :func:`still_to_do` lists for rewording;
* every file's source becomes ``report-<year>``, the key under which the new year's report is
  to be added to ``data/references.bib`` (the check asks for it until it is there), and the
  last report's sources and section numbers of tables and figures are dropped;
* consistency rules are kept (a rule over empty figures is not checked until they are filled);
* the discrepancy register is not carried: each year records its own;
* a page for the new year is added under ``docs/years/``, which the navigation lists.

No code changes when a year is added; the pages of earlier years keep their figures, because an
address without a year means the current year in ``conf/lscb.toml``, which this does not change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .hygiene import is_year_folder, year_folder_problem, year_label
from .models import FiguresDataset, RegisterDataset, TablesDataset
from .problems import LscbError, PathPart, Problem, display_path
from .settings import Settings
from .validate import blank_figures

if TYPE_CHECKING:
    from .catalogue import Catalogue, Entry

YEAR = re.compile(r"^(\d{4})-(\d{2})$")
CLOSED = ("done", "no-action")
YEAR_PREFIX = re.compile(r"\d{4}-\d{2}:")
CARRIED = "carried-forward"
PLACEHOLDER = "report-{year}"
"""The source new-year gives a new year's files: the key under which the year's report is to be
added to the bibliography (the check refuses the year until it is there)."""

REPORTING_YEAR = re.compile(
    r"(?<![\d/])(?:(?P<first>(?:19|20)\d{2})(?P<sep>\s?[/\u2013-]\s?)(?P<second>(?:19|20)?\d{2})"
    r"|(?P<short>\d{2})/(?P<next>\d{2}))(?![\d/])"
)
"""A reporting year as the report writes one: 2009/10, 2009-10, 2009–2010, 09/10."""
QUOTATION = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')
"""Words in double quotes: a quotation of the report, which re-dating must not change."""


def placeholder_source(year: str) -> str:
    return PLACEHOLDER.format(year=year)


def is_placeholder_source(key: str) -> bool:
    return re.fullmatch(PLACEHOLDER.format(year=r"\d{4}-\d{2}"), key) is not None


def _reporting_years(text: str) -> list[re.Match[str]]:
    """Each reporting year named in *text* (two consecutive years), quotations included."""
    found = []
    for match in REPORTING_YEAR.finditer(text):
        first = match.group("first") or match.group("short")
        second = match.group("second") or match.group("next")
        if int(second) % 100 == (int(first) + 1) % 100:
            found.append(match)
    return found


def _quoted(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in QUOTATION.finditer(text)]


def shift_years(text: str, years: int) -> str:
    """*text* with every reporting year outside quotations moved on by *years*, each written
    as it was (2009/10 becomes 2010/11; 2009-2010, 2010-2011; 08/09, 09/10)."""
    quoted = _quoted(text)
    out, last = [], 0
    for match in _reporting_years(text):
        if any(start <= match.start() < end for start, end in quoted):
            continue
        if match.group("first"):
            first = int(match.group("first")) + years
            second = match.group("second")
            after = str(first + 1) if len(second) == 4 else f"{(first + 1) % 100:02d}"
            new = f"{first}{match.group('sep')}{after}"
        else:
            first = (int(match.group("short")) + years) % 100
            new = f"{first:02d}/{(first + 1) % 100:02d}"
        out.append(text[last : match.start()])
        out.append(new)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def quoted_years(text: str) -> list[str]:
    """The quotations in *text* that name a reporting year: the last report's words, which a
    new year's label can not keep."""
    spans = _quoted(text)
    return [
        text[start:end]
        for start, end in spans
        if any(start <= m.start() < end for m in _reporting_years(text))
    ]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.representer.add_representer(
        type(None), lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def _empty_row(row: CommentedMap, numeric: set[str]) -> None:
    for key in list(row):
        if key in numeric:
            row[key] = None


def _new_table(table: CommentedMap) -> bool:
    """Empty a table's figures; whether it had any."""
    numeric = {
        str(c["key"])
        for c in table.get("columns", [])
        if c.get("unit") in ("count", "percent", "money", "rate", "date")
    }
    for row in table.get("rows", []):
        _empty_row(row, numeric)
    if table.get("total") is not None:
        _empty_row(table["total"], numeric)
    for key in ("notes", "period", "not_reported"):
        table.pop(key, None)
    return bool(numeric)


def _carry_records(records: CommentedSeq, old: str) -> CommentedSeq:
    """The records of the register of year *old* (``2009-10``) that are still open."""
    label = year_label(old)
    kept = CommentedSeq()
    for record in records:
        if record.get("status") in CLOSED:
            continue
        history = record.get("history") or CommentedSeq()
        history.append(
            CommentedMap(
                [
                    ("period", label),
                    ("status", record["status"]),
                    ("note", f"status at the end of {label}"),
                ]
            )
        )
        record["history"] = history
        record["status"] = CARRIED
        _pin_figures(record, old)
        kept.append(record)
    return kept


def _pin_figures(value: object, year: str) -> object:
    """Each ``{fig}`` in a carried record's text names the figure of the year the record was
    written in (``2009-10:...``): its words are that year's, and so are its figures."""
    from .prose import FIGURE  # noqa: PLC0415  # prose reads the catalogue, which reads this

    def pin(match: re.Match[str]) -> str:
        address = match.group(1).strip()
        return match.group(0) if YEAR_PREFIX.match(address) else f"{{fig}}`{year}:{address}`"

    if isinstance(value, str):
        return FIGURE.sub(pin, value)
    if isinstance(value, dict):
        for key in list(value):
            value[key] = _pin_figures(value[key], year)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _pin_figures(item, year)
    return value


def _redate(mapping: CommentedMap, key: str, years: int) -> None:
    value = mapping.get(key)
    if isinstance(value, str):
        mapping[key] = shift_years(value, years)


def _redate_document(document: CommentedMap, years: int) -> None:
    """Move on the reporting years its wording names: titles, labels, text cells."""
    _redate(document, "title", years)
    for table in (document.get("tables") or {}).values():
        _redate(table, "title", years)
        text = [c["key"] for c in table.get("columns", []) if c.get("unit") == "text"]
        for column in table.get("columns", []):
            _redate(column, "label", years)
            _redate(column, "description", years)
        for row in [*table.get("rows", []), *([table["total"]] if table.get("total") else [])]:
            for key in text:
                _redate(row, key, years)
    for figure in (document.get("figures") or {}).values():
        _redate(figure, "label", years)


def _new_sources(document: CommentedMap, new: str) -> None:
    """The file's source becomes the new year's report; the last report's sources and section
    numbers of its tables and figures are dropped (its records keep theirs: they were found
    there)."""
    document["source"] = placeholder_source(new)
    parts = [*(document.get("tables") or {}).values(), *(document.get("figures") or {}).values()]
    for part in parts:
        for key in ("source", "section"):
            part.pop(key, None)


def new_document(document: CommentedMap, old: str, new: str) -> CommentedMap | None:
    """The new year's version of one data file, or ``None`` if it is not carried forward."""
    kind = document.get("kind")
    if kind in ("discrepancies", "glossary"):
        return None
    document["period"] = f"April {new[:4]} to March {int(new[:4]) + 1}"
    for key in ("notes", "published_in_full"):
        document.pop(key, None)  # a new year's figures are protected until marked published
    _redate_document(document, int(new[:4]) - int(old[:4]))
    _new_sources(document, new)
    # The year's figures are still to be entered: shown as "not yet entered", never as a blank
    # or as the last year's figure.
    if kind == "tables":
        emptied = [_new_table(table) for table in document["tables"].values()]
        if any(emptied):
            document["not_yet_entered"] = True
    elif kind == "figures":
        for figure in document["figures"].values():
            figure["value"] = None
            figure.pop("notes", None)
            figure.pop("not_reported", None)
        document["not_yet_entered"] = True
    elif kind == "register":
        carried = _carry_records(document["records"], old)
        if not carried:
            return None
        document["records"] = carried
    return document


def start_year(settings: Settings, new: str, old: str | None = None) -> list[Path]:
    """Write ``data/<new>/`` from ``data/<old>/`` and the new year's page. Returns the files."""
    problems = []
    why = year_folder_problem(new)
    if why is not None:
        problems.append(Problem("conf/lscb.toml", 1, 0, "", why, "config"))
    data = settings.data_path
    years = sorted(p.name for p in data.iterdir() if p.is_dir() and is_year_folder(p.name))
    old = old or (years[-1] if years else None)
    if old is None or not (data / old).is_dir():
        problems.append(
            Problem(str(data), 1, 0, "", f"there is no year {old!r} to start from", "config")
        )
    elif (data / new).exists():
        problems.append(
            Problem(str(data / new), 1, 0, "", f"the year {new} exists already", "config")
        )
    if problems:
        raise LscbError(problems)
    assert old is not None
    yaml = _yaml()
    written: list[Path] = []
    (data / new).mkdir(parents=True)
    for source in sorted((data / old).glob("*.yaml")):
        text = source.read_text("utf-8")
        document = yaml.load(text)
        result = new_document(document, old, new)
        if result is None:
            continue
        out = StringIO()
        header = "".join(
            line
            for line in text.splitlines(keepends=True)[:1]
            if line.startswith("# yaml-language-server")
        )
        yaml.dump(result, out)
        body = out.getvalue()
        if header and not body.startswith("# yaml-language-server"):
            body = header + body
        target = data / new / source.name
        target.write_text(body, "utf-8")
        written.append(target)
    page = settings.root / "docs" / "years" / new / "index.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    owner = _owner_of(page.parent.parent / "index.md")
    page.write_text(year_page(new, owner) if owner else year_page(new), "utf-8")
    written.append(page)
    return written


def year_page(
    year: str, owner: str = "the board's business manager", today: dt.date | None = None
) -> str:
    """The MyST page that shows everything in the data for one year, due for review in a year."""
    today = today or dt.date.today()
    due = (
        today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else (today + dt.timedelta(days=365))
    )
    return (
        "---\n"
        f"owner: {owner}\n"
        f"reviewed: {today.isoformat()}\n"
        f"review-due: {due.isoformat()}\n"
        "topics: [about-this-site, context]\n"
        "---\n\n"
        f"# Data for the {year_label(year)} report\n\n"
        f"Every table, figure and record held for {year_label(year)}, straight from the data "
        "files. Figures not yet entered say so.\n\n"
        f"```{{data-year}} {year}\n```\n"
    )


def _owner_of(page: Path) -> str | None:
    """The owner named in a page's front matter, to give the new year's page the same one."""
    if not page.is_file():
        return None
    for line in page.read_text("utf-8").splitlines()[1:]:
        if line.strip() == "---":
            break
        if line.startswith("owner:"):
            return line.partition(":")[2].strip() or None
    return None


# -- what a started year still needs ---------------------------------------------------------


def _wording(entry: Entry) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """The titles, labels and text cells of a file of figures, each with its path."""
    dataset = entry.dataset
    yield ("title",), dataset.title
    if isinstance(dataset, TablesDataset):
        for name, table in dataset.tables.items():
            yield ("tables", name, "title"), table.title
            for index, column in enumerate(table.columns):
                yield ("tables", name, "columns", index, "label"), column.label
            text = [c.key for c in table.columns if c.unit == "text"]
            for index, row in enumerate(table.rows):
                for key in text:
                    value = row.get(key)
                    if isinstance(value, str):
                        yield ("tables", name, "rows", index, key), value
    elif isinstance(dataset, FiguresDataset):
        for name, figure in dataset.figures.items():
            yield ("figures", name, "label"), figure.label


def _earlier_ids(catalogue: Catalogue, entry: Entry) -> set[str]:
    """The ids of the records of *entry*'s register in earlier years."""
    ids: set[str] = set()
    for (year, ident), other in catalogue.entries.items():
        earlier = year is not None and entry.year is not None and year < entry.year
        if ident == entry.id and earlier and isinstance(other.dataset, RegisterDataset):
            ids.update(record.id for record in other.dataset.records)
    return ids


def still_to_do(catalogue: Catalogue) -> list[Problem]:
    """What each file of a started year still needs, at its line: figures not yet entered,
    records carried forward that the year's report has not yet placed, and quotations of the
    last report in its labels. Notes for the board's business manager, not mistakes."""
    out: list[Problem] = []
    for entry in sorted(catalogue.entries.values(), key=lambda e: str(e.path)):
        dataset = entry.dataset
        shown = display_path(entry.path)

        def note(
            path: tuple[PathPart, ...],
            message: str,
            *,
            column: bool = True,
            entry: Entry = entry,
            shown: str = shown,
        ) -> None:
            line, at = entry.position(path)
            out.append(Problem(shown, line, at if column else 0, "", message, "to-do"))

        if isinstance(dataset, TablesDataset | FiguresDataset) and dataset.not_yet_entered:
            blanks = blank_figures(dataset)
            note(
                ("not_yet_entered",),
                f"{blanks} figure{'s' if blanks != 1 else ''} not yet entered; the site shows "
                "them as not yet entered until they are",
                column=False,
            )
        if isinstance(dataset, TablesDataset | FiguresDataset) and (
            dataset.not_yet_entered or is_placeholder_source(dataset.source)
        ):
            for path, text in _wording(entry):
                for quotation in quoted_years(text):
                    note(
                        path,
                        f"quotes the last report ({quotation}); reword it for "
                        f"{year_label(entry.year)}",
                    )
        if isinstance(dataset, RegisterDataset):
            earlier = _earlier_ids(catalogue, entry)
            for index, record in enumerate(dataset.records):
                if record.status == CARRIED and record.id in earlier:  # carried into this year
                    note(
                        ("records", index, "status"),
                        f"{record.id} is carried forward: set its status to where it stands "
                        "in this year's report",
                    )
    return out


def _named_years(text: str) -> list[int]:
    """The first calendar year of each reporting year *text* names outside quotations."""
    quoted = _quoted(text)
    named = []
    for match in _reporting_years(text):
        if any(start <= match.start() < end for start, end in quoted):
            continue
        first = match.group("first")
        named.append(int(first) if first else 2000 + int(match.group("short")))
    return named


def other_year_wording(catalogue: Catalogue) -> list[Problem]:
    """Labels of a year's files that are another year's: a reporting year more than one after
    the file's own (a report plans for the next year, and can say nothing of the one after), or
    the very wording of the year before's file where that names a reporting year (a file copied
    by hand, not started by ``new-year``)."""
    problems: list[Problem] = []
    for (year, ident), entry in sorted(catalogue.entries.items(), key=lambda item: str(item[0])):
        if year is None or not isinstance(entry.dataset, TablesDataset | FiguresDataset):
            continue
        own = int(year[:4])
        earlier = sorted(
            (y, e)
            for (y, i), e in catalogue.entries.items()
            if i == ident and y is not None and y < year and type(e.dataset) is type(entry.dataset)
        )
        before = dict(_wording(earlier[-1][1])) if earlier else {}
        shown = display_path(entry.path)
        for path, text in _wording(entry):
            later = [y for y in _named_years(text) if y > own + 1]
            line, column = entry.position(path)
            message = None
            if later:
                named = f"{later[0]}/{(later[0] + 1) % 100:02d}"
                message = (
                    f"names {named}, more than a year after this file's {year_label(year)}: "
                    f"the {year_label(year)} report can say nothing of it; write the year it "
                    "means"
                )
            elif earlier and before.get(path) == text and _named_years(text):
                last, last_entry = earlier[-1]
                message = (
                    f"is word for word the {year_label(last)} file's "
                    f"({display_path(last_entry.path)}), which names the years as "
                    f"{year_label(last)} saw them; for {year_label(year)} write "
                    f"'{shift_years(text, own - int(last[:4]))}' (lscb-kb new-year re-dates a "
                    "new year's files), or put words the report itself uses in double quotes"
                )
            if message is not None:
                problems.append(Problem(shown, line, column, "", message, "wording"))
    return problems
