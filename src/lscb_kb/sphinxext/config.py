"""The extension's configuration values."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def _resolve_root(app: Sphinx, config: Config) -> None:
    """Make ``lscb_root`` absolute: relative to the configuration folder, default its parent."""
    confdir = Path(app.confdir).resolve()
    configured = config.lscb_root
    root = (confdir / configured).resolve() if configured else confdir.parent
    config.lscb_root = str(root)


def setup_config(app: Sphinx) -> None:
    # The project folder that holds data/ and conf/lscb.toml; default: the folder above conf/.
    app.add_config_value("lscb_root", "", "env", types=frozenset({str}))
    app.connect("config-inited", _resolve_root)
