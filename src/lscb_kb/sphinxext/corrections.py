"""Corrections made to published figures: the ``data-corrections`` directive and its feed.

.. code-block:: md

   ```{data-corrections}
   ```

The errata register (``data/errata.yaml``, kind ``errata``) records each figure corrected after
the site published it: the value published before, the day, the reason and who decided. The
figure's data file holds what is right, typed once there. Wherever the site shows a corrected
figure it adds "(corrected)" and, under the table or at the end of the page, what was published
before, when and why (:func:`~lscb_kb.sphinxext.figure.corrected_node`); the downloads carry
the corrections of their figures; this directive lists every correction, the latest first; and
``corrections.xml`` beside the site's home page is an Atom feed of them, for readers who follow
changes. None of this is the discrepancy register, which records the source's own
contradictions.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from docutils import nodes

from ..core.hygiene import year_label
from ..core.models import ErrataRegister
from ..core.units import day_text
from ..provenance import build_info
from .shared import LscbDirective, get_catalogue, get_view, table_skeleton, write_if_changed

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..published.view import ShownCorrection

FEED = "corrections.xml"
"""The feed of corrections, written beside the site's home page."""
PAGE_KEY = "lscb-corrections"
"""The page's metadata key that says it lists the corrections (the feed links to it)."""
ATOM = "http://www.w3.org/2005/Atom"
NONE_YET = "No figure has been corrected since the site was published."


class DataCorrectionsDirective(LscbDirective):
    """Every correction of a published figure, the latest first, with a link to the feed."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        catalogue = get_catalogue(self.env)
        for entry in catalogue.entries.values():
            if isinstance(entry.dataset, ErrataRegister):
                self.use(entry)
        self.env.metadata[self.env.docname][PAGE_KEY] = "true"
        shown = get_view(self.env).corrections()
        depth = self.env.docname.count("/")
        feed = nodes.paragraph()
        feed += nodes.Text("Follow corrections as they are made: ")
        feed += nodes.reference(
            "", "the feed of corrections (Atom)", refuri=posixpath.join(*[".."] * depth, FEED)
        )
        feed += nodes.Text(".")
        if not shown:
            return [nodes.paragraph("", NONE_YET), feed]
        headings = ["Figure", "Published as", "Now", "Corrected on", "Why", "Decided by"]
        table, body = table_skeleton(
            "Figures corrected since publication", headings, ["lscb-corrections"]
        )
        for correction in shown:
            row = nodes.row(ids=[correction.anchor])
            for text in (
                f"{correction.label} ({year_label(correction.year)})",
                correction.published,
                correction.now,
                day_text(correction.corrected),
                correction.reason,
                correction.decided_by,
            ):
                cell = nodes.entry()
                cell += nodes.paragraph("", text)
                row += cell
            body += row
        return [table, feed]


def feed_xml(corrections: list[ShownCorrection], page: str, title: str, updated: dt.date) -> str:
    """An Atom feed of *corrections*, each linking to its row of *page* (a path in the site)."""
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    add(feed, "title", f"{title}: corrections")
    slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
    add(feed, "id", f"tag:lscb-knowledge-base,2010:{slug}:corrections")
    add(feed, "link", href=page)
    newest = max((c.corrected for c in corrections), default=updated)
    add(feed, "updated", f"{newest.isoformat()}T00:00:00Z")
    author = add(feed, "author")
    add(author, "name", title)
    for correction in corrections:
        item = add(feed, "entry")
        add(item, "title", f"{correction.label} ({year_label(correction.year)}) corrected")
        add(item, "id", f"tag:lscb-knowledge-base,2010:{correction.anchor}:{correction.corrected}")
        add(item, "link", href=f"{page}#{correction.anchor}")
        add(item, "updated", f"{correction.corrected.isoformat()}T00:00:00Z")
        add(item, "summary", correction.sentence)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def write_feed(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the feed of corrections, beside the home page."""
    if exception is not None or app.builder.format != "html":
        return
    env = app.env
    pages = sorted(name for name, meta in env.metadata.items() if meta.get(PAGE_KEY))
    page = app.builder.get_target_uri(pages[0]) if pages else ""
    catalogue = get_catalogue(env)
    corrections = get_view(env).corrections()
    updated = build_info(catalogue.settings.root).date
    text = feed_xml(corrections, page, str(app.config.project), updated)
    write_if_changed(Path(app.outdir) / FEED, text)


def setup_corrections(app: Sphinx) -> None:
    app.add_directive("data-corrections", DataCorrectionsDirective)
    app.connect("build-finished", write_feed)
