"""Mutations of real visit files, for the fuzz tests (tests/test_visitfile_fuzz.py) and the
long fuzz run (python -m bench.fuzz). Every mutation is drawn from a ``random.Random``, so
a seed gives the same file again.

Structural mutations work on the plain data of a visit file and dump it back as YAML:
keys and entries deleted, duplicated or moved to another mapping or list, values swapped
between fields, wrong types, deep nesting, huge and negative numbers, odd Unicode,
control characters, ids swapped between entries and references pointed elsewhere.
Gentle mutations keep a visit plausible (a duration, a pin, an attendee, a window, a
venue changed), so that many mutants stay valid and reach the solver. Text mutations
damage the YAML itself: cut short, characters and bytes inserted, lines dropped or
repeated, tabs, nesting thousands deep.
"""

from __future__ import annotations

import copy
import io
import random
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

Path_ = tuple[str | int, ...]

TRICKY_SCALARS: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    -(10**9),
    10**12,
    2**63,
    10**30,
    1.5,
    float("inf"),
    float("-inf"),
    float("nan"),
    "",
    " ",
    "2023-02-30",
    "2023-05-30 25:00",
    "2023-03-26 02:30",  # skipped in Europe
    "2023-10-29 02:30",  # twice in Europe
    "2023-05-30 10:00+09:00",
    "0001-01-01",
    "9999-12-31 23:59",
    "24:00",
    "1h30",
    "-30",
    "Baku Time",
    "EST",
    "custom",
    "flight",
    "walk",
    "0x" + "f" * 60,
)

ODD_TEXTS = (
    "\u202eevil\u202c",  # right-to-left override
    "e\u0301" * 40,  # combining marks
    "👩\u200d👩\u200d👧",  # ZWJ sequence
    "北京 · ירושלים · Bakı",
    "\ufffd\ufeff",
    "x" * 5000,
    "line one\u2028line two",
    "[/b] [bold] <script>&amp;",
    "{{ 7*7 }} {% raw %}",
    "'\"\\",
)

CONTROL_TEXTS = (
    "\x1b[2J\x1b[H",
    "\x1b]52;c;cm0gLXJmIH4=\x07",
    "\x1b]2;pwned\x07",
    "\x9b31m",
    "\r\n",
    "\x00",
    "\x07\x08\x7f",
    "\x85",
)

DEEP = ("[", "{a: ", "- ")


def load(path: Path) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def dump(data: Any) -> str:
    from ruamel.yaml import YAML

    out = YAML(typ="safe", pure=True)
    out.default_flow_style = None
    out.width = 4096
    stream = io.StringIO()
    out.dump(data, stream)
    return stream.getvalue()


def paths(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every path in the data, the root excepted."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from paths(value, (*path, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield (*path, n)
            yield from paths(value, (*path, n))


def _at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _holders(data: Any, kind: type) -> list[Any]:
    found = [data] if isinstance(data, kind) else []
    return found + [v for p in paths(data) if isinstance(v := _at(data, p), kind)]


def _entries(data: Any) -> list[dict[str, Any]]:
    """The cities, people, venues and items that have an id."""
    found = []
    for section in ("cities", "people", "venues", "items"):
        entries = data.get(section) if isinstance(data, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                found.append(entry)
    return found


def _nested(rng: random.Random, value: Any) -> Any:
    for _ in range(rng.randint(30, 60)):
        value = [value] if rng.random() < 0.5 else {"a": value}
    return value


# -- structural mutations -----------------------------------------------------------------


def _delete(rng: random.Random, data: Any) -> str:
    path = rng.choice(list(paths(data)))
    del _at(data, path[:-1])[path[-1]]
    return f"delete {path}"


def _duplicate(rng: random.Random, data: Any) -> str:
    lists = [h for h in _holders(data, list) if h]
    if not lists:
        return "duplicate: nothing"
    holder = rng.choice(lists)
    n = rng.randrange(len(holder))
    holder.insert(rng.randrange(len(holder) + 1), copy.deepcopy(holder[n]))
    return "duplicate an entry"


def _move(rng: random.Random, data: Any) -> str:
    """An entry into another list, or a key into another mapping."""
    if rng.random() < 0.5:
        lists = [h for h in _holders(data, list) if h]
        if len(lists) < 2:
            return "move: nothing"
        source, target = rng.sample(lists, 2)
        target.insert(rng.randrange(len(target) + 1), source.pop(rng.randrange(len(source))))
        return "move an entry to another list"
    maps = [h for h in _holders(data, dict) if h]
    if len(maps) < 2:
        return "move: nothing"
    source, target = rng.sample(maps, 2)
    key = rng.choice(list(source))
    target[key] = source.pop(key)
    return f"move key {key!r} to another mapping"


def _swap(rng: random.Random, data: Any) -> str:
    """The values of two fields trade places (a title and a duration, say)."""
    all_paths = list(paths(data))
    a, b = rng.choice(all_paths), rng.choice(all_paths)
    if a[: len(b)] == b or b[: len(a)] == a:
        return "swap: nested"
    pa, pb = _at(data, a[:-1]), _at(data, b[:-1])
    pa[a[-1]], pb[b[-1]] = pb[b[-1]], pa[a[-1]]
    return f"swap {a} and {b}"


def _retype(rng: random.Random, data: Any) -> str:
    path = rng.choice(list(paths(data)))
    holder, value = _at(data, path[:-1]), _at(data, path)
    holder[path[-1]] = rng.choice([str(value), [value], {"value": value}, [], {}, *TRICKY_SCALARS])
    return f"retype {path}"


def _deepen(rng: random.Random, data: Any) -> str:
    path = rng.choice(list(paths(data)))
    holder = _at(data, path[:-1])
    holder[path[-1]] = _nested(rng, holder[path[-1]])
    return f"nest {path} deep"


def _number(rng: random.Random, data: Any) -> str:
    numeric = [p for p in paths(data) if isinstance(_at(data, p), int | float)]
    path = rng.choice(numeric or list(paths(data)))
    value: int | float = rng.choice([-1, 0, -(10**6), 10**9, 10**18, 2**64, 10**400, 0.1, 1e308])
    if rng.random() < 0.2 and abs(value) < 1e300:
        value = -float(value)
    _at(data, path[:-1])[path[-1]] = value
    return f"number {path}"


def _text(rng: random.Random, data: Any, choices: tuple[str, ...], what: str) -> str:
    texts = [p for p in paths(data) if isinstance(_at(data, p), str)]
    if not texts:
        return f"{what}: nothing"
    path = rng.choice(texts)
    value = _at(data, path)
    odd = rng.choice(choices)
    at = rng.randint(0, len(value))
    _at(data, path[:-1])[path[-1]] = value[:at] + odd + value[at:]
    return f"{what} in {path}"


def _unicode(rng: random.Random, data: Any) -> str:
    return _text(rng, data, ODD_TEXTS, "odd unicode")


def _control(rng: random.Random, data: Any) -> str:
    return _text(rng, data, CONTROL_TEXTS, "control characters")


def _rename(rng: random.Random, data: Any) -> str:
    keys = [p for p in paths(data) if isinstance(p[-1], str)]
    path = rng.choice(keys)
    holder = _at(data, path[:-1])
    name = path[-1]
    assert isinstance(name, str)
    new = rng.choice([name[:-1], name + "s", name.upper(), "x" + name, "", "<<", "id"])
    holder[new] = holder.pop(name)
    return f"rename {path} to {new!r}"


def _swap_ids(rng: random.Random, data: Any) -> str:
    entries = _entries(data)
    if len(entries) < 2:
        return "swap ids: nothing"
    a, b = rng.sample(entries, 2)
    a["id"], b["id"] = b["id"], a["id"]
    return "swap two ids"


def _refer(rng: random.Random, data: Any) -> str:
    """A reference (or any value) pointed at another entry's id."""
    ids = [e["id"] for e in _entries(data)]
    if not ids:
        return "refer: nothing"
    path = rng.choice(list(paths(data)))
    _at(data, path[:-1])[path[-1]] = rng.choice(ids)
    return f"refer {path}"


def _tricky(rng: random.Random, data: Any) -> str:
    path = rng.choice(list(paths(data)))
    _at(data, path[:-1])[path[-1]] = rng.choice(TRICKY_SCALARS)
    return f"tricky value at {path}"


STRUCTURAL: tuple[Callable[[random.Random, Any], str], ...] = (
    _delete,
    _duplicate,
    _move,
    _swap,
    _retype,
    _deepen,
    _number,
    _unicode,
    _control,
    _rename,
    _swap_ids,
    _refer,
    _tricky,
)

# -- gentle mutations: a plausible visit, often still valid ---------------------------------


def _items(data: Any) -> list[dict[str, Any]]:
    items = data.get("items") if isinstance(data, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _people_ids(data: Any) -> list[str]:
    people = data.get("people") if isinstance(data, dict) else None
    if not isinstance(people, list):
        return []
    return [p["id"] for p in people if isinstance(p, dict) and isinstance(p.get("id"), str)]


def _shift(text: Any, minutes: int) -> Any:
    if not isinstance(text, str):
        return text
    match = re.match(r"^(\d{4}-\d{2}-\d{2} \d{1,2}:\d{2})(.*)$", text)
    if match is None:
        return text
    moved = datetime.strptime(match[1], "%Y-%m-%d %H:%M") + timedelta(minutes=minutes)
    return moved.strftime("%Y-%m-%d %H:%M") + match[2]


def _gentle(rng: random.Random, data: Any) -> str:
    items = _items(data)
    if not items:
        return "gentle: nothing"
    item = rng.choice(items)
    choice = rng.randrange(9)
    if choice == 0 and isinstance(item.get("duration"), int):
        item["duration"] = max(5, item["duration"] + rng.choice([-30, -15, -5, 5, 15, 30, 90]))
        return "change a duration"
    if choice == 1 and "pinned" in item:
        item["pinned"] = _shift(item["pinned"], rng.choice([-60, -15, 15, 30, 120]))
        return "shift a pin"
    if choice == 2 and isinstance(item.get("attendees"), list) and len(item["attendees"]) > 1:
        item["attendees"].pop(rng.randrange(len(item["attendees"])))
        return "remove an attendee"
    if choice == 3 and isinstance(item.get("attendees"), list):
        people = [p for p in _people_ids(data) if p not in item["attendees"]]
        if people:
            item["attendees"].append(rng.choice(people))
            return "add an attendee"
    if choice == 4 and "window" in item:
        del item["window"]
        return "drop a window"
    if choice == 5 and "order" in item:
        del item["order"]
        return "drop an order rule"
    if choice == 6:
        item["optional"] = not item.get("optional", False)
        if not item["optional"]:
            item.pop("priority", None)
        return "toggle optional"
    if choice == 7 and isinstance(item.get("venue"), str):
        venues = data.get("venues") if isinstance(data, dict) else None
        ids = [v.get("id") for v in venues or [] if isinstance(v, dict)]
        if ids:
            item["venue"] = rng.choice(ids)
            return "move to another venue"
    if choice == 8 and "pinned" not in item and item.get("kind") != "flight":
        item.pop("window", None)
        item["days"] = [data.get("start")] if isinstance(data, dict) else []
        return "keep to the first day"
    return "gentle: nothing"


# -- text mutations -------------------------------------------------------------------------


def mutate_text(rng: random.Random, text: str) -> tuple[bytes, list[str]]:
    raw = text.encode("utf-8")
    done = []
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(raw))
        action = rng.choice(
            ["cut", "insert", "bytes", "drop_line", "repeat_line", "tab", "deep", "colon"]
        )
        if action == "cut":
            raw = raw[:at]
        elif action == "insert":
            chars = rng.choice(
                ["\t", ":", "- ", "{", "[", "&a ", "*a", "!!", "'", '"', "#", "? ", "|", ">"]
            )
            raw = raw[:at] + chars.encode("utf-8") + raw[at:]
        elif action == "bytes":
            raw = raw[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + raw[at:]
        elif action == "deep":
            raw = raw[:at] + rng.choice(DEEP).encode() * rng.choice([50, 2000, 30_000]) + raw[at:]
        elif action == "colon":  # a ':' between digits, where libyaml reads a stand-in
            raw = re.sub(rb"(\d)(\d)", rb"\1:\2", raw, count=rng.randint(1, 20))
        else:
            lines = raw.split(b"\n")
            n = rng.randrange(len(lines))
            if action == "drop_line":
                del lines[n]
            elif action == "repeat_line":
                lines.insert(n, lines[n])  # a key given twice, an entry doubled
            else:
                lines[n] = re.sub(rb"^ ", b"\t", lines[n])
            raw = b"\n".join(lines)
        done.append(action)
    return raw, done


def mutate_data(
    rng: random.Random, data: Any, count: int | None = None, gentle: bool = False
) -> tuple[Any, list[str]]:
    """A mutated deep copy of ``data`` and what was done to it."""
    data = copy.deepcopy(data)
    done = []
    for _ in range(count or rng.randint(1, 4)):
        if not isinstance(data, dict | list) or not list(paths(data)):
            break
        if gentle:
            done.append(_gentle(rng, data))
        else:
            done.append(rng.choice(STRUCTURAL)(rng, data))
    return data, done


def mutant(rng: random.Random, source: Any, kind: str) -> tuple[bytes, list[str]]:
    """A mutated visit file: ``kind`` is 'structural', 'gentle' or 'text'."""
    if kind == "text":
        return mutate_text(rng, dump(source))
    data, done = mutate_data(rng, source, gentle=kind == "gentle")
    return dump(data).encode("utf-8"), done
