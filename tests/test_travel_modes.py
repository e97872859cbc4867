"""Travel legs: the mode of every leg a visit file may give (motorcade or walk) is the mode
the outputs name, and a leg by flight is refused by `planner check` (it used to pass and
then be ignored for the road estimate: fixtures/broken/flight-leg.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner import cli
from planner.model.movements import Mode
from planner.model.travel import Leg, TravelRules, journey
from planner.model.venues import Venue
from tests.conftest import FIXTURES

BASE = FIXTURES / "broken" / "BASE.yaml"


def _venue(vid: str, lat: float, lon: float, city: str = "berlin") -> Venue:
    return Venue(id=vid, name=vid.title(), city=city, lat=lat, lon=lon)


PALACE = _venue("palace", 52.5172, 13.3531)
GARDEN = _venue("garden", 52.5180, 13.3540)  # about 100 m away
AIRPORT = _venue("airport", 52.3667, 13.5033)  # about 19 km away


def test_the_way_says_how_it_is_made() -> None:
    rules = TravelRules()
    near, far = journey(rules, PALACE, GARDEN), journey(rules, PALACE, AIRPORT)
    assert near is not None and near.mode is Mode.WALK and str(near).startswith("walk ")
    assert far is not None and far.mode is Mode.MOTORCADE and str(far) == "motorcade 55 min"
    measured = TravelRules(
        legs=(
            Leg(from_venue="palace", to_venue="airport", mode=Mode.WALK, minutes=240),
            Leg(from_venue="palace", to_venue="garden", minutes=15),  # a motorcade leg
        )
    )
    assert journey(measured, AIRPORT, PALACE) == journey(measured, PALACE, AIRPORT)
    walked = journey(measured, PALACE, AIRPORT)
    assert walked is not None and (walked.mode, walked.minutes) == (Mode.WALK, 240)
    driven = journey(measured, GARDEN, PALACE)
    assert driven is not None and (driven.mode, driven.minutes) == (Mode.MOTORCADE, 15)


def test_a_leg_by_flight_is_refused_with_its_reason() -> None:
    for mode in ("flight", "train"):
        with pytest.raises(ValueError, match=f"write it as an item with 'kind: {mode}'"):
            Leg.model_validate({"from": "palace", "to": "airport", "mode": mode, "minutes": 40})
    for mode in ("helicopter", "boat"):  # flown or sailed: minutes, never km
        Leg.model_validate({"from": "palace", "to": "airport", "mode": mode, "minutes": 40})
        with pytest.raises(ValueError, match="km are driven or walked"):
            Leg.model_validate({"from": "palace", "to": "airport", "mode": mode, "km": 40})


def _walking_visit(tmp_path: Path) -> Path:
    """BASE in Berlin only, with a walk from the palace to its garden after the talks."""
    text = BASE.read_text(encoding="utf-8")
    text = text.replace(
        '      - {city: hamburg, arrive: "2023-05-31 13:00", depart: "2023-05-31 20:00"}\n', ""
    )
    text = text[: text.index("  - id: townhall")]
    text = text.replace(
        "  - id: rathaus\n",
        "  - id: garden\n    name: Bellevue Palace garden\n    city: berlin\n"
        "    lat: 52.5180\n    lon: 13.3540\n  - id: rathaus\n",
    )
    text += (
        "  - id: garden-walk\n    title: Walk in the palace garden\n    kind: site_visit\n"
        "    duration: 30\n    attendees: [herzog, steinmeier]\n    venue: garden\n"
        "    order:\n      - {after: talks}\n"
        "    provenance: {source: assumed, reason: minimal example}\n"
    )
    path = tmp_path / "walk.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_solve_names_the_walk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    visit = _walking_visit(tmp_path)
    assert cli.main(["solve", str(visit), "--time-limit", "20"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    legs = [
        line for line in out.splitlines() if "↳ Bellevue Palace → Bellevue Palace garden" in line
    ]
    assert legs and all(": walk 5 min (" in line for line in legs), out
    assert "→ Bellevue Palace: motorcade 55 min" in out  # the airport to the palace: driven


def test_itineraries_name_the_walk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    visit = _walking_visit(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["generate", str(visit), "-o", str(out), "--time-limit", "20"]) == 0
    capsys.readouterr()
    itinerary = (out / "people" / "herzog.md").read_text(encoding="utf-8")
    assert "leave Talks of the Presidents 12:05: walk 5 min" in itinerary, itinerary
    assert "motorcade" not in itinerary.split("Talks of the Presidents 12:05")[1].split("\n")[0]
