"""Table pages: the data dictionary (from the model and the rule registry) and every record of the table."""

from __future__ import annotations

from pathlib import Path

from scripts.package import Field, Table
from scripts.rules import field_words
from scripts.site.console import query_link, table_query
from scripts.site.context import Site
from scripts.site.html import attr, code, esc, external_link, href, html_table, prose, table_page

TABLES_ENTRY = "tables/index.md"


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
    if "x-referencesAny" in field.rules:
        target = site.package.record_tables().get(value.split("-")[0])
        return f'<a href="{href(page, table_page(target), value)}">{esc(value)}</a>' if target else esc(value)
    if ref := field.rules.get("x-listOf"):
        return ref.delimiter.join(f'<a href="{href(page, table_page(ref.resource), v)}">{esc(v)}</a>'
                                  for v in value.split(ref.delimiter))
    if (field.pattern or "").startswith("https?://"):
        return external_link(value, value)
    if field.codes:
        return f'<span title="{esc(field.label(value))}">{esc(value)}</span>'
    return esc(value)


def records(site: Site, table: Table, page: str) -> str:
    rows = site.rows(table.name)
    header = [f'<a href="#field-{attr(f.name)}">{esc(f.name)}</a>' for f in table.fields]
    body = [[cell(site, table, f, r[f.name], page) for f in table.fields] for r in rows]
    ids = [r[table.primary_key[0]] for r in rows] if len(table.primary_key) == 1 else None
    return html_table(header, body, "records", ids)


def download_links(site: Site, names: list[str], page: str) -> str:
    depth = "../" * page.count("/")
    versioned = f"{site.package.name}-{site.package.version}-"  # the release stage's names for single files
    names = [n if n in site.downloads else versioned + n for n in names]
    shown = [f"[{Path(n).suffix.lstrip('.').upper() or n}]({depth}downloads/{n})" for n in names if n in site.downloads]
    return " · ".join(shown) or "none yet"


def table_markdown(site: Site, table: Table) -> str:
    page = table_page(table.name)
    referenced_by = sorted({t.name for t, _ in site.package.referencing(table)})
    n = site.frames[table.name].height
    facts = [f"**Rows:** {n}",
             "**Primary key:** " + (" + ".join(f"`{k}`" for k in table.primary_key) or "none"),
             "**Download:** " + download_links(site, [Path(table.path).name, f"{table.name}.parquet"], page),
             f'**Query:** <a href="{attr(query_link(table_query(table.name), page))}">in the browser</a>']
    if referenced_by:
        facts.append("**Referenced by:** " + ", ".join(f"[{t}]({t}.md)" for t in referenced_by))
    return "\n".join([
        "---", "hide:", "  - toc", "---", "",
        f"# {esc(table.title or table.name)}", "", esc(table.description), "",
        " · ".join(facts), "",
        "## Data dictionary", "",
        f"Generated from `{table.schema_path}`, the file the validator reads. A field that is not required may "
        "be empty; an empty cell means the sources do not give the value.", "",
        dictionary(site, table, page), "",
        "## Records", "",
        f"All {n} rows of `{table.path}`, in file order. Hover over a code to read its meaning.", "",
        records(site, table, page) if n else "No records yet.", ""])


def tables_index(site: Site) -> str:
    rows = [[f'<a href="{href(TABLES_ENTRY, table_page(t.name))}">{esc(t.title or t.name)}</a>', code(t.name),
             str(site.frames[t.name].height), esc(t.description)] for t in site.package.tables]
    return "\n".join(["# Tables", "",
                      "The package is a set of CSV tables joined by identifiers. Each table has a page with its "
                      "data dictionary and all its records.", "",
                      html_table(["Table", "Name", "Rows", "One row per"], rows, "overview"), ""])


def write(site: Site, stage: Path) -> dict[str, str]:
    """Every table page and the tables index, by their path in the docs tree."""
    pages = {table_page(t.name): table_markdown(site, t) for t in site.package.tables}
    pages[TABLES_ENTRY] = tables_index(site)
    return pages
