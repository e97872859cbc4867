"""Who may see an item: publication tiers, clearances and press access."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """Publication tier of an item, and clearance of a person (ordered, lowest first)."""

    PUBLIC = "public"  # press release, public programme
    PRESS = "press"  # media advisory
    DELEGATION = "delegation"  # per-person itineraries with clock times
    RESTRICTED = "restricted"  # movement scenario: routes, holding rooms, movement times

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, other: Tier) -> bool:
        """Whether an audience at this tier may see an item at ``other``."""
        return other.rank <= self.rank


_RANK = {tier: n for n, tier in enumerate(Tier)}


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
