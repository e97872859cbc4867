"""What changed, told to each reader in plain words ("Agreement signing moved from 11:00
to 11:30 (same venue)").

Every reader gets a notice of their own, holding only what they may see: the press and
public and the delegation one about the programme as they receive it, each person one
about their own items at their clearance, the protocol office (``full``) one about the
whole programme with what each person was told. Both plans are looked at through the
reader's own views (planner.export.tiers), so an item above their tier, a venue or a
person they may not know of, or a time they are only told coarsely, never shows through a
change. A person hears of the items they attend now or attended before; other people's
items do not count.

A notice is kept in plan.json with the version of the reader it was written for: while a
reader's version stays the same (nothing they can see changed), their notice stays the
same too, byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import Field

from planner.disclosure import content
from planner.export.programme import attendees_by_precedence, hm, moment_texts
from planner.export.tiers import (
    FULL,
    Audience,
    Index,
    ItemView,
    Leg,
    for_person,
    readers,
    views,
)
from planner.model.base import Frozen
from planner.model.clock import length_text, tz
from planner.model.people import Person
from planner.model.publication import PressAccess, Tier
from planner.model.visit import Visit
from planner.plan import Plan, Status

PRESS_WORDS = {
    "open": "open to the press",
    "pool": "press pool",
    "spray": "photo spray (brief pool)",
    "closed": "closed to the press",
}


class Told(Frozen):
    """What one person was told (in the protocol office's notice)."""

    person: str
    name: str
    lines: tuple[str, ...]


class Notice(Frozen):
    """One reader's notice of what changed: from their version ``since`` (None: this is
    the first programme they receive) to their version ``version``."""

    reader: str
    since: int | None = None
    version: int
    lines: tuple[str, ...] = ()
    people: tuple[Told, ...] = Field(
        default=(), description="The protocol office's notice: what each person was told."
    )


# -- one item, as the reader sees it -----------------------------------------------------


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


def _same_venue(old: ItemView, new: ItemView) -> bool:
    """The same place (perhaps renamed), or both places not published."""
    if old.venue_id is not None or new.venue_id is not None:
        return old.venue_id == new.venue_id
    return old.venue == new.venue


def item_sentence(old: ItemView, new: ItemView) -> str | None:
    """The move of one item both plans have for the reader (None: it did not move)."""
    title = new.title
    same_time = _same_time(old, new)
    same_venue = _same_venue(old, new)
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


def _names(names: Sequence[str]) -> str:
    return ", ".join(names)


@dataclass(frozen=True)
class Earlier:
    """What the older plan kept of an item's texts, as the reader was shown them (the views
    of both plans take the texts from today's visit file), and which groups of what the
    reader was shown changed since (planner.disclosure.PARTS; None: it cannot be told)."""

    title: str | None
    kind: str | None
    press: PressAccess | None
    tier: Tier | None
    parts: frozenset[str] | None


NOTHING_KEPT = Earlier(None, None, None, None, None)


def item_sentences(
    old: ItemView, new: ItemView, own: str | None = None, earlier: Earlier = NOTHING_KEPT
) -> list[str]:
    """Everything that changed of one item the reader sees in both plans, one sentence
    each: title, time and place, who attends (but the reader), what it is, dress, press,
    notes, the venue's details, the journeys before it; never nothing when what the reader
    is shown of the item changed."""
    title = new.title
    parts = earlier.parts
    result: list[str] = []
    if earlier.title is not None and earlier.title != new.title:
        result.append(f"{earlier.title} is now called {new.title}")
    moved = item_sentence(old, new)
    if moved:
        result.append(moved)
    added = [n for n in new.attendees if n not in old.attendees and n != own]
    gone = [n for n in old.attendees if n not in new.attendees and n != own]
    if added:
        result.append(f"{title}: {_names(added)} now attend{'s' if len(added) == 1 else ''}")
    if gone:
        result.append(f"{title}: {_names(gone)} no longer attend{'s' if len(gone) == 1 else ''}")
    if not added and not gone and parts and "attendees" in parts:
        result.append(f"{title}: the names of its attendees changed")
    kind = earlier.kind if earlier.kind is not None else old.kind
    if kind != new.kind:
        result.append(f"{title} is now a {new.kind} (was a {kind})")
    if old.dress != new.dress or (parts and "dress" in parts):
        result.append(
            f"{title}: dress code now {new.dress}" if new.dress else f"{title}: no dress code"
        )
    press = earlier.press if earlier.press is not None else old.press
    if press != new.press and new.press is not None:
        result.append(f"{title}: now {PRESS_WORDS[new.press.value]}")
    if old.notes != new.notes or (parts and "notes" in parts):
        result.append(f"{title}: notes changed" if new.notes else f"{title}: no notes any more")
    if _same_venue(old, new) and not moved:
        if old.venue != new.venue or (parts and "venue" in parts):
            result.append(f"{title}: its venue is now called {new.venue}")
        elif (old.venue_local, old.address, old.geo) != (
            new.venue_local,
            new.address,
            new.geo,
        ) or (parts and "place" in parts):
            result.append(f"{title}: the details of its venue ({new.venue}) changed")
    tier = earlier.tier if earlier.tier is not None else old.tier
    if tier != new.tier:
        result.append(f"{title}: now published at the {new.tier.value} tier")
    if old.legs != new.legs:
        result += _leg_sentences(title, old, new, bool(moved))
    result += _status_sentences(old, new, parts, bool(moved))
    if not result and ((parts and parts - {"context"}) or content(old) != content(new)):
        result.append(f"{title}: details changed")
    return result


def _status_sentences(
    old: ItemView, new: ItemView, parts: frozenset[str] | None, moved: bool
) -> list[str]:
    """Tentative now, or confirmed; its milestones, where they changed and it did not
    move (the views of the older plan take both from today's visit file: the digests of
    what the reader was shown say whether they changed)."""
    result: list[str] = []
    if parts and "status" in parts:  # (both are scheduled: the change is its tentativeness)
        result.append(f"{new.title}: now tentative" if new.tentative else f"{new.title}: confirmed")
    said = moment_texts(new)
    if not moved and (moment_texts(old) != said or (parts and "time" in parts)):
        result.append(
            f"{new.title}: milestones now {'; '.join(said)}"
            if said
            else f"{new.title}: no milestones any more"
        )
    return result


def _cancelled(view: ItemView) -> str:
    """'Lunch cancelled', and why where the file says so."""
    return f"{view.title} cancelled" + (f": {view.reason}" if view.reason else "")


def earlier_of(visit: Visit, old: Plan, new: Plan, item_id: str, stream: str) -> Earlier:
    """What the older plan kept of an item for ``stream`` (see Earlier)."""
    from planner.disclosure import changed_parts, cleaner

    before, after = old.item(item_id), new.item(item_id)
    if before is None or after is None:
        return NOTHING_KEPT
    parts = changed_parts(before.digest_for(stream), after.digest_for(stream))
    about = before.about
    if about is None:
        return Earlier(None, None, None, None, parts)
    from planner.disclosure import stream_tier

    text = cleaner(stream)
    title = about.title
    told = about.real_from is not None and about.real_from.rank > stream_tier(stream).rank
    if about.public_title is not None and told:  # told its public version
        title = about.public_title
    return Earlier(text(title), text(about.kind), about.press, about.tier, parts)


def _how(leg: Leg) -> str:
    return f"{leg.mode} {length_text(leg.minutes)}" if leg.minutes is not None else "no road"


def _leg_sentences(title: str, old: ItemView, new: ItemView, moved: bool) -> list[str]:
    """The journeys to an item that changed: each new one as it is now (an itinerary's
    with when to leave), a new time to leave where only that changed and the item did not
    move (a move says it), and who is no longer told a journey."""

    def way(leg: Leg) -> tuple[str, int | None, tuple[str, ...], str]:
        return leg.from_title, leg.minutes, leg.people, leg.mode

    before = {way(leg): leg for leg in old.legs}
    result = []
    for leg in new.legs:
        if leg in old.legs:
            continue
        if way(leg) in before:  # the same journey, left at another time
            if not moved:
                result.append(f"{title}: now leave {leg.from_title} at {leg.leave}")
            continue
        leaving = f", leaving {leg.leave}" if leg.leave else ""
        result.append(
            f"{title}: travel before it from {leg.from_title}{leaving}, {_how(leg)} "
            f"({_names(leg.people)})"
        )
    now = {name for leg in new.legs for name in leg.people}
    untold = [n for leg in old.legs if leg not in new.legs for n in leg.people if n not in now]
    if untold:
        result.append(f"{title}: no travel before it for {_names(untold)}")
    return result


# -- notices --------------------------------------------------------------------------------


def programme_sentences(
    visit: Visit,
    old: Plan,
    new: Plan,
    audience: Audience,
    indexes: tuple[Index, Index] | None = None,
) -> list[str]:
    """What changed in the programme ``audience`` receives, in time order of the new plan
    (then the items that left it)."""
    old_index, new_index = indexes or (Index(visit, old), Index(visit, new))
    before = {v.item_id: v for v in views(visit, old, audience, old_index)}
    after = {v.item_id: v for v in views(visit, new, audience, new_index)}
    result: list[str] = []
    for item_id, now in after.items():
        was = before.get(item_id)
        if now.cancelled:
            if was is None or not was.cancelled:
                result.append(_cancelled(now))
            continue
        if was is None:
            result.append(f"New: {now.title}, {when(now)}")
        elif was.cancelled:
            result.append(f"{now.title} is back in the programme, {when(now)}")
        else:
            earlier = earlier_of(visit, old, new, item_id, audience.stream)
            result += item_sentences(was, now, None, earlier)
    for item_id, was in before.items():
        if item_id not in after and not was.cancelled:
            result.append(f"{was.title} is no longer in the programme")
    return result + _withdrawn(old, new, audience, set(before))


def _withdrawn(old: Plan, new: Plan, audience: Audience, told: set[str]) -> list[str]:
    """The items withdrawn from the reader since ``old`` that their views of the older
    plan do not show (those views take the tier of an item from today's visit file): told
    under the title they knew."""
    now, then = new.readers_by_key.get(audience.key), old.readers_by_key.get(audience.key)
    known = {g.item for g in then.gone} if then is not None else set()
    return [
        f"{gone.title} is no longer in the programme"
        for gone in (now.gone if now is not None else ())
        if gone.item not in known and gone.item not in told
    ]


def sentences_for(
    visit: Visit,
    old: Plan,
    new: Plan,
    person: Person,
    indexes: tuple[Index, Index] | None = None,
) -> list[str]:
    """What changed for ``person`` between ``old`` and ``new``, in time order of the new
    plan (then the items that left it)."""
    old_index, new_index = indexes or (Index(visit, old), Index(visit, new))
    mine = for_person(person)
    tier = Audience(f"tier-{person.clearance.value}", person.clearance)
    old_mine = {v.item_id: v for v in views(visit, old, mine, old_index)}
    new_mine = {v.item_id: v for v in views(visit, new, mine, new_index)}
    # the items of the plan the person may see at all, attended or not: id -> cancelled
    old_seen = {p.id: p.status is Status.CANCELLED for p in old_index.visible(tier)}
    new_seen = {p.id: p.status is Status.CANCELLED for p in new_index.visible(tier)}
    own = _own_name(person, mine)
    result: list[str] = []
    for item_id, now in new_mine.items():
        was = old_mine.get(item_id)
        if now.cancelled:
            if was is None or not was.cancelled:
                result.append(_cancelled(now))
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
        result += item_sentences(was, now, own, earlier_of(visit, old, new, item_id, mine.stream))
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
    return result + _withdrawn(old, new, mine, set(old_mine))


def _own_name(person: Person, audience: Audience) -> str:
    from planner.disclosure import cleaner

    return str(cleaner(audience.stream)(person.name))


def person_changes(
    visit: Visit, old: Plan, new: Plan, indexes: tuple[Index, Index] | None = None
) -> list[tuple[Person, list[str]]]:
    """Each person with changes, in precedence order (guests first), and what changed."""
    indexes = indexes or (Index(visit, old), Index(visit, new))
    result = []
    for person in attendees_by_precedence(visit, [p.id for p in visit.people]):
        sentences = sentences_for(visit, old, new, person, indexes)
        if sentences:
            result.append((person, sentences))
    return result


def notice(
    visit: Visit,
    old: Plan | None,
    new: Plan,
    audience: Audience,
    indexes: tuple[Index, Index] | None = None,
) -> Notice:
    """``audience``'s notice of what changed from ``old`` (None: the first programme they
    receive) to ``new``."""
    version = new.reader_version(audience.key)[0]
    if old is None:
        return Notice(reader=audience.key, version=version)
    indexes = indexes or (Index(visit, old), Index(visit, new))
    since = old.reader_version(audience.key)[0]
    if audience.person is not None:
        person = visit.person[audience.person]
        lines = sentences_for(visit, old, new, person, indexes)
        return Notice(reader=audience.key, since=since, version=version, lines=tuple(lines))
    lines = programme_sentences(visit, old, new, audience, indexes)
    told: tuple[Told, ...] = ()
    if audience.key == FULL.key:
        told = tuple(
            Told(person=p.id, name=p.name, lines=tuple(s))
            for p, s in person_changes(visit, old, new, indexes)
        )
    return Notice(
        reader=audience.key, since=since, version=version, lines=tuple(lines), people=told
    )


def descends(new: Plan, old: Plan) -> bool:
    """Whether ``new`` was made from ``old`` (or is it): its history holds ``old``'s last
    version."""
    if not old.history:
        return old.version <= new.version and not new.history
    last = old.history[-1]
    return any(v.version == last.version and v.at == last.at for v in new.history)


def notices(visit: Visit, old: Plan | None, kept: Sequence[Notice], new: Plan) -> dict[str, Notice]:
    """Every reader's notice for a run that publishes ``new`` after one that published
    ``old`` with the notices ``kept``: a reader whose version is the same as then (nothing
    they can see changed) gets the notice they got then."""
    previous = {n.reader: n for n in kept}
    same_line = old is not None and descends(new, old)
    indexes = (Index(visit, old), Index(visit, new)) if old is not None else None
    result: dict[str, Notice] = {}
    for audience in readers(visit):
        key = audience.key
        if (
            old is not None
            and same_line
            and key in previous
            and new.reader_version(key)[0] == old.reader_version(key)[0]
        ):
            result[key] = previous[key]
        else:
            result[key] = notice(visit, old, new, audience, indexes)
    return result


# -- text ------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _plain(text: str) -> str:
    """Safe on a terminal: no control characters (escape sequences) from a visit file."""
    return _CONTROL.sub(" ", text)


NO_ITEM_CHANGED = (
    "No item changed; the programme's own details did (its title, the names of its "
    "clocks or who publishes it; for a person, their name, clearance or reminders)."
)


def notice_text(found: Notice) -> str:
    """A notice as plain text for a terminal."""
    if found.since is None:
        return f"First version of the programme (plan version {found.version}).\n"
    lines = [f"Plan version {found.since} → {found.version}"]
    if not found.lines and not found.people:
        lines.append("No changes." if found.since == found.version else NO_ITEM_CHANGED)
    if found.lines:
        if found.reader.startswith("person-"):
            lines += [f"  - {_plain(s)}" for s in found.lines]
        else:
            lines += ["", "The programme:"] + [f"  - {_plain(s)}" for s in found.lines]
    for told in found.people:
        lines += ["", f"{_plain(told.name)}:"] + [f"  - {_plain(s)}" for s in told.lines]
    return "\n".join(lines) + "\n"


def changes_text(visit: Visit, old: Plan | None, new: Plan, audience: Audience = FULL) -> str:
    """What changed between two plans for ``audience`` (by default the protocol office:
    the whole programme, and what each person was told), as text for a terminal."""
    return notice_text(notice(visit, old, new, audience))
