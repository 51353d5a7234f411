"""Content safety of pages, found without building the site: early, located feedback.

``lscb-kb check`` runs :func:`scan_pages`. The build does not rely on this scan: it enforces the
same allowlist (``conf/safety.toml``, :mod:`lscb_kb.core.policy`) inside the parser and on the
final doctree and written HTML (:mod:`lscb_kb.sphinxext.safety`). Both word each refusal with
the policy's functions, so the check and the build say the same thing at the same line.

Pages are parsed with MyST's own markdown-it parser (the same plugins, set up from the same
allowlisted syntax extensions), so that code blocks and inline code (where ``<script>`` is only
an example) are told apart from HTML, and a directive's closing fence is never taken for the
start of a code block. Refused: raw HTML; directives, options and roles the allowlist does not
list; substitutions other than the listed names; front matter that changes a MyST setting that
is not listed, or sets substitutions or ``html_meta``; links and images whose address the link
policy refuses; file paths outside ``docs/`` and ``data/``; and hidden characters (bidi
controls, zero-width characters, :data:`lscb_kb.core.hygiene.HIDDEN`) anywhere in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from ..core.hygiene import hidden_character_problems
from ..core.policy import SafetyPolicy, load_policy
from ..core.problems import LscbError, Problem, display_path

RULE = "safety"

FILE_OPTIONS = ("file",)
"""Options whose value is a path that is read while the page is parsed."""
PATH_DIRECTIVES = ("include", "literalinclude", "image", "figure")
"""Directives whose argument is a path."""
LITERAL_DIRECTIVES = frozenset(
    {"code", "code-block", "sourcecode", "literalinclude", "include", "math", "csv-table"}
)
"""Directives whose content is not Markdown."""

_OPTION = re.compile(r"^\s*:([A-Za-z0-9_-]+):\s*(.*)$")

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
        """Whether *path*, with every symbolic link followed, lies inside an allowed folder."""
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError, ValueError):
            return False
        return any(resolved.is_relative_to(base.resolve()) for base in self.allowed)

    def target(self, argument: str, page: Path, *, from_root: bool = True) -> Path:
        """The file a path names: from the pages' folder if it starts with ``/`` (as Sphinx
        reads it), else from the page's folder."""
        if argument.startswith("/") and from_root:
            return self.docs / argument.lstrip("/")
        return page.parent / argument


_COMMENT = re.compile(r"\s*<!--(?:(?!-->).)*-->\s*", re.DOTALL)


def only_a_comment(html: str) -> bool:
    """Whether *html* is nothing but one HTML comment (``<!-- ... -->``): it runs nothing."""
    return _COMMENT.fullmatch(html) is not None


def markdown_parser(extensions: Iterable[str]) -> MarkdownIt:
    """MyST's own markdown-it parser with the syntax *extensions* on, as the build reads pages
    (the tokens only: nothing is rendered). :mod:`lscb_kb.checks.pages` and
    :mod:`lscb_kb.checks.audit` read pages with it too: one parser for each set of extensions,
    which only :func:`parse_markdown` uses."""
    return _markdown_parser(frozenset(extensions))


@lru_cache(maxsize=8)
def _markdown_parser(extensions: frozenset[str]) -> MarkdownIt:
    # MyST's modules import docutils: only a parse of a page loads them.
    from myst_parser.config.main import MdParserConfig  # noqa: PLC0415
    from myst_parser.parsers.mdit import create_md_parser  # noqa: PLC0415

    config = MdParserConfig(enable_extensions=set(extensions))
    md = create_md_parser(config, RendererHTML)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # see every link
    return md


def load_front_matter(content: str) -> Any:
    """A page's front matter as YAML reads it, as MyST reads it (``yaml.safe_load``), once for
    the checks and the build that read it; what it gives is read, never changed.

    A front matter that YAML can not read raises the same error each time it is asked for, and
    is read once too: PyYAML takes time that grows with the square of the depth of nested
    brackets, and a page of them is refused at every reading.
    """
    value, error = _loaded_front_matter(content)
    if error is not None:
        raise error.with_traceback(None)
    return value


@lru_cache(maxsize=512)
def _loaded_front_matter(content: str) -> tuple[Any, Exception | None]:
    try:
        return yaml.safe_load(content), None
    except Exception as err:  # raised again, as it is, by load_front_matter
        return None, err.with_traceback(None)


@lru_cache(maxsize=1024)
def parse_markdown(md: MarkdownIt, text: str) -> tuple[Token, ...]:
    """The tokens of *text*: the check reads each page three times (its references, its
    safety, its bare numbers), and parses it once. The tokens are read, never changed; a text
    that does not parse raises each time it is asked for."""
    return tuple(md.parse(text))


def _parser(policy: SafetyPolicy) -> MarkdownIt:
    return markdown_parser(policy.myst_extensions)


class _Scanner:
    def __init__(
        self, file: str, page: Path, scope: PageScope, policy: SafetyPolicy, text: str
    ) -> None:
        self.file, self.page, self.scope, self.policy = file, page, scope, policy
        self.md = _parser(policy)
        self.lines = text.split("\n")
        self.out: list[Problem] = []

    def problem(self, line: int, column: int, message: str) -> None:
        self.out.append(Problem(self.file, line, column, "", message, RULE))

    def column(self, line: int, needle: str) -> int:
        if 0 < line <= len(self.lines) and needle:
            found = self.lines[line - 1].find(needle)
            if found >= 0:
                return found + 1
        return 1

    def markdown(self, text: str, offset: int, *, front_matter: bool = False) -> None:
        try:
            tokens = parse_markdown(self.md, text)
        except Exception as err:
            self.problem(offset + 1, 1, f"the page could not be parsed: {err}")
            return
        for token in tokens:
            start = (token.map[0] if token.map else 0) + offset + 1
            if token.type == "front_matter":
                if front_matter:
                    self.front(token.content, start)
            elif token.type == "html_block" and not only_a_comment(token.content):
                self.problem(start, self.column(start, "<"), RAW_HTML)
            elif token.type == "inline":
                self.inline(token, start)
            elif token.type in ("fence", "colon_fence"):
                self.fence(token, start)
            elif token.type == "substitution_block":
                self.substitution(token.content, start)

    def inline(self, token: Token, start: int) -> None:
        line = start
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline" and not only_a_comment(child.content):
                self.problem(line, self.column(line, child.content[:10]), RAW_HTML)
            elif child.type in ("link_open", "image"):
                attr = "href" if child.type == "link_open" else "src"
                url = str(child.attrGet(attr) or "")
                if not self.policy.url_allowed(url):
                    self.problem(line, self.column(line, url[:8]), self.policy.url_message(url))
                elif child.type == "image":
                    self.path("image", url, line, remote_ok=False)
            elif child.type == "myst_role":
                name = str(child.meta.get("name", ""))
                if not self.policy.role_allowed(name):
                    self.problem(
                        line, self.column(line, "{" + name), self.policy.role_message(name)
                    )
                elif name == "download":
                    match = re.search(r"<([^<>]*)>\s*$", child.content)
                    target = match.group(1) if match else child.content.strip()
                    self.path("download", target, line)
            elif child.type == "substitution_inline":
                self.substitution(child.content, line)
            line += child.content.count("\n") if child.type == "text" else 0

    def substitution(self, content: str, line: int) -> None:
        name = content.strip()
        if name not in self.policy.substitutions:
            self.problem(line, self.column(line, "{{"), self.policy.substitution_message(name))

    def fence(self, token: Token, start: int) -> None:
        info = token.info.strip()
        if not (info.startswith("{") and "}" in info):
            return  # a code block: its text is shown as code, never run
        name, _, argument = info[1:].partition("}")
        name, argument = name.strip(), argument.strip()
        if not self.policy.directive_allowed(name):
            self.problem(start, 1, self.policy.directive_message(name))
            return
        body = token.content.split("\n")
        options, index = _options(body, start)
        refused = self.policy.options_refused(name, list(options))
        if refused:
            self.problem(start, 1, self.policy.options_message(name, refused))
            return
        for key, (value, line) in options.items():
            if key in ("link", "target") and not self.policy.url_allowed(value):
                self.problem(line, 1, f"option ':{key}:': {self.policy.url_message(value)}")
            if key in FILE_OPTIONS:
                self.path(f"{name} :file:", value, start, from_root=False)
        if name.lower() in PATH_DIRECTIVES:
            self.path(name, argument, start, remote_ok=name.lower() in ("image", "figure"))
        if name.lower() in LITERAL_DIRECTIVES:
            return
        self.markdown("\n".join(body[index:]), start + index)

    def path(
        self,
        name: str,
        argument: str,
        line: int,
        *,
        from_root: bool = True,
        remote_ok: bool = False,
    ) -> None:
        if not argument:
            return
        if "://" in argument or argument.startswith("//"):
            self.problem(line, 1, remote_message(name, argument))
            return
        if argument.startswith("<") and argument.endswith(">"):
            target = None
        else:
            target = self.scope.target(argument, self.page, from_root=from_root)
        if target is None or not self.scope.permits(target):
            self.problem(line, 1, outside_message(name, argument))

    def front(self, content: str, start: int) -> None:
        """*start* is the line of the opening ``---``; the YAML begins on the next line."""
        try:
            data = load_front_matter(content)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError) as err:
            self.problem(start, 1, f"the front matter is not valid YAML: {err}")
            return
        if not isinstance(data, dict):
            return
        for key, line in front_matter_refusals(data, "---\n" + content, self.policy):
            self.problem(line + start - 1, 1, self.policy.front_matter_message(key))


def remote_message(name: str, argument: str) -> str:
    return (
        f"'{name}' may only use files from docs/ and data/, not an address on another site "
        f"('{argument[:60]}'); copy the file into docs/"
    )


def outside_message(name: str, argument: str) -> str:
    return (
        f"'{name}' may only use files from docs/ and data/, not '{argument[:80]}' (paths are "
        "followed through symbolic links); copy the file into docs/ or data/"
    )


def directive_options(body: Sequence[str], start: int) -> tuple[dict[str, tuple[str, int]], int]:
    """A directive's options, as MyST reads them (a YAML block, or ``:key: value`` lines), each
    with its line (*start* is the line of the directive's opening fence); and the index in
    *body* (the lines after the fence) of the first line of content."""
    return _options(body, start)


def _options(body: Sequence[str], start: int) -> tuple[dict[str, tuple[str, int]], int]:
    """See :func:`directive_options`."""
    options: dict[str, tuple[str, int]] = {}
    index = 0
    if body and body[0].strip() == "---":
        index = 1
        block: list[str] = []
        while index < len(body) and body[index].strip() != "---":
            block.append(body[index])
            index += 1
        index += 1
        try:
            data = yaml.safe_load("\n".join(block))
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            data = None
        if isinstance(data, dict):
            for offset, text in enumerate(block):
                key = text.split(":", 1)[0].strip()
                if key in data:
                    options[key] = (str(data[key]), start + 2 + offset)
            for key, value in data.items():
                options.setdefault(str(key), (str(value), start + 1))
        return options, index
    while index < len(body):
        option = _OPTION.match(body[index])
        if not option:
            break
        options[option.group(1)] = (option.group(2).strip(), start + 1 + index)
        index += 1
    return options, index


def front_matter_refusals(
    data: dict[str, Any], text: str, policy: SafetyPolicy
) -> list[tuple[str, int]]:
    """Front matter keys the allowlist refuses (``html_meta``, ``substitutions``, ``myst.X``
    for a setting it does not list), each with its line in *text* (the page, front matter
    first)."""
    line_of = _key_lines(text)
    first = min(line_of.values(), default=2)
    refused: list[tuple[str, int]] = []
    for key in ("html_meta", "substitutions", "abstract", "dedication"):
        if key in data:
            refused.append((key, line_of.get(key, first)))
    myst = data.get("myst")
    if isinstance(myst, dict):
        for key in myst:
            if key not in policy.front_matter:
                refused.append((f"myst.{key}", line_of.get(f"myst.{key}", line_of["myst"])))
    elif myst is not None:
        refused.append(("myst", line_of.get("myst", first)))
    return refused


def _key_lines(text: str) -> dict[str, int]:
    """Where each top-level key of the front matter (``key``) and each key one level in
    (``parent.key``) starts: 1-based lines of *text*, which begins with ``---``."""
    found: dict[str, int] = {}
    parent: str | None = None
    lines = text.split("\n")
    for index, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            break
        match = re.match(r"^(\s*)([A-Za-z0-9_-]+)\s*:", line)
        if not match:
            continue
        if not match.group(1):
            parent = match.group(2)
            found.setdefault(parent, index)
        elif parent:
            found.setdefault(f"{parent}.{match.group(2)}", index)
    return found


def scan_page(
    text: str, file: str, page: Path, scope: PageScope, policy: SafetyPolicy
) -> list[Problem]:
    """Every content-safety problem in one MyST page, at its line and column."""
    scanner = _Scanner(file, page, scope, policy, text)
    for problem in hidden_character_problems(text.removeprefix("\ufeff"), file):
        scanner.problem(problem.line, problem.column, problem.message)
    scanner.markdown(text, 0, front_matter=True)
    return sorted(set(scanner.out))


def _shown_path(path: Path) -> str:
    """A page's path as an editor typed it, relative to here, without following a link."""
    import os  # noqa: PLC0415

    relative = os.path.relpath(os.path.abspath(path))
    return Path(relative).as_posix() if not relative.startswith("..") else str(path)


def project_scope(root: Path, data_dir: str = "data") -> PageScope:
    """The scope of a project: pages in ``docs/`` may insert files from ``docs/`` and data."""
    docs = root / "docs"
    return PageScope(docs=docs, allowed=(docs, root / data_dir))


def scan_pages(
    root: Path, data_dir: str = "data", pages: Iterable[Path] | None = None
) -> list[Problem]:
    """Run the content-safety scan over every page under ``docs/``."""
    try:
        policy = load_policy(root)
    except LscbError as err:
        return list(err.problems)
    scope = project_scope(root, data_dir)
    problems: list[Problem] = []
    for path in pages if pages is not None else sorted(scope.docs.rglob("*.md")):
        shown = _shown_path(path)
        if not scope.permits(path):
            problems.append(
                Problem(
                    shown,
                    1,
                    0,
                    "",
                    "is a link to a file outside docs/ and data/; a page must be a file in docs/",
                    RULE,
                )
            )
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            problems.append(
                Problem(
                    shown, 1, 0, "", f"is not UTF-8 text ({err.reason}); save it as UTF-8", RULE
                )
            )
            continue
        except OSError as err:
            problems.append(Problem(shown, 1, 0, "", f"can not be read: {err.strerror}", RULE))
            continue
        problems.extend(scan_page(text, shown, path, scope, policy))
    return sorted(problems)


_BIB_URL_FIELD = re.compile(r"^\s*(url|doi|eprint)\s*=\s*[{\"](.*?)[}\"]\s*,?\s*$", re.IGNORECASE)
_BIB_URL_COMMAND = re.compile(r"\\(?:url|href)\s*\{([^}]*)\}")


def scan_bibliography(path: Path, policy: SafetyPolicy) -> list[Problem]:
    """Addresses in the bibliography that the link policy refuses, each at its line.

    Hidden characters in it are refused by its loader (:mod:`lscb_kb.core.bibliography`).
    sphinxcontrib-bibtex turns ``url`` fields and ``\\url{...}``/``\\href{...}`` commands into
    links after the page has been read, so the build checks them on the final doctree too.
    """
    shown = display_path(path)
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []  # the loader of the bibliography reports it
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        urls: list[str] = []
        field = _BIB_URL_FIELD.match(line)
        if field and field.group(1).lower() == "url":
            urls.append(field.group(2).strip())
        urls.extend(match.group(1).strip() for match in _BIB_URL_COMMAND.finditer(line))
        for url in urls:
            if url and not policy.url_allowed(url):
                problems.append(
                    Problem(shown, number, line.find(url) + 1, "", policy.url_message(url), RULE)
                )
    return problems
