"""Programme items (engagements): what happens, who must be there, where and when."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import pendulum
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from planner.model.base import (
    ID_PATTERN,
    Day,
    Frozen,
    Id,
    Minutes,
    did_you_mean,
    parse_minutes,
)
from planner.model.clock import CLOCK_PATTERN, WALL_PATTERN, ClockTime, WallTime
from planner.model.movements import GOES_ELSEWHERE, Mode, Service
from planner.model.provenance import FieldSources, Provenance, field_sources
from planner.model.publication import PressAccess, PublicTime, Tier
from planner.model.text import Line, Paragraphs


class ItemKind(StrEnum):
    ARRIVAL = "arrival"
    OFFICIAL_WELCOME = "official_welcome"
    ONE_ON_ONE_TALKS = "one_on_one_talks"
    EXPANDED_TALKS = "expanded_talks"
    MINISTERS_MEETING = "ministers_meeting"
    AGREEMENT_SIGNING = "agreement_signing"
    PRESS_STATEMENTS = "press_statements"
    WREATH_LAYING = "wreath_laying"
    MEMORIAL_VISIT = "memorial_visit"
    COMMUNITY_EVENT = "community_event"
    RECEPTION = "reception"
    LUNCH = "lunch"
    BANQUET = "banquet"
    SPOUSE_PROGRAMME = "spouse_programme"
    SITE_VISIT = "site_visit"
    FLIGHT = "flight"
    TRAIN = "train"
    HELICOPTER = "helicopter"
    MOTORCADE = "motorcade"
    BOAT = "boat"
    WALK = "walk"
    HOLDING = "holding"
    BRIEFING = "briefing"
    DEPARTURE_CEREMONY = "departure_ceremony"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


CEREMONIES = frozenset(
    {
        ItemKind.ARRIVAL,
        ItemKind.OFFICIAL_WELCOME,
        ItemKind.AGREEMENT_SIGNING,
        ItemKind.WREATH_LAYING,
        ItemKind.DEPARTURE_CEREMONY,
        ItemKind.BANQUET,
    }
)
DEFAULT_CEREMONY_HOLDING = 10
MEMORIALS = frozenset({ItemKind.WREATH_LAYING, ItemKind.MEMORIAL_VISIT})


DayPartName = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        description="A part of the day it starts in: morning, midday, afternoon, evening, "
        "night, or one of the visit's 'day_parts'.",
        examples=["morning", "evening"],
    ),
]


class Window(Frozen):
    """When an item may take place: it starts no earlier (and no later), and ends no
    earlier (and no later), than its bounds; and, with a ``day_part``, it starts within
    that part of its day (``planner.model.dayparts``)."""

    earliest_start: WallTime | None = None
    latest_end: WallTime | None = None
    day_part: DayPartName | None = Field(
        default=None,
        description="It starts within this part of its day: morning, midday, afternoon, "
        "evening, night, or a part of the visit's 'day_parts'.",
    )
    latest_start: WallTime | None = Field(
        default=None, description="It starts no later (a window on the start)."
    )
    earliest_end: WallTime | None = Field(default=None, description="It ends no earlier.")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if (
            self.earliest_start
            and self.latest_end
            and self.latest_end.local <= self.earliest_start.local
        ):
            raise ValueError(
                f"latest_end {self.latest_end} is not after earliest_start {self.earliest_start}"
            )
        for early, late in (
            ("earliest_start", "latest_start"),
            ("earliest_end", "latest_end"),
            ("earliest_start", "earliest_end"),
            ("latest_start", "latest_end"),
        ):
            a, b = getattr(self, early), getattr(self, late)
            if a and b and b.local < a.local:
                raise ValueError(f"{late} {b} is before {early} {a}")
        return self

    @property
    def bounds(self) -> tuple[str, ...]:
        """The clock bounds it gives, by name (the day part aside)."""
        return tuple(key for key in WINDOW_BOUNDS if getattr(self, key) is not None)


WINDOW_BOUNDS = ("earliest_start", "latest_start", "earliest_end", "latest_end")
DEFAULT_TOLERANCE = 15
MAX_TOLERANCE = 360


def _day_part_shorthand(value: Any) -> Any:
    """``window: morning`` is ``window: {day_part: morning}``."""
    if not isinstance(value, str):
        return value
    if not re.match(ID_PATTERN, value.strip()):
        raise ValueError(
            f"'{value}' is not a part of the day: write morning, midday, afternoon, "
            "evening or night (lower case), a part of the visit's 'day_parts', or the "
            "window's bounds ('earliest_start: ...')"
        )
    return {"day_part": value.strip()}


def _wall_or_clock(value: Any) -> WallTime | ClockTime:
    """'2023-05-30 10:15' (that day) or '10:15' (on whichever day it takes place)."""
    if isinstance(value, WallTime | ClockTime):
        return value
    if isinstance(value, str) and ":" in value and "-" not in value.strip()[:5]:
        return ClockTime.parse(value)
    try:
        return WallTime.parse(value)
    except ValueError as exc:
        if isinstance(value, str) and not re.match(r"^\s*\d{4}-", value):
            raise ValueError(
                f"'{value}' is neither a local time nor a time of day; write "
                "'YYYY-MM-DD HH:MM' (that day) or 'HH:MM' (whichever day it takes place)"
            ) from None
        raise exc from None


def _tolerance(minutes: int) -> int:
    if not 0 <= minutes <= MAX_TOLERANCE:
        raise ValueError(
            f"a tolerance of {minutes} min: give the minutes the start may lie either side "
            f"of 'around', from 0 to {MAX_TOLERANCE} (for more, give a window)"
        )
    return minutes


Tolerance = Annotated[
    int,
    BeforeValidator(parse_minutes),
    AfterValidator(_tolerance),
    Field(json_schema_extra={"minimum": 0, "maximum": MAX_TOLERANCE}),
]
Around = Annotated[
    WallTime | ClockTime,
    PlainValidator(_wall_or_clock, json_schema_input_type=str),
    PlainSerializer(str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"({WALL_PATTERN})|({CLOCK_PATTERN})",
            "description": "A local time, 'YYYY-MM-DD HH:MM', or a time of day 'HH:MM' (on "
            "whichever day it takes place).",
            "examples": ["2023-05-30 10:15", "10:15"],
        }
    ),
]


class Order(Frozen):
    """This item comes after (or before) another, with a minimum and optional maximum gap."""

    after: Id | None = Field(default=None, description="The item this one follows.")
    before: Id | None = Field(default=None, description="The item this one precedes.")
    min_gap: Minutes = 0
    max_gap: Minutes | None = None
    same_day: bool = False

    @model_validator(mode="after")
    def _one_target(self) -> Order:
        if (self.after is None) == (self.before is None):
            raise ValueError("give exactly one of 'after' or 'before'")
        if self.max_gap is not None and self.max_gap < self.min_gap:
            raise ValueError(f"max_gap {self.max_gap} is below min_gap {self.min_gap}")
        return self

    @property
    def other(self) -> str:
        return self.after or self.before or ""


class Dress(Frozen):
    """What one side, or one person, wears at an item when it is not the item's dress."""

    who: Line = Field(min_length=1, max_length=64, description="'guest', 'host', or a person's id.")
    dress: Line = Field(min_length=1, max_length=200)


class Milestone(Frozen):
    """A moment within an item: the gift exchange at 11:40 during the talks, the toasts
    90 minutes into the banquet. It takes no time; the item must be placed so that it
    falls within it (its start and end included)."""

    title: Line = Field(min_length=1, max_length=200)
    at: ClockTime | None = Field(
        default=None,
        description="Its time of day, on the clock where the item starts: the first such "
        "time at or after the item's start. The scheduler places the item around it.",
    )
    after: Minutes | None = Field(
        default=None, description="Or: minutes after the item's start (at most its duration)."
    )
    tier: Tier | None = Field(
        default=None,
        description="Who may know of it, if fewer than may know of the item "
        "('restricted' for a motorcade's departure); default: the item's tier.",
    )

    @model_validator(mode="after")
    def _one_time(self) -> Milestone:
        if (self.at is None) == (self.after is None):
            raise ValueError("a milestone needs exactly one of 'at' (HH:MM) or 'after' (minutes)")
        return self


class Cancellation(Frozen):
    """Why and when an item was called off (``cancelled: {reason: ..., on: ...}``)."""

    reason: Line = Field(min_length=1, max_length=300, description="Why it was called off.")
    on: Day | None = Field(default=None, description="The date it was called off.")


class Group(Frozen):
    """People at an item who are not people of the visit: "about 300 pupils", "the
    business delegation (40)". They count against the venue's capacity."""

    label: Line = Field(min_length=1, max_length=200, description="As the programme says it.")
    count: int = Field(ge=1, le=100_000, description="How many (an estimate: 'about 300').")


class Item(Frozen):
    """A programme item (engagement)."""

    id: Id
    title: Line = Field(min_length=1, max_length=300)
    kind: ItemKind
    custom_kind: Line | None = Field(
        default=None, max_length=80, description="Name of a custom kind."
    )
    duration: Minutes = Field(
        description="Minutes; 0 for a moment of its own between items (the motorcade "
        "departs 15:50): its attendees are there then, and not elsewhere."
    )
    attendees: tuple[Id, ...] = Field(default=(), description="People who must attend.")
    optional_attendees: tuple[Id, ...] = ()
    venue: Id | None = None
    candidate_venues: tuple[Id, ...] = Field(default=(), description="The solver picks one.")
    arrival_venue: Id | None = Field(
        default=None,
        description="Where it ends, if not where it starts: a movement's arrival (the "
        "airport, the station, the landing zone) or another pier, the far side of a square.",
    )
    window: Annotated[
        Window | None,
        BeforeValidator(_day_part_shorthand, json_schema_input_type=Window | DayPartName | None),
    ] = Field(
        default=None,
        description="Its bounds ('earliest_start', 'latest_start', 'earliest_end', "
        "'latest_end'), or a part of the day ('morning'), or both.",
    )
    days: tuple[Day, ...] = Field(default=(), description="Days it may take place; empty: any.")
    pinned: WallTime | None = Field(default=None, description="Fixed start (host or timetable).")
    arrives: WallTime | None = Field(
        default=None,
        description="Fixed end, on the clock where it ends (a timetable's arrival; a flight "
        "known by its landing time). With 'pinned' too, the duration must match.",
    )
    around: Around | None = Field(
        default=None,
        description="The time the office wrote 'around': it starts within 'tolerance' of "
        "it, as close as it can.",
    )
    tolerance: Tolerance | None = Field(
        default=None,
        description=f"Minutes either side of 'around' (default {DEFAULT_TOLERANCE}), or '1h'.",
    )
    service: Service | None = Field(
        default=None, description="Movements: the flight or train, platform, coach, aircraft."
    )
    seats: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="Movements: places reserved for the delegation (seats on the aircraft, "
        "in the reserved coaches); its attendees must fit.",
    )
    order: tuple[Order, ...] = ()
    holding: Minutes | None = Field(
        default=None, description="Minutes the attendees must be on site before the start."
    )
    optional: bool = False
    priority: int | None = Field(
        default=None, ge=1, le=10, description="Optional items: 10 = keep most."
    )
    cancelled: bool | Cancellation = Field(
        default=False,
        description="Called off: true, or {reason, on} (why, and the date it was called off).",
    )
    tier: Tier = Tier.DELEGATION
    press: PressAccess = PressAccess.CLOSED
    public_time: PublicTime = PublicTime.EXACT
    dress: Line | None = Field(default=None, max_length=200)
    dress_by: tuple[Dress, ...] = Field(
        default=(),
        description="Dress per side or person where it differs ('host': dark suit; a "
        "spouse: long dress): a person's own entry first, then their side's.",
    )
    notes: Paragraphs | None = Field(default=None, max_length=4000)
    provenance: Provenance
    milestones: tuple[Milestone, ...] = Field(
        default=(), description="Moments within it: {title, at: 'HH:MM' or after: minutes}."
    )
    tentative: bool = Field(
        default=False,
        description="Planned like any other item but not yet confirmed: every output says so.",
    )
    tags: tuple[Id, ...] = Field(
        default=(), description="Labels to select items by ('planner cancel --tag')."
    )
    public_title: Line | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="The title the audiences below 'disclosed_from' are given ('Private "
        "dinner (closed press)'): they learn nothing of the real one.",
    )
    public_venue: Line | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Where those audiences are told it is: a venue id of the visit, or a "
        "place in words ('Baku'), with no address.",
    )
    disclosed_from: Tier | None = Field(
        default=None,
        description="The lowest tier shown the real title, venue, groups and hosts when a "
        "public version is given (default delegation); it must be above 'tier'.",
    )
    guests: tuple[Group, ...] = Field(
        default=(),
        max_length=50,
        description="Groups that are not people of the visit ('about 300 pupils'): they "
        "count against the venue's capacity.",
    )
    hosted_by: tuple[Annotated[Line, Field(min_length=1, max_length=200)], ...] = Field(
        default=(),
        max_length=20,
        description="Host organisations ('the Azerbaijani-German Chamber of Commerce').",
    )
    provenance_of: Annotated[dict[str, Provenance], AfterValidator(field_sources)] = Field(
        default_factory=FieldSources,
        description="Where a field's source differs from the item's 'provenance' (a time "
        "cited, its duration assumed), by field name: duration, pinned, venue, …",
    )

    @model_validator(mode="after")
    def _published(self) -> Item:
        """The public version, groups and per-field provenance."""
        public = self.public_title is not None or self.public_venue is not None
        if self.disclosed_from is not None and not public:
            raise ValueError(
                "'disclosed_from' is the tier from which the real title and venue are shown "
                "instead of 'public_title' or 'public_venue': give one of them"
            )
        if public and self.real_from.rank <= self.tier.rank:
            raise ValueError(
                f"a public version ('public_title', 'public_venue') is for the tiers below "
                f"'disclosed_from' ({self.real_from.value}), but the item's tier is "
                f"{self.tier.value}: nobody would see it; lower 'tier' (who sees the item at "
                "all) or raise 'disclosed_from'"
            )
        return self

    @field_validator("provenance_of")
    @classmethod
    def _known_fields(cls, value: dict[str, Provenance]) -> dict[str, Provenance]:
        for name in value:
            if name not in PROVENANCE_FIELDS:
                raise ValueError(
                    f"names no field of an item: '{name}'"
                    + (
                        did_you_mean(name, PROVENANCE_FIELDS)
                        or f" (one of {', '.join(PROVENANCE_FIELDS)})"
                    )
                )
        return value

    @property
    def real_from(self) -> Tier:
        """The lowest tier shown the real title and venue (the item's own tier when it
        has no public version)."""
        if self.public_title is None and self.public_venue is None:
            return self.tier
        return self.disclosed_from or Tier.DELEGATION

    @property
    def headcount(self) -> int:
        """How many people are there: the attendees and the groups (venue capacity)."""
        return len(self.attendees) + self.group_count

    @property
    def group_count(self) -> int:
        return sum(g.count for g in self.guests)

    def provenance_for(self, name: str) -> Provenance:
        """Where the item's field ``name`` comes from: its own entry in 'provenance_of', or
        the item's."""
        return self.provenance_of.get(name, self.provenance)

    @model_validator(mode="after")
    def _coherent(self) -> Item:
        if self.kind is ItemKind.CUSTOM and not self.custom_kind:
            raise ValueError("kind 'custom' needs 'custom_kind' (its name)")
        if self.kind is not ItemKind.CUSTOM and self.custom_kind:
            raise ValueError("'custom_kind' is only for kind 'custom'")
        if self.venue and self.candidate_venues:
            raise ValueError("give 'venue' or 'candidate_venues', not both")
        if not self.venue and not self.candidate_venues:
            raise ValueError("an item needs a 'venue' (or 'candidate_venues')")
        if self.priority is not None and not self.optional:
            raise ValueError("'priority' is only for optional items; add 'optional: true'")
        if self.around is not None and self.is_pinned:
            fixed = "pinned" if self.pinned is not None else "arrives"
            raise ValueError(
                f"give 'around' or '{fixed}', not both: 'around' is a time the item may "
                f"leave by its tolerance, '{fixed}' one it keeps"
            )
        if self.tolerance is not None and self.around is None:
            raise ValueError("'tolerance' is the margin of an 'around' time: give 'around' too")
        mode = self.mode
        if mode in GOES_ELSEWHERE and not self.arrival_venue:
            where = "the airport it lands at" if mode is Mode.FLIGHT else "where it arrives"
            raise ValueError(f"a {mode.value} needs 'arrival_venue' ({where})")
        if self.arrival_venue and not self.venue:
            raise ValueError("an item that ends elsewhere starts at one 'venue', not candidates")
        if self.arrival_venue and self.arrival_venue == self.venue:
            raise ValueError(
                "'arrival_venue' is where it ends when that is another venue: leave it out"
            )
        for name in ("service", "seats"):
            if getattr(self, name) is not None and mode is None:
                raise ValueError(
                    f"'{name}' is only for movements (kind flight, train, helicopter, "
                    "motorcade, boat or walk)"
                )
        self._moment_rules()
        return self

    def _moment_rules(self) -> None:
        """Zero-length items (moments), milestones and the status flags."""
        if self.duration == 0:
            if self.moves or self.arrives is not None:
                raise ValueError(
                    "a moment (duration 0) happens at one place and time: give it no "
                    "'arrival_venue' nor 'arrives', or give it a duration"
                )
            if self.milestones:
                raise ValueError(
                    "a moment (duration 0) has no milestones: it is one; give it a duration"
                )
        for n, milestone in enumerate(self.milestones, 1):
            if milestone.after is not None and milestone.after > self.duration:
                raise ValueError(
                    f"milestone {n} ('{milestone.title}') comes {milestone.after} min after the "
                    f"start, after the item's end ({self.duration} min); shorten the offset or "
                    "lengthen the item"
                )
            if milestone.tier is not None and milestone.tier.rank < self.tier.rank:
                raise ValueError(
                    f"milestone {n} ('{milestone.title}') has tier '{milestone.tier.value}', "
                    f"below its item's '{self.tier.value}': an audience that may not see the "
                    "item sees none of its milestones; leave its tier out or raise it"
                )
        if self.tentative and self.cancelled:
            raise ValueError("an item is 'tentative' or 'cancelled', not both")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled is not False

    @property
    def cancellation(self) -> Cancellation | None:
        """Why and when it was called off, where the file says so."""
        return self.cancelled if isinstance(self.cancelled, Cancellation) else None

    def milestone_tier(self, milestone: Milestone) -> Tier:
        return milestone.tier or self.tier

    @property
    def holding_minutes(self) -> int:
        """Minutes the attendees must be on site before the start when they come from
        another venue: as given, else 10 for ceremonies and 0 otherwise."""
        if self.holding is not None:
            return self.holding
        return DEFAULT_CEREMONY_HOLDING if self.kind in CEREMONIES else 0

    @property
    def around_tolerance(self) -> int:
        """Minutes either side of ``around``: as given, else 15."""
        return DEFAULT_TOLERANCE if self.tolerance is None else self.tolerance

    @property
    def mode(self) -> Mode | None:
        """The mode of a movement (its kind), None for other items."""
        return _MODES.get(self.kind.value)

    @property
    def moves(self) -> bool:
        """Whether it ends at another venue than it starts (a movement, a cruise)."""
        return self.arrival_venue is not None

    @property
    def is_pinned(self) -> bool:
        """Whether its start or its end is fixed (``pinned``, ``arrives``)."""
        return self.pinned is not None or self.arrives is not None

    @property
    def venues(self) -> tuple[str, ...]:
        return (self.venue,) if self.venue else self.candidate_venues

    @property
    def kind_label(self) -> str:
        return (
            self.custom_kind
            if self.kind is ItemKind.CUSTOM and self.custom_kind
            else self.kind.label
        )

    def dress_for(self, person: str, side: str) -> str | None:
        """What ``person`` (of ``side``, 'guest' or 'host') wears at it."""
        own = next((d.dress for d in self.dress_by if d.who == person), None)
        return own or next((d.dress for d in self.dress_by if d.who == side), self.dress)

    @property
    def everyone(self) -> tuple[str, ...]:
        return self.attendees + tuple(p for p in self.optional_attendees if p not in self.attendees)


_MODES = {m.value: m for m in Mode}


def milestone_start(milestone: Milestone, start: pendulum.DateTime, zone: str) -> pendulum.DateTime:
    """When a milestone takes place for an item that starts at ``start`` (``zone``: the
    clock where it starts): its offset after the start, or the first instant at or after
    the start when that clock shows its time of day (the earlier reading of a time a
    daylight-saving change makes ambiguous, the one after a skipped hour)."""
    if milestone.at is None:
        return start.add(minutes=milestone.after or 0)
    local = start.in_timezone(zone)
    day = local.date()
    for shift in (0, 1):
        midnight = datetime.combine(day + timedelta(days=shift), time())
        naive = midnight + timedelta(minutes=milestone.at.minutes)
        found = pendulum.instance(naive.replace(tzinfo=ZoneInfo(zone), fold=0)).in_timezone(zone)
        if found >= start:
            return found
    return found


# the fields of an item that are facts with a source ('provenance_of')
PROVENANCE_FIELDS = tuple(
    name
    for name in Item.model_fields
    if name not in ("id", "provenance", "provenance_of", "optional", "priority")
)
