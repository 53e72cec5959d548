"""Text from the data or from a query, made safe to print on a terminal.

A cell can hold an ANSI escape (ESC [ ...) that recolours, moves the cursor or retitles the window, a carriage
return that overwrites the line, or a bidi override that makes `evil.exe` read as `exe.live`. Whatever prints
text it did not write (`make query`, the validator's messages) passes it through `printable` first.
"""

from __future__ import annotations

import re
import unicodedata

BIDI = "\u202a-\u202e\u2066-\u2069"
LINE_SEPARATORS = "\u2028\u2029"
# The general categories of characters that are not printable text: controls, format characters, surrogates,
# private use, unassigned code points, line and paragraph separators, and spaces (all but the plain space).
NOT_TEXT = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}{LINE_SEPARATORS}]")


def escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """text with every C0 and C1 control character (tab and newline included), DEL, bidi override and line
    separator written as a visible escape (`\\x1b`, `\\u202e`); a backslash is left as it is."""
    return UNSAFE.sub(lambda m: escape(m.group()), text)


def invisible(char: str) -> bool:
    """Whether the character is not printable text (see NOT_TEXT); the plain space is text."""
    return char != " " and unicodedata.category(char) in NOT_TEXT


def code_points(text: str) -> str:
    """text with every character that is not printable text named by its code point (`<U+200B>`), as the
    validator's `invisible` rule names it: a cell quoted in a message shows what a reader could not see."""
    return "".join(f"<U+{ord(c):04X}>" if invisible(c) else c for c in text)
