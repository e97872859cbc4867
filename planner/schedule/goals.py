"""Soft goals and their weights, all in one place.

Each goal adds terms to the objective (lower is better) and is reported as one score line
of the solve. Weights are per unit of the goal's measure, so that the order of importance
is: keep high-priority optional items ≫ host conventions ≫ times of day ≫ buffers before
pinned items and departures ≫ humane days (no early starts or late ends; no day longer
than 12 hours for principals, spouses and ministers) ≫ motorcade minutes.

In an edit (a plan exists), the fewest moved items and the smallest total shift come
first, lexicographically (two solves); these goals only break the remaining ties.
"""

from __future__ import annotations

from dataclasses import dataclass

DROP_OPTIONAL = 1000  # per priority point of an optional item left out (priority 1–10)
CONVENTION = 20  # times the convention's own weight, per violated pair of items
TIME_OF_DAY = 30  # times the convention's weight, per item outside its preferred hours
BUFFER_MINUTES = 15  # wanted slack before pinned items, departures and flights
BUFFER = 4  # per minute of slack missing, per person
HUMANE_EARLY = "08:00"  # starting earlier than this, or
HUMANE_LATE = "22:00"  # ending later than this (local) costs per minute:
HUMANE = 2
MOTORCADE = 1  # per minute of travel, per person
LONG_DAY_HOURS = 12  # a principal's, spouse's or minister's day longer than this, first
LONG_DAY = 3  # item to last, costs per minute beyond it

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
}


@dataclass(frozen=True)
class ScoreLine:
    goal: str
    measure: int  # in the goal's own unit (items, minutes, violations)
    penalty: int  # contribution to the objective

    def __str__(self) -> str:
        return f"{GOAL_NAMES.get(self.goal, self.goal)}: {self.measure} (penalty {self.penalty})"
