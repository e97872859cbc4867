"""Shared building blocks of the visit model: the immutable base model, ids, minutes."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(
        description="Identifier: lower-case letters, digits, '-' and '_', "
        "starting with a letter or digit (max. 64).",
        examples=["herzog", "alley-of-honour"],
    ),
]

_DURATION_RE = re.compile(r"^\s*(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*(?:min|m)?)?\s*$")


def parse_minutes(value: Any) -> Any:
    """Accept 45, '45', '45min', '1h', '1h30' and '1h30m' as minutes."""
    if isinstance(value, bool):
        raise ValueError("expected minutes (e.g. 45 or '1h30'), got true/false")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = _DURATION_RE.match(value)
        if match and (match["h"] or match["m"]):
            return int(match["h"] or 0) * 60 + int(match["m"] or 0)
        raise ValueError(f"'{value}' is not a duration; write minutes (45) or hours ('1h30')")
    raise ValueError(f"expected minutes (e.g. 45 or '1h30'), got {type(value).__name__}")


Minutes = Annotated[
    int,
    BeforeValidator(parse_minutes),
    Field(ge=0, le=7 * 24 * 60, description="Minutes, or '1h30'."),
]
PositiveMinutes = Annotated[
    int,
    BeforeValidator(parse_minutes),
    Field(gt=0, le=7 * 24 * 60, description="Minutes (> 0), or '1h30'."),
]


# Dates of a visit lie within these years; beyond them date arithmetic and time-zone
# rules stop working, and a year like 0001 or 9999 is a typo anyway.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def year_problem(day: date) -> str | None:
    """Why ``day`` cannot be a date of a visit, or None."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return (
        f"the year {day.year} is not plausible for a visit ({FIRST_YEAR} to {LAST_YEAR}); "
        "fix the date"
    )


def _plausible(day: date) -> date:
    problem = year_problem(day)
    if problem:
        raise ValueError(problem)
    return day


def _not_a_number(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{value!r}" if abs(value) < 10**18 else "a number"  # never 4,300 digits
        raise ValueError(f"{shown} is not a date; write it as YYYY-MM-DD, e.g. 2023-05-30")
    return value


Day = Annotated[date, BeforeValidator(_not_a_number), AfterValidator(_plausible)]


class Frozen(BaseModel):
    """Base of every model: immutable, and unknown fields are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def did_you_mean(word: str, options: Sequence[str], cutoff: float = 0.5) -> str:
    """ "; did you mean 'X'?" for the option closest to ``word`` (the first of equally
    close ones, in the order given), or "" when none is close enough."""
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return f"; did you mean '{close[0]}'?" if close else ""
