"""Printable documents: the programme (Markdown and HTML), each person's itinerary.

The reference visit is solved once; the programme must carry every scheduled item with both
clocks, its attendees in precedence order, dress and press access. Small visits check what
an audience must not see, and that hostile names stay text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from planner.export import ical
from planner.export.documents import (
    md,
    person_markdown,
    programme_html,
    programme_markdown,
)
from planner.export.programme import attendees_by_precedence
from planner.export.tiers import DELEGATION, FULL, PUBLIC, for_person, strip_citations
from planner.model.clock import tz
from planner.model.visit import Visit
from planner.plan import Plan, Status
from planner.schedule.solve import solve
from planner.visitfile import load_visit
from tests.conftest import FIXTURES, REFERENCE
from tests.schedule_support import D, item, load, person, venue, visit_data

SPAIN = FIXTURES / "exercise-spain-2024.yaml"
PRESS = {"open": "open to the press", "pool": "press pool", "spray": "photo spray (brief pool)"}


@pytest.fixture(scope="module")
def reference() -> tuple[Visit, Plan]:
    visit = load_visit(REFERENCE).visit
    outcome = solve(visit, None, time_limit=10.0)
    assert outcome.plan is not None
    return visit, outcome.plan


def solved(visit: Visit) -> Plan:
    outcome = solve(visit, None, time_limit=5.0)
    assert outcome.plan is not None, outcome.explanation
    return outcome.plan


def sections(text: str) -> dict[str, str]:
    """The Markdown programme's items: heading line → its block of lines."""
    parts = re.split(r"^### ", text, flags=re.M)[1:]
    return {p.split("\n", 1)[0]: p for p in parts}


def test_reference_programme_has_every_item_with_both_clocks(
    reference: tuple[Visit, Plan],
) -> None:
    visit, plan = reference
    text = programme_markdown(visit, plan, DELEGATION)
    found = sections(text)
    scheduled = [p for p in plan.items if p.status is Status.SCHEDULED]
    assert len(found) == len(scheduled) == len(visit.items)
    for planned in scheduled:
        item = visit.item[planned.id]
        start = planned.start_at()
        assert start is not None
        baku = start.in_timezone(tz("Asia/Baku"))
        home = start.in_timezone(tz("Asia/Jerusalem"))
        heading = f"{baku:%H:%M} Baku · {home:%H:%M} Jerusalem — {md(item.title)}"
        assert heading in found, heading
        block = found[heading]
        names = ", ".join(p.name for p in attendees_by_precedence(visit, planned.attendees))
        assert f"- Attendees: {md(names)}\n" in block
        if item.dress:
            assert f"- Dress: {item.dress}\n" in block
        assert f"- Press: {PRESS.get(item.press.value, 'closed to the press')}\n" in block
    # the days, in order, and guests before hosts in a mixed list
    assert text.index("## Tuesday 30 May 2023") < text.index("## Wednesday 31 May 2023")
    welcome = next(b for h, b in found.items() if "Official welcome" in h)
    line = next(x for x in welcome.splitlines() if x.startswith("- Attendees: "))
    assert line.startswith("- Attendees: Isaac Herzog, Michal Herzog, ")
    assert line.index("George Deek") < line.index("Ilham Aliyev, Mehriban Aliyeva")
    # travel legs before the items they lead to
    lunch = next(b for h, b in found.items() if h.endswith("Visit to the National Carpet Museum"))
    assert "- Travel before: from Festive lunch" in lunch


def test_reference_html_has_every_item_and_one_timeline_per_day(
    reference: tuple[Visit, Plan],
) -> None:
    visit, plan = reference
    page = programme_html(visit, plan, DELEGATION)
    for planned in plan.items:
        assert f'data-item="{planned.id}"' in page
    assert page.count('<svg class="timeline"') == 2
    assert page.count('<section class="day">') == 2
    days = page.split('<section class="day">')[1:]
    for day in days:
        lanes = re.findall(r'data-lane="([^"]+)"', day)
        assert lanes == ["herzog", "michal-herzog", "arbel", "host"]
        assert day.count('class="travel"') >= 1
    assert "@page { size: A4;" in page
    assert "break-before: page" in page
    assert "10:35 Baku · 09:35 Jerusalem" in page or "Baku · " in page


def test_templates_are_inside_the_package() -> None:
    """hatchling packages everything under planner/, so the template ships with it."""
    template = resources.files("planner.export") / "templates" / "programme.html.j2"
    assert template.is_file()
    pyproject = (REFERENCE.parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["planner", "tui"]' in pyproject


def audience_visit(directory: Path) -> Visit:
    return load(
        directory,
        visit_data(
            item(
                "welcome",
                title="Public welcome",
                attendees=["a", "h"],
                tier="public",
                pinned=f"{D} 10:00",
                press="open",
            ),
            item(
                "talks",
                title="Press-tier talks",
                attendees=["a", "h"],
                tier="press",
                pinned=f"{D} 12:00",
                venue="v2",
            ),
            item(
                "dinner",
                title="Delegation dinner",
                attendees=["a", "b"],
                tier="delegation",
                pinned=f"{D} 18:00",
            ),
            item(
                "convoy",
                title="Secret motorcade route",
                kind="motorcade",
                attendees=["c"],
                tier="restricted",
                pinned=f"{D} 09:00",
                venue="v3",
            ),
            item(
                "hold",
                title="Holding room behind the stage",
                kind="holding",
                attendees=["a"],
                tier="restricted",
                pinned=f"{D} 11:40",
                duration=15,
                venue="v2",
            ),
        ),
    )


def test_public_programme_leaves_out_delegation_and_restricted_items(tmp_path: Path) -> None:
    visit = audience_visit(tmp_path)
    plan = solved(visit)
    for render in (programme_markdown, programme_html):
        public = render(visit, plan, PUBLIC)
        assert "Public welcome" in public and "Press-tier talks" in public
        for hidden in ("Delegation dinner", "Secret motorcade", "Holding room", "V3"):
            assert hidden not in public
        delegation = render(visit, plan, DELEGATION)
        assert "Delegation dinner" in delegation
        assert "Secret motorcade" not in delegation and "Holding room" not in delegation
        full = render(visit, plan, FULL)
        assert "Secret motorcade route" in full and "Holding room behind the stage" in full


def test_person_markdown_has_only_their_items(reference: tuple[Visit, Plan]) -> None:
    visit, plan = reference
    for pid in ("arbel", "michal-herzog", "interpreter-he"):
        person = visit.person[pid]
        text = person_markdown(visit, plan, person)
        assert f"Itinerary of {person.name}" in text
        titles = {h.split(" — ", 1)[1] for h in sections(text)}
        expected = {
            md(visit.item[p.id].title)
            for p in plan.items
            if pid in p.attendees and person.clearance.allows(visit.item[p.id].tier)
        }
        assert titles == expected, pid
    arbel = person_markdown(visit, plan, visit.person["arbel"])
    assert "One-on-one meeting" not in arbel and "Carpet Museum" not in arbel
    assert "Baku · " in arbel and "Jerusalem" in arbel


def test_person_markdown_uses_their_home_clock(tmp_path: Path) -> None:
    data = visit_data(item("talk", attendees=["a", "b"], pinned=f"{D} 10:00"))
    data["people"][0]["home_timezone"] = "Asia/Tokyo"
    visit = load(tmp_path, data)
    plan = solved(visit)
    a = person_markdown(visit, plan, visit.person["a"])
    b = person_markdown(visit, plan, visit.person["b"])
    assert "### 10:00 Berlin · 17:00 Tokyo — Talk" in a
    assert "### 10:00 Berlin · 10:00 Paris — Talk" in b


HOSTILE = {
    "script": "<script>alert('x')</script>",
    "cell": "</td></tr><tr><td>forged",
    "amp": "Tom & Jerry &amp; Co",
    "hebrew": "יצחק הרצוג",
    "emoji": "Party 🎉🇮🇱",
}


def hostile_visit(directory: Path) -> Visit:
    data: dict[str, Any] = visit_data(
        item(
            "evil",
            title="<img src=x onerror=alert(1)> *bold* [link](http://x) | cell",
            attendees=["a", "b", "c", "h"],
            pinned=f"{D} 10:00",
            dress="</td><b>white tie</b>",
            notes="`code` & <i>notes</i>",
        ),
    )
    data["people"] = [
        person("a", name=HOSTILE["script"], role="principal", precedence=1),
        person("b", name=HOSTILE["cell"], role="spouse", precedence=2),
        person("c", name=HOSTILE["hebrew"], role="minister", precedence=3),
        person("h", "host", name=HOSTILE["amp"] + " " + HOSTILE["emoji"]),
        person("k", "host"),
    ]
    data["venues"][0] = venue(
        "v1",
        52.52,
        13.37,
        exclusive=False,
        name="<b>Hall</b> & Co",
        local_name="אולם 🎉",
        address="</table>Street 1",
    )
    return load(directory, data)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_names_are_escaped_in_html(tmp_path: Path) -> None:
    visit = hostile_visit(tmp_path)
    page = programme_html(visit, solved(visit), FULL)
    parser = Tags()
    parser.feed(page)
    allowed = {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "p",
        "section",
        "h2",
        "figure",
        "svg",
        "rect",
        "text",
        "line",
        "circle",
        "g",
        "figcaption",
        "table",
        "colgroup",
        "col",
        "thead",
        "tr",
        "th",
        "tbody",
        "td",
        "br",
        "span",
        "footer",
    }
    assert set(parser.tags) <= allowed, set(parser.tags) - allowed
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;forged" in page
    assert "Tom &amp; Jerry &amp;amp; Co" in page
    assert HOSTILE["hebrew"] in page and "🎉🇮🇱" in page and "אולם 🎉" in page
    text = "".join(parser.text)
    assert HOSTILE["script"] in text and HOSTILE["cell"] in text  # shown as written


def test_hostile_names_are_harmless_in_markdown(tmp_path: Path) -> None:
    visit = hostile_visit(tmp_path)
    plan = solved(visit)
    for text in (
        programme_markdown(visit, plan, FULL),
        person_markdown(visit, plan, visit.person["a"]),
    ):
        assert re.search(r"(?<!\\)<", text) is None  # no raw tag can open
        assert re.search(r"(?<!\\)[*`|\[]", text.replace("**CANCELLED**", "")) is None
        assert r"\<script\>alert('x')\</script\>" in text
        assert r"Tom \& Jerry \&amp; Co" in text
        assert HOSTILE["hebrew"] in text and "🎉🇮🇱" in text


def test_md_keeps_one_line() -> None:
    assert md("a\n# b\r\nc\x1b[31m") == r"a \# b c\[31m"


def test_citation_markers_are_for_the_protocol_office_only(reference: tuple[Visit, Plan]) -> None:
    """The festive event's notes cite their source ('[S6]'): the delegation, each person
    (the President too) and the press are given the notes without it; the protocol
    office's copy keeps it."""
    visit, plan = reference
    herzog = visit.person["herzog"]
    assert "attends [S6]." in (visit.item["independence-75"].notes or "")
    for text in (
        programme_markdown(visit, plan, DELEGATION),
        programme_html(visit, plan, DELEGATION),
        person_markdown(visit, plan, herzog),
        ical.calendar(visit, plan, DELEGATION).decode(),
        ical.calendar(visit, plan, for_person(herzog)).decode(),
        ical.calendar(visit, plan, PUBLIC).decode(),
    ):
        assert "[S6]" not in text and r"\[S6\]" not in text
    assert "Speaker Sahiba Gafarova attends." in programme_markdown(visit, plan, DELEGATION)
    assert r"Speaker Sahiba Gafarova attends \[S6\]." in programme_markdown(visit, plan, FULL)
    assert "attends [S6]." in ical.calendar(visit, plan, FULL).decode().replace("\r\n ", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Speaker Gafarova attends [S6].", "Speaker Gafarova attends."),
        ("after the lunch [S1][S2]; then", "after the lunch; then"),
        ("Room [12] and [S] stay", "Room [12] and [S] stay"),
        ("[S3] first", " first"),
    ],
)
def test_strip_citations(text: str, expected: str) -> None:
    assert strip_citations(text) == expected


def test_a_landing_keeps_its_city_as_written() -> None:
    """'Lands 11:50 Las Palmas de Gran Canaria', not 'Lands 11:50 las palmas de gran
    canaria' (str.capitalize lowered the rest)."""
    visit = load_visit(SPAIN).visit
    outcome = solve(visit, None, time_limit=10.0)
    assert outcome.plan is not None
    text = programme_markdown(visit, outcome.plan, DELEGATION)
    assert re.search(r"^- Lands \d\d:\d\d Las Palmas de Gran Canaria \(2 h 50 min\)$", text, re.M)
    assert "las palmas" not in text
