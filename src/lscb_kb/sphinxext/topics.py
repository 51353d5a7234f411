"""Topics: what each page and record is about, and a page per topic that gathers them.

Pages name their topics in front matter (``topics: [domestic-abuse, police]``); data files and
register records in their ``topics:`` field. Every key must be in the controlled list,
``conf/topics.yaml``; an unknown key is a warning at the line that names it.

.. code-block:: md

   ```{topic-index}
   ```

   ```{topic-page} domestic-abuse
   ```

``topic-index`` lists every topic; ``topic-page`` lists the pages, register records and
datasets on one topic, across sections and years. Both are resolved after every page has been
read (a pending node replaced on ``doctree-resolved``, as sphinxcontrib-bibtex does), and the
pages that hold them are written again whenever any page's or record's topics change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.domains import Domain
from sphinx.util.osutil import relative_uri

from ..core.hygiene import year_label
from ..core.models import STATUS_LABELS, DiscrepancyRegister, RegisterDataset
from ..core.topics import (
    Topics,
    front_matter_line,
    no_topics_message,
    page_topic_message,
    parse_topics,
    second_topic_page_message,
    topic_page_message,
    topic_problems,
    topic_without_page_message,
)
from ..published.export import downloads_of, sorted_entries
from .dependencies import build_context, derived
from .domain import LscbDomain
from .nodes import topic_index, topic_listing
from .shared import LscbDirective, LscbWarning, get_catalogue, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from ..core import Catalogue, Entry


def load_topics(env: BuildEnvironment) -> Topics:
    """The controlled list of topics of this build (read once per build)."""
    context = build_context(env)
    if context.topics is None:
        context.topics = Topics.load(get_catalogue(env).settings.topics_path)
    return context.topics


def _reload_topics(app: Sphinx) -> None:
    """``builder-inited``: read the topics for this build, and report their problems."""
    topics = load_topics(app.env)
    for problem in topics.problems:
        where = f"{problem.where}: " if problem.where else ""
        warn(f"{where}{problem.message}", LscbWarning.DATA, problem.location)
    for problem in topic_problems(get_catalogue(app.env), topics):
        where = f"{problem.where}: " if problem.where else ""
        warn(f"{where}{problem.message}", LscbWarning.TOPIC, problem.location)


# -- the domain ------------------------------------------------------------------------------


class TopicsDomain(Domain):
    """Which page is on which topics, which records each page shows, and the topic pages."""

    name = "topics"
    label = "Topics"
    initial_data = {  # noqa: RUF012
        "pages": {},  # docname -> topic keys, from front matter
        "anchors": {},  # docname -> ids of register records and discrepancies it shows
        "topic_pages": {},  # docname -> the topic its topic-page directive lists
        "index_pages": {},  # docname -> line of its topic-index directive
        "snapshot": "",
    }

    @property
    def pages(self) -> dict[str, list[str]]:
        return self.data["pages"]  # type: ignore[no-any-return]

    @property
    def anchors(self) -> dict[str, list[str]]:
        return self.data["anchors"]  # type: ignore[no-any-return]

    @property
    def topic_pages(self) -> dict[str, str]:
        return self.data["topic_pages"]  # type: ignore[no-any-return]

    @property
    def index_pages(self) -> dict[str, int]:
        return self.data["index_pages"]  # type: ignore[no-any-return]

    def page_of_topic(self, key: str) -> str | None:
        pages = sorted(doc for doc, topic in self.topic_pages.items() if topic == key)
        return pages[0] if pages else None

    def clear_doc(self, docname: str) -> None:
        for store in ("pages", "anchors", "topic_pages", "index_pages"):
            self.data[store].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for store in ("pages", "anchors", "topic_pages", "index_pages"):
            for docname in docnames:
                if docname in otherdata[store]:
                    self.data[store][docname] = otherdata[store][docname]

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


def _domain(env: BuildEnvironment) -> TopicsDomain:
    domain = env.get_domain(TopicsDomain.name)
    assert isinstance(domain, TopicsDomain)
    return domain


# -- page topics -----------------------------------------------------------------------------


# parse_topics and front_matter_line are in the data layer (lscb_kb.core.topics): `lscb-kb check`
# reads the topics of front matter with them too.


def collect_page(app: Sphinx, doctree: nodes.document) -> None:
    """Record a page's topics (warning about unknown ones) and the records it shows."""
    env = app.env
    docname = env.docname
    domain = _domain(env)
    topics = load_topics(env)
    declared = parse_topics(env.metadata.get(docname, {}).get("topics"))
    path = env.doc2path(docname)
    known: list[str] = []
    for key in declared:
        why = topics.unknown(key)
        if why is not None:
            line = front_matter_line(Path(path), key)
            warn(page_topic_message(why), LscbWarning.TOPIC, (docname, line))
        elif key not in known:
            known.append(key)
    if not declared and app.config.lscb_require_topics:
        warn(no_topics_message(topics), LscbWarning.TOPIC, (docname, 1))
    if known:
        domain.pages[docname] = known
    wanted = _record_anchors(env)
    shown = sorted(
        {ident for node in doctree.findall(nodes.Element) for ident in node["ids"]} & wanted
    )
    if shown:
        domain.anchors[docname] = shown


def _record_anchors(env: BuildEnvironment) -> frozenset[str]:
    """The anchor of every record, made once per build: every page read asks for them, and
    making them anew for each page made a build's cost grow with pages × records."""
    return derived(
        env,
        "record-anchors",
        lambda: frozenset(nodes.make_id(i.id) for _e, i in _records(get_catalogue(env))),
    )


def _records(catalogue: Catalogue) -> Iterator[tuple[Entry, Any]]:
    for entry in sorted_entries(catalogue):
        dataset = entry.dataset
        if isinstance(dataset, RegisterDataset):
            for record in dataset.records:
                yield entry, record
        elif isinstance(dataset, DiscrepancyRegister):
            for item in dataset.discrepancies:
                yield entry, item


# -- directives ------------------------------------------------------------------------------


class TopicPageDirective(LscbDirective):
    """List the pages, records and datasets on one topic."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0].strip()
        topics = load_topics(self.env)
        self.env.note_dependency(str(get_catalogue(self.env).settings.topics_path))
        why = topics.unknown(key)
        if why is not None:
            return self.warn(topic_page_message(why), LscbWarning.TOPIC)
        _domain(self.env).topic_pages[self.env.docname] = key
        node = topic_listing("", topic=key)
        self.set_source_info(node)
        return [node]


class TopicIndexDirective(LscbDirective):
    """List every topic with what it covers, how much is on it, and a link to its page."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(get_catalogue(self.env).settings.topics_path))
        _domain(self.env).index_pages[self.env.docname] = self.lineno
        node = topic_index("")
        self.set_source_info(node)
        return [node]


# -- what is on a topic ----------------------------------------------------------------------


@dataclass(frozen=True)
class Gathered:
    """Everything on one topic."""

    pages: list[str]
    records: list[tuple[Entry, Any]]
    datasets: list[Entry]

    @property
    def count(self) -> int:
        return len(self.pages) + len(self.records) + len(self.datasets)


def _site_order(env: BuildEnvironment) -> dict[str, int]:
    """Every page's position in the site's navigation, depth first from the root page."""
    order: dict[str, int] = {}
    stack = [env.config.root_doc]
    while stack:
        doc = stack.pop()
        if doc in order:
            continue
        order[doc] = len(order)
        stack.extend(reversed(env.toctree_includes.get(doc, [])))
    return order


def gather(env: BuildEnvironment, key: str) -> Gathered:
    domain = _domain(env)
    catalogue = get_catalogue(env)
    order = _site_order(env)
    listing_pages = set(domain.topic_pages) | set(domain.index_pages)
    pages = sorted(
        (
            doc
            for doc, keys in domain.pages.items()
            if key in keys and doc not in listing_pages and doc in env.all_docs
        ),
        key=lambda d: (order.get(d, len(order)), d),
    )
    records = [(e, r) for e, r in _records(catalogue) if key in r.topics]
    datasets = [
        e for e in sorted_entries(catalogue) if key in (getattr(e.dataset, "topics", []) or [])
    ]
    return Gathered(pages, records, datasets)


def snapshot(env: BuildEnvironment) -> str:
    """A digest of everything the topic pages show, to know when they must be written again."""
    domain = _domain(env)
    catalogue = get_catalogue(env)
    state = {
        "pages": domain.pages,
        "anchors": domain.anchors,
        "topic_pages": domain.topic_pages,
        "titles": {doc: env.titles[doc].astext() for doc in sorted(env.titles)},
        "sections": sorted(env.toctree_includes.items()),
        "records": [
            (e.year, e.id, r.id, r.title, getattr(r, "status", ""), r.topics)
            for e, r in _records(catalogue)
        ],
        "datasets": [
            (e.year, e.id, e.dataset.title, getattr(e.dataset, "topics", []))
            for e in sorted_entries(catalogue)
        ],
        "uses": env.get_domain("lscb").data.get("uses", {}),
        "topics": [t.model_dump() for t in load_topics(env).topics.values()],
    }
    text = json.dumps(state, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rewrite_topic_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write the topic pages again whenever what they list has changed."""
    domain = _domain(env)
    digest = snapshot(env)
    if digest == domain.data["snapshot"]:
        return []
    domain.data["snapshot"] = digest
    return sorted(set(domain.topic_pages) | set(domain.index_pages))


def check_topic_pages(app: Sphinx, env: BuildEnvironment) -> None:
    """Every topic in the list has one page, if the site has a topic index at all."""
    domain = _domain(env)
    for key in sorted(set(domain.topic_pages.values())):
        pages = sorted(doc for doc, topic in domain.topic_pages.items() if topic == key)
        for doc in pages[1:]:
            warn(second_topic_page_message(key, pages[0]), LscbWarning.TOPIC, (doc, 1))
    if not domain.index_pages:
        return
    topics = load_topics(env)
    index, line = sorted(domain.index_pages.items())[0]
    for key in topics.topics:
        if domain.page_of_topic(key) is None:
            warn(topic_without_page_message(key), LscbWarning.TOPIC, (index, line))


# -- filling in the pending nodes ------------------------------------------------------------


def _link(builder: Builder, fromdoc: str, todoc: str, text: str, anchor: str = "") -> nodes.Node:
    uri = builder.get_relative_uri(fromdoc, todoc)
    if anchor:
        uri = f"{uri}#{anchor}"
    return nodes.reference("", text, refuri=uri, internal=True)


def _section(ident: str, title: str, body: Iterable[nodes.Node]) -> nodes.section:
    section = nodes.section(ids=[ident])
    section += nodes.title(title, title)
    for node in body:
        section += node
    return section


def _bullets(items: Iterable[list[nodes.Node]]) -> nodes.bullet_list:
    listing = nodes.bullet_list()
    for item in items:
        para = nodes.paragraph()
        para.extend(item)
        listing += nodes.list_item("", para)
    return listing


def _title(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def _section_of(env: BuildEnvironment, docname: str) -> str | None:
    """The title of the section a page belongs to: ``governance/budget`` is in Governance."""
    if "/" not in docname:
        return None
    folder = docname.split("/", 1)[0]
    index = f"{folder}/index"
    if index == docname or index not in env.titles:
        return None
    return _title(env, index)


def listing_nodes(app: Sphinx, docname: str, key: str) -> list[nodes.Node]:
    env, builder = app.env, app.builder
    topics = load_topics(env)
    found = gather(env, key)
    domain = _domain(env)
    lscb = env.get_domain(LscbDomain.name)
    assert isinstance(lscb, LscbDomain)
    out: list[nodes.Node] = []
    topic = topics.topics.get(key)
    if topic is not None:
        out.append(nodes.paragraph("", topic.description, classes=["lscb-topic-description"]))
    page_items = []
    for doc in found.pages:
        item = [_link(builder, docname, doc, _title(env, doc))]
        section = _section_of(env, doc)
        if section:
            item.append(nodes.Text(f" (in {section})"))
        page_items.append(item)
    out.append(
        _section(
            "pages-on-this-topic",
            "Pages",
            [_bullets(page_items)] if page_items else [nodes.paragraph("", "No pages yet.")],
        )
    )
    where: dict[str, tuple[str, str]] = {}
    for doc in sorted(domain.anchors, key=lambda d: (d not in found.pages, d)):
        for anchor in domain.anchors[doc]:
            where.setdefault(anchor, (doc, anchor))
    groups: dict[tuple[str | None, str], list[list[nodes.Node]]] = {}
    for entry, record in found.records:
        label = f"{record.title}"
        status = getattr(record, "status", None)
        if status:
            label += f" ({STATUS_LABELS[status]})"
        anchor = nodes.make_id(record.id)
        line: list[nodes.Node] = [nodes.literal(record.id, record.id), nodes.Text(" ")]
        if anchor in where:
            doc, ident = where[anchor]
            line.append(_link(builder, docname, doc, label, ident))
        else:
            line.append(nodes.Text(label))
        groups.setdefault((entry.year, entry.dataset.title), []).append(line)
    record_body: list[nodes.Node] = []
    # The latest year first, earlier years beneath.
    for (year, title), items in sorted(groups.items(), key=lambda kv: kv[0][0] or "", reverse=True):
        record_body.append(nodes.paragraph("", f"{title} ({year_label(year)})"))
        record_body.append(_bullets(items))
    out.append(
        _section(
            "records-on-this-topic",
            "Findings, actions and recommendations",
            record_body or [nodes.paragraph("", "No register records yet.")],
        )
    )
    data_items = []
    for entry in sorted(found.datasets, key=lambda e: e.year or "", reverse=True):
        item = [nodes.Text(f"{entry.dataset.title} ({year_label(entry.year)})")]
        shown = [d for d in lscb.pages_using(entry.year, entry.id) if d in env.all_docs]
        shown = [d for d in shown if d not in domain.topic_pages and d not in lscb.all_data]
        if shown:
            item.append(nodes.Text(": shown on "))
            for index, doc in enumerate(shown):
                if index:
                    item.append(nodes.Text(", "))
                item.append(_link(builder, docname, doc, _title(env, doc)))
        downloads = downloads_of(entry)
        if downloads and builder.format == "html":
            item.append(nodes.Text("; download "))
            first = downloads[0]
            for index, suffix in enumerate(("csv", "json")):
                if index:
                    item.append(nodes.Text(" or "))
                uri = relative_uri(builder.get_target_uri(docname), first.path(suffix))
                text = suffix.upper() if len(downloads) == 1 else f"{suffix.upper()} (first table)"
                item.append(nodes.reference("", text, refuri=uri))
            data_page = _data_page(env)
            if data_page and len(downloads) > 1:
                item.append(nodes.Text(", or every table from the "))
                item.append(_link(builder, docname, data_page, "data page"))
        data_items.append(item)
    out.append(
        _section(
            "data-on-this-topic",
            "Data",
            [_bullets(data_items)] if data_items else [nodes.paragraph("", "No datasets yet.")],
        )
    )
    return out


def _data_page(env: BuildEnvironment) -> str | None:
    lscb = env.get_domain("lscb")
    pages = sorted(lscb.data.get("all_data", {}))
    return pages[0] if pages else None


def index_nodes(app: Sphinx, docname: str) -> list[nodes.Node]:
    env, builder = app.env, app.builder
    topics = load_topics(env)
    domain = _domain(env)
    listing = nodes.definition_list(classes=["lscb-topic-index"])
    for key, topic in topics.topics.items():
        found = gather(env, key)
        item = nodes.definition_list_item()
        term = nodes.term()
        page = domain.page_of_topic(key)
        if page is not None:
            term += _link(builder, docname, page, topic.label)
        else:
            term += nodes.Text(topic.label)
        item += term
        definition = nodes.definition()
        counts = (
            f" {len(found.pages)} page{'s' if len(found.pages) != 1 else ''}, "
            f"{len(found.records)} record{'s' if len(found.records) != 1 else ''}, "
            f"{len(found.datasets)} dataset{'s' if len(found.datasets) != 1 else ''}."
        )
        definition += nodes.paragraph("", topic.description + counts)
        item += definition
        listing += item
    return [listing]


def resolve_topic_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(topic_listing)):
        node.replace_self(listing_nodes(app, docname, node["topic"]))
    for pending in list(doctree.findall(topic_index)):
        pending.replace_self(index_nodes(app, docname))


def setup_topics(app: Sphinx) -> None:
    # Whether a page without front matter 'topics' is a warning (on for the knowledge base).
    app.add_config_value("lscb_require_topics", False, "env", types=frozenset({bool}))
    app.add_domain(TopicsDomain)
    app.add_node(topic_listing)
    app.add_node(topic_index)
    app.add_directive("topic-page", TopicPageDirective)
    app.add_directive("topic-index", TopicIndexDirective)
    app.connect("builder-inited", _reload_topics, priority=600)
    app.connect("doctree-read", collect_page, priority=800)
    app.connect("env-updated", rewrite_topic_pages)
    app.connect("env-check-consistency", check_topic_pages)
    app.connect("doctree-resolved", resolve_topic_nodes)
