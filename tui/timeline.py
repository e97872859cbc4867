"""The day timeline: a time grid with one lane per track, items as blocks, the journeys
that lead to them, and a sticky header naming the lanes. Built on the Line API: the
whole grid is laid out into strips when the data, the size or the selection changes,
and each visible line is cropped out of them.

Glyphs carry meaning without colour: ◆ pinned, ↻ moved by the last edit, ✗ breaks a
rule, ┊ a journey (its minutes on the first line), ━ now (with the time in the gutter)
on the day the visit is under way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

GUTTER = 6
MIN_LANE = 12
MIN_SUB = 10  # the narrowest column of items side by side in one lane
ZOOMS = (5, 10, 15, 30)  # minutes per line


@dataclass(frozen=True)
class Block:
    item: str
    start: datetime  # local wall time of the day shown
    end: datetime
    title: str
    venue: str
    pinned: bool = False
    moved: bool = False
    conflict: bool = False
    travel: int | None = None  # minutes of the journey before it, for this lane's people


@dataclass(frozen=True)
class Lane:
    label: str
    blocks: tuple[Block, ...]


@dataclass
class DayModel:
    """What the timeline shows: a day's lanes."""

    day: datetime  # midnight of the day, local
    lanes: list[Lane] = field(default_factory=list)
    now: datetime | None = None  # the local time now, when it falls on this day

    def bounds(self) -> tuple[datetime, datetime]:
        starts = [
            b.start - timedelta(minutes=b.travel or 0) for ln in self.lanes for b in ln.blocks
        ]
        ends = [b.end for ln in self.lanes for b in ln.blocks]
        if not starts:
            return self.day + timedelta(hours=8), self.day + timedelta(hours=18)
        first = min(starts).replace(minute=0, second=0, microsecond=0)
        last = max(ends)
        if last.minute or last.second:
            last = last.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return first, max(last, first + timedelta(hours=1))


@dataclass
class _Placed:
    block: Block
    lane: int
    sub: int
    subs: int
    row: int
    rows: int


class Timeline(ScrollView, can_focus=True, inherit_bindings=False):
    """A scrollable time grid of one day. Arrow keys are left to the app (they move
    between items and days); page keys scroll."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pageup", "scroll_page_up", "Page up", show=False, id="timeline-page-up"),
        Binding("pagedown", "scroll_page_down", "Page down", show=False, id="timeline-page-down"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {  # styled in tui/app.tcss
        "timeline--header",
        "timeline--gutter",
        "timeline--grid",
        "timeline--block",
        "timeline--pinned",
        "timeline--moved",
        "timeline--conflict",
        "timeline--selected",
        "timeline--travel",
        "timeline--empty",
        "timeline--now",
    }

    minutes_per_row: reactive[int] = reactive(15)

    class Selected(Message):
        """An item was clicked."""

        def __init__(self, item: str) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model = DayModel(datetime(2000, 1, 1))
        self.empty_text = "No items this day."
        self.selected: str | None = None
        self._lines: list[list[tuple[str, Style]]] = []
        self._header: list[tuple[str, Style]] = []
        self._hits: list[list[tuple[int, int, str]]] = []
        self._places: list[_Placed] = []
        self._lefts: list[int] = []
        self._widths: tuple[int, ...] = ()
        self._first = self.model.day
        self._grid_cache: tuple[object, list[tuple[tuple[str, Style], ...]]] | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._recolour)

    def _recolour(self, _theme: object) -> None:
        """Another theme: the grid and the blocks take its colours (they are laid out
        with the styles of the theme at the time)."""
        self.call_after_refresh(self._layout)  # once the new theme's styles are in

    # data -------------------------------------------------------------------------

    def show(self, model: DayModel, selected: str | None = None) -> None:
        self.model = model
        self.selected = selected
        self._layout()
        self.scroll_to_selected()

    def watch_minutes_per_row(self) -> None:
        self._layout()
        self.scroll_to_selected()

    def on_resize(self) -> None:
        self._layout()
        self.scroll_to_selected()

    def zoom(self, step: int) -> None:
        n = ZOOMS.index(self.minutes_per_row) if self.minutes_per_row in ZOOMS else 2
        self.minutes_per_row = ZOOMS[max(0, min(len(ZOOMS) - 1, n + step))]

    # layout -----------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"timeline--{name}", partial=True)

    def _grid(
        self, first: datetime, rows: int, step: int, widths: tuple[int, ...]
    ) -> list[tuple[tuple[str, Style], ...]]:
        """The empty grid (hour labels, lane rules), one character per cell; kept while
        its shape and the theme stay the same (an edit redraws only the blocks)."""
        grid, gutter = self._style("grid"), self._style("gutter")
        key = (first, rows, step, widths, grid, gutter)
        if self._grid_cache is not None and self._grid_cache[0] == key:
            return self._grid_cache[1]
        blank = Style()
        canvas: list[tuple[tuple[str, Style], ...]] = []
        for r in range(rows):
            moment = first + timedelta(minutes=r * step)
            on_hour = moment.minute == 0 or (step > 60)
            if moment.minute == 0:
                label = f"{moment:%H:%M} "
            elif moment.minute % 30 == 0 and step < 30:
                label = "   ·  "
            else:
                label = " " * GUTTER
            chars = [(ch, gutter) for ch in label.ljust(GUTTER)]
            fill = ("┈" if on_hour else " ", grid if on_hour else blank)
            for lane_width in widths:
                chars.append(("│", grid))
                chars.extend([fill] * (lane_width - 1))
            canvas.append(tuple(chars))
        self._grid_cache = (key, canvas)
        return canvas

    def _layout(self) -> None:
        model = self.model
        lanes = model.lanes
        width = max(1, self.size.width)
        count = max(1, len(lanes))
        base = max(MIN_LANE, (width - GUTTER) // count)
        first, last = model.bounds()
        self._first = first
        step = self.minutes_per_row
        rows = max(1, int((last - first).total_seconds() // 60 + step - 1) // step)

        def row_of(moment: datetime) -> int:
            return int((moment - first).total_seconds() // 60) // step

        places: list[_Placed] = []
        for n, lane in enumerate(lanes):
            # sub-columns for items that overlap in time within one lane
            ends: list[datetime] = []
            lane_places: list[tuple[Block, int]] = []
            for block in sorted(lane.blocks, key=lambda b: (b.start, b.item)):
                sub = next((k for k, end in enumerate(ends) if end <= block.start), None)
                if sub is None:
                    ends.append(block.end)
                    sub = len(ends) - 1
                else:
                    ends[sub] = block.end
                lane_places.append((block, sub))
            subs = max(1, len(ends))
            bottoms = [0] * subs
            for block, sub in lane_places:
                top = max(row_of(block.start), bottoms[sub])
                bottom = max(top + 1, -(-int((block.end - first).total_seconds() // 60) // step))
                bottoms[sub] = bottom
                places.append(_Placed(block, n, sub, subs, top, bottom - top))
        rows = max([rows, *(p.row + p.rows for p in places)])
        self._places = places

        hits: list[list[tuple[int, int, str]]] = [[] for _ in range(rows)]
        # blocks are painted over a copy of the empty grid, one character at a time
        # a lane with items side by side is widened (to be scrolled to) rather than
        # cut into columns too narrow to read
        subs_of = [1] * len(lanes)
        for place in places:
            subs_of[place.lane] = max(subs_of[place.lane], place.subs)
        widths = tuple(max(base, subs * MIN_SUB + 1) for subs in subs_of)
        lefts = [GUTTER + sum(widths[:n]) for n in range(len(widths))]
        self._lefts, self._widths = lefts, widths
        total_width = GUTTER + sum(widths)
        canvas = [list(chars) for chars in self._grid(first, rows, step, widths)]
        travel = self._style("travel")
        for place in places:
            block = place.block
            inner = widths[place.lane] - 1
            sub_width = max(1, inner // place.subs)
            x0 = lefts[place.lane] + 1 + place.sub * sub_width
            w = sub_width if place.sub < place.subs - 1 else inner - place.sub * sub_width
            if block.item == self.selected:
                style = self._style("selected")
            elif block.conflict:
                style = self._style("conflict")
            elif block.moved:
                style = self._style("moved")
            elif block.pinned:
                style = self._style("pinned")
            else:
                style = self._style("block")
            mark = "✗" if block.conflict else "↻" if block.moved else "◆" if block.pinned else "▌"
            text = f"{block.start:%H:%M} {block.title}"
            if block.venue:
                text += f" · {block.venue}"
            wrapped = _wrap(text, max(1, w - 1), place.rows)
            for k in range(place.rows):
                r = place.row + k
                line = (mark if k == 0 else "▌") + wrapped[k].ljust(max(0, w - 1))
                for j, ch in enumerate(line[:w]):
                    if x0 + j < len(canvas[r]):
                        canvas[r][x0 + j] = (ch, style)
                hits[r].append((x0, x0 + w, block.item))
            if block.travel:
                need = -(-block.travel // step)
                free: list[int] = []
                for k in range(1, need + 1):
                    r = place.row - k
                    if r < 0 or any(x0 <= a < x0 + w for a, _b, _i in hits[r]):
                        break
                    free.append(r)
                for r in free:
                    label = f"┊ {block.travel} min" if r == free[-1] else "┊"
                    for j, ch in enumerate(label[:w]):
                        canvas[r][x0 + j] = (ch, travel)
        if model.now is not None and first <= model.now:
            self._paint_now(canvas, hits, row_of(model.now), model.now)
        self._lines = canvas
        self._hits = hits

        header = self._style("header")
        head: list[tuple[str, Style]] = [(" " * GUTTER, header)]
        for lane, lane_width in zip(lanes, widths, strict=True):
            head.append(("│" + _fit(lane.label, lane_width - 1), header))
        self._header = head
        self.virtual_size = Size(total_width, rows + 1)
        self.refresh()

    def _paint_now(
        self,
        canvas: list[list[tuple[str, Style]]],
        hits: list[list[tuple[int, int, str]]],
        r: int,
        now: datetime,
    ) -> None:
        """The now-line: the time in the gutter and a rule across the lanes, under the
        blocks (a block on the line stays whole)."""
        if not 0 <= r < len(canvas):
            return
        style = self._style("now")
        label = f"{now:%H:%M}▶"[:GUTTER].ljust(GUTTER)
        row = canvas[r]
        for x, ch in enumerate(label):
            row[x] = (ch, style)
        covered, travel = hits[r], self._style("travel")
        for x in range(GUTTER, len(row)):
            ch, was = row[x]
            if ch in "┈ │" and was != travel and not any(a <= x < b for a, b, _i in covered):
                row[x] = ("━", style)

    def scroll_to_selected(self) -> None:
        """Scroll so the selected item shows: from the top when it fits on the first page,
        else with one line above it. The result depends only on the item and the size, not
        on the scrolling before (screens look the same however they were reached)."""
        place = next((p for p in self._places if p.block.item == self.selected), None)
        if place is None:
            return
        height = max(1, self.size.height - 1)
        y = 0 if place.row + place.rows <= height else max(0, place.row - 1)
        left = self._lefts[place.lane]
        x = 0 if left + self._widths[place.lane] <= self.size.width else max(0, left - GUTTER)
        self.scroll_to(x=x, y=y, animate=False, immediate=True)

    # drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            strip = Strip([Segment(t, base + s) for t, s in self._header])
            # the gutter stays put; the lane names scroll with the lanes
            gutter = strip.crop(0, GUTTER)
            lanes = strip.crop(GUTTER + scroll_x, GUTTER + scroll_x + max(0, width - GUTTER))
            return Strip.join([gutter, lanes]).adjust_cell_length(width, base)
        index = scroll_y + y - 1
        if not self.model.lanes and y == 2:
            return Strip([Segment(("  " + self.empty_text)[:width], base + self._style("empty"))])
        if index >= len(self._lines):
            return Strip.blank(width, base)
        chars = self._lines[index]
        segments = _segments(chars, base)
        strip = Strip(segments)
        gutter = strip.crop(0, GUTTER)
        body = strip.crop(GUTTER + scroll_x, GUTTER + scroll_x + max(0, width - GUTTER))
        return Strip.join([gutter, body]).adjust_cell_length(width, base)

    def on_click(self, event: Click) -> None:
        if event.y == 0:
            return
        index = self.scroll_offset.y + event.y - 1
        if not 0 <= index < len(self._hits):
            return
        x = event.x if event.x < GUTTER else event.x + self.scroll_offset.x
        for x0, x1, item in self._hits[index]:
            if x0 <= x < x1:
                self.post_message(self.Selected(item))
                return


def _segments(chars: list[tuple[str, Style]], base: Style) -> list[Segment]:
    segments: list[Segment] = []
    run = ""
    style: Style | None = None
    for ch, st in chars:
        if st == style:
            run += ch
            continue
        if run and style is not None:
            segments.append(Segment(run, base + style))
        run, style = ch, st
    if run and style is not None:
        segments.append(Segment(run, base + style))
    return segments


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    return text[: width - 1] + "…" if len(text) > width else text.ljust(width)


def _wrap(text: str, width: int, rows: int) -> list[str]:
    """``text`` cut into ``rows`` lines of ``width`` at spaces where it can be; the last
    line ends with … when text is left over."""
    lines: list[str] = []
    rest = text
    while len(lines) < rows:
        if len(rest) <= width:
            lines.append(rest)
            rest = ""
            continue
        cut = rest.rfind(" ", 0, width + 1)
        if cut <= width // 3:
            cut = width
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest and lines:
        last = lines[-1]
        lines[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return lines + [""] * (rows - len(lines))
