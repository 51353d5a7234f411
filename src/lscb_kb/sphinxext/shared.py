"""What every directive and role of the extension shares: the catalogue, warnings, dependencies."""

from __future__ import annotations

import os
import tempfile
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from ..core import AddressError, Catalogue, Entry
from ..core.prose import FigureUse, split_prose
from ..published.view import PublishedView, published_view
from .dependencies import build_context

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

LOGGER = logging.getLogger(__name__)

WARNING_TYPE = "lscb"


class LscbWarning(Enum):
    """Subtypes of the ``lscb`` warning type; each can be silenced with ``suppress_warnings``."""

    DATA = "data"
    """A data file is invalid: it is reported at the file, line and column of the mistake."""
    ADDRESS = "address"
    """A page names a dataset, table or figure address that the data does not hold."""
    DIRECTIVE = "directive"
    """A directive of this extension is used wrongly on a page (missing argument, bad option)."""
    SAFETY = "safety"
    """A page carries raw HTML, an unsafe link or a file from outside docs/ and data/."""
    PERSONAL = "personal"
    """Something that looks like personal data is published (a page, a download, a chart)."""
    REVIEW = "review"
    """A page's front matter does not name its owner, last review and next review correctly."""
    TOPIC = "topic"
    """A page, data file or record names a topic that is not in ``conf/topics.yaml``."""


def project_root(env: BuildEnvironment) -> Path:
    """The project folder, as resolved from ``lscb_root`` when the configuration was read."""
    return Path(env.config.lscb_root)


def load_catalogue(env: BuildEnvironment) -> Catalogue:
    """Load the catalogue afresh for this build (every file read once per build)."""
    catalogue = Catalogue.load(project_root(env))
    build_context(env).catalogue = catalogue
    return catalogue


def get_catalogue(env: BuildEnvironment) -> Catalogue:
    """The catalogue of this build; loaded here if this build has not loaded it yet."""
    catalogue = build_context(env).catalogue
    return catalogue if catalogue is not None else load_catalogue(env)


def get_view(env: BuildEnvironment) -> PublishedView:
    """The published view of this build's catalogue: the only way renderers read figures."""
    return published_view(get_catalogue(env))


def warn(message: str, subtype: LscbWarning, location: Any) -> None:
    """Log a located warning of type ``lscb``, so ``-W`` fails the build on it."""
    LOGGER.warning(message, type=WARNING_TYPE, subtype=subtype.value, location=location)


def _note_entry(env: BuildEnvironment, entry: Entry) -> None:
    from .domain import LscbDomain  # noqa: PLC0415

    env.note_dependency(str(entry.path))
    domain = env.get_domain(LscbDomain.name)
    assert isinstance(domain, LscbDomain)
    domain.note_use(env.docname, entry)


class LscbDirective(SphinxDirective):
    """Base class: gives directives the catalogue, dependency tracking and located warnings."""

    warning_subtype: ClassVar[LscbWarning] = LscbWarning.ADDRESS

    @property
    def catalogue(self) -> Catalogue:
        return get_catalogue(self.env)

    def use(self, entry: Entry) -> None:
        """Record that this page reads *entry*'s file, so editing it rebuilds this page."""
        _note_entry(self.env, entry)

    def warn(self, message: str, subtype: LscbWarning | None = None) -> list[nodes.Node]:
        """Report *message* at this directive; a preview shows it where the data would be."""
        from .preview import in_preview, problem_box  # noqa: PLC0415

        location = self.get_location()
        warn(message, subtype or self.warning_subtype, location)
        if in_preview(self.env):
            return [problem_box(message, location)]
        return []


class LscbRole(SphinxRole):
    """Base class for roles, with the same services as :class:`LscbDirective`."""

    @property
    def catalogue(self) -> Catalogue:
        return get_catalogue(self.env)

    def use(self, entry: Entry) -> None:
        _note_entry(self.env, entry)

    def warn(self, message: str) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        warn(message, LscbWarning.ADDRESS, self.get_location())
        node = nodes.problematic(self.rawtext, self.rawtext)
        return [node], []


def cite(env: BuildEnvironment, inliner: Any, key: str, lineno: int) -> list[nodes.Node]:
    """A parenthetical citation of *key*, made by sphinxcontrib-bibtex's own ``cite:p`` role."""
    role = env.get_domain("cite").role("p")
    if role is None:  # sphinxcontrib.bibtex is not loaded: name the key as text
        return [nodes.Text(key)]
    result, _messages = role("cite:p", f":cite:p:`{key}`", key, lineno, inliner, {}, [])
    return list(result)


def prose_nodes(
    value: str | list[str], directive: LscbDirective | None = None, year: str | None = None
) -> list[nodes.Node]:
    """Text from a data file as docutils nodes: a paragraph, or bullet points for a list.

    Data strings are never parsed as markup, so ``<script>`` arrives on the page as text; the
    one thing read in them is a figure, ``{fig}`address```, written by the ``fig`` role's own
    code through the published view (an address without a year means the file's *year*).
    """
    if isinstance(value, str):
        return [nodes.paragraph("", "", *inline_prose(value, directive, year))]
    bullets = nodes.bullet_list()
    for item in value:
        bullets += nodes.list_item(
            "", nodes.paragraph("", "", *inline_prose(item, directive, year))
        )
    return [bullets]


def inline_prose(
    text: str, directive: LscbDirective | None = None, year: str | None = None
) -> list[nodes.Node]:
    """One data string as inline nodes: its text, and each figure it names."""
    from .figure import figure_node  # noqa: PLC0415 - the role's module imports this one

    out: list[nodes.Node] = []
    for part in split_prose(text):
        if isinstance(part, str):
            out.append(nodes.Text(part))
            continue
        if directive is None:
            out.append(nodes.Text(part.address))
            continue
        out.append(_prose_figure(directive, part, year, figure_node))
    return out


def plain_prose(text: str, directive: LscbDirective | None, year: str | None) -> str:
    """A label or a title from a data file as plain text, each figure it names written as the
    ``fig`` role writes it (the page still depends on the figure's file)."""
    if "{fig}" not in text:
        return text
    return "".join(node.astext() for node in inline_prose(text, directive, year))


def _prose_figure(
    directive: LscbDirective, part: FigureUse, year: str | None, render: Any
) -> nodes.Node:
    view = get_view(directive.env)
    try:
        ref = view.catalogue.resolve(part.address, year)
    except AddressError:  # reported at the data file's line when the catalogue loads
        raw = f"{{fig}}`{part.address}`"
        return nodes.problematic(raw, raw)
    directive.use(ref.entry)
    node: nodes.Node = render(directive.env, view.figure(ref))
    return node


def write_if_changed(path: Path, text: str) -> None:
    """Write a generated file into the build atomically, and only if its bytes changed, so a
    rebuild with nothing new rewrites nothing (and ``-j 2`` writes what ``-j 1`` writes)."""
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def table_skeleton(
    caption: str, headings: list[str], classes: list[str]
) -> tuple[nodes.table, nodes.tbody]:
    """An empty docutils table with a caption, header cells and its first column as row
    headers; returns the table and the body to add rows to."""
    table = nodes.table(classes=classes)
    table += nodes.title(caption, caption)
    group = nodes.tgroup(cols=len(headings))
    table += group
    for index in range(len(headings)):
        colspec = nodes.colspec(colwidth=1)
        if index == 0:
            colspec["stub"] = 1
        group += colspec
    head = nodes.thead()
    header = nodes.row()
    for text in headings:
        entry = nodes.entry()
        entry += nodes.paragraph("", text)
        header += entry
    head += header
    group += head
    body = nodes.tbody()
    group += body
    return table, body
