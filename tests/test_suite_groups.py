"""The suite's own arrangement: tests that read one costly build run on one worker.

``nox -s tests`` runs pytest-xdist with ``--dist loadgroup``; a pytest that pytest-xdist does
not understand makes it ignore ``xdist_group`` without a word, and every worker then makes the
costly builds again (pyproject.toml pins pytest for that reason).
"""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("shipped-site")
def test_a_test_marked_with_a_group_is_sent_with_its_group(request: pytest.FixtureRequest) -> None:
    if getattr(request.config.option, "loadgroup", False):  # a worker of --dist loadgroup
        assert request.node.nodeid.endswith("@shipped-site"), request.node.nodeid
