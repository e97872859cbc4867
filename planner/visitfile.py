"""Visit files: YAML in, a checked Visit out, and every problem located at file:line:col.

Reading composes the YAML into nodes (ruamel.yaml) and builds plain data from them while
recording where each value stands, so that pydantic's structural errors and the visit's
consistency problems can be reported as ``file:line:col: path.to.field: message``, all at
once. Only plain YAML is accepted: no tags beyond the core schema, bounded size, depth and
alias expansion.
"""

from __future__ import annotations

import math
import os
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from planner.model.base import did_you_mean
from planner.model.consistency import Path_, Problem, check
from planner.model.visit import SCHEMA_VERSION, Visit

if TYPE_CHECKING:
    from planner.yamledit import VisitDocument

MAX_BYTES = 8 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 40


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
        return _printable(text)


def _printable(text: str) -> str:
    """``text`` on one line and harmless to a terminal: control characters and line
    separators copied from the file (keys, values) are shown escaped."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp")
        else ch
        for ch in text
    )


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


# -- YAML nodes to plain data --------------------------------------------------------

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


class _Stop(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        self.line, self.col, self.message = line, col, message


def _tag(node: Any) -> str:
    tag = node.tag
    return str(getattr(tag, "value", tag))


def _scalar(node: Any) -> Any:
    tag, text = _tag(node), node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return text.lower() == "true"
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
    return text  # strings, and timestamps as written (pydantic parses them)


class _Builder:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.nodes = 0

    def build(self, node: Any, path: Path_, depth: int) -> Any:
        self.nodes += 1
        mark = node.start_mark
        if self.nodes > MAX_NODES:
            raise _Stop(
                mark.line + 1,
                mark.column + 1,
                f"the file expands to more than {MAX_NODES:,} values (an alias bomb?); "
                "write the data out instead of repeating aliases",
            )
        if depth > MAX_DEPTH:
            raise _Stop(mark.line + 1, mark.column + 1, f"nested deeper than {MAX_DEPTH} levels")
        tag = _tag(node)
        if tag not in _ALLOWED_TAGS:
            raise _Stop(
                mark.line + 1,
                mark.column + 1,
                f"the tag '{tag.replace(_CORE, '!!')}' is not allowed: visit files are plain "
                "YAML (remove the tag)",
            )
        self.source.positions.setdefault(path, (mark.line + 1, mark.column + 1))
        kind = type(node).__name__
        if kind == "MappingNode":
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if type(key_node).__name__ != "ScalarNode":
                    km = key_node.start_mark
                    raise _Stop(km.line + 1, km.column + 1, "a key must be a plain word")
                key = str(_scalar(key_node))
                kmark = key_node.start_mark
                if key == "<<":
                    raise _Stop(
                        kmark.line + 1, kmark.column + 1, "merge keys ('<<') are not supported"
                    )
                if key in result:
                    first = self.source.positions.get((*path, key), (0, 0))[0]
                    raise _Stop(
                        kmark.line + 1,
                        kmark.column + 1,
                        f"duplicate key '{key}' (first given on line {first}); keep one",
                    )
                self.source.positions[(*path, key)] = (kmark.line + 1, kmark.column + 1)
                result[key] = self.build(value_node, (*path, key), depth + 1)
            if isinstance(result.get("id"), str) and path and isinstance(path[-1], int):
                self.source.labels[path] = result["id"]
            return result
        if kind == "SequenceNode":
            return [self.build(v, (*path, i), depth + 1) for i, v in enumerate(node.value)]
        return _scalar(node)


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
                f"the file is {size / 1e6:.1f} MB; a visit file may be at most "
                f"{MAX_BYTES // (1024 * 1024)} MB",
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


def _compose_fast(text: str) -> Any:
    """The YAML nodes from libyaml through ruamel.yaml.clib (about 15 times faster than the
    pure-Python parser), or None when it is not installed or the text does not parse:
    then the pure parser runs, and its messages are the ones reported."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    if getattr(yaml.Parser, "__name__", "") != "CParser":
        return None
    try:
        return yaml.compose(text)
    except Exception:
        return None


def read_yaml_text(text: str, path: Path) -> tuple[Any, SourceMap]:
    """Plain data and its source map from the text of ``path``."""
    name = str(path)

    def fail(line: int, col: int, message: str) -> VisitFileError:
        return VisitFileError([Diagnostic(name, line, col, "", message)])

    if "\x00" in text:
        line, col = _line_col(text, text.index("\x00"))
        raise fail(line, col, "the file contains a NUL byte; it is not a text file")
    if not text.strip():
        raise fail(1, 1, "the file is empty; a visit file starts with 'schema_version: 1'")

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    try:
        root = _compose_fast(text)
        if root is None:
            root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        opened = exc.context_mark
        if "another document" in problem:
            problem = "a second YAML document starts here; a visit file holds one: remove it"
        elif exc.problem and exc.context and opened and opened is not mark:
            problem += (
                f" ({exc.context.strip()} that starts at {opened.line + 1}:{opened.column + 1})"
            )
        lines = text.splitlines()
        if 0 < line <= len(lines) and "\t" in lines[line - 1]:
            problem += " (YAML indents with spaces, never tabs: replace the tab)"
        elif "end of stream" in problem or "<stream end>" in problem:
            problem += "; the file ends too early: is it cut short? Close what is open"
        elif "mapping values are not allowed" in problem:
            problem += "; put a value that contains ': ' in quotes, or fix the indentation"
        elif "expected <block end>" in problem:
            problem += "; the indentation of this line does not match the lines above"
        raise fail(line, col, f"not valid YAML: {problem}") from None
    except (YAMLError, RecursionError, ValueError) as exc:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).strip()
        raise fail(
            1, 1, f"not valid YAML: {detail.splitlines()[0] if detail else 'unreadable'}"
        ) from None
    if root is None:
        raise fail(1, 1, "the file holds no data; a visit file starts with 'schema_version: 1'")
    source = SourceMap()
    try:
        data = _Builder(source).build(root, (), 0)
    except _Stop as stop:
        raise fail(stop.line, stop.col, stop.message) from None
    except RecursionError:
        raise fail(1, 1, "nested too deeply") from None
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
    text = repr(value)
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
                        f"schema_version {version!r} is not supported; this planner reads "
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
    problems = check(visit)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise VisitFileError(diagnostics(path, source, problems))
    return LoadedVisit(visit, path, source, tuple(problems), data)


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


def load_edited(document: VisitDocument, before: VisitDocument, loaded: LoadedVisit) -> LoadedVisit:
    """Check ``document``, an edit of ``before`` (which reads as ``loaded``), without
    reading all of it again: the item entries it shares with ``before`` keep their plain
    data, and only its new or copied entries are read (each written out and read alone,
    as a file would be). The lines of the edited text are found only when a problem is
    reported. Raises VisitFileError as ``load_visit_text`` would."""
    path = loaded.path
    old, new = before.entries(), document.entries()
    items = loaded.data.get("items") if isinstance(loaded.data, dict) else None
    if not isinstance(items, list) or len(items) != len(old) or not new:
        return load_visit_text(document.text(), path)  # nothing to reuse
    known = {id(entry): plain for entry, plain in zip(old, items, strict=True)}
    revised: list[Any] = []
    for entry in new:
        plain = known.get(id(entry), _UNREAD)
        if plain is _UNREAD:
            try:
                plain, _ = read_yaml_text(document.entry_text(entry), path)
            except VisitFileError:
                return load_visit_text(document.text(), path)  # located in the whole text
        revised.append(plain)
    data = {**loaded.data, "items": revised}

    def lines() -> SourceMap:
        return read_yaml_text(document.text(), path)[1]

    return parse_visit(data, path, SourceMap(later=lines))


_UNREAD = object()


def load_visit(path: str | os.PathLike[str]) -> LoadedVisit:
    """Read and check a visit file. Raises VisitFileError listing every problem."""
    p = Path(path)
    data, source = read_yaml(p)
    return parse_visit(data, p, source)
