"""The Commitments page: every provision of the documents signed or agreed between the parties, with its document,
category and status, the first and last record linked as carrying it out and the days from the document's date to
the first; filtered in the browser by document, status and category (the record lists' explorer), and a chart of
those delays that shows the provisions with no linked record instead of dropping them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from scripts import charts
from scripts.site.context import SHOWN, Site, sql_file
from scripts.site.html import attr, esc, href, shown_date, table_html
from scripts.site.provisions import PROVISIONS, document_table
from scripts.site.timeline import chart, csv_bytes, source_words
from scripts.site.values import long_date, one_line, record_page

PAGE = "commitments.md"
CHART, DATA = "commitments-delay.svg", "commitments-delay.csv"
COLUMNS = ["provision_id", "document_id", "point", "category", "status", "first_record_id", "first_date",
           "first_date_precision", "days_to_first"]  # the chart's data as CSV


def code(site: Site, field: str, value: str | None) -> str:
    """A provision's code in words, its meaning on hover."""
    if not value:
        return ""
    label = site.package.table(PROVISIONS).field(field).label(value)
    return f'<span title="{attr(label)}">{esc(value.replace("_", " "))}</span>'


def record_cell(record_id: str | None, date: str | None, precision: str | None) -> str:
    if not record_id:
        return ""
    when = f' <span class="nw">{esc(shown_date(date, precision))}</span>' if date else ""
    return f'<a href="{href(PAGE, record_page(record_id))}">{esc(record_id)}</a>{when}'


def days_words(row: dict) -> str:
    """`29 days`, `about 29 days` where the first record's date is known only to the month or year, or empty."""
    days = row["days_to_first"]
    if days is None:
        return ""
    about = "about " if row["first_date_precision"] not in (None, "day") else ""
    return f"{about}{days:,} day{'s' if days != 1 else ''}"


def document_words(row: dict) -> str:
    """The document as the list and its filter name it: its date and the start of its title."""
    return f"{shown_date(row['document_date'], row['document_date_precision'])} {one_line(row['document_title'], 60)}"


def provision_list(site: Site, rows: list[dict]) -> str:
    """Every provision as one line of a list the explorer filters by document, status and category (one block)."""
    header = ["Document", "Provision", "Status", "Category", "First record", "Last record", "Days to first"]

    def lines():
        for r in rows[:SHOWN]:
            pid = r["provision_id"]
            point = f"Point {r['point']}: " if r["point"] and r["point"][0].isdigit() else \
                (f"{r['point']}: " if r["point"] else "")
            cells = [f'<a href="{href(PAGE, record_page(r["document_id"]))}" title="{attr(r["document_title"])}">'
                     f"{esc(document_words(r))}</a>",
                     f'<a href="{href(PAGE, record_page(pid))}">{esc(point + one_line(r["summary"], 150))}</a> '
                     f'<code class="rid">{esc(pid)}</code>',
                     code(site, "status", r["status"]), code(site, "category", r["category"]),
                     record_cell(r["first_record_id"], r["first_date"], r["first_date_precision"]),
                     record_cell(r["last_record_id"], r["last_date"], None) if r["implementing_records"] > 1 else "",
                     esc(days_words(r)) or '<span class="meta">none linked</span>']
            yield f'<tr id="{attr(pid)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    config = attr(json.dumps({"codes": [0, 2, 3]}))
    return site.blocks.put(PAGE, table_html(header, lines(), "records explorer commitments",
                                            f' data-explorer="{config}"'))


def delay_chart(site: Site, rows: list[dict], folder: Path) -> None:
    """The days from each document's date to the first record carrying out each provision, and the CSV of them."""
    bars = []
    for r in rows:
        label = f"{shown_date(r['document_date'], r['document_date_precision'])} {r['provision_id']}"
        about = f"{r['provision_id']} ({r['document_id']}, {r['point'] or 'unnumbered'}): {one_line(r['summary'], 90)}"
        status = r["status"].replace("_", " ")
        if r["days_to_first"] is None:
            bars.append((label, None, f"no record linked; status: {status}",
                         f"{about}. No record is linked as carrying it out; status: {status}."))
        else:
            bars.append((label, r["days_to_first"], days_words(r),
                         f"{about}. First record {r['first_record_id']} on "
                         f"{long_date(r['first_date'], r['first_date_precision'])}, {days_words(r)} after the "
                         f"document; status: {status}."))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CHART).write_bytes(charts.delay_bars(
        bars, "Days to the first record carrying out a provision",
        "days from the document's date", source_words(site)))
    (folder / DATA).write_bytes(csv_bytes(COLUMNS, [tuple(r[c] for c in COLUMNS) for r in rows]))


def status_words(site: Site, rows: list[dict]) -> str:
    """`29 provisions: 10 implemented, 9 partly implemented, …`, in the order of the status code list."""
    found = Counter(r["status"] for r in rows)
    order = [c.value for c in site.package.table(PROVISIONS).field("status").codes]
    parts = [f"{found[s]} {s.replace('_', ' ')}" for s in order if found[s]]
    return f"{len(rows)} provision{'s' if len(rows) != 1 else ''}: {', '.join(parts)}."


def commitments_markdown(site: Site, stage: Path) -> str:
    rows = list(site.stream(sql_file("commitments_page")))
    known = sum(r["days_to_first"] is not None for r in rows)
    delay_chart(site, rows, stage / "charts")
    return "\n".join([
        "# Commitments", "",
        "What the documents signed, adopted or announced as agreed between the parties commit them to, one line per "
        "provision, with its status as of the completeness date and the records linked to it as carrying it out. "
        "Each provision's page gives the note on its status and its sources; each document's page lists its "
        "provisions with every linked record.", "",
        esc(status_words(site, rows)) if rows else "No provisions yet.", "",
        "## Provisions", "",
        "Filter by document, status or category; each line opens the provision's page. First and last record: "
        "the earliest and latest meeting, transfer, handover or document linked as carrying the provision out in "
        "full or in part. Days to first: from the document's date to the first of them. \"None linked\" says only "
        "that no such record is in the package; whether the provision was kept is its status.", "",
        provision_list(site, rows) if rows else "", "",
        "## Days to the first record carrying each provision out", "",
        chart(CHART, "Bar chart: days from each document's date to the first record linked as carrying out each "
              "provision; provisions with no linked record are listed with their status", [(DATA, "the data (CSV)")],
              "narrow"), "",
        f"{known} of {len(rows)} provisions have a record linked as carrying them out. The other {len(rows) - known} "
        "are shown with their status instead of a bar, not left out: a provision can be carried out by a step the "
        "package does not record (a withdrawal, a deployment), and a status of \"not implemented\" rests on the "
        "sources, not on the absence of records. Where the first record's date is known only to the month or year, "
        "the days are approximate (\"about\").", ""])


def write(site: Site, stage: Path) -> dict[str, str]:
    """The Commitments page, where the package has provisions and their links."""
    if document_table(site.package) is None:
        return {}
    return {PAGE: commitments_markdown(site, stage)}
