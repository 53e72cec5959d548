"""The Query page of the real build in Chromium: it loads nothing until asked, then answers on the published
database exactly as DuckDB does; every cookbook query and every table page's link gives DuckDB's rows; and no link
can change what a later query sees, run unseen statements, or freeze the tab."""

from __future__ import annotations

import csv
import re
from urllib.parse import quote, unquote, urlsplit

import pytest

from scripts import build, manifest
from scripts.package import ROOT, load_package
from scripts.site import console
from tests.acceptance import Console, as_text

pytestmark = pytest.mark.acceptance

FIRST = "SELECT status, count(*) FROM meetings GROUP BY ALL"


@pytest.fixture(scope="module")
def database(real_build):
    return real_build / build.DATABASE


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(accept_downloads=True)
    yield context
    context.close()


@pytest.fixture(scope="module")
def page(context, real_base):
    """The Query page opened by a link with a query in its address."""
    return Console(context, real_base, f"#sql={quote(FIRST, safe='')}")


@pytest.fixture
def fresh(context, real_base):
    """A tab of its own, for a test that needs a page that has run nothing (its own DuckDB, the cache shared)."""
    tabs = []

    def open_tab(arrive: str = "") -> Console:
        tabs.append(Console(context, real_base, arrive))
        return tabs[-1]
    yield open_tab
    for tab in tabs:
        tab.page.close()


def cookbook() -> list:
    return sorted((ROOT / "queries").glob("*.sql"))


def test_a_link_with_a_query_shows_the_same_rows_as_make_query(page, database):
    header, rows = as_text(database, FIRST)
    assert page.header() == header
    assert sorted(page.rows()) == sorted(rows)
    assert page.count_text().startswith(f"{len(rows)} rows")
    assert list(csv.reader(page.csv().splitlines())) == [header] + page.rows()
    print(f"\nQuery page: first result {page.first_result_seconds:.2f} s after navigation")


def test_every_cookbook_query_opened_from_its_link_gives_the_rows_duckdb_gives(page, database):
    links = page.page.locator("ul.query-examples a")
    assert links.count() == len(cookbook())
    for i, path in enumerate(cookbook()):
        page.click(links.nth(i))
        sql = path.read_text(encoding="utf-8")
        assert page.page.input_value("#query-sql") == sql, path.name
        assert page.error() == "", path.name
        header, rows = as_text(database, sql)
        assert (page.header(), page.rows()) == (header, rows[:console.ROW_CAP]), path.name
        assert page.count_text().startswith(f"{len(rows):,} row"), path.name


def test_every_table_pages_query_link_asks_for_the_tables_rows(real_pages, database):
    for table in load_package(ROOT).tables:
        [page] = [p for p in real_pages if p.url == f"tables/{table.name}/"]
        link = next(r for r in page.references if "#sql=" in r)
        assert as_text(database, unquote(link.split("#sql=", 1)[1])) == as_text(database, f"SELECT * FROM {table.name}")


def test_a_table_pages_query_link_gives_the_tables_rows(fresh, database, real_base):
    """One table in the browser: the links of all are checked above, and they are made alike."""
    tab = fresh()
    table = load_package(ROOT).tables[0]
    tab.page.goto(f"{real_base}tables/{table.name}/")
    tab.page.locator("article a[href*='#sql=']").first.click()
    tab.wait_for_run(0)  # a new page: its count of finished queries starts again
    header, rows = as_text(database, f"SELECT * FROM {table.name}")
    assert tab.header() == header and len(tab.rows()) == min(len(rows), console.ROW_CAP), table.name


def test_the_page_loads_neither_duckdb_nor_the_database_until_a_query_is_run(fresh, real_base):
    tab = fresh()
    tab.page.wait_for_load_state("networkidle")
    fetched = [urlsplit(u).path for u in tab.requests]
    assert not [p for p in fetched if "/assets/console/" in p and not p.endswith((".js", ".css"))]
    assert not [p for p in fetched if p.endswith(("duckdb-browser.js", ".wasm", ".duckdb", manifest.MANIFEST))]
    assert tab.page.is_enabled("#query-run")
    tab.run("SELECT 42 AS answer")
    assert tab.rows() == [["42"]]
    fetched = {urlsplit(u).path.rsplit("/", 1)[-1] for u in tab.requests}
    assert {"duckdb-eh.wasm", "duckdb-browser-eh.worker.js", manifest.MANIFEST} <= fetched
    assert any(name.endswith(".duckdb") for name in fetched) and "duckdb-mvp.wasm" not in fetched


def test_a_bad_query_shows_duckdbs_error(page):
    page.run("SELECT no_such_column FROM meetings")
    assert "no_such_column" in page.error() and "Binder Error" in page.error()
    assert page.page.locator("#query-result table").count() == 0


def test_results_are_capped_and_say_so(page):
    page.run("SELECT * FROM range(2500) t(n) ORDER BY n")
    assert len(page.rows()) == console.ROW_CAP and page.rows()[-1] == [str(console.ROW_CAP - 1)]
    assert page.count_text().startswith("2,500 rows; the first 1,000 are shown")


def test_a_huge_value_is_cut_and_the_page_says_so(page):
    page.run("SELECT repeat('A', 300000000) AS a")
    (value,), = page.rows()
    assert value == "A" * console.CELL_CAP + "…"
    assert f"Values longer than {console.CELL_CAP:,} characters are cut" in page.count_text()


@pytest.mark.parametrize("sql, refusal", [
    ("UPDATE claims SET summary = 'invented'", "This page only reads the data: a statement starting with UPDATE is "
                                               "not run here."),
    ("CREATE TEMP TABLE claims AS SELECT 'invented' AS summary", "This page only reads the data: a statement "
                                                                 "starting with CREATE is not run here."),
    ("SELECT 1; SELECT 2", "This page runs one statement at a time, and the text holds 2: run them one by one."),
    ("SET lock_configuration = false", "This page only reads the data: a statement starting with SET is not run "
                                       "here."),
])
def test_a_statement_that_is_not_one_read_is_refused_with_its_reason(page, sql, refusal):
    page.run(sql)
    assert page.error().startswith(refusal)
    assert page.page.locator("#query-result table").count() == 0


def test_a_link_that_tried_to_change_the_data_changes_nothing_a_later_query_sees(fresh, database):
    tab = fresh("#sql=" + quote("UPDATE claims SET summary = 'invented'; SELECT 1", safe=""))
    assert tab.error().startswith("This page runs one statement at a time")
    tab.run("SELECT count(*) FROM claims WHERE summary = 'invented'")
    assert tab.rows() == [["0"]]
    header, rows = as_text(database, "SELECT claim_id, summary FROM claims ORDER BY claim_id LIMIT 3")
    tab.run("SELECT claim_id, summary FROM claims ORDER BY claim_id LIMIT 3")
    assert tab.rows() == rows


def test_a_runaway_query_can_be_cancelled(fresh):
    tab = fresh()
    tab.run("SELECT 1")
    before = tab.runs()
    tab.page.fill("#query-sql", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) "
                                "FROM r")
    tab.page.click("#query-run")
    tab.page.wait_for_selector("#query-cancel:not([hidden])")
    tab.page.click("#query-cancel")
    tab.wait_for_run(before, timeout=20_000)
    assert tab.error() == "The query was cancelled."
    tab.run("SELECT 7")
    assert tab.rows() == [["7"]]


def test_a_query_that_runs_past_the_time_limit_is_stopped(fresh, real_base):
    def two_seconds(route):
        response = route.fetch()
        route.fulfill(response=response, body=re.sub(r'"timeoutSeconds": \d+', '"timeoutSeconds": 2', response.text()))

    tab = fresh()
    tab.page.route("**/query/", two_seconds)
    tab.page.goto(f"{real_base}query/")
    tab.run("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r")
    assert tab.error() == "The query was stopped after 2 seconds."


def test_the_csv_download_keeps_formula_cells_as_text(page):
    page.run("SELECT '=HYPERLINK(\"https://example.org\")' AS a, '+1' AS b, '@x' AS c, 'plain' AS d")
    assert list(csv.reader(page.csv().splitlines())) == [
        ["a", "b", "c", "d"], ["'=HYPERLINK(\"https://example.org\")", "'+1", "'@x", "plain"]]


def test_sql_cannot_reach_files_the_network_or_extensions(page):
    for sql in ["SELECT * FROM read_csv('https://example.org/data.csv')",
                "SELECT * FROM read_csv('meetings.csv')"]:
        page.run(sql)
        assert page.error(), sql
    assert page.outside == []


def test_the_query_lives_in_the_address(page):
    page.run("SELECT 1 + 1 AS two")
    assert unquote(urlsplit(page.page.url).fragment.removeprefix("sql=")) == "SELECT 1 + 1 AS two"
    assert page.page.get_attribute("#query-link", "href") == "#sql=" + quote("SELECT 1 + 1 AS two", safe="")


def test_nothing_failed_and_no_request_left_the_site(page):
    assert page.outside == [] and page.problems == [] and page.dialogs == []
