"""The ``data-table`` directive: a table dataset rendered as an accessible docutils table.

.. code-block:: md

   ```{data-table} budget.expenditure
   ```
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from ..checks.pages import address_message
from ..core import AddressError, Entry
from ..core.catalogue import row_label
from ..core.models import TablesDataset, key_of
from ..core.validate import column_spec, row_spec
from ..published.disclosure import PublishedTable, Suppressed, describe_publication
from ..published.view import NotReported, ShownCorrection, shown_text
from .disclosure import (
    corrected_note,
    legend,
    not_reported_note,
    published_note,
    suppressed_node,
)
from .figure import corrected_mark, not_reported_node
from .nodes import data_download
from .provenance import edit_url
from .shared import LscbDirective, cite, get_view, plain_prose, prose_nodes, table_skeleton

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..core.models import Table


def _entry(text: str, *, classes: list[str] | None = None) -> nodes.entry:
    entry = nodes.entry(classes=classes or [])
    entry += nodes.paragraph("", text)
    return entry


def render_table(
    table: Table,
    caption: str,
    published: PublishedTable,
    prefix: str | None = None,
    text: Callable[[str], str] = str,
    corrected: Callable[[str], ShownCorrection | None] = lambda _address: None,
) -> nodes.table:
    """*table* as a docutils table of its published cells: a hidden count shows the symbol, a
    figure the report does not give shows "not reported". With *prefix* (the table's address,
    ``[year:]dataset.table``), each figure's cell carries its address (``lscb_address``, kept
    in the doctree and not written to the HTML), so tests can follow a figure to every place
    it is shown. *text* writes a caption, heading or text cell that names figures.
    """
    columns = table.columns
    labels = []
    for column in columns:
        unit = column_spec(column)
        label = text(column.label)
        if unit.unit == "rate" and unit.per:
            label = f"{label} (per {unit.per:,})"
        labels.append(label)
    node, body = table_skeleton(text(caption), labels, ["lscb-table"])
    specs = [(row, False) for row in table.rows]
    if table.total is not None:
        specs.append((table.total, True))
    for row_index, (row, is_total) in enumerate(specs):
        tr = nodes.row(classes=["lscb-total"] if is_total else [])
        row_key = key_of(row)
        for index, column in enumerate(columns):
            spec = row_spec(column_spec(column), row)
            shown = published.cell(row_index, column.key)
            address = f"{prefix}/{row_key}/{column.key}" if prefix and spec.numeric else None
            if isinstance(shown, Suppressed):
                cell = nodes.entry(classes=["lscb-num", "lscb-suppressed"])
                cell += nodes.paragraph("", "", suppressed_node(shown, published.policy))
                _mark(cell, address)
                tr += cell
                continue
            if isinstance(shown, NotReported):
                cell = nodes.entry(classes=["lscb-num", "lscb-not-reported"])
                cell += nodes.paragraph("", "", not_reported_node(shown))
                _mark(cell, address)
                tr += cell
                continue
            if is_total and index == 0 and shown is None:
                shown_as = "Total"
            elif is_total and shown is None:
                shown_as = ""  # the total row does not total this column
            elif spec.unit == "rate" and spec.per and column.unit == spec.unit:
                shown_as = shown_text(shown, spec).removesuffix(f" per {spec.per:,}")
            elif spec.unit == "text" and isinstance(shown, str):
                shown_as = text(shown)
            else:
                shown_as = shown_text(shown, spec)
            classes = ["lscb-num"] if spec.numeric and index else []
            cell = _mark(_entry(shown_as, classes=classes), address)
            if address is not None and corrected(address) is not None:
                para = cell.children[0]
                assert isinstance(para, nodes.paragraph)
                para += corrected_mark()
            tr += cell
        body += tr
    return node


def _mark(cell: nodes.entry, address: str | None) -> nodes.entry:
    if address is not None:
        cell["lscb_address"] = address
    return cell


def not_reported_notes(table: Table, published: PublishedTable) -> list[nodes.Node]:
    """Under a table: why each figure shown as "not reported" is missing."""
    labels = {c.key: c.label for c in table.columns}
    rows = table.every_row
    out: list[nodes.Node] = []
    for index, row in enumerate(rows):
        for column in table.columns:
            shown = published.cell(index, column.key)
            if isinstance(shown, NotReported):
                label = row_label(table, row)
                out.append(not_reported_note(f"{label}, {labels[column.key]}: {shown.reason}"))
    return out


def dataset_table(
    directive: LscbDirective, entry: Entry, name: str, caption: str | None = None
) -> tuple[nodes.table, list[nodes.Node]]:
    """One table of a data file as a page shows it: the table, then its legend, the note for
    a file published in full and the reasons for figures not reported."""
    dataset = entry.dataset
    assert isinstance(dataset, TablesDataset)
    table = dataset.tables[name]
    view = get_view(directive.env)
    published = view.table(entry, name)
    prefix = f"{entry.year}:{entry.id}.{name}" if entry.year else f"{entry.id}.{name}"
    table_node = render_table(
        table,
        caption or table.title,
        published,
        prefix,
        lambda value: plain_prose(value, directive, entry.year),
        view.correction,
    )
    after: list[nodes.Node] = []
    if published.any_suppressed:
        after.append(legend(directive.env))
    if published.published_in_full is not None and published.status == "published-in-full":
        after.append(published_note(describe_publication(published.published_in_full)))
    after.extend(not_reported_notes(table, published))
    for row in table.every_row:
        for column in table.columns:
            correction = view.correction(f"{prefix}/{key_of(row)}/{column.key}")
            if correction is not None:
                after.append(corrected_note(correction.sentence))
    return table_node, after


class DataTableDirective(LscbDirective):
    """Render ``[year:]dataset.table`` with a caption, header cells, units and its source."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "caption": directives.unchanged,
        "name": directives.unchanged,
        "class": directives.class_option,
        "no-source": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        try:
            entry, name, _table = self.catalogue.table(self.arguments[0])
        except AddressError as err:
            return self.warn(address_message("data-table", self.arguments[0], err))
        self.use(entry)
        return [table_block(self, entry, name, self.options)]


def table_block(
    directive: LscbDirective, entry: Entry, name: str, options: dict[str, Any]
) -> nodes.container:
    """A table of a data file as ``data-table`` shows it: the table with its legend and notes,
    its source and where to edit it. ``data-chart :with-table:`` draws its table with it too."""
    dataset = entry.dataset
    assert isinstance(dataset, TablesDataset)
    table = dataset.tables[name]
    container = nodes.container(classes=["lscb-dataset", *options.get("class", [])])
    table_node, after = dataset_table(directive, entry, name, options.get("caption"))
    directive.set_source_info(table_node)
    container += table_node
    ident = f"{entry.id}-{name}".replace(".", "-")
    container["ids"].append(nodes.make_id(f"table-{ident}"))
    if "name" in options:
        directive.add_name(table_node)
    container += after
    if "no-source" not in options:
        container += source_line(directive, table, dataset.source, dataset.section)
    container += download_line(entry, name)
    if "no-source" not in options:
        container += edit_line(directive, entry)
    if table.notes:
        notes = nodes.container(classes=["lscb-notes"])
        notes += prose_nodes(table.notes, directive, entry.year)
        container += notes
    return container


def download_line(entry: Entry, name: str) -> nodes.paragraph:
    """Under a table: its downloads, the table as CSV (for spreadsheets) and JSON."""
    from ..published.export import Download  # noqa: PLC0415

    table = Download(entry, name, entry.dataset.tables[name].title)  # type: ignore[union-attr]
    para = nodes.paragraph(classes=["lscb-table-downloads"])
    para += nodes.Text("Download this table: ")
    for index, (suffix, use) in enumerate((("csv", "for spreadsheets"), ("json", "for programs"))):
        if index:
            para += nodes.Text(", ")
        label = suffix.upper()
        para += data_download(
            "",
            label,
            lscb_download=table.path(suffix),
            reftitle=f"{table.title} ({label})",
            classes=["lscb-download"],
        )
        para += nodes.Text(f" ({use})")
    para += nodes.Text(".")
    return para


def source_line(
    directive: LscbDirective, table: Table, dataset_source: str, section: str | None
) -> nodes.paragraph:
    """Under a table: its source, with a citation, section and period."""
    para = nodes.paragraph(classes=["lscb-source"])
    para += nodes.Text("Source: ")
    source = table.source or dataset_source
    para += cite(directive.env, directive.state.inliner, source, directive.lineno)
    where = table.section or section
    if where:
        para += nodes.Text(f", section {where}")
    period = table.period
    if period:
        para += nodes.Text(f"; period: {period}")
    para += nodes.Text(".")
    return para


def edit_line(directive: LscbDirective, entry: Entry) -> list[nodes.Node]:
    """A link that opens the table's data file for editing, where a repository is set."""
    settings = directive.catalogue.settings
    try:
        path = entry.path.resolve().relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        return []
    url = edit_url(settings.repository, settings.branch, path)
    if url is None:
        return []
    para = nodes.paragraph(classes=["lscb-edit"])
    para += nodes.reference("", f"Edit the data ({path})", refuri=url)
    return [para]


def setup_table(app: Sphinx) -> None:
    app.add_directive("data-table", DataTableDirective)
