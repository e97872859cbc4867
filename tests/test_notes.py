"""Notes (issue 10 §5): a venue's notes (closures, security perimeters), the visit's and
each day's, shown to the audiences that may read them and to no other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.visitfile import VisitFileError
from tests.schedule_support import D2, PROV, D, item, load, solved, validate_every_plan, visit_data

__all__ = ["PROV", "validate_every_plan"]


def _noted(**changes: Any) -> dict[str, Any]:
    data = visit_data(item("brief", days=[D], tier="public"), **changes)
    data["venues"][0]["notes"] = "Security perimeter from Pariser Platz; enter by gate 3"
    data["notes"] = "Cars leave 15 minutes before each item"
    data["day_notes"] = [
        {"day": D, "note": "Marathon: Unter den Linden closed until 14:00"},
        {"day": D2, "note": "Restricted: the route is swept at 06:00", "tier": "restricted"},
    ]
    return data


def _files(tmp_path: Path, data: dict[str, Any]) -> dict[str, str]:
    from planner.export.outputs import build

    visit = load(tmp_path, data)
    return {p: c.decode() for p, c in build(visit, solved(visit)).items()}


def test_notes_reach_who_may_read_them_and_nobody_else(tmp_path: Path) -> None:
    files = _files(tmp_path, _noted())
    delegation = files["programme.md"]
    assert "Notes: Cars leave 15 minutes before each item" in delegation
    assert "> Note: Marathon: Unter den Linden closed until 14:00" in delegation
    assert "- At the venue: Security perimeter from Pariser Platz; enter by gate 3" in delegation
    assert "swept at 06:00" not in delegation  # a restricted note
    assert "Security perimeter" in files["people/a.md"]
    assert "Marathon" in files["people/a.md"]
    full = files["calendars/full.ics"].replace("\r\n ", "")
    assert "At the venue: Security perimeter" in full
    public = files["calendars/public.ics"] + files["changes/public.md"]
    for leak in ("Security perimeter", "Marathon", "Cars leave", "swept"):
        assert leak not in public, leak
    html = files["programme.html"]
    assert "Marathon: Unter den Linden closed until 14:00" in html
    assert "swept at 06:00" not in html


def test_a_day_note_for_the_press_is_refused(tmp_path: Path) -> None:
    data = _noted()
    data["day_notes"][0]["tier"] = "press"
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, data)
    assert "day_notes[0].tier: the public and the press programmes carry no notes" in str(
        caught.value
    )


def test_a_day_note_outside_the_visit_is_refused(tmp_path: Path) -> None:
    data = _noted()
    data["day_notes"][0]["day"] = "2023-07-01"
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, data)
    assert "day_notes[0].day: the day of the note 01 July 2023 is outside the visit" in str(
        caught.value
    )


# -- dress per side or person (issue 10 §4) ---------------------------------------------------


def _dressed() -> dict[str, Any]:
    data = visit_data(
        item(
            "banquet",
            kind="banquet",
            attendees=["a", "b", "h"],
            dress="black tie",
            dress_by=[{"who": "host", "dress": "dark suit"}, {"who": "b", "dress": "long dress"}],
        )
    )
    return data


def test_each_reader_is_told_their_own_dress(tmp_path: Path) -> None:
    files = _files(tmp_path, _dressed())
    assert "- Dress: black tie" in files["people/a.md"]  # the item's dress
    assert "- Dress: long dress" in files["people/b.md"]  # her own
    assert "- Dress: dark suit" in files["people/h.md"]  # the host side's
    assert "- Dress: black tie; host side: dark suit; B: long dress" in files["programme.md"]
    ics = files["people/b.ics"].replace("\r\n ", "")
    assert "Dress code: long dress" in ics


def test_a_dress_for_nobody_is_refused(tmp_path: Path) -> None:
    data = _dressed()
    data["items"][0]["dress_by"][1]["who"] = "bb"
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, data)
    assert "items[banquet].dress_by[1].who: 'bb' is neither 'guest', 'host' nor a person" in str(
        caught.value
    )


def test_control_characters_in_the_new_texts_never_reach_an_output(tmp_path: Path) -> None:
    """A service number, a meeting point, a day note and a dress written with escape
    sequences and line breaks (a double-quoted YAML escape) come out as plain text."""

    data = _dressed()
    data["items"][0]["dress_by"][0]["dress"] = "dark\x1b[2J suit"
    data["day_notes"] = [{"day": D, "note": "closed\x1b]52;c;eA==\x07 roads\r\nat 14:00"}]
    data["venues"][0]["meeting_point"] = "gate\x1b[31m 3\r\n"
    data["items"].append(
        item(
            "train",
            kind="train",
            duration=30,
            venue="v1",
            arrival_venue="p1",
            days=[D2],
            service={"number": "RE\x1b[2J 1", "coach": "7\x07"},
        )
    )
    files = _files(tmp_path, data)
    for name, text in files.items():
        assert "\x1b" not in text and "\x07" not in text, name
    assert "RE[2J 1, coach 7" in files["programme.md"].replace("\\", "")
