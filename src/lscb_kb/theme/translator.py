"""GOV.UK Frontend's classes on the HTML the extension and Sphinx write, for the ``lscb`` theme.

Mixed, on ``builder-inited`` and only when the site is built with the theme, over the translator
that :mod:`lscb_kb.sphinxext.html` has already mixed (so scoped header cells, heading ids and the
rest stay). It changes only markup, never what is shown:

- every table is a ``govuk-table`` inside a scroll region that the keyboard can reach
  (``<div role="region" aria-label="<caption>" tabindex="0">``), so a wide table scrolls on its
  own instead of widening the page;
- a chart's picture is in a scroll region too, and never narrower than the width at which its
  smallest text is 12 CSS pixels (``lscb.css``);
- a register record's fields are a GOV.UK summary list; a status is a GOV.UK tag;
- notes (a table's notes, ``note`` and other admonitions) are GOV.UK inset text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

    _Translator = HTML5Translator
else:
    _Translator = object

SUMMARY = "lscb-record-fields"
TAG_COLOURS = {
    "sd-bg-success": "govuk-tag--green",
    "sd-bg-info": "govuk-tag--light-blue",
    "sd-bg-warning": "govuk-tag--orange",
    "sd-bg-secondary": "govuk-tag--grey",
    "sd-bg-primary": "govuk-tag--blue",
}


def _in_summary(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.field_list):
        parent = parent.parent
    return parent is not None and SUMMARY in parent["classes"]


def _label(node: nodes.Element, kind: str) -> str:
    title: nodes.Element | None = None
    if kind == "Table":
        title = next(iter(node.findall(nodes.title)), None)
    if kind == "Chart" and isinstance(node.parent, nodes.figure):
        title = next(iter(node.parent.findall(nodes.caption)), None)
    text = " ".join(title.astext().split()) if title is not None else ""
    return f"{kind}: {text}" if text else kind


class GovukHTMLMixin(_Translator):
    """GOV.UK Frontend's classes and scroll regions, over the site's HTML translator."""

    def _region(self, label: str, cls: str) -> None:
        self.body.append(
            f'<div class="lscb-scroll-region {cls}" role="region" '
            f'aria-label="{self.attval(label)}" tabindex="0">\n'
        )

    def visit_table(self, node: nodes.Element) -> None:
        self._region(_label(node, "Table"), "lscb-table-region")
        node["classes"] = [*node["classes"], "govuk-table"]
        super().visit_table(node)  # type: ignore[arg-type]

    def depart_table(self, node: nodes.Element) -> None:
        super().depart_table(node)  # type: ignore[arg-type]
        self.body.append("</div>\n")

    def visit_title(self, node: nodes.Element) -> None:
        if isinstance(node.parent, nodes.table):
            node["classes"] = [*node["classes"], "govuk-table__caption"]
        super().visit_title(node)  # type: ignore[arg-type]

    def visit_thead(self, node: nodes.Element) -> None:
        node["classes"] = [*node["classes"], "govuk-table__head"]
        super().visit_thead(node)  # type: ignore[arg-type]

    def visit_tbody(self, node: nodes.Element) -> None:
        node["classes"] = [*node["classes"], "govuk-table__body"]
        super().visit_tbody(node)  # type: ignore[arg-type]

    def visit_row(self, node: nodes.Element) -> None:
        node["classes"] = [*node["classes"], "govuk-table__row"]
        super().visit_row(node)  # type: ignore[arg-type]

    def visit_entry(self, node: nodes.Element) -> None:
        row = node.parent
        head = isinstance(row.parent, nodes.thead) or bool(
            row.parent.parent.stubs[row.column]  # type: ignore[attr-defined,union-attr]
        )
        extra = ["govuk-table__header" if head else "govuk-table__cell"]
        if "lscb-num" in node["classes"]:
            extra.append("govuk-table__header--numeric" if head else "govuk-table__cell--numeric")
        node["classes"] = [*node["classes"], *extra]
        super().visit_entry(node)  # type: ignore[arg-type]

    def visit_image(self, node: nodes.Element) -> None:
        if "lscb-chart-image" in node["classes"]:
            self._region(_label(node, "Chart"), "lscb-chart-region")
        super().visit_image(node)  # type: ignore[arg-type]

    def depart_image(self, node: nodes.Element) -> None:
        super().depart_image(node)  # type: ignore[arg-type]
        if "lscb-chart-image" in node["classes"]:
            self.body.append("</div>\n")

    # A register record's fields: a summary list.
    def visit_field_list(self, node: nodes.Element) -> None:
        if SUMMARY not in node["classes"]:
            super().visit_field_list(node)  # type: ignore[arg-type]
            return
        self.body.append(self.starttag(node, "dl", CLASS="govuk-summary-list"))

    def depart_field_list(self, node: nodes.Element) -> None:
        if SUMMARY not in node["classes"]:
            super().depart_field_list(node)  # type: ignore[arg-type]
            return
        self.body.append("</dl>\n")

    def visit_field(self, node: nodes.Element) -> None:
        if not _in_summary(node):
            super().visit_field(node)  # type: ignore[arg-type]
            return
        self.body.append('<div class="govuk-summary-list__row">\n')

    def depart_field(self, node: nodes.Element) -> None:
        if not _in_summary(node):
            super().depart_field(node)  # type: ignore[arg-type]
            return
        self.body.append("</div>\n")

    def visit_field_name(self, node: nodes.Element) -> None:
        if not _in_summary(node):
            super().visit_field_name(node)  # type: ignore[arg-type]
            return
        self.body.append(self.starttag(node, "dt", "", CLASS="govuk-summary-list__key"))

    def depart_field_name(self, node: nodes.Element) -> None:
        if not _in_summary(node):
            super().depart_field_name(node)  # type: ignore[arg-type]
            return
        self.body.append("</dt>\n")

    def visit_field_body(self, node: nodes.Element) -> None:
        if not _in_summary(node):
            super().visit_field_body(node)  # type: ignore[arg-type]
            return
        self.body.append(self.starttag(node, "dd", "", CLASS="govuk-summary-list__value"))

    def depart_field_body(self, node: nodes.Element) -> None:
        if not _in_summary(node):
            super().depart_field_body(node)  # type: ignore[arg-type]
            return
        self.body.append("</dd>\n")

    # A record's status: a GOV.UK tag (the words say the status; the colour only repeats it).
    def visit_inline(self, node: nodes.Element) -> None:
        if "lscb-status" in node["classes"]:
            colours = [TAG_COLOURS[c] for c in node["classes"] if c in TAG_COLOURS]
            node["classes"] = ["govuk-tag", *colours, "lscb-status"]
        super().visit_inline(node)  # type: ignore[arg-type]

    # Notes: GOV.UK inset text.
    def visit_container(self, node: nodes.Element) -> None:
        if "lscb-notes" in node["classes"]:
            node["classes"] = [*node["classes"], "govuk-inset-text"]
        super().visit_container(node)  # type: ignore[arg-type]

    def visit_admonition(self, node: nodes.Element, name: str = "") -> None:
        node["classes"] = [*node["classes"], "govuk-inset-text"]
        super().visit_admonition(node, name)  # type: ignore[arg-type]


def mix_govuk_translator(app: Sphinx) -> None:
    """``builder-inited``: GOV.UK Frontend's classes, when the site is built with the theme."""
    from . import uses_theme  # noqa: PLC0415 - the package imports this module

    if app.builder.format != "html" or not uses_theme(app):
        return
    base: Any = app.builder.get_translator_class()
    if issubclass(base, GovukHTMLMixin):
        return
    mixed = type(f"Govuk{base.__name__}", (GovukHTMLMixin, base), {"__module__": __name__})
    app.set_translator(app.builder.name, mixed, override=True)
