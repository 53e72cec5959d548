"""Text from the data or from a query, made safe to print on a terminal.

A cell can hold an ANSI escape (ESC [ ...) that recolours, moves the cursor or retitles the window, a carriage
return that overwrites the line, or a bidi override that makes `evil.exe` read as `exe.live`. Whatever prints
text it did not write (`make query`, the validator's messages) passes it through `printable` first.
"""

from __future__ import annotations

import re

BIDI = "\u202a-\u202e\u2066-\u2069"
LINE_SEPARATORS = "\u2028\u2029"
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}{LINE_SEPARATORS}]")


def escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """text with every C0 and C1 control character (tab and newline included), DEL, bidi override and line
    separator written as a visible escape (`\\x1b`, `\\u202e`); a backslash is left as it is."""
    return UNSAFE.sub(lambda m: escape(m.group()), text)
