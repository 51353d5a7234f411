"""The annual report as a document: ``nox -s report -- 2009-10`` (``lscb-kb report 2009-10``).

The report is made from the site's own pages and data, so its figures are the site's by
construction:

1. The pages of the toctree in ``docs/index.md`` captioned "The <year> annual report", then the
   year's data page, the notes on the figures, the corrections, the glossary and the references,
   are gathered under one generated root page, in a copy of the project.
2. Sphinx's ``singlehtml`` builder builds them as one page with the site's extension and theme
   (every check of a site build runs; any warning fails the report), as the site does.
3. WeasyPrint lays the page out as a tagged PDF (PDF/UA-1): a title page, a contents list with
   page numbers, bookmarks from the headings, page numbers, table headers repeated on each page,
   charts with their text alternatives, and every table's source beneath it.

The PDF is written to ``build/report/<year>/annual-report-<year>.pdf``, replacing an earlier one
only when the whole report built.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .core.hygiene import year_label
from .core.problems import LscbError, Problem, display_path
from .core.settings import load_settings

REPORT_CSS = Path(__file__).parent / "report.css"
_TOCTREE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{toctree\}[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S
)
_FRONT = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.S)
REFERENCE_PAGES = ("notes-on-the-figures", "corrections", "glossary", "references")
"""After the report's own pages and the year's data page, in this order, where they exist."""


@dataclass(frozen=True)
class ReportPlan:
    """What the report for one year holds."""

    year: str
    label: str
    pages: list[str]
    title: str


def plan(root: Path, year: str) -> ReportPlan:
    """The pages of *year*'s report, or :class:`LscbError` saying what is missing and where."""
    docs = root / "docs"
    index = docs / "index.md"
    label = year_label(year)
    if not re.fullmatch(r"\d{4}-\d{2}", year):
        raise LscbError(
            [
                Problem(
                    "docs/index.md",
                    1,
                    0,
                    "",
                    f"'{year}' is not a reporting year; give one such as 2009-10",
                    "report",
                )
            ]
        )
    text = index.read_text(encoding="utf-8")
    caption = f"The {label} annual report"
    for match in _TOCTREE.finditer(text):
        body = match.group("body")
        options = dict(
            (m.group(1), m.group(2).strip()) for m in re.finditer(r"^:(\w+):(.*)$", body, re.M)
        )
        if options.get("caption") != caption:
            continue
        entries = [
            line.strip()
            for line in body.splitlines()
            if line.strip() and not line.strip().startswith(":")
        ]
        # The years' index lists every year; the report holds its own year's data page.
        pages = [e for e in entries if e != "years/index"]
        pages.append(f"years/{year}/index")
        pages += list(REFERENCE_PAGES)
        missing = [p for p in pages if not (docs / f"{p}.md").is_file()]
        line = text.count("\n", 0, match.start()) + 1
        if f"years/{year}/index" in missing:
            raise LscbError(
                [
                    Problem(
                        display_path(index),
                        line,
                        0,
                        "",
                        f"there is no data page for {label} (docs/years/{year}/index.md): "
                        f"start the year with lscb-kb new-year {year}",
                        "report",
                    )
                ]
            )
        pages = [p for p in pages if p not in missing]
        board = load_settings(root).board_name
        return ReportPlan(year, label, pages, f"{board}: annual report {label}")
    raise LscbError(
        [
            Problem(
                display_path(index),
                1,
                0,
                "",
                f"no toctree is captioned '{caption}'; the report for {label} is made from the "
                "pages of that toctree, so list the year's report pages under that caption",
                "report",
            )
        ]
    )


def _root_page(report: ReportPlan, index_text: str) -> str:
    front = _FRONT.match(index_text)
    fields = front.group("body") if front else ""
    entries = "\n".join(report.pages)
    return (
        f"---\n{fields}\n---\n\n# {report.title}\n\n"
        f"```{{toctree}}\n:maxdepth: 2\n\n{entries}\n```\n"
    )


def _copy(root: Path, dest: Path) -> None:
    for part in ("conf", "data", "docs"):
        shutil.copytree(
            root / part, dest / part, ignore=shutil.ignore_patterns("_build", "__pycache__")
        )


def build_html(root: Path, report: ReportPlan, work: Path) -> Path:
    """The report as one HTML page, built by Sphinx's ``singlehtml`` builder: its path."""
    from sphinx.cmd.build import build_main  # noqa: PLC0415

    _copy(root, work)
    docs = work / "docs"
    index = docs / "index.md"
    index_text = index.read_text(encoding="utf-8")
    name = f"annual-report-{report.year}"
    (docs / f"{name}.md").write_text(_root_page(report, index_text), encoding="utf-8")
    # The site's home page is in no toctree of the report's root: it is built, not listed.
    index.write_text(re.sub(r"\A---\n", "---\norphan: true\n", index_text, count=1), "utf-8")
    out = work / "html"
    args = ["-b", "singlehtml", "-c", str(work / "conf"), "-E", "-n", "-W", "--keep-going", "-q"]
    args += ["-D", f"root_doc={name}", str(docs), str(out)]
    if build_main(args) != 0:
        raise LscbError(
            [
                Problem(
                    display_path(root / "docs"),
                    1,
                    0,
                    "",
                    "the report's pages did not build (the warnings above say why)",
                    "report",
                )
            ]
        )
    return out / f"{name}.html"


def prepare(page: Path, report: ReportPlan, built: dt.date) -> str:
    """The built page's content, as a document for print: a title page, a contents list whose
    entries WeasyPrint gives page numbers, then every part of the report. The site's header,
    navigation, search and footer are left out; so are its scripts."""
    from bs4 import BeautifulSoup  # noqa: PLC0415

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main")
    if main is None:
        raise LscbError(
            [Problem(display_path(page), 1, 0, "", "the built report has no <main>", "report")]
        )
    # What a reader of the site never sees (search terms for the index, hidden banners), and
    # what paper can not do (search, the site's own navigation), is left out.
    for element in main.select(
        "script, .lscb-contents, .govuk-breadcrumbs, .govuk-pagination, .lscb-review-banner, "
        ".headerlink, .lscb-search, [hidden], .lscb-edit"
    ):
        element.decompose()
    for icon in main.select('svg[aria-hidden="true"]'):
        icon.decompose()  # a decorative icon (a dropdown's chevron): nothing for paper
    for details in main.select("details"):
        details["open"] = ""  # paper can not open a dropdown: every one is shown open
    # The generated root's own title is the document's title, on the title page.
    root_title = main.find("h1")
    if root_title is not None and root_title.get_text(strip=True) == report.title:
        root_title.decompose()
    # Each page of the report is a chapter (its title an <h2> under the root's <h1>), and
    # starts a new sheet; the contents list names the chapters and their sections.
    chapters = []
    for heading in main.select("section > h2, section > h3"):
        section = heading.parent
        assert section is not None  # the selector matched a child of a <section>
        ident = heading.get("id") or section.get("id")
        if heading.name == "h2":
            classes = [str(c) for c in section.get_attribute_list("class") if c]
            section["class"] = " ".join([*classes, "report-chapter"])
        if ident:
            chapters.append((heading.name, str(ident), heading.get_text(" ", strip=True)))
    board = report.title.partition(":")[0]
    items = "\n".join(
        f'<li class="report-contents-{level}"><a href="#{html.escape(ident)}">'
        f"{html.escape(text)}</a></li>"
        for level, ident, text in chapters
    )
    day = f"{built.day} {built:%B %Y}"
    head = (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(report.title)}</title>\n"
        f'<meta name="author" content="{html.escape(board)}">\n'
        f'<meta name="description" content="{html.escape(board)}: annual report on the '
        f'effectiveness of safeguarding, {report.label}">\n'
        "</head>\n<body>\n"
    )
    title_page = (
        '<section class="report-title-page">\n'
        f'<p class="report-board">{html.escape(board)}</p>\n'
        f'<h1 class="report-name">Annual report {html.escape(report.label)}</h1>\n'
        '<p class="report-built">The board\'s annual report on the effectiveness of '
        f"safeguarding, made from its knowledge base on {day}.</p>\n</section>\n"
    )
    contents = (
        '<nav class="report-contents" aria-label="Contents">\n<h2>Contents</h2>\n'
        f"<ol>\n{items}\n</ol>\n</nav>\n"
    )
    body = "".join(str(child) for child in main.children)
    return f"{head}{title_page}{contents}<main>{body}</main>\n</body>\n</html>\n"


def write_pdf(html_text: str, base: Path, target: Path) -> None:
    """Lay *html_text* out as a tagged PDF/UA-1 document at *target*."""
    from weasyprint import CSS, HTML  # noqa: PLC0415

    document = HTML(string=html_text, base_url=str(base))
    document.write_pdf(
        target,
        stylesheets=[CSS(filename=str(REPORT_CSS))],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
        custom_metadata=True,
    )


def build_report(root: Path, year: str, out: Path | None = None) -> Path:
    """Build *year*'s annual report as a PDF; its path. Fails closed: nothing is replaced
    unless the whole report built."""
    report = plan(root, year)
    folder = out or root / "build" / "report" / year
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"annual-report-{year}.pdf"
    with tempfile.TemporaryDirectory(prefix="lscb-report-") as scratch:
        work = Path(scratch)
        page = build_html(root, report, work)
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        built = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
        ready = prepare(page, report, built)
        (folder / f"annual-report-{year}.html").write_text(ready, encoding="utf-8")
        partial = target.with_suffix(".pdf.new")
        write_pdf(ready, page.parent, partial)
        partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build a year's annual report as a PDF.")
    parser.add_argument("year", help="the reporting year, such as 2009-10")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder")
    parser.add_argument("--out", type=Path, help="where to write (default: build/report/<year>)")
    args = parser.parse_args(argv)
    try:
        target = build_report(args.root.resolve(), args.year, args.out)
    except LscbError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"wrote {display_path(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
