"""The theme's GOV.UK Frontend files are those of the version pinned in package-lock.json.

The compiled CSS and JS are committed (src/lscb_kb/theme/lscb/static/govuk/), so that the site
builds with Python alone; ``python -m lscb_kb.theme.vendor --check`` makes them again with npm.
These tests need no npm: the manifest names the locked version and integrity and each file's
digest, and each file names its own version.
"""

from __future__ import annotations

import json
import re

from lscb_kb.theme.vendor import MANIFEST, ROOT, STATIC, locked, sha256


def test_package_json_pins_govuk_frontend_exactly() -> None:
    package = json.loads((ROOT / "package.json").read_text("utf-8"))
    pinned = package["devDependencies"]["govuk-frontend"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"not an exact version: {pinned}"
    assert pinned == locked()["version"]


def test_committed_files_are_the_locked_version() -> None:
    manifest = json.loads((STATIC / MANIFEST).read_text("utf-8"))
    lock = locked()
    assert manifest["package"] == "govuk-frontend"
    assert (manifest["version"], manifest["integrity"]) == (lock["version"], lock["integrity"])
    committed = {p.name for p in STATIC.iterdir()} - {MANIFEST}
    assert committed == set(manifest["files"])
    for name, digest in manifest["files"].items():
        assert sha256(STATIC / name) == digest, f"{name} changed since it was made"
    css = (STATIC / "govuk-frontend.min.css").read_text("utf-8")
    js = (STATIC / "govuk-frontend.min.js").read_text("utf-8")
    assert f'--govuk-frontend-version:"{lock["version"]}"' in css.replace(": ", ":")
    assert f'"{lock["version"]}"' in js
    assert lock["version"] in (STATIC / "LICENCE.txt").read_text("utf-8")


def test_no_gds_transport_and_no_font_files() -> None:
    css = (STATIC / "govuk-frontend.min.css").read_text("utf-8")
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "system-ui" in css
