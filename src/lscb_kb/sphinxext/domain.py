"""The ``lscb`` domain: which page reads which data file, kept across builds and processes."""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import TYPE_CHECKING, Any

from sphinx.domains import Domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..core import Entry


class LscbDomain(Domain):
    """Cross-page state of the knowledge base.

    ``uses`` maps a page to the data files it reads (by project-relative path). ``all_data``
    holds pages that list every data file, such as the data catalogue page. They do not
    depend on each file's figures, only on what the listing shows of each file (title,
    period, source, tables): ``listing`` keeps that as it was when they were read, and they
    are re-read when it changes, or when a data file is added or removed (see
    :func:`env_get_outdated`), not whenever a figure in any file is edited.
    """

    name = "lscb"
    label = "Safeguarding knowledge base"
    initial_data = {  # noqa: RUF012
        "uses": {},
        "all_data": {},
        "listing": [],
    }

    @property
    def uses(self) -> dict[str, list[str]]:
        return self.data["uses"]  # type: ignore[no-any-return]

    @property
    def all_data(self) -> dict[str, bool]:
        return self.data["all_data"]  # type: ignore[no-any-return]

    _by_key: dict[str, list[str]] | None = None
    """``uses`` turned round (file to pages), made when first asked for after a change."""

    def note_use(self, docname: str, entry: Entry) -> None:
        used = self.uses.setdefault(docname, [])
        key = f"{entry.year or ''}:{entry.id}"
        if key not in used:
            used.append(key)
            self._by_key = None

    def note_all_data(self, docname: str) -> None:
        self.all_data[docname] = True

    def pages_using(self, year: str | None, ident: str) -> list[str]:
        if self._by_key is None:
            by_key: dict[str, list[str]] = {}
            for doc in sorted(self.uses):
                for key in self.uses[doc]:
                    by_key.setdefault(key, []).append(doc)
            self._by_key = by_key
        return list(self._by_key.get(f"{year or ''}:{ident}", []))

    def clear_doc(self, docname: str) -> None:
        self.uses.pop(docname, None)
        self.all_data.pop(docname, None)
        self._by_key = None

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        self._by_key = None
        for docname in docnames:
            if docname in otherdata["uses"]:
                self.uses[docname] = list(otherdata["uses"][docname])
            if docname in otherdata["all_data"]:
                self.all_data[docname] = True

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


def env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> Iterable[str]:
    """Re-read the pages that list every data file when what they list changes."""
    from ..published.export import catalogue_listing  # noqa: PLC0415
    from .shared import get_catalogue  # noqa: PLC0415

    domain = env.get_domain(LscbDomain.name)
    assert isinstance(domain, LscbDomain)
    listing = catalogue_listing(get_catalogue(env))
    if listing == domain.data["listing"]:
        return []
    domain.data["listing"] = listing
    return [doc for doc in domain.all_data if doc in env.found_docs]


def setup_domain(app: Sphinx) -> None:
    app.add_domain(LscbDomain)
    app.connect("env-get-outdated", env_get_outdated)
