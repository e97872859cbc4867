"""The visit's files: save, reload from disk, quit with unsaved changes, export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from planner.session import Session, tracks
from tui.editing import Editing
from tui.screens import ConfirmQuitScreen, ConfirmReloadScreen, ExplanationScreen, ExportScreen

if TYPE_CHECKING:
    pass


class Exported(Message):
    def __init__(self, folder: Path, error: str | None, written: str = "") -> None:
        super().__init__()
        self.folder = folder
        self.error = error
        self.written = written  # what was written (planner.pipeline.summary)


class Reloaded(Message):
    """The visit was read again from disk (``session``), or could not be (``problems``:
    the file's located problems; ``error``: it could not be read)."""

    def __init__(
        self, session: Session | None, problems: str | None = None, error: str | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.problems = problems
        self.error = error


class Files(Editing):
    """Saving, reloading and exporting."""

    def action_save(self) -> bool:
        if self.busy:
            self.notify("Re-planning: save when it is done", severity="warning")
            return False
        from planner.journal import FileChanged
        from planner.lock import Refused

        try:
            written = self.session.save()
        except FileChanged as exc:  # the visit or its plan (FileChangedError among them)
            self.last_error = "not saved: file changed on disk (R reloads it)"
            self.notify(
                f"{exc}. R reloads it from disk (your unsaved changes are then lost).",
                title="Not saved",
                severity="error",
                timeout=10,
            )
            self._render_status()
            return False
        except Refused as exc:  # another program is writing the visit: try again later
            self.last_error = "not saved: the visit is busy (ctrl+s tries again)"
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            self._render_status()
            return False
        except OSError as exc:
            self.last_error = "not saved"
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            self._render_status()
            return False
        self.last_error = None
        names = ", ".join(p.name for p in written) or "nothing changed"
        self.notify(f"Saved: {names}")
        self._render_status()
        return True

    def action_reload(self) -> None:
        """Open the visit again from disk (a colleague saved it, say); asks first when
        there are unsaved changes."""
        if self.busy:
            self.notify("Re-planning: reload when it is done", severity="warning")
            return
        if not self.session.dirty:
            self._reload()
            return

        def chosen(reload: bool | None) -> None:
            if reload:
                self._reload()

        self.push_screen(ConfirmReloadScreen(id="confirm-reload"), chosen)

    def _reload(self) -> None:
        self.busy = True
        self._render_status()
        self._read_again(self.session.path, self.session.plan_file)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reload", description="Reload")
    def _read_again(self, path: Path, plan_file: Path) -> None:
        """Runs in a thread: reads and checks the visit (and its plan) again."""
        from planner.lock import Refused
        from planner.visitfile import VisitFileError
        from planner.yamledit import EditError

        try:
            fresh = Session.open(path, plan_file, lock=False)
        except VisitFileError as exc:
            self.post_message(Reloaded(None, "\n".join(str(d) for d in exc.diagnostics)))
        except (EditError, Refused) as exc:
            self.post_message(Reloaded(None, error=str(exc)))
        else:
            self.post_message(Reloaded(fresh))

    def on_reloaded(self, message: Reloaded) -> None:
        self.busy = False
        fresh = message.session
        if fresh is None:
            if message.problems is not None:
                title = "Not reloaded: the file on disk has problems"
                self.push_screen(ExplanationScreen(title, message.problems))
            else:
                self.notify(message.error or "", title="Not reloaded", severity="error")
            self._render_status()
            return
        old = self.session
        fresh.lock, old.lock = old.lock, None  # this app keeps its lock file
        self.session = fresh
        self.tracks = tracks(fresh.visit)
        self.queue.clear()
        self.last_error = None
        self._state_changed()
        self.notify(f"Reloaded {fresh.path.name} from disk")
        self._recovered(fresh)
        if fresh.needs_plan:
            self._start(None, opening=True)

    async def action_quit(self) -> None:
        if not self.session.dirty:
            self.exit()
            return

        def chosen(choice: str | None) -> None:
            if choice == "discard" or (choice == "save" and self.action_save()):
                self.exit()

        self.push_screen(ConfirmQuitScreen(id="confirm"), chosen)

    def action_export(self) -> None:
        if self.session.dirty:
            self.notify("Save first (ctrl+s): export reads the saved files", severity="warning")
            return
        default = self.session.path.with_name(self.session.path.stem + "-out")

        def chosen(folder: str | None) -> None:
            if folder:
                self.notify(f"Exporting into {folder}…")
                self._export(Path(folder))

        self.push_screen(ExportScreen(str(default)), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="Export")
    def _export(self, folder: Path) -> None:
        try:
            from planner.pipeline import generate, summary

            results = generate([self.session.path], folder, plans=self.session.plan_file.parent)
        except Exception as exc:  # reported on screen; the folder is left as it was
            self.post_message(Exported(folder, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(Exported(folder, None, summary(results)))

    def on_exported(self, message: Exported) -> None:
        if message.error:
            self.notify(message.error, title="Export failed", severity="error", timeout=10)
        else:
            self.last_export = f"Exported into {message.folder}: {message.written}"
            self.notify(self.last_export, title="Export", timeout=12)
