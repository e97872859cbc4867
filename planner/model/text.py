"""Text in visit and plan files: what a name, title or note may hold, and how any other
text is made harmless before it reaches a terminal or a document.

A title such as "Banquet\\x1b[2J" (a double-quoted YAML escape) would clear the screen of
whoever prints it; "\\x1b]52;c;…\\x07" would write to their clipboard. So the model's texts
hold no control characters: in a single-line text (``Line``: names, titles, addresses)
line breaks, tabs and the Unicode line and paragraph separators become spaces and every
other C0 or C1 control character and DEL is left out; a note (``Paragraphs``) keeps its
line breaks (as "\\n") and loses the rest the same way. `planner check` warns where a file's
value was cleaned (planner.visitfile).

Text that does not come from the model (file names, values quoted in a diagnostic, a
message of the operating system) is escaped where it is printed: ``printable``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

# C0 controls, DEL and C1 controls, and the Unicode line and paragraph separators
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_SPACING = re.compile("\r\n|[\t\r\n\x0b\x0c\x85\u2028\u2029]")
NOTEWORTHY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")  # not TAB, LF, CR
_NOT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean_line(text: str) -> str:
    """``text`` on one line with no control characters (see the module's docstring)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub("", _SPACING.sub(" ", text))


def clean_paragraphs(text: str) -> str:
    """``text`` with its line breaks as "\\n", tabs as spaces and no other control
    characters."""
    if not CONTROL.search(text):
        return text
    return _NOT_NEWLINE.sub("", _BREAK.sub("\n", text).replace("\t", " "))


def _line(value: Any) -> Any:
    return clean_line(value) if isinstance(value, str) else value


def _paragraphs(value: Any) -> Any:
    return clean_paragraphs(value) if isinstance(value, str) else value


Line = Annotated[str, BeforeValidator(_line)]
"""A single-line text of the model: no control characters, no line breaks."""

Paragraphs = Annotated[str, BeforeValidator(_paragraphs)]
"""A text of the model that may run over several lines: no other control characters."""


def printable(text: str, keep: str = "\n") -> str:
    """``text`` harmless to a terminal: every control character (C0, DEL, C1) and line or
    paragraph separator is shown escaped (``\\x1b``, ``\\r``, ``\\u2028``), except those in
    ``keep`` (by default the line breaks of the text itself)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(
        lambda m: m[0] if m[0] in keep else m[0].encode("unicode_escape").decode("ascii"), text
    )


def cleaned(text: str) -> str | None:
    """The control characters a text held besides tabs and line breaks, as a warning
    names them ("'\\x07', '\\x1b'"), or None if it held none."""
    found = sorted(set(NOTEWORTHY.findall(text)))
    if not found:
        return None
    shown = ", ".join(f"'{printable(ch, keep='')}'" for ch in found[:4])
    return shown + (f" and {len(found) - 4} more" if len(found) > 4 else "")
