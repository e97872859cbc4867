"""Visit files: YAML in, a checked Visit out, and every problem located at file:line:col.

Reading turns the YAML parser's events (ruamel.yaml: libyaml, else the pure parser) into
plain data while recording where each value stands, so that pydantic's structural errors
and the visit's consistency problems can be reported as ``file:line:col: path.to.field:
message``, all at once. Only plain YAML is accepted: no tags beyond the core schema,
bounded size, depth and alias expansion, all bounded while reading.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from planner.model.base import did_you_mean
from planner.model.consistency import Path_, Problem, check
from planner.model.text import NOTEWORTHY, cleaned, printable
from planner.model.visit import SCHEMA_VERSION, Visit

if TYPE_CHECKING:
    from planner.yamledit import VisitDocument

MAX_BYTES = 8_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40
# A text libyaml cannot read is read by the pure parser, some 20 times slower, only up to
# this size and this many keys and values (see read_yaml_text): `check` stays within seconds.
PURE_MAX_CHARS = 1_000_000
PURE_MAX_READ = 60_000


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a visit file, located."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        label = "" if self.severity == "error" else f"{self.severity}: "
        text = (
            f"{where}: {self.path}: {label}{self.message}"
            if self.path
            else (f"{where}: {label}{self.message}")
        )
        return printable(text, keep="")  # one line, harmless to a terminal


class VisitFileError(Exception):
    """A visit file that cannot be used; carries every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass
class SourceMap:
    """Where each value of the file stands (1-based line and column). A map made with
    ``later`` is found only when first asked for: a visit edited in memory needs its lines
    only to report a problem."""

    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    labels: dict[Path_, str] = field(default_factory=dict)  # list element -> its id
    later: Callable[[], SourceMap] | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def _found(self) -> SourceMap:
        with self._lock:
            if self.later is not None:
                found, self.later = self.later(), None
                self.positions, self.labels = found.positions, found.labels
        return self

    def locate(self, path: Path_) -> tuple[int, int]:
        positions = self._found().positions
        for n in range(len(path), -1, -1):
            found = positions.get(path[:n])
            if found is not None:
                return found
        return (1, 1)

    def render(self, path: Path_) -> str:
        labels = self._found().labels
        text = ""
        for n, part in enumerate(path):
            if isinstance(part, int):
                label = labels.get(path[: n + 1])
                text += f"[{label}]" if label else f"[{part}]"
            else:
                text += f".{part}" if text else str(part)
        return text


@dataclass(frozen=True)
class LoadedVisit:
    """A checked visit, the plain data it was read from, where each value stands in its
    file, and the problems that are only warnings."""

    visit: Visit
    path: Path
    source: SourceMap = field(compare=False)
    problems: tuple[Problem, ...] = ()  # warnings
    data: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The warnings, located (finding the lines of an edited visit takes a while)."""
        return tuple(diagnostics(self.path, self.source, self.problems))

    def locate(self, path: Path_) -> str:
        line, col = self.source.locate(path)
        return f"{self.path}:{line}:{col}"


# -- YAML events to plain data --------------------------------------------------------

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
# libyaml reads a plain value holding ':' inside a flow collection ("{at: 2023-05-30
# 10:00}") as an error, where YAML 1.2 and the pure parser read a value: while libyaml
# reads, a ':' between two digits (never a YAML indicator) stands as this character, and
# every value and tag is given its ':' back. Used only when the text does not hold it.
_COLON = "\ue000"
_DIGIT_COLON = re.compile(r"(?<=\d):(?=\d)")


class _Stop(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        self.line, self.col, self.message = line, col, message


class _Unread(Exception):
    """libyaml could not read the text (the pure parser may)."""

    def __init__(self, error: Exception) -> None:
        self.error = error


class _OverBudget(Exception):
    """The pure parser was given more keys and values than it may read."""


def _stop(event: Any, message: str) -> _Stop:
    mark = event.start_mark
    return _Stop(mark.line + 1, mark.column + 1, message)


def _convert(tag: str, text: str) -> Any:
    """A scalar's value from its (resolved) tag, as the safe constructor would give it;
    timestamps stay as written (pydantic parses them)."""
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return text.lower() in ("true", "yes", "on")
    if tag.endswith(":int"):
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if tag.endswith(":float"):
        low = text.lower()
        if low in (".inf", "+.inf"):
            return math.inf
        if low == "-.inf":
            return -math.inf
        if low == ".nan":
            return math.nan
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    return text


@dataclass
class _Open:
    """A mapping or list being read: where it stands, what it holds so far, and (for a
    mapping) the key whose value comes next."""

    path: Path_
    value: Any
    mapping: bool
    key: Any = None
    keyed: bool = False


class _Builder:
    """Plain data and its source map from the parser's events, with an explicit stack
    instead of composing nodes: nesting, the number of values and the expansion of aliases
    are bounded as the file is read, so no input can exhaust the stack (libyaml's composer
    recurses in C: tens of thousands of nested '[' crashed the process)."""

    def __init__(self, source: SourceMap, colons: bool = False, budget: int = 0) -> None:
        self.source = source
        self.colons = colons  # the text was read with _COLON for ':' (see above)
        self.budget = budget  # keys and values it may read (0: no budget)
        self.read = 0
        self.nodes = 0
        self.aliased = False
        self._resolver: Any = None
        self._resolved: dict[str, str] = {}

    def _text(self, text: str) -> str:
        return text.replace(_COLON, ":") if self.colons and _COLON in text else text

    def _tag(self, event: Any, kind: str) -> str:
        """The event's tag, resolved as the composer would; refused unless core YAML."""
        tag = event.tag
        if tag is not None and tag != "!":
            tag = self._text(str(tag))
            if tag not in _ALLOWED_TAGS:
                raise _stop(
                    event,
                    f"the tag '{tag.replace(_CORE, '!!')}' is not allowed: visit files are "
                    "plain YAML (remove the tag)",
                )
            return tag
        if kind != "ScalarEvent":
            return _CORE + ("seq" if kind == "SequenceStartEvent" else "map")
        if not event.implicit[0]:
            return _CORE + "str"  # quoted
        value = self._text(event.value)
        found = self._resolved.get(value)
        if found is None:
            from ruamel.yaml.nodes import ScalarNode

            found = str(self._resolver.resolve(ScalarNode, value, (True, False)))
            self._resolved[value] = found
        return found

    def _document(self, event: Any) -> None:
        from ruamel.yaml.resolver import VersionedResolver

        self._resolver = VersionedResolver(version=getattr(event, "version", None))
        self._resolved = {}

    def build(self, events: Iterator[Any]) -> Any:
        """The plain data of the one document of ``events`` (None for none); raises _Stop
        at the first problem."""
        positions, labels = self.source.positions, self.source.labels
        anchors: dict[str, list[Any]] = {}
        recording: list[tuple[str, list[Any], list[int]]] = []  # anchors being read
        feeds: list[Iterator[Any]] = [events]  # the file, then the aliases being expanded
        stack: list[_Open] = []
        root: Any = None
        documents = 0
        while feeds:
            event = next(feeds[-1], None)
            if event is None:
                feeds.pop()
                continue
            kind = type(event).__name__
            live = len(feeds) == 1  # read from the file, not repeated by an alias
            if live and recording:
                starts = kind in ("SequenceStartEvent", "MappingStartEvent")
                ends = kind in ("SequenceEndEvent", "MappingEndEvent")
                for _name, recorded, level in recording:
                    recorded.append(event)
                    level[0] += 1 if starts else -1 if ends else 0
                while recording and recording[-1][2][0] == 0:
                    name, recorded, _level = recording.pop()
                    anchors[name] = recorded
            if kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise _stop(
                        event,
                        "not valid YAML: a second YAML document starts here; a visit file "
                        "holds one: remove it",
                    )
                self._document(event)
                continue
            if kind in ("SequenceEndEvent", "MappingEndEvent"):
                done = stack.pop()
                value = done.value
                if done.mapping:
                    ident = value.get("id")
                    if isinstance(ident, str) and done.path and isinstance(done.path[-1], int):
                        labels[done.path] = ident
            elif kind in ("ScalarEvent", "SequenceStartEvent", "MappingStartEvent"):
                self.read += 1
                if self.budget and self.read > self.budget:
                    raise _OverBudget
                top = stack[-1] if stack else None
                if top is not None and top.mapping and not top.keyed:
                    self._key(event, kind, top)
                    continue
                if top is None:
                    path: Path_ = ()
                elif top.mapping:
                    path = (*top.path, top.key)
                else:
                    path = (*top.path, len(top.value))
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise _stop(event, self._too_many())
                if len(stack) > MAX_DEPTH:
                    raise _stop(event, f"nested deeper than {MAX_DEPTH} levels")
                tag = self._tag(event, kind)
                mark = event.start_mark
                positions.setdefault(path, (mark.line + 1, mark.column + 1))
                anchor = event.anchor if live else None
                if kind == "ScalarEvent":
                    value = _convert(tag, self._text(event.value))
                    if anchor is not None:
                        anchors[anchor] = [event]
                else:
                    mapping = kind == "MappingStartEvent"
                    if anchor is not None:
                        recording.append((anchor, [event], [1]))
                    stack.append(_Open(path, {} if mapping else [], mapping))
                    continue
            elif kind == "AliasEvent":
                top = stack[-1] if stack else None
                if top is not None and top.mapping and not top.keyed:
                    raise _stop(event, "a key must be a plain word, not an alias")
                raw = event.anchor
                name = self._text(str(raw))
                if raw not in anchors:
                    inside = any(raw == n for n, _r, _l in recording)
                    raise _stop(
                        event,
                        f"the alias '*{name}' is part of the value it names; write the value out"
                        if inside
                        else f"the alias '*{name}' names no anchor ('&{name}') before it",
                    )
                self.aliased = True
                feeds.append(iter(anchors[raw]))
                continue
            else:  # stream and document ends
                continue
            # a scalar read, or a list or mapping closed: it goes into what holds it
            if not stack:
                root = value
            else:
                holder = stack[-1]
                if holder.mapping:
                    holder.value[holder.key] = value
                    holder.keyed = False
                else:
                    holder.value.append(value)
        return root

    def _key(self, event: Any, kind: str, top: _Open) -> None:
        if kind != "ScalarEvent":
            raise _stop(event, "a key must be a plain word")
        key = str(_convert(self._tag(event, kind), self._text(event.value)))
        if key == "<<":
            raise _stop(event, "merge keys ('<<') are not supported")
        path = (*top.path, key)
        positions = self.source.positions
        if key in top.value:
            first = positions.get(path, (0, 0))[0]
            raise _stop(event, f"duplicate key '{key}' (first given on line {first}); keep one")
        mark = event.start_mark
        positions[path] = (mark.line + 1, mark.column + 1)
        top.key, top.keyed = key, True

    def _too_many(self) -> str:
        if self.aliased:
            return (
                f"the file expands to more than {MAX_NODES:,} values (an alias bomb?); "
                "write the data out instead of repeating aliases"
            )
        return (
            f"the file holds more than {MAX_NODES:,} values, more than a visit file may hold; "
            "is it a visit file?"
        )


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Plain data and its source map; raises VisitFileError for unreadable YAML."""
    name = str(path)

    def fail(line: int, col: int, message: str) -> VisitFileError:
        return VisitFileError([Diagnostic(name, line, col, "", message)])

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise fail(
                1,
                1,
                f"the file is {_megabytes(size)}; a visit file may be at most "
                f"{_megabytes(MAX_BYTES)}",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(1, 1, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start].decode("utf-8", "replace")  # after a BOM, if any
        line, col = _line_col(before, len(before))  # columns count characters, not bytes
        raise fail(line, col, "the file is not UTF-8 text; save it as UTF-8") from None
    return read_yaml_text(text, path)


def _megabytes(size: int) -> str:
    """'8 MB', '52.4 MB': decimal megabytes, one unit for the limit and the size."""
    return f"{size / 1e6:.1f}".removesuffix(".0") + " MB"


def _c_events(text: str) -> Iterator[Any] | None:
    """libyaml's events (through ruamel.yaml.clib, about 20 times faster than the pure
    parser), or None when it is not installed. Its errors are raised as _Unread."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:
        return None

    def events() -> Iterator[Any]:
        parser = CParser(text)
        try:
            while True:
                try:
                    if not parser.check_event():
                        return
                    event = parser.get_event()
                except Exception as exc:
                    raise _Unread(exc) from None
                yield event
        finally:
            parser.dispose()

    return events()


def _pure_events(text: str) -> Iterator[Any]:
    from ruamel.yaml import YAML

    return iter(YAML(typ="safe", pure=True).parse(text))


def _yaml_problem(exc: Exception, text: str) -> tuple[int, int, str]:
    """Where a parser's error stands and what it says, in the words of a visit file."""
    from ruamel.yaml.error import MarkedYAMLError

    if not isinstance(exc, MarkedYAMLError):
        detail = str(exc).strip()
        return 1, 1, f"not valid YAML: {detail.splitlines()[0] if detail else 'unreadable'}"
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or exc.context or "malformed YAML").strip()
    opened = exc.context_mark
    if exc.problem and exc.context and opened and opened is not mark:
        problem += f" ({exc.context.strip()} that starts at {opened.line + 1}:{opened.column + 1})"
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1]:
        problem += " (YAML indents with spaces, never tabs: replace the tab)"
    elif "end of stream" in problem or "<stream end>" in problem:
        problem += "; the file ends too early: is it cut short? Close what is open"
    elif "mapping values are not allowed" in problem:
        problem += "; put a value that contains ': ' in quotes, or fix the indentation"
    elif "expected <block end>" in problem:
        problem += "; the indentation of this line does not match the lines above"
    return line, col, f"not valid YAML: {problem}"


def read_yaml_text(text: str, path: Path) -> tuple[Any, SourceMap]:
    """Plain data and its source map from the text of ``path``.

    libyaml reads first; where it cannot, the pure parser reads the text again (it reads
    all of YAML 1.2 and its messages are the ones reported), but only up to
    PURE_MAX_CHARS characters and PURE_MAX_READ keys and values: it is some 20 times
    slower, and a larger file must be readable by libyaml (so `planner check` stays
    within seconds on every file; bench/checkspeed.py)."""
    name = str(path)

    def fail(line: int, col: int, message: str) -> VisitFileError:
        return VisitFileError([Diagnostic(name, line, col, "", message)])

    if "\x00" in text:
        line, col = _line_col(text, text.index("\x00"))
        raise fail(line, col, "the file contains a NUL byte; it is not a text file")
    if not text.strip():
        raise fail(1, 1, "the file is empty; a visit file starts with 'schema_version: 1'")

    from ruamel.yaml.error import YAMLError

    colons = _COLON not in text
    fast = _c_events(_DIGIT_COLON.sub(_COLON, text) if colons else text)
    data: Any = None
    source = SourceMap()
    try:
        try:
            if fast is None:  # no libyaml (not CPython): the pure parser reads it all
                data = _Builder(source).build(_pure_events(text))
            else:
                data = _Builder(source, colons).build(fast)
        except _Unread as unread:
            error = unread.error

            def too_large() -> VisitFileError:
                line, col, message = _yaml_problem(error, text)
                return fail(
                    line,
                    col,
                    f"{message}; a file this large (over {PURE_MAX_CHARS:,} characters or "
                    f"{PURE_MAX_READ:,} keys and values) must be plain YAML that the fast "
                    "reader reads: put values holding ':' or other special characters in "
                    "quotes",
                )

            if len(text) > PURE_MAX_CHARS:
                raise too_large() from None
            source = SourceMap()
            try:
                data = _Builder(source, budget=PURE_MAX_READ).build(_pure_events(text))
            except _OverBudget:
                raise too_large() from None
    except _Stop as stop:
        raise fail(stop.line, stop.col, stop.message) from None
    except (YAMLError, ValueError) as exc:
        raise fail(*_yaml_problem(exc, text)) from None
    if data is None:
        raise fail(1, 1, "the file holds no data; a visit file starts with 'schema_version: 1'")
    return data, source


# -- pydantic errors in plain words ------------------------------------------------------


def _unwrap(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is None:
        return [annotation]
    args = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
    if origin is Union or str(origin) in ("typing.Union", "<class 'types.UnionType'>"):
        return [t for a in args for t in _unwrap(a)]
    if str(origin) == "typing.Annotated" or getattr(origin, "__name__", "") == "Annotated":
        return _unwrap(args[0])
    return [t for a in args for t in _unwrap(a)]


def _models_at(loc: Path_) -> list[type[BaseModel]]:
    """The model classes that may stand at ``loc`` (for field-name suggestions)."""
    current: list[type[BaseModel]] = [Visit]
    for part in loc:
        if isinstance(part, int):
            continue
        following: list[type[BaseModel]] = []
        for model in current:
            info = model.model_fields.get(part)
            if info is None:
                info = next((f for f in model.model_fields.values() if f.alias == part), None)
            if info is None:
                continue
            following.extend(
                t
                for t in _unwrap(info.annotation)
                if isinstance(t, type) and issubclass(t, BaseModel)
            )
        if not following:
            return current
        current = following
    return current


def _field_names(models: Iterable[type[BaseModel]]) -> list[str]:
    names: list[str] = []
    for model in models:
        for name, info in model.model_fields.items():
            names.append(info.alias or name)
    return names


def _suggest(word: str, options: Iterable[str]) -> str:
    return did_you_mean(word, list(options), cutoff=0.6)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= 10**18:  # repr refuses beyond 4,300 digits
        return f"a number of {len(hex(abs(value))) - 2} hexadecimal digits"
    text = printable(repr(value), keep="")
    return text if len(text) <= 60 else text[:57] + "..."


_CONVENTION_TAGS = ("order", "time_of_day", "override")


def _pydantic_problems(exc: ValidationError) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        raw_loc = err["loc"]
        loc: Path_ = tuple(
            part
            for n, part in enumerate(raw_loc)
            # a discriminated union puts the tag into the path: conventions.3.order.first
            if not (n == 2 and raw_loc[0] == "conventions" and part in _CONVENTION_TAGS)
        )
        kind, msg = err["type"], err["msg"]
        value = err.get("input")
        if kind == "missing":
            yield Problem(loc[:-1], f"'{loc[-1]}' is missing (required)")
            continue
        if kind == "extra_forbidden":
            parent = loc[:-1]
            known = _field_names(_models_at(parent))
            word = str(loc[-1])
            yield Problem(loc, f"unknown field '{word}'{_suggest(word, known)}")
            continue
        if kind == "string_pattern_mismatch" and "a-z0-9" in str(
            err.get("ctx", {}).get("pattern", "")
        ):
            yield Problem(
                loc,
                f"{_describe(value)} is not a valid id: use lower-case letters, digits, '-' and "
                "'_' (e.g. 'alley-of-honour')",
            )
            continue
        if kind in ("enum", "literal_error"):
            expected = str(err.get("ctx", {}).get("expected", ""))
            options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
            hint = _suggest(str(value), options) if isinstance(value, str) else ""
            yield Problem(loc, f"{_describe(value)} is not allowed: expected {expected}{hint}")
            continue
        if kind == "union_tag_invalid" or kind == "union_tag_not_found":
            yield Problem(
                loc, "a convention needs 'rule: order', 'rule: time_of_day' or 'rule: override'"
            )
            continue
        ctx = err.get("ctx", {})
        if kind in ("model_type", "model_attributes_type", "dict_type"):
            yield Problem(loc, f"expected a mapping ('key: value' lines), got {_describe(value)}")
            continue
        if kind in ("tuple_type", "list_type"):
            yield Problem(loc, f"expected a list ('[a, b]' or '- a' lines), got {_describe(value)}")
            continue
        if kind.startswith("date_"):
            detail = f" ({ctx['error']})" if ctx.get("error") else ""
            yield Problem(
                loc,
                f"{_describe(value)} is not a date{detail}; write a calendar date as "
                "YYYY-MM-DD, e.g. 2023-05-30",
            )
            continue
        if kind == "too_short" and ctx.get("field_type") in ("Tuple", "List"):
            yield Problem(
                loc, f"give at least {ctx['min_length']} (there are {ctx['actual_length']})"
            )
            continue
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        elif msg.startswith("Assertion failed, "):
            msg = msg[len("Assertion failed, ") :]
        if kind.endswith(("_type", "_parsing")):
            msg = f"{msg} (got {_describe(value)})"
        yield Problem(loc, msg[0].lower() + msg[1:] if msg else kind)


def _dedupe_union_noise(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Path_, str]] = set()
    result = []
    for p in problems:
        key = (p.path, p.message)
        if key not in seen:
            seen.add(key)
            result.append(p)
    return result


def diagnostics(path: Path, source: SourceMap, problems: Iterable[Problem]) -> list[Diagnostic]:
    result = []
    for problem in problems:
        line, col = source.locate(problem.path)
        result.append(
            Diagnostic(
                str(path), line, col, source.render(problem.path), problem.message, problem.severity
            )
        )
    result.sort(key=lambda d: (d.severity != "error", d.line, d.col))
    return result


def parse_visit(data: Any, path: Path, source: SourceMap) -> LoadedVisit:
    """Validate plain data as a visit; raises VisitFileError with every problem."""
    if not isinstance(data, dict):
        raise VisitFileError(
            diagnostics(
                path,
                source,
                [Problem((), "a visit file is a mapping that starts with 'schema_version: 1'")],
            )
        )
    version = data.get("schema_version")
    if "schema_version" in data and version != SCHEMA_VERSION:
        raise VisitFileError(
            diagnostics(
                path,
                source,
                [
                    Problem(
                        ("schema_version",),
                        f"schema_version {_describe(version)} is not supported; this planner reads "
                        f"version {SCHEMA_VERSION}",
                    )
                ],
            )
        )
    try:
        visit = Visit.model_validate(data)
    except ValidationError as exc:
        raise VisitFileError(
            diagnostics(path, source, _dedupe_union_noise(list(_pydantic_problems(exc))))
        ) from None
    problems = check(visit) + list(_cleaned_texts(data))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise VisitFileError(diagnostics(path, source, problems))
    return LoadedVisit(visit, path, source, tuple(problems), data)


def _cleaned_texts(data: Any) -> Iterator[Problem]:
    """A warning for each text of the file that held control characters (an escape
    sequence, a bell): the model leaves them out (planner.model.text), so that no output
    carries them; line breaks and tabs, which become spaces or stay, pass unremarked."""
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, holder = stack.pop()
        pairs = holder.items() if isinstance(holder, dict) else enumerate(holder)
        for key, value in pairs:
            if isinstance(value, str):
                if NOTEWORTHY.search(value):
                    yield Problem(
                        (*path, key),
                        f"control characters ({cleaned(value)}) left out of this text (they "
                        "could clear or retitle the terminal of whoever prints it); remove them",
                        "warning",
                    )
            elif isinstance(value, dict | list):
                stack.append(((*path, key), value))


def load_visit_text(
    text: str, path: str | os.PathLike[str], *, on_disk: LoadedVisit | None = None
) -> LoadedVisit:
    """Check a visit given as text (an edit not yet saved), reporting against ``path``.
    ``on_disk``: the visit as the file on disk holds it, of which ``text`` is an edit; the
    problems are then located at the lines of that file (the edited text is not on disk):
    a value the edit added, at the item or mapping that holds it there."""
    p = Path(path)
    data, source = read_yaml_text(text, p)
    if on_disk is not None:
        source = relocated(data, on_disk)
    return parse_visit(data, p, source)


def relocated(data: Any, on_disk: LoadedVisit) -> SourceMap:
    """Where the values of ``data`` (an edit of ``on_disk``) stand in the file on disk:
    items are matched by id (an edit may add, remove or reorder them); paths the file does
    not have are located at their nearest parent that it has."""

    def find() -> SourceMap:
        disk = on_disk.source._found()
        old_items = on_disk.data.get("items") if isinstance(on_disk.data, dict) else None
        new_items = data.get("items") if isinstance(data, dict) else None
        index: dict[int, int] = {}  # item index on disk -> index in the edit
        if isinstance(old_items, list) and isinstance(new_items, list):
            ids = {_item_id(e): n for n, e in reversed(list(enumerate(new_items)))}
            for n, entry in enumerate(old_items):
                found = ids.get(_item_id(entry))
                if found is not None and _item_id(entry) is not None:
                    index[n] = found

        def moved(where: Path_) -> Path_ | None:
            if len(where) < 2 or where[0] != "items" or not isinstance(where[1], int):
                return where
            n = index.get(where[1])
            return None if n is None else ("items", n, *where[2:])

        result = SourceMap()
        for where, position in disk.positions.items():
            target = moved(where)
            if target is not None:
                result.positions.setdefault(target, position)
        for where, label in disk.labels.items():
            target = moved(where)
            if target is not None:
                result.labels.setdefault(target, label)
        return result

    return SourceMap(later=find)


def _item_id(entry: Any) -> str | None:
    value = entry.get("id") if isinstance(entry, dict) else None
    return value if isinstance(value, str) else None


def load_edited(
    document: VisitDocument,
    before: VisitDocument,
    loaded: LoadedVisit,
    *,
    on_disk: LoadedVisit | None = None,
) -> LoadedVisit:
    """Check ``document``, an edit of ``before`` (which reads as ``loaded``), without
    reading all of it again: the item entries it shares with ``before`` keep their plain
    data, and only its new or copied entries are read (each written out and read alone,
    as a file would be). The lines of the edited text are found only when a problem is
    reported; with ``on_disk`` (the visit as its file holds it), at the lines of the
    file (see ``load_visit_text``). Raises VisitFileError as ``load_visit_text`` would."""
    path = loaded.path
    old, new = before.entries(), document.entries()
    items = loaded.data.get("items") if isinstance(loaded.data, dict) else None
    if not isinstance(items, list) or len(items) != len(old) or not new:
        return load_visit_text(document.text(), path, on_disk=on_disk)  # nothing to reuse
    known = {id(entry): plain for entry, plain in zip(old, items, strict=True)}
    revised: list[Any] = []
    for entry in new:
        plain = known.get(id(entry), _UNREAD)
        if plain is _UNREAD:
            try:
                plain, _ = read_yaml_text(document.entry_text(entry), path)
            except VisitFileError:  # located in the whole text
                return load_visit_text(document.text(), path, on_disk=on_disk)
        revised.append(plain)
    data = {**loaded.data, "items": revised}
    if on_disk is not None:
        return parse_visit(data, path, relocated(data, on_disk))

    def lines() -> SourceMap:
        return read_yaml_text(document.text(), path)[1]

    return parse_visit(data, path, SourceMap(later=lines))


_UNREAD = object()


def load_visit(path: str | os.PathLike[str]) -> LoadedVisit:
    """Read and check a visit file. Raises VisitFileError listing every problem."""
    p = Path(path)
    data, source = read_yaml(p)
    return parse_visit(data, p, source)
