"""The ``lscb-kb`` command line: check the data, export schemas."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .data import Catalogue, LscbError, Problem, find_root
from .data.pages import check_pages
from .data.rules import Outcome, check_figures, evaluate


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve() if args.root else find_root()


def _emit(problems: list[Problem], fmt: str) -> None:
    """Print problems as text lines, JSON, or GitHub Actions annotations."""
    if fmt == "json":
        print(json.dumps([problem.as_dict() for problem in problems], indent=2))
        return
    for problem in problems:
        print(problem.github() if fmt == "github" else problem)


def cmd_check(args: argparse.Namespace) -> int:
    """Check everything: data files, figures' consistency, and what the pages name."""
    root = _root(args)
    catalogue = Catalogue.load(root)
    problems = [*catalogue.problems, *check_pages(catalogue, root / "docs")]
    known: list[Outcome] = []
    if not catalogue.problems:
        figure_problems, known = check_figures(catalogue)
        problems.extend(figure_problems)
    problems.sort()
    if args.rules:
        outcomes, _ = evaluate(catalogue)
        for outcome in outcomes:
            state = "holds" if outcome.holds else "FAILS"
            print(
                f"{outcome.file}:{outcome.line}:{outcome.column}: {outcome.rule_id}: {state}: "
                f"{outcome.message}"
            )
    _emit(problems, args.format)
    if problems:
        count = len(problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} found in "
            f"{len(catalogue.files)} data files.",
            file=sys.stderr,
        )
        return 1
    if args.format == "text":
        figures = sum(1 for _ in catalogue.figures())
        print(
            f"All {len(catalogue.files)} data files are valid ({figures} figures); "
            f"{len(known)} contradiction{'s' if len(known) != 1 else ''} in the report "
            "recorded in the discrepancy register."
        )
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    """Check the built site's links: internal pages and anchors, then external links."""
    from .links import Cache, external_links, internal_links, pages_of  # noqa: PLC0415

    html = Path(args.html)
    if not (html / "index.html").is_file():
        print(f"{html}: there is no built site here; build it first (nox -s build)")
        return 1
    results, urls = internal_links(html)
    print(f"Internal links: {len(results)} problem(s) in {html}.")
    if args.external and urls:
        cache = Cache.load(Path(args.cache), args.max_age_days)
        checked = external_links(urls, pages_of(html, urls), cache, timeout=args.timeout)
        fresh = [r for r in checked if r.detail != "from the cache"]
        if fresh and all(r.outcome == "unreachable" for r in fresh):
            print(
                f"No network: none of the {len(fresh)} external links could be reached, so "
                "they were not checked. Internal links were checked."
            )
        else:
            results.extend(r for r in checked if r.outcome != "ok")
            print(
                f"External links: {len(checked)} checked, "
                f"{sum(r.detail == 'from the cache' for r in checked)} from the cache."
            )
    for result in results:
        print(result)
    failing = [r for r in results if r.outcome in ("broken", "anchor-missing")]
    if failing:
        print(f"{len(failing)} broken link(s).", file=sys.stderr)
        return 1
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    """Write the JSON Schemas of the data files into conf/schemas/."""
    from .schema import write_schemas  # noqa: PLC0415

    written = write_schemas(_root(args) / "conf" / "schemas")
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("conf/schemas/ is up to date.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lscb-kb", description="Check and manage the safeguarding board's knowledge base."
    )
    parser.add_argument("--root", help="the project folder (default: found from here upwards)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help=cmd_check.__doc__)
    check.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text",
        help="how to print problems (default: text; github under GitHub Actions)",
    )
    check.add_argument("--rules", action="store_true", help="also list every rule's outcome")
    check.set_defaults(func=cmd_check)
    links = sub.add_parser("links", help=cmd_links.__doc__)
    links.add_argument("--html", default="build/html", help="the built site (default: build/html)")
    links.add_argument(
        "--no-external",
        dest="external",
        action="store_false",
        help="check internal links and anchors only",
    )
    links.add_argument(
        "--cache",
        default="build/linkcheck-cache.json",
        help="where recent results of external links are kept",
    )
    links.add_argument(
        "--max-age-days",
        type=float,
        default=7.0,
        help="how long a working external link is trusted from the cache",
    )
    links.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    links.set_defaults(func=cmd_links)
    schemas = sub.add_parser("schemas", help=cmd_schemas.__doc__)
    schemas.set_defaults(func=cmd_schemas)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except LscbError as err:
        for problem in err.problems:
            print(problem)
        return 1


if __name__ == "__main__":
    sys.exit(main())
