"""Editing a visit file in place: ruamel.yaml round trip, so comments, key order and flow
style survive; new keys go where the format documents them."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from typing import Any

from planner.model.items import Item


class EditError(Exception):
    """An edit that cannot be applied (unknown item, unreadable file…)."""


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _list_copy(items: Any) -> Any:
    """A copy of a round-trip list that shares its elements but not its comments."""

    twin = items.__class__()
    list.extend(twin, items)
    if hasattr(items, "copy_attributes"):
        items.copy_attributes(twin, memo={})  # deep copies of the comments and positions
    return twin


def _forget_printed(node: Any, skip: set[int]) -> None:
    """Mark every comment of a copied document as not yet written out. ruamel.yaml flags
    a comment it has written (``pre_done``) and clears some of those flags only when it
    writes the same objects again; a copy made after a dump would otherwise lose them."""
    from ruamel.yaml.comments import Comment
    from ruamel.yaml.tokens import CommentToken

    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in skip:
            continue
        comment = getattr(current, Comment.attrib, None)
        if comment is not None:
            parts: list[Any] = [getattr(comment, slot, None) for slot in Comment.__slots__]
            while parts:
                part = parts.pop()
                if isinstance(part, CommentToken):
                    part.reset()
                elif isinstance(part, list | tuple):
                    parts.extend(part)
                elif isinstance(part, dict):
                    parts.extend(part.values())
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _item_key_order() -> list[str]:
    return list(Item.model_fields)


PLAIN_KEYS = frozenset({"id", "kind", "tier", "press", "public_time"})  # unquoted names


def _flow(value: Any) -> Any:
    """Lists and mappings written in flow style (``[a, b]``, ``{k: v}``), as the format's
    examples are."""
    from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq

    if isinstance(value, CommentedBase):  # from the file (a copy): keeps its style
        return value
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_flow(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        mapping = CommentedMap(
            (k, DoubleQuotedScalarString(v) if isinstance(v, str) else _flow(v))
            for k, v in value.items()
        )
        mapping.fa.set_flow_style()
        return mapping
    return value


class VisitDocument:
    """A visit file loaded for editing.

    Its YAML is parsed when first needed, and its text is written out (comments, order
    and style kept) when first asked for after a change. ``fork`` makes the document of
    an edit without copying the whole file: the copy shares every item entry it does not
    change, so a document must not be changed once another has been forked from it (the
    session keeps that rule: it edits only fresh forks)."""

    def __init__(self, path: Path, text: str | None = None) -> None:
        """The file at ``path``, or ``text`` given as its content (an edit in memory)."""
        self.path = path
        if text is None:
            try:
                text = path.read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise EditError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
        self.original: str | None = text
        self._text: str | None = text
        self._yaml = _yaml()
        self._data: Any = None
        self._lock = threading.Lock()

    @property
    def data(self) -> Any:
        """The round-trip YAML data (parsed on first use; threads may share it)."""
        with self._lock:
            if self._data is None:
                assert self.original is not None
                self._data = self._yaml.load(self.original)
            return self._data

    def fork(self, item_id: str | None = None) -> VisitDocument:
        """A document to edit: a copy of this one that shares its item entries, except
        the entry of ``item_id`` (when there is one), which is copied too."""
        import copy

        data = self.data
        entries = self.entries()
        shared = {id(entry): entry for entry in entries if isinstance(entry, dict)}
        twin = VisitDocument.__new__(VisitDocument)
        twin.path, twin.original, twin._text = self.path, None, None
        twin._yaml, twin._lock = _yaml(), threading.Lock()
        memo: dict[int, Any] = dict(shared)  # the entries stay as they are
        items = data.get("items") if isinstance(data, dict) else None
        if isinstance(items, list):  # ruamel copies a list's attributes once per element
            memo[id(items)] = _list_copy(items)
        twin._data = copy.deepcopy(data, memo)
        _forget_printed(twin._data, set(shared))
        items = twin._data.get("items") if isinstance(twin._data, dict) else None
        if item_id is not None and isinstance(items, list):
            for n, entry in enumerate(items):
                if isinstance(entry, dict) and entry.get("id") == item_id:
                    items[n] = copy.deepcopy(entry)
                    _forget_printed(items[n], set())
        return twin

    def entries(self) -> list[Any]:
        """The entries of the list of items, in order (empty when there is none)."""
        data = self.data
        items = data.get("items") if isinstance(data, dict) else None
        return list(items) if isinstance(items, list) else []

    def entry_text(self, entry: Any) -> str:
        """One entry of the list of items written out as a YAML document of its own."""
        buffer = io.StringIO()
        _yaml().dump(entry, buffer)
        return buffer.getvalue()

    def item(self, item_id: str) -> Any:
        items = self.data.get("items") or []
        for entry in items:
            if isinstance(entry, dict) and entry.get("id") == item_id:
                return entry
        from planner.model.base import did_you_mean

        known = [str(e.get("id")) for e in items if isinstance(e, dict)]
        raise EditError(f"{self.path}: no item '{item_id}'{did_you_mean(item_id, known)}")

    def set(self, item_id: str, key: str, value: Any) -> None:
        entry = self.item(item_id)
        self._text = None
        if isinstance(value, str) and key not in PLAIN_KEYS:
            from ruamel.yaml.scalarstring import DoubleQuotedScalarString

            value = DoubleQuotedScalarString(value)
        else:
            value = _flow(value)
        if key in entry:
            entry[key] = value
            return
        order = _item_key_order()
        rank = order.index(key) if key in order else len(order)
        position = len(entry)
        for n, existing in enumerate(entry):
            if existing in order and order.index(existing) > rank:
                position = n
                break
        entry.insert(position, key, value)

    def item_ids(self) -> list[str]:
        return [str(e.get("id")) for e in self.data.get("items") or [] if isinstance(e, dict)]

    def add_item(self, fields: dict[str, Any], after: str | None = None) -> None:
        """Append an item (or put it right after item ``after``); keys in the documented
        order, lists and mappings in flow style, strings quoted."""
        from ruamel.yaml.comments import CommentedMap, CommentedSeq
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        if fields.get("id") in self.item_ids():
            raise EditError(f"{self.path}: an item '{fields.get('id')}' exists already")
        self._text = None
        order = _item_key_order()
        entry = CommentedMap()
        for key in sorted(fields, key=lambda k: order.index(k) if k in order else len(order)):
            value = fields[key]
            entry[key] = (
                DoubleQuotedScalarString(value)
                if isinstance(value, str) and key not in PLAIN_KEYS
                else _flow(value)
            )
        items = self.data.get("items")
        if items is None:
            self.data["items"] = items = CommentedSeq()
        if after is not None:
            anchor = self.item(after)
            position = next(n for n, e in enumerate(items) if e is anchor) + 1
            items.insert(position, entry)
        else:
            items.append(entry)

    def copy_item(self, item_id: str) -> dict[str, Any]:
        """A deep copy of an item's fields (comments dropped)."""
        import copy

        return {str(k): copy.deepcopy(v) for k, v in self.item(item_id).items()}

    def delete_item(self, item_id: str) -> None:
        entry = self.item(item_id)
        items = self.data["items"]
        self._text = None
        del items[next(n for n, e in enumerate(items) if e is entry)]

    def remove(self, item_id: str, key: str) -> bool:
        entry = self.item(item_id)
        if key in entry:
            self._text = None
            del entry[key]
            return True
        return False

    def text(self) -> str:
        """The document as YAML text: the text it was read from while it is unchanged."""
        with self._lock:
            if self._text is None:
                buffer = io.StringIO()
                self._yaml.dump(self._data, buffer)
                self._text = buffer.getvalue()
            return self._text


# '&name' or '*name' where YAML reads an anchor or an alias (after a space, a dash, a
# colon, a bracket or a comma; a quoted '*' in a title only makes the edit slower)
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s\[\]{},]")


class EntryDocument(VisitDocument):
    """A visit file loaded for editing one item: only that item's entry is parsed (and
    written out again); the rest of the file stays as it is, byte for byte.

    Parsing and writing a whole file keeps its comments but is slow on large visits (the
    round-trip YAML library is pure Python: seconds for a few thousand items), while an
    edit of the command line changes one entry. The entry is the lines from its dash to
    the next entry's (or the end of the list of items), found from where the visit file
    reader saw them; a file laid out otherwise (a list of items in flow style) is edited
    as a whole (``of`` gives None). Adding, copying or deleting items needs the whole
    document: use VisitDocument."""

    def __init__(self, path: Path, text: str, first: int, end: int, dash: int = 2) -> None:
        super().__init__(path, text)
        self._lines = text.splitlines(keepends=True)
        self._first, self._end = first, end  # 0-based line numbers, end exclusive
        self._dash = dash  # the column of the entry's dash in the file (the dump's: 2)

    @classmethod
    def of(cls, path: Path, text: str, source: Any, index: int) -> EntryDocument | None:
        """The document of item ``index`` of ``text`` (read as ``source``, the file's
        SourceMap), or None when its entry cannot be cut out of the text safely."""
        positions = source.positions
        here = positions.get(("items", index))
        if here is None:
            return None
        lines = text.splitlines(keepends=True)
        first, col = here[0] - 1, here[1] - 1  # 0-based
        if not (0 <= first < len(lines)) or col < 2 or lines[first][col - 2 : col] != "- ":
            return None  # not '  - id: …' (a flow list, a dash on a line of its own)
        nxt = positions.get(("items", index + 1))
        if nxt is not None:
            end = nxt[0] - 1
        else:  # the last item: up to the next key of the file's top level, or its end
            later = [p[0] - 1 for key, p in positions.items() if len(key) == 1 and p[0] > here[0]]
            end = min(later, default=len(lines))
        if end <= first:
            return None
        if _ANCHOR_OR_ALIAS.search("".join(lines[first:end])):
            return None  # an alias (or anchor) ties the entry to the rest: edit it whole
        return cls(path, text, first, end, col - 2)

    @property
    def data(self) -> Any:
        """``{'items': [the entry]}``: what VisitDocument's edits need to find it."""
        with self._lock:
            if self._data is None:
                from ruamel.yaml.comments import CommentedMap

                entry = self._yaml.load("".join(self._lines[self._first : self._end]))
                if not isinstance(entry, list) or len(entry) != 1:
                    raise EditError(f"{self.path}: the item's entry cannot be edited alone")
                self._data = CommentedMap(items=entry)
            return self._data

    def fork(self, item_id: str | None = None) -> VisitDocument:
        raise NotImplementedError("an entry document is edited once, on the command line")

    def text(self) -> str:
        with self._lock:
            if self._text is None:
                buffer = io.StringIO()
                self._yaml.dump(self._data["items"], buffer)
                entry = _indented(buffer.getvalue(), self._dash - 2)
                before, after = self._lines[: self._first], self._lines[self._end :]
                self._text = "".join(before) + entry + "".join(after)
            return self._text


def _indented(text: str, shift: int) -> str:
    """The dumped entry moved ``shift`` columns right (left when negative), to where the
    file has its list of items: '- id:' at the start of the line under 'items:' is as
    valid as indented, and an entry must be written as the others are."""
    if shift == 0:
        return text
    lines = text.splitlines(keepends=True)
    if shift > 0:
        return "".join(" " * shift + line if line.strip() else line for line in lines)
    cut = -shift
    if any(line.strip() and not line.startswith(" " * cut) for line in lines):
        raise EditError("the item's entry cannot be edited alone")  # (never: dumped at 2)
    return "".join(line[cut:] if line.strip() else line for line in lines)
