"""Years: ``data-year`` shows everything held for one year; ``data-trend`` shows a figure
across every year that has it.

.. code-block:: md

   ```{data-year} 2010-11
   ```

   ```{data-year} 2010-11
   :datasets: b01-*
   ```

``:datasets:`` keeps the files whose id matches one of its patterns (``fnmatch``, separated by
spaces), so that a site holding several reports for a year can give each its own page: a page
re-reads when any file it shows changes, so a page per report keeps an edit's rebuild to that
report's pages.

   ```{data-trend} indicators.indicators/initial-assessments/thurrock
   ```

A trend is drawn only when at least two years have the figure, so a site with one year shows
no trend at all.
"""

from __future__ import annotations

import fnmatch
import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from ..checks.pages import address_message, trend_problem, year_problem
from ..core import AddressError
from ..core.hygiene import year_label
from ..core.models import FiguresDataset, RegisterDataset, TablesDataset
from ..published.charts import Chart, Panel, Series, describe, render_svg
from ..published.disclosure import Suppressed
from .disclosure import policy, suppressed_node
from .figure import figure_node
from .nodes import chart_image
from .register import render_record
from .shared import LscbDirective, LscbWarning, get_view, prose_nodes, table_skeleton
from .table import _entry, dataset_table

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..published.view import Shown


class DataYearDirective(LscbDirective):
    """Every table, figure and register record of one reporting year."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"datasets": directives.unchanged_required}
    warning_subtype = LscbWarning.DIRECTIVE

    def run(self) -> list[nodes.Node]:
        year = self.arguments[0]
        problem = year_problem(self.catalogue, year, self.options.get("datasets"))
        if problem is not None:
            return self.warn(problem)
        patterns = self.options.get("datasets", "").split()
        entries = sorted(
            (
                e
                for (y, _i), e in self.catalogue.entries.items()
                if y == year
                and (not patterns or any(fnmatch.fnmatchcase(e.id, p) for p in patterns))
            ),
            key=lambda e: e.id,
        )
        container = nodes.container(classes=["lscb-year"])
        view = get_view(self.env)
        for entry in entries:
            self.use(entry)
            dataset = entry.dataset
            rubric = nodes.rubric(
                dataset.title, dataset.title, ids=[nodes.make_id(f"{year}-{entry.id}")]
            )
            if isinstance(dataset, TablesDataset):
                container += rubric
                for name in dataset.tables:
                    table_node, after = dataset_table(self, entry, name)
                    container += table_node
                    container += after
            elif isinstance(dataset, FiguresDataset):
                container += rubric
                dlist = nodes.bullet_list()
                for name in dataset.figures:
                    shown = view.resolve(f"{year}:{entry.id}/{name}")
                    para = nodes.paragraph()
                    para += nodes.Text(f"{shown.label}: ")
                    para += figure_node(self.env, shown)
                    dlist += nodes.list_item("", para)
                container += dlist
            elif isinstance(dataset, RegisterDataset):
                container += rubric
                for record in dataset.records:
                    container += render_record(self, entry, record)
            if isinstance(dataset, TablesDataset | FiguresDataset) and dataset.notes:
                container += prose_nodes(dataset.notes, self, entry.year)
        container += self.across_years(year, {e.id for e in entries})
        return [container]

    def across_years(self, year: str, idents: set[str]) -> list[nodes.Node]:
        """Every figure of *year* that another year reports too, with each year's value: the
        trend of each figure reported in more than one year (nothing while one year has it)."""
        view = get_view(self.env)
        by_address: dict[str, dict[str, Shown]] = {}
        for ref in view.catalogue.figures():
            if ref.spec.unit == "text" or ref.entry.id not in idents:
                continue
            shown = view.figure(ref)
            if shown.reason is None and ref.entry.year is not None:
                relative = ref.address.partition(":")[2]
                by_address.setdefault(relative, {})[ref.entry.year] = shown
        rows = {a: s for a, s in by_address.items() if year in s and len(s) > 1}
        if not rows:
            return []
        years = sorted({y for shown in rows.values() for y in shown})
        for (y, ident), other in self.catalogue.entries.items():
            if ident in idents and y in years:
                self.use(other)  # another year's edit changes this page too
        caption = f"Figures of {year_label(year)} that other years report too"
        table, body = table_skeleton(
            caption,
            ["Figure", *(year_label(y) for y in years)],
            ["lscb-table", "lscb-trend", "lscb-across-years"],
        )
        table["ids"].append(nodes.make_id(f"across-years-{year}"))
        pol = policy(self.env)
        for address in sorted(rows, key=lambda a: (rows[a][year].label, a)):
            shown_by_year = rows[address]
            row = nodes.row()
            row += _entry(shown_by_year[year].label)
            for y in years:
                found = shown_by_year.get(y)
                if found is None:
                    row += _entry("not reported", classes=["lscb-num"])
                elif isinstance(found.cell, Suppressed):
                    cell = nodes.entry(classes=["lscb-num", "lscb-suppressed"])
                    cell += nodes.paragraph("", "", suppressed_node(found.cell, pol))
                    row += cell
                else:
                    row += _entry(found.text, classes=["lscb-num"])
            body += row
        rubric = nodes.rubric(caption, "Across the years", ids=[f"across-years-{year}-heading"])
        return [rubric, table]


class DataTrendDirective(LscbDirective):
    """One figure across the years: a table with a row per year, shown from two years on."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        address = self.arguments[0]
        try:
            problem = trend_problem(self.catalogue, address)
        except AddressError as err:  # a data file with errors of its own
            return self.warn(address_message("data-trend", address, err))
        if problem is not None:
            return self.warn(problem)
        years = sorted({y for (y, _i) in self.catalogue.entries if y})
        view = get_view(self.env)
        points: list[tuple[str, Shown]] = []
        for year in years:
            try:
                ref = view.catalogue.resolve(address, year)
            except AddressError:
                continue
            self.use(ref.entry)
            shown = view.figure(ref)
            if shown.reason is None:
                points.append((year, shown))
        if len(points) < 2:  # a trend needs two years that report the figure
            return []
        caption = self.options.get("caption") or f"{points[-1][1].label}, by year"
        pol = policy(self.env)
        published = [(year, shown, shown.cell) for year, shown in points]
        table, body = table_skeleton(caption, ["Year", "Figure"], ["lscb-table", "lscb-trend"])
        table_id = nodes.make_id(f"trend-{address}")
        table["ids"].append(table_id)
        for year, shown, cell in published:
            row = nodes.row()
            row += _entry(year_label(year))
            if isinstance(cell, Suppressed):
                entry = nodes.entry(classes=["lscb-num", "lscb-suppressed"])
                entry += nodes.paragraph("", "", suppressed_node(cell, pol))
                row += entry
            else:
                row += _entry(shown.text, classes=["lscb-num"])
            body += row
        spec = points[-1][1].spec
        chart = Chart(
            "bar",
            caption,
            (
                Panel(
                    title="",
                    categories=tuple(year_label(year) for year, _f, _s in published),
                    series=(Series(points[-1][1].label, tuple(s for _y, _f, s in published)),),
                    spec=spec,
                ),
            ),
            pol.symbol,
        )
        svg = render_svg(chart)
        digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:20]
        chart_node = nodes.figure(classes=["lscb-chart", "lscb-trend-chart"])
        chart_node += chart_image("", svg=svg, filename=f"chart-{digest}.svg", alt=describe(chart))
        chart_node += nodes.caption(caption, caption)
        legend = nodes.legend()
        para = nodes.paragraph()
        para += nodes.Text("The figures are in the table below.")
        legend += para
        chart_node += legend
        chart_node["lscb_table"] = table_id
        return [chart_node, table]


def setup_years(app: Sphinx) -> None:
    app.add_directive("data-year", DataYearDirective)
    app.add_directive("data-trend", DataTrendDirective)
