"""An edit of one item on the command line parses and writes out only that item's entry
(issue 9 §3: `planner move` on a visit of thousands of items took 20 s in the round-trip
YAML library): the result reads as the whole-document edit does, and every line outside
the entry stays as it was, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.visitfile import load_visit, read_yaml_text
from planner.yamledit import EntryDocument, VisitDocument
from tests.conftest import FIXTURES

VISITS = sorted(FIXTURES.glob("*.yaml"))


def _edits(doc: VisitDocument, item_id: str) -> None:
    doc.set(item_id, "duration", 45)
    doc.set(item_id, "pinned", "2023-05-30 10:00")
    doc.set(item_id, "dress", 'lounge suit; no "tie"')
    doc.remove(item_id, "notes")
    doc.set(item_id, "attendees", ["a", "b"])


@pytest.mark.parametrize("path", VISITS, ids=lambda p: p.stem)
def test_an_entry_edit_reads_as_the_whole_documents(path: Path) -> None:
    loaded = load_visit(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    items = list(enumerate(loaded.visit.items))
    step = max(1, len(items) // 12)  # a dozen items of each, and the last (a whole-document
    for n, item in [*items[::step], items[-1]]:  # edit takes a while)
        entry = EntryDocument.of(path, text, loaded.source, n)
        assert entry is not None, item.id
        whole = VisitDocument(path, text)
        _edits(entry, item.id)
        _edits(whole, item.id)
        edited, _ = read_yaml_text(entry.text(), path)
        assert edited == read_yaml_text(whole.text(), path)[0], item.id
        # outside the entry, the file is as it was
        new = entry.text().splitlines(keepends=True)
        first, end = entry._first, entry._end
        assert new[:first] == lines[:first], item.id
        assert new[len(new) - (len(lines) - end) :] == lines[end:], item.id


def test_a_flow_list_of_items_is_edited_as_a_whole(tmp_path: Path) -> None:
    base = (FIXTURES / "broken" / "BASE.yaml").read_text(encoding="utf-8")
    loaded = load_visit(FIXTURES / "broken" / "BASE.yaml")
    data, _ = read_yaml_text(base, tmp_path / "v.yaml")
    import json

    flow = base[: base.index("items:")] + "items: " + json.dumps(data["items"]) + "\n"
    path = tmp_path / "v.yaml"
    path.write_text(flow, encoding="utf-8")
    loaded = load_visit(path)
    assert EntryDocument.of(path, flow, loaded.source, 0) is None


def test_the_cli_move_changes_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from planner.cli import main

    path = tmp_path / "v.yaml"
    shutil.copyfile(FIXTURES / "herzog-azerbaijan-2023.yaml", path)
    before = path.read_text(encoding="utf-8").splitlines()
    assert main(["move", str(path), "community-meeting", "--to", "2023-05-31 10:30"]) == 0
    capsys.readouterr()
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert len(after) == len(before) + 1  # the pinned line, added
    assert after.count('    pinned: "2023-05-31 10:30"') == 1
    # the escapes elsewhere in the file (a no-break space written as \u00a0) are kept
    assert sum("\\u00a0" in line for line in after) == sum("\\u00a0" in line for line in before)
    assert changed  # (lines below the new one shift by one)


def test_an_entry_of_a_list_of_items_written_unindented_is_written_as_it_was(
    tmp_path: Path,
) -> None:
    """'- id:' at the start of the line under 'items:' (as ruamel.yaml and many editors
    write lists): the edited entry is written at that indentation too (it was written two
    columns in, which made the file invalid YAML: `planner cancel` refused every such
    file)."""
    text = (FIXTURES / "broken" / "BASE.yaml").read_text(encoding="utf-8")
    head, items = text.split("\nitems:\n", 1)
    body, *rest = re.split(r"(?m)^(?=\S)", items, maxsplit=1)
    flat = "".join(line[2:] if line.startswith("  ") else line for line in body.splitlines(True))
    path = tmp_path / "v.yaml"
    path.write_text(head + "\nitems:\n" + flat + "".join(rest), encoding="utf-8")
    loaded = load_visit(path)
    first = loaded.visit.items[0].id
    source = path.read_text(encoding="utf-8")
    entry = EntryDocument.of(path, source, loaded.source, 0)
    assert entry is not None
    entry.set(first, "cancelled", {"reason": "rain", "on": "2023-05-29"})
    path.write_text(entry.text(), encoding="utf-8")
    found = load_visit(path).visit.item[first].cancellation
    assert found is not None and found.reason == "rain"
    assert f"\n- id: {first}\n" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("edited", ["official-welcome", "arrival"])
def test_an_entry_tied_to_another_by_an_alias_is_edited_with_it(
    tmp_path: Path, edited: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main

    text = (FIXTURES / "herzog-azerbaijan-2023.yaml").read_text(encoding="utf-8")
    cited = '    provenance: {source: cited, ref: "FJC report of the airport welcome, 30 May'
    at = text.index(cited)
    text = text[:at] + text[at:].replace("provenance: {", "provenance: &fjc {", 1)
    after = text.index("\n    provenance: {", text.index("&fjc"))
    end = text.index("\n", after + 1)
    text = text[:after] + "\n    provenance: *fjc" + text[end:]
    path = tmp_path / "visit.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["solve", str(path)]) == 0
    assert main(["set", str(path), edited, "--duration", "25"]) == 0, capsys.readouterr().err
    out = path.read_text(encoding="utf-8")
    assert "&fjc {" in out and "provenance: *fjc" in out  # both ends of the alias kept
    visit = load_visit(path).visit
    assert visit.item[edited].duration == 25
    assert visit.item["official-welcome"].provenance == visit.item["arrival"].provenance
