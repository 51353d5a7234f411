"""The Sphinx extension: directives and roles that render the knowledge base's data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import __version__
from ..theme import setup_theme
from .charts import setup_charts
from .citations import setup_citations
from .config import setup_config
from .corrections import setup_corrections
from .dependencies import setup_dependencies
from .disclosure import setup_disclosure
from .discrepancies import setup_discrepancies
from .domain import setup_domain
from .downloads import setup_downloads
from .figure import setup_figure_role
from .glossary import setup_glossary
from .html import setup_html
from .preview import setup_preview
from .provenance import setup_provenance
from .register import setup_register
from .reviews import setup_reviews
from .safety import setup_safety
from .search import setup_search
from .shared import LscbWarning, load_catalogue, warn
from .table import setup_table
from .topics import setup_topics
from .years import setup_years

if TYPE_CHECKING:
    from sphinx.application import Sphinx

ENV_VERSION = 4
"""Bump when the shape of what the extension stores in the environment changes."""


def report_data_problems(app: Sphinx) -> None:
    """Load the catalogue once per build, and report every problem in data/ at its file:line."""
    catalogue = load_catalogue(app.env)
    for problem in catalogue.problems:
        where = f"{problem.where}: " if problem.where else ""
        warn(f"{where}{problem.message}", LscbWarning.DATA, problem.location)


def setup_extension(app: Sphinx) -> dict[str, Any]:
    """Set up every component of the extension, one ``setup_<component>`` per module."""
    setup_config(app)
    setup_preview(app)
    setup_dependencies(app)
    setup_domain(app)
    setup_table(app)
    setup_figure_role(app)
    setup_register(app)
    setup_html(app)
    setup_reviews(app)
    setup_search(app)
    setup_glossary(app)
    setup_disclosure(app)
    setup_safety(app)
    setup_discrepancies(app)
    setup_corrections(app)
    setup_years(app)
    setup_provenance(app)
    setup_charts(app)
    setup_downloads(app)
    setup_topics(app)
    setup_citations(app)
    setup_theme(app)
    app.connect("builder-inited", report_data_problems)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
