"""The ``data-table`` directive: a table dataset rendered as an accessible docutils table.

.. code-block:: md

   ```{data-table} budget.expenditure
   ```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from ..data import AddressError
from ..data.models import TablesDataset
from ..data.units import format_value
from ..data.validate import column_spec, row_spec
from .shared import LscbDirective, cite, prose_nodes

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
        table_node = self.render(table, self.options.get("caption") or table.title)
        self.set_source_info(table_node)
        container += table_node
        ident = f"{entry.id}-{name}".replace(".", "-")
        container["ids"].append(nodes.make_id(f"table-{ident}"))
        if "name" in self.options:
            self.add_name(table_node)
        if "no-source" not in self.options:
            assert isinstance(entry.dataset, TablesDataset)
            container += self.source_line(table, entry.dataset.source, entry.dataset.section)
        if table.notes:
            notes = nodes.container(classes=["lscb-notes"])
            notes += prose_nodes(table.notes)
            container += notes
        return [container]

    def render(self, table: Table, caption: str) -> nodes.table:
        columns = table.columns
        node = nodes.table(classes=["lscb-table"])
        node += nodes.title(caption, caption)
        group = nodes.tgroup(cols=len(columns))
        node += group
        for index, _column in enumerate(columns):
            colspec = nodes.colspec(colwidth=1)
            if index == 0:
                colspec["stub"] = 1
            group += colspec
        head = nodes.thead()
        header = nodes.row()
        for column in columns:
            unit = column_spec(column)
            label = column.label
            if unit.unit == "rate" and unit.per:
                label = f"{label} (per {unit.per:,})"
            header += _entry(label)
        head += header
        group += head
        body = nodes.tbody()
        rows = [(row, False) for row in table.rows]
        if table.total is not None:
            rows.append((table.total, True))
        for row, is_total in rows:
            tr = nodes.row(classes=["lscb-total"] if is_total else [])
            for index, column in enumerate(columns):
                spec = row_spec(column_spec(column), row)
                value = row.get(column.key)
                if is_total and index == 0 and value is None:
                    text = "Total"
                elif spec.unit == "rate" and spec.per and column.unit == spec.unit:
                    text = format_value(value, spec).removesuffix(f" per {spec.per:,}")
                else:
                    text = format_value(value, spec)
                classes = ["lscb-num"] if spec.numeric and index else []
                tr += _entry(text, classes=classes)
            body += tr
        group += body
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


def setup_table(app: Sphinx) -> None:
    app.add_directive("data-table", DataTableDirective)
