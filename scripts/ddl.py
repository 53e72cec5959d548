"""The package's schema as DuckDB DDL, written from the model and the rule registry: an ENUM type per code list, each
table with its columns, constraints and comments, in an order DuckDB can create them in. The build stage runs it
(`scripts.build`); nothing here names a column of a table."""

from __future__ import annotations

from scripts import metadata
from scripts.package import Field, Package, Table, ident, literal
from scripts.rules import typed_constraints


def enum_types(package: Package) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """Each code-list field's ENUM type: named after the field, or `<table>_<field>` where fields of the
    same name in different tables have different codes."""
    fields = [(t.name, f) for t in package.tables for f in t.fields if f.codes]
    codes: dict[str, set[tuple]] = {}
    for _, f in fields:
        codes.setdefault(f.name, set()).add(tuple(f.code_values))
    return {(table, f.name): (f.name if len(codes[f.name]) == 1 else f"{table}_{f.name}", f.code_values)
            for table, f in fields}


def creation_order(package: Package) -> tuple[list[Table], set[tuple[str, str]]]:
    """Tables ordered so that each comes after the tables it references, and the (table, field) foreign
    keys left undeclared because DuckDB cannot declare a cycle: the first table of a cycle drops its keys."""
    pending, done, deferred = list(package.tables), [], set()
    while pending:
        names = {t.name for t in done}
        ready = next((t for t in pending if {fk.resource for fk in t.foreign_keys} <= names | {t.name}), None)
        if ready is None:
            ready = pending[0]
            deferred |= {(ready.name, fk.fields[0]) for fk in ready.foreign_keys if fk.resource not in names}
        done.append(ready)
        pending.remove(ready)
    return done, deferred


def column_sql(package: Package, table: Table, field: Field, enums: dict) -> str:
    """The column with its type (an ENUM for a code list) and every constraint the rule registry declares
    for typed columns."""
    sql_type = enums[(table.name, field.name)][0] if (table.name, field.name) in enums else field.type.sql
    return " ".join([ident(field.name), sql_type] + typed_constraints(package, table, field))


def create_table_sql(package: Package, table: Table, enums: dict, deferred: set[tuple[str, str]]) -> str:
    """The table with its columns and foreign keys; its primary key is added once it is loaded
    (`primary_key_sql`): DuckDB builds that index in bulk far faster than row by row."""
    lines = [column_sql(package, table, f, enums) for f in table.fields]
    lines += [f"FOREIGN KEY ({', '.join(map(ident, fk.fields))}) REFERENCES {ident(fk.resource)} "
              f"({', '.join(map(ident, fk.reference_fields))})"
              for fk in table.foreign_keys if (table.name, fk.fields[0]) not in deferred]
    return f"CREATE TABLE {ident(table.name)} (\n    " + ",\n    ".join(lines) + "\n)"


def primary_key_sql(table: Table) -> list[str]:
    if not table.primary_key:
        return []
    return [f"ALTER TABLE {ident(table.name)} ADD PRIMARY KEY ({', '.join(map(ident, table.primary_key))})"]


def column_comment(package: Package, table: Table, field: Field, deferred: set[tuple[str, str]]) -> str:
    """For a user of the database: what the field means, its codes with their meanings, and its rules in
    words (`metadata.field_text`); a reference DuckDB cannot declare says so."""
    text = metadata.field_text(package, table, field)
    if (table.name, field.name) in deferred:
        fk = table.foreign_key(field.name)
        text += (f" References {fk.resource}.{fk.reference_fields[0]}, which references this table back; DuckDB "
                 "cannot declare a circular foreign key, so the package's validator checks this one.")
    return text


def comment_sql(package: Package, table: Table, deferred: set[tuple[str, str]]) -> list[str]:
    statements = [f"COMMENT ON TABLE {ident(table.name)} IS {literal(table.description)}"]
    statements += [f"COMMENT ON COLUMN {ident(table.name)}.{ident(f.name)} IS "
                   f"{literal(column_comment(package, table, f, deferred))}" for f in table.fields]
    return statements


def type_sql(enums: dict) -> list[str]:
    return [f"CREATE TYPE {ident(name)} AS ENUM ({', '.join(map(literal, codes))})"
            for name, codes in sorted(set((n, tuple(c)) for n, c in enums.values()))]


def table_statements(package: Package, table: Table, enums: dict, deferred: set[tuple[str, str]]) -> list[str]:
    """The table's CREATE TABLE, then its comments; its primary key is added once it is loaded (`primary_key_sql`),
    and the ENUM types it uses come first (`type_sql`)."""
    return [create_table_sql(package, table, enums, deferred)] + comment_sql(package, table, deferred)
