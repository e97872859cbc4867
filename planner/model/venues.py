"""Venues: where items happen, when they are open and how many they hold."""

from __future__ import annotations

from pydantic import Field, model_validator

from planner.model.base import Day, Frozen, Id
from planner.model.clock import ClockTime
from planner.model.provenance import Provenance
from planner.model.publication import Tier
from planner.model.text import Line, Paragraphs


class City(Frozen):
    id: Id
    name: Line = Field(min_length=1, max_length=200)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code.")
    timezone: str = Field(description="IANA zone name, e.g. 'Asia/Baku'.")


class Opening(Frozen):
    """Opening hours, on the listed dates or every day."""

    open: ClockTime
    close: ClockTime
    dates: tuple[Day, ...] = Field(default=(), description="Dates it applies to; empty: every day.")

    @model_validator(mode="after")
    def _ordered(self) -> Opening:
        if self.close <= self.open:
            raise ValueError(f"closes at {self.close}, not after it opens at {self.open}")
        return self


class Venue(Frozen):
    id: Id
    name: Line = Field(min_length=1, max_length=200, description="Name in Latin script.")
    local_name: Line | None = Field(
        default=None, max_length=200, description="Name in the local language."
    )
    city: Id
    address: Line = Field(default="", max_length=500)
    lat: float | None = Field(
        default=None,
        ge=-90,
        le=90,
        description="Latitude; with lon, or neither (a place unknown or kept private: its "
        "journeys are then measured legs, or its city's anywhere_minutes).",
    )
    lon: float | None = Field(default=None, ge=-180, le=180)
    timezone: str | None = Field(default=None, description="IANA zone; defaults to the city's.")
    opening: tuple[Opening, ...] = Field(default=(), description="Empty: open at all hours.")
    capacity: int | None = Field(default=None, ge=1, le=1_000_000)
    exclusive: bool = Field(default=True, description="Hosts one item at a time.")
    tier: Tier = Field(
        default=Tier.PUBLIC,
        description="Lowest audience that may learn of the venue (name, address, place); "
        "below it the venue is 'not published' (a private residence: restricted).",
    )
    location_tier: Tier = Field(
        default=Tier.PUBLIC,
        description="Lowest audience that may learn where the venue is (its address and "
        "coordinates); below it the venue is named without them.",
    )
    meeting_point: Line | None = Field(
        default=None,
        max_length=200,
        description="Where its people meet the cars ('main entrance'): itineraries say it "
        "with the time to leave (below the location tier, left out).",
    )
    notes: Paragraphs | None = Field(
        default=None,
        max_length=2000,
        description="What those who go there must know: closures, security perimeters, the "
        "entrance to use (never in the public programme).",
    )
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Venue:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither (a place without coordinates)")
        return self

    @property
    def located(self) -> bool:
        """Whether the venue has coordinates."""
        return self.lat is not None and self.lon is not None
