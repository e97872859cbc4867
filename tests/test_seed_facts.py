"""The reference visit carries every programme fact of the seed article, each with a
provenance that points at the article line it comes from."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pydantic import BaseModel

from planner.model import Item, ItemKind, Provenance, Role, Side, SourceKind, Visit
from planner.visitfile import load_visit
from tests.conftest import REFERENCE, SEED


@pytest.fixture(scope="module")
def visit() -> Visit:
    return load_visit(REFERENCE).visit


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


def provenances(node: object, path: str = "") -> Iterator[tuple[str, Provenance]]:
    """Every provenance anywhere in a model tree, with a readable path."""
    if isinstance(node, Provenance):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from provenances(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, dict):  # per-field provenance ('provenance_of')
        for key, child in node.items():
            yield from provenances(child, f"{path}.{key}")
    elif isinstance(node, tuple | list):
        for n, child in enumerate(node):
            label = getattr(child, "id", None) or n
            yield from provenances(child, f"{path}[{label}]")


def seed_quote_problems(visit: Visit, lines: list[str]) -> list[str]:
    """Seed provenances whose quote is not on the stated line of the article."""
    problems = []
    for where, prov in provenances(visit):
        if prov.source is not SourceKind.SEED:
            continue
        assert prov.line is not None and prov.quote is not None
        text = lines[prov.line - 1] if 1 <= prov.line <= len(lines) else ""
        if prov.quote not in text:
            problems.append(f"{where}: {prov.quote!r} is not on line {prov.line}")
    return problems


def seed_quote(item_or_person: Item | object) -> tuple[int, str]:
    prov = getattr(item_or_person, "provenance", None)
    assert isinstance(prov, Provenance), f"{item_or_person} has no provenance"
    assert prov.source is SourceKind.SEED, f"{prov} is not from the seed"
    assert prov.line is not None and prov.quote is not None
    return prov.line, prov.quote


# -- provenance throughout the file ----------------------------------------------------------


def test_every_seed_quote_is_verbatim_on_its_line(visit: Visit, seed_lines: list[str]) -> None:
    seeded = [p for _, p in provenances(visit) if p.source is SourceKind.SEED]
    assert len(seeded) >= 10
    assert seed_quote_problems(visit, seed_lines) == []


def test_a_wrong_line_number_is_caught(visit: Visit, seed_lines: list[str]) -> None:
    item = visit.item["health-agreement"]
    assert item.provenance.line is not None
    moved = item.provenance.model_copy(update={"line": item.provenance.line + 2})
    tampered = visit.model_copy(
        update={
            "items": tuple(
                i.model_copy(update={"provenance": moved}) if i.id == item.id else i
                for i in visit.items
            )
        }
    )
    problems = seed_quote_problems(tampered, seed_lines)
    assert len(problems) == 1 and "health-agreement" in problems[0]


def test_every_item_has_a_provenance_and_assumptions_have_reasons(visit: Visit) -> None:
    for item in visit.items:
        assert item.provenance is not None, item.id
    assumed = [(w, p) for w, p in provenances(visit) if p.source is SourceKind.ASSUMED]
    assert assumed, "the reference visit states its assumptions"
    for where, prov in assumed:
        assert prov.reason and len(prov.reason.strip()) >= 10, where
    for where, prov in provenances(visit):
        if prov.source is SourceKind.CITED:
            assert prov.ref, where


# -- the facts of the article -------------------------------------------------------------------


def test_invited_by_president_aliyev(visit: Visit, seed_lines: list[str]) -> None:
    assert visit.invited_by == "aliyev"
    aliyev = visit.person["aliyev"]
    assert aliyev.name == "Ilham Aliyev"
    assert (aliyev.side, aliyev.role) == (Side.HOST, Role.PRINCIPAL)
    line, quote = seed_quote(aliyev)
    assert "invitation of President Ilham Aliyev" in quote
    assert quote in seed_lines[line - 1]


def test_state_visit_dates_and_zones(visit: Visit, seed_lines: list[str]) -> None:
    line, quote = seed_quote(visit)
    assert "state visit to Azerbaijan" in quote
    assert "May 30-31" in seed_lines[line - 1]
    assert visit.kind.value == "state"
    assert (visit.host.code, visit.guest.code) == ("AZ", "IL")
    assert (visit.start, visit.end) == (date(2023, 5, 30), date(2023, 5, 31))
    assert visit.timezone == "Asia/Baku"
    assert visit.guest_home_timezone == "Asia/Jerusalem"
    assert {c.timezone for c in visit.cities} == {"Asia/Baku"}
    herzog = visit.person["herzog"]
    assert visit.home_zone(herzog) == "Asia/Jerusalem"
    assert visit.home_zone(visit.person["aliyev"]) == "Asia/Baku"


def test_herzog_accompanied_by_health_minister_arbel(visit: Visit) -> None:
    herzog, arbel = visit.person["herzog"], visit.person["arbel"]
    assert herzog.name == "Isaac Herzog" and herzog.role is Role.PRINCIPAL
    assert arbel.name == "Moshe Arbel"
    assert (arbel.side, arbel.role) == (Side.GUEST, Role.MINISTER)
    assert "Health" in arbel.title
    line, quote = seed_quote(arbel)
    assert line == 13 and "accompanied by Minister of Health Moshe Arbel" in quote
    assert arbel.presence == herzog.presence  # he travels with the President


def test_health_ministers_working_meeting(visit: Visit) -> None:
    musayev = visit.person["musayev"]
    assert musayev.name == "Teymur Musayev"
    assert musayev.side is Side.HOST and musayev.role is Role.MINISTER
    assert musayev.counterpart_of == "arbel" and visit.person["arbel"].counterpart_of == "musayev"
    meetings = [i for i in visit.items if i.kind is ItemKind.MINISTERS_MEETING]
    assert len(meetings) == 1
    meeting = meetings[0]
    assert {"arbel", "musayev"} <= set(meeting.attendees)
    line, quote = seed_quote(meeting)
    # the article writes the name with a no-break space; the quote keeps it verbatim
    assert line == 13 and "working meeting" in quote
    assert "Teymur Musayev" in quote.replace("\u00a0", " ")
    notes = meeting.notes or ""
    for topic in ("doctor training", "emergency assessments", "digital health"):
        assert topic in notes, topic


def test_health_agreement_signed_after_the_meeting(visit: Visit) -> None:
    signings = [i for i in visit.items if i.kind is ItemKind.AGREEMENT_SIGNING]
    assert len(signings) == 1
    signing = signings[0]
    line, quote = seed_quote(signing)
    assert (
        line == 15 and "signing ceremony of a cooperation agreement in the health sector" in quote
    )
    assert any(rule.after == "health-meeting" for rule in signing.order)
    assert {"arbel", "musayev"} <= set(signing.attendees)


def test_wreath_at_the_grave_of_heydar_aliyev(visit: Visit) -> None:
    wreath = visit.item["wreath-alley-of-honour"]
    assert wreath.kind is ItemKind.WREATH_LAYING
    assert "herzog" in wreath.attendees
    assert wreath.venue == "alley-of-honour"
    assert visit.venue["alley-of-honour"].name == "Alley of Honour"
    line, quote = seed_quote(wreath)
    assert line == 17 and "grave of the late Azerbaijani President Heydar Aliyev" in quote


def test_respects_at_the_alley_of_martyrs(visit: Visit) -> None:
    item = visit.item["wreath-alley-of-martyrs"]
    assert item.kind in (ItemKind.WREATH_LAYING, ItemKind.MEMORIAL_VISIT)
    assert "herzog" in item.attendees
    assert visit.venue[item.venues[0]].name == "Alley of Martyrs"
    line, quote = seed_quote(item)
    assert line == 17 and "pay his respects at a cemetery" in quote
    notes = item.notes or ""
    assert "Black January" in notes and "1990" in notes
    assert "First Nagorno-Karabakh War" in notes


def test_festive_event_for_israels_75th_with_the_community(
    visit: Visit, seed_lines: list[str]
) -> None:
    event = visit.item["independence-75"]
    assert event.kind is ItemKind.COMMUNITY_EVENT
    assert {"herzog", "michal-herzog"} <= set(event.attendees)
    michal = visit.person["michal-herzog"]
    assert michal.name == "Michal Herzog" and michal.spouse_of == "herzog"
    line, quote = seed_quote(event)
    assert line == 19 and "75th anniversary of Israel’s independence" in quote
    assert "Herzog and his wife, Michal" in seed_lines[line - 1]
    assert "Jewish community" in (event.notes or "")
    community = [visit.person[p] for p in event.attendees if visit.person[p].side is Side.HOST]
    assert any(p.role is Role.COMMUNITY_LEADER for p in community)


def test_every_seeded_programme_item_lies_within_the_visit(visit: Visit) -> None:
    for item in visit.items:
        for day in item.days:
            assert visit.start <= day <= visit.end, item.id
        if item.pinned:
            assert visit.start <= item.pinned.date <= visit.end, item.id
