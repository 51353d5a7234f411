"""Search with Pagefind: acronyms and their expansions, filters, and the search page.

Pagefind (run on the built site by ``nox -s build``) indexes the element marked
``data-pagefind-body`` in the theme. This module prepares the pages for it:

- **Acronyms and expansions.** Wherever a paragraph, list item, table cell or heading names a
  glossary term in any of its forms (``S47``, ``Section 47``, ``Section 47 enquiry``), every
  form of the term goes into one ``<meta data-pagefind-meta="lscb_terms[content]">`` in the
  page's head. Pagefind searches metadata as well as text (since 1.5), so a search for any
  form finds the page, but a result's excerpt is cut from the page's own text only: the lists
  of forms never show in a result, as they did while they were words of the text.
- **Questions in plain words.** The search page's own script (``lscb-search/pagefind.js`` in
  the theme) leaves out the common words of a question, searches for every form of a glossary
  term and for the everyday words of :data:`EVERYDAY_WORDS`, and when no page has every word,
  shows the pages with the most of them. The words it needs (the stop words, the glossary's
  forms and the everyday words) are written on the search page by :func:`visit_search_ui`, from
  the same glossary as the pages' terms.
- **Filters.** Each page's front matter names its ``topics``, reporting ``year`` and
  ``agencies``; the theme writes them as Pagefind filters (``lscb_filters`` in the template
  context). A page that names no year belongs to the current year of ``conf/lscb.toml``.
- **The search page.** The ``search-ui`` directive places Pagefind's search box and results;
  the theme loads Pagefind's UI only on that page (``lscb_search_ui``).
- **No second index.** Sphinx's own search (``search.html`` and ``searchindex.js``) is turned
  off: nothing links to it, and stemming every word of every page for it was about a tenth of
  a build.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..core.models import GlossaryDataset
from ..core.settings import MAINTAINERS_PAGES
from .dependencies import derived
from .nodes import record_title, search_ui
from .reviews import front_matter
from .shared import get_catalogue
from .topics import load_topics

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_ACRONYM = re.compile(r"^[A-Z0-9&]+$")
_TEXT_PARENTS = (
    nodes.paragraph,
    nodes.title,
    nodes.term,
    nodes.rubric,
    nodes.field_name,
    nodes.line,
    nodes.entry,
)
_SKIP = (nodes.literal_block, nodes.literal, nodes.comment, nodes.raw)


_STOP_WORDS = """
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't could couldn't did didn't do does doesn't doing
    don't done during each either ever few for from further get gets getting give given go goes
    going got had hadn't happen happened happening has hasn't have haven't having he her here
    hers herself him himself his how how's i i'd i'm if in into is isn't it it's its itself
    just know let like made make many me might more most much must my myself no nor not now of
    off on once only or other ought our ours ourselves out over own please same say says she
    should shouldn't show so some such tell than that that's the their theirs them themselves
    then there there's these they they're thing things this those through to too until up us
    very want was wasn't we we're were weren't what what's when when's where where's whether
    which while who who's whom whose why why's will with won't would wouldn't you you're your
    yours yourself came come comes
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
"""Words a question is made of that say nothing about what it asks ("how much did the board
spend" asks about the board's spending). The search page leaves them out of the search, unless
the search has no other words."""

EVERYDAY_WORDS: tuple[tuple[str, ...], ...] = (
    ("spend", "spent", "spending", "expenditure", "cost", "costs"),
    ("money", "budget", "funding", "income", "contributions"),
    ("died", "die", "dies", "dead", "death", "deaths"),
    ("find", "found", "findings"),
    ("scrutiny", "scrutinise", "scrutinises", "scrutinised", "scrutinize", "scrutinizes"),
    ("kids", "children"),
    ("school", "schools", "education"),
)
"""Everyday words and the words the report uses for them: a search for any word of a group
also looks for the others (the report says the board "spent", a reader asks what it "spends").
Glossary terms are not listed here: every form of a glossary term is searched for already."""

COMMON_ACRONYMS = frozenset({"set", "seal", "trust", "mag", "la"})
"""Acronyms of the glossary that are also everyday words: typed in small letters ("a set of
audits"), they are the word, not the acronym; ``SET`` in capitals is still the acronym."""


def search_words(env: BuildEnvironment) -> dict[str, Any]:
    """What the search page's script needs to read a question: the stop words, every glossary
    term's forms (term, expansion, aliases), the everyday word groups and the acronyms that
    are also words."""
    return {
        "stop": sorted(STOP_WORDS),
        "glossary": glossary_forms(env).names,
        "everyday": [list(group) for group in EVERYDAY_WORDS],
        "common": sorted(COMMON_ACRONYMS),
    }


def visit_search_ui(self: Any, node: search_ui) -> None:
    words = json.dumps(search_words(self.builder.env), ensure_ascii=False, separators=(",", ":"))
    self.body.append(
        self.starttag(
            node,
            "div",
            "",
            ids=["lscb-search"],
            CLASS="lscb-search",
            **{"data-lscb-search-words": words},
        )
    )
    self.body.append(
        '<p class="lscb-search-nojs">Search needs JavaScript. Without it, use the menu '
        "at the top of the page or the glossary.</p>"
    )


def depart_search_ui(self: Any, node: search_ui) -> None:
    self.body.append("</div>\n")


def skip_node(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


class SearchUiDirective(SphinxDirective):
    """``{search-ui}``: the site's search box and results (Pagefind's UI), on this page."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        return [search_ui()]


@dataclass(frozen=True)
class Forms:
    """The forms of the glossary's terms, and which term each form belongs to."""

    exact: re.Pattern[str] | None
    folded: re.Pattern[str] | None
    terms: dict[str, int]
    words: list[str]
    """Each term's forms as one string of words (in the order of :attr:`names`)."""
    names: list[list[str]]
    """Each term's forms: the term, its expansion and its aliases, without repeats."""

    def find(self, text: str) -> set[int]:
        found: set[int] = set()
        if self.exact is not None:
            found.update(self.terms[m.group(1)] for m in self.exact.finditer(text))
        if self.folded is not None:
            found.update(self.terms[m.group(1).casefold()] for m in self.folded.finditer(text))
        return found


def _pattern(forms: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    ordered = sorted(set(forms), key=lambda f: (-len(f), f))
    if not ordered:
        return None
    alternatives = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in ordered)
    return re.compile(rf"(?<![\w-])({alternatives})s?(?![\w-])", flags)


def glossary_forms(env: BuildEnvironment) -> Forms:
    """The glossary's terms with their expansions and aliases, as patterns to find in text;
    made once per build."""
    return derived(env, "glossary-forms", lambda: _glossary_forms(env))


def _glossary_forms(env: BuildEnvironment) -> Forms:
    entry = get_catalogue(env).glossary()
    terms: dict[str, int] = {}
    words: list[str] = []
    all_names: list[list[str]] = []
    exact: list[str] = []
    folded: list[str] = []
    if entry is not None and isinstance(entry.dataset, GlossaryDataset):
        for index, term in enumerate(entry.dataset.terms):
            names = [term.term, *([term.expansion] if term.expansion else []), *term.aliases]
            all_names.append(list(dict.fromkeys(names)))
            words.append(" ".join(dict.fromkeys(names)))
            for form in names:
                if _ACRONYM.match(form):
                    exact.append(form)
                    terms.setdefault(form, index)
                else:
                    folded.append(form)
                    terms.setdefault(form.casefold(), index)
    return Forms(_pattern(exact), _pattern(folded, re.IGNORECASE), terms, words, all_names)


def _text_parent(node: nodes.Node) -> nodes.Element | None:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _SKIP):
            return None
        if isinstance(parent, (*_TEXT_PARENTS, record_title)):
            return parent
        parent = parent.parent
    return None


TERMS_META = "lscb_terms"
"""The Pagefind metadata field that holds the forms of the glossary terms a page names."""


def page_terms(env: BuildEnvironment, doctree: nodes.document) -> str:
    """Every form of every glossary term that the page's text names (in a paragraph, list
    item, table cell or heading), in the glossary's order; empty if it names none."""
    forms = glossary_forms(env)
    if not forms.terms:
        return ""
    found: set[int] = set()
    for text in doctree.findall(nodes.Text):
        terms = forms.find(text.astext())  # most text names no term: look for one first
        if terms and _text_parent(text) is not None:
            found |= terms
    return " ".join(forms.words[index] for index in sorted(found))


def add_search_terms(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """A ``<meta name="lscb:search-terms" data-pagefind-meta="lscb_terms[content]">`` (a
    ``name``, as HTML requires of a ``<meta>`` with ``content``) on every indexed page that names a
    glossary term: searchable, but never part of a result's excerpt."""
    del pagename, templatename
    if doctree is None or not context.get("lscb_indexed"):
        return
    terms = page_terms(app.env, doctree)
    if terms:
        meta = (
            f'<meta name="lscb:search-terms" data-pagefind-meta="{TERMS_META}[content]" '
            f'content="{html.escape(terms, quote=True)}">\n'
        )
        context["metatags"] = context.get("metatags", "") + meta


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def page_filters(env: BuildEnvironment, docname: str) -> list[tuple[str, str]]:
    """The page's Pagefind filters: topic labels, reporting year and agencies."""
    values = front_matter(env, docname).values
    topics = load_topics(env)  # this build's, as the pages' topics were checked against
    current_year = get_catalogue(env).settings.current_year
    filters = [("topic", topics.label(key)) for key in _as_list(values.get("topics"))]
    years = _as_list(values.get("year")) or ([current_year] if current_year else [])
    filters += [("year", str(year)) for year in years]
    filters += [("agency", agency) for agency in _as_list(values.get("agencies"))]
    return filters


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Tell the theme whether to index the page, its filters, and if it holds the search UI."""
    del templatename
    page = doctree is not None and pagename in app.env.found_docs
    has_ui = page and doctree.next_node(search_ui) is not None
    # The search page is not a result: its examples would match the searches they describe.
    # Nor are the maintainers' pages: the search is for practitioners.
    maintainers = pagename.partition("/")[0] == MAINTAINERS_PAGES
    indexed = page and not has_ui and not maintainers
    context["lscb_indexed"] = indexed
    context["lscb_filters"] = page_filters(app.env, pagename) if indexed else []
    context["lscb_search_ui"] = has_ui


DESCRIPTION_CHARS = 160
"""About as much of a summary as search engines show under a result."""


def description(doctree: nodes.document) -> str | None:
    """What a search engine shows under the page: the first paragraph of its text (not of a
    note, a table, a dataset or a field, nor a line that only names the source), cut at a word
    to at most :data:`DESCRIPTION_CHARS`."""
    for para in doctree.findall(nodes.paragraph):
        parent = para.parent
        while parent is not None and not isinstance(parent, nodes.section | nodes.document):
            if isinstance(parent, nodes.Admonition | nodes.table | nodes.container | nodes.field):
                break
            parent = parent.parent
        else:
            text = " ".join(para.astext().split())
            if len(text) < 40 or text.startswith("Source:"):  # not a summary, but a citation
                continue
            if len(text) <= DESCRIPTION_CHARS:
                return text
            cut = text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:")
            return cut + "…"
    return None


def add_description(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """A ``<meta name="description">`` for every page that has text to summarise."""
    del app, pagename, templatename
    if doctree is None:
        return
    summary = description(doctree)
    if summary:
        meta = f'<meta name="description" content="{html.escape(summary, quote=True)}">\n'
        context["metatags"] = context.get("metatags", "") + meta


def drop_sphinx_search(app: Sphinx) -> None:
    """Turn off Sphinx's own search page and index: the site searches with Pagefind."""
    if hasattr(app.builder, "search"):
        app.builder.search = False


def setup_search(app: Sphinx) -> None:
    app.connect("builder-inited", drop_sphinx_search)
    app.add_node(
        search_ui,
        html=(visit_search_ui, depart_search_ui),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_directive("search-ui", SearchUiDirective)
    app.connect("html-page-context", page_context)
    app.connect("html-page-context", add_search_terms)
    app.connect("html-page-context", add_description)
