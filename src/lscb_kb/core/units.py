"""Units: what a value of each unit may be, and how it is written on the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .models import Cell, Unit


@dataclass(frozen=True)
class UnitSpec:
    """A unit with its options: a rate's denominator, money's pence."""

    unit: Unit
    per: int | None = None
    pence: bool = False

    @property
    def numeric(self) -> bool:
        return self.unit in ("count", "percent", "money", "rate")

    @property
    def symbol(self) -> str:
        """How a column heading names the unit."""
        return {
            "count": "number",
            "percent": "%",
            "money": "£",
            "rate": f"per {self.per:,}" if self.per else "rate",
            "text": "",
            "date": "date",
        }[self.unit]


def _shown(value: Cell) -> str:
    if isinstance(value, str):
        return repr(value)
    return str(value)


def check_value(value: Cell, spec: UnitSpec) -> str | None:
    """Why *value* is not valid for *spec*, or ``None`` if it is. A blank (``None``) is valid."""
    if value is None:
        return None
    unit = spec.unit
    if unit == "text":
        if not isinstance(value, str):
            return f"must be text, got {_shown(value)}; put it in quotes if it is meant as text"
        return None
    if unit == "date":
        if not isinstance(value, dt.date):
            return f"must be a date written as YYYY-MM-DD, got {_shown(value)}"
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        what = {
            "count": "a whole number of at least 0",
            "percent": "a percentage from 0 to 100, without the % sign",
            "money": (
                "an amount in pounds and pence, without £ or commas"
                if spec.pence
                else "a whole number of pounds, without £ or commas"
            ),
            "rate": f"a rate per {spec.per:,}, as a number" if spec.per else "a number",
        }[unit]
        return f"must be {what}, got {_shown(value)}"
    number = Decimal(value)
    if unit == "count":
        if number != number.to_integral_value() or isinstance(value, Decimal):
            return f"must be a whole number of at least 0, got {_shown(value)}"
        if number < 0:
            return f"must be a whole number of at least 0, got {_shown(value)}"
    elif unit == "percent":
        if not Decimal(0) <= number <= Decimal(100):
            return f"must be a percentage from 0 to 100, got {_shown(value)}"
    elif unit == "money":
        if number < 0:
            return f"must be an amount of at least £0, got {_shown(value)}"
        if spec.pence:
            if number != number.quantize(Decimal("0.01")):
                return (
                    f"must be in pounds and pence (at most 2 decimal places), got {_shown(value)}"
                )
        elif number != number.to_integral_value():
            return (
                f"must be a whole number of pounds, got {_shown(value)}; "
                f"set 'pence: true' on the column if pence are meant"
            )
    elif unit == "rate" and number < 0:
        return f"must be a rate of at least 0, got {_shown(value)}"
    return None


def day_text(day: dt.date) -> str:
    """A day as the site writes one: ``1 December 2026``."""
    return f"{day.day} {day:%B %Y}"


def format_value(value: Cell, spec: UnitSpec) -> str:
    """Write *value* as the page shows it: ``£81,751``, ``73.5%``, ``85.5 per 1,000``."""
    if value is None:
        return "–"
    unit = spec.unit
    if unit == "text":
        return str(value)
    if unit == "date":
        assert isinstance(value, dt.date)
        return day_text(value)
    assert isinstance(value, int | Decimal)
    number = Decimal(int(value)) if isinstance(value, bool) else Decimal(value)
    if unit == "money":
        if spec.pence:
            return f"£{number.quantize(Decimal('0.01')):,}"
        return f"£{number:,}"
    text = f"{number:,}"
    if unit == "percent":
        return f"{text}%"
    if unit == "rate":
        return f"{text} per {spec.per:,}" if spec.per else text
    return text
