"""Every output file of one visit, rendered in memory from its plan: the printable
programme, each person's itinerary and calendar, the audiences' calendars and change
notices, and the machine-readable plan (``planner.pipeline`` writes them).

Layout (one visit; with several, ``planner.pipeline`` puts one such folder per visit id):

    programme.md, programme.html     the printable programme (delegation tier)
    people/<slug>.md, <slug>.ics     each person's own items, at their clearance,
    people/<slug>.changes.md         and what changed for them since the previous run
    calendars/public.ics             press and public
    calendars/delegation.ics         the delegation
    calendars/full.ics               the protocol office (restricted)
    changes/public.md                what changed since the previous run: for the press
    changes/delegation.md            and public, for the delegation, and for the
    changes/full.md                  protocol office (everything, and who was told what)
    plan.json, plan.schema.json      the plan, machine-readable (the protocol office's)

None of them holds anything of an off-record item (tier off_record). The protocol office's
off-record copy, every item with the off-record ones, is made only when asked for by name
(``off_record``; `planner generate --off-record DIR` writes it into a folder of its own):

    programme.md, programme.html     the whole programme, off-record items marked
    calendar.ics                     the same as a calendar

Each file holds only what its reader may see (planner.disclosure), and stays byte for
byte as it was unless something its reader can see changed.
"""

from __future__ import annotations

from planner.disclosure import OFFICE
from planner.export import planjson
from planner.export.tiers import DELEGATION, FULL, PUBLIC, Index, for_person, slug
from planner.model.visit import Visit
from planner.plan import Plan


def build(
    visit: Visit, plan: Plan, previous: planjson.PlanExport | None = None
) -> dict[str, bytes]:
    """Every output file of one visit, by relative path; ``previous`` is the plan.json of
    the run before (its plan and notices), if any."""
    from planner.export import changes, documents, ical

    files: dict[str, bytes] = {}

    def text(path: str, content: str) -> None:
        files[path] = content.encode("utf-8")

    index = Index(visit, plan)
    if previous is not None and previous.visit_id != plan.visit:
        previous = None
    old = previous.plan if previous is not None else None
    kept = previous.notices if previous is not None else ()
    notices = changes.notices(visit, old, kept, plan)
    text("programme.md", documents.programme_markdown(visit, plan, DELEGATION, index))
    text("programme.html", documents.programme_html(visit, plan, DELEGATION, index))
    for audience, name in ((PUBLIC, "public"), (DELEGATION, "delegation"), (FULL, "full")):
        files[f"calendars/{name}.ics"] = ical.calendar(visit, plan, audience, index)
        text(
            f"changes/{name}.md",
            documents.notice_markdown(visit, notices[audience.key], audience),
        )
    used: set[str] = set()
    for person in visit.people:
        base = slug(person.id, "person")
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        audience = for_person(person)
        text(f"people/{name}.md", documents.person_markdown(visit, plan, person, index))
        files[f"people/{name}.ics"] = ical.calendar(visit, plan, audience, index)
        text(
            f"people/{name}.changes.md",
            documents.notice_markdown(visit, notices[audience.key], audience),
        )
    baseline = planjson.baseline_for(previous, plan)
    text("plan.json", planjson.plan_json(visit, plan, baseline, tuple(notices.values())))
    text("plan.schema.json", planjson.schema_json())
    return files


def build_off_record(visit: Visit, plan: Plan) -> dict[str, bytes]:
    """The protocol office's off-record copy: the programme and its calendar with every
    item, off-record ones too (never among the files of ``build``)."""
    from planner.export import documents, ical

    index = Index(visit, plan)
    return {
        "programme.md": documents.programme_markdown(visit, plan, OFFICE, index).encode("utf-8"),
        "programme.html": documents.programme_html(visit, plan, OFFICE, index).encode("utf-8"),
        "calendar.ics": ical.calendar(visit, plan, OFFICE, index),
    }
