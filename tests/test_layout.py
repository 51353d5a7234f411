"""The layout: only the Sphinx extension imports Sphinx or docutils, and renderers read figures
through the published view."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "src" / "lscb_kb"
SPHINX_FREE = ("core", "checks", "published")


def _modules(package: str) -> list[str]:
    return sorted(
        f"lscb_kb.{package}.{p.stem}"
        for p in (PACKAGE / package).glob("*.py")
        if p.stem != "__init__"
    )


def test_core_checks_and_published_import_neither_sphinx_nor_docutils() -> None:
    modules = [name for package in SPHINX_FREE for name in _modules(package)]
    assert len(modules) > 20
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sphinx', 'docutils'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_renderers_read_figures_only_through_the_published_view() -> None:
    """No module of the extension formats a raw value or asks disclosure control itself."""
    raw = {
        "core.units.format_value",
        "published.disclosure.publishable_table",
        "published.disclosure.publishable_figure",
        "published.disclosure.publishable_cell",
        "published.disclosure.publishable_ref",
    }
    found = {}
    for path in sorted((PACKAGE / "sphinxext").glob("*.py")):
        used = {name.lstrip(".") for name in _imported_names(path)}
        bad = sorted(name for name in used if any(name.endswith(r) for r in raw))
        if bad:
            found[path.name] = bad
    assert found == {}
