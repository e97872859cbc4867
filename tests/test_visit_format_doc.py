"""docs/visit-format.md: its complete example is a valid visit file, its fragments are
valid YAML of the right shape, and it documents every field of the format."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from ruamel.yaml import YAML

from planner.model import (
    City,
    Country,
    Item,
    Opening,
    Order,
    OrderConvention,
    Organizer,
    Override,
    Person,
    Presence,
    ProgrammeHours,
    Provenance,
    TimeOfDayConvention,
    TravelRules,
    Venue,
    Visit,
    Window,
)
from planner.model.breaks import MealWaiver
from planner.model.dayparts import DayPart
from planner.model.items import Cancellation, Dress, Group, Milestone
from planner.model.lodging import Lodging
from planner.model.movements import Service
from planner.model.notes import DayNote
from planner.model.roads import Roads, RushHour
from planner.model.tour import TourLeg
from planner.model.travel import Leg, LegHour, LegPart
from planner.model.unavailability import Unavailability
from planner.visitfile import VisitFileError, load_visit
from tests.conftest import ROOT

DOC = ROOT / "docs" / "visit-format.md"


def _blocks(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def test_the_complete_example_is_a_valid_visit(tmp_path: Path) -> None:
    complete = [b for b in _blocks("yaml") if b.startswith("schema_version: 1")]
    assert len(complete) == 1
    path = tmp_path / "example.yaml"
    path.write_text(complete[0], encoding="utf-8")
    loaded = load_visit(path)
    visit = loaded.visit
    assert loaded.warnings == ()
    # the example shows each kind of provenance, a window, a pin, an order and a convention
    sources = {i.provenance.source.value for i in visit.items}
    sources |= {p.provenance.source.value for p in visit.people if p.provenance}
    assert sources == {"seed", "cited", "assumed"}
    assert any(i.pinned for i in visit.items) and any(i.window for i in visit.items)
    assert any(i.order for i in visit.items) and any(i.optional for i in visit.items)
    assert {type(c) for c in visit.conventions} == {Override, TimeOfDayConvention}
    assert visit.item["lunch"].duration == 90  # written '1h30'


def test_the_example_breaks_as_the_doc_says(tmp_path: Path) -> None:
    (complete,) = [b for b in _blocks("yaml") if b.startswith("schema_version: 1")]
    broken = complete.replace('pinned: "2023-05-30 09:30"', 'pinned: "2023-05-30 9:30pm"')
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(VisitFileError) as caught:
        load_visit(path)
    (line,) = [str(d) for d in caught.value.diagnostics]
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: items\[arrival\]\.pinned: ", line)


def test_fragments_have_the_right_shape() -> None:
    yaml = YAML(typ="safe")
    fragments = [b for b in _blocks("yaml") if not b.startswith("schema_version")]
    assert fragments
    for fragment in fragments:
        data = yaml.load(io.StringIO(fragment))
        if isinstance(data, dict) and list(data) == ["tour"]:  # a tour's legs
            for entry in data["tour"]:
                TourLeg.model_validate(entry)
            continue
        if isinstance(data, dict) and list(data) == ["day_parts"]:  # a visit's day parts
            for part in data["day_parts"].values():
                DayPart.model_validate(part)
            continue
        if isinstance(data, dict) and list(data) == ["unavailable"]:  # a visit's
            for entry in data["unavailable"]:
                Unavailability.model_validate(entry)
            continue
        if isinstance(data, dict) and list(data) == ["lodging"]:  # a visit's lodging
            for entry in data["lodging"]:
                Lodging.model_validate(entry)
            continue
        if isinstance(data, dict) and list(data) == ["meals"]:  # waivers of lunch and rest
            for entry in data["meals"]:
                MealWaiver.model_validate(entry)
            continue
        if isinstance(data, dict):  # a visit's travel rules
            assert list(data) == ["travel"], fragment
            TravelRules.model_validate(data["travel"])
            continue
        assert isinstance(data, list)
        items = [Item.model_validate(entry) for entry in data]
        if any(i.milestones or i.duration == 0 or i.tentative for i in items):
            # the milestones, a moment and a tentative item
            assert any(i.milestones for i in items), fragment
            assert any(i.duration == 0 for i in items), fragment
            assert any(i.tentative for i in items), fragment
            continue
        for item in items:
            assert item.mode is not None and item.moves, fragment  # the movements


MODELS: tuple[type[BaseModel], ...] = (
    Visit,
    Country,
    Organizer,
    ProgrammeHours,
    City,
    Person,
    Presence,
    Venue,
    Opening,
    Item,
    Window,
    Order,
    TravelRules,
    Roads,
    Leg,
    Service,
    Lodging,
    TourLeg,
    DayNote,
    RushHour,
    LegHour,
    LegPart,
    Dress,
    DayPart,
    Unavailability,
    Milestone,
    Cancellation,
    Group,
    Provenance,
    OrderConvention,
    TimeOfDayConvention,
    Override,
    MealWaiver,
)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[BaseModel]) -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, info in model.model_fields.items():
        key = info.alias or name
        assert f"`{key}`" in text, f"{model.__name__}.{key} is not documented"


def test_planner_schema_describes_the_real_visit_fields() -> None:
    """`planner schema` (the JSON schema editors validate visit files with) holds the
    tour, lodging, notes and movement fields, each with its description."""
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "planner.cli", "schema"], capture_output=True, text=True, check=True
    ).stdout
    schema = json.loads(out)
    for name in ("tour", "lodging", "notes", "day_notes"):
        assert schema["properties"][name]["description"], name
    defs = schema["$defs"]
    for name in ("TourLeg", "Lodging", "DayNote", "Service", "RushHour", "LegHour", "LegPart"):
        assert name in defs, name
    item = defs["Item"]["properties"]
    for name in ("arrives", "service", "seats", "dress_by", "arrival_venue"):
        assert item[name]["description"], name
