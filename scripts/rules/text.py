"""Kinds of rule about the characters of text cells: what a reader cannot see, what only looks like a letter, and
what is not a web address. They close the ways around the other rules (a summary of one zero-width space is not
empty; `occu\u00adpied` is not neutral) and keep cells that reach HTML, SVG or a terminal plain."""

from __future__ import annotations

from dataclasses import replace

from scripts.package import Field, ident, literal
from scripts.rules.core import Context, Kind, Rule, check, forbid

# Characters that are not printable text (`scripts.terminal.NOT_TEXT`, which names them by code point in messages):
# C0 and C1 controls (a line break is allowed only in free text), format characters (soft hyphen, zero-width and
# bidi marks, BOM, tags), private use, surrogates, line and paragraph separators, and every space but the plain
# one; then unassigned code points, for which RE2 has no class: what is in no assigned category.
INVISIBLE = ("\\x{0}-\\x{9}\\x{b}\\x{c}\\x{e}-\\x{1f}\\x{7f}-\\x{9f}\\p{Cf}\\p{Co}\\p{Cs}\\p{Zl}\\p{Zp}"
             "\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}")
UNASSIGNED = "[^\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Z}\\p{C}]"
LOOK_ALIKES = "\\x{370}-\\x{3ff}\\x{400}-\\x{52f}"  # Greek and Cyrillic letters that pass for Latin ones
FULLWIDTH = "\\x{ff01}-\\x{ff5e}"
URL = ("^https?://[\\p{L}\\p{N}.-]+(:[0-9]+)?(/[\\p{L}\\p{N}\\p{M}\\-._~!$&'()*+,;=:@%/]*)?"
       "(\\?[\\p{L}\\p{N}\\p{M}\\-._~!$&'()*+,;=:@%/?]*)?(#[\\p{L}\\p{N}\\p{M}\\-._~!$&'()*+,;=:@%/?]*)?$")


def free_text(field: Field) -> bool:
    return field.is_prose and field.max_length is not None and field.max_length > 200


def invisible_class(field: Field) -> str:
    """The regex (RE2) of one character the field's cells must not hold."""
    return "[" + INVISIBLE + ("" if free_text(field) else "\\n\\r") + "]|" + UNASSIGNED


def _invisible(ctx: Context) -> list[Rule]:
    found = invisible_class(ctx.field)
    made = forbid(ctx.field, "invisible", "'{value}' holds an invisible, control or non-space whitespace character "
                                          "(U+{detail})", found)
    code = f"upper(printf('%04x', unicode(regexp_extract({ident(ctx.field.name)}, {literal(found)}, 0))))"
    return [replace(made, detail=code)]


def mixed_script_regex() -> str:
    latin = "[A-Za-z]"
    other = f"[{LOOK_ALIKES}]"
    return f"{latin}{other}|{other}{latin}|[{FULLWIDTH}]"


def _mixed_script(ctx: Context) -> list[Rule]:
    return [forbid(ctx.field, "mixed_script", "'{value}' mixes Latin letters with Greek, Cyrillic or fullwidth "
                                              "look-alikes in a word", mixed_script_regex())]


def _url(ctx: Context) -> list[Rule]:
    col = ident(ctx.field.name)
    return [Rule(ctx.field.name, "url", "'{value}' is not an http(s) address of letters, digits and URL punctuation",
                 f"{col} IS NULL OR regexp_full_match({col}, {literal(URL)})")]


TEXT_KINDS: list[Kind] = [
    Kind("invisible", lambda p, t, f: f.type.name == "string" and not f.codes, _invisible,
         lambda t, f: check(f"NOT regexp_matches({ident(f.name)}, {literal(invisible_class(f))})"),
         lambda f: "No control, format or invisible characters, and no whitespace but the plain space"
                   + (" and line breaks." if free_text(f) else ".")),
    Kind("mixed_script", lambda p, t, f: "x-neutral" in f.rules, _mixed_script,
         lambda t, f: check(f"NOT regexp_matches({ident(f.name)}, {literal(mixed_script_regex())})"),
         lambda f: "No word mixes Latin letters with Greek or Cyrillic ones, and no fullwidth letters (look-alikes "
                   "that would hide a loaded term)."),
    Kind("url", lambda p, t, f: "x-url" in f.rules, _url,
         lambda t, f: check(f"regexp_full_match({ident(f.name)}, {literal(URL)})"),
         lambda f: "An http(s) address: a host, then a path, query and fragment of letters, digits and the "
                   "punctuation URLs allow (no spaces, quotes or angle brackets)."),
]

