"""The benchmarks' generator of synthetic knowledge bases makes a valid one (not a timing test).

The generator runs as a program, as the benchmarks run it; ``lscb-kb check`` and
``sphinx-build`` run through their entry points in this process, with the same arguments.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from docutils import nodes

from .conftest import lscb_kb_here, sphinx_build_here

pytestmark = pytest.mark.xdist_group("synthetic")

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "benchmarks" / "synthetic.py"


@pytest.fixture(scope="module")
def synthetic_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base of two boards, one year each, written by benchmarks/synthetic.py."""
    dest = tmp_path_factory.mktemp("synthetic") / "kb"
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--boards", "2", "--years", "1", str(dest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "2 boards × 1 years" in result.stdout
    return dest


def test_two_boards_have_their_own_data_and_pages(synthetic_kb: Path) -> None:
    year = next(p.name for p in (synthetic_kb / "data").iterdir() if p.is_dir())
    shipped = sorted(p.name for p in (REPO / "data" / year).glob("*.yaml"))
    held = sorted(p.name for p in (synthetic_kb / "data" / year).glob("*.yaml"))
    assert held == sorted([*shipped, *(f"b02-{name}" for name in shipped)])
    assert (synthetic_kb / "docs" / "b01" / year / "index.md").is_file()
    assert (synthetic_kb / "docs" / "b02" / year / "index.md").is_file()
    budget = (synthetic_kb / "docs" / "b02" / year / "governance" / "budget.md").read_text(
        encoding="utf-8"
    )
    assert f"{{fig}}`{year}:b02-budget." in budget
    # The second board's figures differ from the first's: counts and money are scaled.
    first = (synthetic_kb / "data" / year / "budget.yaml").read_text(encoding="utf-8")
    second = (synthetic_kb / "data" / year / "b02-budget.yaml").read_text(encoding="utf-8")
    assert "id: b02-budget" in second
    assert first.replace("id: budget", "") != second.replace("id: b02-budget", "")


def test_lscb_kb_check_passes(synthetic_kb: Path) -> None:
    result = lscb_kb_here(["--root", str(synthetic_kb), "check"], Path.cwd())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "data files are valid" in result.stdout


def test_it_builds(synthetic_kb: Path, tmp_path: Path) -> None:
    # Sphinx's dummy builder reads, transforms and resolves every page as the HTML builder does
    # and writes nothing: what the generator must get right is its pages and data, and the
    # shipped site's HTML is tested elsewhere. The benchmarks build this knowledge base's HTML.
    out = tmp_path / "out"
    result = sphinx_build_here(
        ["-b", "dummy", "-c", "conf", "-E", "-q", "--keep-going", "docs", str(out)], synthetic_kb
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    # Every figure address on the second board's pages resolved: no unresolved-address warning.
    assert "[lscb.address]" not in result.stderr
    assert "WARNING" not in result.stderr, result.stderr[-3000:]
    year = next(p.name for p in (synthetic_kb / "data").iterdir() if p.is_dir())
    doctree = pickle.loads(
        (out / ".doctrees" / "b02" / year / "governance" / "budget.doctree").read_bytes()
    )
    addresses = [
        node["lscb_address"]
        for node in doctree.findall(nodes.inline)
        if "lscb-figure" in node["classes"]
    ]
    assert addresses
    # ... and each is the second board's figure, in page and data prose alike.
    assert all(address.startswith(f"{year}:b02-") for address in addresses), addresses
    assert f"{year}:b02-budget.income/total/actual" in addresses
