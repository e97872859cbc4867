"""An editing session of one visit: the visit text and its plan as edited in memory, with
undo and redo, saving both files at once, and what a screen needs to show a plan (tracks
of people, findings with the item they concern, search, one person's itinerary).

Nothing here draws anything: the terminal UI (``tui/``) calls these functions and shows
their results. The solver (ortools) is imported only by the functions that solve, so a
session can be opened and shown before it is loaded.

Threads: ``Session.prepare`` and ``Session.first_plan`` compute a new state without
changing the session, so a background thread may run them; ``commit``, ``adopt``,
``undo``, ``redo`` and ``save`` change it and belong to one thread (the UI's).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from planner.journal import FileChanged
from planner.model.clock import WallTime
from planner.model.consistency import Path_, Problem
from planner.model.people import Role, Side
from planner.model.travel import travel_minutes
from planner.model.visit import Visit
from planner.plan import (
    Plan,
    PlanFileError,
    PlannedItem,
    Status,
    fingerprint,
    plan_path,
    read_plan,
)
from planner.visitfile import LoadedVisit, SourceMap, VisitFileError, load_visit
from planner.yamledit import EditError, VisitDocument

if TYPE_CHECKING:
    from planner.lock import VisitLock
    from planner.schedule.edits import Edit
    from planner.schedule.goals import ScoreLine
    from planner.schedule.solve import SolveOutcome
    from planner.stop import StopSignal

THIN_SLACK = 15  # minutes: less slack than this before a pinned item is worth a warning


# -- what a screen shows --------------------------------------------------------------


@dataclass(frozen=True)
class Track:
    """A lane of the day: whose items it holds."""

    key: str
    label: str
    people: tuple[str, ...]


def tracks(visit: Visit) -> list[Track]:
    """The guest principal, the guest spouse, each guest minister, then the rest of the
    delegation (if anyone is left) and the host side."""
    guests = sorted(
        (p for p in visit.people if p.side is Side.GUEST), key=lambda p: (p.precedence, p.name)
    )
    result: list[Track] = []
    taken: set[str] = set()
    for role in (Role.PRINCIPAL, Role.SPOUSE, Role.MINISTER):
        for person in guests:
            if person.role is role:
                result.append(Track(person.id, person.name, (person.id,)))
                taken.add(person.id)
    others = tuple(p.id for p in guests if p.id not in taken)
    if others:
        result.append(Track("delegation", "Delegation", others))
    for leg in visit.tour:  # a tour: each leg's hosts on a track of their own
        mine = tuple(pid for pid in leg.hosts if pid in visit.person)
        if mine:
            result.append(Track(f"host-{leg.id}", f"{leg.host.name} (host)", mine))
    placed = {pid for leg in visit.tour for pid in leg.hosts}
    hosts = tuple(p.id for p in visit.people if p.side is Side.HOST and p.id not in placed)
    if hosts:
        result.append(Track("host", f"{visit.host.name} (host)", hosts))
    return result


def nudged(planned: PlannedItem, minutes: int) -> WallTime:
    """The local start of ``planned`` moved by ``minutes`` (earlier when negative)."""
    if planned.start is None:
        raise EditError(f"'{planned.id}' has no planned time to move")
    return WallTime(planned.start.local + timedelta(minutes=minutes))


@dataclass(frozen=True)
class Slack:
    """Less than THIN_SLACK minutes to spare before a pinned item."""

    item: str  # the pinned item
    after: str  # the item before it
    people: tuple[str, ...]
    minutes: int  # to spare, after travel and holding (negative: late)


def thin_slack(visit: Visit, plan: Plan, threshold: int = THIN_SLACK) -> list[Slack]:
    """Pinned items that some attendee reaches with less than ``threshold`` minutes to
    spare: the gap after their previous item of the day, less the journey between the
    venues and the holding time on site."""
    scheduled = [
        p
        for p in plan.items
        if p.status is Status.SCHEDULED and p.id in visit.item and p.start_at() and p.end_at()
    ]
    scheduled.sort(key=lambda p: (p.start_at(), p.id))
    found: dict[tuple[str, str], tuple[list[str], int]] = {}
    for n, planned in enumerate(scheduled):
        item = visit.item[planned.id]
        start = planned.start_at()
        if not item.is_pinned or start is None:
            continue
        venue = planned.venue or item.venues[0]
        for person in planned.attendees:
            before = next(
                (
                    p
                    for p in reversed(scheduled[:n])
                    if person in p.attendees
                    and (p.start_at() or start).date() == start.date()
                    and (p.end_at() or start) <= start
                ),
                None,
            )
            if before is None:
                continue
            end = before.end_at()
            assert end is not None
            origin = before.arrival_venue or before.venue or visit.item[before.id].venues[0]
            journey = 0
            if origin != venue:
                road = travel_minutes(visit.travel, visit.venue[origin], visit.venue[venue])
                journey = (road or 0) + item.holding_minutes
            spare = int((start - end).total_seconds() // 60) - journey
            if spare < threshold:
                people, worst = found.get((planned.id, before.id), ([], spare))
                people.append(person)
                found[(planned.id, before.id)] = (people, min(worst, spare))
    return [
        Slack(item_id, after, tuple(people), minutes)
        for (item_id, after), (people, minutes) in found.items()
    ]


@dataclass(frozen=True)
class Finding:
    """One line of the conflicts and warnings list; ``glyph`` reads without colour."""

    kind: str  # error, warning, dropped, cancelled, slack, review, score
    glyph: str
    text: str
    item: str | None = None


GLYPHS = {
    "error": "✗",
    "warning": "!",
    "dropped": "⊘",
    "cancelled": "⊗",
    "slack": "◷",
    "review": "?",
    "score": "≈",
}


def findings(
    visit: Visit,
    plan: Plan,
    scores: Iterable[ScoreLine] = (),
    warnings: Iterable[Problem] = (),
) -> list[Finding]:
    """Everything worth a look in a plan: broken rules (the independent validator), the
    visit file's warnings (``LoadedVisit.problems``: e.g. an attendee whose clearance
    hides the item from their itinerary), left out and cancelled items, thin slack before
    pinned items, what a protocol officer would question (planner.review), and the soft
    goals' scores."""
    from planner.review import review
    from planner.validate import validate_plan

    result: list[Finding] = []
    for problem in warnings:
        path = problem.path
        about = (
            visit.items[path[1]].id
            if len(path) > 1 and path[0] == "items" and isinstance(path[1], int)
            else None
        )
        result.append(Finding("warning", GLYPHS["warning"], problem.message, about))
    for violation in validate_plan(visit, plan):
        kind = "error" if violation.severity == "error" else "warning"
        about = violation.items[0] if violation.items else None
        result.append(Finding(kind, GLYPHS[kind], violation.message, about))
    for planned in plan.items:
        if planned.id not in visit.item:
            continue
        item = visit.item[planned.id]
        if planned.status is Status.DROPPED:
            from planner.schedule.goals import DEFAULT_PRIORITY  # light: no solver

            text = (
                f"left out: {item.title} (optional, priority {item.priority or DEFAULT_PRIORITY})"
            )
            result.append(Finding("dropped", GLYPHS["dropped"], text, planned.id))
        elif planned.status is Status.CANCELLED:
            result.append(
                Finding("cancelled", GLYPHS["cancelled"], f"cancelled: {item.title}", planned.id)
            )
    for slack in thin_slack(visit, plan):
        names = ", ".join(visit.person[p].name for p in slack.people)
        text = (
            f"{slack.minutes} min to spare before pinned '{visit.item[slack.item].title}' "
            f"after '{visit.item[slack.after].title}' ({names})"
        )
        result.append(Finding("slack", GLYPHS["slack"], text, slack.item))
    slack_items = {f.item for f in result if f.kind == "slack"}
    for concern in review(visit, plan):
        if concern.check == "thin-slack" and concern.item in slack_items:
            continue  # said already, for everyone it concerns
        result.append(Finding("review", GLYPHS["review"], concern.text, concern.item))
    for line in scores:
        if line.measure:
            result.append(Finding("score", GLYPHS["score"], str(line)))
    return result


def _starts(plan: Plan, ids: Iterable[str]) -> list[str]:
    planned = [plan.item(i) for i in ids]
    ordered = [p for p in planned if p is not None and p.start_at() is not None]
    ordered.sort(key=lambda p: (p.start_at(), p.id))
    return [p.id for p in ordered]


def search(visit: Visit, plan: Plan, query: str) -> list[str]:
    """Scheduled items whose title, venue or attendees' names contain ``query`` (any
    case), in time order."""
    needle = query.casefold().strip()
    if not needle:
        return []
    hits = []
    for planned in plan.items:
        if planned.status is not Status.SCHEDULED or planned.id not in visit.item:
            continue
        item = visit.item[planned.id]
        words = [item.title, item.kind_label]
        for venue_id in (planned.venue, planned.arrival_venue):
            if venue_id and venue_id in visit.venue:
                venue = visit.venue[venue_id]
                words += [venue.name, venue.local_name or ""]
        words += [visit.person[p].name for p in planned.attendees if p in visit.person]
        if any(needle in w.casefold() for w in words):
            hits.append(planned.id)
    return _starts(plan, hits)


def itinerary(visit: Visit, plan: Plan, person: str) -> list[str]:
    """The scheduled items ``person`` attends, in time order, across all days."""
    ids = [
        p.id
        for p in plan.items
        if p.status is Status.SCHEDULED and p.id in visit.item and person in p.attendees
    ]
    return _starts(plan, ids)


def days(visit: Visit, plan: Plan | None) -> list[date]:
    """The programme's days: every day of the visit, and any day the plan uses beyond."""
    result = set(visit.days)
    if plan is not None:
        for p in plan.items:
            start = p.start_at()
            if p.status is Status.SCHEDULED and start is not None:
                result.add(start.date())
    return sorted(result)


# -- the session ----------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """The visit's document, the visit it reads as, its plan and what that plan is worth.
    A document is never changed once it is in a state: an edit forks a new one."""

    document: VisitDocument
    loaded: LoadedVisit
    plan: Plan | None
    findings: tuple[Finding, ...] = ()
    moved: tuple[str, ...] = ()  # items the last edit moved besides the edited one
    label: str = "opened"  # what made this state (an edit's description)
    changes: tuple[str, ...] = ()  # what else the last edit changed, a line each

    @property
    def changes_summary(self) -> str:
        """What else the last edit changed, in one line ('Nothing else changed')."""
        if not self.changes:
            return "Nothing else changed"
        shown = "; ".join(self.changes[:3])
        return shown + (f"; and {len(self.changes) - 3} more" if len(self.changes) > 3 else "")

    @property
    def text(self) -> str:
        """The visit file's text (written out on first use after an edit)."""
        return self.document.text()


@dataclass(frozen=True)
class Nudge:
    """Move an item's start by some minutes (pins it there)."""

    item: str
    minutes: int

    def describe(self) -> str:
        sign = "later" if self.minutes > 0 else "earlier"
        return f"move {self.item} {abs(self.minutes)} min {sign}"


@dataclass(frozen=True)
class ItemEdit:
    """Pin, unpin or cancel an item (the same edits as the CLI's verbs)."""

    action: str  # pin, unpin, cancel
    item: str

    def describe(self) -> str:
        return f"{self.action} {self.item}"


@dataclass
class Attempt:
    """The result of trying an edit; ``state`` is None when it cannot be done, and then
    ``error`` or ``explanation`` says why."""

    base: State
    description: str
    state: State | None = None
    error: str | None = None
    explanation: str | None = None
    stopped: bool = False  # the caller asked the solve to stop
    made: str | None = None  # the item the edit created (added, or a copy)


def _watching(stop: StopSignal | None) -> AbstractContextManager[object]:
    return stop.watching() if stop is not None else nullcontext()


def _as_saved(state: State) -> LoadedVisit:
    """The state's visit as its file now holds it: located at the lines of its text."""
    from planner.visitfile import read_yaml_text

    loaded = state.loaded

    def lines() -> SourceMap:
        return read_yaml_text(state.text, loaded.path)[1]

    return replace(loaded, source=SourceMap(later=lines))


class FileChangedError(FileChanged):
    """The visit file or its plan changed on disk since the session opened (or last
    saved) them."""


SAVE_TIMEOUT = 5.0  # seconds a save waits for another writer (the screen waits meanwhile)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Session:
    """One visit being edited: the current state, undo and redo stacks, and the state
    last saved (or opened)."""

    def __init__(
        self,
        state: State,
        plan_file: Path,
        disk_digest: str | None,
        plan_digest: str | None = None,
    ) -> None:
        self.state = state
        self.plan_file = plan_file
        self.undo_stack: list[State] = []
        self.redo_stack: list[State] = []
        self._saved_document = state.document
        self._saved_plan = state.plan
        self.on_disk = state.loaded  # the visit as its file holds it (opened or saved)
        self._disk_digest = disk_digest  # the visit file as read or saved
        self._plan_digest = plan_digest  # the plan file as read or saved (None: none)
        self.plan_problem: str | None = None  # the plan file could not be read
        self.lock: VisitLock | None = None  # the lock file beside the visit
        self.recovered: list[str] = []  # a killed writer's leftovers put right on opening

    @property
    def lock_warning(self) -> str | None:
        """Another live process has this visit open (its lock file is there)."""
        return self.lock.warning if self.lock is not None else None

    def close(self) -> None:
        """Remove this session's lock file (when it wrote one)."""
        if self.lock is not None:
            self.lock.release()

    # opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, plan_file: Path | None = None, *, lock: bool = True) -> Session:
        """Read a visit file and its plan. Raises VisitFileError for an invalid visit; an
        unreadable plan file is set aside (``plan_problem``) and a new plan is made. With
        ``lock``, writes a lock file beside the visit (``close`` removes it); when another
        live process holds one, ``lock_warning`` says so. Both files are read holding the
        visit's writers' lock (``planner.journal``): never in the middle of another
        program's write, and a write a killed program left half-done is completed first
        (``recovered`` says so). Raises planner.lock.Busy when another writer holds the
        lock too long."""
        from planner.journal import Snapshot, consistent, read_steady

        path = Path(path)
        plan_file = plan_file or plan_path(path)

        def visit_file(p: Path) -> tuple[bytes, LoadedVisit]:
            try:
                raw = p.read_bytes()
            except OSError as exc:
                raise EditError(f"{p}: cannot read the file: {exc.strerror or exc}") from None
            return raw, load_visit(p)

        plan: Plan | None = None
        problem = None
        with consistent(path, f"planner tui: open {path.name}", also=(plan_file,)) as recovered:
            (raw, loaded), _ = read_steady(path, visit_file)
            plan_read = Snapshot(plan_file, None)
            if plan_file.is_file():
                try:
                    plan, plan_read = read_steady(plan_file, read_plan)
                except PlanFileError as exc:
                    problem = str(exc)
                    plan_read = Snapshot.of(plan_file)
        text = raw.decode("utf-8-sig")
        if plan is not None and plan.visit != loaded.visit.id:
            problem = f"{plan_file}: a plan of visit '{plan.visit}', not '{loaded.visit.id}'"
            plan = None
        document = VisitDocument(path, text)
        state = State(document, loaded, plan)
        if plan is not None:
            found = findings(loaded.visit, plan, (), loaded.problems)
            state = State(document, loaded, plan, findings=tuple(found))
        session = cls(state, plan_file, _digest(raw), plan_read.digest)
        session.plan_problem = problem
        session.recovered = recovered
        if lock:
            from planner.lock import acquire

            session.lock = acquire(path)
        return session

    @property
    def path(self) -> Path:
        return self.state.loaded.path

    @property
    def visit(self) -> Visit:
        return self.state.loaded.visit

    @property
    def plan(self) -> Plan | None:
        return self.state.plan

    @property
    def needs_plan(self) -> bool:
        """No plan yet, or a plan made from another version of the visit."""
        plan = self.state.plan
        return plan is None or plan.fingerprint != fingerprint(self.visit)

    @property
    def dirty(self) -> bool:
        state = self.state
        return state.document is not self._saved_document or state.plan != self._saved_plan

    def is_pinned(self, item_id: str) -> bool:
        item = self.visit.item.get(item_id)
        return item is not None and item.is_pinned

    def warm(self) -> None:
        """Do ahead, in any thread, the slow work an edit would otherwise do first: parse
        the visit for editing and load the solver."""
        self.state.document.data  # noqa: B018 (parsed on first use)
        import planner.schedule.solve  # noqa: F401

    # solving ----------------------------------------------------------------------

    def first_plan(self, time_limit: float = 10.0, stop: StopSignal | None = None) -> Attempt:
        """Plan the visit as it is: changing its previous plan as little as possible, or
        from scratch when there is none. Does not change the session (see ``adopt``).
        ``stop`` may end the solve from another thread (the attempt is then ``stopped``)."""
        from planner.schedule.solve import solve
        from planner.stop import Stopped

        base = self.state
        what = "re-plan" if base.plan is not None else "plan the visit"
        try:
            with _watching(stop):
                outcome = solve(base.loaded.visit, base.plan, time_limit=time_limit, reason="solve")
        except Stopped:
            return Attempt(base, what, error="stopped", stopped=True)
        return self._attempt(base, what, base.document, base.loaded, outcome)

    def adopt(self, attempt: Attempt) -> bool:
        """Take the first plan as the opened state (not an undoable edit)."""
        if attempt.state is None or attempt.base is not self.state:
            return False
        self.state = attempt.state
        return True

    def prepare(
        self,
        request: Edit | Nudge | ItemEdit,
        time_limit: float = 10.0,
        stop: StopSignal | None = None,
    ) -> Attempt:
        """Apply ``request`` to the current visit text and re-plan with the fewest changes.
        Does not change the session: ``commit`` the attempt to keep it. ``stop`` may end
        the solve from another thread (the attempt is then ``stopped``)."""
        from planner.schedule.edits import Edit, apply
        from planner.schedule.solve import solve
        from planner.stop import Stopped
        from planner.visitfile import load_edited

        base = self.state
        try:
            if isinstance(request, ItemEdit):
                edit = Edit(request.action, request.item)
            elif isinstance(request, Nudge):
                planned = base.plan.item(request.item) if base.plan else None
                if planned is None:
                    raise EditError(f"'{request.item}' is not in the plan")
                edit = Edit("move", request.item, to=str(nudged(planned, request.minutes)))
            else:
                edit = request
            document = base.document.fork(edit.item)
            touched = apply(document, edit, base.plan)
            # problems at the lines of the file on disk, where a reader can look
            loaded = load_edited(document, base.document, base.loaded, on_disk=self.on_disk)
        except EditError as exc:
            return Attempt(base, request.describe(), error=str(exc))
        except VisitFileError as exc:
            problems = [replace(d, file=self.path.name) for d in exc.diagnostics]
            return Attempt(base, request.describe(), error="\n".join(map(str, problems)))
        previous = base.plan
        try:
            with _watching(stop):
                outcome = solve(
                    loaded.visit,
                    previous,
                    time_limit=time_limit,
                    reason=edit.describe(),
                    edited=frozenset({touched}),
                    unchanged_except=frozenset({touched})
                    if previous is not None
                    and previous.fingerprint == fingerprint(base.loaded.visit)
                    else None,
                )
        except Stopped:
            return Attempt(base, request.describe(), error="stopped", stopped=True)
        attempt = self._attempt(
            base, request.describe(), document, loaded, outcome, frozenset({touched})
        )
        if touched not in base.loaded.visit.item:
            attempt.made = touched
        return attempt

    def _attempt(
        self,
        base: State,
        description: str,
        document: VisitDocument,
        loaded: LoadedVisit,
        outcome: SolveOutcome,
        edited: frozenset[str] = frozenset(),
    ) -> Attempt:
        if outcome.plan is None:
            from planner.schedule.explain import render

            def locate(where: Path_) -> str:  # the file's name: a screen is narrow
                line, col = loaded.source.locate(where)
                return f"{loaded.path.name}:{line}:{col}"

            why = (
                render(outcome.explanation, locate, why_first=True)  # a screen: top first
                if outcome.explanation is not None
                else outcome.without_plan(outcome.seconds)
            )
            return Attempt(base, description, explanation=why)
        from planner.edit_report import report

        plan = outcome.plan
        state = State(
            document,
            loaded,
            plan,
            findings=tuple(findings(loaded.visit, plan, outcome.scores, loaded.problems)),
            moved=tuple(outcome.moved),
            label=description,
            changes=tuple(report(loaded.visit, base.plan, plan, skip=edited)),
        )
        return Attempt(base, description, state=state)

    def commit(self, attempt: Attempt) -> bool:
        """Keep a successful attempt as the current state (one undo step). An attempt made
        from a state that is no longer current is refused."""
        if attempt.state is None or attempt.base is not self.state:
            return False
        self.undo_stack.append(self.state)
        self.redo_stack.clear()
        self.state = attempt.state
        return True

    def undo(self) -> State | None:
        """Go back one edit; returns the state undone, or None when there is none."""
        if not self.undo_stack:
            return None
        undone = self.state
        self.redo_stack.append(undone)
        self.state = self.undo_stack.pop()
        return undone

    def redo(self) -> State | None:
        if not self.redo_stack:
            return None
        self.undo_stack.append(self.state)
        self.state = self.redo_stack.pop()
        return self.state

    # saving -----------------------------------------------------------------------

    def changed_on_disk(self) -> bool:
        """Whether the visit file or its plan is no longer as this session read (or
        saved) it: another program wrote it since."""
        return self._changed() is not None

    def _changed(self) -> str | None:
        from planner.journal import Snapshot, changed

        visit = changed(Snapshot(self.path, self._disk_digest))
        if visit is not None:
            return f"{self.path.name} changed on disk since it was opened"
        plan = Snapshot(self.plan_file, self._plan_digest)
        if changed(plan) is not None and self.plan_file.exists():  # removed: nothing lost
            return (
                f"the plan {self.plan_file.name} changed on disk since it was opened "
                "(another program solved or edited the visit)"
            )
        return None

    def save(self) -> list[Path]:
        """Write the visit file (comments kept: it is the edited text) and the plan, both
        at once (``planner.journal``: a kill at any moment keeps the old pair or the new
        one); returns the files written. Raises FileChangedError, and writes nothing,
        when the visit file or the plan changed on disk since they were opened or saved;
        planner.lock.Busy when another program is writing them (past SAVE_TIMEOUT)."""
        from planner.journal import Snapshot, writing
        from planner.plan import plan_yaml

        state = self.state
        writes: list[tuple[Path, bytes]] = []
        if state.plan is not None and (
            state.plan != self._saved_plan or not self.plan_file.exists()
        ):
            writes.append((self.plan_file, plan_yaml(state.plan).encode("utf-8")))
        if state.document is not self._saved_document and state.text != self._saved_document.text():
            writes.append((self.path, state.text.encode("utf-8")))
        doing = f"planner tui: save {self.path.name}"
        with writing(self.path, doing, also=(self.plan_file,), timeout=SAVE_TIMEOUT) as guard:
            why = self._changed()  # after a killed writer's files were put right, too
            if why is not None or not guard.locked:
                raise FileChangedError(
                    f"{why or f'{self.path} is gone'}; not overwritten (reload to see the changes)"
                )
            expected = [
                Snapshot(self.path, self._disk_digest),
                Snapshot(self.plan_file, self._plan_digest),
            ]
            if writes:
                guard.commit(writes, expected, may_be_removed=(self.plan_file,))
        for target, data in writes:
            if target == self.path:
                self._disk_digest = _digest(data)
            else:
                self._plan_digest = _digest(data)
        self._saved_document, self._saved_plan = state.document, state.plan
        self.on_disk = _as_saved(state)
        return [target for target, _ in writes]
