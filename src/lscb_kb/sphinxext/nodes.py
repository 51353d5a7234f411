"""The docutils nodes the extension adds, in one place (as sphinx-design keeps its own).

Each is registered with Sphinx by the module that makes it, with visitors for the builders
that write it; pending nodes are replaced before any page is written.
"""

from __future__ import annotations

from docutils import nodes


class record_title(nodes.paragraph):
    """The title of a register record: a heading in HTML, a paragraph elsewhere."""


class search_ui(nodes.General, nodes.Element):
    """Where the search box and its results go on the search page."""


class data_download(nodes.reference):
    """A link to a download; its URI is made relative to the page when the page is written."""


class chart_image(nodes.General, nodes.Element):
    """A drawn chart: its SVG text and alt text. Becomes an ``image`` when the page is written."""


class topic_listing(nodes.General, nodes.Element):
    """Pending: everything on one topic, filled in when the page is written."""


class topic_index(nodes.General, nodes.Element):
    """Pending: the list of every topic, filled in when the page is written."""


class letter_index(nodes.container):
    """The glossary's A to Z: a ``<nav>`` of links to its letters in HTML, a container
    elsewhere."""
