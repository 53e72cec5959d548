"""Kinds of rule that the `x-` properties of a field state: across fields, across tables, and the wording rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from scripts.package import Field, Package, Table, ident, literal
from scripts.rules.core import Context, Kind, Rule, check, code, forbid, loaded_regex, parsed, rule, sql_list
from scripts.rules.text import free_text as is_free_text


def link_back_column(package: Package, table: Table, field: Field) -> str | None:
    """The column of the referenced table that must point back at this row, where two tables reference each
    other through single-field foreign keys."""
    fk = table.foreign_key(field.name)
    if fk is None or fk.resource == table.name or len(table.primary_key) != 1:
        return None
    back = next((b for b in package.table(fk.resource).foreign_keys if b.resource == table.name), None)
    return back.fields[0] if back else None


def _link_back(ctx: Context) -> list[Rule]:
    f, fk = ctx.field, ctx.table.foreign_key(ctx.field.name)
    back = link_back_column(ctx.package, ctx.table, f)
    col, own, ref, back_col = ident(f.name), ident(ctx.table.primary_key[0]), ident(fk.resource), ident(back)
    pair = f"{col} || chr(31) || coalesce({own}, '')"
    points_back = (f"{pair} IN (SELECT {ident(fk.reference_fields[0])} || chr(31) || {back_col} FROM {ref} "
                   f"WHERE {back_col} IS NOT NULL)")
    unknown = f"{col} NOT IN (SELECT {ident(fk.reference_fields[0])} FROM {ref})"
    return [rule(f, "link_back", f"'{{value}}' does not point back at this row in its {back} column",
                 f"{unknown} OR {points_back}", frozenset({fk.resource}))]


def _different_from(ctx: Context) -> list[Rule]:
    other = ctx.field.rules["x-differentFrom"]
    return [rule(ctx.field, "different_from", f"'{{value}}' is the same as {other}",
                 f"{ident(ctx.field.name)} <> {ident(other)}")]


def _not_before(ctx: Context) -> list[Rule]:
    start = ctx.field.rules["x-notBefore"]
    return [rule(ctx.field, "not_before", f"'{{value}}' is earlier than {start}",
                 f"{parsed(ctx.field)} >= {parsed(ctx.sibling(start))}")]


def _not_after(ctx: Context) -> list[Rule]:
    end = ctx.field.rules["x-notAfter"]
    return [rule(ctx.field, "not_after", f"'{{value}}' is later than {end}",
                 f"{parsed(ctx.field)} <= {parsed(ctx.sibling(end))}")]


def _precision_given(ctx: Context) -> list[Rule]:
    precision = ctx.field.rules["x-precisionField"]
    return [rule(ctx.field, "precision_given", f"'{{value}}' has no {precision}", f"{ident(precision)} IS NOT NULL")]


def precision_convention_sql(value: str, precision: str) -> str:
    return (f"CASE {precision} WHEN 'month' THEN day({value}) = 1 "
            f"WHEN 'year' THEN month({value}) = 1 AND day({value}) = 1 ELSE true END")


def _precision_convention(ctx: Context) -> list[Rule]:
    precision = ctx.field.rules["x-precisionField"]
    return [rule(ctx.field, "precision_convention",
                 f"'{{value}}' does not follow its {precision}: a month is written as its first day, "
                 "a year as 1 January",
                 precision_convention_sql(parsed(ctx.field), ident(precision)))]


def _precision_needs_date(ctx: Context) -> list[Rule]:
    owner = next(f for f in ctx.table.fields if f.rules.get("x-precisionField") == ctx.field.name)
    return [rule(ctx.field, "precision_needs_date", f"'{{value}}' is given without {owner.name}",
                 f"{ident(owner.name)} IS NOT NULL")]


def between_sql(low: str, value: str, high: str) -> str:
    return (f"coalesce({low} <= {value}, true) AND coalesce({value} <= {high}, true) "
            f"AND coalesce({low} <= {high}, true)")


def _between(ctx: Context) -> list[Rule]:
    bounds = ctx.field.rules["x-between"]
    low, high = (parsed(ctx.sibling(b)) for b in bounds)
    return [rule(ctx.field, "count_range", f"'{{value}}' is not between {bounds[0]} and {bounds[1]}",
                 between_sql(low, parsed(ctx.field), high))]


def qualifier_sql(col: str, counts: list[str]) -> str:
    given = " OR ".join(f"{c} IS NOT NULL" for c in counts)
    return f"CASE WHEN {col} = 'not_reported' THEN NOT ({given}) ELSE {counts[1]} IS NOT NULL END"


def exact_sql(col: str, counts: list[str]) -> str:
    low, best, high = counts
    return (f"{col} <> 'exact' OR (coalesce({low} = {best}, true) AND coalesce({high} = {best}, true))")


def _qualifier(ctx: Context) -> list[Rule]:
    counts = ctx.field.rules["x-qualifies"]
    return [rule(ctx.field, "qualifier", f"'{{value}}' does not fit the counts: not_reported needs them empty, "
                                         f"exact and approximate need {counts[1]}",
                 qualifier_sql(ident(ctx.field.name), [ident(c) for c in counts]))]


def _exact(ctx: Context) -> list[Rule]:
    counts = ctx.field.rules["x-qualifies"]
    return [rule(ctx.field, "exact", f"'{{value}}' needs {', '.join(counts)} to be equal where given",
                 exact_sql(ident(ctx.field.name), [parsed(ctx.sibling(c)) for c in counts]))]


def _neutral(ctx: Context) -> list[Rule]:
    """Names the term it finds; the look-alike and invisible characters that could hide one are rejected by the
    `mixed_script` and `invisible` kinds of `scripts.rules.text`."""
    regex = loaded_regex(ctx.package.loaded_terms)
    made = forbid(ctx.field, "neutral", "'{value}' uses the loaded term '{detail}' (x-loadedTerms in "
                                        "datapackage.json); such terms belong only in a claim's summary, attributed",
                  regex)
    return [replace(made, detail=f"regexp_extract({ident(ctx.field.name)}, {literal(regex)}, 0)")]


def _list_reference(ctx: Context) -> list[Rule]:
    ref, col = ctx.field.rules["x-listOf"], ident(ctx.field.name)
    items = f"unnest(string_split({col}, {literal(ref.delimiter)})) AS listed(item)"
    unknown = f"item NOT IN (SELECT {ident(ref.field)} FROM {ident(ref.resource)})"
    return [rule(ctx.field, "list_reference", f"'{{value}}' names a {ref.field} that is not in {ref.resource}",
                 f"NOT EXISTS (SELECT 1 FROM {items} WHERE {unknown})", frozenset({ref.resource}))]


def list_unique_sql(col: str, delimiter: str) -> str:
    parts = f"string_split({col}, {literal(delimiter)})"
    return f"len(list_distinct({parts})) = len({parts})"


def _list_unique(ctx: Context) -> list[Rule]:
    ref = ctx.field.rules["x-listOf"]
    return [rule(ctx.field, "list_unique", "'{value}' names the same item twice",
                 list_unique_sql(ident(ctx.field.name), ref.delimiter))]


def _record_reference(ctx: Context) -> list[Rule]:
    targets = ctx.field.rules["x-referencesAny"]
    known = " UNION ALL ".join(f"SELECT {ident(t.field)} FROM {ident(t.resource)}" for t in targets)
    names = ", ".join(t.resource for t in targets)
    return [rule(ctx.field, "record_reference", f"'{{value}}' is not a record in {names}",
                 f"{ident(ctx.field.name)} IN ({known})", frozenset(t.resource for t in targets))]


def citing_fields(package: Package, table: Table, field: Field) -> list[tuple[Table, Field]]:
    """The fields (`x-everyRecordCited`) that must cite every record whose key is this field."""
    return [(t, f) for t, f in package.citing_fields()
            if any((x.resource, x.field) == (table.name, field.name) for x in f.rules.get("x-referencesAny", ()))]


def _cited(ctx: Context) -> list[Rule]:
    return [rule(ctx.field, "cited", f"'{{value}}' has no row in {t.name}",
                 f"{ident(ctx.field.name)} IN (SELECT {ident(f.name)} FROM {ident(t.name)})", frozenset({t.name}))
            for t, f in citing_fields(ctx.package, ctx.table, ctx.field)]


def required_when_sql(col: str, other: str, values) -> str:
    return f"{col} IS NOT NULL OR {other} IS NULL OR {other} NOT IN {sql_list(values)}"


def _required_when(ctx: Context) -> list[Rule]:
    cond = ctx.field.rules["x-requiredWhen"]
    return [Rule(ctx.field.name, "required_when", f"is required when {cond.field} is {' or '.join(cond.values)}",
                 required_when_sql(ident(ctx.field.name), ident(cond.field), cond.values))]


def allowed_when_sql(col: str, other: str, allowed) -> str:
    """True where col holds a code its `other` allows; a code mapped to no codes allows none."""
    cases = " ".join(f"WHEN {literal(k)} THEN {f'{col} IN {sql_list(v)}' if v else 'false'}" for k, v in allowed)
    return f"CASE {other} {cases} ELSE true END"


def _allowed_when(ctx: Context) -> list[Rule]:
    cond = ctx.field.rules["x-allowedWhen"]
    return [rule(ctx.field, "allowed_when", f"'{{value}}' does not fit its {cond.field}",
                 f"coalesce({allowed_when_sql(ident(ctx.field.name), ident(cond.field), cond.allowed)}, true)")]


def url_rejects_regex(hosts, segments) -> str:
    host = "|".join(re.escape(h) for h in hosts)
    segment = "|".join(re.escape(s) for s in segments)
    parts = ([f"^https?://(?:[^/]*\\.)?(?:{host})(?:[:/]|$)"] if hosts else []) + \
            ([f"^https?://[^/]+(?:/[^?#]*)?/(?:{segment})(?:[/?#]|$)"] if segments else [])
    return "(?i:" + "|".join(parts) + ")" if parts else "a^"


def _url_rejected(ctx: Context) -> list[Rule]:
    rejects = ctx.field.rules["x-rejectUrls"]
    return [forbid(ctx.field, "url_rejected",
                   "'{value}' is an AMP, staging or preview address (x-rejectUrls); cite the canonical page",
                   url_rejects_regex(rejects.hosts, rejects.path_segments))]


def url_host_sql(col: str) -> str:
    return f"regexp_extract(lower({col}), '^https?://(?:www\\.)?([^/:?#]+)', 1)"


def _host_determines(ctx: Context) -> list[Rule]:
    """All URLs of one host belong to one value of the named field (one publisher per host)."""
    other = ident(ctx.field.rules["x-hostDetermines"])
    host = url_host_sql(ident(ctx.field.name))
    same = f"min({other}) OVER (PARTITION BY {host}) = max({other}) OVER (PARTITION BY {host})"
    made = rule(ctx.field, "host_determines",
                f"'{{value}}' shares its host with a row of another {ctx.field.rules['x-hostDetermines']}", same)
    return [replace(made, compares_rows=True, reads=frozenset({ctx.field.rules["x-hostDetermines"]}))]


def repeated_word_sql(col: str) -> str:
    """True unless a word stands twice in a row with only a space or line break between ("of of"); punctuation
    between two equal words ("Kazakhstan; Kazakhstan") is deliberate. Text cells hold no other whitespace (the
    `invisible` kind), so splitting on spaces finds every pair; the letters-only test runs only on equal pairs."""
    words = f"string_split(replace(lower({col}), chr(10), ' '), ' ')"
    pairs = f"list_zip({words}, {words}[2:])"  # each word beside the next; the last beside null
    same = "lambda p: CASE WHEN p[1] = p[2] THEN regexp_full_match(p[1], '[[:alpha:]]+') ELSE false END"
    return f"len(list_filter({pairs}, {same})) = 0"


def _repeated_word(ctx: Context) -> list[Rule]:
    return [rule(ctx.field, "repeated_word", "'{value}' repeats a word twice in a row",
                 repeated_word_sql(ident(ctx.field.name)))]



def _sibling_check(key: str, op: str) -> Callable[[Table, Field], str]:
    return lambda t, f: check(f"{ident(f.name)} {op} {ident(f.rules[key])}")


def _typed_qualifier(t: Table, f: Field) -> str:
    return check(qualifier_sql(ident(f.name), [ident(c) for c in f.rules["x-qualifies"]]))


def _typed_exact(t: Table, f: Field) -> str:
    return check(f"{ident(f.name)} IS NULL OR " + exact_sql(ident(f.name), [ident(c) for c in f.rules["x-qualifies"]]))


def _typed_between(t: Table, f: Field) -> str:
    low, high = map(ident, f.rules["x-between"])
    return check(between_sql(low, ident(f.name), high))


def _typed_precision_convention(t: Table, f: Field) -> str:
    return check(precision_convention_sql(ident(f.name), f"{ident(f.rules['x-precisionField'])}::VARCHAR"))


def _typed_allowed_when(t: Table, f: Field) -> str:
    cond = f.rules["x-allowedWhen"]
    cases = allowed_when_sql(f"{ident(f.name)}::VARCHAR", f"{ident(cond.field)}::VARCHAR", cond.allowed)
    return check(f"{ident(f.name)} IS NULL OR coalesce({cases}, true)")


def _typed_url_rejected(t: Table, f: Field) -> str:
    rejects = f.rules["x-rejectUrls"]
    regex = url_rejects_regex(rejects.hosts, rejects.path_segments)
    return check(f"NOT regexp_matches({ident(f.name)}, {literal(regex)})")


def _typed_precision_needs_date(t: Table, f: Field) -> str:
    owner = next(o for o in t.fields if o.rules.get("x-precisionField") == f.name)
    return check(f"{ident(f.name)} IS NULL OR {ident(owner.name)} IS NOT NULL")


def has_rule(key: str) -> Callable[[Package, Table, Field], bool]:
    return lambda p, t, f: key in f.rules


def precision_of_some_field(p: Package, t: Table, f: Field) -> bool:
    return any(o.rules.get("x-precisionField") == f.name for o in t.fields)


def free_text(p: Package, t: Table, f: Field) -> bool:
    return is_free_text(f)



RELATION_KINDS: list[Kind] = [
    Kind("link_back", lambda p, t, f: link_back_column(p, t, f) is not None, _link_back,
         "reads another table: make check only",
         lambda f: "The row it points at points back at this row."),
    Kind("different_from", has_rule("x-differentFrom"), _different_from, _sibling_check("x-differentFrom", "<>"),
         lambda f: f"Differs from {code(f.rules['x-differentFrom'])}."),
    Kind("not_before", has_rule("x-notBefore"), _not_before, _sibling_check("x-notBefore", ">="),
         lambda f: f"Not earlier than {code(f.rules['x-notBefore'])}."),
    Kind("not_after", has_rule("x-notAfter"), _not_after, _sibling_check("x-notAfter", "<="),
         lambda f: f"Not later than {code(f.rules['x-notAfter'])}."),
    Kind("precision_given", has_rule("x-precisionField"), _precision_given,
         lambda t, f: check(f"{ident(f.name)} IS NULL OR {ident(f.rules['x-precisionField'])} IS NOT NULL"),
         lambda f: f"How precisely it is known is in {code(f.rules['x-precisionField'])}, which must be given "
                   "with it."),
    Kind("precision_convention", has_rule("x-precisionField"), _precision_convention, _typed_precision_convention,
         lambda f: "A date known to the month is written as the month's first day; to the year, as 1 January."),
    Kind("precision_needs_date", precision_of_some_field, _precision_needs_date, _typed_precision_needs_date,
         lambda f: "Given only together with the date it qualifies."),
    Kind("count_range", has_rule("x-between"), _between, _typed_between,
         lambda f: (f"Between {code(f.rules['x-between'][0])} and {code(f.rules['x-between'][1])} where they are "
                    f"given; {code(f.rules['x-between'][0])} is never more than {code(f.rules['x-between'][1])}.")),
    Kind("qualifier", has_rule("x-qualifies"), _qualifier, _typed_qualifier,
         lambda f: (f"{code('not_reported')} requires {', '.join(map(code, f.rules['x-qualifies']))} to be empty; "
                    f"any other code requires {code(f.rules['x-qualifies'][1])}.")),
    Kind("exact", has_rule("x-qualifies"), _exact, _typed_exact,
         lambda f: f"{code('exact')} requires {', '.join(map(code, f.rules['x-qualifies']))} to be equal where given."),
    Kind("neutral", lambda p, t, f: "x-neutral" in f.rules, _neutral,
         "the list of loaded terms lives in datapackage.json: make check only",
         lambda f: "Neutral wording: none of the loaded terms (x-loadedTerms) may appear."),
    Kind("list_reference", has_rule("x-listOf"), _list_reference, "reads another table: make check only",
         lambda f: (f"A list separated by {code(f.rules['x-listOf'].delimiter)}, each item a "
                    f"{code(f.rules['x-listOf'].field)} of {code(f.rules['x-listOf'].resource)}.")),
    Kind("list_unique", has_rule("x-listOf"), _list_unique,
         lambda t, f: check(list_unique_sql(ident(f.name), f.rules["x-listOf"].delimiter)),
         lambda f: "Names each item once."),
    Kind("record_reference", has_rule("x-referencesAny"), _record_reference, "reads other tables: make check only",
         lambda f: "Refers to a record: " + ", ".join(f"{code(t.field)} of {code(t.resource)}"
                                                     for t in f.rules["x-referencesAny"]) + "."),
    Kind("cited", lambda p, t, f: bool(citing_fields(p, t, f)), _cited, "reads another table: make check only",
         lambda f: "Every record has at least one citation."),
    Kind("required_when", has_rule("x-requiredWhen"), _required_when,
         lambda t, f: check(required_when_sql(ident(f.name), f"{ident(f.rules['x-requiredWhen'].field)}::VARCHAR",
                                              f.rules["x-requiredWhen"].values)),
         lambda f: (f"Required when {code(f.rules['x-requiredWhen'].field)} is "
                    + " or ".join(map(code, f.rules["x-requiredWhen"].values)) + ".")),
    Kind("allowed_when", has_rule("x-allowedWhen"), _allowed_when, _typed_allowed_when,
         lambda f: (f"Depends on {code(f.rules['x-allowedWhen'].field)}: "
                    + "; ".join(f"{code(k)} allows " + ", ".join(map(code, v))
                                for k, v in f.rules["x-allowedWhen"].allowed) + ".")),
    Kind("url_rejected", has_rule("x-rejectUrls"), _url_rejected, _typed_url_rejected,
         lambda f: ("Not an AMP, staging or preview address: hosts "
                    + ", ".join(map(code, f.rules["x-rejectUrls"].hosts)) + "; path segments "
                    + ", ".join(map(code, f.rules["x-rejectUrls"].path_segments)) + ".")),
    Kind("host_determines", has_rule("x-hostDetermines"), _host_determines, "compares rows: make check only",
         lambda f: f"Every URL of one host has the same {code(f.rules['x-hostDetermines'])}."),
    Kind("repeated_word", free_text, _repeated_word, "DuckDB allows no list function in a CHECK: make check only",
         lambda f: "No word twice in a row."),
]
