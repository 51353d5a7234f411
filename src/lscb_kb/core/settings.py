"""The knowledge base's own settings, read from ``conf/lscb.toml``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problems import Problem, display_path
from .tomlfile import read_toml

SETTINGS_FILE = Path("conf") / "lscb.toml"

CHILD_TOPICS = (
    "allegations",
    "child-deaths",
    "child-protection",
    "looked-after-children",
    "private-fostering",
    "serious-case-reviews",
)
"""Topics whose files of counts must say whether they are about individual children."""


@dataclass(frozen=True)
class Limits:
    """How big a file the loader reads: past these, a file is refused with a located problem.

    Each is far above what the shipped data needs (its largest file, ``data/glossary.yaml``,
    is about 20 KB with 651 values, nested 5 levels, its longest text 440 characters), and low
    enough that a file made to exhaust the build is refused before it costs time or memory.
    Set in ``[limits]`` of ``conf/lscb.toml``.
    """

    max_file_bytes: int = 1_048_576
    """The size of one data file, or of one page read for its front matter (1 MiB)."""
    max_depth: int = 20
    """How deep mappings and lists may be nested in one file."""
    max_string_chars: int = 20_000
    """The length of one text value (or key)."""
    max_values: int = 100_000
    """The number of values in one file, counting each use of an alias (``*name``) again."""

    def describe(self, name: str) -> str:
        """How a problem names a limit: ``[limits] max_depth in conf/lscb.toml``."""
        return f"[limits] {name} in {SETTINGS_FILE.as_posix()}"


MAINTAINERS_PAGES = "develop"
"""The folder of ``docs/`` that documents the software for its maintainers (architecture,
security, benchmarks). Its numbers are settings, measurements and counts of tests, not figures
of the report, so its pages are not audited; and it is not in the site's navigation or search,
which are for practitioners."""


LIMIT_NAMES = ("max_file_bytes", "max_depth", "max_string_chars", "max_values")
MAX_DEPTH_CEILING = 100
"""The most ``max_depth`` may be set to."""


@dataclass(frozen=True)
class Settings:
    """Where things are and what the board is called."""

    root: Path
    board_name: str = "Local Safeguarding Children Board"
    board_short_name: str = "LSCB"
    current_year: str | None = None
    data_dir: str = "data"
    bibliography: str = "data/references.bib"
    disclosure_threshold: int = 4
    disclosure_symbol: str = "[c]"
    disclosure_page: str = "data/disclosure"
    child_topics: tuple[str, ...] = CHILD_TOPICS
    problems: tuple[Problem, ...] = ()
    """Mistakes in the settings that did not stop them being read (defaults used instead)."""
    licence: str = "Open Government Licence v3.0"
    licence_url: str = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    repository: str = ""
    branch: str = "main"
    content_security_policy: str = ""
    topics_file: str = "conf/topics.yaml"
    limits: Limits = Limits()
    reviews_required: bool = False
    """``[reviews] required``: every page must name its owner, last review and next review."""
    review_due_within_days: int = 30
    """``[reviews] due_within_days``: a review this many days away counts as due."""

    @property
    def topics_path(self) -> Path:
        return self.root / self.topics_file

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
    raw, _text = read_toml(path)
    disclosure, problems = _disclosure(path, raw.get("disclosure", {}))
    limits, limit_problems = read_limits(path, raw.get("limits", {}))
    reviews, review_problems = _reviews(path, raw.get("reviews", {}))
    board = raw.get("board", {})
    years = raw.get("years", {})
    paths = raw.get("paths", {})
    publication = raw.get("publication", {})
    return Settings(
        root=root,
        board_name=str(board.get("name", Settings.board_name)),
        board_short_name=str(board.get("short_name", Settings.board_short_name)),
        current_year=years.get("current"),
        data_dir=str(paths.get("data", Settings.data_dir)),
        bibliography=str(paths.get("bibliography", Settings.bibliography)),
        licence=str(publication.get("licence", Settings.licence)),
        licence_url=str(publication.get("licence_url", Settings.licence_url)),
        repository=str(publication.get("repository", Settings.repository)).rstrip("/"),
        branch=str(publication.get("branch", Settings.branch)),
        content_security_policy=str(
            publication.get("content_security_policy", Settings.content_security_policy)
        ),
        topics_file=str(paths.get("topics", Settings.topics_file)),
        problems=(*problems, *limit_problems, *review_problems),
        limits=limits,
        **disclosure,
        **reviews,
    )


def _section_problems(path: Path, section: str) -> tuple[list[Problem], Callable[[str, str], None]]:
    """A list of problems with one ``[section]`` of a TOML file, and the function that adds
    one at the line of its key."""
    shown = display_path(path)
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        line = _line_of(path, key, section=section)
        problems.append(Problem(shown, line, 0, f"{section}.{key}", message, "config"))

    return problems, bad


def _reviews(path: Path, table: object) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The ``[reviews]`` table; a wrong value is a problem, and the default is used meanwhile."""
    problems, bad = _section_problems(path, "reviews")
    if not isinstance(table, dict):
        bad("", "must be a table of settings, such as 'required = true'")
        return {}, tuple(problems)
    out: dict[str, Any] = {}
    required = table.get("required", Settings.reviews_required)
    if not isinstance(required, bool):
        bad("required", f"must be true or false, got {required!r}")
    else:
        out["reviews_required"] = required
    within = table.get("due_within_days", Settings.review_due_within_days)
    if isinstance(within, bool) or not isinstance(within, int) or within < 0:
        bad("due_within_days", f"must be a whole number of days, at least 0, got {within!r}")
    else:
        out["review_due_within_days"] = within
    return out, tuple(problems)


def _disclosure(path: Path, table: object) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The ``[disclosure]`` table: threshold, symbol, policy page and child topics.

    A wrong value is a problem, and the default (which protects children) is used meanwhile,
    so that the rest of the project is still checked.
    """
    problems, bad = _section_problems(path, "disclosure")
    if not isinstance(table, dict):
        bad("", "must be a table of settings, such as 'threshold = 4'")
        return {}, tuple(problems)
    out: dict[str, Any] = {}
    threshold = table.get("threshold", Settings.disclosure_threshold)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        bad("threshold", f"must be a whole number of at least 1, got {threshold!r}")
    else:
        out["disclosure_threshold"] = threshold
    symbol = table.get("symbol", Settings.disclosure_symbol)
    if not isinstance(symbol, str) or not symbol.strip() or any(ch.isdigit() for ch in symbol):
        bad("symbol", f"must be text without digits, such as '[c]', got {symbol!r}")
    else:
        out["disclosure_symbol"] = symbol.strip()
    page = table.get("policy_page", Settings.disclosure_page)
    if not isinstance(page, str) or not page.strip():
        bad("policy_page", f"must name a page, such as 'data/disclosure', got {page!r}")
    else:
        out["disclosure_page"] = page.strip().removesuffix(".md")
    topics = table.get("child_topics", list(CHILD_TOPICS))
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        bad("child_topics", f"must be a list of topic keys, got {topics!r}")
    else:
        out["child_topics"] = tuple(topics)
    return out, tuple(problems)


def read_limits(path: Path, table: object) -> tuple[Limits, tuple[Problem, ...]]:
    """The ``[limits]`` table; a wrong value is a problem, and the default is used meanwhile."""
    shown = display_path(path)
    if not isinstance(table, dict):
        line = _line_of(path, "", section="limits")
        return Limits(), (
            Problem(shown, line, 0, "limits", "must be a table such as 'max_depth = 20'", "config"),
        )
    problems: list[Problem] = []
    values: dict[str, int] = {}
    for key, value in table.items():
        line = _line_of(path, key, section="limits")
        if key not in LIMIT_NAMES:
            problems.append(
                Problem(
                    shown,
                    line,
                    0,
                    f"limits.{key}",
                    f"is not a limit; the limits are {', '.join(LIMIT_NAMES)}",
                    "config",
                )
            )
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(
                Problem(
                    shown,
                    line,
                    0,
                    f"limits.{key}",
                    f"must be a whole number of at least 1, got {value!r}",
                    "config",
                )
            )
        elif key == "max_depth" and value > MAX_DEPTH_CEILING:
            problems.append(
                Problem(
                    shown,
                    line,
                    0,
                    f"limits.{key}",
                    f"must be at most {MAX_DEPTH_CEILING} (the values are built level by "
                    f"level), got {value}",
                    "config",
                )
            )
        else:
            values[key] = value
    return Limits(**values), tuple(problems)


def _line_of(path: Path, key: str, section: str) -> int:
    """The line of *key* in ``[section]`` of a TOML file (the section's line if not found)."""
    found = 1
    inside = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if text.startswith("["):
            inside = text == f"[{section}]"
            if inside:
                found = number
            continue
        if inside and key and text.split("=")[0].strip() == key:
            return number
    return found
