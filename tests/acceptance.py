"""What the acceptance tests read on the real build: every page as a browser would parse it (its links, the
files it loads and its visible text), and a reader who counts clicks."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

JOURNEYS = os.environ.get("ACCEPTANCE_REPORT")  # where to write each journey's clicks and time, if set
WIDTHS = {"desktop": 1280, "phone": 390}
LOCAL = ("http://127.0.0.1", "blob:", "data:")
# The test browser resolves no host but 127.0.0.1, so no request can leave the machine; each one that tries is
# recorded (`record_requests`). Refusing them by routing every request through Playwright instead would turn off the
# browser's cache, and each page would fetch and compile its scripts again: a quarter more CPU per page.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
NOT_FILES = ("http:", "https:", "mailto:", "data:", "blob:", "#")


class Parsed(HTMLParser):
    """A page's references (href and src of every element) and its visible text (outside script and style), the
    text of code and pre elements apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.references: list[str] = []
        self.text: list[str] = []
        self.code: list[str] = []
        self.hidden = self.literal = 0

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.references.append(value)
        self.hidden += tag in ("script", "style", "template")
        self.literal += tag in ("code", "pre")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1
        if tag in ("code", "pre") and self.literal:
            self.literal -= 1

    def handle_data(self, data):
        if not self.hidden:
            (self.code if self.literal else self.text).append(data)


@dataclass
class Page:
    path: Path  # the HTML file
    url: str  # its address under the site root, such as `tables/meetings/`
    references: list[str]
    text: str  # visible text outside code and pre
    code: str  # visible text of code and pre elements


def pages(site: Path) -> list[Page]:
    """Every HTML page of the built site, parsed."""
    found = []
    for path in sorted(site.rglob("*.html")):
        parser = Parsed()
        parser.feed(path.read_text(encoding="utf-8"))
        relative = path.relative_to(site).as_posix()
        url = relative.removesuffix("index.html")
        found.append(Page(path, url, parser.references, " ".join(parser.text), " ".join(parser.code)))
    return found


def target(site: Path, page_url: str, reference: str) -> Path | None:
    """The file a relative reference of the page at page_url points at, or None for a non-file reference."""
    if reference.startswith(NOT_FILES):
        return None
    address = urlsplit(urljoin("http://site/" + page_url, reference))
    path = unquote(address.path).lstrip("/")
    return site / path / "index.html" if path == "" or path.endswith("/") else site / path


def layout_risks(found: list[Page], per_kind: int = 1) -> list[str]:
    """The record pages most likely to scroll sideways on a phone: of each kind, the first, and the `per_kind`
    whose text holds the longest run without a space (an address, an id, a long name). Record pages share one
    layout, so what can widen one is such a run; checking these stands for checking all of them."""
    records = [p for p in found if p.url.startswith("records/") and p.url.count("/") == 2]
    kinds: dict[str, list[Page]] = {}
    for page in records:
        kinds.setdefault(page.url.split("/")[1].split("-")[0], []).append(page)

    def longest_run(page: Page) -> int:
        return max((len(run) for run in (page.text + " " + page.code).split()), default=0)
    chosen = {ps[0].url for ps in kinds.values()}
    for ps in kinds.values():
        chosen |= {p.url for p in sorted(ps, key=longest_run, reverse=True)[:per_kind]}
    return sorted(chosen)


def record_requests(context, outside: list[str], every: list[str] | None = None):
    """The context (a browser context, or a page), appending to `outside` the address of each request of its pages
    and their workers that would leave the site (it fails: `OFFLINE`), and to `every` the address of each request."""
    def seen(request) -> None:
        if every is not None:
            every.append(request.url)
        if not request.url.startswith(LOCAL):
            outside.append(request.url)
    context.on("request", seen)  # a handler must be a Python function (Playwright wraps it)
    return context


def count_requests(page):
    """The page, keeping the set of its requests in flight (`settle` reads it); call before its first visit."""
    page.in_flight = in_flight = set()
    page.on("request", lambda r: in_flight.add(r))  # a handler must be a Python function (Playwright wraps it)
    page.on("requestfinished", lambda r: in_flight.discard(r))
    page.on("requestfailed", lambda r: in_flight.discard(r))
    return page


def settle(page, quiet_ms: int = 150, timeout_ms: int = 30_000) -> None:
    """Wait until the page (`count_requests`) has had no request in flight for `quiet_ms`: what it fetches once
    loaded (search index, list data) has arrived and been handled. Playwright's `networkidle` waits 500 ms."""
    quiet, waited = 0, 0
    while quiet < quiet_ms:
        assert waited < timeout_ms, f"{page.url}: requests still in flight after {timeout_ms} ms: {page.in_flight}"
        page.wait_for_timeout(50)
        waited += 50
        quiet = 0 if page.in_flight else quiet + 50


def exists(path: Path) -> bool:
    return path.is_file() or (path.is_dir() and (path / "index.html").is_file())


@dataclass
class Journey:
    """A reader's way to an answer: each click counted, the time taken, written to ACCEPTANCE_REPORT if set."""

    name: str
    width: str
    page: object
    clicks: int = 0
    started: float = field(default_factory=time.perf_counter)

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1
        self.page.wait_for_load_state("domcontentloaded")

    def done(self, most: int) -> None:
        """The answer was read: within `most` clicks, and with no request that left the site."""
        seconds = time.perf_counter() - self.started
        assert self.clicks <= most, f"{self.name} at {self.width}: {self.clicks} clicks, at most {most} expected"
        assert self.page.outside == [], f"{self.name} at {self.width}: requests left the site"
        if JOURNEYS:
            report = Path(JOURNEYS)
            data = json.loads(report.read_text()) if report.exists() else []
            data.append({"journey": self.name, "width": self.width, "clicks": self.clicks,
                         "seconds": round(seconds, 2)})
            report.write_text(json.dumps(data, indent=1))


def visible(page) -> str:
    """The text a reader sees on the page now."""
    return re.sub(r"\s+", " ", page.inner_text("body"))


LOAD_TIMEOUT = 180_000


class Console:
    """The Query page in a new tab of the browser context, with every request of the page and its workers recorded
    (`record_requests`: any to another host fails), and its errors and dialogs. Tabs of one context share its
    cache, as a reader's do: a tab opened after another fetches DuckDB and the database from the cache."""

    def __init__(self, context, base: str, arrive: str = ""):
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.context = context
        self.page = record_requests(context.new_page(), self.outside, self.requests)
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("dialog", self.on_dialog)
        started = time.perf_counter()
        self.page.goto(f"{base}query/{arrive}")
        if arrive:
            self.wait_for_run(0)
        self.first_result_seconds = time.perf_counter() - started

    def on_dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def runs(self) -> int:
        return int(self.page.get_attribute("#query-result", "data-runs") or 0)

    def wait_for_run(self, before: int, timeout: int = LOAD_TIMEOUT) -> None:
        self.page.wait_for_function(
            # a function, not an expression: the pages' Content-Security-Policy forbids eval of a string
            f"() => (document.getElementById('query-result')?.dataset.runs || 0) > {before}", timeout=timeout)
        status = self.page.inner_text("#query-status")
        assert not status.startswith("DuckDB could not start"), self.page.inner_text("#query-result")

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

    def error(self) -> str:
        found = self.page.locator("#query-result .query-error")
        return found.inner_text() if found.count() else ""

    def csv(self) -> str:
        """The file the "Download CSV" link saves, as a visitor's click saves it."""
        with self.page.expect_download() as saved:
            self.page.click("#query-result a[download]")
        return Path(saved.value.path()).read_text(encoding="utf-8")


def as_text(database: Path, sql: str) -> tuple[list[str], list[list[str]]]:
    """The query's columns and rows on the built database, each value as DuckDB writes it as text ('' for NULL),
    after checking that the text form has exactly the query's rows."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        typed = con.execute(sql).fetchall()
        cursor = con.execute(f"SELECT COLUMNS(*)::VARCHAR FROM (\n{sql.strip().rstrip(';')}\n)")
        header, rows = [d[0] for d in cursor.description], cursor.fetchall()
    assert len(rows) == len(typed)
    return header, [["" if v is None else v for v in row] for row in rows]
