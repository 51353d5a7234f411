"""The ``data-glossary`` directive: the glossary in ``data/`` as a Sphinx glossary.

Terms become targets of Sphinx's own ``term`` role, so pages link to them with
``{term}`S47```.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.domains.std import make_glossary_term

from ..checks.pages import NO_GLOSSARY
from ..core.models import GlossaryDataset
from .shared import LscbDirective, LscbWarning, cite

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class DataGlossaryDirective(LscbDirective):
    """Render every term of the glossary file, sorted, with its expansion and source."""

    has_content = False
    warning_subtype = LscbWarning.DIRECTIVE

    def run(self) -> list[nodes.Node]:
        entry = self.catalogue.glossary()
        if entry is None:
            return self.warn(NO_GLOSSARY)
        self.use(entry)
        dataset = entry.dataset
        assert isinstance(dataset, GlossaryDataset)
        source, _line = self.get_source_info()
        glossary = addnodes.glossary()
        glossary["sorted"] = True
        dlist = nodes.definition_list(classes=["glossary"])
        glossary += dlist
        for term in sorted(dataset.terms, key=lambda t: t.term.lower()):
            item = nodes.definition_list_item()
            names = [term.term, *term.aliases]
            for name in names:
                item += make_glossary_term(
                    self.env,
                    [nodes.Text(name)],
                    None,
                    source,
                    self.lineno,
                    None,
                    self.state.document,
                )
            definition = nodes.definition()
            if term.expansion:
                para = nodes.paragraph()
                para += nodes.strong(term.expansion, term.expansion)
                definition += para
            body = nodes.paragraph("", term.definition)
            body += nodes.Text(" ")
            body += cite(self.env, self.state.inliner, term.source or dataset.source, self.lineno)
            definition += body
            item += definition
            dlist += item
        return [glossary]


def setup_glossary(app: Sphinx) -> None:
    app.add_directive("data-glossary", DataGlossaryDirective)
