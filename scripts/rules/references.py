"""Kinds of rule that look values up in other tables, beyond Table Schema's foreign keys: links that must point
back, lists of keys (`x-listOf`), references to a record of any of several tables (`x-referencesAny`) and
records that must be cited (`x-everyRecordCited`). The generator draws every reference from the rows it
referred to and cites every record once, so all but one (`list_unique`) are honoured by construction."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from scripts.package import Field, Package, Table, ident, literal
from scripts.rules.core import (
    CONSTRUCTED,
    ROWS,
    Context,
    Kind,
    Rule,
    all_known,
    check,
    code,
    plant_with,
    reference,
    rule,
)

if TYPE_CHECKING:
    import polars as pl

    from scripts.faults import Planting
    from scripts.synthetic import Generator


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


def plant_link_back(p: Planting) -> None:
    import polars as pl

    if found := p.first("link_back"):
        t, f = found
        frame = p.frames[t.name]
        free = frame.with_row_index().filter(pl.col(f.name).is_null())["index"]
        linked = frame.filter(pl.col(f.name).is_not_null())[f.name]
        if len(free) and len(linked):
            p.put("link_back", t, f.name, linked[0], at=int(free[-1]))


def _list_reference(ctx: Context) -> list[Rule]:
    ref, col = ctx.field.rules.list_of, ident(ctx.field.name)
    items = f"unnest(string_split({col}, {literal(ref.delimiter)})) AS listed(item)"
    known = f"SELECT {ident(ref.field)} FROM {ident(ref.resource)}"
    made = rule(ctx.field, "list_reference", f"'{{value}}' names a {ref.field} that is not in {ref.resource}",
                f"NOT EXISTS (SELECT 1 FROM {items} WHERE item NOT IN ({known}))", frozenset({ref.resource}))
    listed = (f"SELECT unnest(string_split({col}, {literal(ref.delimiter)})) AS value FROM {ROWS} "
              f"WHERE {col} IS NOT NULL")
    return [replace(made, verdict=all_known(listed, known))]


def list_unique_sql(col: str, delimiter: str) -> str:
    parts = f"string_split({col}, {literal(delimiter)})"
    return f"len(list_distinct({parts})) = len({parts})"


def _list_unique(ctx: Context) -> list[Rule]:
    return [rule(ctx.field, "list_unique", "'{value}' names the same item twice",
                 list_unique_sql(ident(ctx.field.name), ctx.field.rules.list_of.delimiter))]


def plant_list_unique(p: Planting) -> None:
    if found := p.first("list_unique"):
        t, f = found
        ref = f.rules.list_of
        r = p.row(t)
        item = (p.frames[t.name][f.name][r] or p.frames[ref.resource][ref.field][0]).split(ref.delimiter)[0]
        p.put("list_unique", t, f.name, ref.delimiter.join([item, item]), at=r)


def fix_list_unique(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    sep = f.rules.list_of.delimiter
    return frame.with_columns(pl.col(f.name).str.split(sep).list.unique(maintain_order=True).list.join(sep))


def _record_reference(ctx: Context) -> list[Rule]:
    targets = ctx.field.rules.references_any
    known = " UNION ALL ".join(f"SELECT {ident(t.field)} FROM {ident(t.resource)}" for t in targets)
    names = ", ".join(t.resource for t in targets)
    return [reference(ctx.field, "record_reference", f"'{{value}}' is not a record in {names}", known,
                      frozenset(t.resource for t in targets))]


def plant_record_reference(p: Planting) -> None:
    """An id of the first referenced table's shape that no row of it has."""
    from scripts.patterns import pattern_values

    if found := p.first("record_reference", lambda t, f: not f.rules.every_record_cited):
        t, f = found
        target = p.package.table(f.rules.references_any[0].resource)
        key = target.field(f.rules.references_any[0].field).pattern
        p.put("record_reference", t, f.name, pattern_values(key, p.frames[target.name].height + 1)[-1])


def citing_fields(package: Package, table: Table, field: Field) -> list[tuple[Table, Field]]:
    """The fields (`x-everyRecordCited`) that must cite every record whose key is this field."""
    return [(t, f) for t, f in package.citing_fields()
            if any((x.resource, x.field) == (table.name, field.name) for x in f.rules.references_any)]


def _cited(ctx: Context) -> list[Rule]:
    return [reference(ctx.field, "cited", f"'{{value}}' has no row in {t.name}",
                      f"SELECT {ident(f.name)} FROM {ident(t.name)}", frozenset({t.name}))
            for t, f in citing_fields(ctx.package, ctx.table, ctx.field)]


def plant_cited(p: Planting) -> None:
    """A citing row moved from one record to the next leaves the first record uncited."""
    citing = next(iter(p.package.citing_fields()), None)
    if citing is None:
        return
    t, f = citing
    ids = p.frames[t.name][f.name]
    r = p.row(t)
    lost = ids[r]
    frame = p.frames[t.name]
    p.frames[t.name] = frame.with_columns(frame[f.name].scatter(r, ids[(r + 1) % len(ids)]))
    for target in (p.package.table(x.resource) for x in f.rules.references_any):
        hit = p.frames[target.name][target.primary_key[0]].index_of(lost)
        if hit is not None:
            p.faults.append((target.path, hit + 2, target.primary_key[0], "cited"))


REFERENCE_KINDS: list[Kind] = [
    Kind("link_back", lambda p, t, f: link_back_column(p, t, f) is not None, _link_back,
         "reads another table: make check only",
         lambda f: "The row it points at points back at this row.",
         plant=plant_link_back, fix_up="Generator.link_mutual pairs the rows of two tables both ways"),
    Kind("list_reference", lambda p, t, f: f.rules.list_of is not None, _list_reference,
         "reads another table: make check only",
         lambda f: (f"A list separated by {code(f.rules.list_of.delimiter)}, each item a "
                    f"{code(f.rules.list_of.field)} of {code(f.rules.list_of.resource)}."),
         plant=plant_with("list_reference", lambda f: "no_such_place"), fix_up=CONSTRUCTED),
    Kind("list_unique", lambda p, t, f: f.rules.list_of is not None, _list_unique,
         lambda t, f: check(list_unique_sql(ident(f.name), f.rules.list_of.delimiter)),
         lambda f: "Names each item once.",
         plant=plant_list_unique, fix_up=fix_list_unique),
    Kind("record_reference", lambda p, t, f: bool(f.rules.references_any), _record_reference,
         "reads other tables: make check only",
         lambda f: "Refers to a record: " + ", ".join(f"{code(t.field)} of {code(t.resource)}"
                                                     for t in f.rules.references_any) + ".",
         plant=plant_record_reference, fix_up=CONSTRUCTED),
    Kind("cited", lambda p, t, f: bool(citing_fields(p, t, f)), _cited, "reads another table: make check only",
         lambda f: "Every record has at least one citation.",
         plant=plant_cited, fix_up=CONSTRUCTED),
]
