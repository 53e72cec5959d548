"""Table pages: the data dictionary (from the model and the rule registry) and every record of the table."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from scripts.package import ROOT, Field, Table
from scripts.rules import field_words
from scripts.site.console import query_link, table_query
from scripts.site.context import SHOWN, Site
from scripts.site.html import (
    attr,
    code,
    esc,
    external_link,
    href,
    html_table,
    prose,
    shown_date,
    table_html,
    table_page,
)
from scripts.site.values import (
    Lookup,
    complete_through,
    counts,
    date_field,
    field_label,
    folded,
    one_line,
    place_tables,
    precision,
    record_page,
    summary_of,
    words,
)
from scripts.site.values import who as names_of

TABLES_ENTRY = "tables/index.md"
# Files of the npm packages (package-lock.json) served by the site itself: no request leaves it. axe-core is
# loaded by no page: the browser tests inject it from the site to check each page's accessibility.
VENDOR = {"simple-datatables/dist/umd/simple-datatables.js": "simple-datatables.js",
          "simple-datatables/dist/style.css": "simple-datatables.css",
          "axe-core/axe.min.js": "axe.min.js"}
PARTS = " · "  # between the names of the "who" column; docs/assets/explorer.js splits on it (and on " → ")


def dictionary(site: Site, table: Table, page: str) -> str:
    rows, ids = [], []
    for f in table.fields:
        about = f"<p>{prose(f.description)}</p>"
        if f.example is not None:
            about += f"<p>Example: {code(f.example)}</p>"
        if f.codes:
            about += ('<dl class="codes">' + "".join(f"<dt>{code(c.value)}</dt><dd>{prose(c.label)}</dd>"
                                                     for c in f.codes) + "</dl>")
        rules = [prose(w) for w in field_words(site.package, table, f)] + reference_words(table, f, page)
        rows.append([code(f.name), esc(f.type.name), "yes" if f.required else "no", about, "<br>".join(rules)])
        ids.append(f"field-{f.name}")
    return html_table(["Field", "Type", "Required", "Meaning and codes", "Rules"], rows, "dictionary", ids)


def reference_words(table: Table, field: Field, page: str) -> list[str]:
    fk = table.foreign_key(field.name)
    if fk is None:
        return []
    return [f"Refers to {code(fk.reference_fields[0])} of "
            f'<a href="{href(page, table_page(fk.resource))}">{esc(fk.resource)}</a>.']


def cell(site: Site, table: Table, field: Field, value: str | None, page: str) -> str:
    """A value as HTML, kept on one line unless it is free text."""
    if value is None:
        return ""
    text = linked(site, table, field, value, page)
    return text if field.is_prose else f'<span class="nw">{text}</span>'


def linked(site: Site, table: Table, field: Field, value: str, page: str) -> str:
    """A value as HTML, linked to the record, place or source it names."""
    if fk := table.foreign_key(field.name):
        return f'<a href="{href(page, table_page(fk.resource), value)}">{esc(value)}</a>'
    if field.rules.references_any:
        return f'<a href="{href(page, record_page(value))}">{esc(value)}</a>'
    if ref := field.rules.list_of:
        return ref.delimiter.join(f'<a href="{href(page, table_page(ref.resource), v)}">{esc(v)}</a>'
                                  for v in value.split(ref.delimiter))
    if field.is_url:
        return external_link(value, value)
    if field.codes:
        return f'<span title="{esc(field.label(value))}">{esc(value)}</span>'
    return esc(value)


def records(site: Site, table: Table, page: str) -> str:
    """The table's rows, the first SHOWN in key order, as one block (`context.Blocks`)."""
    header = [f'<a href="#field-{attr(f.name)}">{esc(f.name)}</a>' for f in table.fields]
    keyed = len(table.primary_key) == 1

    def lines():
        for r in site.rows(table.name, limit=SHOWN):
            key = f' id="{attr(r[table.primary_key[0]])}"' if keyed else ""
            yield f"<tr{key}>" + "".join(f"<td>{cell(site, table, f, r[f.name], page)}</td>" for f in table.fields) \
                + "</tr>"
    return site.blocks.put(page, table_html(header, lines(), "records"))


def party_table(site: Site) -> str | None:
    """The reference table the record tables point at most often (the parties): the list's "who" column."""
    records = {t.name for t in site.package.record_tables().values()}
    found = Counter(fk.resource for t in site.package.record_tables().values() for fk in t.foreign_keys
                    if len(fk.fields) == 1 and fk.resource not in records)
    return found.most_common(1)[0][0] if found else None


def place_fields(site: Site, table: Table) -> list[Field]:
    """The fields that name a place (a foreign key to, or a list of, a table with coordinates): each a column of
    the list, so its search finds a record by its place."""
    places = {t.name for t in place_tables(site)}
    return [f for f in table.fields if (fk := table.foreign_key(f.name)) and len(fk.fields) == 1
            and fk.resource in places or f.rules.list_of and f.rules.list_of.resource in places]


def place_names(look: Lookup, table: Table, field: Field, value: str | None) -> str:
    if not value:
        return ""
    if ref := field.rules.list_of:
        return ", ".join(look.name(ref.resource, v) for v in value.split(ref.delimiter))
    return look.name(table.foreign_key(field.name).resource, value)


def has_direction(table: Table, parties: str | None) -> bool:
    """Whether two of the table's references to the parties are a direction (`x-differentFrom`: from and to),
    which the "who" column shows as `From → To` and the list filters apart."""
    return any(f.rules.different_from and (fk := table.foreign_key(f.name)) and fk.resource == parties
               for f in table.fields)


def record_list(site: Site, look: Lookup, table: Table, page: str) -> str:
    """A compact list of the records, the latest SHOWN by date (oldest first): date at its precision, one line,
    who, the places, each code list and each count (its min, best and max also on the row, for the totals
    line); docs/assets/explorer.js adds sorting, search, filters and the totals in the browser. One block
    (`context.Blocks`)."""
    when, parties = date_field(table), party_table(site)
    who = [fk.fields[0] for fk in table.foreign_keys if len(fk.fields) == 1 and fk.resource == parties]
    places = place_fields(site, table)
    codes = [f for f in table.fields if f.codes and f.name not in folded(table)]
    figures = counts(table)
    lead = (["Date"] if when else []) + ["Record"] + (["Who"] if who else []) + [field_label(f) for f in places]
    named = [words(c.parts[0].name.rsplit("_", 1)[0]) for c in figures]
    columns = lead + [field_label(f) for f in codes] + named
    config: dict = {"codes": [len(lead) + i for i in range(len(codes))],
                    "counts": [{"label": n, "column": len(lead) + len(codes) + i} for i, n in enumerate(named)]}
    if when:
        config["date"] = 0
    if who:
        config["party"] = lead.index("Who")
        if has_direction(table, parties):
            config["direction"] = config["party"]

    def lines():
        for r in site.rows(table.name, [when.name] if when else [], limit=SHOWN, last=True):
            key = r[table.primary_key[0]]
            cells = [f'<span class="nw">{esc(shown_date(r[when.name], precision(table, when, r)))}</span>'
                     if r.get(when.name) else ""] if when else []
            line = one_line(summary_of(table, r), 150) or key
            cells.append(f'<a href="{href(page, record_page(key))}">{esc(line)}</a> '
                         f'<code class="rid">{esc(key)}</code>')
            if who:
                cells.append(esc(PARTS.join(names_of(look, table, r, parties))))
            cells += [esc(place_names(look, table, f, r.get(f.name))) for f in places]
            cells += [f'<span title="{attr(f.label(r[f.name]))}">{esc(r[f.name].replace("_", " "))}</span>'
                      if r.get(f.name) else "" for f in codes]
            cells += [esc(c.text(r)) for c in figures]
            numbers = "".join(f' data-count-{i}="{attr(" ".join(r.get(p.name) or "" for p in c.parts))}"'
                              for i, c in enumerate(figures))
            yield f'<tr id="{attr(key)}"{numbers}>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    return site.blocks.put(page, table_html([esc(c) for c in columns], lines(), "records explorer",
                                            f' data-explorer="{attr(json.dumps(config))}"'))


def copy_vendor(stage: Path) -> None:
    """The front-end files the site serves, from node_modules (installed by `make build` from package-lock.json)."""
    folder = stage / "assets" / "vendor"
    folder.mkdir(parents=True, exist_ok=True)
    for source, name in VENDOR.items():
        path = ROOT / "node_modules" / source
        if not path.is_file():
            raise RuntimeError(f"{path} not found: run `make node_modules/.installed` (npm ci) first")
        shutil.copyfile(path, folder / name)


def download_links(site: Site, table: Table, page: str) -> str:
    """The table's files as the release stage published them (its manifest), by format."""
    shown = [f'<a href="{href(page, "downloads/index.md")}{attr(f.name)}">{esc(f.kind.upper())}</a>'
             for f in site.manifest.of_table(table.name)]
    return " · ".join(shown) or "none"


def table_markdown(site: Site, table: Table, look: Lookup) -> str:
    page = table_page(table.name)
    is_record = table.name in look.records
    referenced_by = sorted({t.name for t, _ in site.package.referencing(table)})
    n = site.count(table.name)
    through = complete_through(site.package.complete_through)
    facts = [f"**Rows:** {n:,}" + (f" ({esc(through.rstrip('.'))})" if through else ""),
             "**Primary key:** " + (" + ".join(f"`{k}`" for k in table.primary_key) or "none"),
             "**Download:** " + download_links(site, table, page),
             f'**Query:** <a href="{attr(query_link(table_query(table.name), page))}">in the browser</a>']
    if referenced_by:
        facts.append("**Referenced by:** " + ", ".join(f"[{t}]({t}.md)" for t in referenced_by))
    return "\n".join([
        "---", "hide:", "  - toc", "---", "",
        f"# {esc(table.title or table.name)}", "", esc(table.description), "",
        " · ".join(facts), "",
        *(["## Records", "",
            (f"All {n:,} records, oldest first." if n <= SHOWN else
             f"The latest {SHOWN:,} of {n:,} records by date, oldest first; {more(site, table, page)}.")
            + " Each line opens the record's page, with every field and its sources. "
            "Sort by a column heading, search (places too), or filter by a code, a party, the direction of a "
            "handover (from, to) or a date range; the line under the list counts and sums what the filters leave.",
            "",
            record_list(site, look, table, page) if n else "No records yet.", ""] if is_record else []),
        "## Data dictionary", "",
        f"Generated from `{table.schema_path}`, the file the validator reads. A field that is not required may "
        "be empty; an empty cell means the sources do not give the value.", "",
        dictionary(site, table, page), "",
        *(["## Records", "",
        (f"All {n:,} rows of `{table.path}`, in key order." if n <= SHOWN else
         f"The first {SHOWN:,} of {n:,} rows of `{table.path}`, in key order; {more(site, table, page)}.")
        + " The data dictionary above gives each code's meaning.", "",
        records(site, table, page) if n else "No records yet.", ""] if not is_record else [])])


def more(site: Site, table: Table, page: str) -> str:
    """Where the rows a list leaves out are: a page per record (for a record table), the downloads, the Query
    page."""
    query = f'<a href="{attr(query_link(table_query(table.name), page))}">the Query page</a>'
    own = "every record has its own page, which the search box finds, and " if table.name in {
        t.name for t in site.package.record_tables().values()} else ""
    return f"{own}every row is in the downloads above and on {query}"


def tables_index(site: Site) -> str:
    rows = [[f'<a href="{href(TABLES_ENTRY, table_page(t.name))}">{esc(t.title or t.name)}</a>', code(t.name),
             f"{site.count(t.name):,}", esc(t.description)] for t in site.package.tables]
    return "\n".join(["# Tables", "",
                      "The package is a set of CSV tables joined by identifiers. Each table has a page with its "
                      "data dictionary and all its records.", "",
                      html_table(["Table", "Name", "Rows", "One row per"], rows, "overview"), ""])


def write(site: Site, stage: Path) -> dict[str, str]:
    """Every table page and the tables index, by their path in the docs tree."""
    copy_vendor(stage)
    look = Lookup(site)
    pages = {table_page(t.name): table_markdown(site, t, look) for t in site.package.tables}
    pages[TABLES_ENTRY] = tables_index(site)
    return pages
