"""Editing a visit file in place: ruamel.yaml round trip, so comments, key order and flow
style survive; new keys go where the format documents them."""

from __future__ import annotations

import io
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
    """A visit file loaded for editing."""

    def __init__(self, path: Path, text: str | None = None) -> None:
        """The file at ``path``, or ``text`` given as its content (an edit in memory)."""
        self.path = path
        if text is None:
            try:
                text = path.read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise EditError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
        self.original = text
        self._yaml = _yaml()
        self.data = self._yaml.load(self.original)

    def item(self, item_id: str) -> Any:
        items = self.data.get("items") or []
        for entry in items:
            if isinstance(entry, dict) and entry.get("id") == item_id:
                return entry
        import difflib

        known = [str(e.get("id")) for e in items if isinstance(e, dict)]
        close = difflib.get_close_matches(item_id, known, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise EditError(f"{self.path}: no item '{item_id}'{hint}")

    def set(self, item_id: str, key: str, value: Any) -> None:
        entry = self.item(item_id)
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
            position = next(n for n, e in enumerate(items) if e is self.item(after)) + 1
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
        del items[next(n for n, e in enumerate(items) if e is entry)]

    def remove(self, item_id: str, key: str) -> bool:
        entry = self.item(item_id)
        if key in entry:
            del entry[key]
            return True
        return False

    def text(self) -> str:
        buffer = io.StringIO()
        self._yaml.dump(self.data, buffer)
        return buffer.getvalue()
