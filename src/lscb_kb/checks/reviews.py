"""Who owns each page, when it was last reviewed and when its next review is due.

Every MyST page under ``docs/`` names these in its front matter::

    ---
    owner: Thurrock LSCB business manager
    reviewed: 2026-11-27
    review-due: 2027-11-27
    ---

``lscb-kb review`` lists the pages due or overdue, ``lscb-kb check`` reports a missing or
malformed field at the page's ``file:line``, and the Sphinx build shows the fields on each page
and writes them to ``pages.json``. Whether the fields are required, and how far ahead a review
counts as due, are set in the ``[reviews]`` table of ``conf/lscb.toml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..core.problems import LscbError, Problem, display_path
from ..core.settings import Limits, load_settings
from ..core.yamlload import parse_yaml, size_problem

OWNER, REVIEWED, DUE = "owner", "reviewed", "review-due"
FIELDS = (OWNER, REVIEWED, DUE)
EXAMPLE = {
    OWNER: "Thurrock LSCB business manager",
    REVIEWED: "2026-11-27",
    DUE: "2027-11-27",
}
"""How each field is written, for the hint in a problem."""

Status = Literal["overdue", "due", "current"]

_FENCE = re.compile(r"^---\s*$")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class ReviewSettings:
    """The ``[reviews]`` table of ``conf/lscb.toml``."""

    required: bool = False
    """Every page must name its owner, last review and next review."""
    due_within_days: int = 30
    """A page whose review falls within this many days counts as due."""
    limits: Limits = field(default_factory=Limits)
    """The limits on reading a file (``[limits]``), which the front matter is read under."""


def review_settings(root: Path) -> ReviewSettings:
    """``[reviews]`` of ``conf/lscb.toml`` under *root*, as :func:`load_settings` reads it
    (the one reader of that file, which reports its mistakes); defaults if it can't be read."""
    try:
        settings = load_settings(root)
    except LscbError:
        return ReviewSettings()  # the check and the build report an unreadable file
    return ReviewSettings(
        required=settings.reviews_required,
        due_within_days=settings.review_due_within_days,
        limits=settings.limits,
    )


@dataclass(frozen=True)
class FrontMatter:
    """The YAML front matter of one page, with the line in the page of each key."""

    file: str
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    present: bool = False
    """Whether the page has a front matter block at all."""
    title: str | None = None
    """The page's first level-1 heading, if it has one."""


def read_front_matter(
    path: Path, limits: Limits | None = None
) -> tuple[FrontMatter, list[Problem]]:
    """Read a page's front matter (the YAML between ``---`` lines at its top).

    The front matter is read by the data files' loader, under the same *limits*; a page
    bigger than the limit on a file is not read at all.
    """
    shown = display_path(path)
    limits = limits or Limits()
    too_big = size_problem(path, shown, limits)
    if too_big is not None:
        return FrontMatter(shown), [replace(too_big, rule="review")]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return FrontMatter(shown), [Problem(shown, 1, 0, "", f"can not be read: {err}", "review")]
    lines = text.splitlines()
    title = next((m.group(1) for m in map(_HEADING.match, lines) if m), None)
    if not lines or not _FENCE.match(lines[0]):
        return FrontMatter(shown, title=title), []
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        return FrontMatter(shown, present=True, title=title), [
            Problem(
                shown, 1, 1, "", "front matter is not closed; end it with a line '---'", "review"
            )
        ]
    try:
        located = parse_yaml("\n".join(lines[1:end]), shown, first_line=2, limits=limits)
    except LscbError as err:
        problems = []
        for found in err.problems:
            if found.rule == "syntax":
                message = found.message.removeprefix("not valid YAML: ")
                message = f"front matter is not valid YAML: {message}"
            else:  # a limit, or a date that does not exist
                message = f"in the front matter, {found.message}"
            problems.append(
                Problem(shown, found.line, found.column, found.where, message, "review")
            )
        return FrontMatter(shown, present=True, title=title), problems
    data = located.value
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return FrontMatter(shown, present=True, title=title), [
            Problem(shown, 2, 1, "", "front matter must be a list of 'key: value' lines", "review")
        ]
    key_lines = {key: located.keys[(key,)][0] for key in data}
    return FrontMatter(shown, dict(data), key_lines, present=True, title=title), []


@dataclass(frozen=True)
class PageReview:
    """One page's owner, last review and next review."""

    page: str
    """The page's name, as Sphinx knows it: ``context/index``."""
    file: str
    line: int
    """The line of the ``review-due`` field."""
    owner: str
    reviewed: dt.date
    due: dt.date
    title: str | None = None

    def status(self, today: dt.date, within_days: int = 30) -> Status:
        """``overdue`` after the due date, ``due`` within *within_days* of it, else ``current``."""
        if today > self.due:
            return "overdue"
        if (self.due - today).days <= within_days:
            return "due"
        return "current"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "page": self.page,
            "title": self.title,
            "owner": self.owner,
            "reviewed": self.reviewed.isoformat(),
            "review_due": self.due.isoformat(),
            "source": self.file,
        }


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def review_of(
    front: FrontMatter, page: str, *, required: bool = True
) -> tuple[PageReview | None, list[Problem]]:
    """The review fields of a page, or the problems that stop them being read."""
    named = [name for name in FIELDS if name in front.values]
    if not named and not required:
        return None, []
    problems: list[Problem] = []
    if not front.present:
        lines = "\n".join(f"{name}: {EXAMPLE[name]}" for name in FIELDS)
        hint = lines.replace("\n", ", ")
        return None, [
            Problem(
                front.file,
                1,
                0,
                "",
                "the page has no front matter naming its owner, last review and next review; "
                f"start the page with '---', then {hint}, then '---'",
                "review",
            )
        ]
    last_line = max(front.lines.values(), default=1)
    for name in FIELDS:
        if name not in front.values:
            problems.append(
                Problem(
                    front.file,
                    last_line,
                    0,
                    name,
                    f"the front matter has no '{name}'; add a line such as "
                    f"'{name}: {EXAMPLE[name]}'",
                    "review",
                )
            )
    owner = front.values.get(OWNER)
    if OWNER in front.values and (not isinstance(owner, str) or not owner.strip()):
        problems.append(
            Problem(
                front.file,
                front.lines[OWNER],
                0,
                OWNER,
                f"must name who keeps the page up to date, such as '{EXAMPLE[OWNER]}', "
                f"got {owner!r}",
                "review",
            )
        )
    dates: dict[str, dt.date] = {}
    for name in (REVIEWED, DUE):
        if name not in front.values:
            continue
        value = front.values[name]
        parsed = _date(value)
        if parsed is None:
            shown = value.isoformat() if isinstance(value, dt.date) else value
            problems.append(
                Problem(
                    front.file,
                    front.lines[name],
                    0,
                    name,
                    f"must be a date written YYYY-MM-DD, such as {EXAMPLE[name]}, got {shown!r}",
                    "review",
                )
            )
        else:
            dates[name] = parsed
    if len(dates) == 2 and dates[DUE] <= dates[REVIEWED]:
        problems.append(
            Problem(
                front.file,
                front.lines[DUE],
                0,
                DUE,
                f"the next review ({dates[DUE].isoformat()}) must come after the last review "
                f"({dates[REVIEWED].isoformat()})",
                "review",
            )
        )
    if problems:
        return None, problems
    assert isinstance(owner, str)
    return (
        PageReview(
            page=page,
            file=front.file,
            line=front.lines[DUE],
            owner=owner.strip(),
            reviewed=dates[REVIEWED],
            due=dates[DUE],
            title=front.title,
        ),
        [],
    )


def page_name(docs: Path, path: Path) -> str:
    """A page's name as Sphinx knows it: its path under ``docs/`` without the suffix."""
    return path.relative_to(docs).with_suffix("").as_posix()


def read_reviews(
    docs: Path, *, required: bool = True, limits: Limits | None = None
) -> tuple[list[PageReview], list[Problem]]:
    """The review fields of every page under *docs*, and every problem found reading them."""
    reviews: list[PageReview] = []
    problems: list[Problem] = []
    for path in sorted(docs.rglob("*.md")):
        front, found = read_front_matter(path, limits)
        problems.extend(found)
        if found:
            continue
        review, found = review_of(front, page_name(docs, path), required=required)
        problems.extend(found)
        if review is not None:
            reviews.append(review)
    return reviews, sorted(problems)


def due_or_overdue(
    reviews: Iterable[PageReview], today: dt.date, within_days: int = 30
) -> list[tuple[PageReview, Status]]:
    """The pages whose review is overdue or due within *within_days*, most overdue first."""
    out = [(review, review.status(today, within_days)) for review in reviews]
    return sorted(
        ((review, status) for review, status in out if status != "current"),
        key=lambda pair: (pair[0].due, pair[0].page),
    )
