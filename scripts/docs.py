"""Stage 5 (`make build`): the documentation site, generated from the package so that it cannot drift.

`python -m scripts.docs [OUT] [--root ROOT]` copies the hand-written pages of `docs/` to OUT/docs, writes
the generated pages beside them (one per table, the timeline with its SVG charts, the sources, the SQL
cookbook), fills the `<!-- generated: NAME -->` markers of the hand-written pages, copies the downloads,
and runs `mkdocs build --strict` into OUT/site. Staging in OUT keeps the working tree untouched, so a
test can build the site of any package root, and the downloads sit in the docs tree, where MkDocs
checks every link to them.

Every value that comes from the data passes through `esc` (or a Markdown code block) before it reaches a
page: a summary holding `<script>` is shown as text. Data is written as raw HTML tables for that reason,
and links between records are computed here for the site's directory URLs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import yaml

from scripts import charts
from scripts.build import DATABASE, write_database
from scripts.load import LINE, read_all
from scripts.package import ROOT, Package, PackageError, Table, load_package

DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
MARKER = re.compile(r"<!-- generated: ([a-z-]+) -->")
TABLES_ENTRY = "tables/index.md"
SHOWN_QUERY_ROWS = 100
EVENT_KINDS = {"meetings": "Meeting", "prisoner_transfers": "Prisoner transfer",
               "mine_map_handovers": "Mine-map handover", "claims": "Claim"}


@dataclass(frozen=True)
class Site:
    """What the pages are made from: the package, its tables as text, and a DuckDB built from them."""

    package: Package
    frames: dict[str, pl.DataFrame]
    db: duckdb.DuckDBPyConnection
    downloads: list[str]
    out: Path

    def rows(self, table: str) -> list[dict]:
        return self.frames[table].to_dicts()

    def query(self, sql: str) -> tuple[list[str], list[tuple]]:
        cursor = self.db.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()


# --- values into HTML: the only place data becomes markup ---------------------------------------------------

def esc(value: object) -> str:
    """Text as HTML: every tag is shown, not run; line breaks survive."""
    return html.escape("" if value is None else str(value), quote=True).replace("\n", "<br>")


def external_link(url: object, text: object) -> str:
    """A link to a source that opens without access to this page; anything but http(s) stays text."""
    if not isinstance(url, str) or not re.match(r"https?://", url):
        return esc(text)
    return f'<a href="{esc(url)}" rel="noopener noreferrer" target="_blank">{esc(text)}</a>'


def html_table(header: list[str], rows: list[list[str]], css: str, row_ids: list[str] | None = None) -> str:
    """One raw HTML block (no blank line inside, so Markdown leaves it alone); cells are already HTML."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(f"<tr{f' id={chr(34)}{esc(row_ids[i])}{chr(34)}' if row_ids and row_ids[i] else ''}>"
                   + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for i, row in enumerate(rows))
    table = f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div class="table-wrap">{table}</div>'


def page_url(page: str) -> str:
    """The directory URL MkDocs gives a page: `tables/meetings.md` → `tables/meetings/`."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def href(src: str, dst: str, anchor: str = "") -> str:
    rel = posixpath.relpath("/" + page_url(dst), "/" + page_url(src))
    return ("./" if rel == "." else rel + "/") + (f"#{anchor}" if anchor else "")


def table_page(name: str) -> str:
    return f"tables/{name}.md"


# --- reading ------------------------------------------------------------------------------------------------

def read_frames(package: Package) -> dict[str, pl.DataFrame]:
    return {name: frame.drop(LINE) for name, frame in read_all(package).items()}


def record_tables(package: Package) -> dict[str, str]:
    """Id prefix → table, from the record references of the schemas (mtg → meetings, …)."""
    out = {}
    for table in package.tables:
        for field in table.fields:
            for target in field.get("x-referencesAny", []):
                prefix = package.table(target["resource"]).field(target["field"])["constraints"]["pattern"]
                out[prefix.split("-")[0]] = target["resource"]
    return out


# --- the data dictionary --------------------------------------------------------------------------------------

def prose(text: object) -> str:
    """Schema prose as HTML: escaped, with `backticked` names shown as code."""
    return re.sub(r"`([^`<>]+)`", r"<code>\1</code>", esc(text))


def code(name: object) -> str:
    return f"<code>{esc(name)}</code>"


def constraint_words(table: Table, field: dict) -> list[str]:
    c, words = field.get("constraints", {}), []
    if table.primary_key == [field["name"]]:
        words.append("Primary key: unique, never empty.")
    elif field["name"] in table.primary_key:
        words.append("Part of the primary key (" + " + ".join(map(code, table.primary_key)) + "): the pair is unique.")
    elif c.get("unique"):
        words.append("Unique: no two rows share it.")
    if "pattern" in c:
        words.append(f"Matches {code(c['pattern'])} in full.")
    if "enum" in c and not field.get("categories"):
        words.append("One of " + ", ".join(map(code, c["enum"])) + ".")
    if "minimum" in c:
        words.append(("Not before " if field["type"] == "date" else "At least ") + f"{esc(c['minimum'])}.")
    if "maximum" in c:
        words.append(("Not after " if field["type"] == "date" else "At most ") + f"{esc(c['maximum'])}.")
    if "minLength" in c:
        words.append(f"At least {esc(c['minLength'])} characters.")
    if "maxLength" in c:
        words.append(f"At most {esc(c['maxLength'])} characters.")
    return words


def reference_words(table: Table, field: dict, page: str) -> list[str]:
    words = []
    for fk in table.foreign_keys:
        if fk["fields"] == [field["name"]]:
            ref = fk["reference"]
            target = ref.get("resource") or table.name
            words.append(f"Refers to {code(ref['fields'][0])} of "
                         f'<a href="{href(page, table_page(target))}">{esc(target)}</a>.')
    return words


def links(page: str, targets: list[dict]) -> str:
    return ", ".join(f'{code(t["field"])} of <a href="{href(page, table_page(t["resource"]))}">{esc(t["resource"])}</a>'
                     for t in targets)


RULE_WORDS = {
    "x-precisionField": lambda v, page: f"How precisely it is known is in {code(v)}, which must be given with it.",
    "x-notBefore": lambda v, page: f"Not earlier than {code(v)}.",
    "x-notAfter": lambda v, page: f"Not later than {code(v)}.",
    "x-differentFrom": lambda v, page: f"Differs from {code(v)}.",
    "x-between": lambda v, page: (f"Between {code(v[0])} and {code(v[1])} where they are given; "
                                  f"{code(v[0])} is never more than {code(v[1])}."),
    "x-qualifies": lambda v, page: (f"{code('not_reported')} requires {', '.join(map(code, v))} to be empty; "
                                    f"any other code requires {code(v[1])}."),
    "x-neutral": lambda v, page: ("Neutral wording: none of the "
                                  f'<a href="{href(page, "methodology.md", "neutral-terminology")}">loaded terms</a> '
                                  "may appear."),
    "x-listOf": lambda v, page: f"A list separated by {code(v['delimiter'])}, each item a {links(page, [v])}.",
    "x-referencesAny": lambda v, page: f"Refers to a record: {links(page, v)}.",
    "x-everyRecordCited": lambda v, page: "Every record of those tables has at least one row here.",
}
KNOWN_RULES = set(RULE_WORDS)


def rule_words(field: dict, page: str) -> list[str]:
    """The `x-` rules of a field in words; a rule with no wording here is shown as its JSON (and a test fails)."""
    return [RULE_WORDS[key](value, page) if key in RULE_WORDS else f"{code(key)}: {code(json.dumps(value))}"
            for key, value in field.items() if key.startswith("x-")]


def dictionary(table: Table, page: str) -> str:
    rows, ids = [], []
    for f in table.fields:
        about = f"<p>{prose(f.get('description', ''))}</p>"
        if "example" in f:
            about += f"<p>Example: {code(f['example'])}</p>"
        if cats := f.get("categories"):
            about += ('<dl class="codes">' + "".join(f"<dt>{code(c['value'])}</dt><dd>{prose(c.get('label', ''))}</dd>"
                                                     for c in cats) + "</dl>")
        rules = constraint_words(table, f) + reference_words(table, f, page) + rule_words(f, page)
        required = f.get("constraints", {}).get("required") or f["name"] in table.primary_key
        rows.append([code(f["name"]), esc(f["type"]), "yes" if required else "no", about,
                     "<br>".join(rules)])
        ids.append(f"field-{f['name']}")
    return html_table(["Field", "Type", "Required", "Meaning and codes", "Rules"], rows, "dictionary", ids)


# --- records ------------------------------------------------------------------------------------------------

def cell(site: Site, table: Table, field: dict, value: str | None, page: str) -> str:
    """A value as HTML, kept on one line unless it is free text."""
    if value is None:
        return ""
    text = linked(site, table, field, value, page)
    free = field["type"] == "string" and not field.get("constraints", {}).get("pattern") and "categories" not in field
    return text if free else f'<span class="nw">{text}</span>'


def linked(site: Site, table: Table, field: dict, value: str, page: str) -> str:
    """A value as HTML, linked to the record, place or source it names."""
    name = field["name"]
    pattern = field.get("constraints", {}).get("pattern", "")
    fk = next((fk["reference"] for fk in table.foreign_keys if fk["fields"] == [name]), None)
    if fk:
        return f'<a href="{href(page, table_page(fk.get("resource") or table.name), value)}">{esc(value)}</a>'
    if field.get("x-referencesAny"):
        target = record_tables(site.package).get(value.split("-")[0])
        return f'<a href="{href(page, table_page(target), value)}">{esc(value)}</a>' if target else esc(value)
    if ref := field.get("x-listOf"):
        return ref["delimiter"].join(f'<a href="{href(page, table_page(ref["resource"]), v)}">{esc(v)}</a>'
                                     for v in value.split(ref["delimiter"]))
    if pattern.startswith("https?://"):
        return external_link(value, value)
    if cats := field.get("categories"):
        label = next((c.get("label", "") for c in cats if c["value"] == value), "")
        return f'<span title="{esc(label)}">{esc(value)}</span>'
    return esc(value)


def records(site: Site, table: Table, page: str) -> str:
    rows = site.rows(table.name)
    header = [f'<a href="#field-{esc(f["name"])}">{esc(f["name"])}</a>' for f in table.fields]
    body = [[cell(site, table, f, r[f["name"]], page) for f in table.fields] for r in rows]
    ids = [r[table.primary_key[0]] for r in rows] if len(table.primary_key) == 1 else None
    return html_table(header, body, "records", ids)


def download_links(site: Site, names: list[str], page: str) -> str:
    depth = "../" * page.count("/")
    shown = [f"[{Path(n).suffix.lstrip('.').upper() or n}]({depth}downloads/{n})" for n in names if n in site.downloads]
    return " · ".join(shown) or "none yet"


def table_markdown(site: Site, table: Table) -> str:
    page = table_page(table.name)
    referenced_by = sorted({t.name for t in site.package.tables for fk in t.foreign_keys
                            if fk["reference"].get("resource") == table.name and t.name != table.name})
    n = site.frames[table.name].height
    facts = [f"**Rows:** {n}",
             "**Primary key:** " + (" + ".join(f"`{k}`" for k in table.primary_key) or "none"),
             "**Download:** " + download_links(site, [Path(table.path).name, f"{table.name}.parquet"], page)]
    if referenced_by:
        facts.append("**Referenced by:** " + ", ".join(f"[{t}]({t}.md)" for t in referenced_by))
    return "\n".join([
        "---", "hide:", "  - toc", "---", "",
        f"# {table.title or table.name}", "", esc(table.description or table.schema.get("description", "")), "",
        " · ".join(facts), "",
        "## Data dictionary", "",
        f"Generated from `{table.schema_path}`, the file the validator reads. A field that is not required may "
        "be empty; an empty cell means the sources do not give the value.", "",
        dictionary(table, page), "",
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


# --- timeline -----------------------------------------------------------------------------------------------

CHART_QUERIES = {
    "events": """
        SELECT date_trunc('month', date_start)::DATE, 'Meetings held', count(*) FROM meetings
        WHERE status = 'held' AND date_precision <> 'year' GROUP BY ALL
        UNION ALL SELECT date_trunc('month', date)::DATE, 'Prisoner transfers (one row per direction)', count(*)
        FROM prisoner_transfers WHERE date_precision <> 'year' GROUP BY ALL
        UNION ALL SELECT date_trunc('month', date)::DATE, 'Mine-map handovers', count(*)
        FROM mine_map_handovers WHERE date_precision <> 'year' GROUP BY ALL""",
    "people": """
        SELECT date_trunc('month', t.date)::DATE, f.name || ' → ' || r.name, sum(t.people_best)
        FROM prisoner_transfers t JOIN parties f ON f.party_id = t.from_party JOIN parties r ON r.party_id = t.to_party
        WHERE t.date_precision <> 'year' AND t.people_best IS NOT NULL GROUP BY ALL""",
    "mines": """
        SELECT date, coalesce(mines_min, mines_best), mines_best, coalesce(mines_max, mines_best)
        FROM mine_map_handovers WHERE mines_best IS NOT NULL""",
    "left_out": """
        SELECT (SELECT count(*) FROM events WHERE date_precision = 'year' AND record_type <> 'claims'),
               (SELECT count(*) FROM prisoner_transfers WHERE people_best IS NULL),
               (SELECT count(*) FROM mine_map_handovers WHERE mines_best IS NULL)""",
}


def shown_date(value: object, precision: object) -> str:
    """A date cut to what is known: `2021-06` when only the month is."""
    text = str(value)
    return {"month": text[:7], "year": text[:4]}.get(str(precision), text)


def write_charts(site: Site, folder: Path) -> tuple[int, int, int]:
    folder.mkdir(parents=True, exist_ok=True)
    last = site.query("SELECT max(date) FROM events")[1][0][0] or charts.FIRST_MONTH
    svgs = {"events-per-month.svg": charts.events_per_month(site.query(CHART_QUERIES["events"])[1], last),
            "people-per-month.svg": charts.people_per_month(site.query(CHART_QUERIES["people"])[1], last),
            "mines-mapped.svg": charts.mines_over_time(site.query(CHART_QUERIES["mines"])[1], last)}
    for name, svg in svgs.items():
        (folder / name).write_bytes(svg)
    return site.query(CHART_QUERIES["left_out"])[1][0]


def chronology(site: Site) -> list[str]:
    _, events = site.query("SELECT record_id, record_type, date, date_precision, summary, record_status "
                           "FROM events ORDER BY date, record_id")
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


# --- sources and queries --------------------------------------------------------------------------------------

def bibliography_markdown(site: Site) -> str:
    cited: dict[str, list[str]] = {}
    for c in site.rows("citations"):
        cited.setdefault(c["source_id"], []).append(c["record_id"])
    kinds = record_tables(site.package)
    items = []
    for s in sorted(site.rows("sources"), key=lambda s: (s["publisher"].casefold(), s["published_date"] or "")):
        when = shown_date(s["published_date"], s["published_date_precision"]) if s["published_date"] else "n.d."
        via = f" Reproduces {esc(s['original_publisher'])}." if s["original_publisher"] else ""
        by = ", ".join(f'<a href="{href("bibliography.md", table_page(kinds.get(r.split("-")[0], "")), r)}">'
                       f"{esc(r)}</a>" for r in sorted(cited.get(s["source_id"], [])))
        items.append(f'<li id="{esc(s["source_id"])}"><strong>{esc(s["publisher"])}</strong> ({esc(when)}). '
                     f'{external_link(s["url"], s["title"] or s["url"])}.{via} '
                     f'<span class="meta">{esc(s["language"])} · {esc(s["kind"])} · side: {esc(s["side"])}</span>'
                     f'<br>Cited by: {by or "no record"}</li>')
    return "\n".join(["# Sources", "",
                      f"{len(items)} documents cited by {len(site.rows('citations'))} citations, sorted by publisher. "
                      "Each entry links to the records that rest on it. Links open the original page.", "",
                      f'<ol class="bibliography">{"".join(items)}</ol>' if items else "No sources yet.", ""])


def query_parts(text: str) -> tuple[str, str, str]:
    """A query's title, description (its leading `--` comment lines) and the SQL after them."""
    lines = text.strip().splitlines()
    n = next((i for i, line in enumerate(lines) if not line.startswith("--")), len(lines))
    comments = [line.removeprefix("--").strip() for line in lines[:n]]
    return (comments[0] if comments else ""), " ".join(c for c in comments[1:] if c), "\n".join(lines[n:])


def cookbook_markdown(site: Site) -> str:
    files = sorted((site.package.root / "queries").glob("*.sql"))
    out = ["# SQL cookbook", "",
           "Each query of `queries/` with its result, run when the site was built against a DuckDB database "
           "built from the CSVs (the same tables and views as `am-az-normalization.duckdb`).", ""]
    for path in files:
        text = path.read_text(encoding="utf-8")
        title, about, body = query_parts(text)
        try:
            header, rows = site.query(text)
        except duckdb.Error as e:
            raise RuntimeError(f"queries/{path.name}: {e}") from None
        shown = [[esc("" if v is None else v) for v in row] for row in rows[:SHOWN_QUERY_ROWS]]
        more = f" The first {SHOWN_QUERY_ROWS} are shown." if len(rows) > SHOWN_QUERY_ROWS else ""
        out += [f"## {esc(title or path.stem)}", "", esc(about), "", f"`queries/{path.name}`", "",
                "```sql", body, "```", "", f"{len(rows)} rows.{more}", "",
                html_table([esc(h) for h in header], shown, "result") if rows else "", ""]
    return "\n".join(out if files else out + ["No queries yet.", ""])


# --- the hand-written pages' generated parts ------------------------------------------------------------------

def last_update(root: Path, descriptor: dict) -> str | None:
    if descriptor.get("created"):
        return str(descriptor["created"])[:10]
    done = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%cs", "--", "data"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


def date_range(site: Site) -> tuple[dt.date | None, dt.date | None]:
    return site.query("SELECT min(date), max(date) FROM events")[1][0]


def counts_block(site: Site) -> str:
    d = site.package.descriptor
    lines = ["| Table | Records | One row per |", "|---|--:|---|"]
    lines += [f"| [{esc(t.title or t.name)}]({table_page(t.name)}) | {site.frames[t.name].height} | "
              f"{esc(t.description)} |" for t in site.package.tables]
    first, last = date_range(site)
    facts = [f"Version **{esc(d.get('version', 'unreleased'))}**"]
    if first:
        facts.append(f"records dated **{first}** to **{last}**")
    if updated := last_update(site.package.root, d):
        facts.append(f"data last changed **{updated}**")
    return "\n".join(lines) + "\n\n" + ", ".join(facts) + "."


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def downloads_block(site: Site) -> str:
    lines = ["| File | Size | SHA-256 |", "|---|--:|---|"]
    for name in site.downloads:
        path = site.out / "docs" / "downloads" / name
        lines.append(f"| [{name}](downloads/{name}) | {path.stat().st_size:,} bytes | `{file_digest(path)[:16]}…` |")
    return "\n".join(lines)


def quickstart_block(site: Site) -> str:
    name, version = site.package.descriptor["name"], site.package.descriptor.get("version", "")
    return "\n".join([
        f"Download [`{name}-{version}.zip`](downloads/{name}-{version}.zip) (CSV, `datapackage.json`, schemas)"
        if f"{name}-{version}.zip" in site.downloads else "Download the CSV files listed below",
        "and open the tables with the tool you use:", "",
        '=== "DuckDB"', "", "    ```sql", f"    ATTACH '{DATABASE}' AS am_az (READ_ONLY);",
        "    SELECT * FROM am_az.events ORDER BY date;", "    ```", "",
        '=== "pandas"', "", "    ```python", "    import pandas as pd",
        '    meetings = pd.read_csv("data/meetings.csv", parse_dates=["date_start", "date_end"])', "    ```", "",
        '=== "frictionless"', "", "    ```sh", "    frictionless validate datapackage.json", "    ```", "",
        '=== "R"', "", "    ```r", "    library(frictionless)",
        '    package <- read_package("datapackage.json")', '    meetings <- read_resource(package, "meetings")',
        "    ```"])


def jsonld_block(site: Site, site_url: str) -> str:
    """schema.org Dataset for search engines; `<` is written as \\u003c so no value can end the script."""
    d = site.package.descriptor
    first, last = date_range(site)
    base = site_url.rstrip("/") + "/" if site_url else ""
    places = [{"@type": "Place", "name": p["name"]} for p in site.rows("places") if p.get("kind") != "venue"]
    data = {"@context": "https://schema.org", "@type": "Dataset", "name": d.get("title", d["name"]),
            "description": d.get("description", ""), "version": d.get("version"), "url": base or d.get("homepage"),
            "sameAs": d.get("homepage"), "keywords": d.get("keywords", []),
            "license": [lic.get("path") for lic in d.get("licenses", [])],
            "creator": [{"@type": "Organization", "name": c.get("title")} for c in d.get("contributors", [])],
            "isAccessibleForFree": True, "temporalCoverage": f"{first or '2020-11-10'}/{last or '..'}",
            "spatialCoverage": places,
            "distribution": [{"@type": "DataDownload", "contentUrl": f"{base}downloads/{n}",
                              "encodingFormat": {".csv": "text/csv", ".zip": "application/zip"}.get(
                                  Path(n).suffix, "application/octet-stream")} for n in site.downloads]}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def citation_block(site: Site) -> str:
    """How to cite, from CITATION.cff when the package has one, else from datapackage.json."""
    path, d = site.package.root / "CITATION.cff", site.package.descriptor
    cff = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    people = [" ".join(filter(None, [a.get("given-names"), a.get("family-names")])) or a.get("name", "")
              for a in cff.get("authors", [])] or [c.get("title", "") for c in d.get("contributors", [])]
    title, version = cff.get("title", d.get("title")), cff.get("version", d.get("version"))
    year = str(cff.get("date-released", ""))[:4] or "n.d."
    url = cff.get("url") or cff.get("repository-code") or d.get("homepage", "")
    doi = f" https://doi.org/{cff['doi']}" if cff.get("doi") else ""
    key = re.sub(r"[^a-z0-9]", "", d["name"]) + (year if year != "n.d." else "")
    bib = [f"@misc{{{key},", f"  author    = {{{' and '.join('{' + p + '}' for p in people)}}},",
           f"  title     = {{{{{title}}}}},", f"  year      = {{{year}}},", f"  version   = {{{version}}},",
           f"  url       = {{{url}}},"] + ([f"  doi       = {{{cff['doi']}}},"] if cff.get("doi") else []) + \
          ["  note      = {Data set},", "}"]
    out = ["> " + esc(f"{', '.join(people)} ({year}). {title} (version {version}) [Data set]. {url}{doi}"), "",
           "BibTeX:", "", "```bibtex", *bib, "```", ""]
    if path.exists():
        out += ["The same, as `CITATION.cff` (which GitHub and Zenodo read):", "", "```yaml",
                path.read_text(encoding="utf-8").strip(), "```"]
    else:
        out += ["*This citation is built from `datapackage.json`: the package has no `CITATION.cff` yet.*"]
    return "\n".join(out)


def changelog_block(root: Path) -> str:
    path = root / "CHANGELOG.md" if (root / "CHANGELOG.md").exists() else ROOT / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "No changes recorded yet."
    return re.sub(r"\A# .*\n", "", text).replace("\n## ", "\n## ").strip()


def licences_block(site: Site) -> str:
    return "\n".join(f"- [{esc(lic.get('title') or lic.get('name'))}]({lic['path']})" if lic.get("path")
                     else f"- {esc(lic.get('title') or lic.get('name'))}"
                     for lic in site.package.descriptor.get("licenses", []))


def terms_block(site: Site) -> str:
    return ", ".join(f"*{esc(t)}*" for t in site.package.descriptor.get("x-loadedTerms", [])) or "None listed."


def fill_markers(folder: Path, blocks: dict) -> None:
    """Replace each `<!-- generated: NAME -->` of the staged pages; an unknown NAME stops the build."""
    for page in folder.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if not MARKER.search(text):
            continue
        unknown = {m for m in MARKER.findall(text) if m not in blocks}
        if unknown:
            raise RuntimeError(f"{page.relative_to(folder)}: no generator for marker(s) {sorted(unknown)}")
        page.write_text(MARKER.sub(lambda m: blocks[m.group(1)](), text), encoding="utf-8")


# --- staging and building ---------------------------------------------------------------------------------

def copy_downloads(package: Package, out: Path, folder: Path) -> list[str]:
    """The CSVs, and the Parquet files, release zip and database when an earlier stage wrote them to OUT."""
    folder.mkdir(parents=True, exist_ok=True)
    d = package.descriptor
    found = [t.file for t in package.tables] + sorted((out / "parquet").glob("*.parquet"))
    found += [p for p in (out / f"{d['name']}-{d.get('version', '')}.zip", out / DATABASE) if p.exists()]
    for path in found:
        shutil.copyfile(path, folder / path.name)
    return [p.name for p in found]


def site_config(package: Package, stage: Path, site_dir: Path) -> dict:
    """mkdocs.yml with the staged docs, the output folder (both beside the written file) and one nav entry per
    table."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    tables = [TABLES_ENTRY] + [{t.title or t.name: table_page(t.name)} for t in package.tables]
    config["nav"] = [{k: tables} if v == TABLES_ENTRY else {k: v} for item in config["nav"] for k, v in item.items()]
    config.update(docs_dir=stage.name, site_dir=site_dir.name)  # relative to OUT/mkdocs.yml, so OUT can move
    return config


def prepare(root: Path, out: Path) -> Path:
    """Stage the docs of the package at `root` into OUT/docs and write OUT/mkdocs.yml; return that file."""
    package = load_package(root)
    stage = out / "docs"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(DOCS, stage, ignore=shutil.ignore_patterns("generated"))
    config = site_config(package, stage, out / "site")
    with tempfile.TemporaryDirectory() as tmp:
        write_database(package, Path(tmp) / DATABASE, Path(tmp) / "parquet")
        with duckdb.connect(str(Path(tmp) / DATABASE), read_only=True) as db:
            site = Site(package, read_frames(package), db, copy_downloads(package, out, stage / "downloads"), out)
            (stage / "tables").mkdir(exist_ok=True)
            for table in package.tables:
                (stage / table_page(table.name)).write_text(table_markdown(site, table), encoding="utf-8")
            pages = {TABLES_ENTRY: lambda: tables_index(site),
                     "timeline.md": lambda: timeline_markdown(site, stage),
                     "bibliography.md": lambda: bibliography_markdown(site),
                     "cookbook.md": lambda: cookbook_markdown(site)}
            for name, render in pages.items():
                (stage / name).write_text(render(), encoding="utf-8")
            fill_markers(stage, {"counts": lambda: counts_block(site), "downloads": lambda: downloads_block(site),
                                 "quickstart": lambda: quickstart_block(site),
                                 "jsonld": lambda: jsonld_block(site, config.get("site_url") or ""),
                                 "citation": lambda: citation_block(site), "changelog": lambda: changelog_block(root),
                                 "licences": lambda: licences_block(site), "loaded-terms": lambda: terms_block(site)})
    path = out / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def build_site(root: Path, out: Path) -> Path:
    """Generate the pages and run `mkdocs build --strict`; return OUT/site."""
    config = prepare(root, out)
    env = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config)],
                   check=True, env={**os.environ, **env})
    return out / "site"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "build", help="output folder (default build/)")
    parser.add_argument("--root", type=Path, default=ROOT, help="package root (default: this repository)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        site = build_site(args.root.resolve(), args.out.resolve())
    except (PackageError, RuntimeError, duckdb.Error) as e:
        print(f"docs failed: {e}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError:
        print("docs failed: mkdocs build --strict reported the problems above", file=sys.stderr)
        return 1
    pages = len(list(site.rglob("*.html")))
    print(f"ok: {site} ({pages} pages) in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
