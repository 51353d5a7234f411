"""Tests of the annual report as a PDF: run by ``nox -s report``, after it has built the PDF.

The PDF is ``build/report/<year>/annual-report-<year>.pdf`` (or ``$LSCB_REPORT``); the site it
must agree with is ``build/html`` (or ``$LSCB_SITE``), built by ``nox -s build``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from lscb_kb.report import ReportPlan, plan

REPO = Path(__file__).resolve().parents[2]
YEAR = os.environ.get("LSCB_REPORT_YEAR", "2009-10")
PDF = Path(
    os.environ.get("LSCB_REPORT", REPO / "build" / "report" / YEAR / f"annual-report-{YEAR}.pdf")
)
SITE = Path(os.environ.get("LSCB_SITE", REPO / "build" / "html"))


@pytest.fixture(scope="session")
def report() -> ReportPlan:
    return plan(REPO, YEAR)


@pytest.fixture(scope="session")
def pdf() -> PdfReader:
    assert PDF.is_file(), f"no report at {PDF}: run `nox -s report -- {YEAR}`"
    return PdfReader(PDF)


@pytest.fixture(scope="session")
def site() -> Path:
    assert (SITE / "index.html").is_file(), f"no built site at {SITE}: run `nox -s build` first"
    return SITE


@pytest.fixture(scope="session")
def included(pdf: PdfReader) -> list[str]:
    """The site's pages in the report, in order, from the report's HTML beside the PDF."""
    html = PDF.with_suffix(".html").read_text("utf-8")
    return re.findall(r'id="document-([^"]+)"', html)
