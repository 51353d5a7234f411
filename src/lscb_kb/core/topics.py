"""The controlled list of topics (``conf/topics.yaml``), and which data name which topics.

Every page, data file and register record names its topics by key. A key that is not in the
list is a problem at the line that names it, with the nearest known key as a hint.

The build (:mod:`lscb_kb.sphinxext.topics`) and ``lscb-kb check`` (:mod:`lscb_kb.checks.pages`)
word every problem with topics with the functions here, so that they say the same thing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from .hygiene import suggest
from .models import Key, RegisterDataset, Text
from .problems import LscbError, PathPart, Problem, display_path
from .validate import validate_document
from .yamlload import load_yaml

if TYPE_CHECKING:
    from .catalogue import Catalogue, Entry


class Topic(BaseModel):
    """One topic: its key in front matter and data files, its label and what it covers."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: Key
    label: Text
    description: Text


class TopicsFile(BaseModel):
    """``conf/topics.yaml``: the controlled list of topics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["topics"]
    topics: list[Topic] = Field(min_length=1)


@dataclass
class Topics:
    """The topics, in the order of the file, with the problems found reading it."""

    file: str
    topics: dict[str, Topic] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    missing: bool = False

    @classmethod
    def load(cls, path: Path) -> Topics:
        """Read and check the list. Never raises for a mistake in the file."""
        shown = display_path(path)
        if not path.is_file():  # a project without topics; naming one is then the mistake
            return cls(file=shown, missing=True)
        try:
            located = load_yaml(path)
        except LscbError as err:
            return cls(file=shown, problems=list(err.problems))
        parsed, problems = validate_document(located, {"topics": TopicsFile})
        out = cls(file=located.file, problems=list(problems))
        if isinstance(parsed, TopicsFile):
            for index, topic in enumerate(parsed.topics):
                if topic.key in out.topics:
                    out.problems.append(
                        located.problem(
                            ("topics", index, "key"),
                            f"the topic '{topic.key}' is listed twice; each key once",
                            rule="reference",
                        )
                    )
                    continue
                out.topics[topic.key] = topic
        return out

    def __contains__(self, key: object) -> bool:
        return key in self.topics

    def unknown(self, key: str) -> str | None:
        """Why *key* is not a topic, with the nearest known key; ``None`` if it is one."""
        if key in self.topics:
            return None
        if self.missing:
            return f"'{key}' names a topic, but there is no list of topics: create {self.file}"
        near = suggest(key, self.topics)
        hint = f"did you mean '{near}'?" if near else f"add it to {self.file} first"
        return f"'{key}' is not a topic in {self.file}; {hint}"

    def label(self, key: str) -> str:
        topic = self.topics.get(key)
        return topic.label if topic is not None else key


def topic_problems(catalogue: Catalogue, topics: Topics) -> Iterator[Problem]:
    """Unknown topic keys in data files and register records, at the line that names them."""
    if not topics.topics:
        return
    for entry in sorted(catalogue.entries.values(), key=lambda e: str(e.path)):
        for path, key in _named_topics(entry):
            why = topics.unknown(key)
            if why is not None:
                yield entry.located.problem(path, why, rule="reference")


def _named_topics(entry: Entry) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    dataset = entry.dataset
    for index, key in enumerate(getattr(dataset, "topics", []) or []):
        yield ("topics", index), key
    if isinstance(dataset, RegisterDataset):
        for number, record in enumerate(dataset.records):
            for index, key in enumerate(record.topics):
                yield ("records", number, "topics", index), key
    for number, item in enumerate(getattr(dataset, "discrepancies", []) or []):
        for index, key in enumerate(item.topics):
            yield ("discrepancies", number, "topics", index), key


# -- pages' topics, and the words both the build and the check use -------------------------


def parse_topics(value: object) -> list[str]:
    """Front matter ``topics`` as keys: MyST hands a YAML list over as JSON text."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except ValueError:
            loaded = None
        if isinstance(loaded, list):
            return [str(v).strip() for v in loaded if str(v).strip()]
    return [part.strip() for part in text.strip("[]").split(",") if part.strip()]


def front_matter_text(value: object) -> str:
    """A front matter value as MyST hands it to Sphinx's metadata: text as it is, anything else
    (a list, a mapping) as JSON."""
    if isinstance(value, str | int | float | dt.date):
        return str(value)
    try:
        return json.dumps(value, default=str)
    except (ValueError, TypeError, RecursionError):
        return str(value)


def topic_line(lines: list[str], key: str, after: str = "topics") -> int:
    """The line of *key* in the front matter of a page (its *lines*), at or after the line
    that starts ``topics:``."""
    if not lines or lines[0].strip() != "---":
        return 1
    start = None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if start is None and line.startswith(f"{after}:"):
            start = number
        if start is not None and key in line:
            return number
    return start or 1


def front_matter_line(path: Path, key: str, after: str = "topics") -> int:
    """The line of *key* in the front matter of *path*, at or after its ``topics:`` line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return topic_line(lines, key, after)


def page_topic_message(why: str) -> str:
    """A page's front matter names a topic that is not in the list (*why*:
    :meth:`Topics.unknown`)."""
    return f"front matter topics: {why}"


def no_topics_message(topics: Topics) -> str:
    """A page names no topics, where every page must."""
    return (
        "the page declares no topics; add 'topics: [...]' to its front matter, "
        f"choosing from {topics.file}: {', '.join(topics.topics)}"
    )


def topic_page_message(why: str) -> str:
    """A ``topic-page`` directive names a topic that is not in the list."""
    return f"topic-page: {why}"


def second_topic_page_message(key: str, first: str) -> str:
    """A second page holds a ``topic-page`` for a topic that has its page (*first*)."""
    return f"topic-page: the topic '{key}' already has its page, {first}; each topic has one page"


def topic_without_page_message(key: str) -> str:
    """A site with a ``topic-index`` has no page for the topic *key*."""
    return (
        f"topic-index: the topic '{key}' has no page; add docs/topics/{key}.md "
        f"holding a topic-page directive for '{key}'"
    )
