"""The ``data-register`` directive: a register's records, each with its id, status and source.

.. code-block:: md

   ```{data-register} scr-scrutiny
   ```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from ..checks.pages import address_message, register_selection
from ..core import AddressError
from ..core.catalogue import Entry
from ..core.hygiene import year_label
from ..core.models import STATUS_LABELS, Record, RegisterDataset
from .nodes import record_title
from .shared import LscbDirective, cite, inline_prose, prose_nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATUS_COLOURS = {
    "open": "warning",
    "in-progress": "info",
    "done": "success",
    "no-action": "secondary",
    "carried-forward": "primary",
}


def status_badge(status: str) -> nodes.inline:
    """A sphinx-design badge that names a record's status in words, not colour alone."""
    label = STATUS_LABELS[status]
    colour = STATUS_COLOURS[status]
    return nodes.inline(
        label, label, classes=["sd-badge", f"sd-bg-{colour}", f"sd-bg-text-{colour}", "lscb-status"]
    )


class DataRegisterDirective(LscbDirective):
    """Render the records of a register, optionally only those of one topic or section."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "topic": directives.unchanged,
        "section": directives.unchanged,
        "ids": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        try:
            entry = self.catalogue.register(self.arguments[0])
        except AddressError as err:
            return self.warn(address_message("data-register", self.arguments[0], err))
        self.use(entry)
        dataset = entry.dataset
        assert isinstance(dataset, RegisterDataset)
        records, problem = register_selection(dataset, self.arguments[0], self.options)
        if problem is not None:
            return self.warn(problem)
        container = nodes.container(classes=["lscb-register"])
        for record in records:
            container += render_record(self, entry, record)
        return [container]


def render_record(directive: LscbDirective, entry: Entry, record: Record) -> nodes.container:
    """One record of *entry*'s register as a page shows it; its prose may name figures of the
    register's year, and the status it has in each later year's register follows its own.

    The one way a record is drawn: by ``data-register`` and by ``data-year`` alike.
    """
    assert isinstance(entry.dataset, RegisterDataset)
    default_source, year = entry.dataset.source, entry.year
    box = nodes.container(classes=["lscb-record"])
    # A heading with the record's id: a search result (and a link target) of its own.
    head = record_title(classes=["lscb-record-title"], ids=[nodes.make_id(record.id)])
    head += nodes.inline(record.id, record.id, classes=["lscb-record-id"])
    head += nodes.Text(": ")
    head += nodes.Text(record.title)
    box += head
    status = nodes.paragraph(classes=["lscb-record-status"])
    status += nodes.Text("Status: ")
    status += status_badge(record.status)
    for later, then in directive.catalogue.later_records(entry, record.id):
        directive.use(later)  # a change of its later status rebuilds this page
        status += nodes.Text(f"; in {year_label(later.year)}: ")
        status += status_badge(then.status)
    box += status
    fields = nodes.field_list(classes=["lscb-record-fields"])
    for label, value in (("Finding", record.finding), ("Action", record.action)):
        if value:
            fields += _field(label, prose_nodes(value, directive, year))
    if record.owner:
        fields += _field("Owner", [nodes.paragraph("", record.owner)])
    # One "History" field with a paragraph a change: a field name given twice in one list is
    # read out twice, and HTML wants each name of a description list once.
    history: list[nodes.Node] = []
    for change in record.history:
        para = nodes.paragraph("", f"{change.period}: {STATUS_LABELS[change.status]}")
        if change.note:
            para += nodes.Text(" (")
            para += inline_prose(change.note, directive, year)
            para += nodes.Text(")")
        history.append(para)
    if history:
        fields += _field("History", history)
    reference = nodes.paragraph()
    reference += nodes.literal(record.id, record.id)
    reference += nodes.Text(", ")
    reference += cite(
        directive.env, directive.state.inliner, record.source or default_source, directive.lineno
    )
    if record.section:
        reference += nodes.Text(f", section {record.section}")
    fields += _field("Reference", [reference])
    box += fields
    return box


def _field(name: str, body: list[nodes.Node]) -> nodes.field:
    field = nodes.field()
    field += nodes.field_name(name, name)
    field_body = nodes.field_body()
    field_body += body
    field += field_body
    return field


def setup_register(app: Sphinx) -> None:
    app.add_directive("data-register", DataRegisterDirective)
