"""Kinds of rule about the characters and words of text cells: what a reader cannot see, what only looks like a
letter, loaded terms, words of our own working passes, words that relay another claimant where a sibling says
the text is an outlet's own, and doubled words. They close the ways around the other rules (a summary of one
zero-width space is not empty; `occu\u00adpied` is not neutral) and keep cells that reach HTML, SVG or a
terminal plain. The generator's text is plain ASCII words from which sentences holding a loaded term, a process
term or a doubled word are filtered out, so those kinds are honoured by construction; `fix_relay` corrects the
rest."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from scripts.package import Condition, Field, Table, ident, literal
from scripts.rules.core import (
    Context,
    Forbidden,
    Kind,
    Rule,
    check,
    code,
    forbid,
    loaded_regex,
    plant_value,
    plant_with,
    rule,
    sql_list,
)
from scripts.shapes import printable_ascii_only

if TYPE_CHECKING:
    import polars as pl

    from scripts.faults import Planting
    from scripts.synthetic import Generator

# Characters that are not printable text (`scripts.terminal.NOT_TEXT`, which names them by code point in messages):
# C0 and C1 controls (a line break is allowed only in free text), format characters (soft hyphen, zero-width and
# bidi marks, BOM, tags), private use, surrogates, line and paragraph separators, and every space but the plain
# one; then unassigned code points, for which RE2 has no class: what is in no assigned category.
INVISIBLE = ("\\x{0}-\\x{9}\\x{b}\\x{c}\\x{e}-\\x{1f}\\x{7f}-\\x{9f}\\p{Cf}\\p{Co}\\p{Cs}\\p{Zl}\\p{Zp}"
             "\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}")
UNASSIGNED = "[^\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Z}\\p{C}]"
LOOK_ALIKES = "\\x{370}-\\x{3ff}\\x{400}-\\x{52f}"  # Greek and Cyrillic letters that pass for Latin ones
FULLWIDTH = "\\x{ff01}-\\x{ff5e}"
PLAIN_WORDS = "generated text is plain ASCII words"


def free_text(field: Field) -> bool:
    return field.is_prose and field.max_length is not None and field.max_length > 200


def invisible_class(field: Field) -> str:
    """The regex (RE2) of one character the field's cells must not hold."""
    return assigned_invisible_class(field) + "|" + UNASSIGNED


def assigned_invisible_class(field: Field) -> str:
    """`invisible_class` but for unassigned code points: the database's CHECK. DuckDB compiles a table's CHECKs
    again for every comment put on one of its columns, and the negated class of every category costs
    milliseconds each time (half the build's database stage); validation still rejects unassigned ones."""
    return "[" + INVISIBLE + ("" if free_text(field) else "\\n\\r") + "]"


def _invisible(ctx: Context) -> list[Rule]:
    found = invisible_class(ctx.field)
    made = forbid(ctx.field, "invisible", "'{value}' holds an invisible, control or non-space whitespace character "
                                          "(U+{detail})", found)
    code = f"upper(printf('%04x', unicode(regexp_extract({ident(ctx.field.name)}, {literal(found)}, 0))))"
    return [replace(made, detail=code, implied=printable_ascii_only(ctx.field))]


def mixed_script_regex() -> str:
    latin = "[A-Za-z]"
    other = f"[{LOOK_ALIKES}]"
    return f"{latin}{other}|{other}{latin}|[{FULLWIDTH}]"


def _mixed_script(ctx: Context) -> list[Rule]:
    return [forbid(ctx.field, "mixed_script", "'{value}' mixes Latin letters with Greek, Cyrillic or fullwidth "
                                              "look-alikes in a word", mixed_script_regex())]


def _neutral(ctx: Context) -> list[Rule]:
    """Names the term it finds; the look-alike and invisible characters that could hide one are rejected by the
    `mixed_script` and `invisible` kinds."""
    regex = loaded_regex(ctx.package.loaded_terms)
    made = forbid(ctx.field, "neutral", "'{value}' uses the loaded term '{detail}' (x-loadedTerms in "
                                        "datapackage.json); such terms belong only in a claim's summary, attributed",
                  regex)
    return [replace(made, detail=f"regexp_extract({ident(ctx.field.name)}, {literal(regex)}, 0)")]


def plant_neutral(p: Planting) -> None:
    if (found := p.first("neutral")) and p.package.loaded_terms:
        p.put("neutral", found[0], found[1].name, f"The {p.package.loaded_terms[0]} was discussed.")


def _process_words(ctx: Context) -> list[Rule]:
    """Published prose speaks of the source or the record, never of how we searched or curated (principle 10);
    names the term it finds."""
    regex = loaded_regex(ctx.package.process_terms)
    made = forbid(ctx.field, "process_words", "'{value}' speaks of our tools or working passes ('{detail}', "
                                              "x-processTerms in datapackage.json); say something about the source "
                                              "or the record instead", regex)
    return [replace(made, detail=f"regexp_extract({ident(ctx.field.name)}, {literal(regex)}, 0)")]


def plant_process_words(p: Planting) -> None:
    if (found := p.first("process_words")) and p.package.process_terms:
        p.put("process_words", found[0], found[1].name, f"Dated from the {p.package.process_terms[0]}.")


def relay_sql(col: str, other: str, cond: Condition) -> str:
    """True unless `other` holds one of the condition's codes and the cell holds one of its terms."""
    return f"{other} NOT IN {sql_list(cond.values)} OR NOT regexp_matches({col}, {literal(loaded_regex(cond.terms))})"


def _relay(ctx: Context) -> list[Rule]:
    """An outlet's claim is the outlet's own figure: one it relays from a ministry, an agency or an official is
    that claimant's claim, with the outlet as its cited source (principle 3). Names the term it finds."""
    cond, col = ctx.field.rules.relay_terms, ident(ctx.field.name)
    made = rule(ctx.field, "relay", f"'{{value}}' relays another claimant ('{{detail}}', x-relayTerms) though "
                                    f"{cond.field} is {' or '.join(cond.values)}; record it as the original "
                                    "claimant's claim, with the relaying source cited",
                f"coalesce({relay_sql(col, ident(cond.field), cond)}, true)")
    return [replace(made, detail=f"regexp_extract({col}, {literal(loaded_regex(cond.terms))}, 0)")]


def _typed_relay(t: Table, f: Field) -> str:
    cond = f.rules.relay_terms
    relays = relay_sql(ident(f.name), f"{ident(cond.field)}::VARCHAR", cond)
    return check(f"{ident(f.name)} IS NULL OR coalesce({relays}, true)")


def _relay_words(f: Field) -> str:
    cond = f.rules.relay_terms
    return (f"Where {code(cond.field)} is {' or '.join(map(code, cond.values))}, relays no other claimant: none of "
            f"the relay terms (x-relayTerms: {', '.join(cond.terms)}) may appear; a relayed figure is the original "
            "claimant's claim, with the relaying source cited.")


def plant_relay(p: Planting) -> None:
    if found := p.first("relay"):
        cond = found[1].rules.relay_terms
        p.put("relay", found[0], found[1].name, f"The outlet wrote, {cond.terms[0]} the ministry, that ten people "
                                                "were hurt.", also={cond.field: cond.values[0]})


def fix_relay(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    """A generated text holding a relay term, in a row whose sibling holds one of the codes, becomes one that
    holds none."""
    import polars as pl

    cond = f.rules.relay_terms
    regex = loaded_regex(cond.terms)
    plain = next(t for t in gen.texts if not re.search(regex, t))
    relays = pl.col(cond.field).is_in(list(cond.values)) & pl.col(f.name).str.contains(regex)
    return frame.with_columns(pl.when(relays).then(pl.lit(plain)).otherwise(pl.col(f.name)).alias(f.name))


def repeated_word_sql(col: str) -> str:
    """True unless a word stands twice in a row with only a space or line break between ("of of"); punctuation
    between two equal words ("Kazakhstan; Kazakhstan") is deliberate. Text cells hold no other whitespace (the
    `invisible` kind), so splitting on spaces finds every pair; the letters-only test runs only on equal pairs.
    One pass over the words carries the previous word along, and a space (which no word holds) once a pair is
    found: cheaper than pairing the list with its own tail, which copies it twice."""
    spaced = f"CASE WHEN contains({col}, chr(10)) THEN replace({col}, chr(10), ' ') ELSE {col} END"  # few have one
    words = f"string_split(lower({spaced}), ' ')"
    step = ("lambda previous, word: CASE WHEN previous = ' ' OR (previous = word AND "
            "regexp_full_match(word, '[[:alpha:]]+')) THEN ' ' ELSE word END")
    return f"list_reduce({words}, {step}) <> ' '"


def _repeated_word(ctx: Context) -> list[Rule]:
    return [rule(ctx.field, "repeated_word", "'{value}' repeats a word twice in a row",
                 repeated_word_sql(ident(ctx.field.name)))]


TEXT_KINDS: list[Kind] = [
    Kind("invisible", lambda p, t, f: f.type.name == "string" and not f.codes, _invisible,
         lambda t, f: Forbidden(assigned_invisible_class(f)),
         lambda f: "No control, format or invisible characters, and no whitespace but the plain space"
                   + (" and line breaks." if free_text(f) else "."),
         plant=plant_value("invisible", lambda f: "Talks\u200bheld", lambda t, f: f.is_prose), fix_up=PLAIN_WORDS),
    Kind("mixed_script", lambda p, t, f: f.rules.neutral, _mixed_script,
         lambda t, f: Forbidden(mixed_script_regex()),
         lambda f: "No word mixes Latin letters with Greek or Cyrillic ones, and no fullwidth letters (look-alikes "
                   "that would hide a loaded term).",
         plant=plant_with("mixed_script", lambda f: "Talks in M\u043escow."), fix_up=PLAIN_WORDS),
    Kind("neutral", lambda p, t, f: f.rules.neutral, _neutral,
         "the list of loaded terms lives in datapackage.json: make check only",
         lambda f: "Neutral wording: none of the loaded terms (listed as x-loadedTerms in "
                   "datapackage.json) may appear.",
         plant=plant_neutral, fix_up="Generator.texts leaves out every sentence holding a loaded term"),
    Kind("process_words", lambda p, t, f: f.rules.speaks_to_readers and bool(p.process_terms), _process_words,
         "the list of process terms lives in datapackage.json: make check only",
         lambda f: "Speaks to readers: none of the words of our tools or working passes (listed as "
                   "x-processTerms in datapackage.json) may appear.",
         plant=plant_process_words, fix_up="Generator.texts leaves out every sentence holding a process term"),
    Kind("relay", lambda p, t, f: f.rules.relay_terms is not None, _relay, _typed_relay, _relay_words,
         plant=plant_relay, fix_up=fix_relay),
    Kind("repeated_word", lambda p, t, f: free_text(f), _repeated_word,
         "DuckDB allows no list function in a CHECK: make check only",
         lambda f: "No word twice in a row.",
         plant=plant_value("repeated_word", lambda f: "The the talks went on."),
         fix_up="Generator.texts leaves out every sentence with a word twice in a row"),
]
