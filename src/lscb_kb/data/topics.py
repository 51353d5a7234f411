"""The controlled list of topics (``conf/topics.yaml``), and which data name which topics.

Every page, data file and register record names its topics by key. A key that is not in the
list is a problem at the line that names it, with the nearest known key as a hint.
"""

from __future__ import annotations

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
