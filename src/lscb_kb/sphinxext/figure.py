"""The ``fig`` role: one figure from the data, written into prose with its unit.

.. code-block:: md

   The board spent {fig}`budget.expenditure/employees/actual` on staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from ..data import AddressError
from .shared import LscbRole

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class FigureRole(LscbRole):
    """Resolve a figure address and write the figure as the page should show it."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        address = self.text.strip()
        try:
            figure = self.catalogue.resolve(address)
        except AddressError as err:
            return self.warn(f"fig {address!r}: {err}")
        self.use(figure.entry)
        node = nodes.inline(figure.text, figure.text, classes=["lscb-figure"])
        return [node], []


def setup_figure_role(app: Sphinx) -> None:
    app.add_role("fig", FigureRole())
