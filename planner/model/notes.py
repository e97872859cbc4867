"""Notes of a visit and of its days: what the delegation must know that is no item.

A visit's notes ("the motorcade leaves 15 minutes before each item"), and a day's ("the
old town is closed to traffic from 14:00"; "Ramadan: no catering before sunset"), each at
the tier of the audiences that may read it. The public programme carries none of them.
Venues have notes of their own (closures, security perimeters): ``Venue.notes``.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from planner.model.base import Day, Frozen
from planner.model.publication import Tier, reader_tier
from planner.model.text import Paragraphs


class DayNote(Frozen):
    """A note on one day of the visit, at its tier."""

    day: Day
    note: Paragraphs = Field(min_length=1, max_length=2000)
    tier: Tier = Field(
        default=Tier.DELEGATION,
        description="Lowest audience that may read it (delegation by default; never the "
        "public or the press: their programmes carry no notes).",
    )

    _reader_tier = field_validator("tier")(reader_tier)
