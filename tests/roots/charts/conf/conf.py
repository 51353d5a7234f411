from pathlib import Path

project = "Test board"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "lscb_kb"]
source_suffix = {".md": "markdown"}
bibtex_bibfiles = [str(Path(__file__).resolve().parent.parent / "data" / "references.bib")]
bibtex_reference_style = "author_year"
html_theme = "basic"
# The basic theme's search box shows itself with an inline script, which the site never publishes.
html_sidebars = {"**": ["localtoc.html", "relations.html"]}
lscb_require_topics = True
