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

from ..data import Catalogue, Entry

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


_CATALOGUES: dict[str, Catalogue] = {}


def project_root(env: BuildEnvironment) -> Path:
    """The project folder, as resolved from ``lscb_root`` when the configuration was read."""
    return Path(env.config.lscb_root)


def load_catalogue(env: BuildEnvironment) -> Catalogue:
    """Load the catalogue afresh for this build (every file read once per build)."""
    root = project_root(env)
    catalogue = Catalogue.load(root)
    _CATALOGUES[str(root)] = catalogue
    return catalogue


def get_catalogue(env: BuildEnvironment) -> Catalogue:
    """The catalogue of this build; loaded here if this process has not loaded it yet."""
    catalogue = _CATALOGUES.get(str(project_root(env)))
    return catalogue if catalogue is not None else load_catalogue(env)


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
        warn(message, subtype or self.warning_subtype, self.get_location())
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


def prose_nodes(value: str | list[str]) -> list[nodes.Node]:
    """Text from a data file as docutils nodes: a paragraph, or bullet points for a list.

    Data strings are never parsed as markup, so ``<script>`` arrives on the page as text.
    """
    if isinstance(value, str):
        return [nodes.paragraph("", value)]
    bullets = nodes.bullet_list()
    for item in value:
        bullets += nodes.list_item("", nodes.paragraph("", item))
    return [bullets]


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
