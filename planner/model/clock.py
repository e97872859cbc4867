"""Wall-clock times as protocol staff write them, and their resolution to instants.

A visit file says "2023-05-30 10:00" and means 10:00 on the clock at the venue. The zone
comes from the context (the venue, the city, the visit's default), so a wall-clock time is
stored as written and resolved to an instant only together with an IANA zone name.

A local time that does not exist (clocks jump forward) or occurs twice (clocks fall back)
is an error unless the file disambiguates it with an explicit UTC offset, for example
``2023-10-29 02:30+03:00``.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import pendulum
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from planner.model.base import year_problem

_WALL_RE = re.compile(
    r"^\s*(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?:\s*(?P<offset>[+-]\d{2}:\d{2}))?\s*$"
)
_CLOCK_RE = re.compile(r"^\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*$")
WALL_PATTERN = r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}([+-]\d{2}:\d{2})?$"
CLOCK_PATTERN = r"^\d{1,2}:\d{2}$"


class TimeProblem(ValueError):
    """A wall-clock time that cannot be turned into one instant in its zone."""


def _format_offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta(0)).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_offset(text: str) -> timedelta:
    sign = -1 if text[0] == "-" else 1
    hours, minutes = text[1:].split(":")
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def _written_as_text(parse: Any) -> core_schema.CoreSchema:
    """A value written as text in files: parsed by ``parse``, serialised by ``str``."""
    return core_schema.no_info_plain_validator_function(
        parse, serialization=core_schema.plain_serializer_function_ser_schema(str)
    )


@dataclass(frozen=True, order=True)
class WallTime:
    """A local date and clock time, optionally with the UTC offset that disambiguates it."""

    local: datetime  # naive
    offset: timedelta | None = None

    @classmethod
    def parse(cls, value: Any) -> WallTime:
        if isinstance(value, WallTime):
            return value
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                return cls(value.replace(tzinfo=None), value.utcoffset())
            return cls(value.replace(second=0, microsecond=0))
        if not isinstance(value, str):
            raise ValueError(
                f"expected a local time like '2023-05-30 10:00', got {type(value).__name__}"
            )
        match = _WALL_RE.match(value)
        if match is None:
            raise ValueError(
                f"'{value}' is not a local time; write it as 'YYYY-MM-DD HH:MM', "
                "e.g. '2023-05-30 10:00'"
            )
        try:
            day = date.fromisoformat(match["date"])
        except ValueError:
            raise ValueError(f"'{match['date']}' is not a real calendar date") from None
        if year_problem(day):
            raise ValueError(f"'{value}': {year_problem(day)}")
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            raise ValueError(f"'{value}' has an impossible clock time (hours 0-23, minutes 0-59)")
        offset = _parse_offset(match["offset"]) if match["offset"] else None
        if offset is not None and abs(offset) > timedelta(hours=14):
            raise ValueError(f"'{value}' has a UTC offset beyond ±14:00")
        return cls(datetime.combine(day, time(hour, minute)), offset)

    def __str__(self) -> str:
        text = self.local.strftime("%Y-%m-%d %H:%M")
        if self.offset is not None:
            text += _format_offset(self.offset)
        return text

    @property
    def date(self) -> date:
        return self.local.date()

    @classmethod
    def of(cls, instant: datetime, zone: str) -> WallTime:
        """The wall time of an instant in ``zone``; with its UTC offset only where that
        local time occurs twice (clocks falling back)."""
        local = datetime.fromtimestamp(instant.timestamp(), tz(zone))
        naive = local.replace(tzinfo=None)
        other = naive.replace(tzinfo=tz(zone), fold=1 - local.fold).utcoffset()
        if other != local.utcoffset():
            return cls(naive, local.utcoffset())
        return cls(naive)

    def resolve(self, zone: str) -> pendulum.DateTime:
        """The instant this wall time names in ``zone``; raises TimeProblem if it has none
        or more than one."""
        return resolve_local(self.local, zone, self.offset)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _written_as_text(cls.parse)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": WALL_PATTERN,
            "description": "Local date and time at the place, 'YYYY-MM-DD HH:MM'; add a UTC "
            "offset ('+03:00') only to pick one side of a daylight-saving change.",
            "examples": ["2023-05-30 10:00"],
        }


@dataclass(frozen=True, order=True)
class ClockTime:
    """A time of day ("09:00"); "24:00" stands for the end of the day."""

    minutes: int  # minutes after midnight, 0..1440

    @classmethod
    def parse(cls, value: Any) -> ClockTime:
        if isinstance(value, ClockTime):
            return value
        if isinstance(value, time):
            return cls(value.hour * 60 + value.minute)
        if not isinstance(value, str):
            raise ValueError(f"expected a time of day like '09:00', got {type(value).__name__}")
        match = _CLOCK_RE.match(value)
        if match is None:
            raise ValueError(f"'{value}' is not a time of day; write it as 'HH:MM', e.g. '09:00'")
        hour, minute = int(match["hour"]), int(match["minute"])
        if minute > 59 or hour > 24 or (hour == 24 and minute):
            raise ValueError(f"'{value}' is not a time of day (00:00 to 24:00)")
        return cls(hour * 60 + minute)

    def __str__(self) -> str:
        return f"{self.minutes // 60:02d}:{self.minutes % 60:02d}"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _written_as_text(cls.parse)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": CLOCK_PATTERN, "examples": ["09:00", "24:00"]}


@lru_cache(maxsize=256)
def length_text(minutes: int) -> str:
    """'45 min', '1 h', '1 h 30 min': how long something takes, as every output says it."""
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h" + (f" {minutes % 60} min" if minutes % 60 else "")


def tz(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """The pendulum time zone of an IANA name, loaded once (pendulum reads the zone file
    from disk on every lookup by name)."""
    return pendulum.timezone(name)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_problem(name: str) -> str | None:
    """Why ``name`` is not an IANA zone name we accept, or None if it is one."""
    if name == "UTC":
        return None
    if "/" not in name or name.startswith("Etc/") or name not in _known_zones():
        import difflib

        candidates = sorted(z for z in _known_zones() if "/" in z and not z.startswith("Etc/"))
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        # 'Baku Time', 'Berlin time': the zone named after the city in the words
        words = f" {re.sub(r'[^a-z]+', ' ', name.lower())} "
        named = [
            z for z in candidates if f" {z.rsplit('/', 1)[-1].replace('_', ' ').lower()} " in words
        ]
        if close or named:
            hint = f"; did you mean '{(close or named)[0]}'?"
        elif (name.isalpha() and name.isupper()) or name.startswith("Etc/"):
            hint = (
                ": abbreviations and fixed offsets ignore daylight saving; name the place's "
                "zone, e.g. 'America/New_York'"
            )
        else:
            hint = " such as 'Asia/Baku'"
        return f"'{name}' is not an IANA time-zone name (Area/City){hint}"
    return None


def _transition_near(local: datetime, zone: str) -> tuple[datetime, timedelta, timedelta]:
    """The transition around a problematic local time: (local clock at the change, offset
    before, offset after)."""
    info = zoneinfo.ZoneInfo(zone)
    probe = local.replace(tzinfo=UTC) - timedelta(hours=14)
    before = probe.astimezone(info).utcoffset() or timedelta(0)
    step = timedelta(minutes=15)
    for _ in range(4 * 30):
        nxt = probe + step
        off = nxt.astimezone(info).utcoffset() or timedelta(0)
        if off != before:
            # refine to the minute
            lo, hi = probe, nxt
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if (mid.astimezone(info).utcoffset() or timedelta(0)) == before:
                    lo = mid
                else:
                    hi = mid
            change_local = (hi + before).replace(tzinfo=None)
            return change_local, before, off
        probe = nxt
    return local, before, before


def resolve_local(local: datetime, zone: str, offset: timedelta | None = None) -> pendulum.DateTime:
    """Resolve a naive local time in an IANA zone to an aware pendulum DateTime.

    Raises TimeProblem for a time skipped by a daylight-saving change, for a time that
    occurs twice without an explicit offset, and for an offset the zone does not have then.
    Answers are remembered (a plan's times are resolved again and again: validation,
    findings, programmes); an instant is immutable, and problems are not remembered.
    """
    return _resolved(local, zone, offset)


@lru_cache(maxsize=1 << 16)
def _resolved(local: datetime, zone: str, offset: timedelta | None) -> pendulum.DateTime:
    info = zoneinfo.ZoneInfo(zone)
    first = local.replace(tzinfo=info, fold=0)
    second = local.replace(tzinfo=info, fold=1)
    off_first, off_second = first.utcoffset(), second.utcoffset()
    utc_first = first.astimezone(UTC)
    exists = utc_first.astimezone(info).replace(tzinfo=None) == local
    when = local.strftime("%Y-%m-%d %H:%M")
    if not exists:
        change, before, after = _transition_near(local, zone)
        raise TimeProblem(
            f"{when} does not exist in {zone}: on {change:%d %B %Y} the clocks jump from "
            f"{change:%H:%M} to {(change + (after - before)):%H:%M} "
            f"({_format_offset(before)} → {_format_offset(after)}); pick a time outside "
            "the skipped hour"
        )
    if offset is not None:
        candidates = {off_first, off_second}
        if offset not in candidates:
            valid = " or ".join(sorted(_format_offset(o) for o in candidates))
            raise TimeProblem(
                f"{when}{_format_offset(offset)}: {zone} is at {valid} then, "
                f"not {_format_offset(offset)}"
            )
        chosen = first if off_first == offset else second
    elif off_first != off_second:
        change, before, after = _transition_near(local, zone)
        raise TimeProblem(
            f"{when} occurs twice in {zone}: on {change:%d %B %Y} the clocks fall back from "
            f"{change:%H:%M} to {(change + (after - before)):%H:%M}; write "
            f"'{when}{_format_offset(off_first)}' for the first or "
            f"'{when}{_format_offset(off_second)}' for the second"
        )
    else:
        chosen = first
    instant = chosen.astimezone(UTC)
    return pendulum.instance(instant).in_timezone(tz(zone))


def city_of(zone: str) -> str:
    """The city an IANA zone is named after: 'Asia/Baku' → 'Baku'."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def offset_text(instant: datetime) -> str:
    return _format_offset(instant.utcoffset())
