"""Who may see what: the views of a plan that each audience receives.

Every output (calendars, programmes, itineraries, change notices) is built from these
views and from nothing else of the items. What each reader is shown is decided in one
place, ``planner.disclosure``, which the plan's bookkeeping uses too (so a SEQUENCE, a
LAST-MODIFIED, a DTSTAMP and a version shown to a reader move only when something that
reader can see changed); this module gives the exports its names and the file names.

A view is made by copying the fields an audience may see — an allow-list — never by
deleting fields from a fuller record, so an item above an audience's tier contributes
nothing at all: not its title, venue, time, identifier, nor a travel leg around it; a
venue or person above it is not named.

Tiers (public < press < delegation < restricted) decide which items, venues and people an
audience sees; within the public tier, an item may give only a coarse time ("morning of
30 May"); only the protocol office's copy (``full``) keeps citation markers ("[S6]").
"""

from __future__ import annotations

import re
import unicodedata

from planner.disclosure import (
    DAY_PARTS,
    DELEGATION,
    FULL,
    GROUPS,
    PUBLIC,
    UID_NAMESPACE,
    Audience,
    Index,
    ItemView,
    Leg,
    day_part,
    event_uid,
    for_person,
    readers,
    strip_citations,
    views,
    visible,
)

__all__ = [
    "DAY_PARTS",
    "DELEGATION",
    "FULL",
    "GROUPS",
    "PUBLIC",
    "UID_NAMESPACE",
    "Audience",
    "Index",
    "ItemView",
    "Leg",
    "day_part",
    "event_uid",
    "for_person",
    "readers",
    "slug",
    "strip_citations",
    "views",
    "visible",
]

_UNSAFE = re.compile(r"[^a-z0-9-]+")


def slug(text: str, fallback: str) -> str:
    """A file name from a person's id or name: ASCII letters, digits and hyphens only, so
    it can never leave the output folder (no '/', '..', absolute paths or odd Unicode)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("-", folded.lower()).strip("-")[:60].strip("-")
    return cleaned or _UNSAFE.sub("-", fallback.lower()).strip("-") or "person"
