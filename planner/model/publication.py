"""Who may see an item: publication tiers, clearances and press access."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """Publication tier of an item, and clearance of a person (ordered, lowest first)."""

    PUBLIC = "public"  # press release, public programme
    PRESS = "press"  # media advisory
    DELEGATION = "delegation"  # per-person itineraries with clock times
    RESTRICTED = "restricted"  # movement scenario: routes, holding rooms, movement times
    # items (and venues) only: planned, but in no output of `planner generate`, not even
    # the protocol office's full copy, unless the office asks for them (--off-record)
    OFF_RECORD = "off_record"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, other: Tier) -> bool:
        """Whether an audience at this tier may see an item at ``other``."""
        return other.rank <= self.rank


_RANK = {tier: n for n, tier in enumerate(Tier)}

# the tiers a person's clearance or own tier, and a day note, may have: off_record is for
# items and venues (no reader has it: the office asks for its off-record copy by name)
READER_TIERS = tuple(t for t in Tier if t is not Tier.OFF_RECORD)


def reader_tier(tier: Tier) -> Tier:
    """A person's clearance or tier, or a day note's tier: any but off_record."""
    if tier is Tier.OFF_RECORD:
        raise ValueError(
            "'off_record' is a tier of items and venues only: no reader has it (use "
            "'restricted', the protocol office's)"
        )
    return tier


class PressAccess(StrEnum):
    OPEN = "open"
    POOL = "pool"
    SPRAY = "spray"  # brief pool photo opportunity
    CLOSED = "closed"


class PublicTime(StrEnum):
    """How precisely the public programme may give an item's time."""

    EXACT = "exact"
    DAY_PART = "day_part"  # "morning of 30 May"
    DATE = "date"  # "30 May"
