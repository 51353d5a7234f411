"""What every page depends on besides its own source and data files, and what a build derives
from those files.

Sphinx reads a page again when its source, or a file it noted with ``env.note_dependency``
(the data files it shows), is newer than the page; it reads every page again when a value of
``conf.py`` that affects reading changes, and writes every page again when a value that affects
HTML changes. What every page also depends on, and no page names, is checked here:

* every file in ``conf/`` and in the configuration folder (settings, topics, rules, the
  allowlist, the personal data guard, the disclosure exceptions, templates, static files,
  schemas), except ``conf.py`` itself (Sphinx compares its values), compiled Python and hidden
  files (an editor's swap file, say);
* the files and folders the configuration names wherever they are: the topics list and the
  bibliography of ``conf/lscb.toml``, ``bibtex_bibfiles``, ``templates_path`` and
  ``html_static_path``;
* the glossary in ``data/``, whose terms are added to every page for search;
* which data files there are and which of them load: a page whose address named a file that
  was missing or invalid depends on no file, so it is not read again by Sphinx when the file
  appears or is mended;
* the values of ``conf.py`` that Sphinx leaves out of both comparisons (``nitpicky``,
  ``nitpick_ignore``, ...), which change the warnings of every page.

On ``env-get-outdated`` a digest of each is compared with the one stored in the environment by
the last build; when any differs, every page is read (and so written) again, as in a fresh
build. What the published view decides about a file's figures from other files (a cell hidden,
a figure worked out, a correction) is compared file by file, and only the pages that show a
file whose decisions changed are read again. The comparison is of contents, not modification
times: a file copied over with its old time, or edited twice within the clock's resolution, is
still a change.

What a build derives from those files (the catalogue, the topics, the allowlist, the glossary's
search forms, ...) is kept in a :class:`BuildContext`, made anew on ``builder-inited`` and held
by the environment as ``env.lscb_context``; it is never pickled with the environment, and no
module keeps any of it, so a second build in the same process (a test, a server) reads every
file again and sees nothing of the first.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sphinx.util import logging

from ..provenance import build_info
from ..published.view import published_view

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from ..core import Catalogue
    from ..core.policy import SafetyPolicy
    from ..core.topics import Topics

LOGGER = logging.getLogger(__name__)

CONTEXT = "lscb_context"
"""The environment attribute that holds this build's :class:`BuildContext`."""
DIGESTS = "lscb_dependencies"
"""The environment attribute that holds the digests of the last build's dependencies."""
DECIDED = "lscb_decided"
"""The environment attribute that holds, for each data file, the digest of what the last
build's published view decided about its figures across files."""

T = TypeVar("T")


class BuildContext:
    """What one build has read and derived from the project's files, read once per build.

    Pickled with the environment (and sent back by each process of a parallel read) as an
    empty context: nothing in it outlives the build that read it.
    """

    def __init__(self) -> None:
        self._catalogue: Catalogue | None = None
        self.topics: Topics | None = None
        """``conf/topics.yaml`` (see :func:`lscb_kb.sphinxext.topics.load_topics`)."""
        self.policy: SafetyPolicy | None = None
        """``conf/safety.toml`` (see :func:`lscb_kb.sphinxext.safety.get_policy`)."""
        self.derived: dict[str, Any] = {}
        """Anything else made from the files, by name (see :func:`derived`)."""
        self.finished_reading = False
        self.started = time.time()
        """When this build began (a preview checks the written files changed since)."""

    @property
    def catalogue(self) -> Catalogue | None:
        """The catalogue of ``data/`` and the settings of ``conf/lscb.toml``."""
        return self._catalogue

    @catalogue.setter
    def catalogue(self, catalogue: Catalogue | None) -> None:
        # Everything else is made from the catalogue or its settings: made again with it.
        self._catalogue = catalogue
        self.topics = None
        self.derived.clear()

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]


def build_context(env: BuildEnvironment) -> BuildContext:
    """This build's context (made here if no build has started one on this environment)."""
    context = getattr(env, CONTEXT, None)
    if not isinstance(context, BuildContext):
        context = BuildContext()
        setattr(env, CONTEXT, context)
    return context


def derived(env: BuildEnvironment, name: str, make: Callable[[], T]) -> T:
    """What *make* returns, made once per build (and again if the catalogue is reloaded)."""
    store = build_context(env).derived
    if name not in store:
        store[name] = make()
    value: T = store[name]
    return value


def start_build(app: Sphinx) -> None:
    """``builder-inited``, before any other handler of the extension: a new, empty context."""
    setattr(app.env, CONTEXT, BuildContext())
    # The commit and date the pages and downloads are stamped with: once per build, not once
    # per process (lscb_kb.provenance keeps them for the build's pages and downloads to agree).
    build_info.cache_clear()
    # Sphinx keeps the checksum of each static file (the ``?v=`` of every page's links to
    # them) for the life of the process, by its path in the output folder: a second build in
    # the same process into the same folder would link the first build's stylesheet.
    checksums = getattr(_sphinx_assets(), "_file_checksum_inner", None)
    if callable(getattr(checksums, "cache_clear", None)):
        checksums.cache_clear()  # type: ignore[union-attr]


def _sphinx_assets() -> Any:
    try:
        from sphinx.builders.html import _assets  # noqa: PLC0415 - private, so guarded
    except ImportError:
        return None
    return _assets


def _finished_reading(app: Sphinx, env: BuildEnvironment) -> None:
    build_context(env).finished_reading = True


# -- the digests -----------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return "missing"
    except OSError as err:  # unreadable: a change when it becomes readable
        return f"unreadable: {err.strerror}"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _skipped(path: Path, folder: Path) -> bool:
    """Files in a configuration folder that nothing reads: compiled Python, hidden files."""
    parts = path.relative_to(folder).parts
    return any(part.startswith(".") or part == "__pycache__" for part in parts) or (
        path.suffix == ".pyc"
    )


def _files_in(place: Path) -> Iterator[Path]:
    if place.is_file():
        yield place
    elif place.is_dir():
        for path in sorted(place.rglob("*")):
            if path.is_file() and not _skipped(path, place):
                yield path


def _config_paths(app: Sphinx, config: Config, name: str) -> list[Path]:
    """The paths a list-valued configuration value names, relative to the folder of conf.py."""
    values = getattr(config, name, None) or []
    if isinstance(values, str):
        values = [values]
    base = Path(app.confdir)
    return [(base / str(value)).resolve() for value in values]


def conf_files(app: Sphinx, catalogue: Catalogue) -> list[Path]:
    """Every configuration file the build reads outside ``docs/``, besides ``conf.py``."""
    settings = catalogue.settings
    confdir = Path(app.confdir).resolve()
    places = [
        settings.root / "conf",
        confdir,
        *_config_paths(app, app.config, "templates_path"),
        *_config_paths(app, app.config, "html_static_path"),
    ]
    found: dict[Path, None] = {}
    for place in places:
        for path in _files_in(place.resolve()):
            found[path] = None
    found.pop(confdir / "conf.py", None)
    srcdir = Path(app.srcdir)
    named = [
        settings.topics_path,
        settings.bibliography_path,
        *(srcdir / str(bib) for bib in getattr(app.config, "bibtex_bibfiles", None) or []),
    ]
    for path in named:
        found[path.resolve()] = None  # missing files too: their appearing is a change
    return list(found)


def _stable(value: Any) -> Any:
    """A configuration value as JSON that does not depend on the order of sets or on ids."""
    if isinstance(value, dict):
        return sorted([str(key), _stable(item)] for key, item in value.items())
    if isinstance(value, list | tuple):
        return [_stable(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_stable(item) for item in value), key=str)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    return f"{type(value).__module__}.{type(value).__qualname__}"  # by its type: ids differ


def unchecked_config(config: Config) -> str:
    """The ``conf.py`` values Sphinx compares for neither reading nor writing HTML."""
    values = {item.name: _stable(item.value) for item in config.filter(frozenset({""}))}
    return _digest(json.dumps(values, sort_keys=True).encode("utf-8"))


def data_layout(catalogue: Catalogue) -> str:
    """Which data files there are, and which of them loaded (not what they hold)."""
    layout = {
        "files": [_shown(path, catalogue.settings.root) for path in catalogue.files],
        "entries": sorted(
            [year or "", ident, _shown(entry.path, catalogue.settings.root)]
            for (year, ident), entry in catalogue.entries.items()
        ),
        "invalid": sorted([year or "", ident] for year, ident in catalogue.invalid),
    }
    return _digest(json.dumps(layout, sort_keys=True).encode("utf-8"))


def dependency_digests(app: Sphinx, env: BuildEnvironment) -> dict[str, str]:
    """A digest of each dependency of every page, by the name a message gives it."""
    from .shared import get_catalogue  # noqa: PLC0415 - shared imports this module

    catalogue = get_catalogue(env)
    root = catalogue.settings.root
    digests = {_shown(path, root): _file_digest(path) for path in conf_files(app, catalogue)}
    glossary = catalogue.glossary()
    if glossary is not None:
        digests[_shown(glossary.path, root)] = _file_digest(glossary.path)
    digests["the list of data files"] = data_layout(catalogue)
    digests["conf.py values that Sphinx does not compare"] = unchecked_config(app.config)
    return digests


def pages_decided_elsewhere(env: BuildEnvironment, old: Any, new: dict[str, str]) -> list[str]:
    """The pages that show a data file whose figures a change in another file decided anew.

    A page that shows file A changes when a change in file B hides one of A's cells, changes a
    figure that A works out from B's, or corrects one of A's figures; Sphinx reads it again
    only for a change to A. These are the pages that show a file whose digest of
    :meth:`~lscb_kb.published.view.PublishedView.decided_by_dataset` changed.
    """
    from .domain import LscbDomain  # noqa: PLC0415

    if not isinstance(old, dict):
        return sorted(env.found_docs)  # an environment from before: read every page
    domain = env.get_domain(LscbDomain.name)
    assert isinstance(domain, LscbDomain)
    pages: set[str] = set()
    for key in old.keys() | new.keys():
        if old.get(key) != new.get(key):
            year, _sep, ident = key.partition(":")
            pages.update(domain.pages_using(year or None, ident))
    return sorted(pages & env.found_docs)


def changed_names(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def outdated_by_dependencies(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> Iterable[str]:
    """``env-get-outdated``: every page, if anything every page depends on has changed."""
    context = build_context(env)
    if context.finished_reading:
        # A second build of the same application (``app.build()`` again): it reads afresh.
        setattr(env, CONTEXT, BuildContext())
    new = dependency_digests(app, env)
    old = getattr(env, DIGESTS, None)
    setattr(env, DIGESTS, new)  # pickled with the environment once the pages are read
    from .shared import get_catalogue  # noqa: PLC0415 - shared imports this module

    decided = published_view(get_catalogue(env)).decided_by_dataset()
    old_decided = getattr(env, DECIDED, None)
    setattr(env, DECIDED, decided)
    if not env.all_docs:  # a new environment: every page is new
        return []
    if old != new:
        if isinstance(old, dict):
            names = changed_names(old, new)
            more = f" and {len(names) - 5} more" if len(names) > 5 else ""
            LOGGER.info(
                "[%s%s changed: reading every page again] ", ", ".join(names[:5]), more, nonl=True
            )
        return sorted(env.found_docs)
    return pages_decided_elsewhere(env, old_decided, decided)


def setup_dependencies(app: Sphinx) -> None:
    app.connect("builder-inited", start_build, priority=1)
    app.connect("env-get-outdated", outdated_by_dependencies, priority=1)
    app.connect("env-updated", _finished_reading, priority=999)
