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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from pydantic import Field, model_validator

from planner.model.base import Frozen, Id, Minutes
from planner.model.provenance import Provenance


class Roads(Frozen):
    """The roads of one city, or of a district of it (``venues``)."""

    id: Id
    city: Id = Field(description="The city whose roads these are.")
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

    def holds(self, city: str, a: str, b: str) -> bool:
        """Whether a journey between venues ``a`` and ``b`` of ``city`` runs on these."""
        return self.city == city and (not self.venues or (a in self.venues and b in self.venues))


def roads_between(roads: Sequence[Roads], city: str, a: str, b: str) -> int | None:
    """The index of the entry whose roads join venues ``a`` and ``b`` of ``city``: a
    district holding both before the city's own entry; None: the visit's defaults."""
    city_wide = None
    for n, entry in enumerate(roads):
        if entry.holds(city, a, b):
            if entry.venues:
                return n
            if city_wide is None:
                city_wide = n
    return city_wide
