"""The ``data-chart`` directive: a table dataset drawn as an SVG bar chart at build time.

.. code-block:: md

   ```{data-chart} budget.expenditure
   :kind: barh
   :columns: actual
   ```

   ```{data-table} budget.expenditure
   ```

The chart is drawn as SVG text (by :mod:`lscb_kb.published.charts`) from the same cells as the
table (after disclosure control), so it needs no JavaScript. Each chart is a figure with a
caption, an ``alt`` text generated from the figures it shows, and a link to its data table,
which must be on the same page (a ``data-table`` of the same table) or be drawn with the chart
(``:with-table:``). Charts never mix units on one axis: a table whose rows have different units
is drawn as one small chart per row (``:facet:``).

The SVG is written to ``_images/chart-<hash of its content>.svg`` in the output when the page
is written, so a build with ``-j 2`` gives the same pages as one with ``-j 1``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.osutil import relative_uri

from ..checks.pages import address_message, chart_keys, chart_names_problem
from ..core import AddressError
from ..core.catalogue import row_label
from ..core.models import Table, TablesDataset
from ..core.units import UnitSpec
from ..core.validate import column_spec, row_spec
from ..published.charts import (
    Chart,
    Kind,
    Panel,
    Series,
    axis_label,
    describe,
    render_svg,
)
from ..published.export import publishable_rows
from .nodes import chart_image
from .shared import LscbDirective, LscbWarning, get_view, plain_prose, warn, write_if_changed
from .table import table_block

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..core import Entry


class ChartError(ValueError):
    """A chart that cannot be drawn as asked, with what would be right."""


class DataChartDirective(LscbDirective):
    """Draw ``[year:]dataset.table`` as a bar chart, with its text alternative and table."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "kind": lambda arg: directives.choice(arg, ("bar", "barh")),
        "columns": directives.unchanged_required,
        "rows": directives.unchanged_required,
        "series": lambda arg: directives.choice(arg, ("columns", "rows")),
        "facet": directives.flag,
        "caption": directives.unchanged_required,
        "with-table": directives.flag,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        address = self.arguments[0]
        try:
            entry, name, table = self.catalogue.table(address)
        except AddressError as err:
            return self.warn(address_message("data-chart", address, err))
        self.use(entry)
        try:
            chart = self.chart(entry, name, table)
        except ChartError as err:
            return self.warn(f"data-chart {address!r}: {err}", LscbWarning.DIRECTIVE)
        svg = render_svg(chart)
        digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:20]
        alt = describe(chart)
        ident = f"{entry.id}-{name}".replace(".", "-")
        table_id = nodes.make_id(f"table-{ident}")
        figure = nodes.figure(classes=["lscb-chart", *self.options.get("class", [])])
        figure["ids"].append(nodes.make_id(f"chart-{ident}"))
        self.set_source_info(figure)
        figure += chart_image("", svg=svg, filename=f"chart-{digest}.svg", alt=alt)
        figure += nodes.caption(chart.caption, chart.caption)
        legend = nodes.legend()
        para = nodes.paragraph()
        para += nodes.Text("The figures are in the table ")
        title = plain_prose(table.title, self, entry.year)
        para += nodes.reference("", title, refid=table_id, internal=True)
        para += nodes.Text(".")
        legend += para
        figure += legend
        figure["lscb_table"] = table_id
        out: list[nodes.Node] = [figure]
        if "with-table" in self.options:
            out.append(table_block(self, entry, name, {}))
        return out

    def chart(self, entry: Entry, name: str, table: Table) -> Chart:
        dataset = entry.dataset
        assert isinstance(dataset, TablesDataset)

        def label(text: str) -> str:  # a label that names figures, written as the site does
            return plain_prose(text, self, entry.year)

        published = publishable_rows(entry, name, self.catalogue.settings, get_view(self.env))
        rows = list(zip(table.rows, published.rows, strict=True))
        problem = chart_names_problem(table, self.options)  # in the check's words
        if problem is not None:
            raise ChartError(problem)
        row_keys = [str(row.get("key")) for row in table.rows]
        if "rows" in self.options:
            rows = [rows[row_keys.index(key)] for key in chart_keys(self.options["rows"])]
        columns = [
            c
            for c in table.columns
            if c.unit != "text" and column_spec(c).numeric and c.key != table.total_column
        ]
        if "columns" in self.options:
            known = {c.key: c for c in table.columns}
            columns = [known[key] for key in chart_keys(self.options["columns"])]
        if not rows or not columns:
            raise ChartError("there is nothing to draw: no rows or no numeric columns")
        kind: Kind = self.options.get("kind", "bar")
        caption = self.options.get("caption") or plain_prose(table.title, self, entry.year)
        symbol = published.policy.symbol

        def spec_of(row: dict[str, Any], key: str) -> UnitSpec:
            column = next(c for c in columns if c.key == key)
            return row_spec(column_spec(column), row)

        def unit_name(spec: UnitSpec) -> str:
            return axis_label(spec).lower() or spec.unit

        if "facet" in self.options:
            panels = []
            for original, cells in rows:
                specs = {spec_of(original, c.key) for c in columns}
                if len(specs) > 1:
                    raise ChartError(
                        f"row '{original.get('key')}' mixes units "
                        f"({', '.join(sorted(unit_name(s) for s in specs))})"
                    )
                panels.append(
                    Panel(
                        title=label(row_label(table, original)),
                        categories=tuple(label(c.label) for c in columns),
                        series=(Series("", tuple(cells.get(c.key) for c in columns)),),
                        spec=specs.pop(),
                        style_by_category=True,
                    )
                )
            return Chart(kind, caption, tuple(panels), symbol)
        specs = {spec_of(original, c.key) for original, _cells in rows for c in columns}
        if len(specs) > 1:
            raise ChartError(
                "the figures to draw mix units "
                f"({', '.join(sorted(unit_name(s) for s in specs))}), which one axis would "
                "misrepresent; draw one small chart per row with ':facet:', or choose rows "
                "and columns of one unit with ':rows:' and ':columns:'"
            )
        spec = specs.pop()
        if self.options.get("series", "columns") == "rows":
            panel = Panel(
                title="",
                categories=tuple(label(c.label) for c in columns),
                series=tuple(
                    Series(
                        label(row_label(table, original)), tuple(cells.get(c.key) for c in columns)
                    )
                    for original, cells in rows
                ),
                spec=spec,
            )
        else:
            panel = Panel(
                title="",
                categories=tuple(label(row_label(table, original)) for original, _cells in rows),
                series=tuple(
                    Series(label(c.label), tuple(cells.get(c.key) for _original, cells in rows))
                    for c in columns
                ),
                spec=spec,
            )
        return Chart(kind, caption, (panel,), symbol)


# -- checks and output -----------------------------------------------------------------------


def check_tables_beside(app: Sphinx, doctree: nodes.document) -> None:
    """Each chart's data table must be on its page: warn at the chart's line if it is not."""
    ids = {ident for node in doctree.findall(nodes.Element) for ident in node["ids"]}
    for figure in doctree.findall(nodes.figure):
        table_id = figure.get("lscb_table")
        if table_id and table_id not in ids:
            warn(
                f"data-chart: the chart's data table is not on this page; add a data-table "
                f"of the same table after the chart, or give the chart ':with-table:' "
                f"(expected an element with id '{table_id}')",
                LscbWarning.DIRECTIVE,
                figure,
            )


def place_charts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Write each chart's SVG into the output's images and show it as an image with alt text.

    Builders that are not HTML get the text alternative in place of the picture.
    """
    builder = app.builder
    for node in list(doctree.findall(chart_image)):
        if builder.format != "html":
            node.replace_self(nodes.paragraph("", node["alt"], classes=["lscb-chart-text"]))
            continue
        filename = node["filename"]
        target = f"{builder.imagedir}/{filename}"
        write_if_changed(Path(app.outdir) / builder.imagedir / filename, node["svg"])
        uri = relative_uri(builder.get_target_uri(docname), target)
        image = nodes.image(
            uri=uri,
            alt=node["alt"],
            width="100%",
            classes=["lscb-chart-image", "no-scaled-link"],
            candidates={"*": uri},
        )
        node.replace_self(image)


def setup_charts(app: Sphinx) -> None:
    app.add_node(chart_image)
    app.add_directive("data-chart", DataChartDirective)
    app.connect("doctree-read", check_tables_beside)
    app.connect("doctree-resolved", place_charts)
