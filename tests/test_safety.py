"""Content safety and the personal data guard: what a page or a data file may never publish."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from myst_parser.config.main import TopmatterReadError
from myst_parser.config.main import read_topmatter as myst_read_topmatter

from lscb_kb.checks.personal import AllowEntry, Guard, name_hash, nhs_check_digit_ok, scan_text
from lscb_kb.checks.safety import load_front_matter, project_scope, scan_page
from lscb_kb.core.policy import load_policy
from lscb_kb.sphinxext.parser import read_topmatter

from .conftest import REPO, Project

# -- data strings arrive as text ---------------------------------------------------------


def test_script_and_onerror_in_data_strings_are_escaped(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("disclosure")
    project.edit(
        "data/2009-10/deaths.yaml",
        "area: North,",
        "area: '<script>alert(1)</script>',",
    )
    project.edit(
        "data/2009-10/deaths.yaml",
        "title: Child deaths by area and category",
        'title: "<img src=x onerror=alert(2)>"',
    )
    project.edit(
        "data/2009-10/audits.yaml",
        "label: Cases audited",
        "label: '<a href=\"javascript:alert(3)\" onclick=alert(4)>x</a>'",
    )
    result = project.build(fresh=True)
    assert result.warnings == ""
    html = (project.out / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script", string=re.compile("alert")) is None
    assert not [tag for tag in page.find_all(True) if "onerror" in tag.attrs]
    # The escaped text is what a reader sees.
    assert page.select_one("table.lscb-table caption").get_text().startswith("<img src=x onerror")


# -- pages: the scan ---------------------------------------------------------------------


def _scan(tmp_path: Path, text: str) -> list[str]:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    page = docs / "page.md"
    scope = project_scope(tmp_path)
    policy = load_policy(REPO)
    return [f"{p.line}:{p.message}" for p in scan_page(text, "docs/page.md", page, scope, policy)]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("# T\n\n<script>alert(1)</script>\n", 3, "raw HTML is not allowed"),
        ("# T\n\nA <b onclick='x()'>bold</b> word.\n", 3, "raw HTML is not allowed"),
        ("# T\n\n<!-- a comment --><script>x()</script>\n", 3, "raw HTML is not allowed"),
        ("# T\n\nA <!-- x --> <b>word</b>.\n", 3, "raw HTML is not allowed"),
        ("# T\n\n```{raw} html\n<p>x</p>\n```\n", 3, "the directive 'raw' is not allowed"),
        ("# T\n\n:::{raw} html\n<p>x</p>\n:::\n", 3, "the directive 'raw' is not allowed"),
        ("# T\n\n```{include} ../../secrets.txt\n```\n", 3, "may only use files"),
        ("# T\n\n```{literalinclude} /../conf/conf.py\n```\n", 3, "may only use files"),
        ("# T\n\n```{csv-table}\n:file: /etc/passwd\n```\n", 3, "may only use files"),
        (
            "# T\n\n```{csv-table}\n:url: https://x.org/a.csv\n```\n",
            3,
            "may not be given the option :url:",
        ),
        ("# T\n\nSee [x](javascript:alert(1)).\n", 3, "'javascript:' address"),
        ("# T\n\nSee [x](JaVaScRiPt:alert(1)).\n", 3, "address is not allowed"),
        ("# T\n\nSee <javascript:alert(1)>.\n", 3, "'javascript:' address"),
        ("# T\n\n![x](data:image/png;base64,AAAA)\n", 3, "'data:' address"),
        ("# T\n\n:::{note}\nText\n\n<iframe src=x></iframe>\n:::\n", 6, "raw HTML"),
        ("# T\n\n````{note}\n```{raw} html\nx\n```\n````\n", 4, "the directive 'raw'"),
        (
            "# T\n\n```{eval-rst}\n.. raw:: html\n\n   <b>x</b>\n```\n",
            3,
            "the directive 'eval-rst'",
        ),
        ("# T\n\n```{eval-rst}\n`x <javascript:alert(1)>`_\n```\n", 3, "the directive 'eval-rst'"),
        ("# T\n\n:::{card} C\n:link: javascript:alert(1)\n:::\n", 4, "'javascript:'"),
        ("---\nmyst:\n  enable_extensions: [html_image]\n---\n# T\n", 3, "front matter may not"),
        ("---\nmyst:\n  url_schemes: [javascript]\n---\n# T\n", 3, "front matter may not"),
        ("---\nhtml_meta:\n  refresh: 0\n---\n# T\n", 2, "'html_meta'"),
        (
            "---\nsubstitutions:\n  x: <script>y</script>\n---\n# T\n{{x}}\n",
            2,
            "may not define substitutions",
        ),
        ("# T\n\n{{ env.app }} and {{ 7*7 }}\n", 3, "a substitution may only name"),
        ("# T\n\n{eval-rst}`x` and {sub-ref}`wordcount-words`\n", 3, "the role"),
        (
            "# T\n\n```{include} x.md\n:parser: rst\n```\n",
            3,
            "may not be given the option :parser:",
        ),
        ("# T\n\n\u202eText\n", 3, "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ],
)
def test_scan_refuses_unsafe_page_content(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    found = _scan(tmp_path, text)
    assert any(item.startswith(f"{line}:") and fragment in item for item in found), found


@pytest.mark.parametrize(
    "text",
    [
        "# T\n\nCode: `<script>alert(1)</script>`.\n",
        "# T\n\n<!-- Generated: do not edit. -->\n\nText <!-- note --> here.\n",
        "# T\n\n```html\n<script>alert(1)</script>\n```\n",
        "# T\n\n```{code-block} html\n<script>x</script>\n```\n",
        "# T\n\nA [link](https://example.org) and <https://example.org>.\n",
        "# T\n\nA {term}`Lay members <lay member>` term, and {fig}`a/b`.\n",
        "---\nmyst:\n  heading_anchors: 2\ntopics: [child-deaths]\n---\n# T\n",
        "# T\n\n```{include} other.md\n```\n",
        "# T\n\n```{literalinclude} /../data/x.yaml\n```\n",
        "# T\n\nThe data: the figures, javascript: as a word.\n",
    ],
)
def test_scan_allows_safe_page_content(tmp_path: Path, text: str) -> None:
    assert _scan(tmp_path, text) == []


def test_link_policy_sees_through_case_whitespace_and_hidden_characters() -> None:
    policy = load_policy(REPO)
    for url in (
        " JavaScript:alert(1)",
        "java\nscript:alert(1)",
        "java\u200bscript:alert(1)",
        "DATA:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.example/x",
        "\\\\evil.example\\x",
        "ftp://example.org/x",
    ):
        assert not policy.url_allowed(url), url
    for url in (
        "https://example.org/javascript:",
        "/data/disclosure.html",
        "page.html#a:b",
        "mailto:board@example.org",
        "http://example.org",
        "?q=x",
    ):
        assert policy.url_allowed(url), url


def test_real_pages_pass_the_scan() -> None:
    from lscb_kb.checks.safety import scan_pages  # noqa: PLC0415

    assert scan_pages(REPO) == []


# -- pages: the build --------------------------------------------------------------------


def test_raw_html_and_scripts_never_reach_the_page(make_project: Callable[[str], Project]) -> None:
    project = make_project("disclosure")
    project.write(
        "docs/audits.md",
        "---\nmyst:\n  enable_extensions: [html_image, html_admonition]\n---\n# Audits\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        'Inline <span onclick="alert(2)">text</span>.\n\n'
        "```{eval-rst}\n.. raw:: html\n\n   <script>alert(3)</script>\n\n"
        "`click <javascript:alert(4)>`_\n```\n",
    )
    result = project.build(fresh=True)
    warnings = result.warnings.splitlines()
    expected = {
        "docs/audits.md:3": "front matter may not change the MyST setting 'enable_extensions'",
        "docs/audits.md:7": "raw HTML is not allowed on a page",
        "docs/audits.md:9": "raw HTML is not allowed on a page",
        "docs/audits.md:11": "the directive 'eval-rst' is not allowed",
    }
    for where, message in expected.items():
        assert any(
            w.startswith(f"{where}: WARNING: {message}") and w.endswith("[lscb.safety]")
            for w in warnings
        ), result.warnings
    html = (project.out / "audits.html").read_text("utf-8")
    for payload in ("alert(1)", "alert(2)", "alert(3)", "javascript:alert(4)"):
        assert payload not in html


def test_html_comment_is_left_out_quietly(make_project: Callable[[str], Project]) -> None:
    project = make_project("disclosure")
    project.edit("docs/audits.md", "# Audits\n", "# Audits\n\n<!-- Generated: do not edit. -->\n")
    result = project.build(fresh=True)
    assert result.warnings == ""
    assert "Generated: do not edit" not in (project.out / "audits.html").read_text("utf-8")


def test_include_from_outside_docs_and_data_is_refused(
    make_project: Callable[[str], Project],
) -> None:
    project = make_project("disclosure")
    project.write("secret.txt", "SECRET-TOKEN\n")
    project.write("docs/part.md", "Included text.\n")
    project.edit(
        "docs/audits.md",
        "# Audits\n",
        "# Audits\n\n```{include} ../secret.txt\n```\n\n```{include} part.md\n```\n\n"
        "```{literalinclude} ../secret.txt\n```\n\n```{literalinclude} /../data/references.bib\n"
        "```\n",
    )
    result = project.build(fresh=True)
    html = (project.out / "audits.html").read_text("utf-8")
    assert "SECRET-TOKEN" not in html
    assert "Included text." in html
    blocks = [pre.get_text() for pre in BeautifulSoup(html, "html.parser").select("pre")]
    assert any("@techreport{report-2010" in block for block in blocks)
    assert (
        "docs/audits.md:3: WARNING: 'include' may only use files from docs/ and data/, "
        "not '../secret.txt' (paths are followed through symbolic links); copy the file into "
        "docs/ or data/ [lscb.safety]" in result.warnings
    )
    assert "docs/audits.md:9: WARNING: 'literalinclude' may only use files" in result.warnings


# -- the built site and its Content-Security-Policy ---------------------------------------


def test_pages_load_nothing_from_other_origins(make_project: Callable[[str], Project]) -> None:
    project = make_project("disclosure")
    project.build(fresh=True)
    for path in project.out.rglob("*.html"):
        page = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in page.find_all(tag):
                url = str(element.get(attr) or "")
                assert not re.match(r"(?i)^(https?:)?//", url), f"{path.name}: {element}"
        assert not page.find_all(["iframe", "object", "embed"])


def test_security_page_documents_a_policy_without_third_party_origins() -> None:
    text = (REPO / "docs" / "develop" / "security.md").read_text("utf-8")
    policy = re.search(r"Content-Security-Policy: (.+)", text)
    assert policy is not None
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.group(1).split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    for sources in directives.values():
        for source in sources:
            assert source.startswith("'") or source in ("data:",), source
    assert "\nsecurity\n" in (REPO / "docs" / "develop" / "index.md").read_text("utf-8")


# -- the personal data guard -------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid"),
    [("9434765919", True), ("4010232137", True), ("9434765918", False), ("1234567890", False)],
)
def test_nhs_check_digit(number: str, valid: bool) -> None:
    assert nhs_check_digit_ok(number) is valid


GUARD = Guard(
    allow=(
        AllowEntry("lscb@example.gov.uk", "the board's published mailbox"),
        AllowEntry("01375 652801", "the board's published number"),
        AllowEntry("RM17 6SL", "the board's office"),
    ),
    deny_names=("Jane Doe",),
    deny_name_sha256=frozenset({name_hash("Baby Q")}),
)


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("NHS 943 476 5919.", 5, "valid NHS number"),
        ("NHS 943-476-5919.", 5, "valid NHS number"),
        ("NHS:9434765919", 5, "valid NHS number"),
        ("She was born on 3 March 2005.", 9, "date of birth"),
        ("DOB 03/03/2005", 1, "date of birth"),
        ("date of birth: 2005-03-03", 1, "date of birth"),
        ("Lives at SS1 2AB now", 10, "full postcode"),
        ("Ring 07700 900123 today", 6, "telephone number"),
        ("Ring +44 (0)20 7946 0000 today", 6, "telephone number"),
        ("Write to jo.bloggs@example.org", 10, "email address"),
        ("The review of jane doe", 15, "deny-list"),
        ("Baby Q was known to services", 1, "deny-list"),
    ],
)
def test_guard_finds_personal_data(text: str, column: int, fragment: str) -> None:
    found = list(scan_text(text, "x.md", GUARD))
    assert any(p.column == column and fragment in p.message for p in found), found


@pytest.mark.parametrize(
    "text",
    [
        "NHS 943 476 5918 fails its check digit.",
        "The board spent 81751 pounds in 2009/10.",
        "Between 1 April 2009 and 30 September 2009, 7 cases were audited.",
        "Born in 2005, the year of the report.",
        "Write to lscb@example.gov.uk or ring 01375 652801; office at RM17 6SL.",
        "Children in the RM17 area.",
        "Section 4.4, indicator 3: 85.5 per 1,000 (2008/09).",
        "Jane Doerr is not on the list.",
    ],
)
def test_guard_leaves_ordinary_text_alone(text: str) -> None:
    assert list(scan_text(text, "x.md", GUARD)) == []


def test_valid_nhs_number_in_a_finding_fails_the_figures_check(
    make_project: Callable[[str], Project],
) -> None:
    """``nox -s figures`` runs ``lscb-kb check``: a finding with an NHS number fails it."""
    project = make_project("disclosure")
    project.write(
        "data/2009-10/findings.yaml",
        "kind: register\nid: findings\ntitle: Findings\nperiod: 2009/10\nsource: report-2010\n"
        "records:\n  - id: QA-0910-01\n    title: A case audit\n    status: done\n"
        "    finding: The child (NHS number 401 023 2137) was seen within 7 days.\n",
    )
    result = project.cli("check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert (
        "data/2009-10/findings.yaml:10:36: '401 023 2137' is a valid NHS number (its check "
        "digit matches); remove it" in result.stdout
    )
    noxfile = (REPO / "noxfile.py").read_text("utf-8")
    figures = re.search(r"def figures\(session.*?(?=\n@nox.session)", noxfile, re.S)
    assert figures is not None
    assert 'session.run("lscb-kb", "check"' in figures.group(0)


def test_real_data_and_pages_hold_no_personal_data() -> None:
    from lscb_kb.checks.personal import scan_project  # noqa: PLC0415

    assert scan_project(REPO) == []


# -- the repository ----------------------------------------------------------------------


def test_code_and_ci_need_a_maintainers_review() -> None:
    owners: dict[str, list[str]] = {}
    for line in (REPO / ".github" / "CODEOWNERS").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, *teams = line.split()
            owners[path] = teams
    for path in ("/conf/", "/noxfile.py", "/src/", "/.github/"):
        assert owners.get(path), f"{path} has no code owner"
    assert not any(path.startswith(("/docs", "/data")) for path in owners)
    contributing = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    assert "## Why some files need a maintainer's review" in contributing
    assert "without secrets" in contributing


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: A page  \ntopics: [a, b]\n---\n# A page\n",
        "---\nnotes: |\n  kept  \n  lines\n...\nText\n",
        "---\n- a list\n---\n",
        "---\n",
        "No front matter\n---\nx: 1\n",
        "--- \nx: 1\n---\n",
    ],
)
def test_the_build_reads_front_matter_as_myst_reads_it(text: str) -> None:
    assert read_topmatter(text) == myst_front_matter(text)


def myst_front_matter(text: str) -> object:
    try:
        return myst_read_topmatter(text)
    except TopmatterReadError:  # not a mapping: the build reads no settings from it
        return None


def test_front_matter_yaml_can_not_read_is_refused_at_every_reading() -> None:
    for _ in range(2):
        with pytest.raises(yaml.YAMLError):
            load_front_matter("topics: [a\n")
    first = load_front_matter("topics: [a]\n")
    assert first == {"topics": ["a"]}
