"""People of a visit: the guest delegation and their host counterparts."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from planner.model.base import Frozen, Id, Minutes
from planner.model.clock import ClockTime, WallTime
from planner.model.provenance import Provenance
from planner.model.publication import Tier, reader_tier
from planner.model.text import Line


class Side(StrEnum):
    GUEST = "guest"
    HOST = "host"


class Role(StrEnum):
    PRINCIPAL = "principal"
    SPOUSE = "spouse"  # the accompanying partner role, whoever fills it
    MINISTER = "minister"
    AMBASSADOR = "ambassador"
    OFFICIAL = "official"
    ADVISER = "adviser"
    INTERPRETER = "interpreter"
    SECURITY = "security"
    PRESS = "press"
    COMMUNITY_LEADER = "community_leader"
    RELIGIOUS_LEADER = "religious_leader"
    STAFF = "staff"
    OTHER = "other"


class Presence(Frozen):
    """A stay in one city: from arrival to departure, local times of that city."""

    city: Id
    arrive: WallTime | None = Field(default=None, description="Start of the stay (local).")
    depart: WallTime | None = Field(default=None, description="End of the stay (local).")

    @model_validator(mode="after")
    def _ordered(self) -> Presence:
        if self.arrive and self.depart and self.depart.local <= self.arrive.local:
            raise ValueError(
                f"departure {self.depart} is not after arrival {self.arrive}; swap them"
            )
        return self


class ProgrammeHours(Frozen):
    """Official items start and end within these hours each day, unless pinned outside
    (the visit's, and a person's own where given)."""

    start: ClockTime = ClockTime(7 * 60)
    end: ClockTime = ClockTime(23 * 60)

    @model_validator(mode="after")
    def _ordered(self) -> ProgrammeHours:
        if self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        return self


class Person(Frozen):
    id: Id
    name: Line = Field(min_length=1, max_length=200, description="Full name.")
    title: Line = Field(
        default="", max_length=300, description="Office, e.g. 'Minister of Health'."
    )
    role: Role
    side: Side
    precedence: int = Field(ge=1, le=10_000, description="1 is the highest rank.")
    home_timezone: str | None = Field(
        default=None, description="IANA zone of home; defaults to the side's home zone."
    )
    spouse_of: Id | None = None
    counterpart_of: Id | tuple[Id, ...] | None = Field(
        default=None,
        description="Whom they are the counterpart of; a list on a tour (one per leg).",
    )
    clearance: Tier = Tier.DELEGATION
    tier: Tier = Field(
        default=Tier.PUBLIC,
        description="Lowest audience that may learn of the person (name, journeys); below "
        "it they are left out of every list (a security detail: restricted).",
    )
    languages: tuple[Annotated[Line, Field(max_length=50)], ...] = Field(default=(), max_length=20)
    dietary: Line | None = Field(default=None, max_length=300)
    presence: tuple[Presence, ...] = Field(
        default=(), description="Stays per city; empty means present throughout the visit."
    )
    programme_hours: ProgrammeHours | None = Field(
        default=None, description="This person's own official day, within the visit's."
    )
    reminders: tuple[Minutes, ...] = Field(
        default=(), description="Calendar reminders, minutes before each item."
    )
    provenance: Provenance | None = None

    _reader_tiers = field_validator("clearance", "tier")(reader_tier)

    @property
    def counterparts(self) -> tuple[str, ...]:
        """Whom they are the counterpart of (``counterpart_of``, one or a list)."""
        if self.counterpart_of is None:
            return ()
        if isinstance(self.counterpart_of, str):
            return (self.counterpart_of,)
        return self.counterpart_of
