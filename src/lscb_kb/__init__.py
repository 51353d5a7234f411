"""A knowledge base for a Local Safeguarding Children Board, built with Sphinx.

The data layer (:mod:`lscb_kb.core`) has no Sphinx imports. The Sphinx
extension lives in :mod:`lscb_kb.sphinxext` and is imported only when Sphinx
calls :func:`setup`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the knowledge base's directives, roles and domain with Sphinx."""
    from .sphinxext import setup_extension  # noqa: PLC0415

    return setup_extension(app)
