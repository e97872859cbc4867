"""A hostile copy of the reference visit: titles, names and notes carrying terminal control
sequences (written as YAML double-quoted escapes, the only way a YAML file holds them),
line breaks in names, and markup brackets. Used by the tests that assert no control
character from a visit file reaches a terminal, a screen or a document."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REFERENCE

CLEAR = "\\e[2J\\e[H"  # clear the screen, cursor home
CLIPBOARD = "\\e]52;c;cm0gLXJmIH4=\\a"  # OSC 52: write to the clipboard
RETITLE = "\\e]2;pwned\\a"  # OSC 2: window title
CSI_C1 = "\\x9b31m"  # the one-byte C1 form of CSI

# (text in the reference visit, the same as a double-quoted YAML scalar with controls)
REPLACEMENTS = (
    (
        "    title: Arrival at Heydar Aliyev International Airport\n",
        f'    title: "Arrival at Heydar Aliyev{CLEAR} International Airport{RETITLE}"\n',
    ),
    (
        "    title: Official welcome ceremony\n",
        f'    title: "Official welcome{CLIPBOARD} ceremony [/b] [bold]"\n',
    ),
    ("    name: Isaac Herzog\n", '    name: "Isaac\\r\\nHerzog"\n'),
    ("    name: Michal Herzog\n", f'    name: "Michal{CSI_C1} Herzog\\u2028"\n'),
    ("    name: Zagulba Palace\n", f'    name: "Zagulba{CLEAR} Palace\\x7f"\n'),
    (
        "    notes: Guard of honour, national anthems (Hatikvah), presentation of "
        "delegations, group photo.\n",
        '    notes: "Guard of honour,\\nnational anthems\\e[5m (Hatikvah)\\a"\n',
    ),
)

# C0 controls, DEL and C1 controls, and the Unicode line and paragraph separators
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def hostile_visit(folder: Path, name: str = "hostile.yaml") -> Path:
    text = REFERENCE.read_text(encoding="utf-8")
    for plain, hostile in REPLACEMENTS:
        assert plain in text, plain
        text = text.replace(plain, hostile, 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def controls(text: str, allowed: str = "\n") -> list[str]:
    """The control characters in ``text`` besides ``allowed``."""
    return [ch for ch in CONTROL.findall(text) if ch not in allowed]
