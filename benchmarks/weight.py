"""What a reader's browser downloads: page weight, and the bytes of a search.

Page weight is the page's HTML with every stylesheet, script, image and font it references
(``<link rel=stylesheet|preload|icon>``, ``<script src>``, ``<img src|srcset>``, ``<source
srcset>``, ``<object data>``, and ``url()`` and ``@import`` inside the stylesheets), each file
counted once per page, uncompressed, as on a first visit with an empty cache. Fonts named in a
stylesheet are counted whether or not the page uses them, so the figure is an upper bound.

Search with Pagefind (``pagefind/`` in the built site) downloads, for one query on a first
visit: ``pagefind.js``, ``pagefind-worker.js`` unless the search page turns the worker off
(``noWorker: true``), ``pagefind-entry.json``, the WebAssembly module of the site's language,
the metadata (``pagefind.<hash>.pf_meta``), every filter file (Pagefind's UI shows the filters
with their counts), for each word of the query
the one index chunk whose range holds it (``request_indexes`` in Pagefind's ``pagefind_web``),
and one fragment per result shown. Results are ranked here by how often the query's words occur
on each page, which stands in for Pagefind's BM25 score; the bytes of the five fragments are
what matters, and fragments differ little in size. Files are measured as stored: Pagefind
gzips its index files itself. ``tests/browser/test_search.py`` checks this list against the
files Chromium requests for a search. Sphinx's own search (``searchindex.js``) is measured when there is
no Pagefind bundle.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

QUERIES = ("private fostering", "S47", "domestic abuse", "Baby F")
RESULTS_SHOWN = 5
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and set(a.get("rel", "").lower().split()) & {
            "stylesheet",
            "preload",
            "icon",
            "modulepreload",
        }:
            self.refs.append(a.get("href", ""))
        elif tag == "script" and a.get("src"):
            self.refs.append(a["src"])
        elif tag in ("img", "source", "input"):
            if a.get("src"):
                self.refs.append(a["src"])
            for part in a.get("srcset", "").split(","):
                if part.strip():
                    self.refs.append(part.strip().split()[0])
        elif tag == "object" and a.get("data"):
            self.refs.append(a["data"])


def _local(site: Path, base: Path, ref: str) -> Path | None:
    if not ref or ref.startswith(("data:", "#", "javascript:")):
        return None
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    target = (site / path.lstrip("/")) if path.startswith("/") else (base / path)
    target = target.resolve()
    return target if target.is_file() else None


def page_weight(site: Path, page: Path) -> tuple[int, list[Path]]:
    """Bytes a first visit to *page* downloads, and the files it counted."""
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    seen: dict[Path, int] = {page.resolve(): page.stat().st_size}
    queue = [(page.parent, ref) for ref in parser.refs]
    while queue:
        base, ref = queue.pop()
        target = _local(site, base, ref)
        if target is None or target in seen:
            continue
        seen[target] = target.stat().st_size
        if target.suffix == ".css":
            css = target.read_text(encoding="utf-8", errors="replace")
            for match in _CSS_URL.finditer(css):
                queue.append((target.parent, match.group(1) or match.group(2)))
    return sum(seen.values()), list(seen)


def pages_of(site: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images", "pagefind", "_downloads"}
    return sorted(p for p in site.rglob("*.html") if not set(p.relative_to(site).parts) & skip)


def weights(site: Path) -> dict[str, Any]:
    sizes = {p.relative_to(site).as_posix(): page_weight(site, p)[0] for p in pages_of(site)}
    largest = max(sizes, key=lambda k: sizes[k])
    return {
        "pages": len(sizes),
        "page_weight_median_kb": round(statistics.median(sizes.values()) / 1024, 1),
        "page_weight_max_kb": round(sizes[largest] / 1024, 1),
        "page_weight_max_page": largest,
    }


# -- search -----------------------------------------------------------------------------------


def _cbor(data: bytes) -> Any:
    import cbor2  # noqa: PLC0415

    return cbor2.loads(data)


def _pf(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    signature = b"pagefind_dcd"
    if raw.startswith(signature):
        raw = raw[len(signature) :]
    return raw


def _normalise(query: str) -> list[str]:
    text = re.sub(r"""[.`~!@#$%^&*(){}\[\]\\|:;'",<>/?\-]""", "", query.lower().strip())
    return [t for t in re.sub(r"\s{2,}", " ", text).split(" ") if t]


SEARCH_SCRIPT = Path("_static") / "lscb-search.js"
"""The site's search page script, which starts Pagefind's UI with its options."""


def uses_worker(site: Path) -> bool:
    """Whether the site's search page lets Pagefind search in a web worker (its default)."""
    script = site / SEARCH_SCRIPT
    text = script.read_text(encoding="utf-8") if script.is_file() else ""
    return re.search(r"\bnoWorker\s*:\s*true\b", text) is None


def pagefind_query(bundle: Path, query: str, *, worker: bool = True) -> dict[str, Any]:
    """The files a first search for *query* downloads from the Pagefind *bundle*."""
    import snowballstemmer  # noqa: PLC0415  (Pagefind stems with the same Snowball algorithm)

    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    language, info = max(entry["languages"].items(), key=lambda kv: kv[1]["page_count"])
    meta_file = bundle / f"pagefind.{info['hash']}.pf_meta"
    files = [
        bundle / "pagefind.js",
        *([bundle / "pagefind-worker.js"] if worker else []),
        bundle / "pagefind-entry.json",
        bundle / f"wasm.{info.get('wasm', language)}.pagefind",
        meta_file,
        *sorted((bundle / "filter").glob(f"{language}_*.pf_filter")),
    ]
    meta = _cbor(_pf(meta_file))
    pages = [p[0] for p in meta[1]]
    chunks = [(c[0], c[1], c[2]) for c in meta[2]]
    terms = _normalise(query)
    wanted: list[str] = []
    for term in terms:
        for start, end, digest in chunks:
            if start <= term <= end:
                wanted.append(digest)
                break
        else:
            for start, end, digest in chunks:
                a, b = min(len(term), len(start)), min(len(term), len(end))
                if term[:a] >= start[:a] and term[:b] <= end[:b]:
                    wanted.append(digest)
                    break
    wanted = sorted(set(wanted))
    stemmer = snowballstemmer.stemmer("english")
    stems = [stemmer.stemWord(t) for t in terms]
    hits: dict[int, dict[str, int]] = {}
    for digest in wanted:
        path = bundle / "index" / f"{digest}.pf_index"
        files.append(path)
        for word in _cbor(_pf(path))[0]:
            for stem in stems:
                if word[0].startswith(stem):
                    for page in word[1]:
                        hits.setdefault(page[0], {}).setdefault(stem, 0)
                        hits[page[0]][stem] += len(page[1])
    # Pages with the most of the words first, then the most occurrences; Pagefind also finds
    # pages through the search terms and sub-results, so a page with any word can be shown.
    ranked = sorted(hits, key=lambda p: (-len(hits[p]), -sum(hits[p].values())))
    for page in ranked[:RESULTS_SHOWN]:
        files.append(bundle / "fragment" / f"{pages[page]}.pf_fragment")
    present = [f for f in files if f.is_file()]
    return {
        "query": query,
        "results": len(ranked),
        "kb": round(sum(f.stat().st_size for f in present) / 1024, 1),
        "files": {f.relative_to(bundle).as_posix(): f.stat().st_size for f in present},
    }


def search(site: Path) -> dict[str, Any]:
    bundle = site / "pagefind"
    if bundle.is_dir() and (bundle / "pagefind-entry.json").is_file():
        index_files = [
            p
            for p in bundle.rglob("*")
            if p.is_file() and (p.suffix in (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter"))
        ]
        worker = uses_worker(site)
        queries = [pagefind_query(bundle, q, worker=worker) for q in QUERIES]
        return {
            "engine": "pagefind",
            "worker": worker,
            "search_index_kb": round(sum(p.stat().st_size for p in index_files) / 1024, 1),
            "search_bundle_kb": round(
                sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()) / 1024, 1
            ),
            "search_query_kb": round(statistics.median(q["kb"] for q in queries), 1),
            "search_query_kb_max": max(q["kb"] for q in queries),
            "queries": queries,
        }
    index = site / "searchindex.js"
    if index.is_file():
        search_page = site / "search.html"
        total, files = page_weight(site, search_page) if search_page.is_file() else (0, [])
        if index.resolve() not in files:
            total += index.stat().st_size
        return {
            "engine": "sphinx",
            "search_index_kb": round(index.stat().st_size / 1024, 1),
            "search_query_kb": round(total / 1024, 1),
            "note": "Sphinx search: the search page with searchindex.js, the whole index",
        }
    return {"engine": "none"}
