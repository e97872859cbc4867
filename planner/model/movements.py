"""Movements: how people go from one venue to another, by a scheduled service or their own.

A movement is an item whose kind is its mode (flight, train, helicopter, motorcade, boat,
walk) and which ends at another venue than it starts (``arrival_venue``). It may be pinned
by its departure (``pinned``), by its arrival (``arrives``: a flight known only by its
landing time) or by both (a timetable), or have a window like any other item. Its service
says which one it is (the flight or train number, platform, coach, tail number) and its
``seats`` how many may travel on it. Travel legs between venues (``planner.model.travel``)
use the same modes, except the scheduled services (flight, train), which only items are.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from planner.model.base import Frozen
from planner.model.text import Line


class Mode(StrEnum):
    """How a movement, or a travel leg, is made."""

    FLIGHT = "flight"
    TRAIN = "train"
    HELICOPTER = "helicopter"
    MOTORCADE = "motorcade"
    BOAT = "boat"
    WALK = "walk"

    @property
    def verb(self) -> str:
        """'motorcade 25 min' / 'helicopter 35 min': how outputs name a leg."""
        return self.value

    @property
    def departs(self) -> str:
        """The word for leaving: 'takes off' for what flies, 'departs' for the rest."""
        return "takes off" if self in _AIRBORNE else "departs"

    @property
    def arrives(self) -> str:
        """The word for getting there: 'lands' for what flies, 'arrives' for the rest."""
        return "lands" if self in _AIRBORNE else "arrives"


_AIRBORNE = frozenset({Mode.FLIGHT, Mode.HELICOPTER})
SCHEDULED = frozenset({Mode.FLIGHT, Mode.TRAIN})
"""Modes of services that run to a timetable: only items, never travel legs."""
LEG_MODES = frozenset({Mode.MOTORCADE, Mode.WALK, Mode.HELICOPTER, Mode.BOAT})
"""Modes a travel leg may have."""
GOES_ELSEWHERE = frozenset({Mode.FLIGHT, Mode.TRAIN, Mode.HELICOPTER, Mode.BOAT})
"""Movements that always end elsewhere (a motorcade or a walk may be a stationary item:
a convoy being loaded, a walkabout)."""


class Service(Frozen):
    """Which service a movement is, as its passengers need to know it."""

    number: Line | None = Field(
        default=None, max_length=80, description="Flight or train number, e.g. 'TGV 6603'."
    )
    operator: Line | None = Field(
        default=None, max_length=120, description="Who runs it, e.g. 'SNCF', 'Luftwaffe'."
    )
    platform: Line | None = Field(default=None, max_length=40, description="Platform or gate.")
    coach: Line | None = Field(
        default=None, max_length=80, description="Reserved coach(es), e.g. '14' or '14-15'."
    )
    tail: Line | None = Field(
        default=None, max_length=40, description="Tail number or registration of the aircraft."
    )

    def words(self) -> str:
        """'TGV 6603, platform 11, coach 14': what passengers look for, in that order."""
        parts = [p for p in (self.number, self.operator if not self.number else None) if p]
        if self.platform:
            parts.append(f"platform {self.platform}")
        if self.coach:
            parts.append(f"coach {self.coach}")
        if self.tail:
            parts.append(f"aircraft {self.tail}")
        return ", ".join(parts)


def route(departs: str, origin: str, arrives: str, destination: str, service: str = "") -> str:
    """'07:02 Paris Gare de Lyon → 09:04 Lyon Part-Dieu, TGV 6603, coach 14' (``service``:
    the words of its Service)."""
    text = f"{departs} {origin} → {arrives} {destination}"
    return f"{text}, {service}" if service else text
