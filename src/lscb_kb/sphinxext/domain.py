"""The ``lscb`` domain: which page reads which data file, kept across builds and processes."""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import TYPE_CHECKING, Any

from sphinx.domains import Domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..data import Entry


class LscbDomain(Domain):
    """Cross-page state of the knowledge base.

    ``uses`` maps a page to the data files it reads (by project-relative path). ``all_data``
    holds pages that read every data file, such as the data catalogue page: when a data file
    is added or removed they are re-read (see :func:`env_get_outdated`).
    """

    name = "lscb"
    label = "Safeguarding knowledge base"
    initial_data = {  # noqa: RUF012
        "uses": {},
        "all_data": {},
        "files": [],
    }

    @property
    def uses(self) -> dict[str, list[str]]:
        return self.data["uses"]  # type: ignore[no-any-return]

    @property
    def all_data(self) -> dict[str, bool]:
        return self.data["all_data"]  # type: ignore[no-any-return]

    def note_use(self, docname: str, entry: Entry) -> None:
        used = self.uses.setdefault(docname, [])
        key = f"{entry.year or ''}:{entry.id}"
        if key not in used:
            used.append(key)

    def note_all_data(self, docname: str) -> None:
        self.all_data[docname] = True

    def pages_using(self, year: str | None, ident: str) -> list[str]:
        key = f"{year or ''}:{ident}"
        return sorted(doc for doc, keys in self.uses.items() if key in keys)

    def clear_doc(self, docname: str) -> None:
        self.uses.pop(docname, None)
        self.all_data.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
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
    """Re-read the pages that list every data file when the set of data files changes."""
    from .shared import get_catalogue  # noqa: PLC0415

    domain = env.get_domain(LscbDomain.name)
    assert isinstance(domain, LscbDomain)
    files = sorted(str(p) for p in get_catalogue(env).files)
    if files == domain.data["files"]:
        return []
    domain.data["files"] = files
    return [doc for doc in domain.all_data if doc in env.found_docs]


def setup_domain(app: Sphinx) -> None:
    app.add_domain(LscbDomain)
    app.connect("env-get-outdated", env_get_outdated)
