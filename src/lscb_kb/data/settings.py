"""The knowledge base's own settings, read from ``conf/lscb.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .problems import LscbError, Problem, display_path

SETTINGS_FILE = Path("conf") / "lscb.toml"


@dataclass(frozen=True)
class Settings:
    """Where things are and what the board is called."""

    root: Path
    board_name: str = "Local Safeguarding Children Board"
    board_short_name: str = "LSCB"
    current_year: str | None = None
    data_dir: str = "data"
    bibliography: str = "data/references.bib"

    @property
    def data_path(self) -> Path:
        return self.root / self.data_dir

    @property
    def bibliography_path(self) -> Path:
        return self.root / self.bibliography


def find_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder upwards that holds ``conf/lscb.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return here


def load_settings(root: Path) -> Settings:
    """Read ``conf/lscb.toml`` under *root*; a missing file gives the defaults."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return Settings(root=root)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        text = str(err)
        line = 1
        if "(at line " in text:
            try:
                line = int(text.split("(at line ")[1].split(",", maxsplit=1)[0])
            except ValueError:
                line = 1
        raise LscbError(
            [Problem(display_path(path), line, 0, "", f"not valid TOML: {text}", "config")]
        ) from None
    board = raw.get("board", {})
    years = raw.get("years", {})
    paths = raw.get("paths", {})
    return Settings(
        root=root,
        board_name=str(board.get("name", Settings.board_name)),
        board_short_name=str(board.get("short_name", Settings.board_short_name)),
        current_year=years.get("current"),
        data_dir=str(paths.get("data", Settings.data_dir)),
        bibliography=str(paths.get("bibliography", Settings.bibliography)),
    )
