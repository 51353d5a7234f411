"""The HTML the site needs for accessibility and search: a mixin for the HTML translator.

:class:`LscbHTMLMixin` is mixed, on ``builder-inited``, into whatever HTML translator the
builder would use (Sphinx's, or a theme's or another extension's), rather than replacing it.
It makes these changes:

- header cells say what they head: ``scope="col"`` in a table's head, ``scope="row"`` for the
  row headers (stub column), ``colgroup``/``rowgroup`` when they span;
- a section's ``id`` is written on its heading, not on ``<section>``, so Pagefind gives each
  heading its own search result linking to it; heading permalinks are ``data-pagefind-ignore``;
- a toctree caption with ``role="heading"`` also has the ``aria-level`` that role requires;
- citations in a bibliography are a list of ``listitem``\\ s (docutils writes the deprecated
  ``doc-biblioentry`` role, which also breaks the list's required children);
- a highlighted code block can be scrolled with the keyboard (``tabindex="0"`` on ``<pre>``);
- a sphinx-design tab's ``aria-controls`` (naming its panel) is written on its radio button,
  not on the ``<label>`` for it, where HTML does not allow it.

It also renders two nodes of the extension: a register record's title as a heading one level
below its section (so a record is a search result in its own right), and the index-only search
terms added by :mod:`lscb_kb.sphinxext.search`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from jinja2.bccache import Bucket, BytecodeCache
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

from .nodes import record_title

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ARIA_LEVEL_2: dict[str, Any] = {"aria-level": "2"}


if TYPE_CHECKING:  # the mixin's methods are checked against the translator they extend
    _Translator = HTML5Translator
else:
    _Translator = object


class LscbHTMLMixin(_Translator):
    """Scoped header cells, heading ids and ARIA fixes, over any HTML5 translator."""

    def visit_entry(self, node: nodes.Element) -> None:
        row = node.parent
        assert isinstance(row, nodes.row)
        tgroup = row.parent.parent
        atts: dict[str, Any] = {"classes": []}
        if isinstance(row.parent, nodes.thead):
            atts["classes"].append("head")
            atts["scope"] = "colgroup" if "morecols" in node else "col"
        elif tgroup.stubs[row.column]:  # type: ignore[attr-defined,union-attr]
            atts["classes"].append("stub")
            atts["scope"] = "rowgroup" if "morerows" in node else "row"
        tagname = "th" if atts["classes"] else "td"
        if tagname == "td":
            del atts["classes"]
        row.column += 1  # type: ignore[attr-defined]
        if "morerows" in node:
            atts["rowspan"] = node["morerows"] + 1
        if "morecols" in node:
            atts["colspan"] = node["morecols"] + 1
            row.column += node["morecols"]  # type: ignore[attr-defined]
        self.body.append(self.starttag(node, tagname, "", **atts))
        self.context.append(f"</{tagname}>\n")

    def visit_section(self, node: nodes.Element) -> None:
        self.section_level += 1
        bare = node.copy()
        bare["ids"] = []  # written on the heading instead (see section_title_tags)
        self.body.append(self.starttag(bare, "section"))

    def section_title_tags(self, node: nodes.Element) -> tuple[str, str]:
        head = node.copy()
        head.parent = node.parent
        head["ids"] = [*node.parent["ids"], *node["ids"]]
        return super().section_title_tags(head)  # type: ignore[no-any-return]

    def add_permalink_ref(self, node: nodes.Element, title: str) -> None:
        icon = self.config.html_permalinks_icon
        if node["ids"] and self.config.html_permalinks and self.builder.add_permalinks:
            self.body.append(
                f'<a class="headerlink" href="#{node["ids"][0]}" title="{title}" '
                f"data-pagefind-ignore>{icon}</a>"
            )

    def visit_title(self, node: nodes.Element) -> None:
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            self.body.append(
                self.starttag(node, "p", "", CLASS="caption", ROLE="heading", **_ARIA_LEVEL_2)
            )
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
            return
        super().visit_title(node)  # type: ignore[arg-type]

    def visit_citation(self, node: nodes.Element) -> None:
        if not isinstance(node.previous_sibling(), type(node)):  # type: ignore[attr-defined]
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))

    def visit_literal_block(self, node: nodes.Element) -> None:
        try:
            super().visit_literal_block(node)  # type: ignore[arg-type]
        except nodes.SkipNode:
            # Highlighted: the block is in the last piece of body, as <div ...><pre>...
            self.body[-1] = self.body[-1].replace("<pre>", '<pre tabindex="0">', 1)
            raise


def visit_record_title(self: HTML5Translator, node: record_title) -> None:
    level = min(self.section_level + 1, 6)
    self.body.append(self.starttag(node, f"h{level}", ""))
    self.context.append(f"</h{level}>\n")


def depart_record_title(self: HTML5Translator, node: record_title) -> None:
    self.body.append(self.context.pop())


def visit_tab_input(self: HTML5Translator, node: nodes.Element) -> None:
    """sphinx-design's tab radio button, with the ``aria-controls`` its label had."""
    attributes: dict[str, Any] = {"ids": [node["id"]], "type": node["type"], "name": node["set_id"]}
    if node["checked"]:
        attributes["checked"] = "checked"
    if node.get("aria_controls"):
        attributes["aria-controls"] = node["aria_controls"]
    self.body.append(self.starttag(node, "input", **attributes))


class TabControls(SphinxPostTransform):
    """After sphinx-design's tab transform: a tab's ``aria-controls`` moves from its label to
    its radio button (sphinx-design writes it on the ``<label>``, which HTML does not allow on a
    label of a form control); the label then names only its button, by ``for``."""

    default_priority = 201  # sphinx-design's TabSetHtmlTransform is 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        from sphinx_design.tabs import sd_tab_input, sd_tab_label  # noqa: PLC0415

        inputs = {node["id"]: node for node in self.document.findall(sd_tab_input)}
        for label in self.document.findall(sd_tab_label):
            button = inputs.get(label.get("input_id"))
            if button is not None and "aria_controls" in label:
                button["aria_controls"] = label.attributes.pop("aria_controls")


def tab_handlers(app: Sphinx, config: Any) -> None:
    """``config-inited``: the change above to sphinx-design's tabs, when it is loaded."""
    if "sphinx_design" not in app.extensions:
        return
    from sphinx_design import tabs  # noqa: PLC0415 (only with sphinx-design)

    app.add_post_transform(TabControls)
    app.add_node(tabs.sd_tab_input, override=True, html=(visit_tab_input, tabs.depart_tab_input))


def mix_translator(app: Sphinx) -> None:
    """``builder-inited``: the builder's own HTML translator, with :class:`LscbHTMLMixin`."""
    if app.builder.format != "html":
        return
    base = app.builder.get_translator_class()
    if not issubclass(base, HTML5Translator) or issubclass(base, LscbHTMLMixin):
        return
    mixed = type(f"Lscb{base.__name__}", (LscbHTMLMixin, base), {"__module__": __name__})
    app.set_translator(app.builder.name, mixed, override=True)


class CompiledTemplates(BytecodeCache):
    """The templates this process has compiled, by template and checksum of its source.

    Each build makes a new Jinja environment, which compiles every template it renders; a
    second build in the same process (the preview, the tests) reads these instead. Jinja checks
    each against the template's source, so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def keep_compiled_templates(app: Sphinx) -> None:
    """``builder-inited``: the builder's Jinja environment keeps what it compiles."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None and environment.bytecode_cache is None:
        environment.bytecode_cache = COMPILED_TEMPLATES


def setup_html(app: Sphinx) -> None:
    app.connect("builder-inited", mix_translator, priority=900)
    app.connect("builder-inited", keep_compiled_templates)
    app.connect("config-inited", tab_handlers)
    app.add_node(record_title, html=(visit_record_title, depart_record_title))
