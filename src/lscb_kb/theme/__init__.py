"""The site's theme, ``lscb``: GOV.UK Frontend, as a service that is not on GOV.UK uses it.

No crown, no GOV.UK logotype and no GDS Transport font: a header with the board's name and a
search box on every page, the service navigation (the sections of the root page's first
toctree), breadcrumbs, a contents list on long pages, and a footer with the licence, the
site's other sections and an "About this page" area (the build's commit and the edit links).
The templates and static files are in ``lscb/``; GOV.UK Frontend's compiled files in
``lscb/static/govuk/`` are made by :mod:`lscb_kb.theme.vendor` from the version pinned in
``package-lock.json``. The extension registers the theme (``html_theme = "lscb"``).

:mod:`lscb_kb.theme.translator` gives the extension's HTML GOV.UK Frontend's classes (tables in
scroll regions, summary lists, tags, inset text) when the site is built with this theme.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from .translator import mix_govuk_translator

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

THEME_NAME = "lscb"
THEME_DIR = Path(__file__).resolve().parent / THEME_NAME
CONTENTS_FROM = 3
"""A page gets a contents list when it has at least this many sections under its title."""
SUPPORT_PAGES = frozenset({"accessibility", "search-help"})
"""Pages the footer's support links name (``layout.html``), so its navigation does not."""
EDIT_LINKS = "lscb_edit_links"
"""The document attribute that keeps a page's "Edit the data" links for the footer."""


def uses_theme(app: Sphinx) -> bool:
    theme = getattr(app.builder, "theme", None)
    return getattr(theme, "name", None) == THEME_NAME


def _title(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def short_title(env: BuildEnvironment, docname: str) -> str:
    """A page's title for the navigation: before its colon ("Governance: how the board is run
    and held to account" is "Governance")."""
    return _title(env, docname).split(": ", 1)[0]


def navigation(env: BuildEnvironment, root: str) -> list[tuple[str | None, list[str]]]:
    """The root page's toctrees: (caption, the pages it lists), in order, hidden ones left out."""
    try:
        doctree = env.get_doctree(root)
    except (FileNotFoundError, KeyError, OSError):
        return []
    groups: list[tuple[str | None, list[str]]] = []
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("hidden"):
            continue
        pages = [ref for _title, ref in toctree["entries"] if ref in env.all_docs]
        groups.append((toctree.get("caption"), pages))
    return groups


def section_of(relations: dict[str, list[str | None]], root: str, pagename: str) -> str | None:
    """The page of the root's toctrees that *pagename* is in (itself, or an ancestor), by the
    pages' relations (``env.collect_relations()``)."""
    seen: set[str] = set()
    page: str | None = pagename
    while page is not None and page not in seen:
        seen.add(page)
        parent = relations.get(page, [None])[0]
        if parent == root:
            return page
        page = parent
    return None


def contents(doctree: nodes.document | None) -> list[tuple[str, str]]:
    """The sections under a page's title: (id, title) for its contents list."""
    if doctree is None:
        return []
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return []
    found = []
    for child in top.children:
        if isinstance(child, nodes.section) and child["ids"]:
            title = child.next_node(nodes.title)
            if title is not None:
                found.append((child["ids"][0], title.astext()))
    return found


def move_edit_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: "Edit the data" links leave the reading flow for the footer."""
    if not uses_theme(app):
        return
    links: dict[str, str] = {}
    for para in list(doctree.findall(nodes.paragraph)):
        if "lscb-edit" in para["classes"]:
            ref = para.next_node(nodes.reference)
            if ref is not None and ref.get("refuri"):
                links.setdefault(ref["refuri"], ref.astext())
            para.parent.remove(para)
    doctree[EDIT_LINKS] = sorted(links.items(), key=lambda item: item[1])


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the templates the navigation, breadcrumbs' sections, contents and edit links."""
    if not uses_theme(app):
        return
    from ..sphinxext.dependencies import derived  # noqa: PLC0415

    env = app.env
    root = app.config.root_doc
    # Read once per build, not once per page written: the root's doctree and the relations.
    groups = derived(env, "theme-navigation", lambda: navigation(env, root))
    relations = derived(env, "theme-relations", env.collect_relations)
    current = section_of(relations, root, pagename) if pagename != root else None

    def item(page: str) -> dict[str, Any]:
        return {
            "link": context["pathto"](page),
            "title": short_title(env, page),
            "current": page == pagename,
            "active": page == current,
        }

    context["lscb_navigation"] = [item(page) for page in groups[0][1]] if groups else []
    context["lscb_footer_navigation"] = [
        {"caption": caption, "items": [item(page) for page in pages if page not in SUPPORT_PAGES]}
        for caption, pages in groups[1:]
    ]
    sections = contents(doctree if isinstance(doctree, nodes.document) else None)
    context["lscb_contents"] = sections if len(sections) >= CONTENTS_FROM else []
    links: list[tuple[str, str]] = (
        doctree.get(EDIT_LINKS, []) if isinstance(doctree, nodes.document) else []
    )
    context["lscb_edit_data"] = [{"url": url, "text": text} for url, text in links]
    context["script_files"] = [deferred(js) for js in context.get("script_files", [])]


def deferred(js: Any) -> Any:
    """A script the page names in its ``<head>``, loaded without holding up the page's first
    paint: ``defer`` (run in order, once the page is read), unless it is a module or says
    ``async`` or ``defer`` already. Sphinx's own scripts and sphinx-design's only add behaviour
    to a page that is read; none writes into the page as it loads."""
    attributes = getattr(js, "attributes", None)
    if attributes is None or not getattr(js, "filename", None):
        return js  # a plain name (old style) or an inline script: left as it is
    if attributes.get("type") == "module" or {"async", "defer"} & set(attributes):
        return js
    return type(js)(js.filename, priority=js.priority, **{**attributes, "defer": "defer"})


def setup_theme(app: Sphinx) -> None:
    app.add_html_theme(THEME_NAME, str(THEME_DIR))
    app.connect("builder-inited", mix_govuk_translator, priority=950)
    app.connect("doctree-resolved", move_edit_links, priority=900)
    app.connect("html-page-context", page_context)
