"""Copy the pinned GOV.UK Frontend into the theme: ``nox -s theme-assets`` (needs Node and npm).

The theme's GOV.UK Frontend files are committed (``lscb/static/govuk/``), so that a machine with
only Python can build the site and run the tests. This script makes them again from the version
pinned in ``package.json`` and locked in ``package-lock.json``:

* ``npm ci`` installs exactly the locked packages (their integrity checked by npm);
* ``govuk-frontend.min.css`` is compiled with Sass from ``sass/govuk-frontend.scss``: GOV.UK
  Frontend with the system font stack (no GDS Transport, no font files) and the board's colour;
* ``govuk-frontend.min.js`` is the package's own file, unchanged;
* ``manifest.json`` records the package's version and integrity from the lockfile and the
  SHA-256 of every file written, which ``tests/test_theme.py`` checks without npm.

``--check`` makes the files in a temporary folder and fails if they differ from the committed
ones (CI runs it where npm is installed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

THEME = Path(__file__).resolve().parent
ROOT = THEME.parents[2]
STATIC = THEME / "lscb" / "static" / "govuk"
PACKAGE = "govuk-frontend"
MANIFEST = "manifest.json"

LICENCE = """\
GOV.UK Frontend {version} (https://github.com/alphagov/govuk-frontend), from the npm package
govuk-frontend@{version}. govuk-frontend.min.js is the package's file as published;
govuk-frontend.min.css is compiled from the package's Sass by lscb_kb/theme/vendor.py.

The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def locked(root: Path = ROOT) -> dict[str, str]:
    """The version and integrity of GOV.UK Frontend in ``package-lock.json``."""
    lock = json.loads((root / "package-lock.json").read_text("utf-8"))
    entry = lock["packages"][f"node_modules/{PACKAGE}"]
    return {"version": entry["version"], "integrity": entry["integrity"]}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _npx(root: Path, *args: str) -> None:
    npx = shutil.which("npx")
    if npx is None:
        raise SystemExit("npx is not installed: install Node.js and npm to make the theme's files")
    subprocess.run([npx, "--no-install", *args], cwd=root, check=True)


def make(out: Path, root: Path = ROOT, install: bool = True) -> None:
    """Write the theme's GOV.UK Frontend files into *out*."""
    if install:
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is not installed: install Node.js and npm to make them")
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=root, check=True
        )
    package = root / "node_modules" / PACKAGE
    installed = json.loads((package / "package.json").read_text("utf-8"))["version"]
    pinned = locked(root)
    if installed != pinned["version"]:
        raise SystemExit(
            f"node_modules has {PACKAGE} {installed}, the lockfile {pinned['version']}"
        )
    out.mkdir(parents=True, exist_ok=True)
    _npx(
        root,
        "sass",
        "--load-path=node_modules",
        "--style=compressed",
        "--no-source-map",
        "--quiet-deps",
        str(THEME / "sass" / "govuk-frontend.scss"),
        str(out / "govuk-frontend.min.css"),
    )
    shutil.copyfile(
        package / "dist" / "govuk" / "govuk-frontend.min.js", out / "govuk-frontend.min.js"
    )
    (out / "LICENCE.txt").write_text(LICENCE.format(version=pinned["version"]), "utf-8")
    files = {
        name: sha256(out / name)
        for name in ("govuk-frontend.min.css", "govuk-frontend.min.js", "LICENCE.txt")
    }
    manifest = {"package": PACKAGE, **pinned, "files": files}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")


def differences(made: Path, committed: Path) -> list[str]:
    names = sorted({p.name for p in made.iterdir()} | {p.name for p in committed.iterdir()})
    return [
        name
        for name in names
        if not (made / name).is_file()
        or not (committed / name).is_file()
        or (made / name).read_bytes() != (committed / name).read_bytes()
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lscb_kb.theme.vendor", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    parser.add_argument("--no-install", action="store_true", help="use node_modules as it is")
    args = parser.parse_args(argv)
    if not args.check:
        make(STATIC, install=not args.no_install)
        print(f"Written: {STATIC}")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        made = Path(folder)
        make(made, install=not args.no_install)
        differ = differences(made, STATIC)
    if differ:
        print(
            f"Out of date in {STATIC}: {', '.join(differ)}; run nox -s theme-assets",
            file=sys.stderr,
        )
        return 1
    print(f"{STATIC} matches {PACKAGE} {locked()['version']} of package-lock.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
