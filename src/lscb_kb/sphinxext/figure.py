"""The ``fig`` role: one figure from the data, written into prose with its unit.

.. code-block:: md

   The board spent {fig}`budget.expenditure/employees/actual` on staff.

:func:`figure_node` writes a figure of the published view; the role, data prose, year pages,
trends and the notes on the figures all use it, so a figure looks the same wherever it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from ..checks.pages import address_message
from ..core import AddressError
from ..published.disclosure import NotReported, Suppressed
from .disclosure import policy, suppressed_node
from .shared import LscbRole, get_view

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..published.view import Shown, ShownCorrection

NOT_REPORTED_CLASS = "lscb-not-reported"
CORRECTED_MARK = "lscb-corrected-mark"
"""The class of the word "(corrected)" written after a figure corrected since publication."""


def not_reported_node(cell: NotReported) -> nodes.abbreviation:
    """The words shown for a figure the report does not give ("not reported", or "not yet
    entered" while a year's figures are entered); the title says why."""
    return nodes.abbreviation(
        cell.label, cell.label, explanation=cell.reason, classes=[NOT_REPORTED_CLASS]
    )


def figure_node(env: BuildEnvironment, shown: Shown) -> nodes.inline:
    """One figure as the page shows it: its text, the suppression symbol, or "not reported".

    The node carries the figure's address (``lscb_address``, kept in the doctree and not
    written to the HTML), so tests can follow a figure to every place it is shown.
    """
    cell = shown.cell
    if isinstance(cell, Suppressed):
        node = nodes.inline("", "", classes=["lscb-figure"], lscb_address=shown.address)
        node += suppressed_node(cell, policy(env))
        return node
    if isinstance(cell, NotReported):
        node = nodes.inline("", "", classes=["lscb-figure"], lscb_address=shown.address)
        node += not_reported_node(cell)
        node["lscb_not_reported"] = f"{shown.label}: {cell.reason}"
        return node
    node = nodes.inline(shown.text, shown.text, classes=["lscb-figure"], lscb_address=shown.address)
    if shown.in_full is not None:
        node["lscb_in_full"] = shown.in_full
    if shown.correction is not None:
        return corrected_node(node, shown.correction)
    return node


def corrected_node(figure: nodes.inline, correction: ShownCorrection) -> nodes.inline:
    """A corrected figure, followed by the word "corrected"; the legend at the end of the page
    says what was published before, when and why it was corrected, and who decided."""
    box = nodes.inline("", "", classes=["lscb-corrected"], lscb_corrected=correction.sentence)
    box += figure
    box += corrected_mark()
    return box


def corrected_mark() -> list[nodes.Node]:
    """The words written after a figure corrected since publication, in prose or a table."""
    return [nodes.Text(" "), nodes.inline("(corrected)", "(corrected)", classes=[CORRECTED_MARK])]


class FigureRole(LscbRole):
    """Resolve a figure address and write the figure as the page should show it."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        address = self.text.strip()
        view = get_view(self.env)
        try:
            ref = view.catalogue.resolve(address)
        except AddressError as err:
            return self.warn(address_message("fig", address, err))
        self.use(ref.entry)
        return [figure_node(self.env, view.figure(ref))], []


def setup_figure_role(app: Sphinx) -> None:
    app.add_role("fig", FigureRole())
