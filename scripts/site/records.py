"""A page per record (`records/<id>.md`, served at `records/<id>/`): every field in plain words, the records it
links to and those that link to it, the claims about it, every source it rests on, and a line to cite it.

The record tables, the links between them and the citation table are all read from the model (`x-everyRecordCited`,
`x-referencesAny`, foreign keys), so a new record table or field gets its pages without a change here."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from scripts.package import Table
from scripts.site.context import Site
from scripts.site.html import attr, esc, external_link, href, shown_date
from scripts.site.values import (
    LABEL_FIELDS,
    Lookup,
    citation_table,
    counts,
    date_field,
    folded,
    kind_name,
    long_date,
    one_line,
    precision,
    record_page,
    value_html,
    who,
    words,
)

CORRECTIONS = "methodology.md"


def heading(look: Lookup, table: Table, row: dict) -> str:
    """`Prisoner transfer, 12 June 2021: Azerbaijan → Armenia`: the page's title, as search shows it."""
    when = date_field(table)
    date = long_date(row[when.name], precision(table, when, row)) if when and row.get(when.name) else "date unknown"
    shown = who(look, table, row)
    named = next((row[f] for f in LABEL_FIELDS if row.get(f)), None)
    shown = [named] if named else shown
    return f"{kind_name(table)}, {date}" + (f": {' · '.join(dict.fromkeys(shown[:2]))}" if shown else "")


def facts(look: Lookup, table: Table, row: dict, page: str) -> tuple[str, list[str]]:
    """Every field but the key and the summary as a definition list, and the names of the empty ones."""
    skip = folded(table) | set(table.primary_key) | {"summary"}
    by_qualifier = {c.qualifier.name: c for c in counts(table)}
    items, empty = [], []
    for f in table.fields:
        if f.name in by_qualifier:
            count = by_qualifier[f.name]
            name = count.parts[0].name.rsplit("_", 1)[0] if "_" in count.parts[0].name else count.parts[0].name
            items.append(f"<dt>{esc(words(name))}</dt><dd>{esc(count.text(row))}</dd>")
            continue
        if f.name in skip:
            continue
        shown = value_html(look, table, f, row, page)
        if f.type.name == "date" and shown and precision(table, f, row) != "day":
            shown += f' <span class="meta">(known to the {esc(precision(table, f, row))})</span>'
        if shown:
            items.append(f'<dt title="{attr(f.description)}">{esc(words(f.name))}</dt><dd>{shown}</dd>')
        else:
            empty.append(words(f.name).lower())
    return f'<dl class="record-facts">{"".join(items)}</dl>', empty


def entry(look: Lookup, table: Table, row: dict, page: str) -> str:
    """One line for a linked record: its date, who, and its name (a document's title) or else its summary, linked
    to its page."""
    key = row[table.primary_key[0]]
    when = date_field(table)
    date = shown_date(row[when.name], precision(table, when, row)) if when and row.get(when.name) else "n.d."
    who = [look.name(fk.resource, row[fk.fields[0]]) for fk in table.foreign_keys
           if len(fk.fields) == 1 and fk.resource not in look.records and row.get(fk.fields[0])
           and fk.resource != table.name][:2]
    text = next((row[f] for f in LABEL_FIELDS if row.get(f)), None) or one_line(row.get("summary") or "", 160)
    return (f'<li><a href="{href(page, record_page(key))}">{esc(key)}</a> <span class="nw">{esc(date)}</span>'
            + (f" · {esc(' → '.join(who))}" if who else "") + (f": {esc(text)}" if text else "") + "</li>")


def incoming(site: Site, look: Lookup, table: Table) -> dict[str, list[tuple[Table, str, dict]]]:
    """For each record id of `table`, the records (of any record table) that point at it, with the field."""
    out: dict[str, list[tuple[Table, str, dict]]] = {}
    for other in site.package.record_tables().values():
        for f in other.fields:
            fk = other.foreign_key(f.name)
            hits = (fk is not None and fk.resource == table.name) or \
                any(t.resource == table.name for t in f.rules.references_any)
            if not hits:
                continue
            for row in look.rows[other.name].values():
                if row.get(f.name):
                    out.setdefault(row[f.name], []).append((other, f.name, row))
    return out


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
    title = row.get("title") or url or row[source.primary_key[0]]
    meta = [row[f.name].replace("_", " ") for f in source.fields if f.codes and row.get(f.name)
            and f.name not in folded(source)]
    return (f"<strong>{esc(publisher)}</strong> ({esc(date)}). {external_link(url, title)}"
            + (f' <span class="meta">{esc(" · ".join(meta))}</span>' if meta else ""))


def sources_html(site: Site, look: Lookup, record_id: str, cited: dict, page: str) -> str:
    found = citation_table(site.package)
    if not found:
        return "<p>No citation table.</p>"
    table, record_field = found
    source_fk = next(fk for fk in table.foreign_keys if fk.resource not in look.records
                     and fk.fields[0] in table.primary_key)
    source = site.package.table(source_fk.resource)
    items = []
    for c in cited.get(record_id, []):
        row = look.rows[source.name].get(c[source_fk.fields[0]])
        if row is None:
            continue
        extra = [f"{esc(words(f.name))}: {value_html(look, table, f, c, page)}" for f in table.fields
                 if f.name not in (record_field.name, source_fk.fields[0]) and c.get(f.name)]
        items.append(f'<li id="{attr(row[source.primary_key[0]])}">{source_line(site, look, source, row, page)}'
                     + (f'<br><span class="meta">{" · ".join(extra)}</span>' if extra else "") + "</li>")
    return f'<ol class="record-sources">{"".join(items)}</ol>' if items else "<p>No source recorded.</p>"


def cite_line(site: Site, table: Table, row: dict, title: str) -> str:
    """`<package title> (version V), record ID: <heading>. <homepage>`."""
    key = row[table.primary_key[0]]
    where = site.package.homepage
    return (f"{site.package.title} (version {site.package.version or 'unreleased'}), record {key}: {title}. "
            f"{where}").strip()


def correction_link(site: Site, key: str, page: str) -> str:
    """A new issue on the repository with the record's id in its title, when the package lives on GitHub;
    the methodology's corrections section otherwise (and always, for how)."""
    how = f'<a href="{href(page, CORRECTIONS, "corrections")}">how to report a correction</a>'
    home = site.package.homepage
    if not home.startswith("https://github.com/"):
        return how
    issue = f"{home.rstrip('/')}/issues/new?title={quote(f'Correction: {key}')}"
    return f"{external_link(issue, 'report a correction')} ({how})"


def record_markdown(site: Site, look: Lookup, table: Table, row: dict, links_in: dict, cited: dict) -> str:
    key = row[table.primary_key[0]]
    page = record_page(key)
    title = heading(look, table, row)
    facts_html, empty = facts(look, table, row, page)
    about, others = [], []
    for other, field, r in links_in.get(key, []):
        (about if other.field(field).rules.references_any else others).append(entry(look, other, r, page))
    table_link = f'<a href="{href(page, f"tables/{table.name}.md")}">{esc(table.title or table.name)}</a>'
    out = [f"# {esc(title)}", "",
           f"<p>{esc(row.get('summary') or '')}</p>", "",
           f'<p class="meta">Record <code>{esc(key)}</code> of {table_link} · '
           f'<a href="#sources">{len(cited.get(key, []))} source(s)</a> · '
           f"{correction_link(site, key, page)}</p>", "",
           "## Details", "", facts_html, ""]
    if empty:
        out += [f'<p class="meta">Not given by the sources: {esc(", ".join(empty))}.</p>', ""]
    if others:
        out += ["## Linked records { data-search-exclude }", "", f'<ul class="record-links">{"".join(others)}</ul>', ""]
    if about:
        out += ["## Claims about this record { data-search-exclude }", "",
                f"{len(about)} attributed claim(s) refer to this record.", "",
                f'<ul class="record-links">{"".join(about)}</ul>', ""]
    out += ["## Sources { #sources data-search-exclude }", "", sources_html(site, look, key, cited, page), "",
            "## Cite this record { data-search-exclude }", "",
            f'<blockquote class="cite"><p>{esc(cite_line(site, table, row, title))}</p></blockquote>', ""]
    return "\n".join(out)


def write(site: Site, stage: Path) -> dict[str, str]:
    """One page per record of every record table."""
    look = Lookup(site)
    cited: dict[str, list[dict]] = {}
    if found := citation_table(site.package):
        table, field = found
        for c in site.rows(table.name):
            cited.setdefault(c[field.name], []).append(c)
    (stage / "records").mkdir(exist_ok=True)
    pages = {}
    for table in site.package.record_tables().values():
        links_in = incoming(site, look, table)
        for row in look.rows[table.name].values():
            pages[record_page(row[table.primary_key[0]])] = record_markdown(site, look, table, row, links_in, cited)
    return pages
