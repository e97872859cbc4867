"""Tours (issue 10 §1): one visit through several host countries, each a leg with its
host, style, inviter, hosts, dates and cities. A leg's customs apply in its cities only
(the scheduler keeps them there, the validator flags a plan that breaks them there and
nowhere else); programmes head each day with its leg and give each leg's hosts a lane;
check refuses a tour that contradicts itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.model import WallTime
from planner.plan import PlannedItem
from planner.visitfile import VisitFileError
from tests.schedule_support import (
    PROV,
    errors_of,
    item,
    load,
    parse,
    person,
    planned_in,
    prefer,
    solved,
    validate_every_plan,
    venue,
)

__all__ = ["validate_every_plan"]


def _tour(*items: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A guest's tour of France (Paris, 5–6 May 2024) and Serbia (Belgrade, 7–8 May), one
    flight between them on the 7th."""
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "tour",
        "title": "A tour of two countries",
        "kind": "state",
        "host": {"code": "FR", "name": "France"},
        "guest": {"code": "CN", "name": "China"},
        "start": "2024-05-05",
        "end": "2024-05-08",
        "timezone": "Europe/Paris",
        "guest_home_timezone": "Asia/Shanghai",
        "use_host_conventions": False,
        "programme_hours": {"start": "08:00", "end": "22:00"},
        "tour": [
            {
                "id": "france",
                "host": {"code": "FR", "name": "France"},
                "style": "state",
                "invited_by": "fr",
                "hosts": ["fr"],
                "start": "2024-05-05",
                "end": "2024-05-07",
                "cities": ["paris"],
                "use_host_conventions": False,
            },
            {
                "id": "serbia",
                "host": {"code": "RS", "name": "Serbia"},
                "style": "state visit plus",
                "invited_by": "rs",
                "hosts": ["rs"],
                "start": "2024-05-07",
                "end": "2024-05-08",
                "cities": ["belgrade"],
                "use_host_conventions": False,
            },
        ],
        "cities": [
            {"id": "paris", "name": "Paris", "country": "FR", "timezone": "Europe/Paris"},
            {"id": "belgrade", "name": "Belgrade", "country": "RS", "timezone": "Europe/Belgrade"},
        ],
        "people": [
            person("g", "guest", 1, role="principal", counterpart_of=["fr", "rs"]),
            person("fr", "host", 1, role="principal"),
            person("rs", "host", 1, role="principal"),
        ],
        "venues": [
            venue("elysee", 48.8704, 2.3167, city="paris", name="Élysée Palace"),
            venue("cdg", 49.0097, 2.5479, city="paris", name="Orly", exclusive=False),
            venue("beg", 44.8184, 20.3091, city="belgrade", name="Belgrade Airport"),
            venue("palace", 44.8110, 20.4650, city="belgrade", name="Palace of Serbia"),
        ],
        "items": [
            item(
                "talks-fr",
                kind="expanded_talks",
                attendees=["g", "fr"],
                venue="elysee",
                days=["2024-05-06"],
            ),
            item(
                "flight",
                title="Flight Paris – Belgrade",
                kind="flight",
                duration=150,
                attendees=["g"],
                venue="cdg",
                arrival_venue="beg",
                pinned="2024-05-07 10:00",
            ),
            item(
                "talks-rs",
                kind="expanded_talks",
                attendees=["g", "rs"],
                venue="palace",
                days=["2024-05-08"],
            ),
            *items,
        ],
    }
    data.update(changes)
    return data


def _banquets() -> list[dict[str, Any]]:
    return [
        item(
            "dinner-fr", kind="banquet", attendees=["g", "fr"], venue="elysee", days=["2024-05-06"]
        ),
        item(
            "dinner-rs", kind="banquet", attendees=["g", "rs"], venue="palace", days=["2024-05-08"]
        ),
    ]


EVENING_IN_BELGRADE = {
    "rule": "time_of_day",
    "id": "serbian-evening",
    "description": "in Serbia the banquet is in the evening",
    "kinds": ["banquet"],
    "start_from": "19:00",
    "start_until": "21:00",
    "strength": "hard",
    "cities": ["belgrade"],
}


def _hour(planned: PlannedItem) -> int:
    assert planned.start is not None
    return planned.start.local.hour


def test_a_legs_custom_binds_in_its_cities_only() -> None:
    """Pulled to 12:00, the Paris banquet goes there; the Belgrade one, bound by Serbia's
    evening custom, stays in the evening."""
    conventions = [prefer("banquet", "12:00"), EVENING_IN_BELGRADE]
    visit = parse(_tour(*_banquets(), conventions=conventions))
    plan = solved(visit)
    assert _hour(planned_in(plan, "dinner-fr")) == 12
    assert 19 <= _hour(planned_in(plan, "dinner-rs")) <= 21
    # a hand-made plan with the Belgrade banquet at noon breaks it; the Paris one does not
    dinner = planned_in(plan, "dinner-rs")
    noon = dinner.model_copy(
        update={
            "start": WallTime.parse("2024-05-08 12:00"),
            "end": WallTime.parse("2024-05-08 13:00"),
        }
    )
    items = tuple(noon if p.id == dinner.id else p for p in plan.items)
    errors = errors_of(visit, plan.model_copy(update={"items": items}))
    assert len(errors) == 1 and "in Serbia the banquet is in the evening" in errors[0], errors


def test_each_legs_host_customs_apply_in_its_cities() -> None:
    data = _tour()
    for leg in data["tour"]:
        leg["use_host_conventions"] = True
    data["tour"][1]["host"] = {"code": "AZ", "name": "Azerbaijan"}  # a template with more
    visit = parse(data)
    rules = visit.inherited_rules()
    scoped = {r.id: r.cities for r in rules if r.id == "memorials-before-welcome"}
    assert scoped == {"memorials-before-welcome": ("belgrade",)}  # Azerbaijan's custom
    assert all(r.cities in (("paris",), ("belgrade",)) for r in rules)


def test_programmes_head_each_day_with_its_leg(tmp_path: Path) -> None:
    from planner.export.outputs import build

    visit = load(tmp_path, _tour())
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    text = files["programme.md"]
    assert "## Monday 6 May 2024 — France · state visit" in text
    assert "## Tuesday 7 May 2024 — France · state visit → Serbia · state visit plus" in text
    assert "## Wednesday 8 May 2024 — Serbia · state visit plus" in text
    assert "## Wednesday 8 May 2024 — Serbia · state visit plus" in files["people/g.md"]
    html = files["programme.html"]
    assert "Host: France" in html and "Host: Serbia" in html  # a lane per leg's hosts
    assert "Host side" not in html and "Other hosts" not in html  # each in a leg's lane


def test_a_host_the_reader_may_not_know_of_has_no_lane_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """Serbia's host and an ambassador of no leg known to the protocol office alone: the
    delegation's timeline has no lane for them ('Host: Serbia', 'Other hosts' would tell
    of them; the day's heading, public, stays), and another such host joining Serbia's leg
    leaves every file of the public, the delegation and the guest as it was."""
    from planner.export.documents import programme_html
    from planner.export.outputs import build
    from planner.export.planjson import read_export
    from planner.export.tiers import FULL
    from planner.plan import SolveInfo, merge

    data = _tour()
    data["people"][2]["tier"] = "restricted"  # rs
    data["people"].append(person("amb", "host", 5, tier="restricted"))
    visit = load(tmp_path, data)
    plan = solved(visit)
    first = build(visit, plan)
    html = first["programme.html"].decode()
    assert "Host: France" in html  # its host the delegation may know of
    assert "Host: Serbia" not in html and "Other hosts" not in html
    assert "Serbia · state visit plus" in html
    assert "Host: Serbia" in programme_html(visit, plan, FULL)  # the protocol office's
    legs = list(visit.tour)
    legs[1] = legs[1].model_copy(update={"hosts": (*legs[1].hosts, "amb")})
    changed = visit.model_copy(update={"tour": tuple(legs)})
    second = merge(plan, changed, list(plan.items), SolveInfo(status="hand-made"), "t")
    assert second.version == plan.version + 1
    again = build(changed, second, read_export(first["plan.json"].decode()))
    for name in (
        "programme.md",
        "programme.html",
        "calendars/public.ics",
        "calendars/delegation.ics",
        "changes/public.md",
        "changes/delegation.md",
        "people/g.md",
        "people/g.ics",
        "people/g.changes.md",
    ):
        assert again[name] == first[name], name


def test_check_lists_the_legs(tmp_path: Path) -> None:
    from planner.summary import summarize
    from planner.visitfile import load_visit

    path = tmp_path / "tour.yaml"
    load(tmp_path, _tour(), "tour.yaml")
    listed = summarize(load_visit(path))
    assert "  Leg france: France · state visit, 05 May–07 May (Paris), invited by Fr" in listed
    assert "  Leg serbia: Serbia · state visit plus, 07 May–08 May (Belgrade), invited by Rs" in (
        listed
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["tour"][1]["cities"].append("paris"),
            "tour[serbia].cities[1]: 'paris' is already a city of the leg 'france' (tour[0])",
        ),
        (
            lambda d: d["tour"][0]["hosts"].append("g"),
            "tour[france].hosts[1]: G is on the guest side; a leg's hosts are hosts",
        ),
        (
            lambda d: d["tour"][1].update(end="2024-05-09"),
            "tour[serbia].end: the leg's end 09 May 2024 is outside the visit",
        ),
        (
            lambda d: d["tour"][0]["cities"].append("lyon"),
            "tour[france].cities[1]: unknown city 'lyon'",
        ),
        (
            lambda d: d["people"][0].update(counterpart_of=["fr", "hu"]),
            "people[g].counterpart_of[1]: unknown person 'hu'",
        ),
    ],
)
def test_check_refuses_a_tour_that_contradicts_itself(
    tmp_path: Path, change: Any, message: str
) -> None:
    data = _tour()
    change(data)
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, data)
    assert message in str(caught.value), str(caught.value)


def test_a_visit_without_a_tour_reads_as_before() -> None:
    data = _tour()
    del data["tour"]
    data["people"][0]["counterpart_of"] = "fr"
    visit = parse(data)
    assert visit.tour == () and visit.person["g"].counterparts == ("fr",)
    assert PROV  # the shared provenance of the test visits


def test_a_day_in_a_city_of_no_leg_is_headed_by_its_date_alone(tmp_path: Path) -> None:
    from planner.export.outputs import build

    data = _tour()
    data["start"] = "2024-05-04"
    data["cities"].append(
        {"id": "beijing", "name": "Beijing", "country": "CN", "timezone": "Asia/Shanghai"}
    )
    data["venues"].append(venue("pek", 40.0799, 116.6031, city="beijing", name="Beijing Capital"))
    data["items"] += [
        item(
            "farewell",
            kind="departure_ceremony",
            attendees=["g"],
            venue="pek",
            pinned="2024-05-04 20:00",
        ),
        item(
            "to-paris",
            kind="flight",
            duration=720,
            attendees=["g"],
            venue="pek",
            arrival_venue="cdg",
            pinned="2024-05-04 21:00",  # lands 5 May 03:00 Paris time
        ),
    ]
    visit = load(tmp_path, data)
    text = build(visit, solved(visit))["programme.md"].decode()
    assert "## Saturday 4 May 2024\n" in text  # Beijing: no leg of the tour
    assert "## Monday 6 May 2024 — France · state visit\n" in text


def test_check_names_every_host_of_a_tour(tmp_path: Path) -> None:
    from planner.summary import summarize
    from planner.visitfile import load_visit

    load(tmp_path, _tour(), "tour.yaml")
    listed = summarize(load_visit(tmp_path / "tour.yaml"))
    assert "  China → France, Serbia, 5–8 May 2024;" in listed
    assert "  Invited by" not in listed  # each leg says who invited to it
