"""The Query page in a real browser: DuckDB-WASM, set up from the site's own files, answers every cookbook query
with the rows DuckDB (Python) gives on the built database; a bad query shows DuckDB's error; data shows as text;
results are capped; and no request leaves 127.0.0.1.

The site is the session's (tests/conftest.py: the package with a planted meeting whose summary is HTML),
served on 127.0.0.1. The Query page is opened once; the queries run in it
one after another, each by a click on its link in the page's list of examples. Chromium is Debian's.
"""

from __future__ import annotations

import csv
import json
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import duckdb
import pytest

from scripts import build
from scripts.package import ROOT, load_package
from scripts.site import console
from tests.conftest import XSS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one worker: one site

FIRST = "SELECT status, count(*) FROM meetings GROUP BY ALL"
LOAD_TIMEOUT = 180_000


class Console:
    """The Query page, opened once, with every request of the page and its workers recorded (and any request
    to another host refused), and its errors and dialogs."""

    def __init__(self, context, base: str):
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        context.route("**/*", self.route)
        self.context = context
        self.page = context.new_page()
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("dialog", self.on_dialog)
        started = time.perf_counter()
        self.page.goto(f"{base}query/#sql={quote(FIRST, safe='')}")
        self.wait_for_run(0)
        self.first_result_seconds = time.perf_counter() - started

    def route(self, route):
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname != "127.0.0.1" and not url.startswith(("blob:", "data:")):
            self.outside.append(url)
            route.abort()
        else:
            route.continue_()

    def on_dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def runs(self) -> int:
        return int(self.page.get_attribute("#query-result", "data-runs") or 0)

    def wait_for_run(self, before: int) -> None:
        self.page.wait_for_function(  # a function, not an expression, which the pages' policy would not eval
            f"() => Number(document.getElementById('query-result').dataset.runs || 0) > {before}"
            " || document.getElementById('query-status').textContent.startsWith('DuckDB could not start')",
            timeout=LOAD_TIMEOUT)
        if self.page.inner_text("#query-status").startswith("DuckDB could not start"):
            pytest.fail("the Query page failed to start: " + self.page.inner_text("#query-result"))

    def run(self, sql: str) -> None:
        before = self.runs()
        self.page.fill("#query-sql", sql)
        self.page.click("#query-run")
        self.wait_for_run(before)

    def click(self, link) -> None:
        before = self.runs()
        link.click()
        self.wait_for_run(before)

    def header(self) -> list[str]:
        return self.page.eval_on_selector_all("#query-result thead th", "ths => ths.map(th => th.textContent)")

    def rows(self) -> list[list[str]]:
        return self.page.eval_on_selector_all(
            "#query-result tbody tr", "trs => trs.map(tr => Array.from(tr.cells, td => td.textContent))")

    def count_text(self) -> str:
        return self.page.inner_text("#query-result .query-count")


@pytest.fixture(scope="module")
def page(browser, base):
    context = browser.new_context()
    yield Console(context, base)
    context.close()


def as_text(database: Path, sql: str) -> tuple[list[str], list[list[str]]]:
    """The query's columns and rows on the built database, each value as DuckDB writes it as text ('' for
    NULL), after checking that the text form has exactly the query's rows."""
    with duckdb.connect(str(database), read_only=True) as con:
        typed = con.execute(sql).fetchall()
        cursor = con.execute(f"SELECT COLUMNS(*)::VARCHAR FROM (\n{sql.strip().rstrip(';')}\n)")
        header, rows = [d[0] for d in cursor.description], cursor.fetchall()
    assert len(rows) == len(typed)
    return header, [["" if v is None else v for v in row] for row in rows]


def cookbook() -> list[Path]:
    return sorted((ROOT / "queries").glob("*.sql"))


def test_the_first_query_in_the_address_shows_the_same_counts_as_make_query(page, site):
    assert page.first_result_seconds < 60
    header, rows = as_text(site / build.DATABASE, FIRST)
    assert page.header() == header
    assert sorted(page.rows()) == sorted(rows)
    assert page.count_text().startswith(f"{len(rows)} rows")
    with page.page.expect_download() as download:  # as a reader saves it (the pages' policy lets no script fetch it)
        page.page.click("#query-result a[download]")
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert list(csv.reader(csv_text.splitlines())) == [header] + page.rows()
    print(f"\nQuery page: first result {page.first_result_seconds:.2f} s after navigation")


def test_every_cookbook_query_gives_the_rows_duckdb_gives_on_the_built_database(page, site):
    links = page.page.locator("ul.query-examples a")
    assert links.count() == len(cookbook())
    for i, path in enumerate(cookbook()):
        page.click(links.nth(i))
        sql = path.read_text(encoding="utf-8")
        assert page.page.input_value("#query-sql") == sql, path.name
        assert page.page.locator("#query-result .query-error").count() == 0, page.page.inner_text("#query-result")
        header, rows = as_text(site / build.DATABASE, sql)
        assert page.header() == header, path.name
        assert page.rows() == rows[:console.ROW_CAP], path.name
        assert page.count_text().startswith(f"{len(rows):,} row"), path.name


def test_a_bad_query_shows_duckdbs_error(page):
    page.run("SELECT no_such_column FROM meetings")
    error = page.page.inner_text("#query-result .query-error")
    assert "no_such_column" in error and "Binder Error" in error
    assert page.page.locator("#query-result table").count() == 0
    page.run("SELEC 1")
    assert "syntax error" in page.page.inner_text("#query-result .query-error")


def test_results_are_capped_and_say_so(page):
    page.run("SELECT * FROM range(2500) t(n) ORDER BY n")
    assert len(page.rows()) == console.ROW_CAP
    assert page.rows()[-1] == [str(console.ROW_CAP - 1)]
    assert page.count_text().startswith("2,500 rows; the first 1,000 are shown")


def test_data_shows_as_text_and_never_runs(page):
    page.run("SELECT meeting_id, summary FROM meetings WHERE meeting_id = 'mtg-9999'")
    assert page.rows() == [["mtg-9999", XSS]]
    assert page.page.locator("#query-result img, #query-result script").count() == 0
    assert page.dialogs == []


def test_the_database_is_the_built_one_and_locked(page, site):
    """Same tables, views, column types and comments as the .duckdb file, every table and view with the same
    rows; the settings locked as `make query` locks them."""
    for catalog in ["SELECT table_name, column_name, data_type, is_nullable, comment FROM duckdb_columns() "
                    "WHERE NOT internal ORDER BY ALL",
                    # the columns each constraint covers: 1.4 and 2.0 print the same CHECK expression differently
                    "SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
                    "ORDER BY ALL",
                    "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal ORDER BY ALL",
                    "SELECT type_name, logical_type FROM duckdb_types() WHERE NOT internal ORDER BY ALL"]:
        page.run(catalog)
        assert page.rows() == as_text(site / build.DATABASE, catalog)[1], catalog
    for name in [t.name for t in load_package(ROOT).tables] + [p.stem for p in build.view_files(ROOT)]:
        sql = f"SELECT * FROM {name} ORDER BY ALL"
        page.run(sql)
        header, rows = as_text(site / build.DATABASE, sql)
        assert page.header() == header, name
        assert page.rows() == rows[:console.ROW_CAP], name
        assert page.count_text().startswith(f"{len(rows):,} row"), name
    page.run("SET lock_configuration = false")
    assert page.page.locator("#query-result .query-error").count() == 1


def test_sql_cannot_reach_files_the_network_or_extensions(page):
    for sql in ["SELECT * FROM read_csv('https://example.org/data.csv')", "LOAD httpfs",
                "SELECT * FROM read_csv('meetings.csv')", "COPY meetings TO 'out.csv'"]:
        page.run(sql)
        assert page.page.locator("#query-result .query-error").count() == 1, sql
    page.run("INSTALL httpfs")  # accepted by DuckDB-WASM, where only LOAD would fetch, and LOAD is refused
    assert page.outside == []


def test_the_query_lives_in_the_address(page):
    page.run("SELECT 1 + 1 AS two")
    assert unquote(urlsplit(page.page.url).fragment.removeprefix("sql=")) == "SELECT 1 + 1 AS two"
    assert page.page.get_attribute("#query-link", "href") == "#sql=" + quote("SELECT 1 + 1 AS two", safe="")


def test_no_request_leaves_the_site_and_nothing_failed(page):
    assert page.outside == []
    names = {urlsplit(u).path.rsplit("/", 1)[-1] for u in page.requests}
    assert {"duckdb-eh.wasm", "duckdb-browser-eh.worker.js", "setup.json", "meetings.csv"} <= names
    assert "duckdb-mvp.wasm" not in names
    assert page.problems == []


def test_only_the_query_page_loads_duckdb(page, base):
    other = page.context.new_page()
    before = len(page.requests)
    for path in ["", "cookbook/", "tables/meetings/"]:
        other.goto(base + path)
        other.wait_for_load_state("networkidle")
    assert [u for u in page.requests[before:] if "/assets/console/" in u] == []
    other.close()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def test_each_cookbook_query_has_a_link_that_opens_it_in_the_query_page(site):
    parser = Links()
    parser.feed((site / "site" / "cookbook" / "index.html").read_text(encoding="utf-8"))
    opened = [h for h in parser.hrefs if "#sql=" in h]
    assert len(opened) == len(cookbook())
    for href, path in zip(opened, cookbook(), strict=True):
        target, _, sql = href.partition("#sql=")
        assert urljoin("http://x/cookbook/", target) == "http://x/query/"
        assert unquote(sql) == path.read_text(encoding="utf-8")


def test_the_setup_is_the_builds_sql_and_names_only_site_files(site):
    setup = json.loads((site / "site" / console.ASSETS / "setup.json").read_text(encoding="utf-8"))
    statements = [s for step in setup["steps"] for s in step["sql"]]
    assert not any(str(ROOT) in s or "/tmp" in s for s in statements)
    for name, url in setup["files"].items():
        assert (site / "site" / console.ASSETS / url).resolve() == (site / "site" / "downloads" / name).resolve()
    schema = [s for _, group in build.schema_sql(load_package(ROOT)) for s in group]
    assert [s for s in statements if s in schema] == schema


def test_each_table_page_links_to_its_rows_in_the_query_page(site):
    for table in load_package(ROOT).tables:
        parser = Links()
        parser.feed((site / "site" / "tables" / table.name / "index.html").read_text(encoding="utf-8"))
        target, _, sql = next(h for h in parser.hrefs if "#sql=" in h).partition("#sql=")
        assert urljoin(f"http://x/tables/{table.name}/", target) == "http://x/query/"
        assert unquote(sql) == f"SELECT * FROM {table.name}"


def test_query_link_is_relative_and_needs_no_escaping():
    link = console.query_link("SELECT '<a href=\"x\">' AS t, 1 + 1 -- & #", "tables/meetings.md")
    assert link.startswith("../../query/#sql=SELECT%20%27%3Ca%20href%3D%22x%22%3E%27")
    assert not set("<>\"'& #+") & set(link.partition("#sql=")[2])
    assert unquote(link.partition("#sql=")[2]) == "SELECT '<a href=\"x\">' AS t, 1 + 1 -- & #"
    assert console.query_link("SELECT 1", "query.md") == "./#sql=SELECT%201"
    assert console.table_query("mine-maps") == 'SELECT * FROM "mine-maps"'
