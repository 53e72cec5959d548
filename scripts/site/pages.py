"""The bibliography and the SQL cookbook."""

from __future__ import annotations

import os
import re
from itertools import islice
from pathlib import Path

import duckdb

from scripts.build import leading_comment
from scripts.files import regular_files
from scripts.query import QueryError, run_locked
from scripts.site.console import query_link
from scripts.site.context import SHOWN, Site, sql_file
from scripts.site.html import attr, code, esc, external_link, href, html_table, shown_date, table_page
from scripts.site.values import record_page, source_label

PAGE, COOKBOOK = "bibliography.md", "cookbook.md"
SHOWN_QUERY_ROWS = 100
QUERY_NAME = re.compile(r"[a-z][a-z0-9_]*")  # a query's file name, usable as its heading's anchor


def bibliography_markdown(site: Site) -> str:
    """Every source (the first SHOWN, by publisher), with the records that cite it."""
    items = []
    for s in islice(site.stream(sql_file("bibliography")), SHOWN):
        when = shown_date(s["published_date"], s["published_date_precision"]) if s["published_date"] else "n.d."
        via = f" Reproduces {esc(s['original_publisher'])}." if s["original_publisher"] else ""
        by = ", ".join(f'<a href="{href(PAGE, record_page(r))}">{esc(r)}</a>'
                       for r in s["cited_by"] or [])
        items.append(f'<li id="{attr(s["source_id"])}"><strong>{esc(s["publisher"])}</strong> ({esc(when)}). '
                     f'{external_link(s["url"], source_label(s["title"], s["publisher"], when))}.{via} '
                     f'<span class="meta">{esc(s["language"])} · {esc(s["kind"])} · '
                     f'{esc(s["publisher_kind"])} · side: {esc(s["side"])}</span>'
                     f'<br>Cited by: {by or "no record"}</li>')
    sources, citations = site.count("sources"), site.count("citations")
    shown = f"{sources:,} documents" if sources <= SHOWN else f"The first {SHOWN:,} of {sources:,} documents"
    return "\n".join(["# Sources", "",
                      f"{shown} cited by {citations:,} citations, sorted by publisher. "
                      "Each entry links to the records that rest on it. Links open the original page. The side is "
                      "the publisher's (the original publisher's, for a copy): see the "
                      f'<a href="{href(PAGE, table_page("publishers"))}">publishers</a>.', "",
                      site.blocks.put(PAGE, ['<ol class="bibliography">', *items, "</ol>"]) if items  # rows, not
                      else "No sources yet.", ""])  # words to search: MkDocs neither parses nor indexes them


def query_parts(text: str) -> tuple[str, str, str]:
    """A query's title, description (its leading `--` comment lines) and the SQL after them."""
    lines = text.strip().splitlines()
    n = next((i for i, line in enumerate(lines) if not line.startswith("--")), len(lines))
    comments = [line.removeprefix("--").strip() for line in lines[:n]]
    return (comments[0] if comments else ""), leading_comment("\n".join(lines[1:n])), "\n".join(lines[n:])


def cookbook_markdown(site: Site) -> str:
    """Each query of `queries/`, run on the site's connection, locked down like `make query`'s, with its cap
    and timeout."""
    folder = site.package.root / "queries"
    files = [p for p in regular_files(folder, "queries") if p.parent == folder and p.suffix == ".sql"] \
        if os.path.lexists(folder) else []
    out = ["# SQL cookbook", "",
           "Each query of `queries/` with its result, run when the site was built against "
           f"{code(site.manifest.one('database').name)} of the downloads (the same tables and views).", ""]
    for path in files:
        text = path.read_text(encoding="utf-8")
        title, about, body = query_parts(text)
        try:
            result = run_locked(site.db, text, limit=SHOWN_QUERY_ROWS)
        except (duckdb.Error, QueryError) as e:
            raise RuntimeError(f"queries/{path.name}: {str(e).splitlines()[0]}") from None
        if result is None:
            raise RuntimeError(f"queries/{path.name}: returns no rows (a cookbook query ends in a SELECT)")
        total = len(result.rows) + result.cut
        count = f"More than {total:,} rows" if result.uncounted else f"{total:,} rows"
        more = f" The first {SHOWN_QUERY_ROWS} are shown." if result.cut else ""
        shown = [[esc("" if v is None else v) for v in row] for row in result.rows]
        opens = f'<a href="{attr(query_link(text, COOKBOOK))}">Open in the Query page</a>'
        out += [f"## {esc(title or path.stem)} {{ #{path.stem} }}" if QUERY_NAME.fullmatch(path.stem) else
                f"## {esc(title or path.stem)}", "", esc(about), "", f"{code('queries/' + path.name)} · {opens}", "",
                "```sql", body.replace("```", "` ` `"), "```", "", f"{count}.{more}", "",
                site.blocks.put(COOKBOOK, [html_table([esc(h) for h in result.columns], shown, "result")])
                if shown else "", ""]  # results: rows of data, not words to search
    return "\n".join(out if files else out + ["No queries yet.", ""])


def write(site: Site, stage: Path) -> dict[str, str]:
    return {PAGE: bibliography_markdown(site), COOKBOOK: cookbook_markdown(site)}
