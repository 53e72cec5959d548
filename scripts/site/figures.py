"""Key figures for Home: the answers most readers come for, each a sentence or a small table made from one of
the cookbook's queries (`queries/<name>.sql`), run on the built database when the site is built, and linked to
that query in the Query page and in the cookbook. No number here is computed in Python: a reader can trace
each one to its SQL."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode

from scripts.query import run_locked
from scripts.site.console import query_link
from scripts.site.context import Site
from scripts.site.html import attr, esc, href, html_table, table_page
from scripts.site.values import long_date, one_line, record_page, words

PAGE = "index.md"
COOKBOOK = "cookbook.md"
SHOWN = 8  # rows of a figure's table shown on Home; the query has them all


def rows(site: Site, name: str) -> list[dict] | None:
    """The rows of `queries/<name>.sql`, or None where the package has no such query."""
    path = site.package.root / "queries" / f"{name}.sql"
    if not path.is_file():
        return None
    result = run_locked(site.db, path.read_text(encoding="utf-8"), limit=100)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows] if result else []


def sources(site: Site, name: str) -> str:
    """`SQL: run it · in the cookbook`: where the figure comes from."""
    text = (site.package.root / "queries" / f"{name}.sql").read_text(encoding="utf-8")
    return (f'<span class="figure-sql">SQL: <a href="{attr(query_link(text, PAGE))}">run it in the Query page</a> · '
            f'<a href="{href(PAGE, COOKBOOK, name)}">{esc(name)}.sql in the cookbook</a></span>')


def number(value: object) -> str:
    """`1,234`; a whole number held as a decimal (a claim's value) without its `.0`."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else esc(value)


def people(best: object, low: object, high: object) -> str:
    return f"{between(best, low, high)} {'person' if best == 1 == low == high else 'people'}"


def between(best: object, low: object, high: object) -> str:
    """`196` or `196 (196–197 as the sources differ)`."""
    if low == high == best or low is None or high is None:
        return number(best)
    return f"{number(best)} ({number(low)}–{number(high)} as the sources differ)"


def listed(table: str, by: str, to: str, text: str) -> str:
    """A link to the table's list, filtered to the records from `by` to `to` (docs/assets/explorer.js reads the
    filters from the address), where its totals line gives the same figures and the records behind them."""
    filters = urlencode({"from": by, "to": to}, quote_via=quote)
    return f'<a href="{href(PAGE, table_page(table))}#{attr(filters)}">{esc(text)}</a>'


def transfers(site: Site, found: list[dict]) -> str:
    items = [f"<li><strong>{esc(r['released_by'])} → {esc(r['received_by'])}:</strong> "
             f"{people(r['people_best'], r['people_min'], r['people_max'])} in "
             + listed("prisoner_transfers", r["released_by"], r["received_by"],
                      f"{number(r['transfers'])} transfer{'s' if r['transfers'] != 1 else ''}")
             + "; the last on "
             f"<strong>{esc(long_date(r['last_transfer'], r['last_transfer_precision']))}</strong>.</li>"
             for r in found]
    return "<p>People handed over since November 2020, by direction:</p>" + f'<ul>{"".join(items)}</ul>'


def meetings(site: Site, found: list[dict]) -> str:
    items = []
    for r in found:
        place = f" in {esc(r['last_place'])}" if r["last_place"] else ""
        link = f'<a href="{href(PAGE, record_page(r["last_meeting_id"]))}">{esc(one_line(r["last_summary"], 140))}</a>'
        items.append(f"<li><strong>{esc(words(r['level']))}:</strong> last met on "
                     f"{esc(long_date(r['last_date'], r['last_date_precision']))}{place} "
                     f"({number(r['meetings_held'])} meetings held in all). {link}</li>")
    return "<p>The last meeting held at each level:</p>" + f'<ul>{"".join(items)}</ul>'


def meetings_per_year(site: Site, found: list[dict]) -> str:
    names = {"year": "Year", "meetings_held": "Held", "leaders": "Leaders", "foreign_ministers": "Foreign ministers",
             "deputy_prime_ministers": "Deputy prime ministers", "other": "Other"}
    shown = [[esc(r["year"])] + [number(r[k]) for k in list(names)[1:]] for r in found]
    return "<p>Meetings held each year, by level:</p>" + html_table(list(names.values()), shown, "figures")


def mine_maps(site: Site, found: list[dict]) -> str:
    items = [f"<li><strong>{esc(r['handed_over_by'])} → {esc(r['received_by'])}:</strong> "
             + listed("mine_map_handovers", r["handed_over_by"], r["received_by"],
                      f"{number(r['handovers'])} handovers")
             + " of minefield maps or forms, the last in "
             f"{esc(long_date(r['last_handover'], r['last_handover_precision']))}; "
             f"{number(r['handovers_with_a_mine_count'])} of them state how many mines the maps show: "
             f"{between(r['mines_best'], r['mines_min'], r['mines_max'])} in all.</li>" for r in found]
    return f'<ul>{"".join(items)}</ul>'


def casualties(site: Site, found: list[dict]) -> str:
    shown = [[esc(r["claimant"]), esc(r["party"] or ""), esc(r["date"]), number(r["casualties"]),
              f'<a href="{href(PAGE, record_page(r["claim_id"]))}">{esc(r["claim_id"])}</a>'] for r in found[:SHOWN]]
    more = f"<p>The {len(found) - SHOWN} other claimants are in the query's result.</p>" if len(found) > SHOWN else ""
    return ("<p>The latest total of people killed or injured by mines that each claimant has given (each is the "
            "claimant's figure, not the dataset's):</p>"
            + html_table(["Claimant", "Party", "Date", "Killed or injured", "Claim"], shown, "figures") + more)


FIGURES: list[tuple[str, str, Callable[[Site, list[dict]], str]]] = [
    ("Prisoners and detainees", "people_handed_over_by_direction", transfers),
    ("Meetings", "last_meeting_at_each_level", meetings),
    ("Meetings per year", "meetings_per_year_by_level", meetings_per_year),
    ("Mine maps", "mine_maps_handed_over", mine_maps),
    ("Landmine casualties", "latest_casualty_figure_per_claimant", casualties),
]


def figures_block(site: Site) -> str:
    """Every figure whose query the package has, with a heading, as of the completeness date."""
    through = site.package.complete_through
    out = [f"<p>From the records, complete through <strong>{esc(long_date(through, 'day'))}</strong>.</p>"
           if through else ""]
    for title, name, write in FIGURES:
        found = rows(site, name)
        if found is None:
            continue
        body = write(site, found) if found else "<p>No records yet.</p>"
        out.append(f'<div class="figure" id="figure-{attr(name)}"><h3>{esc(title)}</h3>{body}'
                   f"<p>{sources(site, name)}</p></div>")
    return "\n".join(out)
