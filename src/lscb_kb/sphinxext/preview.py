"""Preview builds (``lscb-kb serve``): what is wrong is shown on the page, and fast.

With ``lscb_preview = True`` (set by :mod:`lscb_kb.preview`, never in a published build):

* a directive that can not show its data shows, where the data would have been, a box that
  says why, instead of nothing (published builds fail on the warning instead, with ``-W``);
* every page loads ``lscb-preview.js``, which shows the build's problems at the top of the page,
  each at its ``file:line``, those of the page's own source first, and reloads the page when the
  next build is done (the preview server answers ``/_preview/problems``);
* the checks of the written site read only what this build wrote, unless the last preview
  build found a problem in it (then everything, until it passes): a change to one data file
  rewrites a few pages, and the preview shows them in about a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .dependencies import build_context

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from ..checks.site import Selection
    from ..core.problems import Problem

STATIC = Path(__file__).parent / "static"
FLAGGED = "lscb-preview-site-problems"
"""A file in the doctree folder: the last preview build's site checks found a problem."""


def in_preview(app_or_config: Any) -> bool:
    config = getattr(app_or_config, "config", app_or_config)
    return bool(getattr(config, "lscb_preview", False))


def problem_box(message: str, location: str | None) -> nodes.container:
    """What a preview shows where a directive could not show its data."""
    box = nodes.container(classes=["lscb-problem"])
    box += nodes.paragraph("", "", nodes.strong("", "Not shown here: a problem to fix."))
    text = f"{location}: {message}" if location else message
    box += nodes.paragraph("", "", nodes.literal(text, text))
    return box


def _add_static(app: Sphinx, config: Config) -> None:
    if in_preview(config):
        config.html_static_path = [*config.html_static_path, str(STATIC)]


def _started(app: Sphinx) -> None:
    if in_preview(app) and app.builder.format == "html":
        app.add_js_file("lscb-preview.js", loading_method="defer")
        app.add_css_file("lscb-preview.css")


def _page_source(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if not in_preview(app) or pagename not in app.env.found_docs:
        return
    source = Path(app.env.doc2path(pagename)).resolve()
    root = Path(app.config.lscb_root)
    try:
        shown = source.relative_to(root).as_posix()
    except ValueError:
        shown = source.as_posix()
    context["metatags"] = (
        context.get("metatags", "") + f'\n<meta name="lscb:source" content="{shown}">'
    )


def checked_files(app: Sphinx) -> Selection | None:
    """Which written files the site checks read: all, but in a preview only this build's."""
    if not in_preview(app):
        return None
    flagged = Path(app.doctreedir) / FLAGGED
    if flagged.exists():
        return None  # the last preview found a problem: check everything until it passes
    started = build_context(app.env).started
    return lambda path: path.stat().st_mtime >= started - 0.01


def note_flagged(app: Sphinx, problems: Sequence[Problem]) -> None:
    """Remember, for the next preview build, whether the site checks found anything."""
    if not in_preview(app):
        return
    flagged = Path(app.doctreedir) / FLAGGED
    if problems:
        flagged.write_text(f"{len(problems)}\n", encoding="utf-8")
    else:
        flagged.unlink(missing_ok=True)


def setup_preview(app: Sphinx) -> None:
    # Set by the preview server; changing it re-reads every page (boxes are in the doctrees).
    app.add_config_value("lscb_preview", False, "env", types=frozenset({bool}))
    app.connect("config-inited", _add_static)
    app.connect("builder-inited", _started, priority=100)
    app.connect("html-page-context", _page_source)
