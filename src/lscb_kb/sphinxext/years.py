"""Years: ``data-year`` shows everything held for one year; ``data-trend`` shows a figure
across every year that has it.

.. code-block:: md

   ```{data-year} 2010-11
   ```

   ```{data-trend} indicators.indicators/initial-assessments/thurrock
   ```

A trend is drawn only when at least two years have the figure, so a site with one year shows
no trend at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from ..data import AddressError
from ..data.catalogue import FigureRef
from ..data.models import FiguresDataset, RegisterDataset, TablesDataset
from ..data.newyear import YEAR
from .register import DataRegisterDirective
from .shared import LscbDirective, LscbWarning, prose_nodes, table_skeleton
from .table import DataTableDirective, _entry

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def year_label(year: str | None) -> str:
    return f"{year[:4]}/{year[5:]}" if year else "all years"


class DataYearDirective(LscbDirective):
    """Every table, figure and register record of one reporting year."""

    required_arguments = 1
    warning_subtype = LscbWarning.DIRECTIVE

    def run(self) -> list[nodes.Node]:
        year = self.arguments[0]
        entries = sorted(
            (e for (y, _i), e in self.catalogue.entries.items() if y == year), key=lambda e: e.id
        )
        if not YEAR.match(year) or not entries:
            return self.warn(
                f"data-year {year!r}: no data for that year; years with data are "
                + ", ".join(sorted({str(y) for (y, _i) in self.catalogue.entries if y}))
            )
        container = nodes.container(classes=["lscb-year"])
        for entry in entries:
            self.use(entry)
            dataset = entry.dataset
            rubric = nodes.rubric(
                dataset.title, dataset.title, ids=[nodes.make_id(f"{year}-{entry.id}")]
            )
            if isinstance(dataset, TablesDataset):
                container += rubric
                table_directive = DataTableDirective.render
                for name, table in dataset.tables.items():
                    del name
                    container += table_directive(self, table, table.title)  # type: ignore[arg-type]
            elif isinstance(dataset, FiguresDataset):
                container += rubric
                dlist = nodes.bullet_list()
                for name in dataset.figures:
                    figure = self.catalogue.resolve(f"{year}:{entry.id}/{name}")
                    para = nodes.paragraph()
                    para += nodes.Text(f"{figure.label}: ")
                    para += nodes.inline(figure.text, figure.text, classes=["lscb-figure"])
                    dlist += nodes.list_item("", para)
                container += dlist
            elif isinstance(dataset, RegisterDataset):
                container += rubric
                for record in dataset.records:
                    container += DataRegisterDirective.render(self, record, dataset.source)  # type: ignore[arg-type]
            if isinstance(dataset, TablesDataset | FiguresDataset) and dataset.notes:
                container += prose_nodes(dataset.notes)
        return [container]


class DataTrendDirective(LscbDirective):
    """One figure across the years: a table with a row per year, shown from two years on."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        address = self.arguments[0]
        if ":" in address:
            return self.warn(
                f"data-trend {address!r}: give the address without a year; the "
                "trend covers every year"
            )
        years = sorted({y for (y, _i) in self.catalogue.entries if y})
        points: list[tuple[str, FigureRef]] = []
        for year in years:
            try:
                figure = self.catalogue.resolve(address, year)
            except AddressError:
                continue
            self.use(figure.entry)
            if figure.value is not None:
                points.append((year, figure))
        if not points:
            return self.warn(f"data-trend {address!r}: no year has this figure")
        if len(points) < 2:
            return []
        caption = self.options.get("caption") or f"{points[-1][1].label}, by year"
        table, body = table_skeleton(caption, ["Year", "Figure"], ["lscb-table", "lscb-trend"])
        for year, figure in points:
            row = nodes.row()
            row += _entry(year_label(year))
            row += _entry(figure.text, classes=["lscb-num"])
            body += row
        return [table]


def setup_years(app: Sphinx) -> None:
    app.add_directive("data-year", DataYearDirective)
    app.add_directive("data-trend", DataTrendDirective)
