"""Host protocol conventions: ordering and time-of-day customs, hard or soft.

Each host country has a template of customs (recorded in shared research, domain.md §1.3
and §9); a visit inherits its host's template and may switch a rule off, soften or harden
it, or add its own rules under a new id.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from planner.model.base import Frozen, Id
from planner.model.clock import ClockTime
from planner.model.items import MEMORIALS, ItemKind
from planner.model.text import Line


class Strength(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    OFF = "off"


class OrderConvention(Frozen):
    """Items of the ``first`` kinds come before items of the ``then`` kinds."""

    rule: Literal["order"] = "order"
    id: Id
    description: Line = Field(min_length=3, max_length=500)
    first: tuple[ItemKind, ...] = Field(min_length=1)
    then: tuple[ItemKind, ...] = Field(min_length=1)
    same_day_only: bool = Field(default=True, description="Only compare items on the same day.")
    strength: Strength = Strength.SOFT
    weight: int = Field(default=10, ge=1, le=1000)
    source: Line | None = Field(default=None, max_length=300)
    cities: tuple[Id, ...] = Field(
        default=(), description="The cities where it applies (a tour's leg); empty: all."
    )


class TimeOfDayConvention(Frozen):
    """Items of these kinds start within the customary hours: a rule the scheduler keeps
    (hard) unless the rule or the visit's override says it is only a preference (soft)."""

    rule: Literal["time_of_day"] = "time_of_day"
    id: Id
    description: Line = Field(min_length=3, max_length=500)
    kinds: tuple[ItemKind, ...] = Field(min_length=1)
    start_from: ClockTime
    start_until: ClockTime
    strength: Strength = Strength.HARD
    weight: int = Field(default=5, ge=1, le=1000)
    source: Line | None = Field(default=None, max_length=300)
    cities: tuple[Id, ...] = Field(
        default=(), description="The cities where it applies (a tour's leg); empty: all."
    )

    @model_validator(mode="after")
    def _ordered(self) -> TimeOfDayConvention:
        if self.start_until < self.start_from:
            raise ValueError(
                f"start_until {self.start_until} is before start_from {self.start_from}"
            )
        return self


class Override(Frozen):
    """Changes the strength (or weight) of an inherited convention."""

    rule: Literal["override"] = "override"
    id: Id
    strength: Strength
    weight: int | None = Field(default=None, ge=1, le=1000)
    reason: Line = Field(min_length=3, max_length=1000)


Convention = Annotated[
    OrderConvention | TimeOfDayConvention | Override, Field(discriminator="rule")
]
Rule = OrderConvention | TimeOfDayConvention

_MEMORIALS = tuple(kind for kind in ItemKind if kind in MEMORIALS)  # in the enum's order
_TALKS = (ItemKind.ONE_ON_ONE_TALKS, ItemKind.EXPANDED_TALKS)

_COMMON: tuple[Rule, ...] = (
    OrderConvention(
        id="one-on-one-before-expanded",
        description="one-on-one talks come before the expanded talks",
        first=(ItemKind.ONE_ON_ONE_TALKS,),
        then=(ItemKind.EXPANDED_TALKS,),
        strength=Strength.HARD,
        source="domain research §1.2, §9 Q2",
    ),
    OrderConvention(
        id="talks-before-signing",
        description="talks come before the signing of agreements",
        first=_TALKS,
        then=(ItemKind.AGREEMENT_SIGNING,),
        strength=Strength.SOFT,
        weight=20,
        source="domain research §9 Q2",
    ),
    OrderConvention(
        id="signing-before-press",
        description="the signing comes before the press statements",
        first=(ItemKind.AGREEMENT_SIGNING,),
        then=(ItemKind.PRESS_STATEMENTS,),
        strength=Strength.SOFT,
        weight=20,
        source="domain research §9 Q2",
    ),
    OrderConvention(
        id="welcome-before-talks",
        description="the official welcome comes before the talks",
        first=(ItemKind.OFFICIAL_WELCOME,),
        then=_TALKS,
        strength=Strength.HARD,
        source="domain research §1.2",
    ),
    TimeOfDayConvention(
        id="banquet-in-the-evening",
        description="the banquet starts in the evening",
        kinds=(ItemKind.BANQUET,),
        start_from=ClockTime(19 * 60),
        start_until=ClockTime(21 * 60),
        source="domain research §2, §9 T4",
    ),
    TimeOfDayConvention(
        id="welcome-by-day",
        description="the official welcome takes place in the morning or early afternoon",
        kinds=(ItemKind.OFFICIAL_WELCOME,),
        start_from=ClockTime(8 * 60),
        start_until=ClockTime(15 * 60),
        source="domain research: Delhi 12:00 [S75], London about noon [S25], Dublin [S68]",
    ),
    TimeOfDayConvention(
        id="memorials-by-day",
        description="wreaths are laid and memorials visited by day",
        kinds=_MEMORIALS,
        start_from=ClockTime(8 * 60),
        start_until=ClockTime(19 * 60),
        source="domain research: Ankara 09:00 [S78], Delhi 12:40 [S75], Dublin 15:15 [S68]",
    ),
    TimeOfDayConvention(
        id="midday-lunch",
        description="lunch starts around midday",
        kinds=(ItemKind.LUNCH,),
        start_from=ClockTime(11 * 60 + 30),
        start_until=ClockTime(14 * 60),
        strength=Strength.SOFT,
        source="domain research: Delhi 13:30 [S75], London after the welcome [S25]",
    ),
)

HOST_TEMPLATES: dict[str, tuple[Rule, ...]] = {
    "AZ": (
        *_COMMON,
        OrderConvention(
            id="memorials-before-welcome",
            description="in Baku, the guest lays wreaths at the Alley of Honour and the Alley "
            "of Martyrs before the official welcome",
            first=_MEMORIALS,
            then=(ItemKind.OFFICIAL_WELCOME,),
            strength=Strength.SOFT,
            weight=30,
            source="domain research §1.3 [S11][S12][S16]",
        ),
        TimeOfDayConvention(
            id="memorials-in-the-morning",
            description="in Baku, wreath-layings take place in the morning",
            kinds=_MEMORIALS,
            start_from=ClockTime(8 * 60),
            start_until=ClockTime(12 * 60),
            source="domain research §1.3 [S11]",
        ),
    ),
    "TR": (
        *_COMMON,
        OrderConvention(
            id="anitkabir-first",
            description="in Ankara, the wreath at Anıtkabir comes before the welcome",
            first=_MEMORIALS,
            then=(ItemKind.OFFICIAL_WELCOME,),
            strength=Strength.SOFT,
            weight=30,
            source="domain research §1.3 [S78][S79]",
        ),
    ),
    "IN": (
        *_COMMON,
        OrderConvention(
            id="welcome-before-rajghat",
            description="in New Delhi, the forecourt welcome comes before the wreath at Rajghat",
            first=(ItemKind.OFFICIAL_WELCOME,),
            then=_MEMORIALS,
            strength=Strength.SOFT,
            weight=30,
            source="domain research §1.3 [S75]",
        ),
    ),
    "GB": (
        *_COMMON,
        OrderConvention(
            id="welcome-before-wreath",
            description="in London, the ceremonial welcome comes before the Abbey wreath",
            first=(ItemKind.OFFICIAL_WELCOME,),
            then=_MEMORIALS,
            same_day_only=False,
            strength=Strength.SOFT,
            weight=30,
            source="domain research §1.3 [S23][S25]",
        ),
    ),
}


def host_template(country: str) -> tuple[Rule, ...]:
    return HOST_TEMPLATES.get(country, _COMMON)
