# The theme of the site (conf/templates and conf/static of the repository) is copied in by the
# test, as templates/ and static/ beside this file.
from pathlib import Path

project = "Test board"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "lscb_kb"]
source_suffix = {".md": "markdown"}
bibtex_bibfiles = [str(Path(__file__).resolve().parent.parent / "data" / "references.bib")]
bibtex_reference_style = "author_year"
html_theme = "alabaster"
html_theme_options = {"show_relbars": True}
templates_path = ["templates"]
html_static_path = ["static"]
html_sidebars = {"**": ["about.html", "lscb-searchbox.html", "navigation.html"]}
