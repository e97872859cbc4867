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
        from ruamel.yaml.comments import CommentedSeq

        entry = self.item(item_id)
        if isinstance(value, str):
            from ruamel.yaml.scalarstring import DoubleQuotedScalarString

            value = DoubleQuotedScalarString(value)
        elif isinstance(value, list | tuple):
            seq = CommentedSeq(value)
            seq.fa.set_flow_style()
            value = seq
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
