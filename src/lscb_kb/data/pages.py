"""Find what the MyST pages ask of the data (figure addresses, datasets, sources, terms).

This lets ``lscb-kb check`` report a page that names something the data does not hold,
at the page's file and line, without building the site. The Sphinx build reports the same
problems through the extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .catalogue import AddressError, Catalogue, InvalidDataError
from .models import GlossaryDataset
from .problems import Problem, display_path

_ROLE = re.compile(r"\{(fig|term|cite:p|cite:t|cite)\}`([^`]+)`")
_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{(data-table|data-register)\}\s*(\S*)")
_LITERAL = re.compile(r"^(`{3,}|~{3,})(?:\s*$|\s*[\w+-]+\s*$|\{(?:code|code-block|sourcecode)\})")
_TERM_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$")


@dataclass(frozen=True)
class PageReference:
    """One use of the data on a page."""

    file: Path
    line: int
    column: int
    kind: str
    target: str


def page_references(docs: Path) -> Iterator[PageReference]:
    """Every figure, dataset, citation and glossary term named by the pages under *docs*."""
    for path in sorted(docs.rglob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        fence: str | None = None  # the marker of an open literal (code) block
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if fence is not None:
                if stripped == fence:
                    fence = None
                continue
            literal = _LITERAL.match(stripped)
            if literal:
                fence = literal.group(1)
                continue
            directive = _DIRECTIVE.match(line)
            if directive:
                yield PageReference(
                    path, number, line.index("{") + 1, directive.group(1), directive.group(2)
                )
                continue
            for match in _ROLE.finditer(_mask_code_spans(line)):
                yield PageReference(
                    path, number, match.start() + 1, match.group(1), match.group(2).strip()
                )


def _mask_code_spans(line: str) -> str:
    """Blank out inline code (`` `like this` ``) so examples of roles are not taken as uses.

    A role's own backticks follow its ``}`` and are kept; columns stay where they were.
    """
    out = list(line)
    index = 0
    while index < len(line):
        if line[index] != "`":
            index += 1
            continue
        run = len(line[index:]) - len(line[index:].lstrip("`"))
        closing = line.find("`" * run, index + run)
        while closing != -1 and line[closing + run : closing + run + 1] == "`":
            closing = line.find("`" * run, closing + run + 1)
        if closing == -1:
            break
        if index == 0 or line[index - 1] != "}":
            for position in range(index, closing + run):
                out[position] = " "
        index = closing + run
    return "".join(out)


def _glossary_terms(catalogue: Catalogue) -> set[str]:
    entry = catalogue.glossary()
    if entry is None or not isinstance(entry.dataset, GlossaryDataset):
        return set()
    names: set[str] = set()
    for term in entry.dataset.terms:
        names.add(term.term.lower())
        names.update(alias.lower() for alias in term.aliases)
    return names


def check_pages(catalogue: Catalogue, docs: Path) -> list[Problem]:
    """Problems with what the pages name: unknown addresses, datasets, sources and terms."""
    problems: list[Problem] = []
    terms = _glossary_terms(catalogue)
    for ref in page_references(docs):
        try:
            message = _check_reference(catalogue, terms, ref)
        except InvalidDataError:
            continue  # the data file's own problems are reported already
        if message:
            problems.append(
                Problem(display_path(ref.file), ref.line, ref.column, "", message, "reference")
            )
    return problems


def _check_reference(catalogue: Catalogue, terms: set[str], ref: PageReference) -> str | None:
    """Why *ref* does not resolve, or ``None``. Lets :class:`InvalidDataError` through."""
    lookups = {
        "fig": catalogue.resolve,
        "data-table": catalogue.table,
        "data-register": catalogue.register,
    }
    if ref.kind in lookups:
        try:
            lookups[ref.kind](ref.target)
        except InvalidDataError:
            raise
        except AddressError as err:
            return f"{ref.kind} {ref.target!r}: {err}"
        return None
    if ref.kind.startswith("cite"):
        missing = [
            key.strip()
            for key in ref.target.split(",")
            if key.strip() and key.strip() not in catalogue.bib_keys
        ]
        if missing and catalogue.bib_keys:
            return (
                f"cites {', '.join(repr(k) for k in missing)}, not a key in "
                f"{catalogue.settings.bibliography}"
            )
        return None
    match = _TERM_TARGET.match(ref.target)
    name = (match.group(2) if match else ref.target).strip().lower()
    if terms and name not in terms:
        return (
            f"term {ref.target!r} is not in the glossary; add it to the glossary file "
            "or check its spelling"
        )
    return None
