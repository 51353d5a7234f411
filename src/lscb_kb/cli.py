"""The ``lscb-kb`` command line: check the data, compare revisions, export schemas."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .checks.audit import audit_project
from .checks.pages import check_pages
from .checks.personal import scan_project_with_allowed
from .checks.rules import Outcome, check_figures, evaluate
from .checks.safety import scan_bibliography, scan_pages
from .core import Catalogue, LscbError, Problem, find_root
from .core.newyear import still_to_do
from .core.topics import Topics, topic_problems


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve() if args.root else find_root()


def _emit(problems: list[Problem], fmt: str) -> None:
    """Print problems as text lines, JSON, or GitHub Actions annotations."""
    if fmt == "json":
        print(json.dumps([problem.as_dict() for problem in problems], indent=2))
        return
    for problem in problems:
        print(problem.github() if fmt == "github" else problem)


def _bibliography_problems(root: Path, bibliography: str) -> list[Problem]:
    """Addresses in the bibliography that the link policy of conf/safety.toml refuses."""
    from .core.policy import load_policy  # noqa: PLC0415
    from .core.problems import LscbError  # noqa: PLC0415

    try:
        policy = load_policy(root)
    except LscbError:
        return []  # scan_pages reports the missing or malformed allowlist
    return scan_bibliography(root / bibliography, policy)


def cmd_check(args: argparse.Namespace) -> int:
    """Check everything: data files, figures' consistency, and what the pages name."""
    root = _root(args)
    catalogue = Catalogue.load(root)
    topics = Topics.load(catalogue.settings.topics_path)  # conf/topics.yaml
    problems = [*catalogue.problems, *topics.problems, *topic_problems(catalogue, topics)]
    problems.extend(check_pages(catalogue, root / "docs", topics))  # what the pages name
    problems.extend(audit_project(catalogue, root / "docs"))  # figures typed by hand
    problems.extend(scan_pages(root, catalogue.settings.data_dir))  # content safety
    problems.extend(_bibliography_problems(root, catalogue.settings.bibliography))
    personal, allowed = scan_project_with_allowed(root)  # personal data in data/ and docs/
    problems.extend(personal)
    if args.format == "text":
        for finding in allowed:  # what conf/personal-data.toml allows, and why
            print(finding)
        for note in still_to_do(catalogue):  # what a year started by new-year still needs
            print(note)
    problems.extend(_review_problems(root))  # each page's owner and review dates
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


def cmd_diff(args: argparse.Namespace) -> int:
    """List every figure, record, page and download that changes between two revisions."""
    from .checks.diff import RevisionError, compare_revisions, render, summary  # noqa: PLC0415

    try:
        comparison = compare_revisions(_root(args), args.base, args.head)
    except RevisionError as err:
        print(f"lscb-kb diff: {err}", file=sys.stderr)
        return 2
    print(render(comparison, args.format))
    if args.format == "text" and comparison.changes:
        print(summary(comparison), file=sys.stderr)
    return 1 if comparison.failed else 0


def cmd_links(args: argparse.Namespace) -> int:
    """Check the built site's links: internal pages and anchors, then external links."""
    from .checks.links import Cache, external_links, internal_links, pages_of  # noqa: PLC0415

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


def cmd_new_year(args: argparse.Namespace) -> int:
    """Start the next reporting year from the last one (same tables, empty figures)."""
    from .core.newyear import start_year  # noqa: PLC0415
    from .core.settings import load_settings  # noqa: PLC0415

    root = _root(args)
    written = start_year(load_settings(root), args.year, args.from_year)
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    print(
        f"Fill in the figures for {args.year} in data/{args.year}/, then run "
        "`nox -s figures` and `nox -s build`."
    )
    return 0


def _review_problems(root: Path) -> list[Problem]:
    from .checks.reviews import read_reviews, review_settings  # noqa: PLC0415

    settings = review_settings(root)
    _reviews, problems = read_reviews(
        root / "docs", required=settings.required, limits=settings.limits
    )
    return problems


def cmd_review(args: argparse.Namespace) -> int:
    """List the pages whose review is due or overdue, with their owners."""
    import datetime as dt  # noqa: PLC0415

    from .checks.reviews import due_or_overdue, read_reviews, review_settings  # noqa: PLC0415

    root = _root(args)
    settings = review_settings(root)
    within = settings.due_within_days if args.within is None else args.within
    reviews, problems = read_reviews(
        root / "docs", required=settings.required, limits=settings.limits
    )
    _emit(problems, "text")
    today = args.today or dt.date.today()
    listed = due_or_overdue(reviews, today, within)
    for review, status in listed:
        print(
            f"{review.file}:{review.line}: {status}: review due {review.due.isoformat()}, "
            f"owner {review.owner}: {review.title or review.page}"
        )
    overdue = sum(1 for _review, status in listed if status == "overdue")
    print(
        f"{len(reviews)} pages: {overdue} overdue, {len(listed) - overdue} due within "
        f"{within} days (as of {today.isoformat()}).",
        file=sys.stderr,
    )
    return 1 if problems else 0


def _date_arg(text: str) -> object:
    import datetime as dt  # noqa: PLC0415

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = f"must be a date written YYYY-MM-DD, got {text!r}"
        raise argparse.ArgumentTypeError(message) from None


def cmd_serve(args: argparse.Namespace) -> int:
    """Preview the site while editing: problems on every page, rebuilt on every save."""
    try:
        from .preview import serve  # noqa: PLC0415
    except ImportError as err:  # the preview's file watcher is an optional dependency
        print(f"lscb-kb serve needs {err.name}: pip install -e '.[serve]' (or use nox -s serve)")
        return 2
    root = _root(args)
    out = Path(args.out) if args.out else root / "build" / "serve"
    return serve(root, out, args.host, args.port)


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
    diff = sub.add_parser(
        "diff",
        help=cmd_diff.__doc__,
        description=(
            "Compare two revisions of the knowledge base as the site publishes them: every "
            "figure, record, page and download that changes, old and new, with its file and line."
        ),
    )
    diff.add_argument("base", metavar="BASE", help="the revision to compare with, e.g. origin/main")
    diff.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        help="the revision to compare (default: the files as they are now)",
    )
    diff.add_argument(
        "--format",
        choices=["text", "json", "markdown"],
        default="text",
        help="one line per change, JSON, or Markdown for a job summary (default: text)",
    )
    diff.set_defaults(func=cmd_diff)
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
    new_year = sub.add_parser("new-year", help=cmd_new_year.__doc__)
    new_year.add_argument("year", help="the new reporting year, such as 2010-11")
    new_year.add_argument(
        "--from", dest="from_year", help="the year to start from (default: the latest in data/)"
    )
    new_year.set_defaults(func=cmd_new_year)
    review = sub.add_parser("review", help=cmd_review.__doc__)
    review.add_argument(
        "--within", type=int, help="days ahead that count as due (default: conf/lscb.toml)"
    )
    review.add_argument("--today", type=_date_arg, help="the date to judge by (default: today)")
    review.set_defaults(func=cmd_review)
    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--host", default="127.0.0.1", help="where to serve (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default: 8000; 0: any)")
    serve.add_argument("--out", help="where to build (default: build/serve)")
    serve.set_defaults(func=cmd_serve)
    schemas = sub.add_parser("schemas", help=cmd_schemas.__doc__)
    schemas.set_defaults(func=cmd_schemas)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # the output was piped into a program that stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except LscbError as err:
        for problem in err.problems:
            print(problem)
        return 1


if __name__ == "__main__":
    sys.exit(main())
