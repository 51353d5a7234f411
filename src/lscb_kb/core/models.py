"""Typed models of the knowledge base's data files.

Pydantic checks the shape of each file (fields, types, controlled words). What depends on
one field's value to judge another (a cell against its column's unit) is checked by
:mod:`lscb_kb.core.validate`, so that each problem can point at the cell itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .hygiene import KEY_PATTERN, RECORD_ID_PATTERN

Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
"""A stable key used in figure addresses: lower-case ASCII letters and digits, in groups joined
by single hyphens (the one identifier shape of :mod:`lscb_kb.core.hygiene`, in lower case)."""

RecordId = Annotated[str, StringConstraints(pattern=RECORD_ID_PATTERN)]
"""A register record's stable id, such as ``QA-0910-07`` (the identifier shape, in capitals)."""

Text = Annotated[str, StringConstraints(min_length=1)]
Prose = Text | list[Text]
"""A sentence or paragraph, or a list of them shown as bullet points."""

Unit = Literal["count", "percent", "money", "rate", "text", "date"]
Status = Literal["open", "in-progress", "done", "no-action", "carried-forward"]
Cell = bool | int | Decimal | dt.date | str | None

STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "in-progress": "In progress",
    "done": "Done",
    "no-action": "No action needed",
    "carried-forward": "Carried forward",
}

RESERVED_ROW_KEYS = ("key", "unit", "per")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Column(_Model):
    """A column of a table: its key in addresses, its heading, and the unit of its cells."""

    key: Key
    label: Text
    unit: Unit
    per: int | None = Field(default=None, gt=0, description="For a rate: per how many (1000).")
    pence: bool = Field(default=False, description="For money: show pounds and pence.")
    description: Text | None = None

    @model_validator(mode="after")
    def _unit_options(self) -> Column:
        if self.unit == "rate" and self.per is None:
            raise ValueError("a rate column needs 'per', such as 'per: 1000'")
        if self.per is not None and self.unit != "rate":
            raise ValueError("'per' belongs only to a column whose unit is 'rate'")
        if self.pence and self.unit != "money":
            raise ValueError("'pence' belongs only to a column whose unit is 'money'")
        return self


class Table(_Model):
    """One table: declared columns, rows keyed by ``key``, and an optional declared total."""

    title: Text
    columns: list[Column] = Field(min_length=1)
    rows: list[dict[str, Cell]] = Field(min_length=1)
    total: dict[str, Cell] | None = Field(
        default=None, description="The total row as the report prints it."
    )
    total_column: Key | None = Field(
        default=None, description="The key of a column that totals the other count columns."
    )
    source: Text | None = None
    section: Text | None = None
    period: Text | None = None
    notes: Prose | None = None
    not_reported: dict[Text, Text] = Field(
        default_factory=dict,
        description=(
            "Why a figure is blank: '<row>/<column>' of each cell written as null, and the "
            "reason the site shows for it ('The report gives no England figure')."
        ),
    )

    @property
    def every_row(self) -> list[dict[str, Cell]]:
        """The rows, then the total row if there is one: the order of every figure's index."""
        return [*self.rows, *([self.total] if self.total is not None else [])]

    @property
    def row_keys(self) -> list[str]:
        """The key of each of :attr:`every_row` (the total row's is ``total`` unless given)."""
        return [key_of(row) for row in self.every_row]


def key_of(row: dict[str, Cell]) -> str:
    """A row's key in addresses; a total row without one is ``total``."""
    return str(row.get("key", "total"))


class _Rule(_Model):
    id: Key = Field(description="Stable id; the discrepancy register names failing rules by it.")
    note: Text | None = Field(default=None, description="Why the rule holds, or which reading.")


class SumRule(_Rule):
    """The figures in ``parts`` add up to ``total`` (exactly, for counts and money)."""

    kind: Literal["sum"]
    parts: list[Text] = Field(min_length=2)
    total: Text


class SharesRule(_Rule):
    """Percentages in ``parts`` add up to 100 within the rounding their printed precision allows."""

    kind: Literal["shares"]
    parts: list[Text] = Field(min_length=2)


class ShareRule(_Rule):
    """``share`` is ``part`` as a percentage of ``whole``, at the precision it is printed with."""

    kind: Literal["share"]
    part: Text
    whole: Text
    share: Text


class ChangeRule(_Rule):
    """``change`` is the change from ``base`` to ``value``, read as per cent or as points."""

    kind: Literal["change"]
    base: Text
    value: Text
    change: Text
    reading: Literal["percent", "points"]
    direction: Literal["increase", "decrease"]


class EqualRule(_Rule):
    """The report states one figure in several places: every statement gives the same value."""

    kind: Literal["equal"]
    figures: list[Text] = Field(min_length=2)


Rule = Annotated[
    SumRule | SharesRule | ShareRule | ChangeRule | EqualRule, Field(discriminator="kind")
]


class PublishedInFull(_Model):
    """The board has already published this file's figures in full, and says why and when."""

    reason: Text = Field(description="Why the figures may be shown in full; the page states it.")
    when: int | dt.date = Field(
        description="When the board published them: a year (2010) or a date (2010-07-15)."
    )

    @field_validator("when")
    @classmethod
    def _year(cls, when: int | dt.date) -> int | dt.date:
        if isinstance(when, int) and not 1990 <= when <= 2100:
            raise ValueError(
                f"must be a year such as 2010 or a date such as 2010-07-15, got {when}"
            )
        return when


class DatasetBase(_Model):
    """What every data file says about itself."""

    id: Key
    title: Text
    period: Text
    source: Text = Field(description="A key in data/references.bib.")
    section: Text | None = Field(default=None, description="Where in the source, e.g. '3.5'.")
    notes: Prose | None = None
    topics: list[Key] = Field(default_factory=list)
    rules: list[Rule] = Field(
        default_factory=list, description="Consistency rules over figures of this year."
    )
    about_individual_children: bool | None = Field(
        default=None,
        description=(
            "Whether the counts are about individual children (deaths, allegations, cases). "
            "If true, counts from 1 to the threshold in conf/lscb.toml are hidden."
        ),
    )
    published_in_full: PublishedInFull | None = Field(
        default=None,
        description="The board has already published these figures in full: why, and when.",
    )
    not_yet_entered: bool = Field(
        default=False,
        description=(
            "The year's figures are still being entered: a null figure is shown as 'not yet "
            "entered'. Set by 'lscb-kb new-year'; remove it once every figure is entered."
        ),
    )


class TablesDataset(DatasetBase):
    """A file of one or more tables."""

    kind: Literal["tables"]
    tables: dict[Key, Table] = Field(min_length=1)


class Figure(_Model):
    """A single figure that the report states in prose."""

    value: Cell
    unit: Unit
    label: Text
    per: int | None = Field(default=None, gt=0)
    pence: bool = False
    section: Text | None = None
    source: Text | None = None
    notes: Prose | None = None
    not_reported: Text | None = Field(
        default=None,
        description="Why the value is null: the reason the site shows in its place.",
    )
    formula: Text | None = Field(
        default=None,
        description=(
            "A figure worked out from others: addresses joined by + and -, such as "
            "'budget.income/total/actual - budget.expenditure/total/actual'. The site shows "
            "the result; 'value' is what the report printed (null if it printed none), and "
            "the check compares the two."
        ),
    )


class FiguresDataset(DatasetBase):
    """A file of single figures stated in the report's prose."""

    kind: Literal["figures"]
    figures: dict[Key, Figure] = Field(min_length=1)


class StatusChange(_Model):
    """One step in a record's history."""

    period: Text
    status: Status
    note: Text | None = None


class Record(_Model):
    """A finding, action, priority or recommendation, with a stable id and a controlled status."""

    id: RecordId
    title: Text
    status: Status
    finding: Prose | None = None
    action: Prose | None = None
    owner: Text | None = None
    section: Text | None = None
    period: Text | None = None
    source: Text | None = None
    topics: list[Key] = Field(default_factory=list)
    history: list[StatusChange] = Field(default_factory=list)


class RegisterDataset(DatasetBase):
    """A register of records: priorities, findings and actions, SCR recommendations."""

    kind: Literal["register"]
    records: list[Record] = Field(min_length=1)


class Discrepancy(_Model):
    """A contradiction in the published report, found by a rule and recorded once."""

    id: RecordId
    rule: Text = Field(description="The id of the rule that finds it, as `lscb-kb check` prints.")
    title: Text
    uses: Text = Field(description="Which figure the site uses, and why.")
    reader_note: Text = Field(description="What a reader should know.")
    topics: list[Key] = Field(default_factory=list)


class DiscrepancyRegister(DatasetBase):
    """The discrepancy register: every contradiction in the report that the rules find."""

    kind: Literal["discrepancies"]
    discrepancies: list[Discrepancy] = Field(min_length=1)


class RulesFile(_Model):
    """Rules that span files, kept in ``conf/rules.yaml``."""

    kind: Literal["rules"]
    rules: list[Rule] = Field(min_length=1)


class Term(_Model):
    """A glossary entry: an acronym or term of art, defined once."""

    term: Text
    expansion: Text | None = None
    definition: Text
    aliases: list[Text] = Field(default_factory=list)
    source: Text | None = None


class GlossaryDataset(_Model):
    """The glossary, which spans reporting years."""

    kind: Literal["glossary"]
    id: Key
    title: Text
    source: Text
    terms: list[Term] = Field(min_length=1)


class Correction(_Model):
    """A figure corrected after the site published it: what was published, when, why, who."""

    figure: Text = Field(
        description="The figure's address with its year, such as "
        "'2009-10:budget.expenditure/supplies-and-services/actual'. What is right is the "
        "figure's value in its data file, typed once there."
    )
    published: Cell = Field(description="The value the site published before the correction.")
    corrected: dt.date = Field(description="The day the correction was made (YYYY-MM-DD).")
    reason: Text = Field(description="Why it was corrected, in a sentence for readers.")
    decided_by: Text = Field(description="Who decided the correction (a role, not a name).")


class ErrataRegister(_Model):
    """The corrections made to published figures, which span reporting years. Not the
    discrepancy register, which records the source's own contradictions."""

    kind: Literal["errata"]
    id: Key
    title: Text
    corrections: list[Correction] = Field(default_factory=list)


Dataset = (
    TablesDataset
    | FiguresDataset
    | RegisterDataset
    | GlossaryDataset
    | DiscrepancyRegister
    | ErrataRegister
)

MODELS: dict[str, type[BaseModel]] = {
    "tables": TablesDataset,
    "figures": FiguresDataset,
    "register": RegisterDataset,
    "glossary": GlossaryDataset,
    "discrepancies": DiscrepancyRegister,
    "errata": ErrataRegister,
}
"""The kinds of file that live in ``data/``."""

SCHEMAS: dict[str, type[BaseModel]] = {**MODELS, "rules": RulesFile}
"""Every kind of file with a JSON Schema, including ``conf/rules.yaml``."""


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema an editor uses to check a data file of this kind."""
    schema = SCHEMAS[kind].model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{kind}.schema.json"
    return schema
