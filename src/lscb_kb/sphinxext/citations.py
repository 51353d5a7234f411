"""Make sphinxcontrib-bibtex's look-ups of plugins cheap.

sphinxcontrib-bibtex asks pybtex for its plain-text backend once for every citation it
resolves, and pybtex answers by scanning the entry points of every installed distribution
(``importlib.metadata``): on the shipped site that was about a sixth of a full build. Each
build also looks up its styles the same way, about a dozen scans (a sixth of a build of a small
project). pybtex and sphinxcontrib-bibtex both look in the plugins registered at run time
first, so registering the same classes there, once in a process, through each library's own
``register_plugin``, turns each look-up into a dictionary access. Nothing else changes: the
classes are the ones the entry points name, and a style this does not know is still found
through the entry points.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

PYBTEX_PLUGINS = (
    ("pybtex.backends", "plaintext"),
    ("pybtex.backends", "docutils"),
    ("pybtex.database.input", "bibtex"),
    ("pybtex.style.names", "last"),  # the person style of sphinxcontrib-bibtex's references
)
"""The pybtex plugins every build uses, whatever its styles."""
STYLE_GROUPS = {
    "name": "pybtex.style.names",
    "label": "pybtex.style.labels",
    "sorting": "pybtex.style.sorting",
}
"""The plugins a formatting style names as its defaults (``default_name_style`` ...)."""


def _pin(
    store: dict[str, dict[str, Any]],
    find: Callable[[str, str], Any],
    register: Callable[..., Any],
    group: str,
    name: str,
) -> Any:
    """The plugin *group*/*name*, registered at run time if it is not yet."""
    if name not in store.get(group, {}):
        register(group, name, find(group, name), force=True)
    return store[group][name]


def pin_plugins(app: Sphinx, config: Config) -> None:
    """Register the plugins the citations use, so that finding them needs no scan."""
    if "sphinxcontrib.bibtex" not in app.extensions:
        return
    from pybtex import plugin as pybtex  # noqa: PLC0415
    from sphinxcontrib.bibtex import plugin as bibtex  # noqa: PLC0415

    def pin_pybtex(group: str, name: str) -> Any:
        return _pin(
            pybtex._RUNTIME_PLUGINS, pybtex.find_plugin, pybtex.register_plugin, group, name
        )

    for group, name in PYBTEX_PLUGINS:
        pin_pybtex(group, name)
    style = pin_pybtex("pybtex.style.formatting", str(config.bibtex_default_style))
    defaults = pybtex._DEFAULT_PLUGINS
    for kind, group in STYLE_GROUPS.items():
        pin_pybtex(group, getattr(style, f"default_{kind}_style", None) or defaults[group])
    for option in ("bibtex_reference_style", "bibtex_foot_reference_style"):
        _pin(
            bibtex._runtime_plugins,
            bibtex.find_plugin,
            bibtex.register_plugin,
            "sphinxcontrib.bibtex.style.referencing",
            str(config[option]),
        )


def leave_out_unshowable(app: Sphinx) -> None:
    """``builder-inited``, after sphinxcontrib-bibtex has read the bibliography: an entry the
    references can not show (a kind without a template, a missing field) would crash its
    formatting with a traceback. The catalogue reports it at its line; here it is left out, so
    a citation of it is an unknown key (a warning) and the build fails closed."""
    if "sphinxcontrib.bibtex" not in app.extensions:
        return
    from ..core.bibliography import unshowable_in  # noqa: PLC0415

    bibdata = app.env.get_domain("cite").bibdata  # type: ignore[attr-defined]
    for path in bibdata.bibfiles:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the catalogue reports an unreadable bibliography
        for key, _message in unshowable_in(text):
            bibdata.data.entries.pop(key, None)
            for bibfile in bibdata.bibfiles.values():
                bibfile.keys.pop(key, None)


def setup_citations(app: Sphinx) -> None:
    app.connect("config-inited", pin_plugins)
    app.connect("builder-inited", leave_out_unshowable, priority=900)
