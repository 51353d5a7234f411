"""Start the next reporting year from the last one: ``lscb-kb new-year 2010-11``.

* every table keeps its shape (columns, row keys, row labels) with its figures emptied;
* every file of single figures keeps its figures' labels and units with empty values;
* every register carries its open records forward (anything not ``done`` or ``no-action``),
  with the status each had at the end of the last year added to its history;
* consistency rules are kept (a rule over empty figures is not checked until they are filled);
* the discrepancy register is not carried: each year records its own;
* a page for the new year is added under ``docs/years/``, which the navigation lists.

No code changes when a year is added; the pages of earlier years keep their figures, because an
address without a year means the current year in ``conf/lscb.toml``, which this does not change.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .hygiene import is_year_folder, year_folder_problem
from .problems import LscbError, Problem
from .settings import Settings

YEAR = re.compile(r"^(\d{4})-(\d{2})$")
CLOSED = ("done", "no-action")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.representer.add_representer(
        type(None), lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def _label(year: str) -> str:
    match = YEAR.match(year)
    assert match
    return f"{match.group(1)}/{match.group(2)}"


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
    kept = CommentedSeq()
    for record in records:
        if record.get("status") in CLOSED:
            continue
        history = record.get("history") or CommentedSeq()
        history.append(
            CommentedMap(
                [
                    ("period", old),
                    ("status", record["status"]),
                    ("note", f"status at the end of {old}"),
                ]
            )
        )
        record["history"] = history
        kept.append(record)
    return kept


def _retitle(document: CommentedMap, old: str, new: str) -> None:
    """Name the new year in titles that named the old one."""
    if isinstance(document.get("title"), str):
        document["title"] = document["title"].replace(old, new)
    for table in (document.get("tables") or {}).values():
        if isinstance(table.get("title"), str):
            table["title"] = table["title"].replace(old, new)


def new_document(document: CommentedMap, old: str, new: str) -> CommentedMap | None:
    """The new year's version of one data file, or ``None`` if it is not carried forward."""
    kind = document.get("kind")
    if kind in ("discrepancies", "glossary"):
        return None
    document["period"] = f"April {new[:4]} to March {int(new[:4]) + 1}"
    for key in ("notes", "published_in_full"):
        document.pop(key, None)  # a new year's figures are protected until marked published
    _retitle(document, _label(old), _label(new))
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
        carried = _carry_records(document["records"], _label(old))
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
        f"# Data for the {_label(year)} report\n\n"
        f"Every table, figure and record held for {_label(year)}, straight from the data "
        "files. Figures not yet filled in show as a dash.\n\n"
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
