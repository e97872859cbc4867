"""Lodging: where each person spends each night, and so where their day starts and ends.

A lodging entry puts some people at a venue (a hotel, a guest house, an embassy) for some
nights, each night named by the date of its evening, or aboard a movement that travels
overnight (``aboard``: the flight home, a sleeper train): that night's day ends at the
movement and the next starts where it arrives. A person's day
then starts at the residence of the night before and ends at the residence of that
night: the programme hours are read door to door, so an item that is not pinned starts
no earlier than the programme opens plus the journey from the morning's residence (and
its holding time), and ends no later than the programme closes less the journey to the
evening's. Where no road joins the residence and the venue (another city), the day's
movement joins them and nothing more is asked.

Between two items of a person that no road joins directly (a day in London, the next
morning in Oxford, with a measured leg from the hotel only), the way may pass by one of
their residences: the journey there and the journey on, with the holding time of the
item travelled to.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Self

from pydantic import Field, model_validator

from planner.model.base import Day, Frozen, Id
from planner.model.provenance import Provenance


class Lodging(Frozen):
    """Some people's residence for some nights."""

    venue: Id | None = Field(
        default=None, description="The hotel, guest house or embassy (a venue)."
    )
    aboard: Id | None = Field(
        default=None,
        description="Or the movement item they spend the night on (an overnight flight or "
        "train): the next day starts where it arrives.",
    )
    people: tuple[Id, ...] = Field(min_length=1, description="Who sleeps there.")
    nights: tuple[Day, ...] = Field(
        min_length=1, description="The nights spent there, each by the date of its evening."
    )
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _one_place(self) -> Self:
        if (self.venue is None) == (self.aboard is None):
            raise ValueError(
                "a lodging names its 'venue' (a hotel) or what its people are 'aboard' (an "
                "overnight movement), one of the two"
            )
        return self


def residences(
    lodging: tuple[Lodging, ...], arrivals: dict[str, str]
) -> dict[tuple[str, date], str]:
    """(person, night) → the venue where their day ends that night and the next starts:
    their residence, or for a night aboard a movement where it arrives (``arrivals``:
    each movement's arrival venue). The first entry that names them (check refuses a
    second one)."""
    found: dict[tuple[str, date], str] = {}
    for entry in lodging:
        venue = entry.venue or arrivals.get(entry.aboard or "")
        if venue is None:
            continue  # aboard an unknown movement: check says so
        for pid in entry.people:
            for night in entry.nights:
                found.setdefault((pid, night), venue)
    return found


def aboard(lodging: tuple[Lodging, ...]) -> dict[tuple[str, date], str]:
    """(person, night) → the movement item they spend it aboard."""
    found: dict[tuple[str, date], str] = {}
    for entry in lodging:
        for pid in entry.people:
            for night in entry.nights:
                if entry.aboard is not None:
                    found.setdefault((pid, night), entry.aboard)
    return found


def homes(lodging: tuple[Lodging, ...]) -> dict[str, tuple[str, ...]]:
    """Each person → the venues of their residences (not a movement they sleep aboard:
    no way passes by it), in the order of the file."""
    found: dict[str, dict[str, None]] = {}
    for entry in lodging:
        for pid in entry.people:
            if entry.venue is not None:
                found.setdefault(pid, {})[entry.venue] = None
    return {pid: tuple(venues) for pid, venues in found.items()}


def day_ends(
    found: dict[tuple[str, date], str], person: str, day: date
) -> tuple[str | None, str | None]:
    """Where ``person`` wakes up on ``day`` and where they go to sleep (None: not said)."""
    return found.get((person, day - timedelta(days=1))), found.get((person, day))
