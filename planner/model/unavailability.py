"""Unavailability: a city, a venue or a person not to be used between two times.

"The capital hosts another head of state until noon", "the cathedral is closed for a
funeral", "the foreign minister is in parliament for a vote": a visit fact with its
reason. While it lasts, no item takes place in that city or at that venue, and the person
attends nothing. An item is in a city when its venue is there; a movement (an item that
ends elsewhere) is at its departure when it leaves and at its arrival when it gets there,
so a flight may land in the capital at noon, not at 11:55. Its times are written on the
clock of the city or the venue (for a person: the visit's ``timezone``) unless it names a
``timezone`` of its own.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field, model_validator

from planner.model.base import Frozen, Id
from planner.model.clock import WallTime
from planner.model.provenance import Provenance
from planner.model.text import Line

KINDS = ("city", "venue", "person")


class Unavailability(Frozen):
    """A city, venue or person that may not be used from ``from`` until ``until``."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    city: Id | None = Field(default=None, description="The city: no item takes place there.")
    venue: Id | None = Field(default=None, description="The venue: no item takes place there.")
    person: Id | None = Field(default=None, description="The person: attends no item.")
    from_: WallTime = Field(alias="from", description="When it starts (local time).")
    until: WallTime = Field(description="When it ends (local time): usable again from then.")
    reason: Line = Field(
        min_length=3,
        max_length=500,
        description="Why: 'the capital hosts another head of state until noon'.",
    )
    timezone: str | None = Field(
        default=None,
        description="IANA zone its times are written in; default: the city's or the "
        "venue's, for a person the visit's.",
    )
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Unavailability:
        named = [k for k in KINDS if getattr(self, k) is not None]
        if len(named) != 1:
            raise ValueError(
                "name exactly one of 'city', 'venue' or 'person' (what is unavailable)"
                + (f", not {' and '.join(repr(k) for k in named)}" if named else "")
            )
        if self.until.local <= self.from_.local:
            raise ValueError(
                f"until {self.until} is not after from {self.from_}; an unavailability ends "
                "after it starts"
            )
        return self

    @property
    def kind(self) -> str:
        """'city', 'venue' or 'person'."""
        return next(k for k in KINDS if getattr(self, k) is not None)

    @property
    def what(self) -> str:
        """The id of the city, venue or person."""
        found: str = getattr(self, self.kind)
        return found
