"""Make sphinxcontrib-bibtex's look-ups of pybtex plugins cheap.

sphinxcontrib-bibtex asks pybtex for its plain-text backend once for every citation it
resolves, and pybtex answers by scanning the entry points of every installed distribution
(``importlib.metadata``): on the shipped site that was about a sixth of a full build. pybtex
looks in the plugins registered at run time first, so registering the same classes there, once,
through pybtex's own :func:`~pybtex.plugin.register_plugin`, turns each look-up into a
dictionary access. Nothing else changes: the classes are the ones the entry points name.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

PLUGINS = (
    ("pybtex.backends", "plaintext"),
    ("pybtex.backends", "docutils"),
)


def pin_plugins(app: Sphinx, config: Config) -> None:
    """Register the pybtex plugins the citations use, so that finding them needs no scan."""
    if "sphinxcontrib.bibtex" not in app.extensions:
        return
    from pybtex.plugin import find_plugin, register_plugin  # noqa: PLC0415

    wanted = [*PLUGINS, ("pybtex.style.formatting", str(config.bibtex_default_style))]
    for group, name in wanted:
        register_plugin(group, name, find_plugin(group, name), force=True)


def setup_citations(app: Sphinx) -> None:
    app.connect("config-inited", pin_plugins)
