"""The ``fig`` role: one figure from the data, written into prose with its unit.

.. code-block:: md

   The board spent {fig}`budget.expenditure/employees/actual` on staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from ..data import AddressError
from ..data.disclosure import Suppressed, describe_publication, publishable_ref
from .disclosure import policy, suppressed_node
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
        pol = policy(self.env)
        status, shown = publishable_ref(figure, pol)
        if isinstance(shown, Suppressed):
            node = nodes.inline("", "", classes=["lscb-figure"])
            node += suppressed_node(shown, pol)
            return [node], []
        node = nodes.inline(figure.text, figure.text, classes=["lscb-figure"])
        info = getattr(figure.entry.dataset, "published_in_full", None)
        if status == "published-in-full" and info is not None:
            title = figure.entry.dataset.title
            node["lscb_in_full"] = f"{title}: {describe_publication(info)}"
        return [node], []


def setup_figure_role(app: Sphinx) -> None:
    app.add_role("fig", FigureRole())
