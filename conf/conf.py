"""Sphinx configuration. Build with ``sphinx-build -c conf docs build/html`` (``nox -s build``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = tomllib.loads((ROOT / "conf" / "lscb.toml").read_text(encoding="utf-8"))

project = SETTINGS["board"]["name"]
author = SETTINGS["board"]["name"]
copyright = f"2010, {author}"
language = "en"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "lscb_kb",
]

# The project folder, which holds data/ and conf/lscb.toml.
lscb_root = ".."
# Every page names its topics in front matter, from conf/topics.yaml.
lscb_require_topics = True

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
# The site's icon, so that no browser asks for a /favicon.ico that is not there.
html_favicon = str(ROOT / "conf" / "static" / "favicon.svg")

# MyST: no raw HTML, and only the syntax extensions the pages need.
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "substitution"]
myst_heading_anchors = 3
myst_substitutions = {
    "board": SETTINGS["board"]["short_name"],
    # The disclosure threshold, so that docs/data/disclosure.md states the one in force.
    "threshold": str(SETTINGS.get("disclosure", {}).get("threshold", 4)),
    "symbol": str(SETTINGS.get("disclosure", {}).get("symbol", "[c]")),
}

# Citations: every table and finding names its source from data/references.bib.
bibtex_bibfiles = [str(ROOT / "data" / "references.bib")]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# Theme: the site's own, "lscb" (src/lscb_kb/theme/, registered by the extension), built on
# GOV.UK Frontend as a service outside GOV.UK uses it: the board's name and a search box in the
# header of every page, the report's sections as the service navigation, no crown and no
# GOV.UK font. Light pages for slow networks, readable on a phone and at 400% zoom.
html_theme = "lscb"
html_title = SETTINGS["board"]["short_name"] + " knowledge base"
html_theme_options = {
    "service_name": SETTINGS["board"]["name"],
    "short_name": SETTINGS["board"]["short_name"],
    "licence": SETTINGS["publication"]["licence"],
    "licence_url": SETTINGS["publication"]["licence_url"],
}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = "%d %B %Y"

nitpicky = True
suppress_warnings: list[str] = []
