"""The calendars in real clients: khal (terminal calendar, from PyPI), calcurse (Debian
package, installed by .ci/run) and a Radicale CalDAV server written to with the caldav
client. Each runs in a throwaway directory; the members' devices are on Asia/Jerusalem.
The update test re-exports an edited visit with `planner generate` and imports both
versions: no duplicates, the moved item at its new time, the cancelled one cancelled."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import caldav
import icalendar
import pytest

from planner.cli import main
from planner.export import ical
from planner.export.tiers import DELEGATION, FULL, Audience, event_uid, views
from tests.conftest import REFERENCE, need_tool
from tests.ical_support import solved

pytestmark = pytest.mark.clients

HOME_ZONE = "Asia/Jerusalem"
TIMEOUT = 60


def _timed(name: str, audience: Audience = DELEGATION) -> dict[str, tuple[datetime, datetime, str]]:
    """uid -> (start, end, title) in Jerusalem wall time, from the views."""
    visit, plan = solved(name)
    zone = ZoneInfo(HOME_ZONE)
    return {
        v.uid: (
            datetime.fromtimestamp(v.start.timestamp(), zone).replace(tzinfo=None),
            datetime.fromtimestamp(v.end.timestamp(), zone).replace(tzinfo=None),
            ("Cancelled: " if v.cancelled else "") + v.title,
        )
        for v in views(visit, plan, audience)
        if v.start is not None and v.end is not None
    }


# -- khal ------------------------------------------------------------------------------


class Khal:
    def __init__(self, root: Path) -> None:
        self.root = root
        vdir = root / "vdir" / "visit"
        vdir.mkdir(parents=True)
        self.config = root / "khal.conf"
        self.config.write_text(
            f"[calendars]\n[[visit]]\npath = {vdir}\ntype = calendar\n"
            f"[locale]\nlocal_timezone = {HOME_ZONE}\ndefault_timezone = {HOME_ZONE}\n"
            "timeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
            f"[sqlite]\npath = {root / 'khal.db'}\n",
            encoding="utf-8",
        )
        binary = Path(sys.executable).with_name("khal")
        self.binary = str(binary) if binary.exists() else (shutil.which("khal") or "khal")
        self.env = dict(
            os.environ,
            HOME=str(root),
            XDG_CONFIG_HOME=str(root / "cfg"),
            XDG_DATA_HOME=str(root / "data"),
            TZ=HOME_ZONE,
            LC_ALL="C.UTF-8",
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.binary, "-c", str(self.config), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    def import_file(self, path: Path) -> None:
        result = self.run("import", "--batch", "-a", "visit", str(path))
        assert result.returncode == 0, result.stderr
        assert "error" not in result.stderr.lower(), result.stderr

    def rows(self, first: date, last: date) -> list[tuple[str, str, str, str, str]]:
        result = self.run(
            "list",
            "--format",
            "{uid}\x1f{start}\x1f{end}\x1f{title}\x1f{status}",
            "--day-format",
            "",
            first.isoformat(),
            last.isoformat(),
        )
        assert result.returncode == 0, result.stderr
        rows = []
        for line in result.stdout.splitlines():
            if "\x1f" in line:
                uid, start, end, title, status = (p.strip() for p in line.split("\x1f"))
                rows.append((uid, start, end, title, status))
        return rows


def _khal_times(rows: list[tuple[str, str, str, str, str]]) -> dict[str, tuple[str, str, str]]:
    seen: dict[str, tuple[str, str, str]] = {}
    for uid, start, end, title, _status in rows:
        assert uid not in seen, f"khal shows {title} twice"
        seen[uid] = (start, end, title)
    return seen


def _fmt(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("name", ["reference", "spain"])
def test_khal_lists_every_event_at_its_jerusalem_time(tmp_path: Path, name: str) -> None:
    visit, plan = solved(name)
    path = tmp_path / "full.ics"
    path.write_bytes(ical.calendar(visit, plan, FULL))
    khal = Khal(tmp_path / "khal")
    khal.import_file(path)
    shown = _khal_times(khal.rows(visit.start - timedelta(days=1), visit.end + timedelta(days=1)))
    want = _timed(name, FULL)
    assert want
    for uid, (start, end, title) in want.items():
        assert shown[uid] == (_fmt(start), _fmt(end), title)
    if name == "reference":
        # 10:35 in Baku is 09:35 in Jerusalem (IDT, UTC+3) on 30 May 2023
        welcome = event_uid(visit.id, "official-welcome", "member")
        planned = plan.item("official-welcome")
        assert planned is not None and planned.start is not None
        local = planned.start.local - timedelta(hours=1)
        assert shown[welcome][0] == _fmt(local)


# -- calcurse --------------------------------------------------------------------------


def _calcurse() -> str:
    return need_tool("calcurse", "calcurse")


@pytest.mark.parametrize("name", ["reference", "spain"])
def test_calcurse_imports_everything_at_the_expected_times(tmp_path: Path, name: str) -> None:
    binary = _calcurse()
    visit, plan = solved(name)
    path = tmp_path / "delegation.ics"
    path.write_bytes(ical.calendar(visit, plan, DELEGATION))
    root = tmp_path / "calcurse"
    root.mkdir()
    env = dict(os.environ, HOME=str(root), TZ=HOME_ZONE, LC_ALL="C.UTF-8", TMPDIR=str(root))
    base = [binary, "-C", str(root), "-D", str(root)]
    result = subprocess.run(
        [*base, "-i", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    report = result.stdout + result.stderr
    counts = re.search(r"(\d+) apps? / (\d+) events? / (\d+) todos? / (\d+) skipped", report)
    assert counts, report
    apps, all_day, _todos, skipped = (int(x) for x in counts.groups())
    want = _timed(name, DELEGATION)
    shown_views = views(visit, plan, DELEGATION)
    assert skipped == 0, report + "".join(p.read_text() for p in root.glob("calcurse_log.*"))
    assert apps == len(want)
    assert all_day == len(shown_views) - len(want)
    first, last = visit.start - timedelta(days=1), visit.end + timedelta(days=1)
    query = subprocess.run(
        [
            *base,
            "--input-datefmt",
            "4",
            "-Q",
            "--from",
            first.isoformat(),
            "--days",
            str((last - first).days + 1),
            "--format-apt",
            "APT\x1f%(start:%Y-%m-%d %H:%M)\x1f%(end:%Y-%m-%d %H:%M)\x1f%m\\n",
            "--format-event",
            "DAY\x1f%m\\n",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert query.returncode == 0, query.stderr
    shown = {
        tuple(line.split("\x1f")[1:])
        for line in query.stdout.splitlines()
        if line.startswith("APT")
    }
    for start, end, title in want.values():
        assert (_fmt(start), _fmt(end), title) in shown


# -- Radicale --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Radicale server on 127.0.0.1 with throwaway storage and no authentication;
    yields its URL and stops it (by its own process) at the end."""
    root = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    log = open(root / "radicale.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--storage-filesystem-folder",
            str(root / "collections"),
            "--logging-level",
            "warning",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, HOME=str(root)),
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, (root / "radicale.log").read_text()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "Radicale did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _objects(data: bytes) -> list[str]:
    """The calendar split as a CalDAV client stores it (RFC 4791 §4.1): one object per UID,
    with the time zones it uses, and no METHOD."""
    cal = icalendar.Calendar.from_ical(data)
    zones = {str(z["TZID"]): z for z in cal.walk("VTIMEZONE")}
    result = []
    for event in cal.walk("VEVENT"):
        obj = icalendar.Calendar()
        for key in ("VERSION", "PRODID", "CALSCALE"):
            obj.add(key, cal[key])
        used = {
            str(event[k].params["TZID"]) for k in ("DTSTART", "DTEND") if "TZID" in event[k].params
        }
        for tzid in sorted(used):
            obj.add_component(zones[tzid])
        obj.add_component(event)
        assert "METHOD" not in obj
        result.append(obj.to_ical().decode("utf-8"))
    return result


def _put(calendar: caldav.Calendar, data: bytes) -> None:
    for obj in _objects(data):
        calendar.save_event(obj, increase_seqno=False)


def _server_events(calendar: caldav.Calendar) -> list[icalendar.Event]:
    events = []
    for resource in calendar.events():
        cal = icalendar.Calendar.from_ical(resource.data)
        found = list(cal.walk("VEVENT"))
        assert len(found) == 1
        events.extend(found)
    return events


def _dav_calendar(url: str, name: str) -> caldav.Calendar:
    client = caldav.DAVClient(url=url, username="test", password="")
    principal = client.principal()
    return principal.make_calendar(name=name, cal_id=name)


def test_radicale_stores_and_returns_every_event(radicale: str) -> None:
    visit, plan = solved("spain")
    data = ical.calendar(visit, plan, FULL)
    calendar = _dav_calendar(radicale, "spain-full")
    _put(calendar, data)
    want = {v.uid: v for v in views(visit, plan, FULL)}
    got = _server_events(calendar)
    assert sorted(str(e["UID"]) for e in got) == sorted(want)
    for event in got:
        view = want[str(event["UID"])]
        assert str(event["SUMMARY"]) == view.title
        assert event["SEQUENCE"] == view.sequence
        if view.start is not None and view.end is not None:
            assert event.decoded("DTSTART").timestamp() == view.start.timestamp()
            assert event.decoded("DTEND").timestamp() == view.end.timestamp()


# -- update: generate, move, cancel, generate --------------------------------------------

MOVED, CANCELLED = "community-meeting", "spouse-programme"


@pytest.fixture(scope="module")
def update_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """delegation.ics before and after a move and a cancellation, from `planner generate`."""
    root = tmp_path_factory.mktemp("update")
    visit_file = root / "visit.yaml"
    shutil.copy(REFERENCE, visit_file)
    assert main(["generate", str(visit_file), "-o", str(root / "out1")]) == 0
    assert main(["move", str(visit_file), MOVED, "--to", "2023-05-31 10:30"]) == 0
    assert main(["cancel", str(visit_file), CANCELLED]) == 0
    assert main(["generate", str(visit_file), "-o", str(root / "out2")]) == 0
    return (
        (root / "out1" / "calendars" / "delegation.ics").read_bytes(),
        (root / "out2" / "calendars" / "delegation.ics").read_bytes(),
    )


def _by_title(events: list[icalendar.Event], title: str) -> list[icalendar.Event]:
    return [e for e in events if str(e["SUMMARY"]).endswith(title)]


def test_update_in_radicale_replaces_events(
    radicale: str, update_pair: tuple[bytes, bytes]
) -> None:
    old, new = update_pair
    visit, _plan = solved("reference")
    moved_title, cancelled_title = visit.item[MOVED].title, visit.item[CANCELLED].title
    calendar = _dav_calendar(radicale, "update")
    _put(calendar, old)
    before = _server_events(calendar)
    _put(calendar, new)
    after = _server_events(calendar)
    uids = [str(e["UID"]) for e in after]
    assert len(uids) == len(set(uids)) == len(before)
    (moved_before,) = _by_title(before, moved_title)
    (moved,) = _by_title(after, moved_title)
    assert moved.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") == "2023-05-31 10:30"
    assert moved.decoded("DTSTART").utcoffset() == timedelta(hours=4)
    assert moved["SEQUENCE"] > moved_before["SEQUENCE"]
    (cancelled_before,) = _by_title(before, cancelled_title)
    (cancelled,) = _by_title(after, cancelled_title)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == f"Cancelled: {cancelled_title}"
    assert cancelled["SEQUENCE"] > cancelled_before["SEQUENCE"]


def test_update_in_khal_replaces_events(tmp_path: Path, update_pair: tuple[bytes, bytes]) -> None:
    old, new = update_pair
    visit, _plan = solved("reference")
    khal = Khal(tmp_path / "khal")
    for n, data in enumerate((old, new)):
        path = tmp_path / f"v{n}.ics"
        path.write_bytes(data)
        khal.import_file(path)
    rows = khal.rows(visit.start - timedelta(days=1), visit.end + timedelta(days=1))
    shown = _khal_times(rows)  # no UID twice
    new_events = icalendar.Calendar.from_ical(new).walk("VEVENT")
    assert set(shown) == {str(e["UID"]) for e in new_events}
    moved_uid = event_uid(visit.id, MOVED, "member")
    assert shown[moved_uid][0] == "2023-05-31 09:30"  # 10:30 Baku
    cancelled_uid = event_uid(visit.id, CANCELLED, "member")
    status = {uid: st for uid, _s, _e, _t, st in rows}
    assert status[cancelled_uid] == "CANCELLED"
    assert shown[cancelled_uid][2] == f"Cancelled: {visit.item[CANCELLED].title}"
