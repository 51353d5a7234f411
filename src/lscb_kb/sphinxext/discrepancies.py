"""The ``data-discrepancies`` directive: where the published report contradicts itself.

Each entry of the discrepancy register is shown with the figures its rule compares, taken
live from the data, what the rule found, which figure the site uses and what a reader should
know.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from ..checks.pages import NO_DISCREPANCIES
from ..checks.rules import RULES_FILE, check_figures
from ..core.catalogue import FigureRef
from ..core.hygiene import year_label
from ..core.models import DiscrepancyRegister, FiguresDataset, TablesDataset
from .figure import figure_node
from .preview import in_preview
from .register import _field
from .shared import LscbDirective, LscbWarning, get_view, prose_nodes

HIDDEN_FINDING = (
    "The figures do not agree. The check's working is not shown, because it would give away "
    "a figure hidden to protect the children concerned."
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def figure_section(figure: FigureRef) -> str | None:
    """The section of the report a figure comes from, if the data says."""
    dataset = figure.entry.dataset
    name = figure.address.split(":")[-1].split("/")
    if isinstance(dataset, FiguresDataset) and len(name) == 2:
        return dataset.figures[name[1]].section or dataset.section
    if isinstance(dataset, TablesDataset):
        table = dataset.tables.get(name[0].partition(".")[2])
        if table is not None and table.section:
            return table.section
    return dataset.section if isinstance(dataset, TablesDataset | FiguresDataset) else None


class DataDiscrepanciesDirective(LscbDirective):
    """List every recorded contradiction of the register, with its figures from the data."""

    has_content = False
    warning_subtype = LscbWarning.DIRECTIVE

    def run(self) -> list[nodes.Node]:
        catalogue = self.catalogue
        from .domain import LscbDomain  # noqa: PLC0415

        domain = self.env.get_domain(LscbDomain.name)
        assert isinstance(domain, LscbDomain)
        # The page depends on the registers, the rules and the files of the figures it shows;
        # it is re-read when a data file is added or removed (note_all_data), not whenever a
        # figure that no recorded rule compares is edited.
        domain.note_all_data(self.env.docname)
        self.env.note_dependency(str(catalogue.settings.root / RULES_FILE))
        _problems, known = check_figures(catalogue)
        outcomes = {(o.year or catalogue.settings.current_year, o.rule_id): o for o in known}
        registers = [
            e for e in catalogue.entries.values() if isinstance(e.dataset, DiscrepancyRegister)
        ]
        for entry in registers:
            self.use(entry)
        declared_in = {e.located.file: e for e in catalogue.entries.values()}
        for shown in outcomes.values():
            if shown.file in declared_in:  # a rule declared in a data file, not conf/
                self.use(declared_in[shown.file])
            for figure in shown.figures:
                self.use(figure.entry)
        if not registers:
            return self.warn(NO_DISCREPANCIES)
        view = get_view(self.env)
        container = nodes.container(classes=["lscb-register", "lscb-discrepancies"])
        for entry in sorted(registers, key=lambda e: str(e.year)):
            dataset = entry.dataset
            assert isinstance(dataset, DiscrepancyRegister)
            for item in dataset.discrepancies:
                outcome = outcomes.get((entry.year or catalogue.settings.current_year, item.rule))
                box = nodes.container(classes=["lscb-record"], ids=[nodes.make_id(item.id)])
                head = nodes.paragraph(classes=["lscb-record-title"])
                head += nodes.strong(item.title, item.title)
                box += head
                fields = nodes.field_list(classes=["lscb-record-fields"])
                if outcome is not None:
                    figures = nodes.bullet_list()
                    for figure in outcome.figures:
                        para = nodes.paragraph()
                        para += nodes.Text(f"{figure.label}: ")
                        para += figure_node(self.env, view.figure(figure))
                        section = figure_section(figure)
                        if section:
                            para += nodes.Text(f" (section {section})")
                        figures += nodes.list_item("", para)
                    fields += _field("The figures", [figures])
                    # The rule's message quotes the raw figures: it is shown only when every
                    # figure it compares may be shown.
                    found = (
                        HIDDEN_FINDING
                        if view.outcome_hidden(outcome)
                        else outcome.message[0].upper() + outcome.message[1:] + "."
                    )
                    fields += _field("What the check found", [nodes.paragraph("", found)])
                fields += _field("What this site shows", prose_nodes(item.uses, self, entry.year))
                fields += _field("What to know", prose_nodes(item.reader_note, self, entry.year))
                reference = nodes.paragraph()
                reference += nodes.literal(item.id, item.id)
                if entry.year:
                    reference += nodes.Text(f", {year_label(entry.year)}")
                if in_preview(self.config):
                    # The check's own name is for editors: a reader needs the reference only.
                    reference += nodes.Text(f"; checked by rule {item.rule}")
                fields += _field("Reference", [reference])
                box += fields
                container += box
        return [container]


def setup_discrepancies(app: Sphinx) -> None:
    app.add_directive("data-discrepancies", DataDiscrepanciesDirective)
