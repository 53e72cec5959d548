"""A record's values in plain words, read from the model: which tables hold records, dates cut to their
precision, counts as ranges with their qualifier, codes with their labels, references by the name of what
they point at. Shared by the table lists, the record pages, the timeline and the map; every value leaves here
through `html.esc` (or as plain text for a `title` attribute, which callers pass through `attr`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scripts.package import Field, Package, Table, ident
from scripts.site.context import Site
from scripts.site.html import attr, esc, external_link, href

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
LABEL_FIELDS = ("name", "title")  # the field that names a row of a reference table, when it has one


def citation_table(package: Package) -> tuple[Table, Field] | None:
    """The table linking records to sources, and its record field."""
    return next(iter(package.citing_fields()), None)


def record_page(record_id: str) -> str:
    return f"records/{record_id}.md"


def kind_name(table: Table) -> str:
    """`prisoner_transfers` → `Prisoner transfer`: the singular of the table's title or name."""
    text = (table.title or table.name.replace("_", " "))
    text = text[:-1] if text.endswith("s") else text
    return text[:1].upper() + text[1:].lower() if not table.title else text[:1].upper() + text[1:]


def words(name: str) -> str:
    """A field name as words: `people_best` → `People best`, `detention_place_id` → `Detention place`,
    `party_ids` → `Parties`."""
    if name.endswith("_ids"):
        base = name[:-4]
        name = base[:-1] + "ies" if base.endswith("y") else base + "s"
    name = name.removesuffix("_id")
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def field_label(field: Field) -> str:
    """What a page calls a field: its schema title, or its name as words."""
    return field.title or words(field.name)


def long_date(value: object, precision: object) -> str:
    """`12 June 2021`, `June 2021` or `2021`, as far as the date is known."""
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def complete_through(through: str | None) -> str:
    """`Records complete through 30 November 2026.`, so a reader knows how far the data reaches; empty when
    the package gives no completeness date."""
    return f"Records complete through {long_date(through, 'day')}." if through else ""


def source_label(title: str | None, publisher: str, date: str) -> str:
    """A source's link text: its title, or `<publisher>, <date>` when it has none (a bare URL tells a reader
    nothing)."""
    return title or f"{publisher}, {date}"


def place_tables(site: Site) -> list[Table]:
    """Tables whose rows have coordinates (a `latitude` and a `longitude` number field): the places."""
    return [t for t in site.package.tables if {"latitude", "longitude"} <= set(t.field_names)]


def date_field(table: Table) -> Field | None:
    """The table's main date: a record table's date (`x-record`), else the first date field whose precision is
    given, else the first date field."""
    if table.record and table.record.date:
        return table.field(table.record.date)
    dates = [f for f in table.fields if f.type.name == "date"]
    return next((f for f in dates if f.rules.precision_field), dates[0] if dates else None)


def summary_field(table: Table) -> str | None:
    """The field that says what a record is about (`x-record`); None for a table whose rows are not records."""
    return table.record.summary if table.record else None


def summary_of(table: Table, row: dict) -> str:
    return (row.get(summary_field(table)) if summary_field(table) else None) or ""


def precision(table: Table, field: Field, row: dict) -> str:
    name = field.rules.precision_field
    return (row.get(name) or "day") if name else "day"


def number(value: object) -> str:
    try:
        f = float(str(value))
    except ValueError:
        return str(value)
    return f"{int(f):,}" if f == int(f) else f"{f:,}"


@dataclass(frozen=True)
class Count:
    """A figure given as min, best and max with a qualifier (`x-qualifies`)."""

    qualifier: Field
    parts: tuple[Field, ...]

    def text(self, row: dict) -> str:
        q = row.get(self.qualifier.name)
        values = [row.get(f.name) or None for f in self.parts]
        if not any(values):
            return (q or "not given").replace("_", " ")
        low, best, high = values[0], values[len(values) // 2], values[-1]
        if low and high and low != high:
            span, extra = f"{number(low)}–{number(high)}", [f"best {number(best)}"] if best else []
        else:
            span, extra = number(best or low or high), []
        if q:
            extra.append(str(q).replace("_", " "))
        return span + (f" ({', '.join(extra)})" if extra else "")


def counts(table: Table) -> list[Count]:
    out = []
    for f in table.fields:
        if parts := f.rules.qualifies:
            out.append(Count(f, tuple(table.field(n) for n in parts)))
    return out


def folded(table: Table) -> set[str]:
    """Fields shown as part of another: precisions (with their date) and the parts of a count."""
    out = {f.rules.precision_field for f in table.fields if f.rules.precision_field}
    for c in counts(table):
        out |= {c.qualifier.name} | {f.name for f in c.parts}
    return out


class Lookup:
    """The name to show for a row of a reference table and the summary of a record, read from the database as
    they are needed: a reference table whole (they are short lists: parties, places, publishers), a record's
    summary for the ids `prefetch` is given (a batch of pages at a time)."""

    def __init__(self, site: Site):
        self.site = site
        self.package = site.package
        self.records = {t.name for t in self.package.record_tables().values()}
        self.loaded: dict[str, dict[str, dict]] = {}
        self.summaries: dict[str, str] = {}

    def row(self, table: str, key: str) -> dict | None:
        if table not in self.loaded:
            t = self.package.table(table)
            self.loaded[table] = {r[t.primary_key[0]]: r for r in self.site.rows(table)} \
                if len(t.primary_key) == 1 else {}
        return self.loaded[table].get(key)

    def name(self, table: str, key: str) -> str:
        """The row's name (its `name` or `title` field, else the names of what it refers to), else its key."""
        row = self.row(table, key)
        if row is None:
            return key
        for f in LABEL_FIELDS:
            if row.get(f):
                return row[f]
        t = self.package.table(table)
        for fk in t.foreign_keys:
            if len(fk.fields) == 1 and row.get(fk.fields[0]) and fk.resource != table:
                return self.name(fk.resource, row[fk.fields[0]])
        return key

    def table_of(self, record_id: str) -> str | None:
        table = self.package.record_table(record_id)
        return table.name if table else None

    def prefetch(self, ids: set[str]) -> None:
        """Keep the summaries of these records, and only these."""
        self.summaries = self.fetch_summaries(ids)

    def fetch_summaries(self, ids: set[str]) -> dict[str, str]:
        """Record id → summary: one query per record table."""
        by_table: dict[str, list[str]] = {}
        for rid in ids:
            if (table := self.table_of(rid)) in self.records:
                by_table.setdefault(table, []).append(rid)
        out = {}
        for table, keys in by_table.items():
            t = self.package.table(table)
            if summary := summary_field(t):
                key = ident(t.primary_key[0])
                out.update(self.site.query(f"SELECT {key}, {ident(summary)} FROM {ident(table)} WHERE {key} IN "
                                           "(SELECT unnest(?::VARCHAR[]))", [sorted(keys)])[1])
        return out

    def summary(self, record_id: str) -> str:
        if record_id not in self.summaries:
            self.summaries.update(self.fetch_summaries({record_id}) or {record_id: ""})
        return self.summaries.get(record_id) or ""


def who(look: Lookup, table: Table, row: dict, resource: str | None = None) -> list[str]:
    """The names a record's references give (those to `resource` only, when given), a pair of fields one of
    which must differ from the other (`x-differentFrom`: from and to) shown as `A → B`."""
    refs = [fk.fields[0] for fk in table.foreign_keys
            if len(fk.fields) == 1 and fk.resource not in look.records and row.get(fk.fields[0])
            and (resource is None or fk.resource == resource)]
    names = {n: look.name(table.foreign_key(n).resource, row[n]) for n in refs}
    pairs = {f.name: f.rules.different_from for f in table.fields if f.rules.different_from in names}
    shown = [f"{names[b]} → {names[a]}" for a, b in pairs.items() if a in names]
    shown += [names[n] for n in refs if n not in pairs and n not in pairs.values()]
    return list(dict.fromkeys(shown))


def one_line(text: str, limit: int = 140) -> str:
    """The first sentence of `text`, cut at a word to `limit` characters."""
    text = " ".join(str(text or "").split())
    first = text.split(". ")[0]
    first = first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"
    return first.rstrip(".")


def value_html(look: Lookup, table: Table, field: Field, row: dict, page: str) -> str:
    """One field's value on a page, as HTML, in plain words."""
    value = row.get(field.name)
    if value is None or value == "":
        return ""
    if field.type.name == "date":
        return esc(long_date(value, precision(table, field, row)))
    if fk := table.foreign_key(field.name):
        return reference_html(look, fk.resource, value, page)
    if field.rules.references_any:
        target = look.table_of(value)
        return reference_html(look, target, value, page) if target else esc(value)
    if ref := field.rules.list_of:
        return ", ".join(reference_html(look, ref.resource, v, page) for v in value.split(ref.delimiter))
    if field.is_url:
        return external_link(value, value)
    if field.codes:
        label = field.label(value)
        return esc(value.replace("_", " ")) + (f' <span class="meta">({esc(label)})</span>' if label else "")
    if field.type.name in ("integer", "number"):
        return esc(number(value))
    return esc(value)


def reference_html(look: Lookup, table: str | None, key: str, page: str) -> str:
    """A link to a record's page, or the name of a reference row linked to its line in the table's page."""
    if table in look.records:
        text = f"{key}: {one_line(look.summary(key), 90)}" if look.summary(key) else key
        return f'<a href="{href(page, record_page(key))}">{esc(text)}</a>'
    if table is None:
        return esc(key)
    name = look.name(table, key)
    return f'<a href="{href(page, f"tables/{table}.md", key)}" title="{attr(key)}">{esc(name)}</a>'
