"""The MyST parser pages are read with: MyST's own, held to the allowlist of ``conf/safety.toml``.

Every directive and role on a page, also inside another directive's content or an included
file, is created by the renderer's ``run_directive`` and ``render_myst_role``; the front matter
is read in ``parse``; ``{{ name }}`` is rendered by ``render_substitution``; raw HTML, links,
images and ``eval-rst`` each have their ``render_*`` method. So these are the places where the
allowlist holds, for every route into a page:

* a directive or role that is not listed is refused at its line, and nothing of it runs (its
  options are not read, its files not opened, its content not parsed);
* a listed directive given an option that is not listed for it is refused the same way;
* ``{{ name }}`` shows the value of one of the listed names from ``myst_substitutions`` as
  plain text; anything else (an expression, a filter, an unknown name) is refused and nothing
  is evaluated: no template language ever sees page text;
* raw HTML and ``eval-rst`` (reStructuredText, which the allowlist can not see into) are
  refused; a link or image whose address the link policy refuses is refused at its line,
  where markdown-it alone would have turned it into text without a word;
* front matter may change only the listed MyST settings, and may not set substitutions,
  ``html_meta``, or the ``abstract`` and ``dedication`` that MyST reads as Markdown; an
  impossible date or malformed YAML is a located warning, not a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from docutils import nodes
from docutils.parsers.rst.states import MarkupError
from markdown_it.tree import SyntaxTreeNode
from myst_parser.config.main import merge_file_level
from myst_parser.mdit_to_docutils.base import token_line
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.warnings_ import create_warning

from ..checks.safety import (
    PATH_DIRECTIVES,
    RAW_HTML,
    front_matter_refusals,
    load_front_matter,
    only_a_comment,
    outside_message,
)
from ..core.policy import SafetyPolicy
from .shared import LscbWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def policy_of(env: BuildEnvironment) -> SafetyPolicy:
    """The build's allowlist, read on ``builder-inited`` (see :mod:`.safety`)."""
    from .safety import get_policy  # noqa: PLC0415

    return get_policy(env)


class SafeRenderer(SphinxRenderer):
    """MyST's Sphinx renderer, refusing what the allowlist does not list."""

    def _refuse(self, message: str, line: int) -> None:
        env = self.sphinx_env
        current = self.document.get("source") or ""
        if env is not None and str(current) == str(env.doc2path(env.docname)):
            warn(message, LscbWarning.SAFETY, (env.docname, line))
        else:
            warn(message, LscbWarning.SAFETY, f"{current}:{line}")

    def run_directive(
        self,
        name: str,
        first_line: str,
        content: str,
        position: int,
        additional_options: dict[str, str] | None = None,
        *,
        block_text: str | None = None,
    ) -> list[nodes.Element]:
        policy = policy_of(self.sphinx_env)
        if not policy.directive_allowed(name):
            self._refuse(policy.directive_message(name), position)
            return []
        directive_class, _messages = self._lookup_directive(name)
        if directive_class is not None:
            try:
                parsed = parse_directive_text(
                    directive_class,
                    first_line,
                    content,
                    line=position,
                    validate_options=False,
                    additional_options=additional_options,
                )
            except MarkupError:
                pass  # MyST reports it below, at the directive's line
            else:
                refused = policy.options_refused(name, list(parsed.options))
                if refused:
                    self._refuse(policy.options_message(name, refused), position)
                    return []
                if not self._paths_allowed(name, parsed.arguments, parsed.options, position):
                    return []
        return super().run_directive(
            name,
            first_line,
            content,
            position,
            additional_options=additional_options,
            block_text=block_text,
        )

    def _paths_allowed(
        self, name: str, arguments: list[str], options: dict[str, Any], line: int
    ) -> bool:
        """Whether every file the directive would read lies inside docs/ or data/."""
        from .safety import scope  # noqa: PLC0415

        env = self.sphinx_env
        allowed = scope(env)
        named: list[tuple[str, str, bool]] = []
        if name.lower() in PATH_DIRECTIVES and arguments:
            named.append((name, arguments[0], True))
        if isinstance(options.get("file"), str):
            named.append((f"{name} :file:", options["file"], False))
        current = Path(self.document.get("source") or env.doc2path(env.docname))
        for what, argument, from_doc in named:
            if "://" in argument or argument.startswith("//"):
                if name.lower() in ("image", "figure"):
                    continue  # an address: refused on doctree-read, with the link policy
                self._refuse(outside_message(what, argument), line)
                return False
            if argument.startswith("<") and argument.endswith(">"):
                self._refuse(outside_message(what, argument), line)
                return False
            # As Sphinx reads them: a directive's path from the page (or from docs/ if it starts
            # with "/"); a :file: option from the file being read.
            target = (
                Path(env.relfn2path(argument, env.docname)[1])
                if from_doc
                else current.parent / argument
            )
            if not allowed.permits(target):
                self._refuse(outside_message(what, argument), line)
                return False
        return True

    def render_restructuredtext(self, token: SyntaxTreeNode) -> None:
        """``eval-rst`` reads reStructuredText, which the allowlist can not see into."""
        policy = policy_of(self.sphinx_env)
        if not policy.directive_allowed("eval-rst"):
            self._refuse(policy.directive_message("eval-rst"), token_line(token))
            return
        super().render_restructuredtext(token)

    def _lookup_directive(self, name: str) -> tuple[Any, Any]:
        from docutils.parsers.rst import directives  # noqa: PLC0415

        return directives.directive(name, self.language_module_rst, self.document)

    def render_html_block(self, token: SyntaxTreeNode) -> None:
        """Raw HTML written on a page is refused; an HTML comment alone is left out."""
        if not only_a_comment(token.content):
            line = token_line(token) if token.map else self._inline_line(token)
            self._refuse(RAW_HTML, line)

    def render_html_inline(self, token: SyntaxTreeNode) -> None:
        self.render_html_block(token)

    def _inline_line(self, token: SyntaxTreeNode) -> int:
        current: Any = self.current_node
        while current is not None and not current.line:
            current = current.parent
        return int(current.line) if current is not None else 0

    def render_front_matter(self, token: SyntaxTreeNode) -> None:
        """The front matter's fields, without those MyST would read as Markdown (refused in
        ``parse``); YAML that does not load is reported by the loader of the review fields."""
        content: Any = token.content
        if isinstance(content, str):
            try:
                content = load_front_matter(content)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
                return
        if not isinstance(content, dict):
            return
        content = {k: v for k, v in content.items() if k not in ("abstract", "dedication")}
        if token.token is not None:
            token.token.content = content  # type: ignore[assignment]  # MyST takes a mapping
        super().render_front_matter(token)

    def render_link(self, token: SyntaxTreeNode) -> None:
        """A link whose address the link policy refuses is reported, and shown as its text."""
        policy = policy_of(self.sphinx_env)
        url = str(token.attrGet("href") or "")
        if not policy.url_allowed(url):
            self._refuse(policy.url_message(url), self._inline_line(token))
            self.render_children(token)
            return
        super().render_link(token)

    def render_image(self, token: SyntaxTreeNode) -> None:
        policy = policy_of(self.sphinx_env)
        url = str(token.attrGet("src") or "")
        if not policy.url_allowed(url):
            self._refuse(policy.url_message(url), self._inline_line(token))
            return
        super().render_image(token)

    def render_myst_role(self, token: SyntaxTreeNode) -> None:
        policy = policy_of(self.sphinx_env)
        name = str(token.meta["name"])
        if token.map and token.token is not None:
            # MyST gives every inline token its paragraph's first line: give the role its own,
            # so that it is located as `lscb-kb check` (lscb_kb.checks.pages) locates it.
            token.token.map = [role_line(token)] * 2
        if not policy.role_allowed(name):
            line = token_line(token) if token.map else 0
            self._refuse(policy.role_message(name), line)
            self.current_node.append(nodes.Text(token.content))
            return
        super().render_myst_role(token)

    def nested_render_text(
        self,
        text: str,
        lineno: int,
        inline: bool = False,
        temp_root_node: nodes.Element | None = None,
        heading_offset: int = 0,
    ) -> None:
        """MyST's callers of an inline render (a directive's title, a card's header) pass the
        1-based line, which it counts from 0: read the text at that line, not the next."""
        super().nested_render_text(
            text, lineno - 1 if inline else lineno, inline, temp_root_node, heading_offset
        )

    def render_substitution(self, token: SyntaxTreeNode, inline: bool) -> None:
        policy = policy_of(self.sphinx_env)
        name = token.content.strip()
        values = self.md_config.substitutions
        position = token_line(token)
        if name not in policy.substitutions or name not in values:
            self._refuse(policy.substitution_message(name), position)
            return
        text = nodes.Text(str(values[name]))
        if inline:
            self.current_node.append(text)
        else:
            paragraph = nodes.paragraph("", "", text)
            paragraph.line = position
            self.current_node.append(paragraph)


def read_topmatter(text: str) -> dict[str, Any] | None:
    """The page's front matter as MyST's ``read_topmatter`` reads it (the lines after a first
    ``---`` line up to a ``---`` or ``...`` line, each without trailing white space), read
    through :func:`~lscb_kb.checks.safety.load_front_matter`, so that a text is read once per
    process; ``None`` if the page has none or it is not a mapping. What it gives is read, never
    changed."""
    if not text.startswith("---"):
        return None
    lines = iter(text.splitlines())
    next(lines)
    block = []
    for line in lines:
        if line.startswith(("---", "...")):
            break
        block.append(line.rstrip() + "\n")
    data = load_front_matter("".join(block))
    return data if isinstance(data, dict) else None


def role_line(token: SyntaxTreeNode) -> int:
    """The line of an inline token: its paragraph's first line and the line breaks before it."""
    start = token_line(token, default=0)
    block = token.parent
    while block is not None and block.type != "inline":
        block = block.parent
    if block is None:
        return start
    breaks = 0
    for node in block.walk(include_self=False):
        if node is token:
            return start + breaks
        if node.type in ("softbreak", "hardbreak"):
            breaks += 1
        elif node.type == "text":
            breaks += node.content.count("\n")
    return start


class SafeMystParser(MystParser):
    """MyST's parser with :class:`SafeRenderer`, and front matter held to the allowlist."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env: BuildEnvironment = document.settings.env
        config = env.myst_config  # type: ignore[attr-defined]  # set by myst_parser
        # The page's own substitutions never count: only the fixed ones of conf/conf.py.
        try:
            topmatter = read_topmatter(inputstring)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
            topmatter = None  # the loader of the review fields reports it at its line
        if topmatter:
            policy = policy_of(env)
            for key, line in front_matter_refusals(topmatter, inputstring, policy):
                warn(policy.front_matter_message(key), LscbWarning.SAFETY, (env.docname, line))
            myst = topmatter.get("myst")
            safe = {
                key: value
                for key, value in (myst.items() if isinstance(myst, dict) else ())
                if key in policy.front_matter
            }

            def warning(wtype: Any, msg: str) -> None:
                create_warning(document, msg, wtype, line=1, append_to=document)

            config = merge_file_level(config, {"myst": safe}, warning)
        parser = create_md_parser(config, SafeRenderer)
        # markdown-it turns a link it distrusts into plain text without a word; let every link
        # through to the renderer, which refuses it at its line with the link policy.
        parser.validateLink = lambda url: True  # type: ignore[method-assign]
        parser.options["document"] = document
        try:
            parser.render(inputstring)
        except (ValueError, TypeError, OverflowError, RecursionError) as err:
            # MyST reads front matter with PyYAML, which raises for an impossible date.
            warn(
                f"the page could not be read: {err}; correct the front matter or the text at "
                "this line",
                LscbWarning.SAFETY,
                (env.docname, 1),
            )
            document.children = []
            # the settings MyST's own transforms read, which its renderer sets when it finishes
            document.settings.myst_heading_anchors_html_ids = config.heading_anchors_html_ids
            document.settings.myst_footnote_transition = config.footnote_transition
            document.settings.myst_footnote_sort = config.footnote_sort


def setup_parser(app: Sphinx) -> None:
    app.add_source_parser(SafeMystParser, override=True)
