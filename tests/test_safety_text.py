"""The `invisible` rule against every Unicode general category of characters that are not printable text: one
character of each (every space but the plain one) is rejected and named by its code point, in the cell quoted
and in the rule's words, and one character of every printable category is accepted."""

from __future__ import annotations

import sys
import unicodedata

from scripts.terminal import NOT_TEXT, code_points
from scripts.validate import main
from tests.conftest import PackageCopy

SAMPLES = {  # category: characters that are not printable text, the newest first met in real text
    "Cc": ["\x07", "\x1b", "\x7f", "\x85", "\t"],
    "Cf": ["\u00ad", "\u0600", "\u061c", "\u180e", "\u200b", "\u2066", "\ufeff", "\ufffb", "\U000e0041"],
    "Co": ["\ue000", "\uf8ff", "\U000f0000", "\U00100000"],
    "Cn": ["\u0530", "\u2065", "\ufdd0", "\uffff", "\U000e0080"],
    "Zl": ["\u2028"],
    "Zp": ["\u2029"],
    "Zs": [c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Zs" and c != " "],
}
PRINTABLE = {"Lu": "A", "Ll": "a", "Lt": "\u01c5", "Lm": "\u02b0", "Lo": "\u05d0", "Mn": "\u0301", "Mc": "\u0903",
             "Me": "\u20dd", "Nd": "5", "Nl": "\u216b", "No": "\u00bd", "Pc": "\u203f", "Pd": "\u2013", "Ps": "(",
             "Pe": ")", "Pi": "\u00ab", "Pf": "\u00bb", "Po": "!", "Sm": "\u00d7", "Sc": "\u20ac", "Sk": "\u02c2",
             "So": "\u00a9", "Zs": " "}
SAMPLED = [c for chars in SAMPLES.values() for c in chars]


def check(package: PackageCopy, capsys) -> tuple[int, list[str]]:
    code = main([str(package.root)])
    return code, capsys.readouterr().out.splitlines()


def test_the_samples_cover_every_category_that_is_not_printable_text():
    assert set(SAMPLES) | {"Cs"} == NOT_TEXT
    assert all(unicodedata.category(c) == category for category, chars in SAMPLES.items() for c in chars)
    assert len(SAMPLES["Zs"]) == 16


def test_a_character_of_every_category_that_is_not_printable_text_is_rejected_and_named_by_code_point(package, capsys):
    """One party per character (one check of the package for them all), named `Party<char>name`."""
    for i, char in enumerate(SAMPLED):
        package.rows["parties"].append({"party_id": f"p{i}", "name": f"Party{char}name", "kind": "mediator_group"})
    package.write()
    code, lines = check(package, capsys)
    assert code == 1 and lines == [
        f"data/parties.csv:{i + 5}:name: 'Party<U+{ord(c):04X}>name' holds an invisible, control or non-space "
        f"whitespace character (U+{ord(c):04X})" for i, c in enumerate(SAMPLED)] + [f"{len(SAMPLED)} problems found"]


def test_a_surrogate_cannot_reach_a_cell_the_file_is_not_utf8(package, capsys):
    path = package.csv("meetings")
    path.write_bytes(path.read_bytes().replace(b"Moscow.", b"Moscow\xed\xa0\x80."))
    assert check(package, capsys) == (1, ["data/meetings.csv:2: invalid UTF-8: byte 0xed cannot be decoded",
                                          "1 problem found"])


def test_a_character_of_every_printable_category_is_accepted(package, capsys):
    assert {unicodedata.category(c) for c in PRINTABLE.values()} == set(PRINTABLE)
    words = [f"{chr(ord('a') + i)}{c}" for i, c in enumerate(PRINTABLE.values())]  # the space separates them
    package.set("meetings", 0, summary="Talks " + " ".join(words) + " held.")
    assert check(package, capsys)[0] == 0


def test_a_line_break_is_text_in_a_summary_but_named_in_a_name(package, capsys):
    package.set("meetings", 0, summary="Talks\nheld.")
    package.set("parties", 0, name="Arme\nnia")
    assert check(package, capsys) == (1, [
        "data/parties.csv:2:name: 'Arme<U+000A>nia' holds an invisible, control or non-space whitespace "
        "character (U+000A)", "1 problem found"])


def test_code_points_names_only_what_is_not_printable_text():
    assert code_points("a\u200bb c\u00a0d–é\u0301") == "a<U+200B>b c<U+00A0>d–é\u0301"
