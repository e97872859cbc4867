"""Meals and rest in a person's day, and the visit's waivers of them.

The scheduler wants a lunch for every principal, spouse and minister on each day of the
visit (a lunch item, or a free window of ``LUNCH_MINUTES`` between ``LUNCH_FROM`` and
``LUNCH_UNTIL`` local), and a rest of ``REST_MINUTES`` after ``REST_AFTER_MINUTES`` of
items and the journeys between them (docs/scheduling-rules.md, "Soft goals"). A visit
waives either where the real programme had none: ``meals:`` entries, each for some
people (empty: everyone) on some days (empty: every day), with the reason.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from planner.model.base import Day, Frozen, Id
from planner.model.clock import ClockTime
from planner.model.text import Line

LUNCH_FROM = ClockTime(11 * 60 + 30)
LUNCH_UNTIL = ClockTime(14 * 60 + 30)
LUNCH_MINUTES = 45
LUNCH_ABOARD_MINUTES = 60  # a flight or train this long under way at midday serves lunch
REST_AFTER_MINUTES = 240
REST_MINUTES = 30
HOLE_MINUTES = 90  # a wait between two items of a day longer than this is a hole


class MealWaiver(Frozen):
    """No lunch (``lunch: false``) or no rest (``rest: false``) wanted, for these people on
    these days."""

    lunch: bool = Field(default=True, description="false: no lunch is wanted.")
    rest: bool = Field(default=True, description="false: no rest after 4 h is wanted.")
    people: tuple[Id, ...] = Field(default=(), description="Whom it concerns; empty: everyone.")
    days: tuple[Day, ...] = Field(default=(), description="Which days; empty: every day.")
    reason: Line = Field(min_length=3, max_length=1000)

    @model_validator(mode="after")
    def _waives(self) -> MealWaiver:
        if self.lunch and self.rest:
            raise ValueError(
                "a 'meals' entry waives something: give 'lunch: false' or 'rest: false'"
            )
        return self

    def covers(self, person: str, day: date) -> bool:
        return (not self.people or person in self.people) and (not self.days or day in self.days)


def waived(waivers: tuple[MealWaiver, ...], what: str, person: str, day: date) -> bool:
    """Whether the visit waives ``what`` ('lunch' or 'rest') for the person on the day."""
    return any(not getattr(w, what) and w.covers(person, day) for w in waivers)
