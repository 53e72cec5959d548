"""A page per record (`records/<id>.md`, served at `records/<id>/`): every field in plain words, the records it
links to and those that link to it, the claims about it, every source it rests on, and a line to cite it.

The record tables, the links between them and the citation table are all read from the model (`x-everyRecordCited`,
`x-referencesAny`, foreign keys), so a new record table or field gets its pages without a change here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from scripts.identity import record_citation_text
from scripts.package import Field, Table, ident
from scripts.site import history, provisions
from scripts.site.context import BATCH, Site, text_columns, text_struct
from scripts.site.html import attr, esc, external_link, href, shown_date
from scripts.site.values import (
    LABEL_FIELDS,
    Count,
    Lookup,
    citation_table,
    complete_through,
    counts,
    date_field,
    field_label,
    folded,
    kind_name,
    long_date,
    one_line,
    precision,
    record_page,
    source_label,
    summary_field,
    summary_of,
    value_html,
    who,
    words,
)

CORRECTIONS = "methodology.md"
SECTIONS = {"details": "Details", "provisions": "Provisions", "linked-to-this-provision":
            "Records linked to this provision", "commitments": "Commitments", "linked-records": "Linked records",
            "claims-about-this-record": "Claims about this record", "sources": "Sources", "history": "History",
            "cite-this-record": "Cite this record"}  # anchor: title
TAG = re.compile(r"<[^>]*>")


def heading(look: Lookup, table: Table, row: dict) -> str:
    """`Prisoner transfer, 12 June 2021: Azerbaijan → Armenia`: the page's title, as search shows it."""
    when = date_field(table)
    date = long_date(row[when.name], precision(table, when, row)) if when and row.get(when.name) else "date unknown"
    shown = who(look, table, row)
    named = next((row[f] for f in LABEL_FIELDS if row.get(f)), None)
    shown = [named] if named else shown
    return f"{kind_name(table)}, {date}" + (f": {' · '.join(dict.fromkeys(shown[:2]))}" if shown else "")


@dataclass(frozen=True)
class Fact:
    """How one field of a table shows on its records' pages: a count (its qualifier's field stands for the
    figure) or a value, with its words as HTML."""

    field: Field
    label: str
    term: str  # the <dt>, its description on hover
    count: Count | None = None


def fact_plan(table: Table) -> list[Fact]:
    """The table's facts in field order: every field but the key, the summary and those shown as part of another."""
    skip = folded(table) | set(table.primary_key) | {summary_field(table)}
    by_qualifier = {c.qualifier.name: c for c in counts(table)}
    plan = []
    for f in table.fields:
        if f.name in by_qualifier:
            count = by_qualifier[f.name]
            name = count.parts[0].name.rsplit("_", 1)[0] if "_" in count.parts[0].name else count.parts[0].name
            plan.append(Fact(f, esc(words(name)), f"<dt>{esc(words(name))}</dt>", count))
        elif f.name not in skip:
            plan.append(Fact(f, esc(field_label(f)), f'<dt title="{attr(f.description)}">{esc(field_label(f))}</dt>'))
    return plan


def facts(look: Lookup, table: Table, row: dict, page: str, plan: list[Fact]) -> tuple[str, list[str], str]:
    """Every fact of `plan` (`fact_plan(table)`) as a definition list, the names of the empty ones, and the list
    as words for the search index (`label: value · …`, HTML)."""
    items, empty, said = [], [], []
    for fact in plan:
        if fact.count:
            shown = esc(fact.count.text(row))
        else:
            shown = value_html(look, table, fact.field, row, page)
            if fact.field.type.name == "date" and shown and precision(table, fact.field, row) != "day":
                shown += f' <span class="meta">(known to the {esc(precision(table, fact.field, row))})</span>'
        if shown:
            items.append(f"{fact.term}<dd>{shown}</dd>")
            said.append(f"{fact.label}: {' '.join((TAG.sub(' ', shown) if '<' in shown else shown).split())}")
        else:
            empty.append(words(fact.field.name).lower())
    return f'<dl class="record-facts">{"".join(items)}</dl>', empty, " · ".join(said)


def entry(look: Lookup, table: Table, row: dict, page: str) -> str:
    """One line for a linked record: its date, who, and its name (a document's title) or else its summary, linked
    to its page."""
    key = row[table.primary_key[0]]
    when = date_field(table)
    date = shown_date(row[when.name], precision(table, when, row)) if when and row.get(when.name) else "n.d."
    who = [look.name(fk.resource, row[fk.fields[0]]) for fk in table.foreign_keys
           if len(fk.fields) == 1 and fk.resource not in look.records and row.get(fk.fields[0])
           and fk.resource != table.name][:2]
    text = next((row[f] for f in LABEL_FIELDS if row.get(f)), None) or one_line(summary_of(table, row), 160)
    return (f'<li><a href="{href(page, record_page(key))}">{esc(key)}</a> <span class="nw">{esc(date)}</span>'
            + (f" · {esc(' → '.join(who))}" if who else "") + (f": {esc(text)}" if text else "") + "</li>")


def incoming_fields(site: Site, table: Table) -> list[tuple[Table, str]]:
    """The fields of record tables (`table`'s own too) that point at a record of `table`: by a foreign key, or
    by `x-referencesAny` (a claim's record)."""
    out = []
    for other in site.package.record_tables().values():
        for f in other.fields:
            fk = other.foreign_key(f.name)
            if (fk is not None and fk.resource == table.name) or \
                    any(t.resource == table.name for t in f.rules.references_any):
                out.append((other, f.name))
    return out


def citation_parts(site: Site, look: Lookup) -> tuple[Table, Field, Table, str] | None:
    """The citation table, its record field, the source table and the citation's source field."""
    found = citation_table(site.package)
    if not found:
        return None
    table, record_field = found
    source_fk = next(fk for fk in table.foreign_keys if fk.resource not in look.records
                     and fk.fields[0] in table.primary_key)
    return table, record_field, site.package.table(source_fk.resource), source_fk.fields[0]


def record_sql(site: Site, look: Lookup, table: Table) -> str:
    """Each record of `table` (as text) with, in the columns `cited` and `in_<n>`, the citations with their
    sources and the records of each incoming field: one query, read a batch of pages at a time."""
    key = ident(table.primary_key[0])
    columns, joins = [text_columns(table, "t")], []
    if parts := citation_parts(site, look):
        cites, record_field, source, source_field = parts
        row = f"{{'c': {text_struct(cites, 'c')}, 's': {text_struct(source, 's')}}}"
        by = ident(source_field)
        joins.append(f"LEFT JOIN (SELECT c.{ident(record_field.name)} AS id, list({row} ORDER BY c.{by}) AS found "
                     f"FROM {ident(cites.name)} c JOIN {ident(source.name)} s "
                     f"ON s.{ident(source.primary_key[0])} = c.{by} GROUP BY 1) cited ON cited.id = t.{key}")
        columns.append("cited.found AS cited")
    for n, (other, name) in enumerate(incoming_fields(site, table)):
        joins.append(f"LEFT JOIN (SELECT o.{ident(name)} AS id, list({text_struct(other, 'o')} "
                     f"ORDER BY o.{ident(other.primary_key[0])}) AS found FROM {ident(other.name)} o "
                     f"WHERE o.{ident(name)} IS NOT NULL GROUP BY 1) in_{n} ON in_{n}.id = t.{key}")
        columns.append(f"in_{n}.found AS in_{n}")
    return f"SELECT {', '.join(columns)} FROM {ident(table.name)} t {' '.join(joins)} ORDER BY t.{key}"


def source_line(site: Site, look: Lookup, source: Table, row: dict, page: str) -> str:
    """Publisher (read through the source's first reference, or its first text field), date, title, link."""
    fk = next((fk for fk in source.foreign_keys if len(fk.fields) == 1 and row.get(fk.fields[0])), None)
    if fk:
        publisher = look.name(fk.resource, row[fk.fields[0]])
    else:
        text = next((f for f in source.fields if f.is_prose and f.name not in source.primary_key), None)
        publisher = row.get(text.name) if text else ""
    when = date_field(source)
    date = long_date(row[when.name], precision(source, when, row)) if when and row.get(when.name) else "n.d."
    url_field = next((f for f in source.fields if f.is_url), None)
    url = row.get(url_field.name) if url_field else None
    title = source_label(row.get("title"), publisher, date)
    meta = [row[f.name].replace("_", " ") for f in source.fields if f.codes and row.get(f.name)
            and f.name not in folded(source)]
    return (f"<strong>{esc(publisher)}</strong> ({esc(date)}). {external_link(url, title)}"
            + (f' <span class="meta">{esc(" · ".join(meta))}</span>' if meta else ""))


def sources_html(site: Site, look: Lookup, parts: tuple | None, cited: list[dict] | None, page: str) -> str:
    """The record's sources, each with the citation's own fields (a claimant, a page) when it has any (`parts`:
    `citation_parts`)."""
    if not parts:
        return "<p>No citation table.</p>"
    table, record_field, source, source_field = parts
    items = []
    for c in cited or []:
        citation, row = c["c"], c["s"]
        extra = [f"{esc(field_label(f))}: {value_html(look, table, f, citation, page)}" for f in table.fields
                 if f.name not in (record_field.name, source_field) and citation.get(f.name)]
        items.append(f'<li id="{attr(row[source.primary_key[0]])}">{source_line(site, look, source, row, page)}'
                     + (f'<br><span class="meta">{" · ".join(extra)}</span>' if extra else "") + "</li>")
    return f'<ol class="record-sources">{"".join(items)}</ol>' if items else "<p>No source recorded.</p>"


def cite_line(site: Site, table: Table, row: dict, title: str) -> str:
    """The record's citation, worded as the cite page words it (`identity.record_citation_text`)."""
    return record_citation_text(site.package, site.release, row[table.primary_key[0]], title)


def correction_link(site: Site, key: str, page: str) -> str:
    """A new issue on the repository with the record's id in its title, when the package lives on GitHub;
    the methodology's corrections section otherwise (and always, for how)."""
    how = f'<a href="{href(page, CORRECTIONS, "corrections")}">how to report a correction</a>'
    home = site.package.homepage
    if not home.startswith("https://github.com/"):
        return how
    issue = f"{home.rstrip('/')}/issues/new?title={quote(f'Correction: {key}')}"
    return f"{external_link(issue, 'report a correction')} ({how})"


def section(anchor: str, *body: str) -> str:
    """A second-level heading of SECTIONS with its permalink, as MkDocs writes one, and what follows it."""
    return (f'<h2 id="{anchor}">{esc(SECTIONS[anchor])}<a class="headerlink" href="#{anchor}" '
            'title="Permanent link">&para;</a></h2>' + "".join(body))


@dataclass(frozen=True)
class RecordPage:
    """What `shell.write_records` needs to write one record's page and its search entry; every text is HTML."""

    key: str
    title: str  # plain text: the page's <title> and <h1>, escaped where they are written
    body: str
    search_text: str
    sections: frozenset[str]  # the anchors of SECTIONS the body has


@dataclass(frozen=True)
class Plan:
    """What every page of one record table reads from the model, worked out once for the table."""

    table: Table
    links: list[tuple[Table, str]]  # incoming_fields
    facts: list[Fact]  # fact_plan
    citations: tuple | None  # citation_parts
    releases: history.Releases


@dataclass(frozen=True)
class Extra:
    """What a record's page shows besides its own row, read a batch of records at a time: a document's provisions
    (`provisions`), the records linked to a provision, the record's changes release by release (`history`)."""

    provisions: list[dict] | None
    links: list[dict] | None
    commitments: list[dict] | None  # the provisions the record is linked to
    changes: list[history.Change]


def record_page_of(site: Site, look: Lookup, plan: Plan, row: dict, extra: Extra) -> RecordPage:
    table = plan.table
    key = row[table.primary_key[0]]
    page = record_page(key)
    title = heading(look, table, row)
    facts_html, empty, said = facts(look, table, row, page, plan.facts)
    about, others = [], []
    for n, (other, field) in enumerate(plan.links):
        for r in row[f"in_{n}"] or []:
            (about if other.field(field).rules.references_any else others).append(entry(look, other, r, page))
    cited = row.get("cited") or []
    table_link = f'<a href="{href(page, f"tables/{table.name}.md")}">{esc(table.title or table.name)}</a>'
    summary = f"<p>{esc(summary_of(table, row))}</p>"
    out = [summary,  # the shell's <h1> is the title
           f'<p class="meta">Record <code>{esc(key)}</code> of {table_link} · '
           f'<a href="#sources">{len(cited)} source(s)</a> · {correction_link(site, key, page)}'
           + (f" · {esc(through)}" if (through := complete_through(site.package.complete_through)) else "") + "</p>",
           section("details", facts_html)]
    if empty:
        out.append(f'<p class="meta">Not given by the sources: {esc(", ".join(empty))}.</p>')
    if extra.provisions:
        out.append(section("provisions", provisions.provisions_html(site.package, extra.provisions, page)))
    if extra.links is not None:
        out.append(section("linked-to-this-provision", provisions.links_html(site.package, extra.links, page)))
    if extra.commitments:
        out.append(section("commitments", provisions.commitments_html(site.package, extra.commitments, page)))
    if others:
        out.append(section("linked-records", f'<ul class="record-links">{"".join(others)}</ul>'))
    if about:
        out.append(section("claims-about-this-record",
                           f"<p>{len(about)} attributed claim(s) refer to this record.</p>",
                           f'<ul class="record-links">{"".join(about)}</ul>'))
    out += [section("sources", sources_html(site, look, plan.citations, cited, page)),
            section("history", history.history_html(plan.releases, extra.changes)),
            section("cite-this-record",
                    f'<blockquote class="cite"><p>{esc(cite_line(site, table, row, title))}</p></blockquote>')]
    sections = frozenset(["details", "sources", "history", "cite-this-record"]
                         + (["linked-records"] if others else []) + (["claims-about-this-record"] if about else [])
                         + (["provisions"] if extra.provisions else [])
                         + (["linked-to-this-provision"] if extra.links is not None else [])
                         + (["commitments"] if extra.commitments else []))
    return RecordPage(key, title, "\n".join(out), f"{summary} <p>{said}</p>", sections)


def referenced_records(table: Table, rows: list[dict]) -> set[str]:
    """The record ids the values of these rows name (their summaries make the links' words)."""
    fields = [f.name for f in table.fields if f.rules.references_any or table.foreign_key(f.name)]
    return {r[n] for r in rows for n in fields if r.get(n)}


def pages(site: Site) -> Iterator[RecordPage]:
    """Every record's page, table by table, in key order, built a batch of records at a time."""
    look, releases = Lookup(site), history.Releases.of(site.package)
    for table in site.package.record_tables().values():
        plan = Plan(table, incoming_fields(site, table), fact_plan(table), citation_parts(site, look), releases)
        batch: list[dict] = []
        for row in site.stream(record_sql(site, look, table)):
            batch.append(row)
            if len(batch) == BATCH:
                yield from batch_pages(site, look, plan, batch)
                batch = []
        yield from batch_pages(site, look, plan, batch)


def batch_pages(site: Site, look: Lookup, plan: Plan, batch: list[dict]) -> Iterator[RecordPage]:
    look.prefetch(referenced_records(plan.table, batch))
    keys = [row[plan.table.primary_key[0]] for row in batch]
    changes, provided = history.of_records(site, keys), provisions.of_documents(site, plan.table, keys)
    linked, carried = provisions.of_provisions(site, plan.table, keys), provisions.of_linked_records(site, keys)
    for row, key in zip(batch, keys, strict=True):
        yield record_page_of(site, look, plan, row,
                             Extra(provided.get(key), linked.get(key), carried.get(key), changes.get(key, [])))
