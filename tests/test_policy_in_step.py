"""The Content-Security-Policy is configured once; the security page states the same one."""

from __future__ import annotations

from lscb_kb.core.settings import load_settings

from .conftest import REPO


def test_security_page_states_the_configured_policy() -> None:
    policy = load_settings(REPO).content_security_policy
    assert policy
    text = (REPO / "docs" / "develop" / "security.md").read_text("utf-8")
    assert f"Content-Security-Policy: {policy}\n" in text
