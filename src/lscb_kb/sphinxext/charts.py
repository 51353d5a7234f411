"""The ``data-chart`` directive: a table dataset drawn as an SVG bar chart at build time.

.. code-block:: md

   ```{data-chart} budget.expenditure
   :kind: barh
   :columns: actual
   ```

   ```{data-table} budget.expenditure
   ```

The chart is drawn with matplotlib's SVG backend from the same cells as the table (after
disclosure control), so it needs no JavaScript. Each chart is a figure with a caption, an
``alt`` text generated from the figures it shows, and a link to its data table, which must be
on the same page (a ``data-table`` of the same table) or be drawn with the chart
(``:with-table:``). Charts never mix units on one axis: a table whose rows have different units
is drawn as one small chart per row (``:facet:``).

The SVG is written to ``_images/chart-<hash of its content>.svg`` in the output when the page
is written, so a build with ``-j 2`` gives the same pages as one with ``-j 1``.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.osutil import relative_uri

from ..data import AddressError
from ..data.disclosure import PublishedCell, Suppressed
from ..data.models import Table, TablesDataset
from ..data.units import UnitSpec, format_value
from ..data.validate import column_spec, row_spec
from .downloads import publishable_rows
from .shared import LscbDirective, LscbWarning, warn, write_if_changed
from .table import DataTableDirective

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from sphinx.application import Sphinx

    from ..data import Entry

Kind = Literal["bar", "barh"]

PALETTE = ("#0b5394", "#a34700", "#1d6b38", "#6a3d9a", "#9c1c1c", "#4d4d4d")
"""Fill colours, each with a contrast of at least 4.5:1 against white (WCAG AA)."""

HATCHES = ("", "//", "xx", "\\\\", "--", "||")
"""Patterns, so that series can be told apart without colour."""

TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d0d0d0"
WIDTH_INCHES = 6.5

RC: dict[str, Any] = {
    "svg.hashsalt": "lscb-kb",  # clip-path and pattern ids depend on content, not on chance
    "svg.fonttype": "none",  # text stays text: no fonts embedded, readable and searchable
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # shipped with matplotlib: same layout on every machine
    "font.size": 10,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": "#595959",
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 1.5,
    "legend.frameon": False,
}


# -- what a chart shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One set of bars: a column of the table (or a row, when the chart is turned round)."""

    label: str
    cells: tuple[PublishedCell, ...]


@dataclass(frozen=True)
class Panel:
    """One chart: categories along one axis, one or more series of bars, one unit."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    spec: UnitSpec
    style_by_category: bool = False
    """Colour and pattern each bar by its category (one small chart per row)."""


@dataclass(frozen=True)
class Chart:
    """Everything needed to draw a chart and describe it in words."""

    kind: Kind
    caption: str
    panels: tuple[Panel, ...]
    symbol: str = "[c]"
    notes: tuple[str, ...] = field(default=())


def short_value(value: PublishedCell, spec: UnitSpec) -> str:
    """A bar's label: ``73.5%``, ``£81,751``, ``63``, ``85.5`` (the axis names a rate's unit)."""
    if isinstance(value, Suppressed):
        return str(value)
    if value is None:
        return "no figure"
    if spec.unit == "rate":
        return format_value(value, UnitSpec(unit="count"))
    return format_value(value, spec)


def spoken_value(value: PublishedCell, spec: UnitSpec) -> str:
    """A value as the text alternative says it, with its unit in words."""
    if isinstance(value, Suppressed):
        return f"{value} (not shown, to protect the children concerned)"
    if value is None:
        return "no figure"
    return format_value(value, spec)


def axis_label(spec: UnitSpec) -> str:
    return {
        "count": "Number",
        "percent": "Per cent (%)",
        "money": "Pounds (£)",
        "rate": f"Rate per {spec.per:,}" if spec.per else "Rate",
    }.get(spec.unit, "")


def unit_symbol(spec: UnitSpec) -> str:
    """How an axis names the unit after a column's label."""
    return spec.symbol


def unit_phrase(spec: UnitSpec) -> str:
    """The unit as the text alternative says it."""
    return {
        "count": "as numbers",
        "percent": "in per cent",
        "money": "in pounds",
        "rate": f"as a rate per {spec.per:,}" if spec.per else "as a rate",
    }.get(spec.unit, "")


def numeric(value: PublishedCell) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return float(value)


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe(chart: Chart) -> str:
    """The text alternative: what the chart shows, summarised from its figures."""
    kind = "Bar chart" if chart.kind == "bar" else "Horizontal bar chart"
    if len(chart.panels) > 1:
        parts = [f"{len(chart.panels)} bar charts, one for each row of the table: {chart.caption}."]
        for panel in chart.panels:
            (series,) = panel.series
            values = "; ".join(
                f"{category} {spoken_value(cell, panel.spec)}"
                for category, cell in zip(panel.categories, series.cells, strict=True)
            )
            parts.append(f"{panel.title}: {values}.")
        return " ".join(parts)
    (panel,) = chart.panels
    unit = unit_phrase(panel.spec)
    parts = [f"{kind}: {chart.caption}."]
    if len(panel.series) == 1:
        (series,) = panel.series
        pairs = list(zip(panel.categories, series.cells, strict=True))
        parts.append(f"It shows {series.label.lower()}, {unit}, for {len(pairs)} rows.")
        if len(pairs) <= 8:
            parts.append(
                "; ".join(f"{name} {spoken_value(cell, panel.spec)}" for name, cell in pairs) + "."
            )
        else:
            parts.extend(_extremes(pairs, panel.spec))
    else:
        names = [s.label for s in panel.series]
        parts.append(f"It compares {_and(names)}, {unit}, for {_and(list(panel.categories))}.")
        if len(panel.series) * len(panel.categories) <= 24:
            for index, category in enumerate(panel.categories):
                values = ", ".join(
                    f"{s.label} {spoken_value(s.cells[index], panel.spec)}" for s in panel.series
                )
                parts.append(f"{category}: {values}.")
        else:
            pairs = [
                (f"{category}, {s.label}", s.cells[index])
                for s in panel.series
                for index, category in enumerate(panel.categories)
            ]
            parts.extend(_extremes(pairs, panel.spec))
    return " ".join(parts)


def _extremes(pairs: list[tuple[str, PublishedCell]], spec: UnitSpec) -> list[str]:
    known = [(name, cell, numeric(cell)) for name, cell in pairs if numeric(cell) is not None]
    if not known:
        return ["No figures are shown."]
    out = []
    high = max(value for _n, _c, value in known if value is not None)
    low = min(value for _n, _c, value in known if value is not None)
    for word, target in (("Highest", high), ("Lowest", low)):
        names = [name for name, _c, value in known if value == target]
        cell = next(cell for _n, cell, value in known if value == target)
        shown = names if len(names) <= 3 else [*names[:3], f"{len(names) - 3} more"]
        out.append(f"{word}: {spoken_value(cell, spec)} ({_and(shown)}).")
        if high == low:
            break
    hidden = [name for name, cell in pairs if isinstance(cell, Suppressed)]
    if hidden:
        out.append(f"Not shown, to protect the children concerned: {_and(hidden)}.")
    return out


# -- drawing ---------------------------------------------------------------------------------


def render_svg(chart: Chart) -> str:
    """Draw *chart* as SVG text. The same chart always gives the same bytes."""
    return render(chart, "svg").decode("utf-8")


def render(chart: Chart, fmt: str = "svg") -> bytes:
    """Draw *chart* in *fmt* (``svg`` for the site; ``png`` to look at it while developing)."""
    import matplotlib  # noqa: PLC0415 - only builds that draw charts pay for the import
    from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    with matplotlib.rc_context(cast(Any, RC)):
        figure = Figure(figsize=_size(chart), layout="constrained")
        FigureCanvasSVG(figure)
        count = len(chart.panels)
        columns = 1 if chart.kind == "barh" else min(count, 3)
        rows = (count + columns - 1) // columns
        axes = figure.subplots(rows, columns, squeeze=False)
        for index, ax in enumerate(axes.flat):
            if index >= count:
                ax.set_visible(False)
                continue
            _draw_panel(ax, chart.panels[index], chart.kind)
        first = chart.panels[0]
        if len(first.series) > 1:
            handles = [
                Patch(
                    facecolor=PALETTE[i % len(PALETTE)],
                    hatch=HATCHES[i % len(HATCHES)],
                    edgecolor=PALETTE[i % len(PALETTE)],
                    label=series.label,
                )
                for i, series in enumerate(first.series)
            ]
            for handle in handles:
                handle.set_hatchcolor("white")
            figure.legend(
                handles=handles,
                loc="outside lower center",
                ncols=min(len(handles), 3),
            )
        buffer = io.BytesIO()
        metadata = {"Date": None, "Creator": None} if fmt == "svg" else None
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _size(chart: Chart) -> tuple[float, float]:
    if chart.kind == "barh":
        height = 0.0
        for panel in chart.panels:
            bars = len(panel.categories) * max(len(panel.series), 1)
            height += 0.9 + 0.28 * bars + (0.4 if panel.title else 0)
        if len(chart.panels[0].series) > 1:
            height += 0.4
        return WIDTH_INCHES, round(height + 0.3, 2)
    rows = (len(chart.panels) + 2) // 3
    height = 3.6 * rows if len(chart.panels) > 1 else 4.0
    return WIDTH_INCHES, height


def _draw_panel(ax: Axes, panel: Panel, kind: Kind) -> None:
    categories = len(panel.categories)
    groups = len(panel.series)
    width = 0.8 / groups
    values = [[numeric(cell) for cell in series.cells] for series in panel.series]
    known = [v for row in values for v in row if v is not None]
    top = max(known) if known else 0.0
    limit = top * (1.22 if kind == "barh" else 1.15) or 1.0
    wrap = 40 if kind == "barh" else max(8, 80 // (categories * (3 if panel.title else 1)))
    labels = [textwrap.fill(name, wrap) for name in panel.categories]
    for index, series in enumerate(panel.series):
        offsets = [c - 0.4 + width * (index + 0.5) for c in range(categories)]
        heights = [v if v is not None else 0.0 for v in values[index]]
        if panel.style_by_category:
            colours = [PALETTE[c % len(PALETTE)] for c in range(categories)]
            hatches = [HATCHES[c % len(HATCHES)] for c in range(categories)]
        else:
            colours = [PALETTE[index % len(PALETTE)]] * categories
            hatches = [HATCHES[index % len(HATCHES)] if groups > 1 else ""] * categories
        if kind == "barh":
            bars = ax.barh(offsets, heights, height=width, color=colours, label=series.label)
        else:
            bars = ax.bar(offsets, heights, width=width, color=colours, label=series.label)
        for bar, colour, hatch in zip(bars, colours, hatches, strict=True):
            bar.set_edgecolor(colour)
            if hatch:
                bar.set_hatch(hatch)
                bar.set_hatchcolor("white")
        ax.bar_label(
            bars,
            labels=[short_value(cell, panel.spec) for cell in series.cells],
            padding=3,
            fontsize=8.5,
        )
    ticks = list(range(categories))
    value_axis: Axis
    label = axis_label(panel.spec)
    if groups == 1 and panel.series[0].label:
        label = f"{panel.series[0].label} ({unit_symbol(panel.spec)})"
    if kind == "barh":
        ax.set_yticks(ticks, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, limit)
        ax.set_xlabel(label)
        ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.6)
        value_axis = ax.xaxis
    else:
        ax.set_xticks(ticks, labels, fontsize=8.5)
        ax.set_ylim(0, limit)
        ax.set_ylabel(label)
        ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
        value_axis = ax.yaxis
    if panel.spec.unit == "percent" and 50 < top <= 100:
        value_axis.set_ticks(range(0, 101, 20))  # a share never runs past 100%
    ax.set_axisbelow(True)
    if panel.title:
        ax.set_title(textwrap.fill(panel.title, 70 if kind == "barh" else 30), fontsize=9.5)


# -- the directive ---------------------------------------------------------------------------


class chart_image(nodes.General, nodes.Element):
    """A drawn chart: its SVG text and alt text. Becomes an ``image`` when the page is written."""


def _keys(text: str) -> list[str]:
    return text.replace(",", " ").split()


def _row_label(table: Table, row: dict[str, Any]) -> str:
    for column in table.columns:
        if column.unit == "text" and row.get(column.key):
            return str(row[column.key])
    return str(row.get("key", "total"))


def _near(name: str, options: Sequence[str]) -> str:
    import difflib  # noqa: PLC0415

    near = difflib.get_close_matches(name, list(options), n=1)
    return f"; did you mean '{near[0]}'?" if near else f"; choose from {', '.join(options)}"


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
            return self.warn(f"data-chart {address!r}: {err}")
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
        para += nodes.reference("", table.title, refid=table_id, internal=True)
        para += nodes.Text(".")
        legend += para
        figure += legend
        figure["lscb_table"] = table_id
        out: list[nodes.Node] = [figure]
        if "with-table" in self.options:
            out.extend(self.table_nodes(address))
        return out

    def table_nodes(self, address: str) -> list[nodes.Node]:
        """The data table, drawn by the ``data-table`` directive itself."""
        directive = DataTableDirective(
            "data-table",
            [address],
            {},
            self.content,
            self.lineno,
            self.content_offset,
            self.block_text,
            self.state,
            self.state_machine,
        )
        return directive.run()

    def chart(self, entry: Entry, name: str, table: Table) -> Chart:
        dataset = entry.dataset
        assert isinstance(dataset, TablesDataset)
        published = publishable_rows(entry, name, self.catalogue.settings)
        rows = list(zip(table.rows, published.rows, strict=True))
        row_keys = [str(row.get("key")) for row in table.rows]
        if "rows" in self.options:
            wanted = _keys(self.options["rows"])
            for key in wanted:
                if key not in row_keys:
                    raise ChartError(f"table has no row '{key}'" + _near(key, row_keys))
            rows = [rows[row_keys.index(key)] for key in wanted]
        numeric_columns = [
            c
            for c in table.columns
            if c.unit != "text" and column_spec(c).numeric and c.key != table.total_column
        ]
        columns = numeric_columns
        if "columns" in self.options:
            known = {c.key: c for c in table.columns}
            columns = []
            for key in _keys(self.options["columns"]):
                if key not in known:
                    raise ChartError(f"table has no column '{key}'" + _near(key, list(known)))
                if not column_spec(known[key]).numeric:
                    raise ChartError(
                        f"column '{key}' holds {known[key].unit}, which cannot be drawn; "
                        f"choose from {', '.join(c.key for c in numeric_columns)}"
                    )
                columns.append(known[key])
        if not rows or not columns:
            raise ChartError("there is nothing to draw: no rows or no numeric columns")
        kind: Kind = self.options.get("kind", "bar")
        caption = self.options.get("caption") or table.title
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
                        title=_row_label(table, original),
                        categories=tuple(c.label for c in columns),
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
                categories=tuple(c.label for c in columns),
                series=tuple(
                    Series(_row_label(table, original), tuple(cells.get(c.key) for c in columns))
                    for original, cells in rows
                ),
                spec=spec,
            )
        else:
            panel = Panel(
                title="",
                categories=tuple(_row_label(table, original) for original, _cells in rows),
                series=tuple(
                    Series(c.label, tuple(cells.get(c.key) for _original, cells in rows))
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
