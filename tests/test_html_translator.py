"""The extension's HTML changes are mixed into the builder's own translator, not a replacement:
a theme or another extension that brings its own HTML translator keeps it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from docutils import nodes
from sphinx.writers.html5 import HTML5Translator

from lscb_kb.sphinxext.html import LscbHTMLMixin, mix_translator


class ThemeTranslator(HTML5Translator):
    """A translator a theme might bring: it marks paragraphs."""

    def visit_paragraph(self, node: nodes.Element) -> None:
        self.body.append('<p class="theme">')


def _app(base: type, fmt: str = "html") -> tuple[Any, dict[str, Any]]:
    chosen: dict[str, Any] = {}
    builder = SimpleNamespace(format=fmt, name="html", get_translator_class=lambda: base)

    def set_translator(name: str, cls: type, override: bool = False) -> None:
        chosen.update(name=name, cls=cls, override=override)

    return SimpleNamespace(builder=builder, set_translator=set_translator), chosen


def test_the_mixin_goes_over_the_translator_the_builder_would_use() -> None:
    app, chosen = _app(ThemeTranslator)
    mix_translator(app)
    cls = chosen["cls"]
    assert chosen["name"] == "html" and chosen["override"] is True
    assert issubclass(cls, LscbHTMLMixin) and issubclass(cls, ThemeTranslator)
    assert cls.__mro__.index(LscbHTMLMixin) < cls.__mro__.index(ThemeTranslator)
    assert cls.visit_paragraph is ThemeTranslator.visit_paragraph  # the theme's own, kept
    assert cls.visit_entry is LscbHTMLMixin.visit_entry  # the site's scoped header cells


def test_the_mixin_is_not_applied_twice_nor_to_other_builders() -> None:
    app, chosen = _app(ThemeTranslator)
    mix_translator(app)
    again, chosen_again = _app(chosen["cls"])
    mix_translator(again)
    assert chosen_again == {}
    latex, chosen_latex = _app(ThemeTranslator, fmt="latex")
    mix_translator(latex)
    assert chosen_latex == {}
