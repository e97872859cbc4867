"""Soft goals and their weights, all in one place.

Each goal adds terms to the objective (lower is better) and is reported as one score line
of the solve. Weights are per unit of the goal's measure, so that the order of importance
is: keep high-priority optional items ≫ host conventions ≫ times of day ≫ a lunch for
principals, spouses and ministers ≫ buffers before pinned items and departures ≫ rest
after four hours, humane days (no early starts or late ends; no day longer than 12 hours
for principals, spouses and ministers) ≫ optional attendees joining what they are invited
to ≫ no holes in a day ≫ the day's rhythm (no flexible item before 09:00) and motorcade
minutes. Hard rules (customary times of day unless the visit softens them) are not here:
they are never traded.

In an edit (a plan exists), the fewest moved items and the smallest total shift come
first, lexicographically (two solves); these goals only break the remaining ties.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.model.breaks import HOLE_MINUTES

DROP_OPTIONAL = 1000  # per priority point of an optional item left out (priority 1–10)
CONVENTION = 20  # times the convention's own weight, per violated pair of items
TIME_OF_DAY = 30  # times the convention's weight, per item outside its preferred hours
BUFFER_MINUTES = 15  # wanted slack before pinned items, departures and flights
BUFFER = 4  # per minute of slack missing, per person
BUFFER_PRINCIPAL = 10  # the same for a principal (whom the whole party waits for)
HUMANE_EARLY = "08:00"  # starting earlier than this, or
HUMANE_LATE = "22:00"  # ending later than this (local) costs per minute:
HUMANE = 2
MOTORCADE = 1  # per minute of travel, per person
LONG_DAY_HOURS = 12  # a principal's, spouse's or minister's day longer than this, first
LONG_DAY = 3  # item to last, costs per minute beyond it

LUNCH = 300  # per day a principal, spouse or minister has no lunch item nor a free
# 45 min between 11:30 and 14:30 (planner.model.breaks; waived by the visit's `meals`)
REST = 3  # per minute of a principal's or spouse's stretch of items beyond
# 4 h without a pause of 30 min (a lunch, a flight or a train is a pause)
IDLE_AFTER_MINUTES = HOLE_MINUTES  # (90) a hole between two items of the same day longer than this,
IDLE = 2  # per minute beyond it, per principal
RHYTHM_START = "09:00"  # a flexible item of a principal, spouse or minister starting
# before this (local) costs per minute:
RHYTHM = 1
JOIN = 8  # per priority point (10 for a required item) of an item an optional attendee
# is invited to and does not join
JOIN_DAY_ROLES = 2  # times this for principals, spouses and ministers

DEFAULT_PRIORITY = 5

# an item written "around 10:15" starts within its tolerance (a hard rule), and each
# minute away from the time written costs this: 15 min away weigh as much as an item
# outside a preferred time of day (weight 5), more than a buffer of 15 min missing for
# one person, so the office's time is kept unless people or conventions need it moved
AROUND = 10

GOAL_NAMES = {
    "dropped": "optional items left out",
    "convention": "host conventions not followed",
    "time_of_day": "items outside their preferred time of day",
    "around": "minutes away from the times written 'around'",
    "buffer": "minutes of buffer missing before pinned items and departures",
    "humane": "minutes before 08:00 or after 22:00",
    "long_day": "minutes of principals', spouses' and ministers' days beyond 12 hours",
    "motorcade": "motorcade minutes (summed over people)",
    "lunch": "days of principals, spouses and ministers without lunch",
    "rest": "minutes of guest principals' and spouses' stretches beyond 4 h without rest",
    "idle": "minutes of holes beyond 90 min in guest principals' and spouses' days",
    "rhythm": "minutes of principals', spouses' and ministers' flexible items before 09:00",
    "joined": "invitations of optional attendees not taken",
}


@dataclass(frozen=True)
class ScoreLine:
    goal: str
    measure: int  # in the goal's own unit (items, minutes, violations)
    penalty: int  # contribution to the objective

    def __str__(self) -> str:
        return f"{GOAL_NAMES.get(self.goal, self.goal)}: {self.measure} (penalty {self.penalty})"
