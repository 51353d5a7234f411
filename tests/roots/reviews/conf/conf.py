# Built with the site's theme, "lscb" (src/lscb_kb/theme/, registered by the extension).
from pathlib import Path

project = "Test board"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "lscb_kb"]
source_suffix = {".md": "markdown"}
bibtex_bibfiles = [str(Path(__file__).resolve().parent.parent / "data" / "references.bib")]
bibtex_reference_style = "author_year"
html_theme = "lscb"
html_theme_options = {
    "service_name": "Test board",
    "licence": "Open Government Licence v3.0",
    "licence_url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
