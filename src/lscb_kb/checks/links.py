"""Check the built site's links: internal pages and anchors always, external links when there
is a network, with a cache of recent results.

Each link gets one of these outcomes, reported as what it is:

``ok``, ``redirected`` (works, but moved: update it), ``broken`` (the server says it is not
there: 404, 410 and other 4xx), ``anchor-missing`` (the page is there, the ``#anchor`` is not),
``unreachable`` (timeout, refused connection, no such host: the link may be fine; try later).

Broken links and missing anchors fail the check. Unreachable ones are reported but do not fail
it, and when no external link can be reached at all the check says there is no network and
checks only the internal links.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

FAILING = ("broken", "anchor-missing")


class _Page(HTMLParser):
    """The ids and links of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(str(values[name]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


@dataclass(frozen=True)
class LinkResult:
    """What checking one link found, and on which page it stands."""

    page: str
    url: str
    outcome: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.page}: {self.outcome}: {self.url}{detail}"


def internal_links(html_dir: Path) -> tuple[list[LinkResult], set[str]]:
    """Check every relative link and anchor in the built site; also return external URLs."""
    pages = {
        p.relative_to(html_dir).as_posix(): _parse(p.read_text("utf-8", errors="replace"))
        for p in sorted(html_dir.rglob("*.html"))
    }
    results: list[LinkResult] = []
    external: set[str] = set()
    for name, page in pages.items():
        for href in page.links:
            parts = urllib.parse.urlsplit(href)
            if parts.scheme in ("http", "https"):
                external.add(href)
                continue
            if parts.scheme or href.startswith("//"):
                continue  # mailto:, tel: and the like
            target = name
            if parts.path:
                target = (Path(name).parent / urllib.parse.unquote(parts.path)).as_posix()
                target = _normalise(target)
                if target.endswith("/"):
                    target += "index.html"
            if target not in pages:
                if not (html_dir / target).exists():
                    results.append(LinkResult(name, href, "broken", "no such file in the site"))
                continue
            fragment = urllib.parse.unquote(parts.fragment)
            if fragment and fragment not in pages[target].ids:
                results.append(
                    LinkResult(name, href, "anchor-missing", f"{target} has no id '{fragment}'")
                )
    return results, external


def _normalise(path: str) -> str:
    out: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return "/".join(out) + ("/" if path.endswith("/") else "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def check_url(url: str, timeout: float = 10.0) -> tuple[str, str]:
    """Request *url* once; return (outcome, detail). Follows redirects by hand to report them."""
    parts = urllib.parse.urlsplit(url)
    plain = urllib.parse.urlunsplit(parts._replace(fragment=""))
    opener = urllib.request.build_opener(_NoRedirect)
    current = plain
    redirected_to = ""
    for _hop in range(5):
        request = urllib.request.Request(current, headers={"User-Agent": "lscb-kb linkcheck"})
        try:
            with opener.open(request, timeout=timeout) as response:
                body = response.read(2_000_000) if parts.fragment else b""
                break
        except urllib.error.HTTPError as err:
            if err.code in (301, 302, 303, 307, 308) and err.headers.get("Location"):
                current = urllib.parse.urljoin(current, err.headers["Location"])
                redirected_to = current
                continue
            if err.code in (429, 500, 502, 503, 504):
                return "unreachable", f"the server answered {err.code} {err.reason}; try later"
            return "broken", f"the server answered {err.code} {err.reason}"
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as err:
            reason = getattr(err, "reason", err)
            return "unreachable", f"could not connect ({reason})"
    else:
        return "broken", "too many redirects"
    if parts.fragment:
        ids = _parse(body.decode("utf-8", errors="replace")).ids
        if urllib.parse.unquote(parts.fragment) not in ids:
            return "anchor-missing", f"the page has no id '{parts.fragment}'"
    if redirected_to:
        return "redirected", f"moved to {redirected_to}; update the link"
    return "ok", ""


@dataclass
class Cache:
    """Recent results of external links, so rate limits and slow hosts do not break CI."""

    path: Path
    max_age: float
    entries: dict[str, dict[str, object]]

    @classmethod
    def load(cls, path: Path, max_age_days: float) -> Cache:
        try:
            entries = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            entries = {}
        return cls(path, max_age_days * 86400, entries if isinstance(entries, dict) else {})

    def fresh(self, url: str, now: float) -> tuple[str, str] | None:
        entry = self.entries.get(url)
        if not entry or entry.get("outcome") != "ok":
            return None  # only working links are trusted from the cache
        checked = entry.get("checked", 0)
        if not isinstance(checked, int | float) or now - checked > self.max_age:
            return None
        return "ok", "from the cache"

    def store(self, url: str, outcome: str, detail: str, now: float) -> None:
        self.entries[url] = {"outcome": outcome, "detail": detail, "checked": now}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.entries, indent=1, sort_keys=True), "utf-8")


def external_links(
    urls: set[str], pages: dict[str, str], cache: Cache, timeout: float = 10.0, workers: int = 8
) -> list[LinkResult]:
    """Check external URLs (with the cache); *pages* maps each URL to a page it stands on."""
    now = time.time()
    todo = sorted(u for u in urls if cache.fresh(u, now) is None)
    results = [
        LinkResult(pages.get(u, ""), u, "ok", "from the cache")
        for u in sorted(urls)
        if u not in todo
    ]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for url, (outcome, detail) in zip(
            todo, pool.map(lambda u: check_url(u, timeout), todo), strict=True
        ):
            cache.store(url, outcome, detail, now)
            results.append(LinkResult(pages.get(url, ""), url, outcome, detail))
    cache.save()
    return results


def pages_of(html_dir: Path, urls: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(html_dir.rglob("*.html")):
        for href in _parse(path.read_text("utf-8", errors="replace")).links:
            if href in urls and href not in found:
                found[href] = path.relative_to(html_dir).as_posix()
    return found


def as_json(results: list[LinkResult]) -> str:
    return json.dumps([asdict(r) for r in results], indent=2)
