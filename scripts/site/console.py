"""The Query page (`query/`): DuckDB-WASM in the reader's browser, on the very database file the site offers
for download.

The build writes that file in a format DuckDB-WASM reads (scripts/build.py says why), so the page opens it
read-only as its main database: the reader's SQL sees the same tables, types, keys, comments and views as
`make query`, and cannot change them. The page's script finds the file through `downloads/manifest.json`, the
release stage's list of published files; nothing here names it.

Nothing of the engine or the data is fetched until the reader runs a query (Run, or arriving with `#sql=`).
The rules the page runs the reader's SQL under are in `config`, written into the page as JSON: one statement
at a time, and only statements that read (`READS`); each query on a fresh connection, so nothing one link runs
reaches a later query; the settings of `make query` (`LOCKDOWN`) and a memory limit; results capped at
`ROW_CAP` rows and each value at `CELL_CAP` characters; a time limit after which the query is cancelled; and a
Cancel button. The CSV download neutralises cells a spreadsheet would run as formulas.

Bundle: only DuckDB-WASM's `eh` build (the wasm module and its worker) is shipped. It needs WebAssembly exception
handling, which every current browser has (Chromium since 95, Firefox 100, Safari 15.2); `mvp` exists only for
browsers without it, and `coi` needs cross-origin-isolation headers that a static site cannot promise.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

from scripts.build import leading_comment
from scripts.manifest import MANIFEST
from scripts.package import ROOT, ident
from scripts.query import LOCKDOWN
from scripts.site.context import Site
from scripts.site.html import attr, code, esc, href, table_page

PAGE = "query.md"
ASSETS = "assets/console"
ROW_CAP = 1000
CELL_CAP = 10_000
TIMEOUT_SECONDS = 30
MEMORY_LIMIT = "512MB"
# The first word of every statement the page runs; each is wrapped as a subquery, so its result is capped.
READS = ("SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "SHOW", "SUMMARIZE", "PIVOT", "UNPIVOT", "(")
NODE_MODULES = ROOT / "node_modules"
# file in node_modules -> its name on the site (`.js`, which every server sends as JavaScript, unlike `.mjs`)
BUNDLE = {
    "@duckdb/duckdb-wasm/dist/duckdb-browser.mjs": "duckdb-browser.js",
    "@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js": "duckdb-browser-eh.worker.js",
    "@duckdb/duckdb-wasm/dist/duckdb-eh.wasm": "duckdb-eh.wasm",
    "apache-arrow/Arrow.esnext.min.js": "arrow.js",
}
ARROW_IMPORT = re.compile(r'import\s*\*\s*as\s*([A-Za-z_$][\w$]*)\s*from\s*"apache-arrow";')
SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


def query_link(sql: str, from_page: str) -> str:
    """A link, relative to the page `from_page` (a docs path such as `tables/meetings.md`), that opens the
    Query page with `sql` in the box and runs it. Safe as an HTML attribute and a Markdown link target."""
    return href(from_page, PAGE) + "#sql=" + quote(sql, safe="")


def table_query(name: str) -> str:
    """`SELECT * FROM name`, the name quoted only where SQL needs it (a resource name may hold `-` or `.`)."""
    return f"SELECT * FROM {name if re.fullmatch(r'[a-z_][a-z0-9_]*', name) else ident(name)}"


def config() -> dict:
    """What the page's script reads: where the manifest is, relative to the Query page, and the rules."""
    return {"manifest": href(PAGE, "downloads/index.md") + MANIFEST, "rowCap": ROW_CAP, "cellCap": CELL_CAP,
            "timeoutSeconds": TIMEOUT_SECONDS, "settings": [f"SET memory_limit = '{MEMORY_LIMIT}'", *LOCKDOWN],
            "reads": list(READS)}


def copy_bundle(folder: Path) -> int:
    """DuckDB-WASM (eh) and Apache Arrow from node_modules into the site; return the bytes written. The
    module's one bare import of `apache-arrow` becomes the global that Arrow's browser build defines, so no
    import map or bundler is needed."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [name for name in BUNDLE if not (NODE_MODULES / name).is_file()]
    if missing:
        raise RuntimeError(f"{NODE_MODULES}: {', '.join(missing)} not found; run `make node_modules/.installed`")
    total = 0
    for source, name in BUNDLE.items():
        path, target = NODE_MODULES / source, folder / name
        if path.suffix == ".wasm":
            shutil.copyfile(path, target)
        else:
            text = SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
            if name == "duckdb-browser.js":
                text, n = ARROW_IMPORT.subn(r"var \1=globalThis.Arrow;", text)
                if n == 0 or re.search(r'from\s*"apache-arrow"', text):
                    raise RuntimeError(f"{source}: its import of apache-arrow changed; update console.ARROW_IMPORT")
            target.write_text(text, encoding="utf-8")
        total += target.stat().st_size
    return total


def examples(site: Site) -> str:
    """The cookbook's questions, each a link that loads it here."""
    items = []
    for path in sorted((site.package.root / "queries").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        title = leading_comment(text.splitlines()[0]) if text.startswith("--") else path.stem
        items.append(f'<li><a href="{attr(query_link(text, PAGE))}">{esc(title)}</a></li>')
    return f'<ul class="query-examples">{"".join(items)}</ul>' if items else "<p>No cookbook queries yet.</p>"


def names(site: Site) -> str:
    tables = ", ".join(f'<a href="{href(PAGE, table_page(t.name))}">{code(t.name)}</a>' for t in site.package.tables)
    views = ", ".join(code(name) for (name,) in site.query("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                                           "ORDER BY view_name")[1])
    return f"<p>Tables: {tables}, and <code>metadata</code> and <code>changes</code>. Views: {views or 'none'}.</p>"


def query_markdown(site: Site, bundle_bytes: int) -> str:
    database = site.manifest.one("database")
    settings = json.dumps(config()).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return "\n".join([
        "---", "hide:", "  - toc", "---", "",
        "# Query", "",
        "Run SQL on the package in this browser, with [DuckDB-WASM](https://duckdb.org/docs/api/wasm/overview). "
        f"When you run a query, the page loads DuckDB ({bundle_bytes / 1e6:.0f} MB, fewer where the server "
        f"compresses it) and opens {code(database.name)} ({database.bytes / 1e6:.1f} MB), the database of the "
        "downloads, read-only: the same tables, types and views as the file. Nothing you type leaves your browser. "
        "The query is kept in the page's address, so a link to it shares the question.", "",
        f"One statement at a time, and only statements that read (starting with {', '.join(READS[:-1])}). "
        f"Results show at most {ROW_CAP:,} rows and {CELL_CAP:,} characters of each value; a query stops "
        f"after {TIMEOUT_SECONDS} seconds.", "",
        f'<link rel="stylesheet" href="../{ASSETS}/console.css">',
        '<div id="query-console" markdown="0">',
        f'<script type="application/json" id="query-config">{settings}</script>',
        '<label for="query-sql">SQL (Ctrl+Enter runs it)</label>',
        '<textarea id="query-sql" rows="8" spellcheck="false" autocomplete="off">'
        "SELECT status, count(*) AS meetings FROM meetings GROUP BY ALL ORDER BY meetings DESC</textarea>",
        '<p class="query-buttons"><button id="query-run" class="md-button md-button--primary" type="button">Run'
        '</button> <button id="query-cancel" class="md-button" type="button" hidden>Cancel</button> '
        '<a id="query-link" href="#">Link to this query</a></p>',
        '<p id="query-status" role="status" aria-live="polite">DuckDB loads when you run a query; '
        "this page needs JavaScript for it.</p>",
        '<progress id="query-progress" max="1" value="0" hidden></progress>',
        '<div id="query-result"></div>',
        "</div>", "",
        f'<script type="module" src="../{ASSETS}/console.js"></script>', "",
        "## What you can query", "",
        names(site), "",
        "Column meanings: `SELECT table_name, column_name, comment FROM duckdb_columns()`.", "",
        "## Questions from the cookbook", "",
        examples(site), ""])


def write(site: Site, stage: Path) -> dict[str, str]:
    return {PAGE: query_markdown(site, copy_bundle(stage / ASSETS))}
