"""Generate a synthetic knowledge base: the shipped one, copied per board and per year.

A region that keeps many boards' reports for many years has one site with, for every board and
year, the pages of ``docs/`` and the data files of ``data/<year>/``. This module builds such a
site from the shipped project so that its shape (pages, tables, registers, figures in prose,
citations, glossary terms, navigation, theme) is the real one:

* ``data/bNN-<year>/`` holds a copy of each data file of the shipped year. Every count and every
  amount of money is multiplied by a whole factor that depends on the board and the year, so the
  figures differ between copies while every declared total, share, derived figure and
  cross-file rule comes out as it does in the shipped data (a rule that is a ratio or a sum
  keeps its truth when all its figures are multiplied by the same whole number).
* ``docs/bNN/<year>/`` holds a copy of every page in a section folder of ``docs/``; each figure
  address and dataset argument is given its board-year (``bNN-<year>:``), and links to pages
  that exist once (glossary, references, notes on the figures) are pointed at them.
* Pages at the top of ``docs/`` other than ``index.md`` exist once; ``docs/index.md`` lists the
  boards, each board's index lists its years, and each year's index is the shipped home page.

Run ``python benchmarks/synthetic.py --boards 2 --years 1 DEST`` to write one.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Folders of docs/ that are not part of a board's report.
SKIP_FOLDERS = {"develop", "_build", "_static", "_templates"}
# Directives whose argument is a year, and directives whose addresses must not name one.
YEAR_ARGUMENT = {"data-year"}
NO_YEAR = {"data-trend"}

_FIG_ROLE = re.compile(r"\{fig\}`([^`]+)`")
_DATA_DIRECTIVE = re.compile(r"^(\s*(?:`{3,}|:{3,})\{data-[a-z-]+\}[ \t]+)(\S+)(.*)$")
_MD_LINK = re.compile(r"\]\(([^)\s]+?\.md)(#[^)\s]*)?\)")
_DOC_ROLE = re.compile(r"\{doc\}`([^`<]*<)?([^`>]+)(>)?`")
_LINK_OPTION = re.compile(r"^(\s*:link:\s+)(\S+)\s*$")
_NUMBER = re.compile(r"-?[0-9][0-9_]*(?:\.[0-9]+)?")
YEAR_FOLDER = re.compile(r"^\d{4}-\d{2}$")
_TOCTREE = re.compile(r"^```\{toctree\}.*?^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Shape:
    """What :func:`generate` wrote."""

    boards: int
    years: int
    board_years: list[str]
    pages: int
    data_files: int


def year_labels(first: str, count: int) -> list[str]:
    """``2009-10``, ``2010-11``, ... starting at the shipped year."""
    start = int(first[:4])
    return [f"{start + i}-{(start + i + 1) % 100:02d}" for i in range(count)]


def board_label(index: int) -> str:
    return f"b{index + 1:02d}"


def factor(board: int, year: int) -> int:
    """The whole factor for a board-year's counts and money; 1 for the first board's first year."""
    return 1 + (board + year) % 3


# -- data ------------------------------------------------------------------------------------


def _positions_to_scale(year_dir: Path, root: Path) -> dict[Path, list[tuple[int, int]]]:
    """For each data file of the shipped year, the (line, column) of every count and money value."""
    sys.path.insert(0, str(ROOT / "src"))
    from lscb_kb.core import Catalogue  # noqa: PLC0415

    catalogue = Catalogue.load(root)
    positions: dict[Path, list[tuple[int, int]]] = {}
    for figure in catalogue.figures():
        if figure.entry.path.parent != year_dir:
            continue
        if figure.spec.unit not in ("count", "money") or figure.value is None:
            continue
        if isinstance(figure.value, bool) or not isinstance(figure.value, int | Decimal):
            continue
        if figure.address in catalogue.formulas:  # worked out from its parts, never typed
            continue
        positions.setdefault(figure.entry.path, []).append((figure.line, figure.column))
    return positions


def _scale_text(text: str, places: list[tuple[int, int]], k: int) -> str:
    if k == 1 or not places:
        return text
    lines = text.splitlines(keepends=True)
    # Right to left within a line, so earlier columns stay where the loader found them.
    for line, column in sorted(places, key=lambda lc: (lc[0], -lc[1])):
        current = lines[line - 1]
        match = _NUMBER.match(current, column - 1)
        if match is None:
            raise ValueError(f"no number at line {line}, column {column}: {current!r}")
        scaled = str(Decimal(match.group(0).replace("_", "")) * k)
        lines[line - 1] = current[: match.start()] + scaled + current[match.end() :]
    return "".join(lines)


def _dataset_id(text: str) -> str | None:
    match = re.search(r"^id:\s*['\"]?([A-Za-z0-9_-]+)", text, re.MULTILINE)
    return match.group(1) if match else None


def board_prefix(board: int) -> str:
    """The first board keeps the shipped ids; the others' dataset ids start ``bNN-``."""
    return "" if board == 0 else f"{board_label(board)}-"


def _rebrand(text: str, prefix: str, ids: set[str], keep_conf_rules: bool) -> str:
    """Give a data file its board: the prefix on its id and on the ids its rules name.

    Rules of ``conf/rules.yaml`` are checked for the first board's current year only, so the
    discrepancy register of every other board-year drops the entries that record them.
    """
    if not prefix and keep_conf_rules:
        return text
    if prefix:
        # Data prose refers to figures as pages do: the board's figures, not the first board's.
        text = _rewrite_figs(text, None, prefix, ids)
    from io import StringIO  # noqa: PLC0415

    from ruamel.yaml import YAML  # noqa: PLC0415

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    data = yaml.load(text)

    def address(value: str) -> str:
        return _rewrite_address(value, None, prefix, ids)

    if prefix:
        data["id"] = prefix + str(data["id"])
        for rule in data.get("rules") or []:
            for key, value in list(rule.items()):
                if key in ("id", "kind", "note", "reading", "direction", "tolerance"):
                    continue
                if isinstance(value, str):
                    rule[key] = address(value)
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, str):
                            value[i] = address(item)
    items = data.get("discrepancies")
    if items is not None:
        kept = [
            item
            for item in items
            if keep_conf_rules or not str(item.get("rule", "")).startswith("rules/")
        ]
        for item in kept:
            rule = str(item.get("rule", ""))
            if not rule.startswith("rules/"):
                item["rule"] = address(rule)
        data["discrepancies"] = kept
    out = StringIO()
    yaml.dump(data, out)
    dumped = out.getvalue()
    if text.startswith("#") and not dumped.startswith("#"):
        dumped = text.splitlines()[0] + "\n" + dumped
    return dumped


# -- pages -----------------------------------------------------------------------------------


def _rewrite_address(address: str, year: str | None, prefix: str, ids: set[str]) -> str:
    """Give an address its board (a prefix on the dataset id) and, unless *year* is None, its year."""
    given, sep, rest = address.partition(":")
    if not sep:
        given, rest = "", address
    head = re.match(r"[A-Za-z0-9_-]+", rest)
    if head and head.group(0) in ids and prefix:
        rest = prefix + rest
    if given:
        return f"{given}:{rest}"
    return f"{year}:{rest}" if year else rest


def _rewrite_figs(text: str, year: str | None, prefix: str, ids: set[str]) -> str:
    def fig(match: re.Match[str]) -> str:
        return f"{{fig}}`{_rewrite_address(match.group(1).strip(), year, prefix, ids)}`"

    return _FIG_ROLE.sub(fig, text)


def _rewrite_page(text: str, year: str | None, prefix: str, ids: set[str]) -> str:
    text = _rewrite_figs(text, year, prefix, ids)
    out = []
    for line in text.splitlines(keepends=True):
        match = _DATA_DIRECTIVE.match(line.rstrip("\n"))
        if match:
            name = re.search(r"\{(data-[a-z-]+)\}", match.group(1))
            assert name is not None
            if name.group(1) in YEAR_ARGUMENT:
                line = line.replace(match.group(2), year or match.group(2), 1)
            else:
                args = [
                    _rewrite_address(a, None if name.group(1) in NO_YEAR else year, prefix, ids)
                    for a in match.group(2).split()
                ]
                end = "\n" if line.endswith("\n") else ""
                line = f"{match.group(1)}{' '.join(args)}{match.group(3)}{end}"
        out.append(line)
    return "".join(out)


def _relink(text: str, old_doc: str, new_doc: str, doc_map: dict[str, str]) -> str:
    """Point links of a page moved from *old_doc* to *new_doc* at where their targets now are."""
    old_dir = posixpath.dirname(old_doc)
    new_dir = posixpath.dirname(new_doc)

    def target(relative: str, suffix: str) -> str | None:
        if relative.startswith("/"):
            docname = relative.lstrip("/")
        else:
            docname = posixpath.normpath(posixpath.join(old_dir, relative))
        docname = docname.removesuffix(suffix)
        moved = doc_map.get(docname)
        if moved is None or (moved == docname and old_doc == new_doc):
            return None
        return posixpath.relpath(moved, new_dir or ".") + suffix

    def md_link(match: re.Match[str]) -> str:
        new = target(match.group(1), ".md")
        return match.group(0) if new is None else f"]({new}{match.group(2) or ''})"

    def doc_role(match: re.Match[str]) -> str:
        new = target(match.group(2), "")
        if new is None:
            return match.group(0)
        return f"{{doc}}`{match.group(1) or ''}{new}{match.group(3) or ''}`"

    text = _MD_LINK.sub(md_link, text)
    text = _DOC_ROLE.sub(doc_role, text)
    out = []
    for line in text.splitlines(keepends=True):
        match = _LINK_OPTION.match(line.rstrip("\n"))
        if match and "://" not in match.group(2):
            new = target(match.group(2), "")
            if new is not None:
                line = f"{match.group(1)}{new}\n"
        out.append(line)
    return "".join(out)


def _toctrees(text: str) -> list[re.Match[str]]:
    return list(_TOCTREE.finditer(text))


def _report_folders(index: str) -> list[str]:
    """The folders of the report's sections: those the home page's first contents tree lists."""
    trees = _toctrees(index)
    if not trees:
        return []
    folders = []
    for line in trees[0].group(0).splitlines()[1:-1]:
        line = line.strip()
        if line and not line.startswith(":") and "/" in line:
            folders.append(line.split("/")[0])
    return folders


def _year_index(text: str, title: str, report: set[str]) -> str:
    """The shipped home page as a board-year's index: its own title, only its first contents
    tree, and in it only the report's sections."""
    trees = _toctrees(text)
    for tree in reversed(trees[1:]):
        text = text[: tree.start()] + text[tree.end() :]
    if trees:
        tree = trees[0]
        lines = [
            line
            for line in tree.group(0).splitlines()
            if "/" not in line or line.strip().split("/")[0] in report
        ]
        text = text[: tree.start()] + "\n".join(lines) + text[tree.end() :]
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("# "):
            lines[i] = f"# {title}\n"
            break
    return "".join(lines)


def _root_index(text: str, boards_toc: str, skipped: set[str]) -> str:
    """The shipped home page as the site's: the boards instead of the report's sections."""
    trees = _toctrees(text)
    if not trees:
        return text + f"\n```{{toctree}}\n:maxdepth: 2\n:caption: Boards\n\n{boards_toc}\n```\n"
    pieces = []
    last = 0
    for number, tree in enumerate(trees):
        pieces.append(text[last : tree.start()])
        if number == 0:
            pieces.append(f"```{{toctree}}\n:maxdepth: 2\n:caption: Boards\n\n{boards_toc}\n```")
        else:
            lines = [
                line
                for line in tree.group(0).splitlines()
                if line.strip().split("/")[0] not in skipped
            ]
            if any(line.strip() and not line.startswith((":", "`")) for line in lines):
                pieces.append("\n".join(lines))
        last = tree.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _front_matter(text: str) -> str:
    """The shipped home page's front matter (owner, review dates, topics), for generated pages."""
    match = re.match(r"---\n.*?\n---\n", text, re.DOTALL)
    return match.group(0) + "\n" if match else ""


def _copy_exceptions(
    source: Path, dest: Path, shipped_year: str, labels: list[str], boards: int
) -> None:
    """Give every copy of a data file the approvals of ``conf/disclosure-exceptions.toml`` that
    its original has, so that a copy published in full is approved as the original is."""
    path = source / "conf" / "disclosure-exceptions.toml"
    if not path.is_file():
        return
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("exception", [])
    lines: list[str] = []
    for entry in entries:
        file = str(entry.get("file", ""))
        folder, _, name = file.rpartition("/")
        if folder != f"data/{shipped_year}":
            continue
        for label in labels:
            for b in range(boards):
                copy = f"data/{label}/{board_prefix(b)}{name}"
                if copy == file:
                    continue
                lines.append("\n[[exception]]")
                lines.append(f"file = {json.dumps(copy)}")
                for key in ("switch", "reason", "decided"):
                    if key in entry:
                        lines.append(f"{key} = {json.dumps(str(entry[key]))}")
    if lines:
        with (dest / "conf" / "disclosure-exceptions.toml").open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")


def _doc(path: Path, docs: Path) -> str:
    return path.relative_to(docs).with_suffix("").as_posix()


def generate(boards: int, years: int, dest: Path, source: Path = ROOT) -> Shape:
    """Write a knowledge base of *boards* × *years* reports, made from *source*'s, into *dest*."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(source / "conf", dest / "conf")
    settings = (source / "conf" / "lscb.toml").read_text(encoding="utf-8")
    current = re.search(r'^current\s*=\s*"([^"]+)"', settings, re.MULTILINE)
    if current is None:
        raise SystemExit("conf/lscb.toml names no current year")
    shipped_year = current.group(1)
    year_dir = source / "data" / shipped_year
    labels = year_labels(shipped_year, years)

    # Data: files that span years once; the shipped year's files per board and year.
    (dest / "data").mkdir()
    for path in (source / "data").iterdir():
        if path.is_file():
            shutil.copy2(path, dest / "data" / path.name)
    positions = _positions_to_scale(year_dir, source)
    year_files = sorted(year_dir.glob("*.y*ml"))
    ids = {_dataset_id(path.read_text(encoding="utf-8")) for path in year_files} - {None}
    data_files = 0
    board_years: list[str] = []
    for y, label in enumerate(labels):
        folder = dest / "data" / label
        folder.mkdir()
        for b in range(boards):
            prefix = board_prefix(b)
            board_years.append(f"{board_label(b)}-{label}")
            k = factor(b, y)
            keep_conf_rules = b == 0 and label == shipped_year
            for path in year_files:
                text = _scale_text(path.read_text(encoding="utf-8"), positions.get(path, []), k)
                text = _rebrand(text, prefix, ids, keep_conf_rules)  # type: ignore[arg-type]
                (folder / f"{prefix}{path.name}").write_text(text, encoding="utf-8")
                data_files += 1
    _copy_exceptions(source, dest, shipped_year, labels, boards)

    # Pages.
    docs = source / "docs"
    index_text = (docs / "index.md").read_text(encoding="utf-8")
    # A folder of the report's contents tree is the report's unless it holds a folder per year
    # (such as years/2009-10/): those pages are about every board's year and exist once.
    listed = _report_folders(index_text)
    report = {
        f
        for f in listed
        if not any(d.is_dir() and YEAR_FOLDER.match(d.name) for d in (docs / f).iterdir())
    }
    shared_entries = [f"{f}/index" for f in listed if f not in report]
    pages = sorted(docs.rglob("*.md"))
    per_report = [p for p in pages if p.relative_to(docs).parts[0] in report]
    once = [
        p
        for p in pages
        if p.relative_to(docs).parts[0] not in report | SKIP_FOLDERS and p != docs / "index.md"
    ]
    out_docs = dest / "docs"
    out_docs.mkdir()
    for sub in docs.iterdir():  # images and other files next to the pages
        if sub.is_dir() and sub.name.startswith("_"):
            shutil.copytree(sub, out_docs / sub.name)
    first = f"{board_label(0)}/{shipped_year}"
    count = 0
    for b in range(boards):
        board = board_label(b)
        prefix = board_prefix(b)
        for label in labels:
            where = f"{board}/{label}"
            doc_map = {_doc(p, docs): _doc(p, docs) for p in once}
            for p in [*per_report, docs / "index.md"]:
                doc_map[_doc(p, docs)] = f"{where}/{_doc(p, docs)}"
            for p in [*per_report, docs / "index.md"]:
                rel = _doc(p, docs)
                text = p.read_text(encoding="utf-8")
                if rel == "index":
                    text = _year_index(text, f"Board {board[1:]}: the {label} report", report)
                text = _relink(_rewrite_page(text, label, prefix, ids), rel, doc_map[rel], doc_map)
                target = out_docs / f"{doc_map[rel]}.md"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
                count += 1
            for extra in (p for p in docs.rglob("*") if p.is_file() and p.suffix != ".md"):
                if extra.relative_to(docs).parts[0] in report:
                    copy = out_docs / where / extra.relative_to(docs)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(extra, copy)
        years_toc = "\n".join(f"{label}/index" for label in labels)
        (out_docs / board / "index.md").write_text(
            f"{_front_matter(index_text)}# Board {board[1:]}\n\nThe annual reports of board {board[1:]}, by year.\n\n"
            f"```{{toctree}}\n:maxdepth: 1\n\n{years_toc}\n```\n",
            encoding="utf-8",
        )
        count += 1

    # Pages that exist once: their links to the report point at the first board's shipped year;
    # a folder named after the shipped year (such as years/2009-10/) is made for every year.
    once_map = {_doc(p, docs): f"{first}/{_doc(p, docs)}" for p in [*per_report, docs / "index.md"]}
    once_map.update({_doc(p, docs): _doc(p, docs) for p in once})
    for p in once:
        rel = _doc(p, docs)
        text = _relink(p.read_text(encoding="utf-8"), rel, rel, once_map)
        parts = p.relative_to(docs).parts
        if shipped_year in parts[:-1]:
            for label in labels:
                copy = out_docs / Path(*(label if part == shipped_year else part for part in parts))
                copy.parent.mkdir(parents=True, exist_ok=True)
                year_text = _for_year(text, shipped_year, label)
                if copy.stem == "index" and _YEAR_BLOCK.search(year_text):
                    pages = _board_year_pages(year_text, boards, sorted(ids))  # type: ignore[arg-type]
                    for name, page_text in pages.items():
                        (copy.parent / f"{name}.md").write_text(page_text, encoding="utf-8")
                    count += len(pages) - 1
                    year_text = pages.pop(copy.stem)
                copy.write_text(year_text, encoding="utf-8")
                count += 1
        else:
            (out_docs / p.relative_to(docs)).parent.mkdir(parents=True, exist_ok=True)
            (out_docs / p.relative_to(docs)).write_text(text, encoding="utf-8")
            count += 1
    boards_toc = "\n".join(f"{board_label(b)}/index" for b in range(boards))
    root = _relink(index_text, "index", "index", once_map)
    (out_docs / "index.md").write_text(
        _root_index(root, "\n".join([boards_toc, *shared_entries]), SKIP_FOLDERS),
        encoding="utf-8",
    )
    count += 1
    return Shape(boards, years, board_years, count, data_files)


_YEAR_BLOCK = re.compile(r"^(`{3,}|:{3,})\{data-year\}[ \t]+\S+[ \t]*\n.*?^\1[ \t]*$", re.M | re.S)


def _board_year_pages(text: str, boards: int, ids: list[str]) -> dict[str, str]:
    """A year's data page (one ``data-year`` block) as one page per board, as a site holding
    many boards' reports would have it: each shows one report's data files, with
    ``:datasets:``, and the year's page (``index``) lists them instead of every board's data."""
    block = _YEAR_BLOCK.search(text)
    assert block is not None
    fence, directive = block.group(1), block.group(0).splitlines()[0]
    heading = re.search(r"^# (.+)$", text, re.M)
    title = heading.group(1) if heading else "Data"
    pages = {}
    names = []
    for b in range(boards):
        name = board_label(b)
        names.append(name)
        datasets = " ".join(f"{board_prefix(b)}{i}" for i in ids)
        page = (
            text[: block.start()]
            + f"{directive}\n:datasets: {datasets}\n{fence}"
            + text[block.end() :]
        )
        pages[name] = re.sub(
            r"^# .+$",
            f"# Board {name[1:]}: {title[0].lower()}{title[1:]}",
            page,
            count=1,
            flags=re.M,
        )
    toc = "\n".join(names)
    pages["index"] = (
        text[: block.start()] + f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```" + text[block.end() :]
    )
    return pages


def _for_year(text: str, shipped: str, label: str) -> str:
    """A page about the shipped year, made about *label* (``2009-10`` and ``2009/10``)."""
    return text.replace(shipped, label).replace(
        f"{shipped[:4]}/{shipped[5:]}", f"{label[:4]}/{label[5:]}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--boards", type=int, default=2)
    parser.add_argument("--years", type=int, default=1)
    args = parser.parse_args(argv)
    shape = generate(args.boards, args.years, args.dest)
    print(
        f"{args.dest}: {shape.boards} boards × {shape.years} years, {shape.pages} pages, "
        f"{shape.data_files} data files"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
