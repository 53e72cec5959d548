"""How the rule set reads a field's shape: which rules another rule of the same cell already implies.

An implied rule is left out of the fast verdict pass of `make check` (the rule that implies it is in), and
still reported by the detailed pass, so the analysis must only ever say "implied" when it is sure.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import replace

import duckdb
import pytest

from scripts.package import INTEGER, Package, Table, load_package
from scripts.package.reading import read_field
from scripts.rules import FORMULA_START, KIND, KINDS, WHITESPACE, applicable, table_rules, verdict_checks
from scripts.rules.core import Context, forbid
from scripts.shapes import edge_characters, pattern_characters

DIGITS = set(string.digits)
PROBES = (["plain text", "a b", "x=y", "a\nb", "é", "\U0001F600", "the occupied area", "preoccupied"]
          + [c + "x" for c in WHITESPACE + FORMULA_START] + ["x" + c for c in WHITESPACE + FORMULA_START])


def kind_rule(kind: str, raw: dict):
    """The rule a kind makes for a field written as in a schema, in a table of its own."""
    field = read_field(raw, (), "fields")
    table = Table("t", "data/t.csv", "schemas/t.schema.json", (field,), (), ())
    [made] = KIND[kind].text(Context(Package({}, [table]), table, field, dt.date.today()))
    return made


def whitespace_rule(raw: dict):
    return kind_rule("whitespace", raw)


def formula_rule(raw: dict):
    return kind_rule("formula", raw)


def test_edge_characters_of_an_id_pattern_come_from_its_alternatives_and_digits():
    assert edge_characters("(mtg|trf)-[0-9]{4,}") == ({"m", "t"}, DIGITS)


def test_an_optional_sign_adds_to_the_first_characters_of_the_digits_after_it():
    first, last = edge_characters(INTEGER)
    assert first == DIGITS | {"+", "-"} and last == DIGITS


def test_a_negated_class_leaves_its_edge_unknown():
    assert edge_characters(r"https?://[^\s]+") == ({"h"}, None)


def test_inline_flags_leave_both_edges_unknown():
    assert edge_characters("(?i)abc") == (None, None)


def test_an_invalid_pattern_leaves_both_edges_unknown():
    assert edge_characters("mtg-[0-9") == (None, None)


def test_whitespace_rule_is_implied_by_a_pattern_that_starts_and_ends_with_letters_or_digits():
    assert whitespace_rule({"name": "id", "constraints": {"pattern": "mtg-[0-9]{4,}"}}).implied


def test_whitespace_rule_is_not_implied_by_a_pattern_that_admits_a_leading_space():
    assert not whitespace_rule({"name": "id", "constraints": {"pattern": " ?x"}}).implied


def test_whitespace_rule_is_implied_by_a_date_type():
    assert whitespace_rule({"name": "day", "type": "date"}).implied


def test_whitespace_rule_is_not_implied_by_a_code_list_with_a_padded_code():
    assert not whitespace_rule({"name": "code", "constraints": {"enum": ["held", "held "]}}).implied


def test_formula_rule_is_implied_by_a_url_pattern_but_whitespace_is_not():
    url = {"name": "url", "constraints": {"pattern": r"https?://[^\s]+"}}
    assert formula_rule(url).implied and not whitespace_rule(url).implied


def test_formula_rule_is_not_implied_by_a_code_list_with_a_signed_code():
    assert not formula_rule({"name": "code", "constraints": {"enum": ["+1", "0"]}}).implied


def test_free_text_keeps_its_whitespace_and_formula_rules_in_the_verdict():
    package = load_package()
    rules = table_rules(package.table("meetings"), package, dt.date.today())
    summary = {r.name: r.implied for r in rules if r.field == "summary"}
    assert summary["whitespace"] is False and summary["formula"] is False


def test_only_whitespace_formula_and_invisible_rules_are_ever_implied():
    package = load_package()
    implied = {r.name for t in package.tables for r in table_rules(t, package, dt.date.today()) if r.implied}
    assert implied == {"whitespace", "formula", "invisible"}


def test_characters_of_an_id_pattern_come_from_its_literals_and_classes():
    assert pattern_characters("(mtg|trf)-[0-9]{4,}") == set("mtgrf-") | DIGITS


def test_a_negated_class_or_a_category_leaves_the_characters_unknown():
    assert pattern_characters(r"https?://[^\s]+") is None and pattern_characters(r"x\d") is None


def test_invisible_rule_is_implied_by_a_pattern_of_printable_ascii():
    assert kind_rule("invisible", {"name": "id", "constraints": {"pattern": "src-[0-9a-f]{8}"}}).implied


def test_invisible_rule_is_not_implied_by_a_pattern_that_admits_a_control_or_other_character():
    for pattern in ("a[\t ]b", "[a-zé]+", r"[^,]+"):
        assert not kind_rule("invisible", {"name": "id", "constraints": {"pattern": pattern}}).implied


def test_free_text_keeps_its_invisible_rule_in_the_verdict():
    package = load_package()
    rules = table_rules(package.table("meetings"), package, dt.date.today())
    assert not next(r for r in rules if r.field == "summary" and r.name == "invisible").implied


def passes(sql: str, column: str = "text") -> list[bool]:
    with duckdb.connect() as con:
        return [row[0] for row in con.execute(f"SELECT coalesce({sql}, true) FROM unnest(?::VARCHAR[]) AS t({column})",
                                               [PROBES]).fetchall()]


@pytest.mark.parametrize("make", [whitespace_rule, formula_rule], ids=["whitespace", "formula"])
def test_cheap_sql_and_forbidden_pattern_of_a_rule_reject_the_same_cells(make):
    rule = make({"name": "text"})
    assert passes(rule.sql) == passes(f"NOT regexp_matches(text, '{rule.forbidden}')")


def test_one_search_per_cell_passes_exactly_where_all_its_rules_pass():
    package = load_package()
    rules = [r for r in table_rules(package.table("meetings"), package, dt.date.today())
             if r.field == "summary" and r.local]
    with duckdb.connect() as con:
        checks = verdict_checks(rules, con)
    assert len(checks) < len(rules)
    assert passes(" AND ".join(checks), "summary") == passes(" AND ".join(f"coalesce({r.sql}, true)" for r in rules),
                                                             "summary")
    assert passes(" AND ".join(checks), "summary").count(False) > len(WHITESPACE)


def searching(name: str, regex: str):
    """A rule that searches the cell of field `name` for `regex`."""
    return forbid(read_field({"name": name}, (), "fields"), "searched", "", regex)


def test_cells_searched_for_the_same_patterns_are_searched_together_and_a_fault_in_either_fails_the_row():
    rules = [searching(name, "[\\x{200b}]") for name in ("venue", "summary")]
    with duckdb.connect() as con:
        [joined] = verdict_checks(rules, con)
        verdicts = con.execute(f"SELECT {joined} FROM (VALUES ('a', 'b'), ('a\u200b', 'b'), (NULL, '\u200b'), "
                               "('a', NULL)) AS t(venue, summary)").fetchall()
    assert "concat_ws(' ', \"venue\", \"summary\")" in joined
    assert [v for (v,) in verdicts] == [True, False, False, True]


def test_cells_are_searched_one_by_one_for_a_pattern_that_matches_a_space():
    rules = [searching(name, "a b") for name in ("venue", "summary")]
    with duckdb.connect() as con:
        checks = verdict_checks(rules, con)
    assert len(checks) == 2 and not any("concat_ws" in c for c in checks)


def test_every_kind_has_sql_on_text_a_database_form_words_a_planted_fault_and_a_fix_up():
    for kind in KINDS:
        assert callable(kind.text) and callable(kind.words), kind.name
        assert callable(kind.typed) or kind.typed.strip(), kind.name
        assert callable(kind.plant), kind.name
        assert callable(kind.fix_up) or kind.fix_up.strip(), kind.name
    assert len(KIND) == len(KINDS)


def all_kinds(package) -> list[tuple[str, str, str]]:
    return [(t.name, f.name, k.name) for t in package.tables for f in t.fields for k in applicable(package, t, f)]


def test_every_rule_key_in_the_schemas_switches_on_a_kind():
    package = load_package()
    for table in package.tables:
        for field in table.fields:
            for key in field.rules.given():
                without = replace(field, rules=field.rules.without(key))
                other = replace(table, fields=tuple(without if f is field else f for f in table.fields))
                changed = replace(package, tables=[other if t is table else t for t in package.tables])
                assert all_kinds(package) != all_kinds(changed), (table.name, field.name, key)
