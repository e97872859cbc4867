"""Road networks: how fast the roads of one city, or of one district of it, are driven.

One motorcade speed for a whole visit makes real days impossible (a 52 km closed-freeway
leg estimated at two hours) or too easy (an old town crossed at freeway speed). A visit
file may therefore give, per city or per district (a set of its venues), the road factor
(road distance over the straight line), the motorcade speed — either as it is, or as the
speed of ordinary traffic times a motorcade factor for closed roads — the buffer to embark
and disembark, and "everything else here is within N minutes" (``anywhere_minutes``), the
figure a protocol office plans with where nobody measured a journey. What is not given
falls back to the visit's ``travel`` defaults. A journey uses the district both its ends
are in, else the city's entry, else the defaults; a measured leg always wins.

A metro area of several towns is one entry with its ``towns``: they share its roads
(journeys between them are driven, no leg needed), and a person staying in one of them is
there for the items in any (the delegation lodged in one town drives to the next).

Rush hours (``rush_hours``) slow the drives that leave within them: the driving time of an
estimate (or of a leg given in km) is multiplied by their factor, as is a flat
``anywhere_minutes``; the buffer is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from pydantic import Field, model_validator

from planner.model.base import Day, Frozen, Id, Minutes
from planner.model.clock import ClockTime
from planner.model.provenance import Provenance


class Hours(Frozen):
    """Some hours of the day (of a departure), on some days or every day."""

    start: ClockTime = Field(description="From this local time (of the departure)…")
    end: ClockTime = Field(description="…until this one.")
    days: tuple[Day, ...] = Field(default=(), description="Only these days; empty: every day.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"the hours end ({self.end}) before they start ({self.start})")
        return self


class RushHour(Hours):
    """Hours in which the traffic slows the motorcade: a drive that leaves then takes
    ``factor`` times as long."""

    factor: float = Field(gt=1.0, le=5.0, description="How many times longer a drive takes.")


class Roads(Frozen):
    """The roads of one city, or of a district of it (``venues``)."""

    id: Id
    city: Id = Field(description="The city whose roads these are.")
    towns: tuple[Id, ...] = Field(
        default=(),
        description="Other cities of one metro area with it: their roads are one network, "
        "and being in one of them is being in the area.",
    )
    venues: tuple[Id, ...] = Field(
        default=(),
        description="A district: only journeys with both ends among these venues "
        "(empty: the whole city).",
    )
    road_factor: float | None = Field(
        default=None, ge=1.0, le=3.0, description="Road distance / straight line."
    )
    motorcade_kmh: float | None = Field(
        default=None, gt=5, le=150, description="Average motorcade speed."
    )
    traffic_kmh: float | None = Field(
        default=None, gt=2, le=150, description="Average speed of ordinary traffic."
    )
    motorcade_factor: float | None = Field(
        default=None,
        ge=0.5,
        le=4.0,
        description="Motorcade speed / traffic speed (closed roads: above 1).",
    )
    buffer: Minutes | None = Field(default=None, description="Embark and disembark, per leg.")
    anywhere_minutes: Minutes | None = Field(
        default=None,
        description="Every journey here that no leg measures takes this long "
        "('everything else in town is within 20 minutes').",
    )
    rush_hours: tuple[RushHour, ...] = Field(
        default=(), description="Hours in which drives that leave then take longer."
    )
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _one_speed(self) -> Self:
        if self.motorcade_kmh is not None and self.traffic_kmh is not None:
            raise ValueError("give motorcade_kmh or traffic_kmh (with motorcade_factor), not both")
        if self.motorcade_factor is not None and self.traffic_kmh is None:
            raise ValueError("motorcade_factor multiplies traffic_kmh: give traffic_kmh too")
        return self

    def speed(self, default_kmh: float) -> float:
        """The motorcade speed on these roads, km/h."""
        if self.motorcade_kmh is not None:
            return self.motorcade_kmh
        if self.traffic_kmh is not None:
            return self.traffic_kmh * (self.motorcade_factor or 1.0)
        return default_kmh

    def holds(self, city_a: str, a: str, city_b: str, b: str) -> bool:
        """Whether a journey between venue ``a`` (of ``city_a``) and ``b`` runs on these."""
        if self.venues:
            return city_a == city_b == self.city and a in self.venues and b in self.venues
        area = (self.city, *self.towns)
        return city_a in area and city_b in area


def roads_between(roads: Sequence[Roads], city_a: str, a: str, city_b: str, b: str) -> int | None:
    """The index of the entry whose roads join venue ``a`` of ``city_a`` and venue ``b``
    of ``city_b``: a district holding both, then the entry of their city, then a metro
    area holding both cities; None: the visit's defaults (or no road, between cities)."""
    own = area = None
    for n, entry in enumerate(roads):
        if not entry.holds(city_a, a, city_b, b):
            continue
        if entry.venues:
            return n
        if own is None and city_a == city_b == entry.city:
            own = n
        elif area is None:
            area = n
    return own if own is not None else area


def area_of(roads: Sequence[Roads], city: str) -> str:
    """The metro area ``city`` is part of (the city named by its entry), or the city."""
    for entry in roads:
        if not entry.venues and city in entry.towns:
            return entry.city
    return city
