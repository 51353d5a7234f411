"""Link checks against a local HTTP server on 127.0.0.1: each kind of link as what it is."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lscb_kb.checks.links import Cache, check_url, external_links, internal_links
from lscb_kb.cli import main


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/ok.html":
            body = b"<html><body><h1 id='here'>Here</h1></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok.html")
            self.end_headers()
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_each_kind_of_link_is_reported_as_what_it_is(server: str, closed_port: int) -> None:
    assert check_url(f"{server}/ok.html", timeout=5) == ("ok", "")
    assert check_url(f"{server}/ok.html#here", timeout=5) == ("ok", "")
    assert check_url(f"{server}/missing", timeout=5) == (
        "broken",
        "the server answered 404 Not Found",
    )
    assert check_url(f"{server}/moved", timeout=5) == (
        "redirected",
        f"moved to {server}/ok.html; update the link",
    )
    assert check_url(f"{server}/ok.html#nowhere", timeout=5) == (
        "anchor-missing",
        "the page has no id 'nowhere'",
    )
    outcome, detail = check_url(f"http://127.0.0.1:{closed_port}/", timeout=5)
    assert outcome == "unreachable"
    assert detail.startswith("could not connect")


def test_cache_reuses_working_links_only(server: str, tmp_path: Path) -> None:
    cache = Cache.load(tmp_path / "cache.json", max_age_days=7)
    urls = {f"{server}/ok.html", f"{server}/missing"}
    first = external_links(urls, {}, cache, timeout=5)
    assert sorted(r.outcome for r in first) == ["broken", "ok"]
    again = external_links(urls, {}, Cache.load(tmp_path / "cache.json", max_age_days=7))
    details = {r.url: (r.outcome, r.detail) for r in again}
    assert details[f"{server}/ok.html"] == ("ok", "from the cache")
    assert details[f"{server}/missing"][0] == "broken"  # a failure is always checked again


def _site(tmp_path: Path, links: str) -> Path:
    site = tmp_path / "html"
    site.mkdir()
    (site / "index.html").write_text(f"<html><body><h1 id='top'>Top</h1>{links}</body></html>")
    (site / "other.html").write_text("<html><body><h2 id='there'>There</h2></body></html>")
    return site


def test_internal_pages_and_anchors(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        "<a href='other.html#there'>ok</a><a href='other.html#gone'>anchor</a>"
        "<a href='nope.html'>page</a><a href='#top'>self</a>",
    )
    results, external = internal_links(site)
    assert external == set()
    assert [(r.outcome, r.url) for r in results] == [
        ("anchor-missing", "other.html#gone"),
        ("broken", "nope.html"),
    ]


def test_command_fails_on_broken_and_says_when_there_is_no_network(
    tmp_path: Path, closed_port: int, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    unreachable = _site(tmp_path, f"<a href='http://127.0.0.1:{closed_port}/x'>x</a>")
    code = main(
        ["links", "--html", str(unreachable), "--cache", str(tmp_path / "c.json"), "--timeout", "5"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "No network: none of the 1 external links could be reached" in out
    broken_site = tmp_path / "b"
    broken_site.mkdir()
    broken = _site(broken_site, f"<a href='{server}/missing'>x</a>")
    code = main(["links", "--html", str(broken), "--cache", str(tmp_path / "c2.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert f"index.html: broken: {server}/missing: the server answered 404 Not Found" in out
