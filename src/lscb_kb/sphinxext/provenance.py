"""The footer of every page: the commit and date the site was built from, and a link to edit
the page's source. The data tables get a link to edit their data file (see ``table.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..provenance import build_info
from .shared import get_catalogue

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def edit_url(repository: str, branch: str, path: str) -> str | None:
    """The web address that opens *path* (relative to the project) for editing, if configured."""
    if not repository:
        return None
    return f"{repository}/edit/{branch}/{path}"


def meta_policy(policy: str) -> str:
    """The policy as a ``<meta>`` element may give it: without ``frame-ancestors``."""
    parts = [p.strip() for p in policy.split(";") if p.strip()]
    return "; ".join(p for p in parts if not p.startswith("frame-ancestors"))


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the templates the build's provenance and the page's edit link."""
    settings = get_catalogue(app.env).settings
    context["lscb_build"] = build_info(settings.root)
    context["lscb_csp"] = meta_policy(settings.content_security_policy)
    if pagename in app.env.found_docs:
        source = app.env.doc2path(pagename)
        try:
            relative = source.resolve().relative_to(settings.root.resolve()).as_posix()
        except ValueError:
            return
        context["lscb_edit_url"] = edit_url(settings.repository, settings.branch, relative)


def setup_provenance(app: Sphinx) -> None:
    app.connect("html-page-context", page_context)
