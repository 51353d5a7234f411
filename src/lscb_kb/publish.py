"""Build the site so that it fails closed: a failed build never replaces the last good site.

``nox -s build`` runs ``python -m lscb_kb.publish``. It

1. runs the checks of ``lscb-kb check`` (data, pages, content safety, personal data);
2. builds the HTML afresh (``sphinx-build -E -n -W --keep-going``) into ``build/html.new``;
3. indexes the new site for search with Pagefind (``python -m pagefind``, into
   ``build/html.new/pagefind/``);
4. only if all of these passed, swaps ``build/html.new`` into ``build/html``.

If anything fails, ``build/html`` is left exactly as it was, and the half-built site is
removed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SPHINX_OPTIONS = ("-E", "-n", "-W", "--keep-going")


class PublishError(Exception):
    """The build or the checks failed; the last good site is untouched."""


def swap_in(fresh: Path, target: Path) -> None:
    """Replace *target* with *fresh*, keeping *target* if the swap can not be completed."""
    old = target.with_name(f"{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    try:
        fresh.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def run_checks(root: Path) -> int:
    """``lscb-kb check`` in this process: 0 if everything passes."""
    from .cli import main  # noqa: PLC0415

    return main(["--root", str(root), "check"])


def run_sphinx(root: Path, outdir: Path, doctrees: Path, extra: Sequence[str] = ()) -> int:
    """``sphinx-build`` in a fresh process, as an editor would run it: its exit status."""
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-c",
        "conf",
        *SPHINX_OPTIONS,
        "docs",
        str(outdir),
        "--doctree-dir",
        str(doctrees),
        *extra,
    ]
    return subprocess.run(command, cwd=root, check=False).returncode


def run_pagefind(site: Path) -> int:
    """Pagefind's search index of the built site, into ``<site>/pagefind/``: its exit status."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"]
    return subprocess.run(command, check=False).returncode


def publish(root: Path, build: Path | None = None, extra: Sequence[str] = ()) -> Path:
    """Check, build afresh, and swap the new site into ``build/html``; raise if anything fails."""
    build = build or root / "build"
    build.mkdir(parents=True, exist_ok=True)
    fresh = build / "html.new"
    doctrees = build / "doctrees.new"
    target = build / "html"
    for folder in (fresh, doctrees):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        if run_checks(root) != 0:
            raise PublishError("the checks failed (see above); build/html is unchanged")
        if run_sphinx(root, fresh, doctrees, extra) != 0 or not (fresh / "index.html").is_file():
            raise PublishError("the build failed (see above); build/html is unchanged")
        if run_pagefind(fresh) != 0 or not (fresh / "pagefind" / "pagefind.js").is_file():
            raise PublishError(
                "the search index could not be built (see above); build/html is unchanged"
            )
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(doctrees, ignore_errors=True)
        raise
    swap_in(fresh, target)
    shutil.rmtree(build / "doctrees", ignore_errors=True)
    doctrees.rename(build / "doctrees")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lscb_kb.publish",
        description="Check and build the site; replace build/html only if both pass.",
    )
    parser.add_argument("--root", default=".", help="the project folder (default: here)")
    parser.add_argument("--build", help="the build folder (default: <root>/build)")
    parser.add_argument("sphinx_args", nargs="*", help="passed on to sphinx-build")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        target = publish(root, Path(args.build).resolve() if args.build else None, args.sphinx_args)
    except PublishError as err:
        print(f"Not published: {err}", file=sys.stderr)
        return 1
    print(f"Site built: {target / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
