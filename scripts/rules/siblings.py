"""Kinds of rule between the fields of one row, which the `x-` keys of a field state: a field that differs from
another, dates in order and at their precision, counts within their bounds and their qualifier, fields required
or codes allowed by another field. The kinds whose fix-up fills empty cells (`qualifier`, `required_when`) come
first: the generator applies fix-ups in registry order, so those comparing cells see the filled values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from scripts.package import Field, Package, Table, ident, literal
from scripts.rules.core import Context, Kind, Rule, check, code, parsed, plant_with, rule, sql_list

if TYPE_CHECKING:
    import polars as pl

    from scripts.faults import Planting
    from scripts.synthetic import Generator


# --- qualifier and exact (x-qualifies): a count's low, best and high estimates and how they are known ------------

def qualifier_sql(col: str, counts: list[str]) -> str:
    given = " OR ".join(f"{c} IS NOT NULL" for c in counts)
    return f"CASE WHEN {col} = 'not_reported' THEN NOT ({given}) ELSE {counts[1]} IS NOT NULL END"


def exact_sql(col: str, counts: list[str]) -> str:
    low, best, high = counts
    return f"{col} <> 'exact' OR (coalesce({low} = {best}, true) AND coalesce({high} = {best}, true))"


def _qualifier(ctx: Context) -> list[Rule]:
    counts = ctx.field.rules.qualifies
    return [rule(ctx.field, "qualifier", f"'{{value}}' does not fit the counts: not_reported needs them empty, "
                                         f"exact and approximate need {counts[1]}",
                 qualifier_sql(ident(ctx.field.name), [ident(c) for c in counts]))]


def fix_qualifier(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    """not_reported empties the counts; any other qualifier needs the best estimate."""
    import polars as pl

    counts, name = f.rules.qualifies, f.name
    best = counts[1]
    filler = gen.column(table, table.field(best), frame.height, required=True)
    return frame.with_columns(
        [pl.when(pl.col(name) == "not_reported").then(None).otherwise(pl.col(c)).alias(c) for c in counts if c != best]
        + [pl.when(pl.col(name) == "not_reported").then(None).otherwise(pl.col(best).fill_null(filler)).alias(best)])


def _exact(ctx: Context) -> list[Rule]:
    counts = ctx.field.rules.qualifies
    return [rule(ctx.field, "exact", f"'{{value}}' needs {', '.join(counts)} to be equal where given",
                 exact_sql(ident(ctx.field.name), [parsed(ctx.sibling(c)) for c in counts]))]


def fix_exact(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    low, best, high = f.rules.qualifies
    exact = pl.col(f.name) == "exact"
    return frame.with_columns([pl.when(exact & pl.col(c).is_not_null()).then(pl.col(best)).otherwise(pl.col(c)).alias(c)
                               for c in (low, high)])


# --- required_when and allowed_when: what another field's code asks of this one ----------------------------------

def required_when_sql(col: str, other: str, values) -> str:
    return f"{col} IS NOT NULL OR {other} IS NULL OR {other} NOT IN {sql_list(values)}"


def _required_when(ctx: Context) -> list[Rule]:
    cond = ctx.field.rules.required_when
    return [Rule(ctx.field.name, "required_when", f"is required when {cond.field} is {' or '.join(cond.values)}",
                 required_when_sql(ident(ctx.field.name), ident(cond.field), cond.values))]


def fix_required_when(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    cond = f.rules.required_when
    filler = gen.column(table, f, frame.height, required=True)
    return frame.with_columns(pl.when(pl.col(cond.field).is_in(list(cond.values)))
                              .then(pl.col(f.name).fill_null(filler)).otherwise(pl.col(f.name)).alias(f.name))


def allowed_when_sql(col: str, other: str, allowed) -> str:
    """True where col holds a code its `other` allows; a code mapped to no codes allows none."""
    cases = " ".join(f"WHEN {literal(k)} THEN {f'{col} IN {sql_list(v)}' if v else 'false'}" for k, v in allowed)
    return f"CASE {other} {cases} ELSE true END"


def _allowed_when(ctx: Context) -> list[Rule]:
    """Names the sibling's code, which says what this cell may hold (nothing, where it maps to no codes)."""
    cond = ctx.field.rules.allowed_when
    made = rule(ctx.field, "allowed_when", f"'{{value}}' does not fit its {cond.field} '{{detail}}'",
                f"coalesce({allowed_when_sql(ident(ctx.field.name), ident(cond.field), cond.allowed)}, true)")
    return [replace(made, detail=ident(cond.field))]


def _typed_allowed_when(t: Table, f: Field) -> str:
    cond = f.rules.allowed_when
    cases = allowed_when_sql(f"{ident(f.name)}::VARCHAR", f"{ident(cond.field)}::VARCHAR", cond.allowed)
    return check(f"{ident(f.name)} IS NULL OR coalesce({cases}, true)")


def plant_allowed_when(p: Planting) -> None:
    """A code its sibling's code does not allow, in a coded field (any value would do in an uncoded one, but it
    might break that field's other rules too)."""
    if found := p.first("allowed_when", lambda t, f: bool(f.codes)):
        t, f = found
        cond = f.rules.allowed_when
        code, allowed = next((c, a) for c, a in cond.allowed if set(f.code_values) - set(a))
        p.put("allowed_when", t, f.name, next(v for v in f.code_values if v not in allowed), also={cond.field: code})


def fix_allowed_when(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    cond, col = f.rules.allowed_when, pl.col(f.name)
    for code_, allowed in cond.allowed:
        breaks = (pl.col(cond.field) == code_) & col.is_not_null() & ~col.is_in(list(allowed))
        frame = frame.with_columns(pl.when(breaks).then(pl.lit(allowed[0] if allowed else None)).otherwise(col)
                                   .alias(f.name))
    return frame


# --- different_from, not_before, not_after: one field against another ---------------------------------------------

def _different_from(ctx: Context) -> list[Rule]:
    other = ctx.field.rules.different_from
    return [rule(ctx.field, "different_from", f"'{{value}}' is the same as {other}",
                 f"{ident(ctx.field.name)} <> {ident(other)}")]


def plant_different_from(p: Planting) -> None:
    if found := p.first("different_from"):
        t, f = found
        r = p.row(t)
        p.put("different_from", t, f.name, p.frames[t.name][f.rules.different_from][r], at=r)


def fix_different_from(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    other, name = f.rules.different_from, f.name
    fk = gen.fk(table, other)
    pool = gen.frames[fk[0]][fk[1]] if fk else frame[other].unique()
    shifted = dict(zip(pool, pool.shift(-1, fill_value=pool[0]), strict=True))
    return frame.with_columns(pl.when(pl.col(name) == pl.col(other)).then(pl.col(other).replace_strict(shifted))
                              .otherwise(pl.col(name)).alias(name))


def _not_before(ctx: Context) -> list[Rule]:
    start = ctx.field.rules.not_before
    return [rule(ctx.field, "not_before", f"'{{value}}' is earlier than {start}",
                 f"{parsed(ctx.field)} >= {parsed(ctx.sibling(start))}")]


def _not_after(ctx: Context) -> list[Rule]:
    end = ctx.field.rules.not_after
    return [rule(ctx.field, "not_after", f"'{{value}}' is later than {end}",
                 f"{parsed(ctx.field)} <= {parsed(ctx.sibling(end))}")]


def fix_order(attr: str, keep: str) -> Callable:
    """A fix-up that replaces the date by the later (`max_horizontal`) or earlier of itself and the sibling the
    rule `attr` names."""
    def fix(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
        import polars as pl

        kept = getattr(pl, keep)(f.name, getattr(f.rules, attr))
        return frame.with_columns(pl.when(pl.col(f.name).is_null()).then(None).otherwise(kept).alias(f.name))
    return fix


def _sibling_check(attr: str, op: str) -> Callable[[Table, Field], str]:
    return lambda t, f: check(f"{ident(f.name)} {op} {ident(getattr(f.rules, attr))}")


# --- precision (x-precisionField): how precisely a date is known ----------------------------------------------------

def _precision_given(ctx: Context) -> list[Rule]:
    precision = ctx.field.rules.precision_field
    return [rule(ctx.field, "precision_given", f"'{{value}}' has no {precision}", f"{ident(precision)} IS NOT NULL")]


def fix_precision_given(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    """A date gets the finest precision where it has none, or where its day breaks the convention of the one
    it has; a precision without its date is dropped."""
    import polars as pl

    precision, name = f.rules.precision_field, f.name
    first = table.field(precision).code_values[0]
    day = pl.col(name).str.slice(8, 2)
    breaks = ((pl.col(precision) == "month") & (day != "01")) | (
        (pl.col(precision) == "year") & (pl.col(name).str.slice(5, 5) != "01-01"))
    keep = pl.col(precision) if table.field(precision).required else None
    return frame.with_columns(pl.when(pl.col(name).is_null()).then(keep)
                              .when(pl.col(precision).is_null() | breaks).then(pl.lit(first))
                              .otherwise(pl.col(precision)).alias(precision))


def precision_convention_sql(value: str, precision: str) -> str:
    return (f"CASE {precision} WHEN 'month' THEN day({value}) = 1 "
            f"WHEN 'year' THEN month({value}) = 1 AND day({value}) = 1 ELSE true END")


def _precision_convention(ctx: Context) -> list[Rule]:
    precision = ctx.field.rules.precision_field
    return [rule(ctx.field, "precision_convention",
                 f"'{{value}}' does not follow its {precision}: a month is written as its first day, "
                 "a year as 1 January",
                 precision_convention_sql(parsed(ctx.field), ident(precision)))]


def _typed_precision_convention(t: Table, f: Field) -> str:
    return check(precision_convention_sql(ident(f.name), f"{ident(f.rules.precision_field)}::VARCHAR"))


def precision_owner(table: Table, field: Field) -> Field | None:
    """The date whose precision the field gives."""
    return next((o for o in table.fields if o.rules.precision_field == field.name), None)


def _precision_needs_date(ctx: Context) -> list[Rule]:
    owner = precision_owner(ctx.table, ctx.field)
    return [rule(ctx.field, "precision_needs_date", f"'{{value}}' is given without {owner.name}",
                 f"{ident(owner.name)} IS NOT NULL")]


def _typed_precision_needs_date(t: Table, f: Field) -> str:
    return check(f"{ident(f.name)} IS NULL OR {ident(precision_owner(t, f).name)} IS NOT NULL")


def plant_precision_needs_date(p: Planting) -> None:
    if found := p.first("precision_needs_date", lambda t, f: not f.required):
        t, f = found
        p.put("precision_needs_date", t, f.name, f.code_values[0], also={precision_owner(t, f).name: None})


# --- count_range (x-between): a best estimate within its bounds --------------------------------------------------

def between_sql(low: str, value: str, high: str) -> str:
    return (f"coalesce({low} <= {value}, true) AND coalesce({value} <= {high}, true) "
            f"AND coalesce({low} <= {high}, true)")


def _between(ctx: Context) -> list[Rule]:
    bounds = ctx.field.rules.between
    low, high = (parsed(ctx.sibling(b)) for b in bounds)
    return [rule(ctx.field, "count_range", f"'{{value}}' is not between {bounds[0]} and {bounds[1]}",
                 between_sql(low, parsed(ctx.field), high))]


def plant_count_range(p: Planting) -> None:
    if found := p.first("count_range"):
        t, f = found
        low, high = f.rules.between
        qualifier = next((g.name for g in t.fields if f.name in (g.rules.qualifies or ())), None)
        also = {low: "10", high: "20", **({qualifier: "approximate"} if qualifier else {})}
        p.put("count_range", t, f.name, "5", also=also)


def fix_between(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    (low, high), name = f.rules.between, f.name
    cast = pl.Int64 if f.type.name == "integer" else pl.Float64
    cols = [pl.col(c).cast(cast) for c in (low, name, high)]
    return frame.with_columns(
        pl.when(pl.col(low).is_null()).then(None).otherwise(pl.min_horizontal(cols)).cast(pl.String).alias(low),
        pl.when(pl.col(high).is_null()).then(None).otherwise(pl.max_horizontal(cols)).cast(pl.String).alias(high))


def _typed_between(t: Table, f: Field) -> str:
    low, high = map(ident, f.rules.between)
    return check(between_sql(low, ident(f.name), high))


def given(attr: str) -> Callable[[Package, Table, Field], bool]:
    """Whether the field states the rule `attr` of its FieldRules."""
    return lambda p, t, f: getattr(f.rules, attr) is not None


SIBLING_KINDS: list[Kind] = [
    Kind("qualifier", given("qualifies"), _qualifier,
         lambda t, f: check(qualifier_sql(ident(f.name), [ident(c) for c in f.rules.qualifies])),
         lambda f: (f"{code('not_reported')} requires {', '.join(map(code, f.rules.qualifies))} to be empty; "
                    f"any other code requires {code(f.rules.qualifies[1])}."),
         plant=plant_with("qualifier", lambda f: "not_reported", lambda f: {f.rules.qualifies[1]: "5"}),
         fix_up=fix_qualifier),
    Kind("required_when", given("required_when"), _required_when,
         lambda t, f: check(required_when_sql(ident(f.name), f"{ident(f.rules.required_when.field)}::VARCHAR",
                                              f.rules.required_when.values)),
         lambda f: (f"Required when {code(f.rules.required_when.field)} is "
                    + " or ".join(map(code, f.rules.required_when.values)) + "."),
         plant=plant_with("required_when", lambda f: None, lambda f: {f.rules.required_when.field:
                                                                      f.rules.required_when.values[0]}),
         fix_up=fix_required_when),
    Kind("different_from", given("different_from"), _different_from, _sibling_check("different_from", "<>"),
         lambda f: f"Differs from {code(f.rules.different_from)}.",
         plant=plant_different_from, fix_up=fix_different_from),
    Kind("not_before", given("not_before"), _not_before, _sibling_check("not_before", ">="),
         lambda f: f"Not earlier than {code(f.rules.not_before)}.",
         plant=plant_with("not_before", lambda f: "2022-06-01", lambda f: {f.rules.not_before: "2022-06-02"}),
         fix_up=fix_order("not_before", "max_horizontal")),
    Kind("not_after", given("not_after"), _not_after, _sibling_check("not_after", "<="),
         lambda f: f"Not later than {code(f.rules.not_after)}.",
         plant=plant_with("not_after", lambda f: "2022-06-02", lambda f: {f.rules.not_after: "2022-06-01"}),
         fix_up=fix_order("not_after", "min_horizontal")),
    Kind("precision_given", given("precision_field"), _precision_given,
         lambda t, f: check(f"{ident(f.name)} IS NULL OR {ident(f.rules.precision_field)} IS NOT NULL"),
         lambda f: f"How precisely it is known is in {code(f.rules.precision_field)}, which must be given with it.",
         plant=plant_with("precision_given", lambda f: "2021-01-01", lambda f: {f.rules.precision_field: None},
                          lambda t, f: not t.field(f.rules.precision_field).required),
         fix_up=fix_precision_given),
    Kind("precision_convention", given("precision_field"), _precision_convention, _typed_precision_convention,
         lambda f: "A date known to the month is written as the month's first day; to the year, as 1 January.",
         plant=plant_with("precision_convention", lambda f: "2021-06-15", lambda f: {f.rules.precision_field: "month"}),
         fix_up="fix_precision_given gives a date whose day breaks its precision the finest precision"),
    Kind("precision_needs_date", lambda p, t, f: precision_owner(t, f) is not None, _precision_needs_date,
         _typed_precision_needs_date, lambda f: "Given only together with the date it qualifies.",
         plant=plant_precision_needs_date, fix_up="fix_precision_given drops a precision without its date"),
    Kind("count_range", given("between"), _between, _typed_between,
         lambda f: (f"Between {code(f.rules.between[0])} and {code(f.rules.between[1])} where they are "
                    f"given; {code(f.rules.between[0])} is never more than {code(f.rules.between[1])}."),
         plant=plant_count_range, fix_up=fix_between),
    Kind("exact", given("qualifies"), _exact,
         lambda t, f: check(f"{ident(f.name)} IS NULL OR "
                            + exact_sql(ident(f.name), [ident(c) for c in f.rules.qualifies])),
         lambda f: f"{code('exact')} requires {', '.join(map(code, f.rules.qualifies))} to be equal where given.",
         plant=plant_with("exact", lambda f: "exact", lambda f: dict(zip(f.rules.qualifies, ("4", "5", "5"),
                                                                         strict=True))),
         fix_up=fix_exact),
    Kind("allowed_when", given("allowed_when"), _allowed_when, _typed_allowed_when,
         lambda f: (f"Depends on {code(f.rules.allowed_when.field)}: "
                    + "; ".join(f"{code(k)} allows " + (", ".join(map(code, v)) if v else "none (it must be empty)")
                                for k, v in f.rules.allowed_when.allowed) + "."),
         plant=plant_allowed_when, fix_up=fix_allowed_when),
]
