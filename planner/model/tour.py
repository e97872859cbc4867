"""Tours: one visit through several host countries, each a leg of its own.

A leg has its host country, its style (a state, official, working or private visit, or
a label of the office's own, such as "state visit plus"), who invited the guest, its
host principals, its dates and the cities that belong to it. The host's protocol
customs apply in the leg's cities; the programmes name the leg of each day ("Japan ·
official visit") and give each leg's hosts a lane of their own. The movements between
countries are items of the tour like any other: one plan, one itinerary and one calendar
per person across the whole of it.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from planner.model.base import Day, Frozen, Id
from planner.model.provenance import Provenance
from planner.model.text import Line

STYLES = {
    "state": "state visit",
    "official": "official visit",
    "working": "working visit",
    "private": "private visit",
}


class Country(Frozen):
    code: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code.")
    name: Line = Field(min_length=2, max_length=100)


class TourLeg(Frozen):
    """One host country of a tour."""

    id: Id
    host: Country
    style: Line = Field(
        default="state",
        min_length=3,
        max_length=80,
        description="state, official, working, private, or a label of its own "
        "('state visit plus').",
    )
    invited_by: Id | None = Field(default=None, description="The host who invited the guest.")
    hosts: tuple[Id, ...] = Field(
        default=(), description="The host people of this leg (its principals first)."
    )
    start: Day
    end: Day
    cities: tuple[Id, ...] = Field(min_length=1, description="The cities of this leg.")
    use_host_conventions: bool = Field(
        default=True, description="Follow this host's protocol customs in its cities."
    )
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _dates(self) -> TourLeg:
        if self.end < self.start:
            raise ValueError(f"the leg ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def label(self) -> str:
        """'Japan · official visit': how programmes head the leg's days."""
        return f"{self.host.name} · {STYLES.get(self.style, self.style)}"

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end
