"""The timeline page: charts drawn at build time (each with its title, source line, a value per mark and its
data as CSV) and the chronological list of every record, filterable by kind, status and date."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from scripts import charts
from scripts.site.context import SHOWN, Site, sql_file
from scripts.site.html import attr, esc, href, shown_date, table_html
from scripts.site.values import kind_name, long_date, one_line, record_page

PAGE = "timeline.md"
BARS = 40  # bars of one panel of the mines chart: the latest; its CSV files have every row


def csv_bytes(header: list[str], rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def source_words(site: Site) -> str:
    return f"Source: {site.package.title}, version {site.package.version or 'unreleased'}"


def mines_panels(site: Site) -> tuple[list, list, list, list]:
    """The handovers' reported figures and the figures each side claimed, as chart panels and CSV rows."""
    h_header, handovers = site.query(sql_file("mines_per_handover"))
    c_header, claimed = site.query(sql_file("mines_claimed"))
    bars = []
    for hid, day, precision, giver, taker, low, best, high, qualifier in handovers[-BARS:]:
        when = shown_date(day, precision)
        figure = f"{best:,} mines ({str(qualifier).replace('_', ' ')})" if best is not None else "no figure reported"
        words = f"{hid}, {long_date(day, precision)}: {giver} to {taker}, {figure}"
        bars.append((f"{when} {hid}", low, best, high, words))
    panels = [("Reported on the maps of each handover", "mines", bars)]
    for unit in sorted(dict.fromkeys(r[8] for r in claimed), key=lambda u: u != "mines"):
        rows = [r for r in claimed if r[8] == unit][-BARS:]
        panel = [(f"{shown_date(r[1], r[2])} {r[3]}", None, r[6], None,
                  f"{r[0]}, {long_date(r[1], r[2])}: {r[3]}{' (' + r[4] + ')' if r[4] else ''} said "
                  f"{r[6]:,.0f} {unit} ({str(r[7] or '').replace('_', ' ')})"
                  + (f", about {r[9]}" if r[9] else "")) for r in rows]
        panels.append((f"Totals claimed, by claimant ({unit})", unit, panel))
    return panels, [h_header, handovers], [c_header, claimed], handovers


def cut_words(site: Site) -> str:
    """What the mines chart leaves out when a panel would have more than BARS bars."""
    _, (counts,) = site.query(sql_file("mines_chart_sizes"))
    if max(counts) <= BARS:
        return ""
    return f" Each panel shows the latest {BARS} bars; the CSV files have every row."


def write_charts(site: Site, folder: Path) -> tuple[int, int, int]:
    folder.mkdir(parents=True, exist_ok=True)
    last = site.query("SELECT max(date) FROM events")[1][0][0] or charts.FIRST_MONTH
    source = source_words(site)
    events = site.query(sql_file("events_per_month"))[1]
    people = site.query(sql_file("people_per_month"))[1]
    panels, handover_rows, claim_rows, _ = mines_panels(site)
    files = {
        "events-per-month.svg": charts.stacked_months(
            events, "Records per month", last, "Meetings held, transfers and handovers per month", source, "records"),
        "events-per-month.csv": csv_bytes(["month", "kind", "records"], events),
        "people-per-month.svg": charts.stacked_months(
            people, "People (best estimate)", last, "People transferred per month, by direction", source, "people"),
        "people-per-month.csv": csv_bytes(["month", "direction", "people_best"], people),
        "mines.svg": charts.ranged_bars(panels, "Mines on the maps handed over: reported and claimed", source),
        "mines-per-handover.csv": csv_bytes(*handover_rows),
        "mines-claimed.csv": csv_bytes(*claim_rows),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return site.query(sql_file("left_out_of_charts"))[1][0]


def chart(name: str, alt: str, downloads: list[tuple[str, str]], css: str = "") -> str:
    """The chart as an `<object>` (so its marks' titles reach screen readers and a pointer), scaled to the
    column, with its data as CSV: nothing is said only on hover."""
    links = " · ".join(f'<a href="../charts/{attr(f)}" download>{esc(t)}</a>' for f, t in downloads)
    return (f'<div class="chart-wrap {attr(css)}"><object type="image/svg+xml" data="../charts/{attr(name)}" '
            f'role="img" aria-label="{attr(alt)}">{esc(alt)}</object></div>\n<p class="meta">Data: {links}</p>')


def chronology(site: Site) -> list[str]:
    """The latest SHOWN records of the events view, oldest first, as one block (`context.Blocks`)."""
    kinds = {t.name: kind_name(t) for t in site.package.record_tables().values()}

    def lines():
        for e in site.stream(sql_file("chronology"), [SHOWN]):
            rid = e["record_id"]
            cells = [f'<span class="nw">{esc(shown_date(e["date"], e["date_precision"]))}</span>',
                     f'<a href="{href(PAGE, record_page(rid))}">{esc(one_line(e["summary"] or rid, 150))}</a> '
                     f'<code class="rid">{esc(rid)}</code>',
                     esc(kinds.get(e["record_type"], e["record_type"])),
                     esc(str(e["record_status"] or "").replace("_", " "))]
            yield f'<tr id="{attr(rid)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    total = site.query("SELECT count(*) FROM events")[1][0][0]
    if not total:
        return ["No records yet.", ""]
    config = attr(json.dumps({"date": 0, "codes": [2, 3]}))
    shown = [] if total <= SHOWN else [
        f"The latest {SHOWN:,} of {total:,} records are listed; the table pages, the record pages and the "
        "Query page have them all.", ""]
    return shown + [site.blocks.put(PAGE, table_html(["Date", "Record", "Kind", "Status"], lines(),
                                                     "chronology explorer", f' data-explorer="{config}"')), ""]


def timeline_markdown(site: Site, folder: Path) -> str:
    year_only, no_people, no_mines = write_charts(site, folder / "charts")
    return "\n".join([
        "# Timeline", "",
        "Charts drawn from the package when the site was built; the numbers behind each chart are in its CSV "
        "file, linked under it, and each bar carries its value for screen readers. Records "
        f"whose date is known only to the year are left out of the monthly charts ({year_only} such records).", "",
        "## Chronological list", "",
        "Every meeting, transfer, handover and claim, oldest first. Dates show only what is known. Filter by "
        "kind of record (claims apart from events), by status or by date range; each line opens the record.", "",
        *chronology(site),
        "## Events per month", "",
        chart("events-per-month.svg", "Bar chart: meetings held, prisoner transfers and mine-map handovers per month",
              [("events-per-month.csv", "events per month (CSV)")]), "",
        "A two-way exchange of prisoners counts as two transfers, one per direction. Meetings that were "
        "cancelled, proposed or postponed are listed above but not counted here.", "",
        "## Mines on the maps handed over", "",
        chart("mines.svg", "Bar charts: the mines reported on the maps of each handover, and the totals each "
              "side claimed", [("mines-per-handover.csv", "handovers (CSV)"), ("mines-claimed.csv", "claims (CSV)")],
              "narrow"),
        "",
        "Top: the figure the sources report for the maps of each handover, with its range where they give one "
        f"({no_mines} handovers have no reported figure). Below: the totals claimed by each side, as attributed "
        f"claims; they are what the claimant said, not a sum of the handovers.{cut_words(site)}", "",
        "## People transferred per month", "",
        chart("people-per-month.svg", "Bar chart: people transferred per month, by direction",
              [("people-per-month.csv", "people per month (CSV)")]), "",
        f"Best estimates of head counts, by direction. Transfers with no reported figure are left out ({no_people}).",
        ""])


def write(site: Site, stage: Path) -> dict[str, str]:
    return {PAGE: timeline_markdown(site, stage)}
