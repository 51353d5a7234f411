"""Checks of what a build wrote: the backstop behind the checks made while pages are built.

Whatever route a page, a data file, the bibliography, the theme or another extension found into
the output, what reaches ``build/html`` is read here as a browser and a search indexer would
read it:

* every address in an HTML or SVG file (``href``, ``src``, ``action``, ``srcset`` and the rest)
  obeys the link policy of ``conf/safety.toml``; no element runs code the site did not write
  (inline event handlers, inline scripts, frames, plug-ins, ``<base>``, meta refresh);
* the text that is published (every page's text and attribute values, the downloads, the
  charts' text) passes the personal data guard, normalised as in
  :mod:`lscb_kb.checks.personal`.

The Sphinx extension runs these on ``build-finished`` (so ``sphinx-build -W`` fails), and
``python -m lscb_kb.publish`` runs them on the new site, search index included, before it
replaces the old one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from ..core.policy import SafetyPolicy
from ..core.problems import Problem, display_path

RULE = "safety"

URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "poster",
        "data",
        "xlink:href",
        "background",
        "cite",
        "longdesc",
        "usemap",
        "manifest",
        "ping",
        "codebase",
        "archive",
    }
)
REFUSED_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)


def _source_of(site: Path, written: Path, docs: Path | None) -> str:
    """The page a written file came from (``docs/x.md`` for ``x.html``), else the file."""
    if docs is not None:
        try:
            relative = written.relative_to(site).with_suffix(".md")
        except ValueError:
            relative = None
        if relative is not None and (docs / relative).is_file():
            return display_path(docs / relative)
    return display_path(written)


class _Reader(HTMLParser):
    def __init__(self, policy: SafetyPolicy) -> None:
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.found: list[tuple[int, str]] = []
        self.in_script = False
        self.script_has_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        tag = tag.lower()
        if tag in REFUSED_ELEMENTS:
            self.found.append(
                (line, f"the written page has a <{tag}> element, which the site never publishes")
            )
        values = {name.lower(): value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(
                    (
                        line,
                        f"the written page has an inline event handler ({name}=) on <{tag}>; "
                        "the site runs no script from its pages",
                    )
                )
            elif name in URL_ATTRIBUTES and not self.policy.url_allowed(value):
                self.found.append((line, f"<{tag} {name}>: {self.policy.url_message(value)}"))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url and not self.policy.url_allowed(url):
                        self.found.append((line, f"<{tag} {name}>: {self.policy.url_message(url)}"))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH_URL.search(values.get("content", ""))
            if match and not self.policy.url_allowed(match.group(1)):
                self.found.append(
                    (line, f"<meta http-equiv=refresh>: {self.policy.url_message(match.group(1))}")
                )
        if tag == "script":
            self.in_script = True
            self.script_has_src = bool(values.get("src"))
            kind = values.get("type", "").lower()
            self.script_is_data = kind in ("application/json", "application/ld+json")

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and not self.script_has_src and not self.script_is_data and data.strip():
            self.found.append(
                (
                    self.getpos()[0],
                    "the written page has an inline <script>; "
                    "the site runs only its own script files",
                )
            )


def html_problems(text: str, policy: SafetyPolicy) -> list[tuple[int, str]]:
    """What the written page *text* does that the site never publishes, each at its line."""
    return read_written(text, policy)[0]


def read_written(text: str, policy: SafetyPolicy) -> tuple[list[tuple[int, str]], str]:
    """One reading of a written page: what it does that the site never publishes, each at its
    line (:func:`html_problems`), and the text a reader or a search indexer gets from it
    (:func:`visible_text`)."""
    found, visible = _read_written(text, policy.schemes, policy.file)
    return list(found), visible


@lru_cache(maxsize=256)
def _read_written(
    text: str, schemes: frozenset[str], file: str
) -> tuple[tuple[tuple[int, str], ...], str]:
    # A build reads every page it writes, and most are what the last build wrote: a page's
    # reading depends on its text and the link policy's schemes alone.
    reader = _WrittenPage(SafetyPolicy(schemes=schemes, file=file))
    reader.script_is_data = False
    reader.feed(text)
    reader.close()
    return tuple(reader.found), html.unescape("".join(reader.parts))


Selection = Callable[[Path], bool]
"""Which written files a check reads (every file when none is given)."""


def written_files(
    site: Path, suffixes: tuple[str, ...], only: Selection | None = None
) -> Iterator[Path]:
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix.lower() in suffixes and (only is None or only(path)):
            yield path


def check_html_files(
    site: Path,
    policy: SafetyPolicy,
    docs: Path | None = None,
    texts: dict[Path, str] | None = None,
    only: Selection | None = None,
) -> list[Problem]:
    """The link and script checks over every HTML and SVG file under *site* (or those that
    *only* selects). With *texts*, the text of each file read is kept in it, for
    :func:`personal_data_problems` (one reading of each file serves both)."""
    problems: list[Problem] = []
    for path in written_files(site, (".html", ".htm", ".svg", ".xhtml"), only):
        if "pagefind" in path.relative_to(site).parts:
            continue  # Pagefind's own UI, from the pagefind package
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        source = _source_of(site, path, docs)
        found, visible = read_written(text, policy)
        if texts is not None:
            texts[path] = visible.removeprefix("\ufeff")
        for line, message in found:
            where = f"in {display_path(path)}:{line}" if source != display_path(path) else ""
            problems.append(Problem(source, 1 if where else line, 0, where, message, RULE))
    return problems


INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
        "tspan",
    }
)
"""Elements that do not break a line of text: a number split over them reads as one."""
TEXT_ATTRIBUTES = frozenset(
    {
        "alt",
        "title",
        "aria-label",
        "aria-description",
        "aria-roledescription",
        "content",
        "placeholder",
        "value",
        "label",
        "summary",
        "abbr",
        "download",
    }
)
"""Attributes whose values a reader or a search indexer reads as text (and every ``data-*``)."""
BREAK = "\n\u00a6\n"
"""What stands between two pieces of text that a reader does not read as one (a broken bar, so
that digits on either side never join into one number)."""


class _TextParts:
    """Collects the text a reader or a search indexer gets from HTML or SVG."""

    parts: list[str]
    skip: int

    def _break(self) -> None:
        # One break between two pieces of text is as good as several: the white space of the
        # page's layout and the breaks of empty elements between them are left out (a large
        # page has thousands, which the checks would read character by character).
        while self.parts and (self.parts[-1] == BREAK or self.parts[-1].isspace()):
            self.parts.pop()
        self.parts.append(BREAK)

    def text_start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag not in INLINE:
            self._break()
        for name, value in attrs:
            if value and (name in TEXT_ATTRIBUTES or name.startswith("data-")):
                self._break()
                self.parts.append(value)
                self._break()

    def text_end(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag not in INLINE:
            self._break()

    def text_data(self, data: str) -> None:
        if not self.skip and not (data.isspace() and self.parts and self.parts[-1] == BREAK):
            self.parts.append(data)


class _Text(_TextParts, HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.text_start(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.text_end(tag)

    def handle_data(self, data: str) -> None:
        self.text_data(data)


class _WrittenPage(_TextParts, _Reader):
    """The link and script checks and the text, in one pass over a written page."""

    def __init__(self, policy: SafetyPolicy) -> None:
        super().__init__(policy)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        self.text_start(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        self.text_end(tag)

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        self.text_data(data)


def visible_text(markup: str) -> str:
    """The text a reader or a search indexer gets from HTML or SVG: every text node and every
    textual attribute value, entities decoded, scripts and styles left out."""
    reader = _Text()
    reader.feed(markup)
    reader.close()
    return html.unescape("".join(reader.parts))


PUBLISHED_TEXT = (".html", ".htm", ".svg", ".csv", ".json", ".txt", ".xml")
_NOT_CONTENT = ("_static", "pagefind", ".doctrees", "_sources")
"""Folders of the written site that hold the theme's and the search tool's own files."""


class _Sources:
    """The pages and data files, normalised once, to find where a published text came from."""

    def __init__(self, root: Path, docs: Path | None) -> None:
        from .personal import normalise  # noqa: PLC0415

        self._normalise = normalise
        self.files: list[tuple[Path, object]] = []
        self.values: list[tuple[Path, int, int, str]] = []
        folders = [root / "data"] + ([docs] if docs is not None else [])
        for folder in folders:
            for found in sorted(folder.rglob("*")):
                if found.suffix.lower() in (".md", ".yaml", ".yml", ".bib") and found.is_file():
                    path = found.resolve()
                    try:
                        text = path.read_text(encoding="utf-8")
                    except (OSError, UnicodeDecodeError):
                        continue
                    self.files.append((path, normalise(text)))
                    if path.suffix.lower() in (".yaml", ".yml"):
                        self._strings(path)

    def _strings(self, path: Path) -> None:
        """Each string of a data file as the loader reads it (escapes decoded, folded lines
        joined), with its line and column: what the site shows of it."""
        from .personal import yaml_strings  # noqa: PLC0415

        for value, line, column in yaml_strings(path) or []:
            self.values.append((path, line, column, self._normalise(value).text))

    def data_file(self, ident: str) -> Path | None:
        """The data file a download of dataset *ident* was written from (by its name)."""
        for path, _norm in self.files:
            if path.suffix.lower() in (".yaml", ".yml") and path.stem == ident:
                return path
        return None

    def locate(self, published: str, page: Path | None = None) -> tuple[str, int, int] | None:
        """The file, line and column where *published* text (as a reader sees it) is typed:
        in *page* (the page that was written) if it is there, else in a page or data file."""
        wanted = self._normalise(published).text.strip()
        if not wanted:
            return None
        preferred = [item for item in self.files if item[0] == page]
        data = [item for item in self.files if item[0].suffix.lower() != ".md"]
        found = (
            self._in_files(wanted, preferred)
            or self._in_values(wanted, page, only=True)
            or self._in_files(wanted, data)
            or self._in_values(wanted, page, only=False)
        )
        return found or self._in_files(wanted, self.files)

    def _in_values(
        self, wanted: str, page: Path | None, *, only: bool
    ) -> tuple[str, int, int] | None:
        for path, line, column, text in self.values:
            if (path == page) == only and wanted in text:
                return display_path(path), line, column
        return None

    @staticmethod
    def _in_files(wanted: str, files: list[tuple[Path, object]]) -> tuple[str, int, int] | None:
        for path, norm in files:
            index = norm.text.find(wanted)  # type: ignore[attr-defined]
            if index < 0:
                continue
            start, _end = norm.span(index, index + len(wanted))  # type: ignore[attr-defined]
            before = norm.original[:start]  # type: ignore[attr-defined]
            line = before.count("\n") + 1
            column = start - (before.rfind("\n") + 1) + 1
            return display_path(path), line, column
        return None


def _published_text(path: Path, texts: dict[Path, str] | None = None) -> str:
    if texts is not None and path in texts:
        return texts[path]
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".html", ".htm", ".svg", ".xml"):
        return visible_text(text)
    if path.suffix.lower() == ".json":
        import json  # noqa: PLC0415

        try:
            data = json.loads(text)
        except ValueError:
            return text
        parts: list[str] = []

        def walk(value: object) -> None:
            if isinstance(value, dict):
                for key, item in value.items():
                    parts.append(str(key))
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif value is not None:
                parts.append(str(value))

        walk(data)
        return BREAK.join(parts)
    return text


def personal_data_problems(
    site: Path,
    root: Path,
    docs: Path | None = None,
    texts: dict[Path, str] | None = None,
    only: Selection | None = None,
) -> list[Problem]:
    """The personal data guard over what *site* publishes: every page's text and attribute
    values (what the search index reads too), every download, every chart's text (or the
    files that *only* selects). *texts* holds pages already read (by
    :func:`check_html_files`), which are not read again.

    Each finding is reported where it was typed (the page or data file, found by its
    normalised text), or else at the page or file that published it.
    """
    from ..core.problems import LscbError  # noqa: PLC0415
    from .personal import load_guard, scan_published_text  # noqa: PLC0415

    try:
        guard = load_guard(root)
    except LscbError as err:
        return list(err.problems)
    sources: _Sources | None = None
    seen: dict[tuple[str, int, int, str], list[str]] = {}
    for path in written_files(site, PUBLISHED_TEXT, only):
        relative = path.relative_to(site)
        if relative.parts and relative.parts[0] in _NOT_CONTENT:
            continue
        try:
            text = _published_text(path, texts)
        except (OSError, UnicodeDecodeError):
            continue
        findings = scan_published_text(text, guard)
        if not findings:
            continue
        sources = sources or _Sources(root, docs)
        page = Path(_source_of(site, path, docs))
        preferred = page.resolve() if page.suffix == ".md" else None
        if relative.parts[:1] == ("_downloads",):
            preferred = sources.data_file(path.name.split(".", 1)[0])
        for finding in findings:
            found = sources.locate(finding.text, preferred)
            written = display_path(path)
            if found is None:
                file, line, column = _source_of(site, path, docs), 1, 0
            else:
                file, line, column = found
            places = seen.setdefault((file, line, column, finding.message), [])
            if written not in places:
                places.append(written)
    problems = []
    for (file, line, column, message), written_in in seen.items():
        where = f"published in {written_in[0]}"
        if len(written_in) > 1:
            others = len(written_in) - 1
            where += f" and {others} other file{'s' if others > 1 else ''}"
        problems.append(Problem(file, line, column, where, message, "personal"))
    return sorted(problems)
