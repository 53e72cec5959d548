"""Strings that match a Table Schema pattern, enumerated from the pattern itself with the stdlib's regex
parser, so that synthetic ids and codes never restate a schema's pattern by hand."""

from __future__ import annotations

import re._parser as sre
import string

import polars as pl

SAFE = string.ascii_lowercase + string.digits + string.ascii_uppercase


def char_class(items) -> str:
    """The characters of SAFE (plus a few punctuation marks) that a parsed `[...]` or literal admits."""
    def admits(ch: str) -> bool:
        hit, negate = False, False
        for op, av in items:
            if op is sre.NEGATE:
                negate = True
            elif op is sre.LITERAL:
                hit |= ch == chr(av)
            elif op is sre.RANGE:
                hit |= av[0] <= ord(ch) <= av[1]
            elif op is sre.CATEGORY:
                hit |= {sre.CATEGORY_DIGIT: ch.isdigit(), sre.CATEGORY_SPACE: ch.isspace(),
                        sre.CATEGORY_WORD: ch.isalnum() or ch == "_",
                        sre.CATEGORY_NOT_SPACE: not ch.isspace()}.get(av, False)
        return hit != negate
    explicit = "".join(chr(av) for op, av in items if op is sre.LITERAL)
    return "".join(dict.fromkeys(c for c in SAFE + explicit if admits(c)))


def pattern_parts(parsed) -> list:
    """A pattern as a list of literal strings and variable runs (alphabet, min, max)."""
    parts = []
    for op, av in parsed:
        if op is sre.LITERAL:
            parts.append(chr(av))
        elif op is sre.IN:
            parts.append((char_class(av), 1, 1))
        elif op is sre.ANY:
            parts.append((string.ascii_lowercase, 1, 1))
        elif op is sre.SUBPATTERN:
            parts += pattern_parts(av[3])
        elif op is sre.BRANCH:
            parts += pattern_parts(av[1][0])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, sub = av
            inner = pattern_parts(sub)
            if len(inner) == 1 and isinstance(inner[0], tuple):
                parts.append((inner[0][0], low, None if high is sre.MAXREPEAT else high))
            else:
                parts += inner * low
        elif op is not sre.AT:
            raise ValueError(f"pattern element {op} is not supported by the generator")
    return parts


def encode(i: int, alphabet: str, width: int) -> str:
    k, out = len(alphabet), []
    while i:
        i, d = divmod(i, k)
        out.append(alphabet[d])
    return "".join(reversed(out)).rjust(width, alphabet[0])


def pattern_values(pattern: str, n: int) -> pl.Series:
    """n distinct strings that match the (implicitly anchored) pattern, counting in its last variable run."""
    parts = pattern_parts(sre.parse(pattern))
    runs = [j for j, p in enumerate(parts) if isinstance(p, tuple)]
    if not runs:
        raise ValueError(f"pattern {pattern} admits a single value")
    last = runs[-1]
    alphabet, low, high = parts[last]
    capacity = None if high is None else sum(len(alphabet) ** w for w in range(low, high + 1))
    if capacity is not None and n > capacity:
        raise ValueError(f"pattern {pattern} admits only {capacity} distinct values; {n} needed")
    fixed = ["".join(p if isinstance(p, str) else p[0][0] * p[1] for p in parts[:last]),
             "".join(p if isinstance(p, str) else p[0][0] * p[1] for p in parts[last + 1:])]
    if alphabet == string.digits:
        body = pl.int_range(0, n, eager=True).cast(pl.String).str.zfill(low)
    else:
        body = pl.Series([encode(i, alphabet, low) for i in range(n)], dtype=pl.String)
    if high is not None:
        assert body.str.len_chars().max() <= high
    return fixed[0] + body + fixed[1]
