"""The ``lscb-kb`` command line: check the data, export schemas."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .data import Catalogue, LscbError, find_root
from .data.pages import check_pages


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve() if args.root else find_root()


def cmd_check(args: argparse.Namespace) -> int:
    """Load and validate everything under data/; print every problem."""
    root = _root(args)
    catalogue = Catalogue.load(root)
    problems = sorted([*catalogue.problems, *check_pages(catalogue, root / "docs")])
    for problem in problems:
        print(problem)
    if problems:
        count = len(problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} found in "
            f"{len(catalogue.files)} data files.",
            file=sys.stderr,
        )
        return 1
    figures = sum(1 for _ in catalogue.figures())
    print(f"All {len(catalogue.files)} data files are valid ({figures} figures).")
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
    check.set_defaults(func=cmd_check)
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
