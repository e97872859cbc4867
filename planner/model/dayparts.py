"""Day parts: 'morning', 'midday', 'afternoon', 'evening', 'night' as an office writes them.

An item may say ``window: morning`` instead of two clock times: it starts within that
part of its day, on the clock of its venue. The parts are defined once per visit
(``day_parts``), else by the host country's custom (Spain lunches and dines later than
most), else by the defaults below. A day part bounds the start only: programmes (and
the public tier's "morning of 30 May") name an item's part by its start, a morning talk
that runs into lunch is still the morning's talk, and the end is bounded anyway by the
programme hours, the windows, the next item. A part runs from ``from`` up to (not
including) ``until``; one whose ``until`` is not after its ``from`` crosses midnight (the
night: 22:00 to 06:00 the next morning).
"""

from __future__ import annotations

from pydantic import ConfigDict, Field, model_validator

from planner.model.base import Frozen
from planner.model.clock import ClockTime
from planner.model.text import Line


class DayPart(Frozen):
    """A part of the day: the starts from ``from`` up to ``until`` (local time)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: ClockTime = Field(alias="from", description="Its first start (local time).")
    until: ClockTime = Field(
        description="Its end: starts before it; not after 'from' for a part that crosses "
        "midnight (the night)."
    )
    source: Line | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _not_empty(self) -> DayPart:
        if self.until.minutes == self.from_.minutes:
            raise ValueError(
                f"from {self.from_} until {self.until} is no part of a day; give different times"
            )
        return self

    @property
    def crosses_midnight(self) -> bool:
        return self.until.minutes <= self.from_.minutes

    def __str__(self) -> str:
        return f"{self.from_}–{self.until}"


STANDARD = ("morning", "midday", "afternoon", "evening", "night")


def _part(start: str, until: str, source: str) -> DayPart:
    return DayPart(from_=ClockTime.parse(start), until=ClockTime.parse(until), source=source)


_RESEARCH = "domain research §1.3, §2: welcomes 9:00–12:00, lunches 12:30–14:00, banquets 19:30"
DEFAULT_DAY_PARTS: dict[str, DayPart] = {
    "morning": _part("07:00", "12:00", _RESEARCH),
    "midday": _part("11:30", "14:00", _RESEARCH),
    "afternoon": _part("12:00", "18:00", _RESEARCH),
    "evening": _part("18:00", "23:00", _RESEARCH),
    "night": _part("22:00", "06:00", _RESEARCH),
}
"""Starts of the parts of a day where the host's custom says nothing else: the morning's
welcomes and talks, lunch (the midday: a lunch from 11:30 to 13:59 at the latest), the
afternoon's calls, the evening's banquet (19:00–21:00), a night flight or arrival. They
overlap where offices' words do: a 12:30 lunch is midday and afternoon."""

_SPAIN = "Spanish custom (assumed): lunch from 14:00, dinner from 21:00"
HOST_DAY_PARTS: dict[str, dict[str, DayPart]] = {
    "ES": {
        "morning": _part("08:00", "14:00", _SPAIN),
        "midday": _part("13:30", "15:30", _SPAIN),
        "afternoon": _part("15:30", "21:00", _SPAIN),
        "evening": _part("20:30", "24:00", _SPAIN),
        "night": _part("23:00", "06:00", _SPAIN),
    },
}
"""The host countries whose day is shaped otherwise (ISO 3166-1 alpha-2 code → parts)."""


def host_day_part(country: str, name: str) -> DayPart | None:
    """The part of the day ``name`` as the custom of the host ``country`` has it (the
    defaults where it has no custom of its own); None for a name that is no standard part."""
    return HOST_DAY_PARTS.get(country, {}).get(name) or DEFAULT_DAY_PARTS.get(name)
