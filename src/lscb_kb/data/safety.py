"""Content safety: what a page may not do, found without building the site.

A page may not carry raw HTML (blocks or inline), use the ``raw`` directive, insert a file from
outside ``docs/`` and ``data/`` (``include``, ``literalinclude``, ``csv-table :file:``), link to
a ``javascript:``, ``vbscript:`` or ``data:`` address, or use its front matter to change the
MyST settings that keep all of that switched off. ``lscb-kb check`` runs :func:`scan_pages`;
the Sphinx extension runs :func:`scan_page` on each page it reads and reports the same
problems at the same lines, then checks the parsed page as well (see
:mod:`lscb_kb.sphinxext.safety`).

Pages are parsed with markdown-it, the parser MyST itself uses, so that code blocks and
inline code (where ``<script>`` is only an example) are told apart from HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .problems import Problem, display_path

RULE = "safety"

FRONT_MATTER_MYST_ALLOWED = frozenset(
    {"heading_anchors", "footnote_transition", "number_code_blocks", "substitutions"}
)
"""The MyST settings a page's front matter may change; none of them lets HTML or code in."""

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
FILE_DIRECTIVES = ("include", "literalinclude")
_DIRECTIVE = re.compile(r"^\{([A-Za-z0-9_:.-]+)\}\s*(.*)$")
_OPTION = re.compile(r"^\s*:([A-Za-z0-9_-]+):\s*(.*)$")
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+([A-Za-z0-9_:-]+)::\s*(.*)$")
_RST_OPTION = re.compile(r"^\s+:([A-Za-z0-9_-]+):\s*(.*)$")
_URL_IN_TEXT = re.compile(r"(?i)(?:java\s*script|vb\s*script|data)\s*:")

RAW_HTML = (
    "raw HTML is not allowed on a page (the site runs no HTML or script from pages); "
    "use Markdown or a directive instead, or put the text in `code` if it is an example"
)


@dataclass(frozen=True)
class PageScope:
    """Where pages may insert files from: the pages' folder and the data folder."""

    docs: Path
    allowed: tuple[Path, ...]

    def permits(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(base.resolve()) for base in self.allowed)


_COMMENT = re.compile(r"\s*<!--(?:(?!-->).)*-->\s*", re.DOTALL)


def only_a_comment(html: str) -> bool:
    """Whether *html* is nothing but one HTML comment (``<!-- ... -->``): it runs nothing.

    Comments are allowed (generated pages carry one); the build leaves them out of the page.
    """
    return _COMMENT.fullmatch(html) is not None


def dangerous_url(url: str) -> bool:
    """Whether *url* would run code or smuggle content: ``javascript:``, ``data:`` and the like.

    Browsers ignore spaces, tabs, newlines and control characters inside a scheme, and its case.
    """
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    return cleaned.startswith(DANGEROUS_SCHEMES)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.use(front_matter_plugin).use(colon_fence_plugin)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # see every link
    return md


_MD = _parser()


def scan_page(text: str, file: str, page: Path, scope: PageScope) -> list[Problem]:
    """Every content-safety problem in one MyST page, at its line and column."""
    problems: list[Problem] = []
    _scan_markdown(text, 0, file, page, scope, problems, front_matter=True)
    return sorted(set(problems))


def _problem(file: str, line: int, column: int, message: str) -> Problem:
    return Problem(file, line, column, "", message, RULE)


def _scan_markdown(
    text: str,
    offset: int,
    file: str,
    page: Path,
    scope: PageScope,
    out: list[Problem],
    *,
    front_matter: bool = False,
) -> None:
    try:
        tokens = _MD.parse(text)
    except Exception as err:
        out.append(_problem(file, offset + 1, 0, f"the page could not be parsed: {err}"))
        return
    lines = text.splitlines()
    for token in tokens:
        start = (token.map[0] if token.map else 0) + offset + 1
        if token.type == "front_matter" and front_matter:
            _front_matter(token.content, start, file, page, scope, out)
        elif token.type == "html_block" and not only_a_comment(token.content):
            column = _column(lines, start - offset - 1, "<")
            out.append(_problem(file, start, column, RAW_HTML))
        elif token.type == "inline":
            _inline(token, start, lines, offset, file, out)
        elif token.type in ("fence", "colon_fence"):
            _fence(token, start, file, page, scope, out)


def _column(lines: Sequence[str], index: int, needle: str) -> int:
    if 0 <= index < len(lines):
        found = lines[index].find(needle)
        return found + 1 if found >= 0 else 1
    return 1


def _inline(
    token: Token, start: int, lines: Sequence[str], offset: int, file: str, out: list[Problem]
) -> None:
    line = start
    cursor = 0

    def column(needle: str) -> int:
        nonlocal cursor
        index = line - offset - 1
        if not 0 <= index < len(lines):
            return 1
        found = lines[index].find(needle, cursor) if needle else -1
        if found < 0:
            return 1
        cursor = found + 1
        return found + 1

    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
            cursor = 0
        elif child.type == "html_inline" and not only_a_comment(child.content):
            out.append(_problem(file, line, column(child.content[:10]), RAW_HTML))
        elif child.type in ("link_open", "image"):
            attr = "href" if child.type == "link_open" else "src"
            url = str(child.attrGet(attr) or "")
            if dangerous_url(url):
                out.append(_problem(file, line, column(url[:8]), _url_message(url)))


def _url_message(url: str) -> str:
    scheme = re.sub(r"[\x00-\x20\x7f]", "", url).split(":", 1)[0].lower()
    return (
        f"a link to a '{scheme}:' address is not allowed (it could run code in a reader's "
        "browser or hide content); link to a page of the site or to an https:// address"
    )


def _fence(
    token: Token, start: int, file: str, page: Path, scope: PageScope, out: list[Problem]
) -> None:
    match = _DIRECTIVE.match(token.info.strip())
    if match is None:
        return  # a code block: its text is shown as code, never run
    name, argument = match.group(1), match.group(2).strip()
    body = token.content.splitlines()
    options: dict[str, tuple[str, int]] = {}
    index = 0
    if body and body[0].strip() == "---":  # options as a YAML block
        index = 1
        while index < len(body) and body[index].strip() != "---":
            key, _, value = body[index].partition(":")
            options[key.strip()] = (value.strip(), start + 1 + index)
            index += 1
        index += 1
    else:
        while index < len(body):
            option = _OPTION.match(body[index])
            if not option:
                break
            options[option.group(1)] = (option.group(2).strip(), start + 1 + index)
            index += 1
    for key, (value, line) in options.items():
        if dangerous_url(value):
            out.append(_problem(file, line, 1, f"option ':{key}:': {_url_message(value)}"))
    if name == "raw":
        out.append(
            _problem(
                file,
                start,
                1,
                "the 'raw' directive is not allowed: the site publishes no HTML written by "
                "hand; use Markdown or a directive instead",
            )
        )
        return
    if name in FILE_DIRECTIVES:
        _insertion(name, argument, start, file, page, scope, out)
    if "file" in options:
        value, line = options["file"]
        _insertion(f"{name} :file:", value, line, file, page, scope, out, from_root=False)
    if "url" in options and name in ("csv-table", "raw", "include"):
        out.append(
            _problem(
                file,
                options["url"][1],
                1,
                f"'{name}' may not read from a web address (':url:'); put the data in data/",
            )
        )
    if name == "eval-rst":
        _scan_rst(body, start + 1, file, page, scope, out)
        return
    if name in ("code", "code-block", "sourcecode", "literalinclude", "include", "math"):
        return
    content = "\n".join(body[index:])
    _scan_markdown(content, start + index, file, page, scope, out)


def _insertion(
    name: str,
    argument: str,
    line: int,
    file: str,
    page: Path,
    scope: PageScope,
    out: list[Problem],
    *,
    from_root: bool = True,
) -> None:
    """Refuse a file insertion from outside the allowed folders. Sphinx reads an ``include``
    path that starts with ``/`` from the pages' folder (*from_root*); docutils reads a
    ``:file:`` option's absolute path as it is."""
    if not argument:
        return
    if argument.startswith("<") and argument.endswith(">"):
        target = None
    elif argument.startswith("/") and from_root:
        target = scope.docs / argument.lstrip("/")
    else:
        target = page.parent / argument
    if target is None or not scope.permits(target):
        out.append(
            _problem(
                file,
                line,
                1,
                f"'{name}' may only insert files from docs/ and data/, not '{argument}'",
            )
        )


def _scan_rst(
    body: Sequence[str], start: int, file: str, page: Path, scope: PageScope, out: list[Problem]
) -> None:
    """reStructuredText inside ``eval-rst``: the same rules, read line by line."""
    current: str | None = None
    for index, text in enumerate(body):
        line = start + index
        directive = _RST_DIRECTIVE.match(text)
        if directive:
            current = directive.group(1)
            argument = directive.group(2).strip()
            if current == "raw":
                out.append(_problem(file, line, 1, "the 'raw' directive is not allowed"))
            elif current in FILE_DIRECTIVES:
                _insertion(current, argument, line, file, page, scope, out)
        option = _RST_OPTION.match(text)
        if option and current and option.group(1) in ("file", "url"):
            if option.group(1) == "url":
                out.append(_problem(file, line, 1, f"'{current}' may not read a web address"))
            else:
                _insertion(
                    f"{current} :file:",
                    option.group(2),
                    line,
                    file,
                    page,
                    scope,
                    out,
                    from_root=False,
                )
        if _URL_IN_TEXT.search(text) and any(
            dangerous_url(chunk) for chunk in re.split(r"[\s<>`'\"(]+", text)
        ):
            out.append(_problem(file, line, 1, _url_message(_URL_IN_TEXT.search(text).group())))  # type: ignore[union-attr]
        if re.search(r"(?i)<\s*/?\s*[a-z][^>]*>", text) and ":raw-html:" in text:
            out.append(_problem(file, line, 1, RAW_HTML))


def front_matter_problems(data: Any, line_of: dict[str, int], file: str) -> Iterator[Problem]:
    """Front matter that would switch off what keeps pages safe."""
    if not isinstance(data, dict):
        return
    first = min(line_of.values(), default=1)
    if "html_meta" in data:
        yield _problem(
            file,
            line_of.get("html_meta", first),
            1,
            "front matter may not set 'html_meta': a page may not add HTML to the site's <head>",
        )
    myst = data.get("myst")
    if myst is None:
        return
    if not isinstance(myst, dict):
        yield _problem(file, line_of.get("myst", first), 1, "front matter 'myst' must be a mapping")
        return
    for key in myst:
        if key not in FRONT_MATTER_MYST_ALLOWED:
            yield _problem(
                file,
                line_of.get(f"myst.{key}", line_of.get("myst", first)),
                1,
                f"front matter may not change the MyST setting '{key}': the site's MyST settings "
                "are in conf/conf.py and keep raw HTML and scripts out of every page; allowed "
                f"here: {', '.join(sorted(FRONT_MATTER_MYST_ALLOWED))}",
            )


def _front_matter(
    content: str, start: int, file: str, page: Path, scope: PageScope, out: list[Problem]
) -> None:
    """*start* is the line of the opening ``---``; the YAML begins on the next line."""
    try:
        # Read as MyST reads front matter, so that the scan sees what the build will see.
        data = yaml.safe_load(content)
    except (yaml.YAMLError, ValueError) as err:
        out.append(_problem(file, start, 1, f"the front matter is not valid YAML: {err}"))
        return
    line_of = _key_lines(content, start + 1)
    out.extend(front_matter_problems(data, line_of, file))
    if not isinstance(data, dict):
        return
    substitutions: dict[str, Any] = {}
    if isinstance(data.get("substitutions"), dict):
        substitutions.update(data["substitutions"])
    myst = data.get("myst")
    if isinstance(myst, dict) and isinstance(myst.get("substitutions"), dict):
        substitutions.update(myst["substitutions"])
    for key, value in substitutions.items():
        if isinstance(value, str):
            line = line_of.get(f"substitutions.{key}", line_of.get(str(key), start))
            _scan_markdown(value, line - 1, file, page, scope, out)


def _key_lines(content: str, first_line: int) -> dict[str, int]:
    """Where each top-level key (``key``) and each key one level in (``parent.key``) starts."""
    found: dict[str, int] = {}
    parent: str | None = None
    for index, text in enumerate(content.splitlines()):
        match = re.match(r"^(\s*)([A-Za-z0-9_-]+)\s*:", text)
        if not match:
            continue
        if not match.group(1):
            parent = match.group(2)
            found.setdefault(parent, first_line + index)
        elif parent:
            found.setdefault(f"{parent}.{match.group(2)}", first_line + index)
            found.setdefault(match.group(2), first_line + index)
    return found


def project_scope(root: Path, data_dir: str = "data") -> PageScope:
    """The scope of a project: pages in ``docs/`` may insert files from ``docs/`` and data."""
    docs = root / "docs"
    return PageScope(docs=docs, allowed=(docs, root / data_dir))


def scan_pages(
    root: Path, data_dir: str = "data", pages: Iterable[Path] | None = None
) -> list[Problem]:
    """Run the content-safety scan over every page under ``docs/``."""
    scope = project_scope(root, data_dir)
    problems: list[Problem] = []
    for path in pages if pages is not None else sorted(scope.docs.rglob("*.md")):
        shown = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            problems.append(
                _problem(shown, 1, 0, f"is not UTF-8 text ({err.reason}); save the page as UTF-8")
            )
            continue
        except OSError as err:
            problems.append(_problem(shown, 1, 0, f"can not be read: {err.strerror}"))
            continue
        problems.extend(scan_page(text, shown, path, scope))
    return sorted(problems)
