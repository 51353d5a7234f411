"""The ``data-table`` directive: a table dataset rendered as an accessible docutils table.

.. code-block:: md

   ```{data-table} budget.expenditure
   ```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from ..data import AddressError, Entry
from ..data.disclosure import PublishedTable, Suppressed, describe_publication, publishable_table
from ..data.models import TablesDataset
from ..data.units import format_value
from ..data.validate import column_spec, row_spec
from .disclosure import legend, policy, published_note, suppressed_node
from .provenance import edit_url
from .shared import LscbDirective, cite, prose_nodes, table_skeleton

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..data.models import Table


def _entry(text: str, *, classes: list[str] | None = None) -> nodes.entry:
    entry = nodes.entry(classes=classes or [])
    entry += nodes.paragraph("", text)
    return entry


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
            entry, name, table = self.catalogue.table(self.arguments[0])
        except AddressError as err:
            return self.warn(f"data-table {self.arguments[0]!r}: {err}")
        self.use(entry)
        container = nodes.container(classes=["lscb-dataset", *self.options.get("class", [])])
        published = publishable_table(entry.dataset, name, policy(self.env))
        table_node = self.render(
            table, self.options.get("caption") or table.title, published=published
        )
        self.set_source_info(table_node)
        container += table_node
        ident = f"{entry.id}-{name}".replace(".", "-")
        container["ids"].append(nodes.make_id(f"table-{ident}"))
        if "name" in self.options:
            self.add_name(table_node)
        if published.any_suppressed:
            container += legend(self.env)
        if published.published_in_full is not None and published.status == "published-in-full":
            container += published_note(describe_publication(published.published_in_full))
        if "no-source" not in self.options:
            assert isinstance(entry.dataset, TablesDataset)
            container += self.source_line(table, entry.dataset.source, entry.dataset.section)
            container += self.edit_line(entry)
        if table.notes:
            notes = nodes.container(classes=["lscb-notes"])
            notes += prose_nodes(table.notes)
            container += notes
        return [container]

    def render(
        self, table: Table, caption: str, *, published: PublishedTable | None = None
    ) -> nodes.table:
        """*table* as a docutils table; cells that *published* hides show the symbol."""
        columns = table.columns
        labels = []
        for column in columns:
            unit = column_spec(column)
            label = column.label
            if unit.unit == "rate" and unit.per:
                label = f"{label} (per {unit.per:,})"
            labels.append(label)
        node, body = table_skeleton(caption, labels, ["lscb-table"])
        rows = [(row, False) for row in table.rows]
        if table.total is not None:
            rows.append((table.total, True))
        for row_index, (row, is_total) in enumerate(rows):
            tr = nodes.row(classes=["lscb-total"] if is_total else [])
            for index, column in enumerate(columns):
                spec = row_spec(column_spec(column), row)
                value = row.get(column.key)
                shown = published.cell(row_index, column.key) if published else value
                if isinstance(shown, Suppressed):
                    assert published is not None
                    cell = nodes.entry(classes=["lscb-num", "lscb-suppressed"])
                    cell += nodes.paragraph("", "", suppressed_node(shown, published.policy))
                    tr += cell
                    continue
                if is_total and index == 0 and value is None:
                    text = "Total"
                elif spec.unit == "rate" and spec.per and column.unit == spec.unit:
                    text = format_value(value, spec).removesuffix(f" per {spec.per:,}")
                else:
                    text = format_value(value, spec)
                classes = ["lscb-num"] if spec.numeric and index else []
                tr += _entry(text, classes=classes)
            body += tr
        return node

    def source_line(
        self, table: Table, dataset_source: str, section: str | None
    ) -> nodes.paragraph:
        para = nodes.paragraph(classes=["lscb-source"])
        para += nodes.Text("Source: ")
        para += cite(self.env, self.state.inliner, table.source or dataset_source, self.lineno)
        where = table.section or section
        if where:
            para += nodes.Text(f", section {where}")
        period = table.period
        if period:
            para += nodes.Text(f"; period: {period}")
        para += nodes.Text(".")
        return para

    def edit_line(self, entry: Entry) -> list[nodes.Node]:
        """A link that opens the table's data file for editing, where a repository is set."""
        settings = self.catalogue.settings
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
