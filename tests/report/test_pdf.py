"""The annual report as a PDF: tagged, with bookmarks, and holding every figure the site shows
on the year's pages, as the site shows it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from pypdf import PdfReader

from lscb_kb.report import ReportPlan


def _text(pdf: PdfReader) -> str:
    """The whole text layer, with no white space (a line may break anywhere in a sentence)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _structure(pdf: PdfReader) -> tuple[Counter[str], list[dict[str, Any]]]:
    """Every element of the structure tree by type, and the figures with their attributes."""
    root = pdf.trailer["/Root"]["/StructTreeRoot"]
    kinds: Counter[str] = Counter()
    figures: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        if not hasattr(node, "get"):
            return
        kind = node.get("/S")
        if kind is not None:
            kinds[str(kind)] += 1
            if kind == "/Figure":
                figures.append(dict(node))
        kid = node.get("/K")
        if kid is not None:
            walk(kid)

    walk(root.get("/K"))
    return kinds, figures


def _main(site: Path, page: str) -> Any:
    """The reading content of one page of the built site."""
    html = BeautifulSoup((site / f"{page}.html").read_text("utf-8"), "html.parser")
    main = html.select_one("main")
    assert main is not None, page
    for hidden in main.select(".lscb-search-terms, [hidden], .headerlink"):
        hidden.decompose()
    return main


def test_the_report_holds_the_years_pages_and_the_pages_they_list(
    report: ReportPlan, included: list[str]
) -> None:
    assert set(report.pages) <= set(included)
    assert f"years/{report.year}/index" in included
    assert len(included) > len(report.pages)  # the sections' own pages are in it too


def _outline(pdf: PdfReader) -> list[str]:
    return [item.title for item in pdf.outline if not isinstance(item, list)]


def test_the_report_is_a_tagged_pdf_in_english_with_its_title(
    pdf: PdfReader, report: ReportPlan
) -> None:
    catalog = pdf.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]) == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert pdf.metadata is not None and pdf.metadata.title == report.title
    # PDF/UA-1 is declared in the document's XMP metadata.
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfuaid:part(?:="1"|>1<)', xmp), xmp


def test_its_structure_has_headings_tables_with_headers_and_figures_with_text(
    pdf: PdfReader, site: Path, report: ReportPlan, included: list[str]
) -> None:
    kinds, figures = _structure(pdf)
    assert kinds["/Document"] == 1 and kinds["/H1"] == 1
    assert kinds["/H2"] >= len(report.pages)  # each page of the report is a chapter
    tables = sum(len(_main(site, page).select("table")) for page in included)
    assert tables > 0
    assert kinds["/Table"] >= tables  # a table that runs over a page break is tagged per page
    assert kinds["/TH"] > 0 and kinds["/THead"] > 0
    # Every chart is a figure with its text alternative, and nothing else is a figure.
    charts = [
        str(img["alt"])
        for page in included
        for img in _main(site, page).select("img.lscb-chart-image")
    ]
    assert charts
    assert sorted(str(f.get("/Alt", "")) for f in figures) == sorted(charts)


def test_its_bookmarks_are_its_chapters(pdf: PdfReader, site: Path, report: ReportPlan) -> None:
    titles = []
    for page in report.pages:
        html = BeautifulSoup((site / f"{page}.html").read_text("utf-8"), "html.parser")
        heading = html.select_one("main h1")
        assert heading is not None, page
        titles.append(heading.get_text(" ", strip=True).replace("\u00b6", "").strip())
    assert _outline(pdf) == ["Contents", *titles]


def test_its_text_holds_every_figure_the_site_shows_on_the_years_pages(
    pdf: PdfReader, site: Path, included: list[str]
) -> None:
    text = _text(pdf)
    checked = 0
    missing: list[tuple[str, str]] = []
    for page in included:
        main = _main(site, page)
        shown = [span.get_text() for span in main.select("span.lscb-figure")]
        shown += [cell.get_text(" ", strip=True) for cell in main.select("table td, table th")]
        for value in shown:
            if not value.strip():
                continue
            checked += 1
            if _squash(value) not in text:
                missing.append((page, value))
    assert checked > 500
    assert missing == []


def test_it_has_page_numbers_and_a_contents_list_with_them(
    pdf: PdfReader, report: ReportPlan
) -> None:
    pages = len(pdf.pages)
    assert pages > 20
    last = pdf.pages[-1].extract_text() or ""
    assert f"Page {pages} of {pages}" in last
    contents = pdf.pages[1].extract_text() or ""
    assert contents.startswith("Contents")
    # Each chapter is listed with the page it starts on.
    numbers = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)\s*$", contents, re.MULTILINE)]
    assert numbers and numbers == sorted(numbers) and max(numbers) <= pages
