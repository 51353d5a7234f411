"""What the MyST pages name (figures, datasets, registers, years, topics, sources, terms), read
with MyST's own parser, and the problems the build would report with them.

``lscb-kb check`` reports a page that names something the data does not hold at the page's
file and line, without building the site; the Sphinx build reports the same problems through
the extension. Pages are read as the build reads them: with MyST's markdown-it parser
(:func:`lscb_kb.checks.safety.markdown_parser`, with the syntax extensions of ``conf/conf.py``),
as tokens. A directive (a fence or colon fence whose info is ``{name}``) gives its argument
and options; the content of a directive whose content is Markdown (admonitions, sphinx-design
grids, cards, tabs and dropdowns, ``list-table``, ...) is read again as MyST, at its lines in
the page, as MyST's nested parse does; the content of a literal directive (``code-block``,
``literalinclude``, ``toctree``, ...) is not. Roles come from ``myst_role`` tokens, so a role
in a code block or in inline code is an example, not a use. A directive or option that the
allowlist (``conf/safety.toml``) refuses is skipped, as the build skips it.

The words of each problem are the build's. The problems with topics are worded by the functions
of :mod:`lscb_kb.core.topics`, which the extension calls too; those of the extension's
directives by the functions below (:func:`address_message`, :func:`register_selection`,
:func:`chart_names_problem`, :func:`year_problem`, :func:`trend_problem`), in the words the
directives use. ``tests/test_page_references.py`` builds a page of mistakes and holds the
check to every problem the build reports, word for word and line for line.

The lines are the build's. Where MyST places content a line late (the content of a ``:::``
directive that opens straight away with a nested ``:::`` fence), the check does too, so that
both name the same line.
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..core.catalogue import AddressError, Catalogue, InvalidDataError
from ..core.models import DiscrepancyRegister, GlossaryDataset, Record, RegisterDataset, Table
from ..core.newyear import YEAR
from ..core.policy import SafetyPolicy, load_policy
from ..core.problems import LscbError, Problem, display_path
from ..core.topics import (
    Topics,
    front_matter_text,
    no_topics_message,
    page_topic_message,
    parse_topics,
    second_topic_page_message,
    topic_line,
    topic_page_message,
    topic_without_page_message,
)
from ..core.validate import column_spec
from .safety import (
    LITERAL_DIRECTIVES,
    directive_options,
    load_front_matter,
    markdown_parser,
    parse_markdown,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

RULE = "reference"

FRONT_MATTER_TOPICS = "topics"
"""The kind of a :class:`PageReference` to a topic named in a page's front matter."""

DATASET_DIRECTIVES = ("data-table", "data-register", "data-chart", "data-trend", "data-year")
"""The extension's directives whose argument names data: a table, register, figure or year."""
EXTENSION_DIRECTIVES = frozenset(
    {
        *DATASET_DIRECTIVES,
        "data-glossary",
        "data-discrepancies",
        "data-corrections",
        "data-catalogue",
        "topic-page",
        "topic-index",
        "search-ui",
    }
)
"""Every directive of the extension (``add_directive`` in :mod:`lscb_kb.sphinxext`)."""
NOT_MARKDOWN = frozenset(
    {
        *LITERAL_DIRECTIVES,
        *EXTENSION_DIRECTIVES,
        "toctree",
        "glossary",
        "bibliography",
        "eval-rst",
        "raw",
        "highlight",
        "image",
    }
)
"""Directives whose argument and content are not read as Markdown."""
INLINE_OPTIONS: dict[str, tuple[str, ...]] = {
    "card": ("header", "footer"),
    "grid-item-card": ("header", "footer"),
}
"""Options read as inline Markdown (sphinx-design's one-line card header and footer)."""

CITE_PREFIX = "cite"
"""Roles whose name starts with this take keys of the bibliography (``cite:p``, ``cite:t``...)."""


@dataclass(frozen=True)
class PageReference:
    """One thing a page names: a role (``fig``, ``cite:p``, ``term``), a directive of the
    extension (``data-table`` and the rest) with its options, or a topic of its front matter."""

    file: Path
    line: int
    column: int
    kind: str
    target: str
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str) -> str | None:
        """The value of the option *name*, as written, or ``None`` if it is not given."""
        for key, value in self.options:
            if key == name:
                return value
        return None


@dataclass
class Page:
    """One page, as far as the check needs it."""

    path: Path
    docname: str
    references: list[PageReference] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    """The topics its front matter declares, as the build reads them."""
    glossary_terms: set[str] = field(default_factory=set)
    """Terms defined on the page with Sphinx's own ``glossary`` directive (lower case)."""


# -- reading pages ---------------------------------------------------------------------------


def conf_setting(root: Path, name: str) -> Any:
    """The value ``conf/conf.py`` gives *name*, where it is written as a literal (``True``, a
    list of words); ``None`` if it is not set so. The file is read, never run."""
    try:
        tree = ast.parse((root / "conf" / "conf.py").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    found: Any = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            value: ast.expr | None = node.value
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
        ):
            value = node.value
        else:
            continue
        try:
            found = ast.literal_eval(value) if value is not None else None
        except (ValueError, TypeError, SyntaxError, RecursionError):
            found = None
    return found


def _policy(root: Path) -> SafetyPolicy | None:
    try:
        return load_policy(root)
    except LscbError:
        return None  # the content-safety scan reports it


def page_parser(root: Path, policy: SafetyPolicy | None = None) -> MarkdownIt:
    """The parser the build reads the pages of *root* with: MyST's, with the syntax extensions
    ``conf/conf.py`` switches on (else those the allowlist lists)."""
    extensions = conf_setting(root, "myst_enable_extensions")
    if not isinstance(extensions, list | tuple | set) or not all(
        isinstance(name, str) for name in extensions
    ):
        extensions = sorted(policy.myst_extensions) if policy is not None else []
    return markdown_parser(extensions)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


class _Reader:
    """Walks the tokens of one page, and of each directive's Markdown content in it."""

    def __init__(self, page: Page, text: str, md: MarkdownIt, policy: SafetyPolicy | None) -> None:
        self.page, self.md, self.policy = page, md, policy
        self.lines = text.split("\n")
        self.cursor: dict[tuple[int, str], int] = {}

    def column(self, line: int, *needles: str) -> int:
        """The 1-based column of the first of *needles* found on *line*: of its next use there,
        when the line has it more than once; 1 if none is found."""
        if not 0 < line <= len(self.lines):
            return 1
        source = self.lines[line - 1]
        for needle in needles:
            found = source.find(needle, self.cursor.get((line, needle), 0))
            if found < 0:
                found = source.find(needle)
            if found >= 0 and needle:
                self.cursor[(line, needle)] = found + len(needle)
                return found + 1
        return 1

    def add(self, line: int, column: int, kind: str, target: str, options: Any = ()) -> None:
        self.page.references.append(
            PageReference(self.page.path, line, column, kind, target, tuple(options))
        )

    def markdown(self, text: str, offset: int, *, top: bool = False) -> None:
        """Read *text*, whose first line is line ``offset + 1`` of the page."""
        try:
            tokens = parse_markdown(self.md, text)
        except Exception:  # the content-safety scan reports a page that can not be parsed
            return
        for token in tokens:
            start = (token.map[0] if token.map else 0) + offset + 1
            if token.type == "front_matter":
                if top:
                    self.front_matter(token.content)
            elif token.type == "inline":
                self.inline(token, start)
            elif token.type in ("fence", "colon_fence"):
                self.fence(token, start)

    def inline(self, token: Token, start: int) -> None:
        line = start
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "myst_role":
                name = str(child.meta.get("name", ""))
                if self.policy is None or self.policy.role_allowed(name):
                    column = self.column(line, f"{{{name}}}`{child.content}`", f"{{{name}}}")
                    self.add(line, column, name, child.content.strip())
            elif child.type == "text":
                line += child.content.count("\n")

    def fence(self, token: Token, start: int) -> None:
        parts = token.info.strip().split(maxsplit=1)
        name = parts[0] if parts else ""
        argument = parts[1].strip() if len(parts) > 1 else ""
        if not (name.startswith("{") and name.endswith("}")):
            if token.type == "colon_fence":  # a ``:::`` block without a directive: a <div>
                self.markdown(token.content, start)
            return  # a code block: its text is shown as code
        name = name[1:-1].lower()  # docutils reads directive names in any case
        if self.policy is not None and not self.policy.directive_allowed(name):
            return  # refused by the build, which runs nothing of it
        body = token.content.split("\n")
        options, index = directive_options(body, start)
        if self.policy is not None and self.policy.options_refused(name, list(options)):
            return
        if name in EXTENSION_DIRECTIVES:
            values = [(key, _unquote(value)) for key, (value, _line) in options.items()]
            self.add(start, self.column(start, "{" + name + "}"), name, argument, values)
            return
        if name == "glossary":
            self.glossary(body[index:])
            return
        if name in NOT_MARKDOWN:
            return
        if argument:  # a title, or the first line of the content: inline Markdown
            self.markdown(argument, start - 1)
        for key in INLINE_OPTIONS.get(name, ()):
            if key in options:
                self.markdown(options[key][0], start - 1)
        # MyST puts a blank line before content that opens with a nested ``:::`` fence (so it is
        # not read as options) and counts it as a line of the page: the build places that
        # content a line late, and so does the check, to name the same line.
        late = 1 if token.type == "colon_fence" and token.content.startswith(":::") else 0
        self.markdown("\n".join(body[index:]), start + index + late)

    def glossary(self, content: list[str]) -> None:
        """Terms of Sphinx's own glossary: each unindented line of its content names one."""
        for text in content:
            if text.strip() and not text[:1].isspace():
                term = text.split(" : ", 1)[0].strip()
                self.page.glossary_terms.add(" ".join(term.split()).lower())

    def front_matter(self, content: str) -> None:
        try:
            data = load_front_matter(content)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError, OverflowError):
            return  # the loader of the review fields reports it
        if not isinstance(data, dict) or FRONT_MATTER_TOPICS not in data:
            return
        self.page.topics = parse_topics(front_matter_text(data[FRONT_MATTER_TOPICS]))
        for key in self.page.topics:
            line = topic_line(self.lines, key)
            self.add(line, self.column(line, key), FRONT_MATTER_TOPICS, key)


def read_page(
    path: Path, docs: Path, md: MarkdownIt, policy: SafetyPolicy | None = None
) -> Page | None:
    """What one page names; ``None`` if it can not be read (the safety scan reports it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    docname = path.relative_to(docs).with_suffix("").as_posix()
    page = Page(path=path, docname=docname)
    _Reader(page, text.removeprefix("\ufeff"), md, policy).markdown(
        text.removeprefix("\ufeff"), 0, top=True
    )
    page.references.sort(key=lambda ref: (ref.line, ref.column))
    return page


def read_pages(docs: Path, root: Path | None = None) -> list[Page]:
    """Every page under *docs* (of the project *root*, by default the folder above it)."""
    root = root if root is not None else docs.parent
    policy = _policy(root)
    md = page_parser(root, policy)
    pages = []
    for path in sorted(docs.rglob("*.md")):
        page = read_page(path, docs, md, policy)
        if page is not None:
            pages.append(page)
    return pages


def page_references(docs: Path, root: Path | None = None) -> Iterator[PageReference]:
    """Everything the pages under *docs* name, page by page, in the order of each page."""
    for page in read_pages(docs, root):
        yield from page.references


# -- the build's words ------------------------------------------------------------------------


def address_message(kind: str, target: str, error: object) -> str:
    """A directive or role names an address the data does not hold (``fig 'x': ...``)."""
    return f"{kind} {target!r}: {error}"


def register_selection(
    dataset: RegisterDataset, argument: str, options: Mapping[str, str]
) -> tuple[list[Record], str | None]:
    """The records ``data-register`` shows with *options* (``:topic:``, ``:section:``,
    ``:ids:``), or why it shows none."""
    records = list(dataset.records)
    if "topic" in options:
        records = [r for r in records if options["topic"] in r.topics]
    if "section" in options:
        records = [r for r in records if r.section == options["section"]]
    if "ids" in options:
        wanted = options["ids"].split()
        known = {r.id for r in records}
        for ident in wanted:
            if ident not in known:
                return [], (
                    f"data-register {argument!r}: no record '{ident}'; records are "
                    f"{', '.join(sorted(known))}"
                )
        records = [r for r in records if r.id in wanted]
    if not records:
        return [], f"data-register {argument!r}: no records match the options given"
    return records, None


def chart_keys(text: str) -> list[str]:
    """The keys ``data-chart`` names in ``:rows:`` or ``:columns:`` (spaces or commas)."""
    return text.replace(",", " ").split()


def _chart_near(name: str, options: list[str]) -> str:
    import difflib  # noqa: PLC0415

    near = difflib.get_close_matches(name, options, n=1)
    return f"; did you mean '{near[0]}'?" if near else f"; choose from {', '.join(options)}"


def chart_names_problem(table: Table, options: Mapping[str, str]) -> str | None:
    """Why the rows and columns that ``data-chart`` names (``:rows:``, ``:columns:``) are not
    rows and numeric columns of *table*, in the words of its ``ChartError``."""
    row_keys = [str(row.get("key")) for row in table.rows]
    for key in chart_keys(options.get("rows", "")):
        if key not in row_keys:
            return f"table has no row '{key}'" + _chart_near(key, row_keys)
    numeric = [
        c
        for c in table.columns
        if c.unit != "text" and column_spec(c).numeric and c.key != table.total_column
    ]
    known = {c.key: c for c in table.columns}
    for key in chart_keys(options.get("columns", "")):
        if key not in known:
            return f"table has no column '{key}'" + _chart_near(key, list(known))
        if not column_spec(known[key]).numeric:
            return (
                f"column '{key}' holds {known[key].unit}, which cannot be drawn; "
                f"choose from {', '.join(c.key for c in numeric)}"
            )
    return None


def year_problem(catalogue: Catalogue, year: str, datasets: str | None) -> str | None:
    """Why ``data-year`` has nothing to show for *year* (and its ``:datasets:`` patterns)."""
    entries = sorted(
        (e for (y, _i), e in catalogue.entries.items() if y == year), key=lambda e: e.id
    )
    if not YEAR.match(year) or not entries:
        return f"data-year {year!r}: no data for that year; years with data are " + ", ".join(
            sorted({str(y) for (y, _i) in catalogue.entries if y})
        )
    patterns = (datasets or "").split()
    if patterns and not any(
        fnmatch.fnmatchcase(e.id, pattern) for e in entries for pattern in patterns
    ):
        return (
            f"data-year {year!r}: no dataset of that year matches {' '.join(patterns)!r}; "
            "its datasets are " + ", ".join(sorted({e.id for e in entries}))
        )
    return None


def trend_problem(catalogue: Catalogue, address: str) -> str | None:
    """Why ``data-trend`` can not follow the figure at *address* across the years: it has a
    year, or no year holds a figure there. Raises :class:`InvalidDataError` for a data file
    with errors of its own."""
    if ":" in address:
        return (
            f"data-trend {address!r}: give the address without a year; the trend covers every year"
        )
    invalid: InvalidDataError | None = None
    for year in sorted({y for (y, _i) in catalogue.entries if y}):
        try:
            catalogue.resolve(address, year)
        except InvalidDataError as err:
            invalid = err
        except AddressError:
            continue
        else:
            return None
    if invalid is not None:
        raise invalid
    return f"data-trend {address!r}: no year has this figure"


NO_GLOSSARY = "data-glossary: there is no glossary file (kind: glossary) in data/"
NO_DISCREPANCIES = (
    "data-discrepancies: there is no discrepancy register (kind: discrepancies) in data/"
)


# -- checking ---------------------------------------------------------------------------------


def _glossary_terms(catalogue: Catalogue) -> set[str]:
    entry = catalogue.glossary()
    if entry is None or not isinstance(entry.dataset, GlossaryDataset):
        return set()
    names: set[str] = set()
    for term in entry.dataset.terms:
        names.add(" ".join(term.term.split()).lower())
        names.update(" ".join(alias.split()).lower() for alias in term.aliases)
    return names


def _term_target(text: str) -> str:
    """The term a ``{term}`` role links to: ``target`` of ``text <target>``, else its text."""
    stripped = text.strip()
    if stripped.endswith(">") and "<" in stripped:
        title, _, target = stripped[:-1].rpartition("<")
        if title.strip():
            stripped = target
    return " ".join(stripped.split()).lower()


class _Checker:
    def __init__(self, catalogue: Catalogue, topics: Topics, pages: list[Page]) -> None:
        self.catalogue, self.topics, self.pages = catalogue, topics, pages
        self.terms = _glossary_terms(catalogue)
        for page in pages:
            self.terms.update(page.glossary_terms)
        self.out: list[Problem] = []

    def problem(self, ref: PageReference, message: str) -> None:
        self.out.append(Problem(display_path(ref.file), ref.line, ref.column, "", message, RULE))

    def run(self, require_topics: bool) -> list[Problem]:
        for page in self.pages:
            for ref in page.references:
                try:
                    message = self.reference(ref)
                except InvalidDataError:
                    continue  # the data file's own problems are reported already
                if message:
                    self.problem(ref, message)
            if require_topics and not page.topics:
                self.out.append(
                    Problem(display_path(page.path), 1, 0, "", no_topics_message(self.topics), RULE)
                )
        self.topic_pages()
        return self.out

    def reference(self, ref: PageReference) -> str | None:
        """Why *ref* does not resolve, or ``None``. Lets :class:`InvalidDataError` through."""
        catalogue, options = self.catalogue, dict(ref.options)
        try:
            if ref.kind == "fig":
                catalogue.resolve(ref.target)
            elif ref.kind == "data-table":
                catalogue.table(ref.target)
            elif ref.kind == "data-register":
                entry = catalogue.register(ref.target)
                assert isinstance(entry.dataset, RegisterDataset)
                return register_selection(entry.dataset, ref.target, options)[1]
            elif ref.kind == "data-chart":
                _entry, _name, table = catalogue.table(ref.target)
                why = chart_names_problem(table, options)
                return address_message(ref.kind, ref.target, why) if why else None
        except InvalidDataError:
            raise
        except AddressError as err:
            return address_message(ref.kind, ref.target, err)
        if ref.kind == "data-trend":
            return trend_problem(catalogue, ref.target)
        if ref.kind == "data-year":
            return year_problem(catalogue, ref.target, options.get("datasets"))
        if ref.kind == "data-glossary":
            return NO_GLOSSARY if catalogue.glossary() is None else None
        if ref.kind == "data-discrepancies":
            registers = [
                e for e in catalogue.entries.values() if isinstance(e.dataset, DiscrepancyRegister)
            ]
            return None if registers else NO_DISCREPANCIES
        if ref.kind == "topic-page":
            why = self.topics.unknown(ref.target)
            return topic_page_message(why) if why else None
        if ref.kind == FRONT_MATTER_TOPICS:
            why = self.topics.unknown(ref.target)
            return page_topic_message(why) if why else None
        if ref.kind.startswith(CITE_PREFIX):
            return self.citation(ref)
        if ref.kind == "term":
            return self.term(ref)
        return None

    def citation(self, ref: PageReference) -> str | None:
        keys = self.catalogue.bib_keys
        missing = [k.strip() for k in ref.target.split(",") if k.strip() and k.strip() not in keys]
        if missing and keys:
            return (
                f"cites {', '.join(repr(k) for k in missing)}, not a key in "
                f"{self.catalogue.settings.bibliography}"
            )
        return None

    def term(self, ref: PageReference) -> str | None:
        if not self.terms and self.catalogue.problems:
            return None  # the glossary may be the file with errors
        if _term_target(ref.target) not in self.terms:
            return (
                f"term {ref.target!r} is not in the glossary; add it to the glossary file "
                "or check its spelling"
            )
        return None

    def topic_pages(self) -> None:
        """Each topic has one page, and, where the site has a topic index, every topic has one.

        As the build keeps them: a page's last ``topic-page`` of a known topic, and the last
        ``topic-index`` of the first page (by name) that has one."""
        listing: dict[str, tuple[Page, str]] = {}
        index: tuple[Page, int] | None = None
        for page in sorted(self.pages, key=lambda p: p.docname):
            for ref in page.references:
                if ref.kind == "topic-page" and self.topics.unknown(ref.target) is None:
                    listing[page.docname] = (page, ref.target)
                elif ref.kind == "topic-index" and (index is None or index[0] is page):
                    index = (page, ref.line)
        for key in sorted({key for _page, key in listing.values()}):
            holders = sorted(doc for doc, (_page, topic) in listing.items() if topic == key)
            for doc in holders[1:]:
                self.out.append(
                    Problem(
                        display_path(listing[doc][0].path),
                        1,
                        0,
                        "",
                        second_topic_page_message(key, holders[0]),
                        RULE,
                    )
                )
        if index is None:
            return
        listed = {key for _page, key in listing.values()}
        for key in self.topics.topics:
            if key not in listed:
                self.out.append(
                    Problem(
                        display_path(index[0].path),
                        index[1],
                        0,
                        "",
                        topic_without_page_message(key),
                        RULE,
                    )
                )


def check_pages(
    catalogue: Catalogue,
    docs: Path,
    topics: Topics | None = None,
    *,
    require_topics: bool | None = None,
) -> list[Problem]:
    """Problems with what the pages name: unknown addresses, datasets, registers and their
    records, years, topics, sources and terms, each at the page's file and line.

    *require_topics* (by default ``lscb_require_topics`` in ``conf/conf.py``): every page must
    name its topics.
    """
    root = catalogue.settings.root
    if topics is None:
        topics = Topics.load(catalogue.settings.topics_path)
    if require_topics is None:
        require_topics = conf_setting(root, "lscb_require_topics") is True
    return _Checker(catalogue, topics, read_pages(docs, root)).run(require_topics)
