"""What a change to the knowledge base changes on the site: ``lscb-kb diff BASE [HEAD]``.

A pull request's diff shows YAML. This module compares two revisions of the knowledge base as
the site publishes them, so that a reviewer reads "Supplies and services, 2009/10: £9,169 →
£9,196" with the file and line, for:

* every **figure**, by its address: its published text before and after (from the published
  view, so that a hidden count is never shown: it is the suppression symbol on both sides, and
  a figure that becomes hidden or is shown again says so); figures worked out by a ``formula``
  are listed when their parts change, marked as worked out;
* every **record** of a register (and of the discrepancy register), by its id: its status, its
  finding, action and other fields, with the figures they name written as the site shows them;
* every **page** under ``docs/``: added, removed or changed, with its title;
* every **download** (:func:`lscb_kb.published.export.all_files`) whose contents change.

Each side is loaded with the project's own loader (:meth:`Catalogue.load`). A revision is
read from git into a temporary folder (``git archive`` of ``conf/``, ``docs/`` and the data
folder, unpacked with :mod:`tarfile`'s ``data`` filter); without HEAD the files as they are
now are compared. Nothing here imports Sphinx or docutils; the command line (``cli.py``) only
prints what :func:`render` returns.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..core.catalogue import Catalogue, FigureRef, row_label
from ..core.models import (
    STATUS_LABELS,
    DiscrepancyRegister,
    RegisterDataset,
    TablesDataset,
    key_of,
)
from ..core.problems import LscbError, Problem
from ..core.prose import prose_text
from ..core.settings import Settings, load_settings
from ..published.export import DOWNLOADS_DIR, all_files, downloads_of, sorted_entries
from ..published.view import PublishedView, published_view

FORMATS = ("text", "json", "markdown")
KINDS = ("figure", "record", "page", "download")
"""The kinds of change, in the order they are listed."""

WORKING_TREE = "the files as they are now"
"""How the side compared when no HEAD revision is given is named."""

GIT_TIMEOUT = 60

PLAIN_FIELDS = frozenset({"status", "owner", "section", "period", "topics", "source", "rule"})
"""A record's fields that are a word or two, written without quotation marks."""

HIDDEN_BOTH = "hidden on both sides: the figure changes, but what it is is not shown"


class RevisionError(Exception):
    """A revision that can not be read: its message is one line, for the person who typed it."""


# -- what one side holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class FigureState:
    """One figure as the site shows it on one side."""

    label: str
    text: str
    hidden: bool
    worked_out: bool
    file: str
    line: int
    value_key: str = field(repr=False)
    """The raw value's ``repr``: compared, to tell that a hidden figure changed; never shown."""


@dataclass(frozen=True)
class RecordState:
    """One record of a register, its fields written as the site shows them."""

    label: str
    file: str
    line: int
    fields: dict[str, tuple[str, list[str], int]]
    """Each field: (its value as typed, for comparing; its paragraphs as shown; its line)."""


@dataclass(frozen=True)
class PageState:
    """One file under ``docs/``."""

    title: str
    lines: list[str]


@dataclass(frozen=True)
class DownloadState:
    """One download, and the data file it is made from."""

    label: str
    file: str
    line: int
    text: str


@dataclass
class Snapshot:
    """Everything the site would publish from one revision."""

    name: str
    figures: dict[str, FigureState] = field(default_factory=dict)
    records: dict[str, RecordState] = field(default_factory=dict)
    pages: dict[str, PageState] = field(default_factory=dict)
    downloads: dict[str, DownloadState] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


# -- one change ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing that changes between the two sides, with where it is written."""

    kind: str
    """``figure``, ``record``, ``page`` or ``download``."""
    change: str
    """``added``, ``removed``, ``changed``, ``hidden`` (now hidden), ``shown`` (no longer
    hidden) or ``renamed`` (a figure's label)."""
    key: str
    """A figure's address; a record's ``[year:]register/id``; a page's or a download's path."""
    label: str
    file: str
    line: int
    old: str | None = None
    new: str | None = None
    field: str | None = None
    """For a record: which of its fields changes (``status``, ``finding``, …)."""
    worked_out: bool = False
    """For a figure: it is worked out by a formula from other figures."""
    note: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "change": self.change,
            ("address" if self.kind == "figure" else "key"): self.key,
            "label": self.label,
            "file": self.file,
            "line": self.line,
            "old": self.old,
            "new": self.new,
        }
        if self.kind == "figure":
            out["worked_out"] = self.worked_out
        if self.kind == "record":
            out["field"] = self.field
        if self.note:
            out["note"] = self.note
        return out

    def sentence(self) -> str:
        """What changes, after the label: ``£9,169 → £9,196``."""
        note = f" ({self.note})" if self.note else ""
        if self.kind == "figure":
            if self.change == "added":
                return f"new figure: {self.new}{note}"
            if self.change == "removed":
                return f"removed (it was {self.old})"
            if self.change == "renamed":
                return f"label “{self.old}” → “{self.new}”"
            return f"{self.old} → {self.new}{note}"
        if self.kind == "record":
            if self.change == "added":
                return f"new record ({self.new})"
            if self.change == "removed":
                return f"removed (it was {self.old})"
            if self.field in PLAIN_FIELDS:
                return f"{self.field}: {self.old or '(nothing)'} → {self.new or '(nothing)'}"
            return f"{self.field}: {_quoted(self.old)} → {_quoted(self.new)}"
        if self.kind == "page":
            if self.change == "added":
                return "new page"
            if self.change == "removed":
                return "removed"
            if self.old != self.new:
                return f"title “{self.old}” → “{self.new}”{note}"
            return f"changed{note}"
        return {"added": "new download", "removed": "removed"}.get(self.change, "changed")

    def __str__(self) -> str:
        label = self.label
        if self.kind == "figure" and self.worked_out:
            label += " (worked out)"
        if self.kind == "page":
            label = f"page “{label}”"
        if self.kind == "download":
            label = f"download {label}"
        return f"{self.where}: {label}: {self.sentence()}"


def _quoted(text: str | None) -> str:
    if text is None or text == "":
        return "(nothing)"
    return f"“{text}”"


@dataclass
class Comparison:
    """The two sides compared, and what changes between them."""

    base: str
    head: str
    changes: list[Change] = field(default_factory=list)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    """The problems of a side that did not load, by the side's name."""

    @property
    def failed(self) -> bool:
        return any(self.problems.values())


# -- reading a side --------------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT,
        )
    except FileNotFoundError:
        raise RevisionError(
            "git is not installed, so the revisions can not be read; install git and try again"
        ) from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git did not answer within {GIT_TIMEOUT} seconds") from None


def resolve_revision(root: Path, revision: str) -> str:
    """The commit that *revision* names in the repository holding *root*."""
    if not revision or revision.startswith("-") or "\0" in revision:
        raise RevisionError(
            f"'{revision}' is not a revision: name a branch, a tag or a commit, such as origin/main"
        )
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0:
        raise RevisionError(
            f"{root} is not in a git repository, so there is no revision '{revision}' to "
            "compare with"
        )
    found = _git(
        root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    commit = found.stdout.decode("utf-8", "replace").strip()
    if found.returncode != 0 or not commit:
        raise RevisionError(
            f"'{revision}' is not a revision of this repository: name a branch, a tag or a "
            "commit, such as origin/main (a branch only on GitHub needs 'git fetch' first)"
        )
    return commit


def _top_folder(path: str) -> str:
    return PurePosixPath(path).parts[0] if PurePosixPath(path).parts else ""


def extract_revision(root: Path, commit: str, dest: Path) -> None:
    """The project's ``conf/``, ``docs/`` and data folder as they are at *commit*, in *dest*."""
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode("utf-8").strip().rstrip("/")
    tree = f"{commit}:{prefix}"
    listed = _git(root, "ls-tree", "--name-only", "-z", tree)
    if listed.returncode != 0:
        raise RevisionError(f"the project folder {prefix or '.'} is not in commit {_short(commit)}")
    present = set(listed.stdout.decode("utf-8", "replace").split("\0"))
    _unpack(root, commit, prefix, [name for name in ("conf",) if name in present], dest)
    # conf/lscb.toml may keep the data, the bibliography and the topics elsewhere.
    try:
        settings = load_settings(dest)
    except LscbError:  # the catalogue reports the mistake when it loads
        settings = Settings(root=dest)
    wanted = {"docs"} | {
        _top_folder(path)
        for path in (settings.data_dir, settings.bibliography, settings.topics_file)
    }
    names = sorted(name for name in wanted - {"conf"} if name in present)
    _unpack(root, commit, prefix, names, dest)


def _unpack(root: Path, commit: str, prefix: str, names: Sequence[str], dest: Path) -> None:
    """``git archive`` of the folders *names* of the project at *commit*, unpacked in *dest*."""
    if not names:
        return
    archive = _git(root, "archive", "--format=tar", f"{commit}:{prefix}", "--", *names)
    if archive.returncode != 0:
        message = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(
            f"git could not read {', '.join(names)} of commit {_short(commit)}: "
            + (message[-1] if message else "")
        )
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(dest, filter="data")
            else:  # Python before 3.11.4: only plain files and folders, inside dest
                members = [m for m in tar.getmembers() if _safe_member(m)]
                tar.extractall(dest, members=members)
    except tarfile.TarError as err:
        raise RevisionError(
            f"the files of commit {_short(commit)} could not be unpacked: {err}"
        ) from None


def _safe_member(member: tarfile.TarInfo) -> bool:
    path = PurePosixPath(member.name)
    return (member.isfile() or member.isdir()) and not path.is_absolute() and ".." not in path.parts


def snapshot(root: Path, name: str) -> Snapshot:
    """What the site would publish from the project at *root*."""
    root = root.resolve()
    catalogue = Catalogue.load(root)
    side = Snapshot(name=name)
    where = _Where(root)
    side.problems = [replace(p, file=where.file(p.file)) for p in catalogue.problems]
    side.pages = _pages(root / "docs", root)
    if side.problems:
        return side
    view = published_view(catalogue)
    for ref in catalogue.figures():
        shown = view.figure(ref)
        side.figures[ref.address] = FigureState(
            label=_figure_label(view, ref),
            text=shown.text,
            hidden=shown.hidden,
            worked_out=ref.address in catalogue.formulas,
            file=where.file(ref.file),
            line=ref.line,
            value_key=repr(ref.value),
        )
    side.records = dict(_records(catalogue, view, where))
    side.downloads = _downloads(catalogue, view, where)
    return side


class _Where:
    """Files named from the project folder, as in the repository: ``data/2009-10/x.yaml``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cwd = Path.cwd().resolve()
        self.known: dict[str, str] = {}

    def file(self, shown: str) -> str:
        if shown not in self.known:
            path = Path(os.path.normpath(self.cwd / shown))  # an absolute path stays as it is
            try:
                self.known[shown] = path.relative_to(self.root).as_posix()
            except ValueError:
                try:
                    self.known[shown] = path.resolve().relative_to(self.root).as_posix()
                except ValueError:
                    self.known[shown] = shown
        return self.known[shown]


def year_text(year: str | None) -> str:
    """A year folder as the report writes the year: ``2009-10`` is ``2009/10``."""
    return year.replace("-", "/") if year else ""


def _figure_label(view: PublishedView, ref: FigureRef) -> str:
    """A figure as a reader names it: its row (and column, if its table has several), and
    its year: ``Supplies and services, 2009/10``."""
    entry = ref.entry
    dataset = entry.dataset
    year = entry.year
    if isinstance(dataset, TablesDataset):
        address = ref.address.partition(":")[2] if year else ref.address
        head, row_key, column_key = address.split("/")
        table = dataset.tables[head.partition(".")[2]]
        row = next(r for r in table.every_row if key_of(r) == row_key)
        label = view.text(row_label(table, row), year)
        numeric = [c for c in table.columns if c.unit != "text"]
        if len(numeric) > 1:
            column = next(c for c in table.columns if c.key == column_key)
            label = f"{label}, {view.text(column.label, year)}"
    else:
        label = view.figure(ref).label
    shown_year = year_text(year)
    if shown_year and shown_year not in label:
        label = f"{label}, {shown_year}"
    return label


def _paragraphs(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def _records(
    catalogue: Catalogue, view: PublishedView, where: _Where
) -> Iterator[tuple[str, RecordState]]:
    for entry in sorted_entries(catalogue):
        dataset = entry.dataset
        year = entry.year
        prefix = f"{year}:{entry.id}" if year else entry.id
        file = where.file(entry.located.file)
        items: list[tuple[str, Any, str, dict[str, Any]]] = []
        if isinstance(dataset, RegisterDataset):
            items = [
                ("records", r, r.title, r.model_dump(mode="json", exclude={"id"}))
                for r in dataset.records
            ]
        elif isinstance(dataset, DiscrepancyRegister):
            items = [
                ("discrepancies", d, d.title, d.model_dump(mode="json", exclude={"id"}))
                for d in dataset.discrepancies
            ]
        for index, (section, item, title, dumped) in enumerate(items):
            fields: dict[str, tuple[str, list[str], int]] = {}
            for name, value in dumped.items():
                shown = _shown_field(name, value, view, year)
                line = entry.position((section, index, name))[0]
                fields[name.replace("_", " ")] = (json.dumps(value, sort_keys=True), shown, line)
            label = f"{item.id} {prose_text(view, title, year)}"
            line = entry.located.key_position((section, index))[0]
            yield f"{prefix}/{item.id}", RecordState(label, file, line, fields)


def _shown_field(name: str, value: Any, view: PublishedView, year: str | None) -> list[str]:
    """A record's field as the site shows it, as a list of paragraphs."""
    if name == "status":
        return [STATUS_LABELS.get(str(value), str(value))]
    if name == "history":
        return [
            f"{step['period']}: {STATUS_LABELS.get(step['status'], step['status'])}"
            + (f" ({prose_text(view, step['note'], year)})" if step.get("note") else "")
            for step in value or []
        ]
    if name == "topics":
        return [", ".join(value)] if value else []
    return [prose_text(view, text, year) for text in _paragraphs(value)]


def _downloads(
    catalogue: Catalogue, view: PublishedView, where: _Where
) -> dict[str, DownloadState]:
    made_from: dict[str, tuple[str, str, int]] = {}
    for entry in sorted_entries(catalogue):
        for download in downloads_of(entry):
            line = 1
            if download.table is not None:
                line = entry.located.key_position(("tables", download.table))[0]
            for suffix in ("csv", "json"):
                made_from[download.path(suffix)] = (
                    view.text(download.title, entry.year),
                    where.file(entry.located.file),
                    line,
                )
    out: dict[str, DownloadState] = {}
    for path, text in all_files(catalogue):
        title, file, line = made_from.get(path, ("", "", 1))
        name = PurePosixPath(path).relative_to(DOWNLOADS_DIR).as_posix()
        out[path] = DownloadState(f"{name} ({title})" if title else name, file, line, text)
    return out


def _pages(docs: Path, root: Path) -> dict[str, PageState]:
    """Every file under ``docs/`` but hidden ones: a page's title is its first heading."""
    pages: dict[str, PageState] = {}
    if not docs.is_dir():
        return pages
    inside = root.resolve()
    for path in sorted(docs.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if not path.resolve().is_relative_to(inside):  # a link out of the project is not read
            continue
        if "__pycache__" in relative.parts or path.name == "Thumbs.db":
            continue
        raw = path.read_bytes()
        key = relative.as_posix()
        if path.suffix == ".md":
            text = raw.decode("utf-8", "replace")
            lines = text.splitlines()
            pages[key] = PageState(page_title(lines) or path.name, lines)
        else:  # an image or a file a page offers: compared by its bytes
            pages[key] = PageState(path.name, [hashlib.sha256(raw).hexdigest()])
    return pages


def page_title(lines: Sequence[str]) -> str:
    """The text of a page's first ``#`` heading, after its front matter, outside code."""
    start = 0
    if lines and lines[0].strip() == "---":
        for number, line in enumerate(lines[1:], start=1):
            if line.strip() == "---":
                start = number + 1
                break
    fence = ""
    for line in lines[start:]:
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if stripped.startswith("# "):
            return stripped[2:].strip().rstrip("#").strip()
    return ""


# -- comparing ----------------------------------------------------------------------------


def compare(base: Snapshot, head: Snapshot) -> list[Change]:
    """Every change from *base* to *head*: figures, records, pages, downloads, in that order."""
    changes = [
        *_compare_figures(base.figures, head.figures),
        *_compare_records(base.records, head.records),
        *_compare_pages(base.pages, head.pages),
        *_compare_downloads(base.downloads, head.downloads),
    ]
    order = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(changes, key=lambda c: (order[c.kind], c.file, c.line, c.key, c.field or ""))


def _compare_figures(
    base: dict[str, FigureState], head: dict[str, FigureState]
) -> Iterator[Change]:
    for address in sorted(base.keys() | head.keys()):
        old, new = base.get(address), head.get(address)
        if new is None:
            assert old is not None
            yield Change(
                "figure",
                "removed",
                address,
                old.label,
                old.file,
                old.line,
                old=old.text,
                worked_out=old.worked_out,
            )
            continue
        if old is None:
            yield Change(
                "figure",
                "added",
                address,
                new.label,
                new.file,
                new.line,
                new=new.text,
                worked_out=new.worked_out,
                note="hidden" if new.hidden else "",
            )
            continue
        yield from _figure_changes(address, old, new)


def _figure_changes(address: str, old: FigureState, new: FigureState) -> Iterator[Change]:
    """What changes of a figure on both sides: its published text, and its label."""

    def change(kind: str, before: str, after: str, note: str = "") -> Change:
        return Change(
            "figure",
            kind,
            address,
            new.label,
            new.file,
            new.line,
            old=before,
            new=after,
            worked_out=new.worked_out,
            note=note,
        )

    if old.text != new.text:
        if new.hidden and not old.hidden:
            yield change("hidden", old.text, new.text, "now hidden")
        elif old.hidden and not new.hidden:
            yield change("shown", old.text, new.text, "no longer hidden")
        else:
            yield change("changed", old.text, new.text)
    elif old.hidden and new.hidden and old.value_key != new.value_key:
        yield change("changed", old.text, new.text, HIDDEN_BOTH)
    if old.label != new.label:
        yield change("renamed", old.label, new.label)


def _changed_paragraphs(old: list[str], new: list[str]) -> tuple[str, str]:
    """Only the paragraphs that differ, so that one sentence changed in a long finding reads
    as that sentence."""
    before: list[str] = []
    after: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            before.extend(old[i1:i2])
            after.extend(new[j1:j2])
    return " / ".join(before), " / ".join(after)


def _compare_records(
    base: dict[str, RecordState], head: dict[str, RecordState]
) -> Iterator[Change]:
    for key in sorted(base.keys() | head.keys()):
        old, new = base.get(key), head.get(key)
        if new is None:
            assert old is not None
            yield Change(
                "record",
                "removed",
                key,
                old.label,
                old.file,
                old.line,
                old=_status(old),
            )
            continue
        if old is None:
            yield Change(
                "record",
                "added",
                key,
                new.label,
                new.file,
                new.line,
                new=_status(new),
            )
            continue
        for name in [*new.fields, *(f for f in old.fields if f not in new.fields)]:
            typed_old, shown_old, _line = old.fields.get(name, ("null", [], old.line))
            typed_new, shown_new, line = new.fields.get(name, ("null", [], new.line))
            if typed_old == typed_new or shown_old == shown_new:
                continue  # a figure it names changes: that figure is listed itself
            before, after = _changed_paragraphs(shown_old, shown_new)
            yield Change(
                "record",
                "changed",
                key,
                new.label,
                new.file,
                line,
                old=before,
                new=after,
                field=name,
            )


def _status(record: RecordState) -> str:
    shown = record.fields.get("status")
    return shown[1][0] if shown and shown[1] else "no status"


def _compare_pages(base: dict[str, PageState], head: dict[str, PageState]) -> Iterator[Change]:
    for key in sorted(base.keys() | head.keys()):
        old, new = base.get(key), head.get(key)
        if new is None:
            assert old is not None
            yield Change("page", "removed", key, old.title, key, 1, old=old.title)
            continue
        if old is None:
            yield Change("page", "added", key, new.title, key, 1, new=new.title)
            continue
        if old.lines == new.lines:
            continue
        matcher = difflib.SequenceMatcher(a=old.lines, b=new.lines, autojunk=False)
        added = removed = 0
        first = 0
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            first = first or min(j1 + 1, max(len(new.lines), 1))
            removed += i2 - i1
            added += j2 - j1
        note = ", ".join(
            f"{count} line{'s' if count != 1 else ''} {what}"
            for count, what in ((added, "added"), (removed, "removed"))
            if count
        )
        if not key.endswith(".md"):
            note = "the file's contents change"
        yield Change(
            "page", "changed", key, new.title, key, first or 1, old.title, new.title, note=note
        )


def _compare_downloads(
    base: dict[str, DownloadState], head: dict[str, DownloadState]
) -> Iterator[Change]:
    for key in sorted(base.keys() | head.keys()):
        old, new = base.get(key), head.get(key)
        if new is None:
            assert old is not None
            yield Change("download", "removed", key, old.label, old.file, old.line)
        elif old is None:
            yield Change("download", "added", key, new.label, new.file, new.line)
        elif old.text != new.text:
            yield Change("download", "changed", key, new.label, new.file, new.line)


# -- the two sides --------------------------------------------------------------------------


def _short(commit: str) -> str:
    return commit[:12]


def compare_revisions(root: Path, base: str, head: str | None = None) -> Comparison:
    """Compare revision *base* with revision *head*, or with the files as they are now.

    Raises :class:`RevisionError` if a revision can not be read.
    """
    root = root.resolve()
    base_commit = resolve_revision(root, base)
    head_commit = resolve_revision(root, head) if head is not None else None
    with tempfile.TemporaryDirectory(prefix="lscb-diff-") as temp:
        folder = Path(temp).resolve()
        base_side = _revision_snapshot(root, base, base_commit, folder / "base")
        if head is None or head_commit is None:
            head_side = snapshot(root, WORKING_TREE)
        else:
            head_side = _revision_snapshot(root, head, head_commit, folder / "head")
    comparison = Comparison(base=base_side.name, head=head_side.name)
    for side in (base_side, head_side):
        if side.problems:
            comparison.problems[side.name] = side.problems
    if not comparison.failed:
        comparison.changes = compare(base_side, head_side)
    return comparison


def _revision_snapshot(root: Path, revision: str, commit: str, dest: Path) -> Snapshot:
    dest.mkdir()
    extract_revision(root, commit, dest)
    name = revision if commit.startswith(revision) else f"{revision} ({_short(commit)})"
    return snapshot(dest, name)


# -- writing it out -----------------------------------------------------------------------


def _counts(changes: Iterable[Change]) -> str:
    counted = {kind: 0 for kind in KINDS}
    for change in changes:
        counted[change.kind] += 1
    words = {"figure": "figure", "record": "record change", "page": "page", "download": "download"}
    return ", ".join(
        f"{count} {words[kind]}{'s' if count != 1 else ''}"
        for kind, count in counted.items()
        if count
    )


def nothing_changes(comparison: Comparison) -> str:
    return (
        f"Nothing changes between {comparison.base} and {comparison.head}: no figure, record, "
        "page or download is different."
    )


def summary(comparison: Comparison) -> str:
    """One line: how many changes of each kind."""
    if comparison.failed:
        return "The figures could not be compared: fix the problems listed first."
    if not comparison.changes:
        return nothing_changes(comparison)
    return f"Changes from {comparison.base} to {comparison.head}: {_counts(comparison.changes)}."


def render(comparison: Comparison, fmt: str) -> str:
    """The comparison as ``text`` (one line a change), ``json`` or ``markdown``."""
    if fmt == "json":
        return _render_json(comparison)
    if fmt == "markdown":
        return _render_markdown(comparison)
    return _render_text(comparison)


def _render_text(comparison: Comparison) -> str:
    if comparison.failed:
        lines: list[str] = []
        for name, problems in comparison.problems.items():
            lines.append(f"The figures can not be compared: {_problem_count(problems)} in {name}:")
            lines.extend(str(problem) for problem in problems)
        return "\n".join(lines)
    if not comparison.changes:
        return nothing_changes(comparison)
    return "\n".join(str(change) for change in comparison.changes)


def _problem_count(problems: Sequence[Problem]) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"


def _render_json(comparison: Comparison) -> str:
    if comparison.failed:
        items = [
            {"kind": "problem", "side": name, **problem.as_dict()}
            for name, problems in comparison.problems.items()
            for problem in problems
        ]
    else:
        items = [change.as_dict() for change in comparison.changes]
    return json.dumps(items, ensure_ascii=False, indent=2)


MARKDOWN_SPECIAL = str.maketrans(
    {char: f"\\{char}" for char in "\\`*_[]<>|~&$"} | {"\n": " ", "\r": " "}
)
"""What a table cell escapes: emphasis, code, links and images, HTML, the cell's end, math."""


def md(text: str | None) -> str:
    """Text for a cell of a Markdown table, shown as it is: nothing in it is markup."""
    return (text or "").translate(MARKDOWN_SPECIAL)


def _code(text: str) -> str:
    """Code in a table cell: GitHub ends a cell at a ``|`` even inside code, unless escaped."""
    return "`" + text.replace("`", "").replace("|", "\\|") + "`"


def _render_markdown(comparison: Comparison) -> str:
    title = f"## What changes on the site: {md(comparison.base)} → {md(comparison.head)}"
    out = [title, ""]
    if comparison.failed:
        for name, problems in comparison.problems.items():
            out.append(
                f"The figures can not be compared: {_problem_count(problems)} in {md(name)}:"
            )
            out.append("")
            out.extend(
                f"- {_code(problem.location)}: "
                + md(f"{problem.where}: {problem.message}" if problem.where else problem.message)
                for problem in problems
            )
            out.append("")
        return "\n".join(out).rstrip() + "\n"
    if not comparison.changes:
        out.append(md(nothing_changes(comparison)))
        return "\n".join(out) + "\n"
    out.extend([md(summary(comparison)), ""])
    by_kind = {kind: [c for c in comparison.changes if c.kind == kind] for kind in KINDS}
    if by_kind["figure"]:
        out += ["### Figures", "", "| Figure | Before | After | Where | Address |"]
        out.append("| --- | --- | --- | --- | --- |")
        for change in by_kind["figure"]:
            label = md(change.label) + (" (worked out)" if change.worked_out else "")
            before, after = change.old, change.new
            if change.change == "added":
                before = "(new)"
            elif change.change == "removed":
                after = "(removed)"
            elif change.change == "renamed":
                label = f"{label} (was called “{md(change.old)}”)"
                before = after = "(the same)"
            after_cell = md(after) + (f" ({md(change.note)})" if change.note else "")
            out.append(
                f"| {label} | {md(before)} | {after_cell} | {_code(change.where)} | "
                f"{_code(change.key)} |"
            )
        out.append("")
    if by_kind["record"]:
        out += ["### Records", "", "| Record | What | Before | After | Where |"]
        out.append("| --- | --- | --- | --- | --- |")
        for change in by_kind["record"]:
            what = change.field or ""
            before, after = change.old, change.new
            if change.change == "added":
                what, before = "new record", "(none)"
            elif change.change == "removed":
                what, after = "removed", "(none)"
            out.append(
                f"| {md(change.label)} | {md(what)} | {md(before) or '(nothing)'} | "
                f"{md(after) or '(nothing)'} | {_code(change.where)} |"
            )
        out.append("")
    if by_kind["page"]:
        out += ["### Pages", "", "| Page | Change | Where |", "| --- | --- | --- |"]
        for change in by_kind["page"]:
            title = md(change.label)
            if change.change == "changed" and change.old != change.new:
                title = f"{md(change.new)} (was “{md(change.old)}”)"
            what = {"added": "new page", "removed": "removed"}.get(change.change, "changed")
            if change.note:
                what += f": {change.note}"
            out.append(f"| {title} | {md(what)} | {_code(change.where)} |")
        out.append("")
    if by_kind["download"]:
        out += ["### Downloads", "", "| Download | Change | Made from |", "| --- | --- | --- |"]
        for change in by_kind["download"]:
            what = {"added": "new", "removed": "removed"}.get(change.change, "changed")
            out.append(f"| {md(change.label)} | {what} | {_code(change.where)} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
