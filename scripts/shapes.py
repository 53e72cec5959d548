"""What a field's code list, pattern or type says about the characters of its values: the first and last, or all.

A rule that only rejects cells starting or ending with certain characters (stray whitespace, a spreadsheet
formula), or holding certain characters anywhere (invisible ones), is implied where the field's shape already
excludes them; `make check` then leaves it out of its fast verdict pass. The analysis reads patterns with the
stdlib's regex parser and says "implied" only when it is sure.
"""

from __future__ import annotations

import functools
import re
import re._parser as sre  # the stdlib's regex parser: a pattern's edge characters are read, not guessed

from scripts.package import Field

LARGEST_CLASS = 1024


def sequence_edge(items, from_end: bool) -> tuple[set[str] | None, bool]:
    """The characters a match of a parsed regex sequence can start (or end) with, and whether it can be empty.
    None where the pattern is too rich to tell: negated classes, categories such as `\\s` (whose meaning
    differs between Python and DuckDB's RE2), inline flags."""
    chars = set()
    for op, av in (reversed(items) if from_end else items):
        found, empty = item_edge(op, av, from_end)
        if found is None:
            return None, False
        chars |= found
        if not empty:
            return chars, False
    return chars, True


def item_edge(op, av, from_end: bool) -> tuple[set[str] | None, bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN and all(o in (sre.LITERAL, sre.RANGE) for o, _ in av):
        ranges = [(v, v) if o is sre.LITERAL else v for o, v in av]
        if sum(high - low + 1 for low, high in ranges) > LARGEST_CLASS:
            return None, False
        return {chr(c) for low, high in ranges for c in range(low, high + 1)}, False
    if op is sre.SUBPATTERN and not av[1] and not av[2]:
        return sequence_edge(av[3], from_end)
    if op is sre.BRANCH:
        edges = [sequence_edge(branch, from_end) for branch in av[1]]
        if any(chars is None for chars, _ in edges):
            return None, False
        return set().union(*(chars for chars, _ in edges)), any(empty for _, empty in edges)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, _, sub = av
        chars, empty = sequence_edge(sub, from_end)
        return chars, empty or low == 0
    if op is sre.AT:
        return set(), True
    return None, False


@functools.cache
def edge_characters(pattern: str) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The first and last characters of any string the pattern fully matches (None: cannot tell). Kept per
    pattern: every field of a kind asks, and parsing is most of making a table's rules."""
    try:
        parsed = sre.parse(pattern)
    except re.error:
        return None, None
    if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
        return None, None
    first, last = sequence_edge(list(parsed), False)[0], sequence_edge(list(parsed), True)[0]
    return (None if first is None else frozenset(first)), (None if last is None else frozenset(last))


def shapes(field: Field) -> list[tuple[set[str] | None, set[str] | None]]:
    """(first, last) characters of the values a field's code list, pattern or type admits, one pair each."""
    found = []
    if field.codes:
        values = field.code_values
        found.append(({v[0] for v in values if v}, {v[-1] for v in values if v}))
    return found + [edge_characters(p) for p in (field.pattern, field.type.cell_pattern) if p]


def rejected_by_shape(field: Field, first: str, last: str = "") -> bool:
    """Whether the field's code list, pattern or type already rejects every value that starts with one of
    `first` or ends with one of `last`: a rule for just that is then implied."""
    def excluded(starts: set[str] | None, ends: set[str] | None) -> bool:
        ends_ok = not last or (ends is not None and not ends & set(last))
        return starts is not None and not starts & set(first) and ends_ok
    return any(excluded(*shape) for shape in shapes(field))


def sequence_characters(items) -> set[str] | None:
    """Every character a match of a parsed regex sequence can hold; None where the pattern is too rich to tell
    (as in `sequence_edge`)."""
    chars = set()
    for op, av in items:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            found = sequence_characters(av[2])
        elif op is sre.BRANCH:
            branches = [sequence_characters(branch) for branch in av[1]]
            found = None if any(b is None for b in branches) else set().union(*branches)
        elif op is sre.SUBPATTERN:
            found = sequence_characters(av[3]) if not av[1] and not av[2] else None
        else:
            found = item_edge(op, av, False)[0]
        if found is None:
            return None
        chars |= found
    return chars


@functools.cache
def pattern_characters(pattern: str) -> frozenset[str] | None:
    """Every character a string the pattern fully matches can hold (None: cannot tell), kept per pattern."""
    try:
        parsed = sre.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
        return None
    chars = sequence_characters(list(parsed))
    return None if chars is None else frozenset(chars)


def printable_ascii_only(field: Field) -> bool:
    """Whether the field's pattern admits only printable ASCII characters and the plain space: a rule against
    invisible, control or look-alike characters is then implied."""
    chars = pattern_characters(field.pattern) if field.pattern else None
    return chars is not None and all(" " <= c <= "~" for c in chars)
