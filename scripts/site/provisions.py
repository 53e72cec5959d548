"""A document's provisions on its record page: each commitment as numbered in the text, its paraphrase, category,
deadline and status, and under it the records linked to it (`provision_links`) with how each stands to it."""

from __future__ import annotations

from scripts.package import Package, Table
from scripts.site.context import Site, sql_file
from scripts.site.html import attr, esc, href, shown_date
from scripts.site.values import long_date, one_line, record_page

PROVISIONS, LINKS = "provisions", "provision_links"


def document_table(package: Package) -> str | None:
    """The table whose records have provisions (the one `provisions` refers to), if the package has both tables."""
    names = {t.name for t in package.tables}
    if not {PROVISIONS, LINKS} <= names:
        return None
    fk = next((fk for fk in package.table(PROVISIONS).foreign_keys if fk.resource != LINKS), None)
    return fk.resource if fk else None


def of_documents(site: Site, table: Table, ids: list[str]) -> dict[str, list[dict]]:
    """Document id → its provisions with their links, for a batch of records of `table`; empty for any other
    table."""
    if not ids or table.name != document_table(site.package):
        return {}
    out: dict[str, list[dict]] = {}
    for row in site.stream(sql_file("document_provisions"), {"ids": ids}):
        out.setdefault(row["document_id"], []).append(row)
    return out


def of_provisions(site: Site, table: Table, ids: list[str]) -> dict[str, list[dict]]:
    """Provision id → the records linked to it, for a batch of records of `table`; empty for any other table."""
    if not ids or table.name != PROVISIONS or document_table(site.package) is None:
        return {}
    return {row["provision_id"]: row["links"] or [] for row in site.stream(sql_file("document_provisions"),
                                                                          {"ids": ids})}


def of_linked_records(site: Site, ids: list[str]) -> dict[str, list[dict]]:
    """Record id → the provisions it is linked to, for a batch of records."""
    if not ids or document_table(site.package) is None:
        return {}
    return {row["record_id"]: row["provisions"] for row in site.stream(sql_file("record_provisions"), {"ids": ids})}


def point_words(point: str | None) -> str:
    """`Point 8`, `para 4` as the text numbers it, or `Unnumbered`."""
    return f"Point {point}" if point and point[0].isdigit() else (point or "Unnumbered")


def code_html(package: Package, table: str, field: str, value: str | None) -> str:
    """A code in words (`partly implemented`), its meaning on hover."""
    if not value:
        return ""
    label = package.table(table).field(field).label(value)
    return f'<span title="{attr(label)}">{esc(value.replace("_", " "))}</span>'


def link_html(package: Package, link: dict, page: str) -> str:
    """One linked record: its id linked to its page, date, one line of its summary, and the relation."""
    rid = link["record_id"]
    date = shown_date(link["date"], link["date_precision"]) if link["date"] else "n.d."
    text = one_line(link["summary"] or "", 140)
    return (f'<li><a href="{href(page, record_page(rid))}">{esc(rid)}</a> <span class="nw">{esc(date)}</span>'
            + (f": {esc(text)}" if text else "")
            + f' <span class="relation">({code_html(package, LINKS, "relation", link["relation"])})</span></li>')


def links_html(package: Package, links: list[dict], page: str) -> str:
    """The records linked to a provision, oldest first, or a line saying none is."""
    if not links:
        return '<p class="meta">No record is linked to it.</p>'
    return f'<ul class="provision-links">{"".join(link_html(package, ln, page) for ln in links)}</ul>'


def provision_html(package: Package, row: dict, page: str) -> str:
    """One provision: `Point 8 · prv-0008`, its paraphrase, its facts, its status note and its linked records."""
    pid = row["provision_id"]
    point = point_words(row["point"])
    deadline = long_date(row["deadline"], row["deadline_precision"]) if row["deadline"] else "none set"
    facts = (f'category: {code_html(package, PROVISIONS, "category", row["category"])} · deadline: {esc(deadline)} · '
             f'status: <strong>{code_html(package, PROVISIONS, "status", row["status"])}</strong>')
    linked = links_html(package, row["links"] or [], page)
    return (f'<li id="{attr(pid)}"><p><strong>{esc(point)}</strong> · '
            f'<a href="{href(page, record_page(pid))}">{esc(pid)}</a>: {esc(row["summary"])}</p>'
            f'<p class="meta">{facts}</p>'
            + (f'<p class="meta">{esc(row["status_note"])}</p>' if row["status_note"] else "") + linked + "</li>")


def provisions_html(package: Package, rows: list[dict], page: str) -> str:
    n = len(rows)
    return (f"<p>{n} provision{'s' if n != 1 else ''}, as numbered in the text, with the status of each as of the "
            "completeness date and the records linked to it.</p>"
            f'<ol class="record-provisions">{"".join(provision_html(package, r, page) for r in rows)}</ol>')


def commitments_html(package: Package, found: list[dict], page: str) -> str:
    """The provisions a record is linked to: each with its point, its document and how the record stands to it."""
    items = [f'<li><a href="{href(page, record_page(p["provision_id"]))}">{esc(p["provision_id"])}</a>: '
             f'{esc(point_words(p["point"]))} of <a href="{href(page, record_page(p["document_id"]))}">'
             f'{esc(p["document_title"])}</a>: {esc(one_line(p["summary"], 160))} '
             f'<span class="relation">({code_html(package, LINKS, "relation", p["relation"])})</span></li>'
             for p in found]
    return ("<p>The commitments of signed or agreed documents this record is linked to.</p>"
            f'<ul class="provision-links">{"".join(items)}</ul>')
