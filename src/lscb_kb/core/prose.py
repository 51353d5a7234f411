"""Figures in data prose: a record's finding, a note or an explanation names a figure the way a
page does, ``{fig}`budget.expenditure/employees/actual```, instead of typing the number.

The same inline syntax as the pages' ``fig`` role, resolved through the published view, so a
figure is typed once and a hidden one stays hidden in prose too. Nothing else in a data string
is markup: the rest is text. An address without a year means the year of the file it is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .catalogue import AddressError, InvalidDataError
from .problems import PathPart, Problem

if TYPE_CHECKING:
    from ..published.view import PublishedView, Shown
    from .catalogue import Catalogue

FIGURE = re.compile(r"\{fig\}`([^`\n]+)`")
"""A figure reference in a data string: the pages' own role syntax."""


@dataclass(frozen=True)
class FigureUse:
    """One ``{fig}`` reference in a data string."""

    address: str


def split_prose(text: str) -> list[str | FigureUse]:
    """*text* as its plain parts and the figures it names, in order."""
    parts: list[str | FigureUse] = []
    index = 0
    for match in FIGURE.finditer(text):
        if match.start() > index:
            parts.append(text[index : match.start()])
        parts.append(FigureUse(match.group(1).strip()))
        index = match.end()
    if index < len(text):
        parts.append(text[index:])
    return parts


def prose_text(view: PublishedView, text: str, year: str | None) -> str:
    """*text* with every figure written as the site shows it (for downloads and search)."""
    out: list[str] = []
    for part in split_prose(text):
        if isinstance(part, str):
            out.append(part)
            continue
        try:
            out.append(view.resolve(part.address, year).text)
        except AddressError:
            out.append(part.address)
    return "".join(out)


def resolve_in_prose(view: PublishedView, use: FigureUse, year: str | None) -> Shown:
    """The figure a data string names (raises :class:`AddressError`)."""
    return view.resolve(use.address, year)


def strings(
    value: Any, path: tuple[PathPart, ...] = ()
) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """Every string in a loaded document, with its path (iteratively: documents are bounded
    by the loader's limits, but need not be shallow)."""
    stack: list[tuple[tuple[PathPart, ...], Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            stack.extend(((*where, key), child) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(((*where, i), child) for i, child in reversed(list(enumerate(item))))


def check_prose(catalogue: Catalogue) -> Iterator[Problem]:
    """Every ``{fig}`` in every data string names a figure the catalogue holds."""
    for entry in sorted(catalogue.entries.values(), key=lambda e: (str(e.year), e.id)):
        for path, text in strings(entry.located.value):
            for part in split_prose(text):
                if not isinstance(part, FigureUse):
                    continue
                try:
                    catalogue.resolve(part.address, entry.year)
                except InvalidDataError:
                    continue  # that file's own problems are reported already
                except AddressError as err:
                    yield entry.located.problem(
                        path, f"fig {part.address!r}: {err}", rule="reference"
                    )
