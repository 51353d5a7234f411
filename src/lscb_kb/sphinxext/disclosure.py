"""How the pages show what disclosure control hides: a symbol, a legend, and a stated reason.

The decisions are made in :mod:`lscb_kb.published.disclosure`; this module only builds docutils
nodes for them. ``data-table`` puts the legend under its own table. Figures that the ``fig``
role hides, or shows because they were published in full, are explained by a legend that
:class:`DisclosureLegend` adds at the end of the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from ..published.disclosure import Policy, Suppressed, policy_of
from .shared import get_catalogue

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

SUPPRESSED_CLASS = "lscb-suppressed"
IN_FULL_CLASS = "lscb-in-full"
LEGEND_CLASS = "lscb-legend"


def policy(env: BuildEnvironment) -> Policy:
    """The disclosure policy of this build, from ``conf/lscb.toml``."""
    return policy_of(get_catalogue(env).settings)


def suppressed_node(cell: Suppressed, pol: Policy) -> nodes.abbreviation:
    """The symbol that stands for a hidden count; its title says what it means."""
    return nodes.abbreviation(
        cell.symbol, cell.symbol, explanation=pol.explanation, classes=[SUPPRESSED_CLASS]
    )


def _policy_link(env: BuildEnvironment) -> list[nodes.Node]:
    page = get_catalogue(env).settings.disclosure_page
    if page not in env.found_docs:
        return []
    text = "How the board protects children's identities"
    ref = addnodes.pending_xref(
        "",
        nodes.inline(text, text),
        refdomain="std",
        reftype="doc",
        reftarget=f"/{page}",
        refexplicit=True,
        refdoc=env.docname,
    )
    return [nodes.Text(" "), ref, nodes.Text(".")]


def legend(env: BuildEnvironment) -> nodes.paragraph:
    """The legend for the suppression symbol, with a link to the policy page if there is one."""
    pol = policy(env)
    para = nodes.paragraph(classes=[LEGEND_CLASS])
    para += nodes.strong(pol.symbol, pol.symbol)
    para += nodes.Text(pol.explanation.removeprefix(pol.symbol).replace(":", " –", 1) + ".")
    para += _policy_link(env)
    return para


def published_note(sentence: str) -> nodes.paragraph:
    """The sentence that says a file about individual children was published in full, and why."""
    return nodes.paragraph(sentence, sentence, classes=[IN_FULL_CLASS])


def not_reported_note(sentence: str) -> nodes.paragraph:
    """Why a figure shown as "not reported" is missing: "<figure>: <reason>"."""
    para = nodes.paragraph(classes=["lscb-not-reported-note"])
    para += nodes.strong("Not reported", "Not reported")
    para += nodes.Text(f" – {sentence}")
    return para


def corrected_note(sentence: str) -> nodes.paragraph:
    """What a figure corrected after publication was, and when, why and by whom corrected."""
    para = nodes.paragraph(classes=["lscb-corrected-note"])
    para += nodes.strong("Corrected", "Corrected")
    para += nodes.Text(f" – {sentence}")
    return para


def _last_section(document: nodes.document) -> nodes.Element:
    node: nodes.Element = document
    while node.children and isinstance(node.children[-1], nodes.section):
        node = node.children[-1]
    return node


class DisclosureLegend(SphinxTransform):
    """Explain, at the end of the page, figures in prose that are hidden, shown in full, not
    reported or corrected after publication."""

    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        def outside_tables(node: nodes.Node) -> bool:
            parent = node.parent
            while parent is not None:
                if "lscb-dataset" in parent.get("classes", []):
                    return False
                parent = parent.parent
            return True

        hidden = [
            node
            for node in self.document.findall(nodes.abbreviation)
            if SUPPRESSED_CLASS in node["classes"] and outside_tables(node)
        ]
        sentences: list[str] = []
        missing: list[str] = []
        corrected: list[str] = []
        for node in self.document.findall(nodes.inline):
            sentence = node.get("lscb_in_full")
            if sentence and sentence not in sentences:
                sentences.append(sentence)
            reason = node.get("lscb_not_reported")
            if reason and reason not in missing:
                missing.append(reason)
            correction = node.get("lscb_corrected")
            if correction and correction not in corrected:
                corrected.append(correction)
        if not hidden and not sentences and not missing and not corrected:
            return
        box = nodes.container(classes=["lscb-page-legend"])
        if hidden:
            box += legend(self.env)
        for sentence in sentences:
            box += published_note(sentence)
        for reason in missing:
            box += not_reported_note(reason)
        for sentence in corrected:
            box += corrected_note(sentence)
        _last_section(self.document).append(box)


def setup_disclosure(app: Sphinx) -> None:
    app.add_transform(DisclosureLegend)
