"""The harness of ``nox -s validate`` (src/lscb_kb/checks/validators.py), without the validators:
how their reports are read, what is set aside and why, and the gzipped test server."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

import pytest

from lscb_kb.checks import validators as v


def test_nu_errors_are_problems_at_their_line_and_warnings_are_counted(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    page = tmp_path / "a" / "b.html"
    page.write_text("<!DOCTYPE html>", "utf-8")
    report = {
        "messages": [
            {"type": "error", "url": f"file:{page}", "lastLine": 12, "message": "Bad thing."},
            {"type": "info", "subType": "warning", "url": f"file:{page}", "message": "Hmm."},
            {"type": "info", "url": f"file:{page}", "message": "Trailing slash."},
        ]
    }
    outcome = v.nu_outcome(report, tmp_path)
    assert [str(p) for p in outcome.problems] == ["a/b.html:12: Bad thing. [nu]"]
    assert [w.message for w in outcome.warnings] == ["Hmm."]
    assert outcome.failed


def test_pa11y_issues_are_found_at_the_line_of_their_element(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text('<html>\n<body>\n<img src="x.png">\n</body>', "utf-8")
    results = [
        {
            "url": "http://127.0.0.1:1/p.html",
            "width": 390,
            "error": None,
            "issues": [
                {
                    "type": "error",
                    "code": "WCAG2AA.Principle1.Guideline1_1.1_1_1.H37",
                    "message": "Img element missing an alt attribute.",
                    "selector": "html > body > img",
                    "context": '<img src="x.png">',
                },
                {"type": "warning", "code": "W", "message": "w", "selector": "", "context": ""},
            ],
        },
        {"url": "http://127.0.0.1:1/q.html", "width": 1280, "error": "Timeout\nstack"},
    ]
    outcome = v.pa11y_outcome(results, "http://127.0.0.1:1/", tmp_path)
    assert [str(p) for p in outcome.problems] == [
        "p.html:3: at 390px: WCAG2AA.Principle1.Guideline1_1.1_1_1.H37: Img element missing an "
        "alt attribute. (html > body > img) [pa11y]",
        "q.html: at 1280px: not tested: Timeout [pa11y]",
    ]
    assert v._kind(outcome.problems[0]) == "WCAG2AA.Principle1.Guideline1_1.1_1_1.H37"


def _report(**scores: float) -> dict[str, object]:
    return {
        "categories": {
            key.replace("_", "-"): {"score": score, "auditRefs": [{"id": "cls", "weight": 25}]}
            for key, score in scores.items()
        },
        "audits": {
            "cls": {"title": "Cumulative Layout Shift", "score": 0.5, "displayValue": "0.2"}
        },
    }


def test_lighthouse_fails_a_score_under_its_threshold_and_says_why() -> None:
    reports = {
        "home": _report(performance=0.94, accessibility=1, best_practices=1, seo=0.95),
        "budget": _report(performance=1, accessibility=0.99, best_practices=0.95, seo=1),
    }
    outcome, summary = v.lighthouse_outcome(reports)
    assert [str(p) for p in outcome.problems] == [
        "index.html: performance 94 is under 95: Cumulative Layout Shift (0.2): score 0.50 "
        "[lighthouse]",
        "governance/budget.html: accessibility 99 is under 100: Cumulative Layout Shift (0.2): "
        "score 0.50 [lighthouse]",
    ]
    assert summary["pages"]["index.html"]["scores"]["seo"] == 95
    table = v.lighthouse_table(summary)
    assert "least allowed" in table and "governance/budget.html" in table


def test_a_false_positive_needs_a_reason_and_goes_stale_when_unused(tmp_path: Path) -> None:
    listed = tmp_path / "fp.toml"
    listed.write_text(
        '[[entry]]\nchecker = "nu"\nmessage = "^Known"\nreason = "the checker is wrong"\n\n'
        '[[entry]]\nchecker = "nu"\nmessage = "^Gone"\nreason = "fixed since"\n',
        "utf-8",
    )
    entries = v.load_false_positives(listed)
    outcome = v.Outcome("nu", problems=[v.Problem("nu", "a.html", "Known thing", 3)])
    v.set_aside(outcome, entries)
    assert not outcome.failed and len(outcome.excused) == 1
    stale = v.unused(entries, {"nu"}, listed)
    assert [(p.line, p.message) for p in stale] == [
        (6, "no nu message matches /^Gone/: remove the entry")
    ]
    assert v.unused(entries, {"pa11y"}, listed) == []  # nu did not run: nothing to judge

    listed.write_text('[[entry]]\nchecker = "nu"\nmessage = "^Known"\n', "utf-8")
    with pytest.raises(SystemExit, match="entry without reason"):
        v.load_false_positives(listed)


def test_the_committed_false_positives_all_give_reasons() -> None:
    for entry in v.load_false_positives():
        assert entry.checker in v.CHECKERS and len(entry.reason) > 40


def test_the_server_sends_the_policy_and_gzips_text(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>" + "x" * 2000, "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "index.html").write_text("<p>sub", "utf-8")
    with v.serve(tmp_path, "default-src 'self'") as base:
        asked = urllib.request.Request(base + "index.html", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(asked, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Content-Security-Policy"] == "default-src 'self'"
            assert gzip.decompress(response.read()).startswith(b"<p>xxx")
        with urllib.request.urlopen(base + "sub", timeout=10) as response:  # redirected
            assert response.read() == b"<p>sub"
            assert response.headers["Content-Encoding"] is None


def test_the_pages_measured_are_in_the_built_site() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs"
    for page in v.LIGHTHOUSE_PAGES.values():
        assert (docs / page.replace(".html", ".md")).is_file(), page
