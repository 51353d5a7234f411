"""Content safety in the build: a property of the pipeline, not a scan beside it.

Each layer reports a warning of type ``lscb.safety`` at the file and line it came from (so
``-W`` fails the build) and removes what it refuses, so that even a build without ``-W``
publishes none of it:

1. ``config-inited``: the MyST syntax extensions switched on are a subset of the allowlist
   (``conf/safety.toml``); pages are Markdown only.
2. The parser (:mod:`.parser`): directives, options, roles, substitutions and front matter
   are held to the allowlist as each page is parsed, before anything they name runs.
3. ``source-read``: a page that is a link to a file outside ``docs/`` is not read; hidden
   characters (bidi controls, zero-width characters) are refused and removed.
4. Files read while a page is parsed (``include``, ``literalinclude``, ``csv-table :file:``)
   must lie inside ``docs/`` or ``data/`` once every symbolic link is followed.
5. ``doctree-read``, before Sphinx collects images and downloads: every image, figure and
   download names a file inside ``docs/`` or ``data/`` (resolved), or it is removed and never
   copied. (Raw HTML written on a page never becomes a node: the parser refuses it.)
6. ``doctree-resolved``, after every transform of every extension (sphinxcontrib-bibtex adds
   its links there): every address on the page is held to the link policy.
7. ``build-finished``: the written site is checked again as a backstop
   (:mod:`lscb_kb.checks.site`): links, scripts, event handlers, frames, forms; and the personal
   data guard reads what is published (pages, downloads, charts), reported where it was typed
   (``lscb.personal``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx import addnodes
from sphinx.directives.code import LiteralInclude

from ..checks.safety import (
    PageScope,
    outside_message,
    remote_message,
)
from ..core.hygiene import HIDDEN, hidden_character_problems
from ..core.policy import SafetyPolicy, load_policy
from ..core.problems import LscbError
from .dependencies import build_context
from .shared import LscbWarning, get_catalogue, project_root, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

URL_ATTRIBUTES = ("refuri", "uri", "reftarget", "link", "url", "href", "src")
"""Node attributes that hold an address a reader's browser would follow or load."""


def get_policy(env: BuildEnvironment) -> SafetyPolicy:
    """The allowlist of this build's project (``conf/safety.toml``), read once per build."""
    context = build_context(env)
    if context.policy is None:
        context.policy = _load(project_root(env))
    return context.policy


def _load(root: Path) -> SafetyPolicy:
    try:
        return load_policy(root)
    except LscbError as err:
        for problem in err.problems:
            warn(problem.message, LscbWarning.SAFETY, problem.location)
        # Fail closed: with no allowlist, nothing is allowed.
        return SafetyPolicy(schemes=frozenset())


def scope(env: BuildEnvironment) -> PageScope:
    """The folders pages may use files from: the pages' own and the data folder."""
    settings = get_catalogue(env).settings
    docs = Path(env.srcdir)
    return PageScope(docs=docs, allowed=(docs, project_root(env) / settings.data_dir))


def check_config(app: Sphinx, config: Config) -> None:
    """The MyST extensions and source suffixes of ``conf/conf.py`` against the allowlist."""
    policy = _load(Path(config.lscb_root))
    enabled = list(getattr(config, "myst_enable_extensions", []) or [])
    refused = sorted(set(enabled) - policy.myst_extensions)
    for name in refused:
        warn(
            f"conf/conf.py switches on the MyST extension '{name}', which {policy.file} does "
            f"not allow (allowed: {', '.join(sorted(policy.myst_extensions))}); it is left off",
            LscbWarning.SAFETY,
            _conf_line(app, "myst_enable_extensions"),
        )
    if refused:
        config.myst_enable_extensions = [name for name in enabled if name not in refused]
    suffixes = config.source_suffix
    kinds = set(suffixes.values()) if isinstance(suffixes, dict) else set()
    if kinds - {"markdown"}:
        warn(
            "conf/conf.py reads pages other than Markdown (source_suffix); only MyST Markdown "
            "pages are held to the allowlist",
            LscbWarning.SAFETY,
            _conf_line(app, "source_suffix"),
        )
        config.source_suffix = {s: k for s, k in suffixes.items() if k == "markdown"}


def _conf_line(app: Sphinx, name: str) -> str | None:
    """Where ``conf/conf.py`` sets *name*: ``conf/conf.py:LINE``, for a located warning."""
    path = Path(app.confdir) / "conf.py"
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(name):
            return f"{path}:{number}"
    return str(path)


def check_encoding(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: a page that is not UTF-8 text is reported, and not read."""
    for docname in list(docnames):
        try:
            Path(env.doc2path(docname)).read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            warn(
                f"is not UTF-8 text ({err.reason} at byte {err.start}); save the page as UTF-8",
                LscbWarning.SAFETY,
                (docname, 1),
            )
            docnames.remove(docname)
            env.found_docs.discard(docname)
        except OSError:
            continue


def load_policy_for_build(app: Sphinx) -> None:
    """``builder-inited``: read the allowlist for this build, reporting its problems once."""
    get_policy(app.env)


def check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: the page is a file inside docs/, with no hidden characters."""
    env = app.env
    path = Path(env.doc2path(docname))
    if not PageScope(Path(env.srcdir), (Path(env.srcdir),)).permits(path):
        warn(
            "this page is a link to a file outside docs/; a page must be a file in docs/",
            LscbWarning.SAFETY,
            (docname, 1),
        )
        source[0] = ""
        return
    text = source[0]
    found = hidden_character_problems(text, str(docname))
    for problem in found:
        warn(
            f"column {problem.column}: {problem.message}",
            LscbWarning.SAFETY,
            (docname, problem.line),
        )
    if found:
        source[0] = "".join(char for char in text if char not in HIDDEN)


def _location(node: nodes.Node, docname: str) -> Any:
    """Where a node came from: its own line, or its nearest ancestor's."""
    current: nodes.Node | None = node
    while current is not None:
        if current.line:
            source = current.source
            return current if source else (docname, current.line)
        current = current.parent
    return docname


def check_files(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``, before images and downloads are collected: files only from docs/
    and data/, and no raw HTML."""
    env = app.env
    docname = env.docname
    policy = get_policy(env)
    allowed = scope(env)
    for image in list(doctree.findall(nodes.image)):
        uri = str(image.get("uri", ""))
        message = None
        if not policy.url_allowed(uri):
            message = policy.url_message(uri)
        elif "://" in uri or uri.startswith("//"):
            message = remote_message("image", uri)
        else:
            _rel, full = env.relfn2path(uri.replace("*", "x"), docname)
            if not allowed.permits(Path(full)):
                message = outside_message("image", uri)
        if message:
            warn(message, LscbWarning.SAFETY, _location(image, docname))
            removed: nodes.Element = image
            if isinstance(image.parent, nodes.reference) and len(image.parent.children) == 1:
                removed = image.parent  # an image that links to itself goes with its link
            removed.parent.remove(removed)
    for toctree in doctree.findall(addnodes.toctree):
        kept: list[tuple[str | None, str]] = []
        entries: list[tuple[str | None, str]] = toctree.get("entries", [])
        for title, ref in entries:
            if (
                ref
                and ("://" in ref or ":" in ref.split("/", 1)[0])
                and not policy.url_allowed(ref)
            ):
                warn(policy.url_message(ref), LscbWarning.SAFETY, _entry_line(env, toctree, ref))
                continue
            kept.append((title, ref))
        toctree["entries"] = kept
    for download in list(doctree.findall(addnodes.download_reference)):
        target = str(download.get("reftarget", ""))
        if "://" in target:
            continue  # an address, not a file: the link policy checks it
        _rel, full = env.relfn2path(target, docname)
        if not allowed.permits(Path(full)):
            warn(
                outside_message("download", target),
                LscbWarning.SAFETY,
                _location(download, docname),
            )
            download.replace_self(nodes.inline(download.astext(), download.astext()))


def _entry_line(env: BuildEnvironment, toctree: nodes.Element, ref: str) -> Any:
    """The line of the page where a contents entry naming *ref* is written."""
    docname = env.docname
    first = toctree.line or 1
    try:
        lines = Path(env.doc2path(docname)).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return (docname, first)
    for number in range(first, len(lines) + 1):
        if ref in lines[number - 1]:
            return (docname, number)
    return (docname, first)


def check_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``, after every extension: every address on the page obeys the link
    policy; anything else is reported and made inert."""
    policy = get_policy(app.env)
    for node in list(doctree.findall(nodes.Element)):
        for attribute in URL_ATTRIBUTES:
            value = node.get(attribute)
            if not isinstance(value, str) or not value or policy.url_allowed(value):
                continue
            if isinstance(node, addnodes.download_reference) and attribute == "reftarget":
                continue  # a file of the site, checked on doctree-read
            warn(
                policy.url_message(value),
                LscbWarning.SAFETY,
                _link_location(app, node, docname, value),
            )
            del node[attribute]
            if isinstance(node, nodes.image) and node.parent is not None:
                node.parent.remove(node)
            elif isinstance(node, nodes.reference) and node.parent is not None:
                node.replace_self(nodes.inline(node.astext(), node.astext()))
        candidates = node.get("candidates")
        if isinstance(candidates, dict):
            for key, value in list(candidates.items()):
                if isinstance(value, str) and "://" in value and not policy.url_allowed(value):
                    del candidates[key]


def _link_location(app: Sphinx, node: nodes.Node, docname: str, url: str) -> Any:
    """The line a refused address was written on: the bibliography's, when it came from
    there; otherwise the page's."""
    settings = get_catalogue(app.env).settings
    bib = project_root(app.env) / settings.bibliography
    try:
        lines = bib.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        lines = []
    for number, line in enumerate(lines, start=1):
        if url in line:
            return f"{bib}:{number}"
    return _location(node, docname)


def check_include(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    """``include-read``: refuse the text of a file from outside docs/ and data/."""
    env = app.env
    path = Path(env.srcdir) / relative_path
    if scope(env).permits(path):
        return
    content[0] = ""
    docname = env.docname or parent_docname
    warn(outside_message("include", str(relative_path)), LscbWarning.SAFETY, docname)


class SafeLiteralInclude(LiteralInclude):
    """``literalinclude`` that reads only files in docs/ and data/."""

    def run(self) -> list[nodes.Node]:
        _rel, path = self.env.relfn2path(self.arguments[0])
        if not scope(self.env).permits(Path(path)):
            warn(
                outside_message("literalinclude", self.arguments[0]),
                LscbWarning.SAFETY,
                self.get_location(),
            )
            return []
        return super().run()


class SafeCSVTable(CSVTable):
    """``csv-table`` whose ``:file:`` is in docs/ or data/ and which reads no web address."""

    def run(self) -> Sequence[nodes.table | nodes.system_message]:
        env = self.state.document.settings.env
        location = (env.docname, self.lineno)
        if "url" in self.options:
            warn("'csv-table' may not read a web address", LscbWarning.SAFETY, location)
            return []
        if "file" in self.options:
            source_dir = Path(self.state.document.current_source or env.srcdir).parent
            path = source_dir / self.options["file"]
            if not scope(env).permits(path):
                warn(
                    outside_message("csv-table :file:", self.options["file"]),
                    LscbWarning.SAFETY,
                    location,
                )
                return []
        return super().run()


def check_written_site(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the written HTML, checked again (links, scripts, frames)."""
    if exception is not None or app.builder.format != "html":
        return
    from ..checks.site import check_html_files, personal_data_problems  # noqa: PLC0415
    from .preview import checked_files, note_flagged  # noqa: PLC0415

    policy = get_policy(app.env)
    site, docs = Path(app.outdir), Path(app.srcdir)
    only = checked_files(app)  # every file, but in a preview: what this build wrote
    texts: dict[Path, str] = {}  # each page read once, for both checks
    found = check_html_files(site, policy, docs, texts, only)
    for problem in found:
        where = f"{problem.where}: " if problem.where else ""
        warn(f"{where}{problem.message}", LscbWarning.SAFETY, problem.location)
    personal = personal_data_problems(site, project_root(app.env), docs, texts, only)
    for problem in personal:
        warn(f"{problem.where}: {problem.message}", LscbWarning.PERSONAL, problem.location)
    note_flagged(app, [*found, *personal])


def setup_safety(app: Sphinx) -> None:
    from .parser import setup_parser  # noqa: PLC0415

    setup_parser(app)
    app.connect("config-inited", check_config, priority=900)
    app.connect("builder-inited", load_policy_for_build)
    app.connect("env-before-read-docs", check_encoding)
    app.connect("source-read", check_source, priority=100)
    app.connect("include-read", check_include)
    app.connect("doctree-read", check_files, priority=100)
    app.connect("doctree-resolved", check_links, priority=900)
    app.connect("build-finished", check_written_site, priority=900)
    app.add_directive("literalinclude", SafeLiteralInclude, override=True)
    app.add_directive("csv-table", SafeCSVTable, override=True)
