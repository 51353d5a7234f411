from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

project = "Test board"
extensions = ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex", "lscb_kb"]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "substitution"]
myst_substitutions = {"board": "Test LSCB", "threshold": "4", "symbol": "[c]"}
bibtex_bibfiles = [str(ROOT / "data" / "references.bib")]
bibtex_reference_style = "author_year"
html_theme = "basic"
# The basic theme's search box shows itself with an inline script, which the site never publishes.
html_sidebars = {"**": ["localtoc.html", "relations.html"]}
# As in the site's own conf/conf.py: the pages' sources are not published.
html_copy_source = False
html_show_sourcelink = False
