"""Travel between venues: explicit legs, and the estimate for pairs nobody measured.

Explicit legs override. A missing pair in one city is estimated from the coordinates: the
great-circle distance times a road factor, at the city motorcade speed, plus a fixed
embark/disembark buffer, rounded up to whole five minutes. Venues in different cities are
joined only by explicit legs or by (pinned) flights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field

from planner.model.base import Frozen, Id, Minutes
from planner.model.provenance import Provenance
from planner.model.venues import Venue

EARTH_RADIUS_KM = 6371.0088


class Mode(StrEnum):
    """How people get from one venue to the next by road or on foot. Between cities only
    flight items move people (pinned to their timetable); a leg cannot be a flight."""

    MOTORCADE = "motorcade"
    WALK = "walk"

    @property
    def verb(self) -> str:
        """'motorcade 25 min' / 'walk 10 min': how outputs name a leg."""
        return self.value


def _ground(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("flight", "helicopter", "train"):
        raise ValueError(
            f"a travel leg cannot be a {value.strip().lower()}: legs are motorcade or walk; "
            "between cities only flight items move people (write the hop as an item with "
            "'kind: flight', pinned to its timetable)"
        )
    return value


class Leg(Frozen):
    """A measured travel time between two venues, by motorcade or on foot."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_venue: Id = Field(alias="from")
    to_venue: Id = Field(alias="to")
    mode: Annotated[Mode, BeforeValidator(_ground)] = Mode.MOTORCADE
    minutes: Minutes
    one_way: bool = Field(default=False, description="Only in this direction.")
    provenance: Provenance | None = None


class TravelRules(Frozen):
    road_factor: float = Field(
        default=1.4, ge=1.0, le=3.0, description="Road distance / straight line."
    )
    motorcade_kmh: float = Field(default=40.0, gt=5, le=150, description="Average motorcade speed.")
    walk_kmh: float = Field(default=4.5, gt=1, le=8)
    buffer: Minutes = Field(default=10, description="Embark and disembark, per leg.")
    walk_max_km: float = Field(
        default=0.8, ge=0, le=10, description="Walk instead of driving below this."
    )
    legs: tuple[Leg, ...] = ()


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def round_up(minutes: float, grain: int = 5) -> int:
    return int(math.ceil(minutes / grain - 1e-9) * grain)


def estimate_minutes(rules: TravelRules, km: float, mode: Mode = Mode.MOTORCADE) -> int:
    """Door-to-door minutes for a straight-line distance, buffer included."""
    if mode is Mode.WALK:
        return round_up(km * rules.road_factor / rules.walk_kmh * 60) if km > 0 else 0
    return round_up(km * rules.road_factor / rules.motorcade_kmh * 60 + rules.buffer)


def _explicit(rules: TravelRules, a: str, b: str, mode: Mode) -> int | None:
    for leg in rules.legs:
        if leg.mode is not mode:
            continue
        if leg.from_venue == a and leg.to_venue == b:
            return leg.minutes
        if not leg.one_way and leg.from_venue == b and leg.to_venue == a:
            return leg.minutes
    return None


@dataclass(frozen=True)
class Journey:
    """How long the way from one venue to another takes, and how it is made."""

    minutes: int
    mode: Mode

    def __str__(self) -> str:
        return f"{self.mode.verb} {self.minutes} min"


def journey(rules: TravelRules, a: Venue, b: Venue, mode: Mode | None = None) -> Journey | None:
    """The way from venue ``a`` to venue ``b``; None if no road joins them (different
    cities with no explicit leg: only a flight joins them).

    Without a mode: an explicit leg wins (a motorcade leg before a walking one), else a
    walk for neighbouring venues, else the motorcade estimate.
    """
    if a.id == b.id:
        return Journey(0, mode or Mode.WALK)
    modes = [mode] if mode else [Mode.MOTORCADE, Mode.WALK]
    for m in modes:
        found = _explicit(rules, a.id, b.id, m)
        if found is not None:
            return Journey(found, m)
    if a.city != b.city:
        return None
    km = great_circle_km(a.lat, a.lon, b.lat, b.lon)
    if mode is Mode.WALK or (mode is None and km <= rules.walk_max_km):
        return Journey(estimate_minutes(rules, km, Mode.WALK), Mode.WALK)
    return Journey(estimate_minutes(rules, km, Mode.MOTORCADE), Mode.MOTORCADE)


def travel_minutes(rules: TravelRules, a: Venue, b: Venue, mode: Mode | None = None) -> int | None:
    """Minutes to get from venue ``a`` to venue ``b`` (see ``journey``); None if they are
    not connected by road."""
    found = journey(rules, a, b, mode)
    return found.minutes if found is not None else None
