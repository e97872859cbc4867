"""What changed for whom: two plans compared item by item, told to each person in plain
words ("Agreement signing moved from 11:00 to 11:30 (same venue)").

Each person hears only about what they may see: both plans are looked at through the
person's own views (planner.export.tiers), at their clearance, so an item above it, or a
time they are only told coarsely, never shows through a change. Items they attend now or
attended before count; other people's items do not.
"""

from __future__ import annotations

import re

from planner.export.programme import attendees_by_precedence, hm
from planner.export.tiers import Audience, ItemView, for_person, views, visible
from planner.model.clock import tz
from planner.model.people import Person
from planner.model.visit import Visit
from planner.plan import Plan, Status


def _local(view: ItemView) -> tuple[str, str] | None:
    """(date, clock) of the start at the venue, e.g. ('31 May', '16:00'); None without an
    exact time."""
    if view.start is None:
        return None
    local = view.start.in_timezone(tz(view.zone))
    return f"{local.day} {local:%B}", hm(local)


def when(view: ItemView) -> str:
    """'31 May 16:00', or the coarse time as given ('morning of 30 May')."""
    if view.coarse is not None:
        return view.coarse
    local = _local(view)
    return f"{local[0]} {local[1]}" if local else "time to be announced"


def _end(view: ItemView) -> str | None:
    if view.end is None:
        return None
    return hm(view.end.in_timezone(tz(view.end_zone)))


def _moved(old: ItemView, new: ItemView) -> tuple[str, str]:
    """The old and new start as the reader should compare them: clock times alone on the
    same day, with the date where the day changed."""
    a, b = _local(old), _local(new)
    if a is None or b is None:
        return when(old), when(new)
    if a[0] == b[0]:
        return a[1], b[1]
    return f"{a[0]} {a[1]}", f"{b[0]} {b[1]}"


def _same_time(old: ItemView, new: ItemView) -> bool:
    if old.coarse is not None or new.coarse is not None:
        return old.coarse == new.coarse and (old.start is None) == (new.start is None)
    return old.start == new.start


def item_sentence(old: ItemView, new: ItemView) -> str | None:
    """The change of one item both plans have for the reader (None: nothing they see)."""
    title = new.title
    same_time = _same_time(old, new)
    same_venue = old.venue == new.venue
    if not same_time:
        before, after = _moved(old, new)
        if same_venue:
            return f"{title} moved from {before} to {after} (same venue)"
        return f"{title} moved from {before} at {old.venue} to {after} at {new.venue}"
    if not same_venue:
        return f"{title} moved from {old.venue} to {new.venue} (same time, {when(new)})"
    if old.coarse is None and new.coarse is None and old.end != new.end:
        ended, ends = _end(old), _end(new)
        if ended and ends:
            return f"{title} now ends at {ends} (was {ended})"
    return None


def usable(visit: Visit, plan: Plan) -> Plan:
    """The plan without items the visit cannot describe any more (an item, venue or
    airport removed from the visit file since): they are left out rather than guessed."""
    keep = tuple(
        p
        for p in plan.items
        if p.id in visit.item
        and all(v in visit.venue for v in (p.venue, p.arrival_venue) if v is not None)
        and all(v in visit.venue for v in visit.item[p.id].venues)
    )
    return plan if len(keep) == len(plan.items) else plan.model_copy(update={"items": keep})


def sentences_for(visit: Visit, old: Plan, new: Plan, person: Person) -> list[str]:
    """What changed for ``person`` between ``old`` and ``new``, in time order of the new
    plan (then the items that left it)."""
    old, new = usable(visit, old), usable(visit, new)
    mine = for_person(person)
    tier = Audience(f"tier-{person.clearance.value}", person.clearance)
    old_mine = {v.item_id: v for v in views(visit, old, mine)}
    new_mine = {v.item_id: v for v in views(visit, new, mine)}
    # the items of the plan the person may see at all, attended or not: id -> cancelled
    old_seen = {p.id: p.status is Status.CANCELLED for p in visible(visit, old, tier)}
    new_seen = {p.id: p.status is Status.CANCELLED for p in visible(visit, new, tier)}
    result: list[str] = []
    for item_id, now in new_mine.items():
        was = old_mine.get(item_id)
        if now.cancelled:
            if was is not None and not was.cancelled:
                result.append(f"{now.title} cancelled")
            continue
        if was is None:
            if old_seen.get(item_id, True):  # not seen, or seen cancelled
                result.append(f"New: {now.title}, {when(now)}")
            else:
                result.append(f"You now attend {now.title}, {when(now)}")
            continue
        if was.cancelled:
            result.append(f"{now.title} is back in the programme, {when(now)}")
            continue
        sentence = item_sentence(was, now)
        if sentence:
            result.append(sentence)
    for item_id, was in old_mine.items():
        if item_id in new_mine or was.cancelled:
            continue
        cancelled = new_seen.get(item_id)
        if cancelled is None:
            result.append(f"{was.title} is no longer in the programme")
        elif cancelled:
            result.append(f"{was.title} cancelled")
        else:
            result.append(f"You no longer attend {was.title}")
    return result


def person_changes(visit: Visit, old: Plan, new: Plan) -> list[tuple[Person, list[str]]]:
    """Each person with changes, in precedence order (guests first), and what changed."""
    result = []
    for person in attendees_by_precedence(visit, [p.id for p in visit.people]):
        sentences = sentences_for(visit, old, new, person)
        if sentences:
            result.append((person, sentences))
    return result


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _plain(text: str) -> str:
    """Safe on a terminal: no control characters (escape sequences) from a visit file."""
    return _CONTROL.sub(" ", text)


def changes_text(visit: Visit, old: Plan | None, new: Plan) -> str:
    """The same as changes_markdown, as plain text for a terminal."""
    if old is None:
        return f"First version of the programme (plan version {new.version}).\n"
    lines = [f"Plan version {old.version} → {new.version}"]
    found = person_changes(visit, old, new)
    if not found:
        lines.append("No changes.")
    for person, sentences in found:
        lines.append("")
        lines.append(f"{_plain(person.name)}:")
        lines += [f"  - {_plain(s)}" for s in sentences]
    return "\n".join(lines) + "\n"
