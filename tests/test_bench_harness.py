"""The benchmark harness's options that work on the last run's results (not timing tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO / "benchmarks" / "run.py"
RESULTS = REPO / "benchmarks" / "results.json"


def test_parallel_only_refuses_a_size_the_last_run_did_not_build(tmp_path: Path) -> None:
    before = RESULTS.read_bytes()
    built = ", ".join(json.loads(before)["scale"]["sizes"])
    args = ["--parallel-only", "--parallel-size", "3x7", "--work", str(tmp_path)]
    result = subprocess.run(
        [sys.executable, str(HARNESS), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"the last run built no 3x7 site (it built {built})" in result.stderr
    assert "Traceback" not in result.stderr
    assert RESULTS.read_bytes() == before
    assert not (tmp_path / "syn-3x7").exists()
