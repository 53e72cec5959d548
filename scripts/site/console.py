"""The Query page (`query/`): DuckDB-WASM in the reader's browser, on the site's own CSV files, with the tables,
types, keys, comments and views of the built database.

Nothing about the schema is written here. `setup` replays what `scripts.build.write_database` runs — the
statements of `schema_sql(package)`, each table's `INSERT ... typed_rows_sql(...)` and `primary_key_sql`, then
`create_views` on `queries/views/*.sql` — against an in-memory DuckDB, keeps every statement that ran, in the
order it ran, and writes them to `assets/console/setup.json` with the CSV paths swapped for the names the page
registers its downloaded files under. The page runs that list as it is. `BROWSER_ADAPTATIONS` is where a
statement would be rewritten for the older DuckDB in the browser (DuckDB-WASM 1.32.0 embeds DuckDB 1.4.3; the
build uses 2.0.1); the browser tests run every statement and every cookbook query there.

Bundle: only DuckDB-WASM's `eh` build (the wasm module and its worker) is shipped. It needs WebAssembly
exception handling, which every current browser has (Chromium since 95, Firefox 100, Safari 15.2); `mvp` (38 MB)
exists only for browsers without it, and `coi` needs cross-origin-isolation headers that a static site cannot
promise. The page says so when a browser lacks the feature instead of loading a second 38 MB file.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import duckdb

from scripts.build import (
    create_views,
    creation_order,
    describe_database,
    enum_types,
    insert_order,
    leading_comment,
    primary_key_sql,
    schema_sql,
    typed_rows_sql,
)
from scripts.identity import load_release
from scripts.metadata import built_digest
from scripts.package import ROOT, Package, ident, literal
from scripts.query import LOCKDOWN
from scripts.site.context import Site
from scripts.site.html import attr, code, esc, href, table_page

PAGE = "query.md"
ASSETS = "assets/console"
ROW_CAP = 1000
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
# (pattern, replacement) applied to every setup statement for DuckDB 1.4.3; none has been needed so far
BROWSER_ADAPTATIONS: list[tuple[re.Pattern, str]] = []
# run before anything is read: the browser must never fetch an extension from DuckDB's server
NO_EXTENSIONS = [s for s in LOCKDOWN if "extension" in s]


def query_link(sql: str, from_page: str) -> str:
    """A link, relative to the page `from_page` (a docs path such as `tables/meetings.md`), that opens the
    Query page with `sql` in the box and runs it. Safe as an HTML attribute and a Markdown link target."""
    return href(from_page, PAGE) + "#sql=" + quote(sql, safe="")


def table_query(name: str) -> str:
    """`SELECT * FROM name`, the name quoted only where SQL needs it (a resource name may hold `-` or `.`)."""
    return f"SELECT * FROM {name if re.fullmatch(r'[a-z_][a-z0-9_]*', name) else ident(name)}"


class Recorder:
    """A connection that runs each statement and keeps, in order, those that succeeded."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self.statements = con, []

    def execute(self, sql: str, parameters: list | None = None):
        """Run sql; a statement with parameters only reads the catalog, and is not recorded."""
        if parameters is not None:
            return self.con.execute(sql, parameters)
        result = self.con.execute(sql)
        self.statements.append(sql)
        return result


def csv_name(table) -> str:
    """The CSV's name in the site's downloads/ folder, and the name the page registers it under."""
    return Path(table.path).name


def adapt(sql: str) -> str:
    for pattern, replacement in BROWSER_ADAPTATIONS:
        sql = pattern.sub(replacement, sql)
    return sql


def setup(package: Package, counts: dict[str, int], digest: str) -> dict:
    """The statements that make the database in the browser, grouped in steps the page reports as it goes,
    recorded while they run here on empty tables: each load statement is recorded as written, not run (the site
    reads no CSV; `counts` are the built database's rows, and the browser tests run every statement)."""
    enums = enum_types(package)
    _, deferred = creation_order(package)
    rows: dict[str, int] = {}
    steps = []
    with duckdb.connect() as con:
        recorder = Recorder(con)
        for table, statements in schema_sql(package):
            for statement in statements:
                recorder.execute(statement)
            if table is None:
                steps.append({"label": "types", "sql": recorder.statements})
                recorder.statements = []
                continue
            source = literal(table.file)
            order = insert_order(table, deferred, rows)
            load = f"INSERT INTO {ident(table.name)} {typed_rows_sql(table, enums, order)}"
            rows[table.name] = counts[table.name]
            if load.count(source) != 1:
                raise RuntimeError(f"{table.name}: expected the load statement to read {source} once")
            recorder.statements.append(load.replace(source, literal(csv_name(table))))
            for statement in primary_key_sql(table):
                recorder.execute(statement)
            steps.append({"label": table.name, "sql": recorder.statements})
            recorder.statements = []
        describe_database(recorder, package, load_release(package), create_views(recorder, package.root), digest)
        steps.append({"label": "views", "sql": recorder.statements})
    for step in steps:
        step["sql"] = [adapt(s) for s in step["sql"]]
    files = {csv_name(t): posixpath.relpath(f"downloads/{csv_name(t)}", ASSETS) for t in package.tables}
    return {"files": files, "before": NO_EXTENSIONS, "steps": steps, "after": list(LOCKDOWN), "cap": ROW_CAP,
            "rows": rows}


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
    views = ", ".join(code(p.stem) for p in sorted((site.package.root / "queries" / "views").glob("*.sql")))
    return f"<p>Tables: {tables}. Views: {views or 'none'}.</p>"


def query_markdown(site: Site, bundle_bytes: int) -> str:
    return "\n".join([
        "---", "hide:", "  - toc", "---", "",
        "# Query", "",
        "Run SQL on the package in this browser, with [DuckDB-WASM](https://duckdb.org/docs/api/wasm/overview). "
        f"The page loads DuckDB ({bundle_bytes / 1e6:.0f} MB, fewer where the server compresses it) and the CSV "
        "files of this site, and "
        "makes the same tables, types and views as the `am-az-normalization.duckdb` download, from the same SQL. "
        "Nothing you type leaves your browser. The query is kept in the page's address, so a link to it shares "
        f"the question. Results show at most {ROW_CAP:,} rows.", "",
        f'<link rel="stylesheet" href="../{ASSETS}/console.css">',
        '<div id="query-console" markdown="0">',
        '<label for="query-sql">SQL (Ctrl+Enter runs it)</label>',
        '<textarea id="query-sql" rows="8" spellcheck="false" autocomplete="off">'
        "SELECT status, count(*) AS meetings FROM meetings GROUP BY ALL ORDER BY meetings DESC</textarea>",
        '<p><button id="query-run" class="md-button md-button--primary" type="button" disabled>Run</button> '
        '<a id="query-link" href="#">Link to this query</a></p>',
        '<p id="query-status" role="status" aria-live="polite">DuckDB loads when JavaScript runs; '
        "this page needs it.</p>",
        '<progress id="query-progress" max="1" value="0"></progress>',
        '<div id="query-result"></div>',
        "</div>", "",
        f'<script type="module" src="../{ASSETS}/console.js"></script>', "",
        "## What you can query", "",
        names(site), "",
        "Column meanings: `SELECT table_name, column_name, comment FROM duckdb_columns()`.", "",
        "## Questions from the cookbook", "",
        examples(site), ""])


def write(site: Site, stage: Path) -> dict[str, str]:
    folder = stage / ASSETS
    bundle_bytes = copy_bundle(folder)
    counts = {t.name: site.count(t.name) for t in site.package.tables}
    setup_ = setup(site.package, counts, built_digest(site.db))
    (folder / "setup.json").write_text(json.dumps(setup_, indent=1), encoding="utf-8")
    return {PAGE: query_markdown(site, bundle_bytes)}
