"""The timeline page: three SVG charts drawn at build time and the chronological list of every record."""

from __future__ import annotations

from pathlib import Path

from scripts import charts
from scripts.site.context import Site, sql_file
from scripts.site.html import esc, href, html_table, shown_date, table_page

EVENT_KINDS = {"meetings": "Meeting", "prisoner_transfers": "Prisoner transfer",
               "mine_map_handovers": "Mine-map handover", "claims": "Claim"}


def write_charts(site: Site, folder: Path) -> tuple[int, int, int]:
    folder.mkdir(parents=True, exist_ok=True)
    last = site.query("SELECT max(date) FROM events")[1][0][0] or charts.FIRST_MONTH
    svgs = {"events-per-month.svg": charts.events_per_month(site.query(sql_file("events_per_month"))[1], last),
            "people-per-month.svg": charts.people_per_month(site.query(sql_file("people_per_month"))[1], last),
            "mines-mapped.svg": charts.mines_over_time(site.query(sql_file("mines_mapped"))[1], last)}
    for name, svg in svgs.items():
        (folder / name).write_bytes(svg)
    return site.query(sql_file("left_out_of_charts"))[1][0]


def chronology(site: Site) -> list[str]:
    _, events = site.query(sql_file("chronology"))
    out = []
    for year in sorted({e[2].year for e in events}):
        rows = [[shown_date(d, p), esc(EVENT_KINDS.get(kind, kind)), esc(summary), esc(status),
                 f'<a href="{href("timeline.md", table_page(kind), rid)}">{esc(rid)}</a>']
                for rid, kind, d, p, summary, status in events if d.year == year]
        out += [f"### {year}", "", html_table(["Date", "Kind", "Summary", "Status", "Record"], rows, "chronology"), ""]
    return out or ["No records yet.", ""]


def timeline_markdown(site: Site, folder: Path) -> str:
    year_only, no_people, no_mines = write_charts(site, folder / "charts")
    return "\n".join([
        "# Timeline", "",
        "Charts drawn from the package when the site was built. Records whose date is known only to the year "
        f"are left out of the monthly charts ({year_only} such records).", "",
        "## Events per month", "",
        "![Bar chart: meetings held, prisoner transfers and mine-map handovers per month]"
        "(charts/events-per-month.svg)", "",
        "A two-way exchange of prisoners counts as two transfers, one per direction. Meetings that were "
        "cancelled, proposed or postponed are listed below but not counted here.", "",
        "## Mines reported as mapped", "",
        "![Step chart: cumulative number of mines shown on the maps handed over](charts/mines-mapped.svg)", "",
        "Running total of the mines the sources say the handed-over maps show, with the range between the "
        f"lowest and highest figures. Handovers with no reported figure are left out ({no_mines}).", "",
        "## People transferred per month", "",
        "![Bar chart: people transferred per month, by direction](charts/people-per-month.svg)", "",
        f"Best estimates of head counts, by direction. Transfers with no reported figure are left out ({no_people}).",
        "", "## Chronological list", "",
        "Every meeting, transfer, handover and claim, oldest first. Dates show only what is known.", "",
        *chronology(site)])


def write(site: Site, stage: Path) -> dict[str, str]:
    return {"timeline.md": timeline_markdown(site, stage)}
