"""The summary `planner check` prints: who, where, what per day, what is pinned, and what
is assumed rather than reported."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from planner.export.programme import start_clocks
from planner.model.clock import WallTime, city_of
from planner.model.items import Item
from planner.model.people import Side
from planner.model.provenance import Provenance, SourceKind
from planner.model.text import printable
from planner.model.unavailability import Unavailability
from planner.model.visit import Visit
from planner.visitfile import LoadedVisit


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%B %Y}"


def _item_day(visit: Visit, item: Item) -> date | None:
    pin = visit.start_pin(item)
    if pin:
        return pin.date
    if item.window and item.window.earliest_start and item.window.latest_end:
        first, last = item.window.earliest_start.date, item.window.latest_end.date
        if (
            first == last
            or item.window.latest_end.local.time().hour == 0 == item.window.latest_end.local.minute
        ):
            return first
    if isinstance(item.around, WallTime):  # around a time of a given day
        return item.around.date
    if len(item.days) == 1:
        return item.days[0]
    return None


def _provenances(visit: Visit) -> list[tuple[str, Provenance]]:
    found: list[tuple[str, Provenance]] = []
    if visit.provenance:
        found.append(("visit", visit.provenance))
    found += [(f"people.{p.id}", p.provenance) for p in visit.people if p.provenance]
    found += [(f"venues.{v.id}", v.provenance) for v in visit.venues if v.provenance]
    found += [(f"items.{i.id}", i.provenance) for i in visit.items]
    found += [  # a field's own, where it differs from the item's
        (f"items.{i.id}.{name}", p) for i in visit.items for name, p in i.provenance_of.items()
    ]
    found += [
        (f"travel.legs.{leg.from_venue}-{leg.to_venue}", leg.provenance)
        for leg in visit.travel.legs
        if leg.provenance
    ]
    found += [(f"travel.roads.{r.id}", r.provenance) for r in visit.travel.roads if r.provenance]
    return found


def _unavailability(visit: Visit, entry: Unavailability) -> str:
    """'Baku, 30 May 09:00 – 30 May 12:00: the capital hosts another head of state'."""
    what = visit.unavailable_name(entry)
    zone = visit.unavailable_zone(entry)
    since, until = entry.from_.local, entry.until.local
    end = f"{until:%H:%M}" if until.date() == since.date() else f"{until:%d %b %H:%M}"
    return f"{what}, {since:%d %b %H:%M}–{end} ({city_of(zone)} time): {entry.reason}"


# the facts of an item counted by source in `planner check`, by what they say
FIELD_FACTS = (
    ("times", ("pinned", "arrives", "around", "window", "days")),
    ("durations", ("duration",)),
    ("venues", ("venue", "candidate_venues")),
    ("attendees", ("attendees",)),
)


def field_sources(visit: Visit) -> dict[str, Counter[SourceKind]]:
    """For each kind of fact of the items (times, durations, venues, attendees), how many
    come from each source: a field's own provenance ('provenance_of') or the item's. An
    item counts once per field it gives (a pin and a window: two times)."""
    counts: dict[str, Counter[SourceKind]] = {label: Counter() for label, _ in FIELD_FACTS}
    for item in visit.items:
        for label, names in FIELD_FACTS:
            for name in names:
                if getattr(item, name) not in (None, ()):
                    counts[label][item.provenance_for(name).source] += 1
    return counts


def _sources_text(counts: Counter[SourceKind]) -> str:
    words = {SourceKind.SEED: "seed", SourceKind.CITED: "cited", SourceKind.ASSUMED: "assumed"}
    said = [f"{counts[kind]} {word}" for kind, word in words.items() if counts[kind]]
    return ", ".join(said) or "none"


def summarize(loaded: LoadedVisit) -> str:
    v = loaded.visit
    out: list[str] = []
    say = out.append
    days = (
        f"{v.start.day}–{v.end.day} {v.end:%B %Y}"
        if v.start.month == v.end.month
        else f"{v.start:%d %B} – {v.end:%d %B %Y}"
    )
    say(f"{printable(str(loaded.path), keep='')}: valid")  # a file name: never two lines
    say(f"  {v.title} ({v.kind.value} visit)")
    hosts = ", ".join(dict.fromkeys(leg.host.name for leg in v.tour)) or v.host.name
    say(
        f"  {v.guest.name} → {hosts}, {days}; times in {v.timezone}, "
        f"guest home {v.guest_home_timezone}"
    )
    if v.invited_by and not v.tour:  # a tour's legs say who invited to each
        say(f"  Invited by {v.person[v.invited_by].name}")
    for leg in v.tour:  # a tour: its legs, in order
        when = f"{leg.start:%d %b}" + (f"–{leg.end:%d %b}" if leg.end != leg.start else "")
        cities = ", ".join(v.city[c].name for c in leg.cities if c in v.city)
        by = f", invited by {v.person[leg.invited_by].name}" if leg.invited_by else ""
        say(f"  Leg {leg.id}: {leg.label}, {when} ({cities}){by}")
    say("")
    say(f"People ({len(v.people)})")
    for side in Side:
        members = sorted(
            (p for p in v.people if p.side is side), key=lambda p: (p.precedence, p.name)
        )
        if members:
            names = ", ".join(f"{p.name} ({p.role.value.replace('_', ' ')})" for p in members)
            say(f"  {side.value} ({len(members)}): {names}")
    say(f"Venues ({len(v.venues)})")
    by_city: dict[str, list[str]] = defaultdict(list)
    for venue in v.venues:
        by_city[venue.city].append(venue.name)
    for city_id, venue_names in by_city.items():
        city = v.city[city_id]
        say(f"  {city.name} ({city.timezone}): {', '.join(venue_names)}")
    say(f"Items ({len(v.items)})")
    per_day: dict[date | None, list[Item]] = defaultdict(list)
    for item in v.items:
        per_day[_item_day(v, item)].append(item)
    for day in [*v.days, None]:
        items = per_day.get(day, [])
        if not items:
            continue
        fixed = sum(1 for i in items if i.is_pinned and not i.is_cancelled)
        optional = sum(1 for i in items if i.optional)
        label = _day_label(day) if day else "any day"
        extra = f", {optional} optional" if optional else ""
        tentative = sum(1 for i in items if i.tentative)
        extra += f", {tentative} tentative" if tentative else ""
        called_off = sum(1 for i in items if i.is_cancelled)
        extra += f", {called_off} cancelled" if called_off else ""
        scheduled = len(items) - fixed - called_off  # a cancelled item is not planned
        count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
        say(f"  {label}: {count} ({fixed} pinned, {scheduled} to schedule{extra})")
    pinned = sorted(
        (pin.resolve(v.item_zone(item)), n, item)
        for n, item in enumerate(v.items)
        if (pin := v.start_pin(item)) is not None
    )  # in time order (not by the wall clocks of different zones)
    if pinned:
        say("Pinned")
        for start, _n, item in pinned:
            zone = v.item_zone(item)
            clocks = start_clocks(v, start, zone, v.guest_home_timezone)
            where = v.venue[item.venues[0]].name
            if item.pinned is None and item.arrives is not None:  # pinned by its arrival
                verb = item.mode.arrives if item.mode else "ends"
                there = v.venue[item.arrival_venue or item.venues[0]].name
                end_zone = v.end_zone(item)
                landing = item.arrives.resolve(end_zone)
                clocks = start_clocks(v, landing, end_zone, v.guest_home_timezone)
                say(f"  {landing:%d %b} {verb} {clocks}  {item.title} ({there}, from {where})")
            else:
                say(f"  {start:%d %b} {clocks}  {item.title} ({where}, {item.duration} min)")
    if v.unavailable:
        say("Unavailable")
        for entry in v.unavailable:
            say(f"  {_unavailability(v, entry)}")
    found = _provenances(v)
    counts = Counter(p.source for _, p in found)
    say(
        f"Provenance: {counts[SourceKind.SEED]} facts from the seed article, "
        f"{counts[SourceKind.CITED]} cited, {counts[SourceKind.ASSUMED]} assumed"
    )
    per_field = field_sources(v)
    say(
        "  of the items: "
        + "; ".join(f"{label}: {_sources_text(per_field[label])}" for label, _ in FIELD_FACTS)
    )
    assumed = [(where, p) for where, p in found if p.source is SourceKind.ASSUMED]
    if assumed:
        say("Assumed")
        for where, p in assumed:
            say(f"  {where}: {p.reason}")
    out.extend(str(warning) for warning in loaded.warnings)  # each says "warning:" itself
    return "\n".join(out)
