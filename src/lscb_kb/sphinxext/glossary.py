"""The ``data-glossary`` directive: the glossary in ``data/`` as a Sphinx glossary.

Terms become targets of Sphinx's own ``term`` role, so pages link to them with
``{term}`S47```. Each term is one headword: its other names are targets too, but they are
listed under it ("Also called"), and a name that only differs from the headword in case,
hyphens or a plural ending ("hate crimes", "Core Assessments") is not listed at all. The terms
are grouped by their first letter, each group under its letter as a heading, with an A to Z of
the letters at the top.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import groupby
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.domains.std import make_glossary_term

from ..checks.pages import NO_GLOSSARY
from ..core.models import GlossaryDataset, Term
from .nodes import letter_index, record_title
from .shared import LscbDirective, LscbWarning, cite

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator


def _words(name: str) -> str:
    """A name as its meaning: lower case, hyphens as spaces, apostrophes and plurals gone."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    words = re.sub(r"[-‐‑–]", " ", text).replace("'", "").split()
    return " ".join(
        "child" if w == "children" else w[:-1] if len(w) > 3 and w.endswith("s") else w
        for w in words
    )


def other_names(term: Term) -> list[str]:
    """The aliases a reader is told of: none that is the headword or another listed name again
    in another case, with hyphens or as a plural, and none that the definition already names
    (the kinds of preventable death, "child in care")."""
    seen = {_words(term.term)}
    said = (
        " " + re.sub(r"\W+", " ", f"{_words(term.expansion or '')} {_words(term.definition)}") + " "
    )
    shown = []
    for alias in term.aliases:
        key = _words(alias)
        if key not in seen and f" {key} " not in said:
            seen.add(key)
            shown.append(alias)
    return shown


def letter(term: Term) -> str:
    """The letter a term is listed under: its first letter, without accents; '#' for a digit."""
    first = unicodedata.normalize("NFKD", term.term.strip())[:1].upper()
    return first if first.isalpha() else "#"


def _letter_id(letter_: str) -> str:
    return "letter-" + ("digits" if letter_ == "#" else letter_.lower())


class DataGlossaryDirective(LscbDirective):
    """Render every term of the glossary file, sorted and grouped by letter, with its
    expansion, other names and source."""

    has_content = False
    warning_subtype = LscbWarning.DIRECTIVE

    def run(self) -> list[nodes.Node]:
        entry = self.catalogue.glossary()
        if entry is None:
            return self.warn(NO_GLOSSARY)
        self.use(entry)
        dataset = entry.dataset
        assert isinstance(dataset, GlossaryDataset)
        terms = sorted(dataset.terms, key=lambda t: (letter(t), t.term.casefold()))
        groups = [(key, list(items)) for key, items in groupby(terms, key=letter)]
        index = letter_index(classes=["lscb-az"])
        letters = nodes.bullet_list(classes=["lscb-az__list"])
        for key, _items in groups:
            link = nodes.reference("", key, refid=_letter_id(key), classes=["govuk-link"])
            letters += nodes.list_item("", nodes.paragraph("", "", link))
        index += letters
        out: list[nodes.Node] = [index]
        for key, items in groups:
            out.append(
                record_title("", key, ids=[_letter_id(key)], classes=["lscb-glossary__letter"])
            )
            glossary = addnodes.glossary()
            glossary["sorted"] = True
            dlist = nodes.definition_list(classes=["glossary"])
            glossary += dlist
            for term in items:
                dlist += self._item(term, dataset)
            out.append(glossary)
        return out

    def _item(self, term: Term, dataset: GlossaryDataset) -> nodes.definition_list_item:
        source, _line = self.get_source_info()
        item = nodes.definition_list_item()
        terms = [
            make_glossary_term(
                self.env, [nodes.Text(name)], None, source, self.lineno, None, self.state.document
            )
            for name in [term.term, *term.aliases]
        ]
        # One headword: the other names' targets are its own, so their links land on it.
        headword = terms[0]
        for alias in terms[1:]:
            headword["ids"].extend(i for i in alias["ids"] if i not in headword["ids"])
        item += headword
        definition = nodes.definition()
        if term.expansion:
            para = nodes.paragraph()
            para += nodes.strong(term.expansion, term.expansion)
            definition += para
        body = nodes.paragraph("", term.definition)
        body += nodes.Text(" ")
        body += cite(self.env, self.state.inliner, term.source or dataset.source, self.lineno)
        definition += body
        names = other_names(term)
        if names:
            also = nodes.paragraph(classes=["lscb-glossary__also"])
            also += nodes.Text("Also called: ")
            for n, name in enumerate(names):
                if n:
                    also += nodes.Text(", ")
                also += nodes.emphasis(name, name)
            also += nodes.Text(".")
            definition += also
        item += definition
        return item


def visit_letter_index(self: HTML5Translator, node: letter_index) -> None:
    label: dict[str, Any] = {"aria-label": "Glossary from A to Z"}
    self.body.append(self.starttag(node, "nav", "", **label))


def depart_letter_index(self: HTML5Translator, node: letter_index) -> None:
    self.body.append("</nav>\n")


def setup_glossary(app: Sphinx) -> None:
    # Other writers find visit_container by the node's class (Sphinx's translators dispatch
    # along its bases): the A to Z is a container there.
    app.add_node(letter_index, html=(visit_letter_index, depart_letter_index))
    app.add_directive("data-glossary", DataGlossaryDirective)
