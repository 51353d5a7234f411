"""Content safety in the build: refuse raw HTML, unsafe links and file insertions, at file:line.

Three layers, each reporting a warning of type ``lscb.safety`` (so ``-W`` fails the build):

1. ``source-read``: each page is scanned with :func:`lscb_kb.data.safety.scan_page`, the same
   scan ``lscb-kb check`` runs, so both report the same problems at the same lines. Front
   matter that would change a MyST setting is blanked out before MyST reads it, so a page can
   not switch raw HTML back on even in a build without ``-W``.
2. :class:`SafetyTransform`, on the parsed page: any ``raw`` node written by an author (an HTML
   block, inline HTML, a ``raw`` directive, also from ``eval-rst``) and any link or image to a
   ``javascript:``, ``vbscript:`` or ``data:`` address is reported at its node's location and
   removed from the page.
3. ``include``, ``literalinclude`` and ``csv-table :file:`` refuse files outside ``docs/`` and
   ``data/`` before reading them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx.directives.code import LiteralInclude
from sphinx.transforms import SphinxTransform

from ..data.safety import RAW_HTML, PageScope, dangerous_url, only_a_comment, scan_page
from .shared import LscbWarning, get_catalogue, project_root, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_MYST_RAW = {"<br />\n", "\\\\\n", "<s>", "</s>"}
"""Raw nodes that MyST itself makes (line breaks, strikethrough); no author wrote them."""

_REPORTED: dict[str, set[int]] = {}
"""Lines of each page already reported by the scan, so the transform does not repeat them."""

_INCLUDES_REPORTED: set[str] = set()
"""Pages whose scan reported an ``include`` from outside docs/ and data/."""


def scope(env: BuildEnvironment) -> PageScope:
    """The folders pages may insert files from: the pages' own and the data folder."""
    settings = get_catalogue(env).settings
    docs = Path(env.srcdir)
    return PageScope(docs=docs, allowed=(docs, project_root(env) / settings.data_dir))


def _blank_front_matter(text: str) -> str:
    """The page with its front matter's lines replaced by YAML comments (same line count)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            lines[1:end] = ["{}"] + ["#"] * (end - 2) if end > 1 else []
            return "\n".join(lines)
    return text


def scan_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Scan a page as it is read; report each problem at the page's line."""
    env = app.env
    path = Path(env.doc2path(docname))
    problems = scan_page(source[0], str(path), path, scope(env))
    _REPORTED[docname] = set()
    _INCLUDES_REPORTED.discard(docname)
    front = False
    for problem in problems:
        _REPORTED[docname].add(problem.line)
        if problem.message.startswith("'include'"):
            _INCLUDES_REPORTED.add(docname)
        warn(problem.message, LscbWarning.SAFETY, (docname, problem.line))
        front = front or problem.message.startswith("front matter")
    if front:
        source[0] = _blank_front_matter(source[0])


def _reported(docname: str, first: int, count: int) -> bool:
    """Whether the scan of *docname* reported a problem on lines first .. first + count."""
    return any(first <= line <= first + count for line in _REPORTED.get(docname, ()))


def _author_raw(node: nodes.raw) -> bool:
    return node.line is not None or node.astext() not in _MYST_RAW


class SafetyTransform(SphinxTransform):
    """Remove raw HTML and unsafe links from the parsed page, reporting each at its location."""

    default_priority = 100

    def apply(self, **kwargs: Any) -> None:
        docname = self.env.docname
        seen = _REPORTED.get(docname, set())

        def report(message: str, node: nodes.Node) -> None:
            line = node.line or (node.parent.line if node.parent is not None else None)
            source = node.source or self.document.get("source")
            if str(source) == str(self.env.doc2path(docname)) and line in seen:
                return  # the scan of the page reported it at this line already
            warn(message, LscbWarning.SAFETY, node)

        for raw in list(self.document.findall(nodes.raw)):
            if only_a_comment(raw.astext()):
                raw.parent.remove(raw)  # an HTML comment: harmless, and not needed on the page
            elif _author_raw(raw):
                report(RAW_HTML, raw)
                raw.parent.remove(raw)
        for ref in list(self.document.findall(nodes.reference)):
            if dangerous_url(str(ref.get("refuri", ""))):
                report(f"a link to '{ref['refuri'][:30]}' is not allowed", ref)
                ref.replace_self(nodes.Text(ref.astext()))
        for image in list(self.document.findall(nodes.image)):
            if dangerous_url(str(image.get("uri", ""))):
                report("an image from a 'data:' or script address is not allowed", image)
                image.parent.remove(image)
        for target in list(self.document.findall(nodes.target)):
            if dangerous_url(str(target.get("refuri", ""))):
                report(f"a link to '{target['refuri'][:30]}' is not allowed", target)
                del target["refuri"]


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
    if docname in _INCLUDES_REPORTED:
        return  # the scan of the page reported it at the include's line
    warn(
        f"'include' may only insert files from docs/ and data/, not '{relative_path}'",
        LscbWarning.SAFETY,
        docname,
    )


class SafeLiteralInclude(LiteralInclude):
    """``literalinclude`` that reads only files in docs/ and data/."""

    def run(self) -> list[nodes.Node]:
        _rel, path = self.env.relfn2path(self.arguments[0])
        if not scope(self.env).permits(Path(path)):
            if _reported(self.env.docname, self.lineno, len(self.options) + 1):
                return []
            warn(
                f"'literalinclude' may only insert files from docs/ and data/, "
                f"not '{self.arguments[0]}'",
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
        quiet = _reported(env.docname, self.lineno, len(self.options) + 1)
        if "url" in self.options and quiet:
            return []
        if "url" in self.options:
            warn("'csv-table' may not read a web address", LscbWarning.SAFETY, location)
            return []
        if "file" in self.options:
            source_dir = Path(self.state.document.current_source or env.srcdir).parent
            path = source_dir / self.options["file"]
            if not scope(env).permits(path):
                if quiet:
                    return []
                warn(
                    f"'csv-table :file:' may only insert files from docs/ and data/, "
                    f"not '{self.options['file']}'",
                    LscbWarning.SAFETY,
                    location,
                )
                return []
        return super().run()


def setup_safety(app: Sphinx) -> None:
    app.connect("source-read", scan_source)
    app.connect("include-read", check_include)
    app.add_transform(SafetyTransform)
    app.add_directive("literalinclude", SafeLiteralInclude, override=True)
    app.add_directive("csv-table", SafeCSVTable, override=True)
