"""The benchmark harness: ``nox -s bench`` runs this and writes the results and the docs page.

Every build is a fresh ``sphinx-build`` process (``-b html -c conf -n --keep-going``), as a
board member's or CI's build is; it is timed from start to exit, with the CPU time (user + system)
and the peak resident memory the kernel reports for that process (``os.wait4``). Figures compared
with a baseline are measured in the same run, alternating the two (A B A B ...), and each is the
median of the runs, with the spread (smallest and largest) beside it.

Ratios use CPU time: the machines this runs on have two cores and are shared, so the wall-clock
time of a build depends on what else runs, while its CPU time does not; wall-clock times are
recorded beside them. ``parallel_speedup`` is necessarily a wall-clock ratio.

Writes ``benchmarks/results.json`` and ``docs/develop/benchmarks.md`` (generated: do not edit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import static  # noqa: E402
import synthetic  # noqa: E402
import weight  # noqa: E402

RESULTS = HERE / "results.json"
PAGE = ROOT / "docs" / "develop" / "benchmarks.md"
NOTES = HERE / "NOTES.md"
PROJECT_PARTS = ("conf", "data", "docs")
EDIT_DATASET = "context"
"""The data file edited for the incremental builds: the one most pages use."""

_READING = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] (\S+)", re.MULTILINE)


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    read: list[str] = field(default_factory=list)
    warnings: int = 0
    returncode: int = 0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def sphinx(site: Path, out: Path, *, fresh: bool, jobs: int = 1, label: str = "") -> Run:
    """One build of *site* into *out*; a fresh build starts from an empty output folder."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-c",
        "conf",
        "-n",
        "--keep-going",
        "-j",
        str(jobs),
        "docs",
        str(out),
        "--doctree-dir",
        str(out.parent / f"{out.name}.dt"),
    ]
    if fresh:
        cmd.insert(3, "-E")
        shutil.rmtree(out.parent / f"{out.name}.dt", ignore_errors=True)
    env = {**os.environ, "PYTHONHASHSEED": "0", "NO_COLOR": "1"}
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=site, stdout=stdout, stderr=stderr, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        text = stdout.read().decode("utf-8", "replace")
        errors = stderr.read().decode("utf-8", "replace")
    run = Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        read=_READING.findall(text),
        warnings=errors.count("WARNING:"),
        returncode=proc.returncode,
    )
    if proc.returncode != 0:
        raise SystemExit(f"build of {site} failed ({label}):\n{errors[-3000:]}")
    # With -j 2 Sphinx logs the pages it reads a chunk to a line, so they can not be counted.
    read = f"{len(run.read)} read" if jobs == 1 else "reads logged by chunk"
    log(
        f"{label or site.name}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, "
        f"{run.peak_mb:.0f} MB, {read}, {run.warnings} warnings"
    )
    return run


def stats(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "runs": len(values),
    }


def summary(runs: list[Run]) -> dict[str, Any]:
    return {
        "cpu_s": stats([r.cpu for r in runs]),
        "wall_s": stats([r.wall for r in runs]),
        "peak_mb": stats([r.peak_mb for r in runs]),
        "warnings": runs[0].warnings if runs else 0,
    }


def ratio(a: list[Run], b: list[Run], key: Callable[[Run], float] = lambda r: r.cpu) -> float:
    return round(statistics.median(key(r) for r in a) / statistics.median(key(r) for r in b), 3)


def copy_project(dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns("_build"))
    return dest


# -- the pieces ----------------------------------------------------------------------------


def overhead_and_peer(work: Path, runs: int) -> tuple[dict[str, Any], Path]:
    """The shipped site, its static baseline and its datatemplates peer, alternated."""
    ours = copy_project(work / "ours")
    baseline = copy_project(work / "static")
    peer = copy_project(work / "datatemplates")
    converted = {
        "static": asdict(static.convert(baseline, "static")),
        "datatemplates": asdict(static.convert(peer, "datatemplates")),
    }
    results: dict[str, list[Run]] = {"ours": [], "static": [], "datatemplates": []}
    sites = {"ours": ours, "static": baseline, "datatemplates": peer}
    for i in range(runs):
        for name, site in sites.items():
            results[name].append(
                sphinx(site, work / f"{name}-html", fresh=True, label=f"{name} {i + 1}/{runs}")
            )
    pages = len(results["ours"][0].read)
    return {
        "pages": pages,
        "converted": converted,
        "ours": summary(results["ours"]),
        "static": summary(results["static"]),
        "datatemplates": summary(results["datatemplates"]),
        "overhead_ratio": ratio(results["ours"], results["static"]),
        "overhead_ratio_wall": ratio(results["ours"], results["static"], lambda r: r.wall),
        "datatemplates_ratio": ratio(results["ours"], results["datatemplates"]),
        "datatemplates_ratio_wall": ratio(
            results["ours"], results["datatemplates"], lambda r: r.wall
        ),
    }, work / "ours-html"


def _edit_place(site: Path, dataset: str, year: str | None = None) -> tuple[Path, int, int, str]:
    """Where a number of *dataset* that no rule uses is typed: file, line, column, text."""
    from lscb_kb.core import Catalogue  # noqa: PLC0415

    catalogue = Catalogue.load(site)
    entry = catalogue.entry(dataset, year)
    used: set[str] = set()
    try:
        from lscb_kb.checks.rules import evaluate  # noqa: PLC0415

        outcomes, _problems = evaluate(catalogue)
        used = {f.address.split(":")[-1] for o in outcomes for f in o.figures}
    except ImportError:
        pass
    for figure in catalogue.figures():
        if figure.entry is not entry or figure.address.split(":")[-1] in used:
            continue
        if isinstance(figure.value, int) and not isinstance(figure.value, bool):
            line = entry.path.read_text(encoding="utf-8").splitlines()[figure.line - 1]
            match = re.compile(r"-?\d+").match(line, figure.column - 1)
            if match:
                return entry.path, figure.line, figure.column, match.group(0)
    raise SystemExit(f"no whole number outside every rule in '{dataset}' to edit")


def _toggle(path: Path, line: int, column: int, original: str, step: int) -> str:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text = lines[line - 1]
    match = re.compile(r"-?\d+").match(text, column - 1)
    assert match is not None
    value = str(int(original) + (step % 2))
    lines[line - 1] = text[: match.start()] + value + text[match.end() :]
    path.write_text("".join(lines), encoding="utf-8")
    return value


def _compared_by_recorded_contradictions(site: Path) -> set[tuple[str | None, str]]:
    """Data files (year, id) whose figures the notes on the figures show: those a recorded
    contradiction compares, the files that declare those rules, and the discrepancy
    registers."""
    from lscb_kb.core import Catalogue  # noqa: PLC0415
    from lscb_kb.core.models import DiscrepancyRegister  # noqa: PLC0415
    from lscb_kb.checks.rules import check_figures  # noqa: PLC0415

    catalogue = Catalogue.load(site)
    _problems, known = check_figures(catalogue)
    declared = {e.located.file: e for e in catalogue.entries.values()}
    named = {
        (e.year, e.id)
        for e in catalogue.entries.values()
        if isinstance(e.dataset, DiscrepancyRegister)
    }
    for outcome in known:
        named.update((f.entry.year, f.entry.id) for f in outcome.figures)
        if outcome.file in declared:
            named.add((declared[outcome.file].year, declared[outcome.file].id))
    return named


def pages_naming(site: Path, dataset: str, year: str) -> list[str]:
    """Pages that show figures of *dataset* of *year*, found from the pages' text: pages that
    name it (with that year, or with no year when it is the current one; a trend covers every
    year), the year's data page, and the notes on the figures when a recorded contradiction
    compares one of its figures. The data catalogue lists every file but shows none of their
    figures, so it is not one of them."""
    from lscb_kb.core.settings import load_settings  # noqa: PLC0415

    current = load_settings(site).current_year
    docs = site / "docs"
    name = re.escape(dataset)
    year_page = re.compile(
        rf"^\s*(?:`{{3,}}|:{{3,}})\{{data-year\}}\s+{re.escape(year)}[ \t]*\n"
        r"(?:[ \t]*:datasets:[ \t]*(?P<datasets>[^\n]*)\n)?",
        re.MULTILINE,
    )
    uses = re.compile(
        rf"\{{fig\}}`(?:(?P<year>[\w-]+):)?{name}[./]|^\s*(?:`{{3,}}|:{{3,}})"
        rf"\{{(?P<directive>data-[a-z-]+)\}}\s+(?:(?P<dyear>[\w-]+):)?{name}(?:[.\s]|$)",
        re.MULTILINE,
    )
    notes = re.compile(r"^\s*(?:`{3,}|:{3,})\{data-discrepancies\}", re.MULTILINE)
    on_notes = (year, dataset) in _compared_by_recorded_contradictions(site)

    def names_it(text: str) -> bool:
        for match in uses.finditer(text):
            named = match.group("year") or match.group("dyear")
            if match.group("directive") == "data-trend" or (named or current) == year:
                return True
        return False

    def shows_year(text: str) -> bool:
        for block in year_page.finditer(text):
            patterns = (block.group("datasets") or "*").split()
            if any(fnmatch.fnmatchcase(dataset, p) for p in patterns):
                return True
        return False

    found = []
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if names_it(text) or shows_year(text) or (on_notes and notes.search(text)):
            found.append(page.relative_to(docs).with_suffix("").as_posix())
    return found


def incremental_shipped(work: Path, runs: int) -> dict[str, Any]:
    """Shipped site: one value changed in one data file, against a rebuild with no change."""
    site = work / "ours"
    out = work / "incr-html"
    sphinx(site, out, fresh=True, label="incremental: first build")
    path, line, column, original = _edit_place(site, EDIT_DATASET)
    noop: list[Run] = []
    edit: list[Run] = []
    reread: list[list[str]] = []
    try:
        for i in range(runs):
            noop.append(sphinx(site, out, fresh=False, label=f"no-op {i + 1}/{runs}"))
            _toggle(path, line, column, original, i + 1)
            run = sphinx(site, out, fresh=False, label=f"one value {i + 1}/{runs}")
            edit.append(run)
            reread.append(sorted(run.read))
    finally:
        _toggle(path, line, column, original, 0)
    expected = pages_naming(site, EDIT_DATASET, path.parent.name)
    return {
        "edited": f"{path.relative_to(site)}:{line}:{column}",
        "noop": summary(noop),
        "incremental": summary(edit),
        "noop_pages_read": statistics.median(len(r.read) for r in noop),
        "incremental_over_noop": ratio(edit, noop),
        "incremental_over_noop_wall": ratio(edit, noop, lambda r: r.wall),
        "incremental_pages_reread": len(reread[-1]),
        "pages_using_file": len(expected),
        "pages_reread": reread[-1],
        "pages_using": expected,
    }


PREVIEW_EDITS = {
    "budget": "2009-10:budget.expenditure/supplies-and-services/actual",
    EDIT_DATASET: None,
}
"""Edited for the preview's latency: the spending on supplies and services (9,169, a part of a
total and of a surplus worked out in another file), then a number of the file most pages use
that no rule reads."""


PREVIEW_PAUSE_S = 2.0
"""Seconds between one measurement's refreshed page and the next save (the server collects
what a build left while it waits for the next change)."""


def _figure_place(site: Path, address: str) -> tuple[Path, int, int, str]:
    """Where the figure at *address* is typed: file, line, column, text."""
    from lscb_kb.core import Catalogue  # noqa: PLC0415

    for figure in Catalogue.load(site).figures():
        if figure.address == address:
            return figure.entry.path, figure.line, figure.column, str(figure.value)
    raise SystemExit(f"no figure {address} to edit")


def preview_latency(work: Path, runs: int) -> dict[str, Any]:
    """``lscb-kb serve`` on the shipped site: from saving a data file to the refreshed page.

    The preview server runs as an editor runs it. Each run saves one changed number, then asks
    ``/_preview/problems?after=N`` as the previewed page does (it answers once build N+1 is
    done, and the page reloads), then fetches a page that shows the figure and checks that it
    shows the new value. The time is from just before the save to that page's last byte; the
    next save comes :data:`PREVIEW_PAUSE_S` later, as an editor's would.
    """
    import urllib.request  # noqa: PLC0415

    site = work / "preview"
    copy_project(site)
    cmd = [sys.executable, "-m", "lscb_kb.cli", "--root", str(site), "serve", "--port", "0"]
    cmd += ["--out", str(work / "preview-build")]
    env = {**os.environ, "PYTHONHASHSEED": "0", "NO_COLOR": "1"}
    proc = subprocess.Popen(cmd, cwd=site, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    base = ""
    for line in proc.stdout:
        match = re.search(r"Serving on (http://\S+/)", line)
        if match:
            base = match.group(1)
            break
    if not base:
        raise SystemExit(f"the preview server did not start: exit {proc.wait()}")

    def get(path: str) -> bytes:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            return response.read()

    results: dict[str, Any] = {}
    try:
        for dataset, address in PREVIEW_EDITS.items():
            # The budget's total no longer adds up: the preview shows that problem too.
            path, line, column, original = (
                _figure_place(site, address) if address else _edit_place(site, dataset)
            )
            page = f"years/{path.parent.name}/index.html"
            times: list[float] = []
            built: list[float] = []
            try:
                for i in range(runs):
                    build = json.loads(get("_preview/problems"))["build"]
                    start = time.perf_counter()
                    value = _toggle(path, line, column, original, i + 1)
                    state = json.loads(get(f"_preview/problems?after={build}"))
                    shown = get(page).decode("utf-8")
                    times.append(time.perf_counter() - start)
                    built.append(state["seconds"])
                    if state["build"] <= build or f"{int(value):,}" not in shown:
                        raise SystemExit(f"the preview did not show {value} on {page}")
                    log(f"preview, {dataset} {i + 1}/{runs}: {times[-1]:.2f} s")
                    time.sleep(PREVIEW_PAUSE_S)  # an editor reads the page before saving again
            finally:
                _toggle(path, line, column, original, 0)
                json.loads(
                    get(f"_preview/problems?after={json.loads(get('_preview/problems'))['build']}")
                )
            results[dataset] = {
                "edited": f"{path.relative_to(site)}:{line}:{column}",
                "latency_s": stats(times),
                "build_s": stats(built),
                "pages_read": state["read"],
            }
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return results


def scale(
    work: Path,
    sizes: list[tuple[int, int, int]],
    incremental_size: tuple[int, int],
    parallel_size: tuple[int, int],
    runs_parallel: int,
) -> dict[str, Any]:
    """Synthetic knowledge bases: full builds; incremental builds and -j 2 at the sizes given."""
    out: dict[str, Any] = {"sizes": {}}
    for boards, years, runs in sizes:
        key = f"{boards}x{years}"
        site = work / f"syn-{key}"
        shape = synthetic.generate(boards, years, site)
        check = subprocess.run(
            [sys.executable, "-m", "lscb_kb.cli", "--root", str(site), "check"],
            capture_output=True,
            text=True,
            check=False,
        )
        html = work / f"syn-{key}-html"
        full: list[Run] = []
        incremental: list[Run] = []
        entry: dict[str, Any] = {
            "boards": boards,
            "years": years,
            "data_files": shape.data_files,
            "check_ok": check.returncode == 0,
        }
        edit = None
        if (boards, years) == incremental_size:
            edit = _edit_place(site, EDIT_DATASET)
        for i in range(runs):
            full.append(sphinx(site, html, fresh=True, label=f"{key} full {i + 1}/{runs}"))
            if edit is not None:
                path, line, column, original = edit
                _toggle(path, line, column, original, i + 1)
                incremental.append(
                    sphinx(site, html, fresh=False, label=f"{key} one value {i + 1}/{runs}")
                )
        if edit is not None:
            _toggle(*edit, 0)
        pages = len(full[0].read)
        entry.update(summary(full))
        entry["pages"] = pages
        entry["cpu_per_page_s"] = round(entry["cpu_s"]["median"] / pages, 4)
        entry["wall_per_page_s"] = round(entry["wall_s"]["median"] / pages, 4)
        if incremental:
            entry["incremental"] = summary(incremental)
            entry["incremental_ratio"] = ratio(incremental, full)
            entry["incremental_pages_reread"] = len(incremental[-1].read)
            entry["pages_using_file"] = len(pages_naming(site, EDIT_DATASET, edit[0].parent.name))
        if (boards, years) == parallel_size and runs_parallel:
            entry["parallel"] = parallel_pairs(site, html, key, runs_parallel)
        out["sizes"][key] = entry
    keys = list(out["sizes"])
    small, large = out["sizes"][keys[0]], out["sizes"][keys[-1]]
    out["per_page_growth"] = round(large["cpu_per_page_s"] / small["cpu_per_page_s"], 3)
    out["per_page_growth_wall"] = round(large["wall_per_page_s"] / small["wall_per_page_s"], 3)
    out["per_page_growth_between"] = [keys[0], keys[-1]]
    return out


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def write_results(results: dict[str, Any]) -> None:
    """``benchmarks/results.json`` and the docs page made from it."""
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_page(results)
    log(f"wrote {RESULTS.relative_to(ROOT)} and {PAGE.relative_to(ROOT)}")


def parallel_pairs(site: Path, html: Path, key: str, runs: int) -> dict[str, Any]:
    """Full builds with ``-j 1`` and ``-j 2``, alternated; the speed-up is a wall-clock ratio."""
    one: list[Run] = []
    two: list[Run] = []
    for i in range(runs):
        one.append(sphinx(site, html, fresh=True, label=f"{key} -j 1 {i + 1}"))
        two.append(sphinx(site, html, fresh=True, jobs=2, label=f"{key} -j 2 {i + 1}"))
    return {
        "j1": summary(one),
        "j2": summary(two),
        "speedup_wall": ratio(one, two, lambda r: r.wall),
    }


def parallel_again(work: Path, size: tuple[int, int], runs: int) -> int:
    """Measure ``parallel_speedup`` again and put it into the results of the last full run,
    marked with its own date and machine; every other figure keeps the run it came from."""
    if not RESULTS.is_file():
        raise SystemExit(f"{RESULTS}: no results to update; run `nox -s bench` without options")
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    key = f"{size[0]}x{size[1]}"
    entry = results["scale"]["sizes"].get(key)
    if entry is None:
        sizes = ", ".join(results["scale"]["sizes"])
        raise SystemExit(f"{RESULTS}: the last run built no {key} site (it built {sizes})")
    site = work / f"syn-{key}"
    synthetic.generate(size[0], size[1], site)
    date = _utc_now()
    entry["parallel"] = parallel_pairs(site, work / f"syn-{key}-html", key, runs)
    entry["parallel"]["date"] = date
    entry["parallel"]["machine"] = machine()
    results["keys"]["parallel_speedup"] = entry["parallel"]["speedup_wall"]
    print(json.dumps(entry["parallel"], indent=2))
    write_results(results)
    return 0


def preview_again(work: Path, runs: int) -> int:
    """Measure the preview's latency again and put it into the results of the last full run,
    marked with its own date and machine; every other figure keeps the run it came from."""
    if not RESULTS.is_file():
        raise SystemExit(f"{RESULTS}: no results to update; run `nox -s bench` without options")
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results["preview"] = preview_latency(work, runs)
    results["preview"]["date"] = _utc_now()
    results["preview"]["machine"] = machine()
    results["keys"]["preview_latency_s"] = results["preview"]["budget"]["latency_s"]["median"]
    results["keys"]["preview_latency_most_used_s"] = results["preview"][EDIT_DATASET]["latency_s"][
        "median"
    ]
    print(json.dumps({k: v for k, v in results["preview"].items() if k != "machine"}, indent=2))
    write_results(results)
    return 0


def checks(work: Path, runs: int, largest: Path | None) -> dict[str, Any]:
    """``lscb-kb check`` on the shipped data and on the largest synthetic knowledge base."""
    result: dict[str, Any] = {}
    for name, root in (("shipped", ROOT), ("largest_synthetic", largest)):
        if root is None:
            continue
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "lscb_kb.cli", "--root", str(root), "check"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _pid, status, usage = os.wait4(proc.pid, 0)
            times.append(
                (
                    time.perf_counter() - start,
                    usage.ru_utime + usage.ru_stime,
                    os.waitstatus_to_exitcode(status),
                )
            )
        result[name] = {
            "wall_s": stats([t[0] for t in times]),
            "cpu_s": stats([t[1] for t in times]),
            "passes": all(t[2] == 0 for t in times),
        }
        log(f"check {name}: {statistics.median(t[1] for t in times):.1f} s CPU")
    return result


def weights(site: Path) -> dict[str, Any]:
    if not (site / "pagefind").is_dir():
        # The build session indexes the site with Pagefind after Sphinx: do the same.
        try:
            from lscb_kb.publish import run_pagefind  # noqa: PLC0415
        except ImportError:
            run_pagefind = None
        if run_pagefind is not None:
            run_pagefind(site)
    return {**weight.weights(site), **weight.search(site)}


# -- reporting -----------------------------------------------------------------------------

GOALS = {
    "overhead_ratio": ("≤", 1.05),
    "incremental_over_noop": ("≤", 1.5),
    "incremental_ratio": ("≤", 0.10),
    "per_page_growth": ("≤", 1.25),
    "page_weight_median_kb": ("≤", 400),
    "search_query_kb": ("≤", 150),
}


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sphinx as sphinx_pkg  # noqa: PLC0415

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sphinx": sphinx_pkg.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _owner() -> str:
    """The owner the maintainers' pages name, so the generated page has the same."""
    page = ROOT / "docs" / "develop" / "architecture.md"
    match = re.search(r"^owner:\s*(.+)$", page.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1).strip() if match else "the board's business manager"


def _fmt(stat: dict[str, float], unit: str = "s") -> str:
    return f"{stat['median']:g} {unit} ({stat['min']:g}–{stat['max']:g}, {stat['runs']} runs)"


def write_page(results: dict[str, Any]) -> str:
    k = results["keys"]
    m = results["machine"]
    day = dt.date.fromisoformat(results["date"][:10])
    lines = [
        "---",
        f"owner: {_owner()}",
        f"reviewed: {day.isoformat()}",
        f"review-due: {day.replace(year=day.year + 1).isoformat()}",
        "topics: [about-this-site]",
        "---",
        "",
        "# Benchmarks",
        "",
        "% Generated by `nox -s bench` (benchmarks/run.py) from benchmarks/results.json.",
        "% Do not edit: run the benchmarks again.",
        "",
        "What building the knowledge base costs, how that cost grows, and what a reader downloads. "
        "`nox -s bench` measures it and writes this page and `benchmarks/results.json`; the "
        "figures below are the ones that run printed.",
        "",
        f"Run on {results['date']}: {m['cpu'] or 'unknown CPU'}, {m['cores']} cores, "
        f"{m['system']}, Python {m['python']}, Sphinx {m['sphinx']}. Load average "
        f"{m['load_average_at_start']} at the start and {m.get('load_average_at_end')} at the "
        f"end; the run took {results['duration_min']} minutes.",
        "",
        "Each figure is the median of the runs, with the smallest and largest in brackets. "
        "Ratios compare CPU time (user and system) of builds run alternately in the same run, "
        "because the machine is shared and wall-clock time depends on what else runs; the "
        "wall-clock ratio is given beside each.",
        "",
        "## Goals",
        "",
        "| key | measured | goal | holds |",
        "| --- | --- | --- | --- |",
    ]
    for key, value in k.items():
        goal = GOALS.get(key)
        if goal is None:
            lines.append(f"| `{key}` | {value} | | |")
        else:
            holds = value is not None and value <= goal[1]
            lines.append(
                f"| `{key}` | {value} | {goal[0]} {goal[1]} | {'yes' if holds else 'no'} |"
            )
    o = results["overhead"]
    lines += [
        "",
        "## Overhead and peer",
        "",
        f"Full builds (`-E`) of the shipped site ({o['pages']} pages), of the same pages with every "
        "data-driven table, register, chart and figure written out as static MyST, and of the same "
        "pages with tables and registers rendered by sphinxcontrib-datatemplates.",
        "",
        "| site | CPU | wall clock | peak memory | warnings |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, label in (
        ("ours", "shipped (lscb_kb)"),
        ("static", "static MyST baseline"),
        ("datatemplates", "sphinxcontrib-datatemplates"),
    ):
        s = o[name]
        lines.append(
            f"| {label} | {_fmt(s['cpu_s'])} | {_fmt(s['wall_s'])} | "
            f"{s['peak_mb']['median']:.0f} MB | {s['warnings']} |"
        )
    left = {**o["converted"]["static"]["left"]}
    lines += [
        "",
        f"Converted to static MyST: {o['converted']['static']['blocks']} blocks and "
        f"{o['converted']['static']['figures']} figures in prose"
        + (f"; left as they are: {left}." if left else "."),
        f"Wall-clock ratios: overhead {o['overhead_ratio_wall']}, datatemplates "
        f"{o['datatemplates_ratio_wall']}.",
    ]
    i = results["incremental"]
    lines += [
        "",
        "## Incremental builds",
        "",
        f"Shipped site: one whole number changed in `{i['edited']}` and the site rebuilt, "
        "alternating with a rebuild with nothing changed.",
        "",
        "| build | CPU | wall clock | pages read |",
        "| --- | --- | --- | --- |",
        f"| nothing changed | {_fmt(i['noop']['cpu_s'])} | {_fmt(i['noop']['wall_s'])} | "
        f"{i['noop_pages_read']} |",
        f"| one value changed | {_fmt(i['incremental']['cpu_s'])} | "
        f"{_fmt(i['incremental']['wall_s'])} | {i['incremental_pages_reread']} |",
        "",
        f"Pages re-read: {', '.join(i['pages_reread'])}. Pages that name the file or read every "
        f"file: {', '.join(i['pages_using'])}.",
    ]
    if "preview" in results:
        lines += [
            "",
            "## Preview",
            "",
            "`lscb-kb serve` on the shipped site: from saving one changed number to the refreshed "
            "page, as the previewed page sees it (it asks the server for the next build, reloads, "
            "and the page shows the new value); the next save comes "
            f"{PREVIEW_PAUSE_S:g} s later, as an editor's would."
            + (
                f" Measured again on {results['preview']['date']} (`--preview-only`)."
                if "date" in results["preview"]
                else ""
            ),
            "",
            "| data file edited | save to refreshed page | the build | pages read |",
            "| --- | --- | --- | --- |",
        ]
        for p in results["preview"].values():
            if not isinstance(p, dict) or "latency_s" not in p:
                continue  # the date and machine of a run of --preview-only
            lines.append(
                f"| `{p['edited']}` | {_fmt(p['latency_s'])} | {_fmt(p['build_s'])} | "
                f"{p['pages_read']} |"
            )
    s = results["scale"]
    lines += [
        "",
        "## Scale",
        "",
        "Synthetic knowledge bases made by `benchmarks/synthetic.py`: the shipped report copied "
        "per board and year, figures scaled, with the site's own theme and navigation.",
        "",
        "| boards × years | pages | data files | CPU | wall clock | CPU per page | peak memory |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, e in s["sizes"].items():
        lines.append(
            f"| {key.replace('x', ' × ')} | {e['pages']} | {e['data_files']} | {_fmt(e['cpu_s'])} | "
            f"{_fmt(e['wall_s'])} | {e['cpu_per_page_s']} s | {e['peak_mb']['median']:.0f} MB |"
        )
    for key, e in s["sizes"].items():
        if "incremental" in e:
            lines.append("")
            lines.append(
                f"At {key}: one value changed, {_fmt(e['incremental']['cpu_s'])} CPU, "
                f"{e['incremental_pages_reread']} pages re-read "
                f"(pages naming the file or reading every file: {e['pages_using_file']})."
            )
        if "parallel" in e:
            p = e["parallel"]
            lines.append("")
            when = f" (measured again on {p['date']})" if "date" in p else ""
            lines.append(
                f"At {key}{when}: `-j 1` {_fmt(p['j1']['wall_s'])} wall clock, `-j 2` "
                f"{_fmt(p['j2']['wall_s'])}: speed-up {p['speedup_wall']}."
            )
    if s.get("not_run"):
        lines += ["", s["not_run"]]
    c = results["checks"]
    lines += [
        "",
        "## Checks",
        "",
        "| data | `lscb-kb check` CPU | wall clock | passes |",
        "| --- | --- | --- | --- |",
    ]
    for name, e in c.items():
        lines.append(
            f"| {name.replace('_', ' ')} | {_fmt(e['cpu_s'])} | {_fmt(e['wall_s'])} | "
            f"{'yes' if e['passes'] else 'no'} |"
        )
    w = results["weight"]
    lines += [
        "",
        "## Weight",
        "",
        f"Over {w['pages']} pages of the shipped site: median page weight "
        f"{w['page_weight_median_kb']} KB, largest {w['page_weight_max_kb']} KB "
        f"(`{w['page_weight_max_page']}`); HTML, CSS, JavaScript, fonts and images a first "
        "visit loads, uncompressed.",
        "",
        f"Search engine: {w['engine']}; index {w.get('search_index_kb')} KB.",
    ]
    for q in w.get("queries", []):
        lines.append(
            f"- “{q['query']}”: {q['kb']} KB ({q['results']} results; "
            + ", ".join(f"{n} {b / 1024:.1f} KB" for n, b in q["files"].items())
            + ")"
        )
    notes = NOTES.read_text(encoding="utf-8") if NOTES.is_file() else ""
    if notes:
        body = notes.split("\n", 1)[1] if notes.startswith("# ") else notes
        lines += ["", "## What the figures show", "", body.strip().replace("\n## ", "\n### ")]
    text = "\n".join(lines) + "\n"
    PAGE.write_text(text, encoding="utf-8")
    return text


def parse_sizes(text: str) -> list[tuple[int, int, int]]:
    sizes = []
    for part in text.split(","):
        shape, _, runs = part.partition(":")
        boards, years = shape.split("x")
        sizes.append((int(boards), int(years), int(runs or 5)))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks; write results and docs.")
    parser.add_argument("--runs", type=int, default=5, help="runs of each alternated build")
    parser.add_argument(
        "--sizes",
        default="1x1:5,4x2:5,10x5:5,20x10:5",
        help="synthetic sizes boards x years:runs, smallest first",
    )
    parser.add_argument("--parallel-runs", type=int, default=5)
    parser.add_argument(
        "--incremental-size",
        default="10x5",
        help="synthetic size for incremental_ratio (boards x years)",
    )
    parser.add_argument(
        "--parallel-size",
        default="4x2",
        help="synthetic size for parallel_speedup (boards x years)",
    )
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write files")
    parser.add_argument(
        "--not-run",
        default="",
        help="a sentence for the page on sizes left out, and why (measured)",
    )
    parser.add_argument(
        "--parallel-only",
        action="store_true",
        help="measure parallel_speedup again into the last run's results (and the docs page)",
    )
    parser.add_argument(
        "--preview-only",
        action="store_true",
        help="measure preview_latency_s again into the last run's results (and the docs page)",
    )
    parser.add_argument(
        "--page-only",
        action="store_true",
        help="write the docs page again from benchmarks/results.json, no runs",
    )
    args = parser.parse_args(argv)
    if args.page_only:
        write_page(json.loads(RESULTS.read_text(encoding="utf-8")))
        return 0
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="lscb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    parallel = tuple(int(x) for x in args.parallel_size.split("x"))
    if args.preview_only:
        try:
            return preview_again(work, args.runs)
        finally:
            if args.work is None:
                shutil.rmtree(work, ignore_errors=True)
    if args.parallel_only:
        try:
            return parallel_again(work, parallel, args.parallel_runs)  # type: ignore[arg-type]
        finally:
            if args.work is None:
                shutil.rmtree(work, ignore_errors=True)
    results: dict[str, Any] = {
        "date": _utc_now(),
        "machine": machine(),
    }
    log(f"working in {work}")
    results["overhead"], ours_html = overhead_and_peer(work, args.runs)
    results["weight"] = weights(ours_html)
    results["incremental"] = incremental_shipped(work, args.runs)
    results["preview"] = preview_latency(work, args.runs)
    sizes = parse_sizes(args.sizes)
    incremental = tuple(int(x) for x in args.incremental_size.split("x"))
    results["scale"] = scale(work, sizes, incremental, parallel, args.parallel_runs)  # type: ignore[arg-type]
    if args.not_run:
        results["scale"]["not_run"] = args.not_run
    elif (20, 10) not in {(b, y) for b, y, _r in sizes}:
        key, e = list(results["scale"]["sizes"].items())[-1]
        boards, years = (int(x) for x in key.split("x"))
        factor = 20 * 10 / (boards * years)
        results["scale"]["not_run"] = (
            f"20 × 10 was not built: the largest size built, {key.replace('x', ' × ')}, took "
            f"{e['wall_s']['median']:.0f} s wall clock ({e['cpu_s']['median']:.0f} s CPU) for "
            f"{e['pages']} pages in this run; 20 × 10 has {factor:g} times the boards and years, so "
            f"one build would take about {factor * e['wall_s']['median'] / 60:.0f} minutes at the "
            "same cost per page."
        )
    largest = work / f"syn-{sizes[-1][0]}x{sizes[-1][1]}"
    results["checks"] = checks(work, args.runs, largest)
    mid = results["scale"]["sizes"].get(f"{incremental[0]}x{incremental[1]}", {})
    par = results["scale"]["sizes"].get(f"{parallel[0]}x{parallel[1]}", {})
    results["keys"] = {
        "overhead_ratio": results["overhead"]["overhead_ratio"],
        "datatemplates_ratio": results["overhead"]["datatemplates_ratio"],
        "incremental_over_noop": results["incremental"]["incremental_over_noop"],
        "incremental_ratio": mid.get("incremental_ratio"),
        "incremental_pages_reread": results["incremental"]["incremental_pages_reread"],
        "preview_latency_s": results["preview"]["budget"]["latency_s"]["median"],
        "preview_latency_most_used_s": results["preview"][EDIT_DATASET]["latency_s"]["median"],
        "pages_using_file": results["incremental"]["pages_using_file"],
        "per_page_growth": results["scale"]["per_page_growth"],
        "parallel_speedup": par.get("parallel", {}).get("speedup_wall"),
        "check_shipped_s": results["checks"]["shipped"]["cpu_s"]["median"],
        "check_largest_synthetic_s": results["checks"]
        .get("largest_synthetic", {})
        .get("cpu_s", {})
        .get("median"),
        "page_weight_median_kb": results["weight"]["page_weight_median_kb"],
        "page_weight_max_kb": results["weight"]["page_weight_max_kb"],
        "search_index_kb": results["weight"].get("search_index_kb"),
        "search_query_kb": results["weight"].get("search_query_kb"),
    }
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["duration_min"] = round((time.perf_counter() - started) / 60, 1)
    print(json.dumps(results["keys"], indent=2))
    if not args.no_write:
        write_results(results)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
