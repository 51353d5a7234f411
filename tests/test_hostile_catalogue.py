"""A catalogue of hostile inputs: nothing in docs/ or data/ may run code, publish a file from
elsewhere, leak a child's details or crash the build.

Every case is one hostile or careless edit to a copy of tests/roots/hostile: a page, a data
file, the bibliography or a file of conf/. For each case:

1. ``lscb-kb check``, run in this process, exits non-zero and prints the case's ``file:line``
   (and column, where the case gives one) with what is wrong; unless the case is marked
   ``BUILD_ONLY``, and says why;
2. a Sphinx build of the same project, with the ``-E -n -W`` of ``nox -s build``, reports a
   warning at the same ``file:line`` (or at ``build_where``, where the case says so) and ends
   with a non-zero status;
3. nothing printed holds a Python traceback;
4. nothing refused reached the output: the case's marker (a string planted in a file outside
   docs/ and data/, or the hostile payload in the form it would take if it worked, such as
   ``onerror="alert(1)//HX-<name>"``) is in no file the build wrote. Personal data is text, and
   the build finds it in what it has written (its last check); for those cases the output is
   what ``publish`` writes, which must be nothing;
5. for every case, ``lscb_kb.publish.publish`` (what ``nox -s build`` runs, with the
   ``sphinx-build`` it starts run in this process, as tests/test_publish.py runs it in a
   subprocess) on a project whose ``build/html`` was built good raises
   :class:`~lscb_kb.publish.PublishError` and leaves
   ``build/html`` byte for byte as it was.

The edits that must be accepted (section numbers, a statistic, ``https:`` and ``mailto:``
links, ``{{ board }}``, allowed directives, an image and an include from docs/, ``<script>`` in
a code block, a formula in a data cell, which the CSV download neutralises) are at the end.

To keep the file fast, the cases that only add files of their own (a page, a data file, a file
outside docs/ and data/, each named after the case) are built together: one build of all such
page cases, one of all such data cases. Each case's warnings are told apart by its own file,
and under ``-W`` any one of them fails the build. The check runs on each case alone, so its
exit status is the case's own; a case that changes a file the others read (conf/, the
bibliography) is built alone, as is every case of the publish sample.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import shutil
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.console import strip_escape_sequences

from lscb_kb.cli import main as lscb_kb
from lscb_kb.publish import PublishError, publish

from .conftest import REPO, ROOTS, SharedBuilds, run_sphinx_in_this_process, sphinx_state

ROOT_NAME = "hostile"
BOTH, BUILD_ONLY = "both", "build only"
LEVELS = ("WARNING", "ERROR", "CRITICAL")
"""How Sphinx prints what -W counts as a warning."""
TRACEBACKS = ("Traceback (most recent call last)", "Exception occurred")
M = "@M@"
"""In a case's texts: the case's own marker, ``HX-<name>``."""
N = "@N@"
"""In a case's texts and paths: the case's name."""
ATTRIBUTE = M + '"'
"""A marker at the end of an attribute value (``onclick="alert(1)//HX-<name>"``): found in the
output only if a tag or an address with it was written. (In text, docutils writes ``"`` as
``&quot;``, so a payload left on the page as harmless text does not match.)"""

CYRILLIC_O = "\u041e"  # О, beside the Latin O
CYRILLIC_IE = "\u0435"  # е, beside the Latin e
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5d2e3a50000000049454e44ae426082"
)
"""A one-pixel PNG image."""


@dataclass(frozen=True)
class Link:
    """A symbolic link to *target*, a path inside the project."""

    target: str


Spec = str | bytes | Link | None
"""What is written at a path: text, bytes, a symbolic link, or ``None`` to delete the file."""
Files = Mapping[str, "Spec | Callable[[Path], Spec]"]


def write_files(root: Path, files: Files) -> None:
    for relpath, spec in files.items():
        path = root / relpath
        value = spec(root) if callable(spec) else spec
        if value is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, Link):
            path.symlink_to(root / value.target)
        elif isinstance(value, bytes):
            path.write_bytes(value)
        else:
            path.write_text(value, "utf-8")


@dataclass(frozen=True)
class Case:
    """One hostile edit: what is written, where it must be reported, and what must not leak."""

    kind: str
    files: Files
    where: str  # file:line[:column], as `lscb-kb check` prints it
    says: str  # a fragment of the message
    marker: str  # in no file of the output
    found_by: str = BOTH
    why: str = ""  # why only the build finds it
    build_where: str | None = None  # where the build reports it, where that differs
    build_says: str | None = None  # what the build says, where its words differ
    alone: bool = False  # changes a file the other cases read: built on its own
    written_then_refused: bool = False  # the build refuses it in the site it wrote

    def apply(self, root: Path) -> None:
        write_files(root, self.files)

    @property
    def batch(self) -> str:
        """The shared build the case is part of: ``pages`` or ``data``."""
        if all(path.startswith(("docs/", "outside/")) for path in self.files):
            return "pages"
        return "data"


CASES: dict[str, Case] = {}


def _fill(value: object, name: str) -> object:
    """*value* with the case's marker and name in place of ``@M@`` and ``@N@``."""
    if isinstance(value, str):
        return value.replace(M, f"HX-{name}").replace(N, name)
    if isinstance(value, bytes):
        return value.replace(M.encode(), f"HX-{name}".encode())
    if isinstance(value, Link):
        return Link(str(_fill(value.target, name)))
    if callable(value):
        return lambda root: _fill(value(root), name)
    return value


def case(
    name: str, kind: str, files: Mapping[str, object], where: str, says: str, **options: object
) -> None:
    """Register one case; its marker is ``HX-<name>`` unless it gives ``marker``."""
    assert name not in CASES, name
    options.setdefault("marker", M)
    filled = {key: _fill(value, name) for key, value in options.items()}
    CASES[name] = Case(
        kind,
        {path.replace(N, name): _fill(spec, name) for path, spec in files.items()},  # type: ignore[misc]
        where.replace(N, name),
        says,
        **filled,  # type: ignore[arg-type]
    )


TITLE = "# Hostile\n\n"
"""Every case's page starts with this, so that its body starts on line 3."""


def page(name: str, kind: str, body: str, line: int, says: str, **options: object) -> None:
    """A case that is one page, ``docs/<name>.md``: its front matter, a heading, then *body*;
    reported at *line* of the page."""
    extra = dict(options.pop("extra", {}))  # type: ignore[call-overload]
    front = str(options.pop("front", ""))
    files = {f"docs/{N}.md": front + TITLE + body, **extra}
    case(name, kind, files, f"docs/{N}.md:{line}", says, **options)


def outside(text: str = "SECRET-MARKER @M@\n") -> dict[str, object]:
    """The case's file outside docs/ and data/, ``outside/<name>.txt``, holding its marker."""
    return {f"outside/{N}.txt": text}


def outside_png() -> dict[str, object]:
    """The case's image outside docs/ and data/, with its marker after the image data."""
    return {f"outside/{N}.png": PNG + M.encode()}


def locate(text: str, needle: str, *, column: bool = True, after: str = "") -> str:
    """``line:column`` (1-based) of the first *needle* in *text* (after the first *after*), or
    ``line`` alone."""
    index = text.index(needle, text.index(after) if after else 0)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{col}" if column else str(line)


def tables(ident: str, item: str = "Staff", amount: str = "100", head: str = "") -> str:
    """A data file of one table, ``items``; its first row's text cell is *item*, as written.

    Lines 1-5 are the file's fields (then *head*, if given), line 14 the text cell."""
    return (
        f"kind: tables\nid: {ident}\ntitle: Hostile data\nperiod: 2009/10\nsource: report-2010\n"
        f"{head}tables:\n  items:\n    title: Items\n    columns:\n"
        "      - {key: item, label: Item, unit: text}\n"
        "      - {key: amount, label: Amount, unit: money}\n"
        f"    rows:\n      - key: first\n        item: {item}\n        amount: {amount}\n"
    )


def data(name: str, kind: str, text: str, needle: str | None, says: str, **options: object) -> None:
    """A case that is one data file, ``<folder>/<name>.yaml`` (folder ``data/2009-10``), reported
    at the line and column of *needle* (only its line with ``column=False``), or at line 1."""
    extra = dict(options.pop("extra", {}))  # type: ignore[call-overload]
    folder = str(options.pop("folder", "data/2009-10"))
    column = bool(options.pop("column", True))
    after = str(options.pop("after", ""))
    text = str(_fill(text, name))
    where = locate(text, needle, column=column, after=after) if needle is not None else "1"
    path = f"{folder}/{N}.yaml"
    case(name, kind, {path: text, **extra}, f"{path}:{where}", says, **options)


NOT_AN_ESCAPE = (
    "not an escape: on a POSIX system the path names a file inside docs/ that does not exist; "
    "the check does not open files, the build finds that it is missing"
)
ABSOLUTE = (
    "not an escape: Sphinx reads a path that starts with / from docs/, so the absolute path names "
    "a file inside docs/ that does not exist; the build finds that it is missing"
)
CONF_PY = "conf/conf.py is Python that only Sphinx runs; the check does not execute it"

# == template and code execution ==========================================================

for name, expression in {
    "sub-env": "env.config.project",
    "sub-class": "''.__class__.__mro__[1].__name__",
    "sub-attr-filter": "(board|attr('upper'))()",
    "sub-unknown-name": "secret_value",
    "sub-config": "config.lscb_root",
    "sub-globals": "cycler.__init__.__globals__.os.name",
}.items():
    # Were the expression evaluated, the page would show the marker (Jinja's ~ joins text).
    page(
        name,
        "template",
        f"Text {{{{ {expression} ~ 'HX-' ~ '{name}' }}}} here.\n",
        3,
        "is not allowed: a substitution may only name one of",
    )
page(
    "sub-arithmetic",
    "template",
    "Text {{ 7*191919 }} here.\n",
    3,
    "is not allowed: a substitution may only name one of",
    marker="1343433",
)
page(
    "sub-block",
    "template",
    "{{ env.app.builder.name ~ 'HX-' ~ 'sub-block' }}\n",
    3,
    "is not allowed: a substitution may only name one of",
)
page(
    "sub-in-note",
    "template",
    ":::{note}\nInside {{ env.docname ~ '-HX' }} a note.\n:::\n",
    4,
    "is not allowed: a substitution may only name one of",
    marker="sub-in-note-HX",
)
page(
    "sub-front-matter",
    "template",
    "Shown: {{ evil }}.\n",
    2,
    "front matter may not define substitutions",
    front=f'---\nsubstitutions:\n  evil: "{M}"\n---\n',
)
page(
    "sub-myst-front-matter",
    "template",
    "Board: {{ board }}.\n",
    3,
    "front matter may not define substitutions",
    front=f'---\nmyst:\n  substitutions:\n    board: "{M}"\n---\n',
)
page(
    "eval-rst-raw",
    "template",
    f"```{{eval-rst}}\n.. raw:: html\n\n   <script>alert('{M}')</script>\n```\n",
    3,
    "the directive 'eval-rst' is not allowed",
)
page(
    "eval-rst-include",
    "template",
    f"```{{eval-rst}}\n.. include:: ../outside/{N}.txt\n```\n",
    3,
    "the directive 'eval-rst' is not allowed",
    extra=outside(),
)
page(
    "eval-rst-role",
    "template",
    f"```{{eval-rst}}\n.. role:: html(raw)\n   :format: html\n\n:html:`<b>{M}</b>`\n```\n",
    3,
    "the directive 'eval-rst' is not allowed",
)
page(
    "raw-directive",
    "template",
    f"```{{raw}} html\n<script>alert('{M}')</script>\n```\n",
    3,
    "the directive 'raw' is not allowed",
)
page(
    "raw-colon-fence",
    "template",
    f':::{{raw}} html\n<b onclick="x()">{M}</b>\n:::\n',
    3,
    "the directive 'raw' is not allowed",
)
page(
    "raw-upper-case",
    "template",
    f"```{{RAW}} html\n<script>alert('{M}')</script>\n```\n",
    3,
    "the directive 'RAW' is not allowed",
)
page(
    "raw-in-note",
    "template",
    f"````{{note}}\nA note.\n\n```{{raw}} html\n<script>alert('{M}')</script>\n```\n````\n",
    6,
    "the directive 'raw' is not allowed",
)
page(
    "sub-ref-role",
    "template",
    "Built on {sub-ref}`today`.\n",
    3,
    "the role '{sub-ref}' is not allowed",
    # What the role shows, were it run: the date of the build, in Sphinx's default format.
    marker=dt.date.today().strftime("%b %d, %Y"),
)
page(
    "math-role-href",
    "template",
    f"Maths {{math}}`\\href{{javascript:alert('{M}')}}{{x}}` here.\n",
    3,
    "the role '{math}' is not allowed",
    marker='class="math',
)
page(
    "unknown-directive",
    "template",
    f"```{{no-such-directive}} {M}\n```\n",
    3,
    "the directive 'no-such-directive' is not allowed",
)
page(
    "unknown-role",
    "template",
    "A {no-such-role}`word` here.\n",
    3,
    "the role '{no-such-role}' is not allowed",
    # docutils' rendering of a role it does not know, were the role passed on to it.
    marker='class="problematic"',
)
page(
    "domain-directive-rst",
    "template",
    f"```{{rst:directive}} .. {M}::\n```\n",
    3,
    "the directive 'rst:directive' is not allowed",
)
page(
    "domain-directive-py",
    "template",
    f"```{{py:function}} {M}(x)\n```\n",
    3,
    "the directive 'py:function' is not allowed",
)
page(
    "domain-role-std-ref",
    "template",
    "See {std:ref}`the index <genindex>`.\n",
    3,
    "the role '{std:ref}' is not allowed",
    marker='class="std std-ref"',
)
page(
    "include-parser-rst",
    "template",
    f"```{{include}} {N}-part.txt\n:parser: rst\n```\n",
    3,
    "'include' may not be given the option :parser:",
    extra={f"docs/{N}-part.txt": f".. raw:: html\n\n   <script>alert('{M}')</script>\n"},
)
page(
    "bibliography-filter",
    "template",
    f'```{{bibliography}}\n:filter: key == "{M}" or __import__("os")\n```\n',
    3,
    "'bibliography' may not be given the option :filter:",
)
page(
    "card-img-top",
    "template",
    f":::{{grid-item-card}} Card\n:img-top: ../outside/{N}.png\nText.\n:::\n",
    3,
    "'grid-item-card' may not be given the option :img-top:",
    extra=outside_png(),
)
page(
    "image-target-option",
    "template",
    f"```{{image}} {N}.png\n:target: javascript:alert(1)//{M}\n```\n",
    3,
    "'image' may not be given the option :target:",
    extra={f"docs/{N}.png": PNG},
)
page(
    "button-link-role",
    "template",
    f"Press {{button-link}}`Go <javascript:alert(1)//{M}>`.\n",
    3,
    "the role '{button-link}' is not allowed",
    marker=ATTRIBUTE,
)
page(
    "button-link-directive",
    "template",
    f"```{{button-link}} javascript:alert('{M}')\nGo\n```\n",
    3,
    "the directive 'button-link' is not allowed",
)

# == raw HTML =============================================================================

# The text between refused tags stays on the page as text; the tags never do.
for name, body, line in (
    ("html-block", f'<div onclick="alert(1)//{M}">Click</div>\n', 3),
    ("html-inline", f'Some <span onclick="alert(1)//{M}">text</span> here.\n', 3),
    ("html-script-mixed-case", f'<ScRiPt title="{M}">alert(1)</ScRiPt>\n', 3),
    ("html-img-onerror", f'A picture <img src=x onerror="alert(1)//{M}"> here.\n', 3),
    ("html-img-unquoted", f"A picture <img src=x onerror=alert(1)//{M}> here.\n", 3),
    ("html-svg-onload", f'<svg onload="alert(1)//{M}"></svg>\n', 3),
    ("html-iframe", f'<iframe src="https://evil.example/{M}"></iframe>\n', 3),
    ("html-style", f'<style title="{M}">body {{ background: red }}</style>\n', 3),
    ("html-form", f'<form action="https://evil.example/{M}"><input name=x></form>\n', 3),
    ("html-in-note", f':::{{note}}\nA note.\n\n<script title="{M}">alert(1)</script>\n:::\n', 6),
    ("html-in-list", f'- one\n- two <b onmouseover="alert(1)//{M}">bold</b>\n', 4),
    ("html-in-table", f'| a | b |\n| - | - |\n| 1 | <script title="{M}">alert(1)</script> |\n', 5),
    (
        "html-in-list-table",
        ":::{list-table}\n:header-rows: 1\n\n* - A\n  - B\n* - 1\n"
        f'  - <i onclick="x()//{M}">1</i>\n:::\n',
        9,
    ),
    ("html-in-heading", f'## Part <script title="{M}">alert(1)</script>\n', 3),
    ("html-in-link-text", f'[<img src=x onerror="alert(1)//{M}">](https://example.org)\n', 3),
    ("html-in-deflist", f'Term\n: A definition <b onclick="x()//{M}">word</b>.\n', 4),
    ("html-comment-then-script", f'<!-- a note --><script title="{M}">alert(1)</script>\n', 3),
):
    page(name, "html", body, line, "raw HTML is not allowed on a page", marker=ATTRIBUTE)
page(
    "html-in-front-matter-abstract",
    "html",
    "Text.\n",
    2,
    "front matter may not set 'abstract'",
    # MyST shows an `abstract` in front matter on the page, read as Markdown.
    front=f"---\nabstract: 'Words <img src=x onerror=\"alert(1)//{M}\">'\n---\n",
    marker=ATTRIBUTE,
)

# == paths ================================================================================

for name, directive, argument in (
    ("include-parent", "include", f"../outside/{N}.txt"),
    ("include-docs-rooted", "include", f"/../outside/{N}.txt"),
    ("include-deep-parent", "include", f"../../{ROOT_NAME}/outside/{N}.txt"),
    ("literalinclude-parent", "literalinclude", f"../outside/{N}.txt"),
    ("literalinclude-docs-rooted", "literalinclude", f"/../../{ROOT_NAME}/outside/{N}.txt"),
):
    page(
        name,
        "paths",
        f"```{{{directive}}} {argument}\n```\n",
        3,
        f"'{directive}' may only use files from docs/ and data/",
        extra=outside(),
    )
for name, directive, argument in (
    ("image-parent", "image", f"../outside/{N}.png"),
    ("figure-parent", "figure", f"../outside/{N}.png"),
    ("image-docs-rooted", "image", f"/../outside/{N}.png"),
):
    page(
        name,
        "paths",
        f"```{{{directive}}} {argument}\n```\n",
        3,
        f"'{directive}' may only use files from docs/ and data/",
        extra=outside_png(),
    )
for name, directive, argument in (
    ("include-standard-file", "include", "<isonum.txt>"),
    ("literalinclude-standard-file", "literalinclude", "<isolat1.txt>"),
):
    # docutils' own files, named in <angle brackets>: their text has "unicode:: U+" lines.
    page(
        name,
        "paths",
        f"```{{{directive}}} {argument}\n```\n",
        3,
        f"'{directive}' may only use files from docs/ and data/",
        marker="unicode:: U+",
    )
for name, directive, says in (
    ("include-absolute", "include", "file not found"),
    ("literalinclude-absolute", "literalinclude", "not found"),
):
    case(
        name,
        "paths",
        {
            f"docs/{N}.md": lambda root, d=directive: (
                f"{TITLE}```{{{d}}} {root}/outside/{N}.txt\n```\n"
            ),
            **outside(),
        },
        f"docs/{N}.md:3",
        "",
        found_by=BUILD_ONLY,
        why=ABSOLUTE,
        build_says=says,
    )
case(
    "csv-table-file-absolute",
    "paths",
    {
        f"docs/{N}.md": lambda root: (
            f"{TITLE}```{{csv-table}}\n:file: {root}/outside/{N}.txt\n```\n"
        ),
        **outside("a,b\nSECRET-MARKER,@M@\n"),
    },
    f"docs/{N}.md:3",
    "'csv-table :file:' may only use files from docs/ and data/",
)
page(
    "csv-table-file-parent",
    "paths",
    f"```{{csv-table}}\n:file: ../outside/{N}.txt\n```\n",
    3,
    "'csv-table :file:' may only use files from docs/ and data/",
    extra=outside("a,b\nSECRET-MARKER,@M@\n"),
)
page(
    "csv-table-url",
    "paths",
    f"```{{csv-table}}\n:url: https://evil.example/{M}.csv\n```\n",
    3,
    "csv-table",
)
page(
    "download-parent",
    "paths",
    f"Get {{download}}`the file <../outside/{N}.txt>`.\n",
    3,
    "'download' may only use files from docs/ and data/",
    extra=outside(),
)
page(
    "download-docs-rooted",
    "paths",
    f"Get {{download}}`/../outside/{N}.txt`.\n",
    3,
    "'download' may only use files from docs/ and data/",
    extra=outside(),
)
page(
    "markdown-image-parent",
    "paths",
    f"![a picture](../outside/{N}.png)\n",
    3,
    "'image' may only use files from docs/ and data/",
    extra=outside_png(),
)
page(
    "markdown-image-remote",
    "paths",
    f"![a picture](https://evil.example/{M}.png)\n",
    3,
    "not an address on another site",
)
page(
    "include-symlink-in-docs",
    "paths",
    f"```{{include}} {N}-link.txt\n```\n",
    3,
    "'include' may only use files from docs/ and data/",
    extra={**outside(), f"docs/{N}-link.txt": Link(f"outside/{N}.txt")},
)
page(
    "literalinclude-symlink-in-docs",
    "paths",
    f"```{{literalinclude}} {N}-link.txt\n```\n",
    3,
    "'literalinclude' may only use files from docs/ and data/",
    extra={**outside(), f"docs/{N}-link.txt": Link(f"outside/{N}.txt")},
)
page(
    "image-symlink-in-docs",
    "paths",
    f"```{{image}} {N}-link.png\n```\n",
    3,
    "'image' may only use files from docs/ and data/",
    extra={**outside_png(), f"docs/{N}-link.png": Link(f"outside/{N}.png")},
)
page(
    "download-symlink-in-docs",
    "paths",
    f"Get {{download}}`{N}-link.txt`.\n",
    3,
    "'download' may only use files from docs/ and data/",
    extra={**outside(), f"docs/{N}-link.txt": Link(f"outside/{N}.txt")},
)
case(
    "page-is-a-symlink",
    "paths",
    {**outside(f"{TITLE}SECRET-MARKER @M@\n"), f"docs/{N}.md": Link(f"outside/{N}.txt")},
    f"docs/{N}.md:1",
    "a link to a file outside docs/",
)
for name, argument in (
    ("include-url-encoded", f"%2e%2e/outside/{N}.txt"),
    ("include-backslashes", f"..\\outside\\{N}.txt"),
):
    page(
        name,
        "paths",
        f"```{{include}} {argument}\n```\n",
        3,
        "",
        found_by=BUILD_ONLY,
        why=NOT_AN_ESCAPE,
        build_says="file not found",
        extra=outside(),
    )
case(
    "data-file-is-a-symlink",
    "paths",
    {
        **outside(tables("outsider", "SECRET-MARKER @M@")),
        f"data/2009-10/{N}.yaml": Link(f"outside/{N}.txt"),
    },
    f"data/2009-10/{N}.yaml:1",
    "outside",
)

# == links ================================================================================

# Every address ends with the case's marker: were it written as a link, `marker"` would be in
# the output.
for name, url, says in (
    ("link-javascript", f"javascript:alert(1)//{M}", "'javascript:' address"),
    ("link-javascript-mixed-case", f"JaVaScRiPt:alert(1)//{M}", "'javascript:' address"),
    ("link-javascript-tab", f"<java\tscript:alert(1)//{M}>", "is not allowed"),
    ("link-javascript-entity", f"&#106;avascript:alert(1)//{M}", "'javascript:' address"),
    ("link-javascript-colon-entity", f"javascript&colon;alert(1)//{M}", "'javascript:' address"),
    ("link-vbscript", f"vbscript:msgbox(1)//{M}", "'vbscript:' address"),
    ("link-data-html", f"data:text/html;base64,PHNjcmlwdD4=#{M}", "'data:' address"),
    ("link-protocol-relative", f"//evil.example/{M}", "is not allowed"),
    ("link-file", f"file:///etc/passwd#{M}", "'file:' address"),
    ("link-ftp", f"ftp://evil.example/{M}", "'ftp:' address"),
):
    page(name, "links", f"A [prize]({url}) for you.\n", 3, says, marker=ATTRIBUTE)
# MyST takes these for addresses on this site: the build refuses them as cross-references it
# can not find (myst.xref_missing) and writes a link to the page itself (href="#..."), harmless.
for name, marker in (
    ("link-javascript-tab", f'href="java\tscript:alert(1)//{M}'),
    ("link-protocol-relative", f'href="//evil.example/{M}'),
):
    CASES[name] = replace(CASES[name], build_says="", marker=str(_fill(marker, name)))
page(
    "autolink-javascript",
    "links",
    f"Go to <javascript:alert(1)//{M}>.\n",
    3,
    "'javascript:' address",
    marker=ATTRIBUTE,
)
page(
    "reference-link-javascript",
    "links",
    f"A [prize][evil] for you.\n\n[evil]: javascript:alert(1)//{M}\n",
    3,
    "'javascript:' address",
    marker=ATTRIBUTE,
)
page(
    "image-javascript",
    "links",
    f"![x](javascript:alert(1)//{M})\n",
    3,
    "'javascript:' address",
    marker=ATTRIBUTE,
)
page(
    "card-link-javascript",
    "links",
    f":::{{grid-item-card}} Card\n:link: javascript:alert(1)//{M}\nText.\n:::\n",
    4,
    "'javascript:' address",
    marker=ATTRIBUTE,
    build_where=f"docs/{N}.md:3",  # sphinx-design's nodes carry the directive's line only
)
page(
    "card-link-upper-case",
    "links",
    f":::{{card}} Card\n:link: JAVASCRIPT:alert(1)//{M}\nText.\n:::\n",
    4,
    "'javascript:' address",
    marker=ATTRIBUTE,
    build_where=f"docs/{N}.md:3",  # sphinx-design's nodes carry the directive's line only
)
page(
    "toctree-external-javascript",
    "links",
    f"```{{toctree}}\nPrize <javascript://%0aalert(1)//{M}>\n```\n",
    4,
    "'javascript:' address",
    marker=ATTRIBUTE,
)
page(
    "link-in-front-matter-abstract",
    "links",
    "Text.\n",
    2,
    "front matter may not set 'abstract'",
    # MyST reads an `abstract` in front matter as Markdown: refused as a field.
    front=f'---\nabstract: "See [this](//evil.example/{M})."\n---\n',
    marker=f'href="//evil.example/{M}',
)
BIB_ENTRY = (
    "@techreport{report-2010,\n  author      = {{Test Board}},\n"
    "  title       = {{Annual Report 2009/10}},\n  institution = {Test Board},\n"
    "  year        = {2010},\n}\n\n"
    "@misc{notes-2010,\n  author      = {{Test Board}},\n  title       = {{Notes}},\n"
    "  year        = {2010},\n}\n"
)
# The references page lists every entry (:all:); sphinxcontrib-bibtex makes `url` a link, and
# `\url{}` in any field. (A `doi` is always made https://doi.org/..., so it is not here.)
for name, entry, field_text, says in (
    ("bib-url-javascript", "report-2010", "url = {javascript:alert(1)//@M@}", "'javascript:'"),
    ("bib-url-mixed-case", "report-2010", "url = {JaVaScRiPt:alert(1)//@M@}", "'javascript:'"),
    ("bib-url-data", "report-2010", "url = {data:text/html;base64,PHNjcmlwdD4=#@M@}", "'data:'"),
    ("bib-url-protocol-relative", "report-2010", "url = {//evil.example/@M@}", "is not allowed"),
    ("bib-url-vbscript", "notes-2010", "url = {vbscript:msgbox(1)//@M@}", "'vbscript:'"),
    (
        "bib-howpublished-url",
        "notes-2010",
        "howpublished = {\\url{javascript:alert(1)//@M@}}",
        "'javascript:'",
    ),
    ("bib-note-url", "notes-2010", "note = {See \\url{JAVASCRIPT:alert(1)//@M@}}", "'javascript:'"),
):
    opening = "{" + entry + ",\n"
    text = BIB_ENTRY.replace(opening, opening + f"  {field_text},\n")
    case(
        name,
        "links",
        {"data/references.bib": text},
        f"data/references.bib:{locate(text, field_text.split(' = ')[0] + ' = ', column=False)}",
        says,
        marker=ATTRIBUTE,
        alone=True,
    )

# An entry that pybtex's styles can not format crashed sphinxcontrib-bibtex with a traceback.
for name, text, says in (
    (
        "bib-kind-without-template",
        BIB_ENTRY.replace("@techreport{report-2010", "@report{report-2010"),
        "'@report' is not a kind of entry the references can show",
    ),
):
    case(
        name,
        "limits",
        {"data/references.bib": text},
        "data/references.bib:1",
        says,
        marker="Traceback",
        alone=True,
    )

# == front matter =========================================================================

page(
    "front-matter-html-image",
    "front matter",
    f'<img src="x" onerror="alert(1)//{M}">\n',
    3,
    "front matter may not change the MyST setting 'enable_extensions'",
    marker=ATTRIBUTE,
    front="---\nmyst:\n  enable_extensions: [html_image]\n---\n",
)
page(
    "front-matter-linkify",
    "front matter",
    f"Go to www.evil.example/{M} now.\n",
    3,
    "front matter may not change the MyST setting 'enable_extensions'",
    front="---\nmyst:\n  enable_extensions: [linkify]\n---\n",
    marker='href="http://www.evil.example',
)
page(
    "front-matter-url-schemes",
    "front matter",
    f"A [prize](javascript:alert(1)//{M}).\n",
    3,
    "front matter may not change the MyST setting 'url_schemes'",
    marker=ATTRIBUTE,
    front="---\nmyst:\n  url_schemes: [javascript, https]\n---\n",
)
page(
    "front-matter-html-meta",
    "front matter",
    "Text.\n",
    2,
    "front matter may not set 'html_meta'",
    front=f'---\nhtml_meta:\n  "http-equiv=refresh": "0; url=https://evil.example/{M}"\n---\n',
)
page(
    "front-matter-myst-html-meta",
    "front matter",
    "Text.\n",
    3,
    "front matter may not set 'html_meta'",
    front=(
        "---\nmyst:\n  html_meta:\n"
        f'    "http-equiv=refresh": "0; url=https://evil.example/{M}"\n---\n'
    ),
)
page(
    "front-matter-myst-not-a-mapping",
    "front matter",
    "Text.\n",
    2,
    "front matter may not change the MyST setting",
    front="---\nmyst: enable_extensions=html_image\n---\n",
    marker="Traceback",
)
page(
    "front-matter-impossible-date",
    "front matter",
    "Text.\n",
    3,
    "2026-02-30",
    front="---\nowner: The board\nreviewed: 2026-02-30\nreview-due: 2027-02-28\n---\n",
    marker="Traceback",
)
page(
    "front-matter-is-a-list",
    "front matter",
    "Text.\n",
    2,
    "front matter must be",
    front="---\n- one\n- two\n---\n",
    marker="Traceback",
)
page(
    "front-matter-deeply-nested",
    "front matter",
    "Text.\n",
    2,
    "nested",
    front="---\nnested: " + "[" * 1000 + "]" * 1000 + "\n---\n",
    marker="Traceback",
)

# == hidden characters ====================================================================

for name, char in (
    ("page-rlo", "\u202e"),
    ("page-lri", "\u2066"),
    ("page-zwsp", "\u200b"),
    ("page-bom-mid-file", "\ufeff"),
):
    page(
        name,
        "hidden",
        f"Figures for the year.\n\nThe rev{char}iewed {M} cases.\n",
        5,
        f"U+{ord(char):04X}",
        marker=f"rev{char}iewed",
    )
for name, char in (
    ("data-rlo", "\u202e"),
    ("data-lri", "\u2066"),
    ("data-zwsp", "\u200b"),
    ("data-bom-mid-file", "\ufeff"),
):
    data(name, "hidden", tables(N, f"Staff{char} {M}"), char, f"U+{ord(char):04X}")
data(
    "data-id-cyrillic",
    "hidden",
    tables(f"budg{CYRILLIC_IE}t-{N}"),
    f"budg{CYRILLIC_IE}t",
    "U+0435 CYRILLIC SMALL LETTER IE",
    marker=f"budg{CYRILLIC_IE}t",
)
data(
    "data-row-key-cyrillic",
    "hidden",
    tables(N).replace("key: first", f"key: f{CYRILLIC_O}rst"),
    f"f{CYRILLIC_O}rst",
    "U+041E CYRILLIC CAPITAL LETTER O",
    marker=f"f{CYRILLIC_O}rst",
)
for name, folder in (
    ("data-year-cyrillic", f"data/2009-1{CYRILLIC_O}"),
    ("data-folder-not-a-year", "data/notes"),
):
    # Reported at the folder: its name is what is wrong.
    case(
        name,
        "hidden",
        {f"{folder}/{N}.yaml": tables(N, f"Staff {M}")},
        f"{folder}:1",
        "is not a reporting year",
    )

# == data limits ==========================================================================

data(
    "data-two-megabytes",
    "limits",
    tables(N, f"Staff {M}") + ("# " + "x" * 98 + "\n") * 21_000,
    None,
    "the limit",
)
data(
    "data-deep-nesting",
    "limits",
    tables(N, f"Staff {M}") + "notes: " + "[" * 1000 + "]" * 1000 + "\n",
    "notes",
    "nested more than 20 levels deep",
    column=False,
)
data(
    "data-long-string",
    "limits",
    tables(N, f"Staff {M} " + "x" * 100_000),
    "Staff",
    "characters long",
)
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}' if previous else '{M}'] * 10)}]\n"
    for previous, name in zip(("", "a", "b", "c", "d", "e", "f"), "abcdefg", strict=True)
).replace("{M}", M)
# Reported at the start of the file: the anchors and aliases of the whole file expand too far.
data("data-alias-bomb", "limits", tables(N, "Staff") + BOMB, None, "more than 100,000 values")

# == personal data ========================================================================

for name, item, needle, says in (
    ("nhs-mixed-separators", "Seen with NHS no. 943 476-5919 on file", "943", "NHS number"),
    ("email-entity", "'Write to jo.bloggs&#64;example.org now'", "jo.bloggs", "email"),
    ("email-yaml-escape", '"Write to sam.jones\\x40example.org now"', "sam.jones", "email"),
    ("phone-0044", "Ring 0044 20 7946 0958 today", "0044", "telephone number"),
    ("phone-plus44-hyphens", "Ring +44-20-7946-0777 today", "+44", "telephone number"),
    ("phone-nbsp", "Ring 020\u00a07946\u00a00456 today", "020", "telephone number"),
    ("name-and-age", "Jamie Smith, aged 7, was seen", "Jamie", "age"),
    ("born-month-year", "The child, born in March 2004, was seen", "born", "date of birth"),
    ("postcode-full", "The family lived at RM17 6SL then", "RM17", "postcode"),
    ("house-address", "The family lived at 12 Acacia Avenue then", "12 Acacia", "address"),
):
    data(
        f"data-{name}",
        "personal",
        tables(N, item),
        needle,
        says,
        marker=item,
        written_then_refused=True,
        after="rows:",
    )
data(
    "data-phone-folded",
    "personal",
    tables(N, ">\n          Ring the mother on 020 7946\n          0123 today"),
    "020 7946",
    "telephone number",
    marker="7946 0123",
    written_then_refused=True,
)
# The same number in two files: each file is named where it stands.
case(
    "data-phone-in-two-files",
    "personal",
    {
        f"data/2009-10/{N}.yaml": tables(f"{N}", "Ring 020 7946 0999 today"),
        f"data/2009-10/{N}-copy.yaml": tables(f"{N}-copy", "Ring 020 7946 0999 today"),
    },
    f"data/2009-10/{N}-copy.yaml:14:20",
    "telephone number",
    marker="7946 0999",
    written_then_refused=True,
)
case(
    "data-email-in-two-spellings",
    "personal",
    {
        f"data/2009-10/{N}.yaml": tables(f"{N}", "'Write to kim.lee&#64;example.org'"),
        f"data/2009-10/{N}-escaped.yaml": tables(
            f"{N}-escaped", '"Write to kim.lee\\x40example.org"'
        ),
    },
    f"data/2009-10/{N}-escaped.yaml:14:25",
    "email",
    marker="kim.lee",
    written_then_refused=True,
)
for name, text, needle, says in (
    ("page-nhs-mixed-separators", "Seen with NHS no. 943 476-5919 on file.", "943", "NHS number"),
    ("page-email-entity", "Write to jo.bloggs&#64;example.org now.", "jo.bloggs", "email"),
    ("page-phone-0044", "Ring 0044 20 7946 0958 today.", "0044", "telephone number"),
    ("page-name-and-age", "Jamie Smith, aged 7, was seen.", "Jamie", "age"),
    ("page-house-address", "The family lived at 12 Acacia Avenue.", "12 Acacia", "address"),
    ("page-postcode-full", "The family lived at RM17 6SL.", "RM17", "postcode"),
):
    case(
        name,
        "personal",
        {f"docs/{N}.md": TITLE + text + "\n"},
        f"docs/{N}.md:{locate(TITLE + text, needle)}",
        says,
        marker=text,
        written_then_refused=True,
    )

# == maintainer-owned switches ============================================================


def _counts_about_children(ident: str, head: str) -> str:
    return (
        tables(ident, "Children seen", "2", "topics: [child-protection]\n" + head)
        .replace("unit: money", "unit: count")
        .replace("label: Amount", "label: Children")
    )


data(
    "about-children-false",
    "switches",
    _counts_about_children(N, "about_individual_children: false\n"),
    "about_individual_children",
    "conf/disclosure-exceptions.toml",
)
data(
    "published-in-full-unlisted",
    "switches",
    _counts_about_children(
        N,
        "about_individual_children: true\npublished_in_full:\n"
        "  reason: It was in the press.\n  when: 2010\n",
    ),
    "published_in_full",
    "conf/disclosure-exceptions.toml",
)

# == traceback bait =======================================================================

DATED = (
    f"kind: tables\nid: {N}\ntitle: Dates\nperiod: 2009/10\nsource: report-2010\ntables:\n"
    "  meetings:\n    title: Meetings\n    columns:\n      - {key: what, label: What, unit: text}\n"
    "      - {key: when, label: When, unit: date}\n    rows:\n"
    f"      - {{key: first, what: '{M}', when: WHEN}}\n"
)
data(
    "data-impossible-date",
    "bait",
    DATED.replace("WHEN", "2010-02-30"),
    "2010-02-30",
    "February 2010 has 28 days",
)
data(
    "data-month-13",
    "bait",
    DATED.replace("WHEN", "2010-13-01"),
    "2010-13-01",
    "there is no month 13",
)
case(
    "data-not-utf8",
    "bait",
    {
        f"data/2009-10/{N}.yaml": tables("data-not-utf8", "Caf\xe9 HX-data-not-utf8").encode(
            "latin-1"
        )
    },
    f"data/2009-10/{N}.yaml:14:18",
    "is not UTF-8",
)
data("data-empty", "bait", "", None, "must be a mapping", marker="Traceback")
data(
    "data-only-a-comment", "bait", "# nothing yet\n", None, "must be a mapping", marker="Traceback"
)
data("data-is-a-list", "bait", "- one\n- two\n", None, "must be a mapping", marker="Traceback")
data("data-nul-byte", "bait", tables(N, f"Staff\x00 {M}"), "\x00", "not valid YAML")
case(
    "page-only-front-matter",
    "bait",
    {f"docs/{N}.md": "---\nowner: The board\nreviewed: 2010-02-30\n---\n"},
    f"docs/{N}.md:3",
    "2010-02-30",
    marker="Traceback",
)
case(
    "page-not-utf8",
    "bait",
    {f"docs/{N}.md": b"# Latin\n\nCaf\xe9 HX-page-not-utf8\n"},
    f"docs/{N}.md:1",
    "is not UTF-8",
    build_says="UTF-8",
    marker="Traceback",
    alone=True,  # were Sphinx to stop on it, the build of the other pages would stop too
)

# == conf/ ================================================================================

CONF = (ROOTS / ROOT_NAME / "conf" / "conf.py").read_text("utf-8")
EXTENSIONS = 'myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "substitution"]'


def conf_line(text: str) -> int:
    return CONF[: CONF.index(text)].count("\n") + 1


for name, extension, body, marker in (
    ("conf-html-image", "html_image", f'<img src="x" onerror="alert(1)//{M}">\n', ATTRIBUTE),
    (
        "conf-html-admonition",
        "html_admonition",
        f'<div class="admonition note" onclick="alert(1)//{M}">x</div>\n',
        ATTRIBUTE,
    ),
    (
        "conf-linkify",
        "linkify",
        f"Go to www.evil.example/{M} now.\n",
        'href="http://www.evil.example',
    ),
    (
        "conf-dollarmath",
        "dollarmath",
        f"Maths $\\href{{javascript:alert('{M}')}}{{x}}$.\n",
        'class="math',
    ),
):
    case(
        name,
        "conf",
        {
            "conf/conf.py": CONF.replace(EXTENSIONS, EXTENSIONS[:-1] + f', "{extension}"]'),
            f"docs/{N}.md": TITLE + body,
        },
        f"conf/conf.py:{conf_line(EXTENSIONS)}",
        f"the MyST extension '{extension}'",
        marker=marker,
        found_by=BUILD_ONLY,
        why=CONF_PY,
        alone=True,
    )
case(
    "conf-source-suffix-rst",
    "conf",
    {
        "conf/conf.py": CONF.replace(
            '{".md": "markdown"}', '{".md": "markdown", ".rst": "restructuredtext"}'
        ),
        f"docs/{N}.rst": f"Hostile\n=======\n\n.. raw:: html\n\n   <script>alert('{M}')</script>\n",
    },
    f"conf/conf.py:{conf_line('source_suffix')}",
    "source_suffix",
    found_by=BUILD_ONLY,
    why=CONF_PY,
    alone=True,
)
case(
    "safety-toml-malformed",
    "conf",
    {"conf/safety.toml": "[myst\nextensions = ['colon_fence'\n"},
    "conf/safety.toml:1",
    "not valid TOML",
    alone=True,
    marker="Traceback",
)
case(
    "safety-toml-missing",
    "conf",
    {"conf/safety.toml": None},
    "conf/safety.toml:1",
    "is missing",
    alone=True,
    marker="Traceback",
)
case(
    "safety-toml-wrong-types",
    "conf",
    {"conf/safety.toml": "[myst]\nextensions = 'colon_fence'\n"},
    "conf/safety.toml:1",
    "must be a list",
    alone=True,
    marker="Traceback",
)
case(
    "lscb-toml-malformed",
    "conf",
    {"conf/lscb.toml": "[board\nname = 'x'\n"},
    "conf/lscb.toml:1",
    "not valid TOML",
    alone=True,
    marker="Traceback",
)


# == accepted =============================================================================


@dataclass(frozen=True)
class Accepted:
    """An edit that must pass: check exit 0, build status 0, and what it shows."""

    kind: str
    files: Files
    shows: Mapping[str, tuple[str, ...]]  # output file -> what it holds
    hides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # ... and does not


def accepted_page(name: str, body: str) -> dict[str, Spec]:
    return {f"docs/{name}.md": f"# Accepted {name}\n\n{body}"}


FORMULA = '=HYPERLINK("https://evil.example/x","Click")'
ACCEPTED: dict[str, Accepted] = {
    "section-numbers": Accepted(
        "text",
        accepted_page(
            "a-sections",
            "Section 47 enquiries under S47, paragraph 4.3.2 and section 0207 of the guidance "
            "cover 0.5% of children: 1,000 referrals in 2009/10.\n",
        ),
        {"a-sections.html": ("Section 47", "S47", "paragraph 4.3.2", "section 0207", "0.5%")},
    ),
    "published-statistic": Accepted(
        "text",
        accepted_page(
            "a-statistic",
            "Initial assessments: {fig}`indicators.latest/initial-assessments/thurrock`.\n",
        ),
        {"a-statistic.html": ("73.5%",)},
    ),
    "https-link": Accepted(
        "links",
        accepted_page("a-https", "Read [the guidance](https://www.gov.uk/working-together).\n"),
        {"a-https.html": ('href="https://www.gov.uk/working-together"',)},
    ),
    "mailto-allowed-address": Accepted(
        "links",
        accepted_page("a-mailto", "Write to [the board](mailto:lscb@example.gov.uk).\n"),
        # docutils writes the address with its characters as entities and %-escapes.
        {"a-mailto.html": ('href="mailto:lscb&#37;&#52;&#48;example&#46;gov&#46;uk"',)},
    ),
    "relative-link": Accepted(
        "links",
        accepted_page("a-relative", "See [the plain page](plain.md).\n"),
        {"a-relative.html": ('href="plain.html"',)},
    ),
    "board-substitution": Accepted(
        "template",
        accepted_page("a-board", "This is the {{ board }} site; counts below {{ threshold }}.\n"),
        {"a-board.html": ("This is the Test LSCB site", "counts below 4")},
    ),
    "allowed-directives": Accepted(
        "directives",
        accepted_page(
            "a-directives",
            ":::{note}\n:class: tip\nA note.\n:::\n\n"
            "```{toctree}\n:hidden:\n:maxdepth: 1\n\nplain\n```\n\n"
            ":::{list-table}\n:header-rows: 1\n\n* - Area\n  - Count\n* - North\n  - 12\n:::\n",
        ),
        {"a-directives.html": ("A note.", "<th", "North")},
    ),
    "image-in-docs": Accepted(
        "paths",
        {
            **accepted_page(
                "a-image",
                "![a chart](a-image.png)\n\n"
                "```{figure} a-image.png\n:alt: A chart\n\nA caption.\n```\n",
            ),
            "docs/a-image.png": PNG,
        },
        {"a-image.html": ("_images/a-image.png", "A caption."), "_images/a-image.png": ("PNG",)},
    ),
    "include-in-docs": Accepted(
        "paths",
        {
            **accepted_page("a-include", "```{include} a-include-part.txt\n```\n"),
            "docs/a-include-part.txt": "Included words from docs.\n",
        },
        {"a-include.html": ("Included words from docs.",)},
    ),
    "literalinclude-from-data": Accepted(
        "paths",
        accepted_page(
            "a-literal",
            "```{literalinclude} /../data/2009-10/budget.yaml\n:language: text\n:lines: 1-3\n```\n",
        ),
        {"a-literal.html": ("id: budget",)},
    ),
    "download-in-docs": Accepted(
        "paths",
        {
            **accepted_page("a-download", "Get {download}`the notes <a-download.txt>`.\n"),
            "docs/a-download.txt": "Notes for download.\n",
        },
        {"a-download.html": ("a-download.txt",)},
    ),
    "script-in-code": Accepted(
        "html",
        accepted_page(
            "a-code",
            "```html\n<script>alert('shown as code')</script>\n```\n\n"
            "Inline `<b onclick=x()>` too.\n",
        ),
        {"a-code.html": ('<span class="nt">script</span>', "shown as code", "onclick=x()&gt;")},
        {"a-code.html": ("<script>alert(", "<b onclick")},
    ),
    "entities-stay-text": Accepted(
        "html",
        accepted_page(
            "a-entities", "Written &lt;script&gt;alert('as text')&lt;/script&gt; here.\n"
        ),
        {"a-entities.html": ("&lt;script&gt;alert(",)},
        {"a-entities.html": ("<script>alert(",)},
    ),
    "comment-left-out": Accepted(
        "html",
        accepted_page("a-comment", "<!-- Generated: left out. -->\n\nText.\n"),
        {"a-comment.html": ("Text.",)},
        {"a-comment.html": ("Generated: left out.",)},
    ),
    "javascript-in-data-text": Accepted(
        "links",
        {
            "data/2009-10/a-javascript.yaml": tables(
                "a-javascript", "\"javascript:alert('data text')\""
            ),
            **accepted_page("a-javascript", "```{data-table} a-javascript.items\n```\n"),
        },
        {"a-javascript.html": ("javascript:alert(",)},
        {"a-javascript.html": ('href="javascript:',)},
    ),
    "formula-in-data-cell": Accepted(
        "formula",
        {
            "data/2009-10/a-formula.yaml": tables("a-formula", f"'{FORMULA}'", "1200"),
            **accepted_page("a-formula", "```{data-table} a-formula.items\n```\n"),
        },
        {"_downloads/data/2009-10/a-formula.items.csv": ("'" + FORMULA.replace('"', '""'),)},
    ),
    "deflist-and-fieldlist": Accepted(
        "text",
        accepted_page("a-lists", "Term\n: A definition.\n\n:Owner: The board\n"),
        {"a-lists.html": ("A definition.", "The board")},
    ),
}

# == running a case =======================================================================


@dataclass
class Built:
    """What one build printed, its exit status, and every byte it wrote."""

    root: Path
    status: int
    printed: str
    written: bytes


def make_root(folder: Path) -> Path:
    """A copy of the test project, held (as make_project does) to the shipped allowlist."""
    root = folder / ROOT_NAME
    shutil.copytree(ROOTS / ROOT_NAME, root, symlinks=True)
    shutil.copy(REPO / "conf" / "safety.toml", root / "conf" / "safety.toml")
    return root


def run_check(root: Path) -> tuple[int, str]:
    """``lscb-kb check`` in this process: its exit status, and everything it printed."""
    out = io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            status = lscb_kb(["--root", str(root), "check"])
        except Exception:  # printed, so that the case fails on it
            status = -1
            traceback.print_exc(file=out)
    return status, out.getvalue()


def run_build(root: Path) -> Built:
    """Sphinx in this process, as ``sphinx-build -E -n -W --keep-going`` builds the site."""
    status, warning = io.StringIO(), io.StringIO()
    out = root / "build" / "html"
    code = -1
    try:
        with contextlib.chdir(root), sphinx_state(root / "conf"):
            app = Sphinx(
                srcdir=root / "docs",
                confdir=root / "conf",
                outdir=out,
                doctreedir=root / "build" / "doctrees",
                buildername="html",
                status=status,
                warning=warning,
                freshenv=True,
                warningiserror=True,
                confoverrides={"nitpicky": True},
            )
            app.build()
            code = app.statuscode
    except Exception:  # printed, so that the case fails on it
        warning.write(traceback.format_exc())
    printed = strip_escape_sequences(status.getvalue() + warning.getvalue())
    return Built(root, code, printed.replace(f"{root}/", ""), written(out))


def written(folder: Path) -> bytes:
    """Every file under *folder*, byte for byte."""
    if not folder.is_dir():
        return b""
    return b"\0".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under *folder*, by its path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_no_traceback(text: str) -> None:
    for sign in TRACEBACKS:
        assert sign not in text, text


def reports(printed: str, where: str, says: str, *, warning: bool = False) -> bool:
    """Whether *printed* has a line at *where* (``file:line`` or ``file:line:column``, and
    for the build a warning) that says *says*."""
    for line in printed.splitlines():
        if not line.startswith(where + ":") or says not in line:
            continue
        if not warning or any(f": {level}: " in line for level in LEVELS):
            return True
    return False


def shared_build(shared_builds: SharedBuilds, name: str, prepare: Callable[[Path], None]) -> Built:
    """The test project changed by *prepare* and built, once in a run (see SharedBuilds)."""

    def make(folder: Path) -> tuple[int, str]:
        root = make_root(folder)
        prepare(root)
        built = run_build(root)
        return built.status, built.printed

    folder, (status, printed) = shared_builds.get(name, make)
    root = folder / ROOT_NAME
    return Built(root, status, printed, written(root / "build" / "html"))


@pytest.fixture(scope="session")
def builds(shared_builds: SharedBuilds) -> Callable[[str], Built]:
    """The build of a case: shared by every case of its batch, or its own; made once in a run,
    by whichever worker needs it first."""

    def get(name: str) -> Built:
        hostile = CASES[name]
        key = name if hostile.alone else hostile.batch

        def prepare(root: Path) -> None:
            if hostile.alone:
                hostile.apply(root)
            else:
                for other in CASES.values():
                    if not other.alone and other.batch == key:
                        other.apply(root)

        return shared_build(shared_builds, f"hostile-{key}", prepare)

    return get


# == the tests ============================================================================


def test_catalogue_covers_every_class_of_hostile_input() -> None:
    assert len(CASES) >= 100
    assert len(ACCEPTED) >= 10
    assert {c.kind for c in CASES.values()} == {
        "template",
        "html",
        "paths",
        "links",
        "front matter",
        "hidden",
        "limits",
        "personal",
        "switches",
        "bait",
        "conf",
    }
    for name, hostile in CASES.items():
        assert hostile.marker, name
        assert hostile.found_by == BOTH or hostile.why, name


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.found_by != BUILD_ONLY))
def test_check_refuses_at_file_and_line(tmp_path: Path, name: str) -> None:
    hostile = CASES[name]
    root = make_root(tmp_path)
    hostile.apply(root)
    status, printed = run_check(root)
    assert_no_traceback(printed)
    assert status != 0, printed
    assert reports(printed, hostile.where, hostile.says), printed


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.found_by == BUILD_ONLY))
def test_check_reads_what_only_the_build_finds_without_a_traceback(
    tmp_path: Path, name: str
) -> None:
    hostile = CASES[name]
    root = make_root(tmp_path)
    hostile.apply(root)
    _status, printed = run_check(root)
    assert_no_traceback(printed)


@pytest.mark.parametrize("name", sorted(CASES))
def test_build_refuses_at_file_and_line(builds: Callable[[str], Built], name: str) -> None:
    hostile = CASES[name]
    built = builds(name)
    assert_no_traceback(built.printed)
    assert built.status != 0, built.printed
    # file:line: the build gives a column only where it knows one.
    where = ":".join((hostile.build_where or hostile.where).split(":")[:2])
    says = hostile.build_says if hostile.build_says is not None else hostile.says
    assert reports(built.printed, where, says, warning=True), built.printed


@pytest.mark.parametrize("name", sorted(CASES))
def test_nothing_refused_reaches_the_output(
    builds: Callable[[str], Built], tmp_path: Path, name: str
) -> None:
    hostile = CASES[name]
    if hostile.written_then_refused:
        # What the pipeline publishes: publish runs the check first, and publishes nothing.
        root = make_root(tmp_path)
        hostile.apply(root)
        out = io.StringIO()
        with contextlib.chdir(root), contextlib.redirect_stdout(out), pytest.raises(PublishError):
            publish(root)
        assert_no_traceback(out.getvalue())
        assert not (root / "build" / "html").exists()
        assert not (root / "build" / "html.new").exists()
        return
    built = builds(name)
    assert_no_traceback(built.printed)
    assert b"<html" in built.written, "the build wrote no page"
    assert hostile.marker.encode("utf-8") not in built.written


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """build/html as publish makes it from the test project unchanged."""
    root = make_root(tmp_path_factory.mktemp("good"))
    with (
        run_sphinx_in_this_process(),
        contextlib.chdir(root),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        site = publish(root)
    return snapshot(site)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.usefixtures("sphinx_in_process")
def test_publish_leaves_the_last_good_site_byte_for_byte(
    good_site: dict[str, bytes], tmp_path: Path, capfd: pytest.CaptureFixture[str], name: str
) -> None:
    root = make_root(tmp_path)
    site = root / "build" / "html"
    for relpath, content in good_site.items():
        (site / relpath).parent.mkdir(parents=True, exist_ok=True)
        (site / relpath).write_bytes(content)
    CASES[name].apply(root)
    with contextlib.chdir(root), pytest.raises(PublishError):
        publish(root)
    captured = capfd.readouterr()
    assert_no_traceback(captured.out + captured.err)
    assert snapshot(site) == good_site
    assert not (root / "build" / "html.new").exists()
    assert not (root / "build" / "doctrees.new").exists()


@pytest.fixture(scope="session")
def accepted_build(shared_builds: SharedBuilds) -> Built:
    """Every accepted edit in one project, built once in a run."""

    def prepare(root: Path) -> None:
        for accepted in ACCEPTED.values():
            write_files(root, accepted.files)

    return shared_build(shared_builds, "hostile-accepted", prepare)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_passes_the_check(tmp_path: Path, name: str) -> None:
    root = make_root(tmp_path)
    write_files(root, ACCEPTED[name].files)
    status, printed = run_check(root)
    assert_no_traceback(printed)
    assert status == 0, printed


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_is_built_and_shown(accepted_build: Built, name: str) -> None:
    assert_no_traceback(accepted_build.printed)
    assert " WARNING: " not in accepted_build.printed, accepted_build.printed
    assert accepted_build.status == 0, accepted_build.printed
    out = accepted_build.root / "build" / "html"
    accepted = ACCEPTED[name]
    for relpath, strings in accepted.shows.items():
        text = (out / relpath).read_bytes().decode("utf-8", "replace")
        for string in strings:
            assert string in text, (relpath, string)
    for relpath, strings in accepted.hides.items():
        text = (out / relpath).read_text("utf-8")
        for string in strings:
            assert string not in text, (relpath, string)


def test_formula_cell_is_neutralised_and_a_number_stays_a_number(accepted_build: Built) -> None:
    """The data refuses a negative number in every numeric unit, so the number beside the
    formula is a positive one: it must be written as a number, not quoted as text."""
    path = accepted_build.root / "build" / "html" / "_downloads" / "data" / "2009-10"
    with (path / "a-formula.items.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = list(csv.reader(handle))
    row = next(row for row in cells if any("HYPERLINK" in cell for cell in row))
    assert "'" + FORMULA in row, row
    assert "1200" in row, row
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row), row
