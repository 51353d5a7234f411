"""Review dates: each page's owner, last review and next review, on the page and in pages.json.

The fields are read from each page's front matter by the data layer
(:mod:`lscb_kb.checks.reviews`). A missing or malformed field is a warning of type
``lscb.review`` at the page's ``file:line``. The theme shows the fields on every page, with a
banner that the theme's ``lscb-review.js`` reveals in the browser once the due date has
passed, so a page becomes "overdue" without a rebuild. When the build finishes,
``pages.json`` in the output folder lists every page with its owner and dates.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks.reviews import (
    FrontMatter,
    PageReview,
    ReviewSettings,
    read_front_matter,
    review_of,
    review_settings,
)
from ..core.units import day_text
from .dependencies import derived
from .shared import LscbWarning, project_root, warn

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

FEED = "pages.json"


def front_matter(env: BuildEnvironment, docname: str) -> FrontMatter:
    """The front matter of *docname*, read once per build (under this build's limits)."""
    path = Path(env.doc2path(docname))

    def read() -> FrontMatter:
        front, _problems = read_front_matter(path, settings(env).limits)
        return front

    return derived(env, f"front-matter:{path}", read)


def settings(env: BuildEnvironment) -> ReviewSettings:
    """``[reviews]`` of ``conf/lscb.toml``, read once per build."""
    return derived(env, "review-settings", lambda: review_settings(project_root(env)))


def page_review(env: BuildEnvironment, docname: str) -> PageReview | None:
    """The review fields of *docname*, or ``None`` if it has none (or they are wrong)."""
    front = front_matter(env, docname)
    review, _problems = review_of(front, docname, required=settings(env).required)
    if review is None:
        return None
    if review.title is None and docname in env.titles:
        review = replace(review, title=env.titles[docname].astext())
    return review


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Warn, at the page's line, about missing or malformed review fields."""
    env = app.env
    docname = env.docname
    path = Path(env.doc2path(docname))
    review_config = settings(env)
    front, problems = read_front_matter(path, review_config.limits)
    if not problems:
        _review, problems = review_of(front, docname, required=review_config.required)
    for problem in problems:
        where = f"{problem.where}: " if problem.where else ""
        warn(f"{where}{problem.message}", LscbWarning.REVIEW, (docname, problem.line or None))


def _long_date(value: Any) -> str:
    return day_text(value)


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the theme the page's owner and review dates (``lscb_review``)."""
    del templatename
    if doctree is None or pagename not in app.env.found_docs:
        context["lscb_review"] = None
        return
    review = page_review(app.env, pagename)
    context["lscb_review"] = (
        None
        if review is None
        else {
            "owner": review.owner,
            "reviewed": review.reviewed.isoformat(),
            "reviewed_text": _long_date(review.reviewed),
            "due": review.due.isoformat(),
            "due_text": _long_date(review.due),
        }
    )


def write_feed(app: Sphinx, exception: Exception | None) -> None:
    """Write ``pages.json``: every page, its address, owner, last review and next review."""
    if exception is not None or app.builder.format != "html":
        return
    env = app.env
    pages = []
    for docname in sorted(env.found_docs):
        review = page_review(env, docname)
        title = env.titles[docname].astext() if docname in env.titles else docname
        pages.append(
            {
                "page": docname,
                "url": app.builder.get_target_uri(docname),
                "title": title,
                "owner": review.owner if review else None,
                "reviewed": review.reviewed.isoformat() if review else None,
                "review_due": review.due.isoformat() if review else None,
            }
        )
    feed = {
        "description": "Every page of the site, who owns it, when it was last reviewed and "
        "when its next review is due. A page is overdue once its review_due date has passed.",
        "pages": pages,
    }
    out = Path(app.outdir) / FEED
    out.write_text(json.dumps(feed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def setup_reviews(app: Sphinx) -> None:
    app.connect("doctree-read", check_page)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", write_feed)
