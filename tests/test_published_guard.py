"""The personal data guard reads what is published: obfuscated identifiers never get through.

Hypothesis makes identifiers (valid NHS numbers, UK telephone numbers, full postcodes, email
addresses) and writes them the ways an editor could hide them from a scan of source lines:
separators of every kind, HTML entities, full-width look-alike digits, zero-width characters
would be refused outright, so here it uses what survives into the page: non-breaking spaces,
line breaks inside the number, and YAML escapes in a data file. Each is put in a page and in a
data file's text cell of a small project, which is then built: the build must report each one
at the file and line where it was typed, and the written site is what the guard read.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lscb_kb.checks.personal import nhs_check_digit_ok
from lscb_kb.checks.site import personal_data_problems

from .conftest import REPO, ROOTS, Built, Project

PAGE = "docs/plain.md"
DATA = "data/2009-10/budget.yaml"


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    while True:
        digits = "".join(str(draw(st.integers(0, 9))) for _ in range(9))
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            number = digits + str(check)
            assert nhs_check_digit_ok(number)
            return number


phones = st.builds(
    lambda area, rest: f"0{area}{rest}",
    st.sampled_from(["20", "1375", "1708", "7700"]),
    st.integers(100000, 999999).map(str),
).filter(lambda n: len(n) in (10, 11))
postcodes = st.sampled_from(["RM17 6SL", "RM20 3AB", "SS17 0PT", "CM13 1AA"])
emails = st.builds(
    lambda user, host: f"{user}@{host}.org.uk",
    st.from_regex(r"[a-z]{3,8}", fullmatch=True),
    st.from_regex(r"[a-z]{3,8}", fullmatch=True),
)


def _spread(value: str, separators: list[str]) -> str:
    """*value* with a separator after each of its first characters (digits stay in order)."""
    out = []
    for index, char in enumerate(value):
        out.append(char)
        if index < len(separators) and char.isdigit():
            out.append(separators[index])
    return "".join(out)


separators = st.lists(st.sampled_from(["", " ", "-", ".", "\u00a0", "\u2009", " - "]), max_size=10)


@st.composite
def hidden(draw: st.DrawFn) -> tuple[str, str]:
    """An identifier, and how it is written in a page (Markdown: entities allowed)."""
    kind = draw(st.sampled_from(["nhs", "phone", "postcode", "email"]))
    if kind == "nhs":
        value = _spread(draw(nhs_numbers()), draw(separators))
    elif kind == "phone":
        number = draw(phones)
        if draw(st.booleans()):
            number = "+44" + number[1:]  # the international form drops the leading 0
        value = _spread(number, draw(separators))
    elif kind == "postcode":
        value = draw(postcodes)
        value = value.replace(" ", draw(st.sampled_from([" ", "", "  ", "\u00a0"])))
    else:
        value = draw(emails)
        value = value.replace("@", draw(st.sampled_from(["@", "&#64;", "&#x40;", "&commat;"])))
    if kind != "email" and draw(st.booleans()):  # full-width look-alike digits
        value = "".join(
            chr(ord(c) + 0xFEE0) if c.isdigit() and draw(st.booleans()) else c for c in value
        )
    return kind, value


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("guard") / "basic"
    shutil.copytree(ROOTS / "basic", root)
    shutil.copy(REPO / "conf" / "safety.toml", root / "conf" / "safety.toml")
    return root


@settings(
    max_examples=12,
    deadline=None,
    # Each example is a build: report the first failing one as found, without shrinking it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(page=hidden(), cell=hidden())
def test_obfuscated_identifiers_never_pass_the_published_guard(
    base: Path,
    tmp_path_factory: pytest.TempPathFactory,
    page: tuple[str, str],
    cell: tuple[str, str],
) -> None:
    root = tmp_path_factory.mktemp("case") / "basic"
    shutil.copytree(base, root)
    project = Project(root)
    project.write(PAGE, f"# Plain\n\nWrite to\n{page[1]} today.\n")
    # In the data file the value is a YAML double-quoted string: \u escapes for every
    # character that is not plain ASCII, so the source line holds no identifier at all.
    project.edit(DATA, "item: Employees", f"item: {json.dumps(cell[1].replace('&#64;', '@'))}")
    result = project.build(fresh=True)
    personal = [line for line in result.warnings.splitlines() if line.endswith("[lscb.personal]")]
    assert any(line.startswith(f"{PAGE}:") for line in personal), (page, result.warnings)
    assert any(line.startswith(f"{DATA}:") for line in personal), (cell, result.warnings)
    # What the build wrote is what the guard read: the pages, the downloads, the charts.
    problems = personal_data_problems(project.out, root, root / "docs")
    found = {Path(p.file).resolve() for p in problems}
    assert {root / PAGE, root / DATA} <= found, problems


def test_a_clean_site_publishes_no_personal_data(built_root: Callable[[str], Built]) -> None:
    project, _result = built_root("basic")
    assert personal_data_problems(project.out, project.root, project.root / "docs") == []


@pytest.mark.xdist_group("shipped-site")
def test_one_reading_of_a_written_page_gives_what_the_two_checks_read(shipped_site: Built) -> None:
    """The build reads each written page once for the link and script checks and the
    personal data guard: the same findings and the same text as two readings."""
    from lscb_kb.checks.site import _Reader, read_written, visible_text  # noqa: PLC0415
    from lscb_kb.core.policy import load_policy  # noqa: PLC0415

    site, _result = shipped_site
    policy = load_policy(site.root)
    samples = [
        '<p onclick="x()">a &amp; b<script>alert(1)</script><img alt="Ring 07700 900123"></p>',
        '<svg><a href="javascript:x()"><text>4 children</text></a><style>p{}</style></svg>',
    ]
    pages = [p for p in site.out.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 50
    for text in [*samples, *(p.read_text("utf-8") for p in pages)]:
        reader = _Reader(policy)
        reader.script_is_data = False
        reader.feed(text)
        reader.close()
        assert read_written(text, policy) == (reader.found, visible_text(text))
    assert read_written(samples[0], policy)[0], "the sample has findings"
