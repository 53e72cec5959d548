"""The `events` view, written from the model: one row per record of every record table that names its date
(`x-record` in its schema), so a new record table is on the timeline, the record pages and the Query page without
a line of SQL. Its column notes are written here too, naming the tables and fields it reads, so they cannot go
stale; the notes that are the same for every table are in `queries/views/columns.toml`.
"""

from __future__ import annotations

from scripts.package import Package, Table, ident, literal

VIEW = "events"


def words(items: list[str], last: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def parties_sql(table: Table) -> str:
    """The party ids a record involves, as a list: the table's fixed parties, then each party field's value (a
    list field split on its delimiter), empty ones left out."""
    role = table.record
    single = [literal(p) for p in role.always_parties]
    single += [f"{ident(n)}::VARCHAR" for n in role.parties if not table.field(n).rules.list_of]
    lists = [f"string_split({ident(n)}, {literal(table.field(n).rules.list_of.delimiter)})"
             for n in role.parties if table.field(n).rules.list_of]
    parts = ([f"[{', '.join(single)}]"] if single else []) + lists
    if not parts:
        return "[]::VARCHAR[]"
    listed = parts[0] if len(parts) == 1 else f"flatten([{', '.join(parts)}])"
    return f"list_filter({listed}, lambda p: p IS NOT NULL)"


def select_sql(table: Table) -> str:
    role = table.record
    precision = table.field(role.date).rules.precision_field
    columns = [(table.key_field.name, "record_id"), (None, "record_type"), (role.date, "date"),
               (precision, "date_precision"), (None, "parties"), (role.summary, "summary"),
               (role.status, "record_status")]
    values = {"record_type": literal(table.name), "parties": parties_sql(table)}
    out = [ident(name) if name == alias else f"{values.get(alias) or (ident(name) if name else 'NULL')} AS {alias}"
           for name, alias in columns]
    return f"SELECT {', '.join(out)}\nFROM {ident(table.name)}"


def description(package: Package) -> str:
    """The view's description (its comment in the database)."""
    names = [t.name for t in package.event_tables()]
    return (f"One row per record of {words(names)}: the whole timeline in one place. record_type is the table the "
            "record comes from; parties lists the party_ids involved.")


def view_sql(package: Package) -> str:
    """The view's SQL, opening with its description as `--` lines, as a view file does."""
    selects = "\nUNION ALL\n".join(select_sql(t) for t in package.event_tables())
    return f"-- {description(package)}\n{selects}\nORDER BY date, record_id\n"


def party_words(table: Table) -> str:
    role = table.record
    named = list(role.always_parties) + [f"the party_ids listed in {n}" if table.field(n).rules.list_of else n
                                         for n in role.parties]
    return f"for {table.name} {words(named) if named else 'none'}"


def column_texts(package: Package) -> dict[str, str]:
    """The notes of the columns that name tables and fields, written from the model."""
    tables = package.event_tables()
    dates: dict[str, list[str]] = {}
    for t in tables:
        dates.setdefault(t.record.date, []).append(t.name)
    return {
        "record_id": f"Identifier of the record: {words([t.key_field.name for t in tables], 'or')} of its table.",
        "record_type": f"Table the record comes from: {words([t.name for t in tables], 'or')}.",
        "date": "Date of the record ("
                + "; ".join(f"{words(names)}: {field}" for field, names in dates.items())
                + "). How precisely it is known is in date_precision.",
        "parties": f"party_ids involved: {'; '.join(party_words(t) for t in tables)}. Empty values are left out.",
    }
