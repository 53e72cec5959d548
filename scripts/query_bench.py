"""The Query page's speed, as a visitor meets it: from a click on Run to the first result, in Debian's Chromium,
on a built site, and the bytes the site sent before that result.

- cold: a browser with a new profile (empty cache) opens the Query page and runs its first query: the page,
  DuckDB-WASM and the database all come over the network;
- warm: another tab of the same browser opens the Query page and runs it again: what the browser cached is
  reused (the server answers a revalidation with 304 and no body). The profile is on disk, as a visitor's is:
  an incognito context's cache is in memory and keeps no entry as large as DuckDB's 34 MB module;
- again: a second query on the warm page, DuckDB already open.

The site is served by a counting HTTP server in this process: the bytes are the response bodies it sent, exactly
(the pages are served uncompressed, as `python -m http.server` serves them). `python -m scripts.query_bench SITE`
prints the figures; `make bench` runs it on the real build.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TARGETS = {"warm_s": 3.0, "cold_s": 6.0}  # from a click on Run to the first result, on this machine class
FIRST = "SELECT status, count(*) AS meetings FROM meetings GROUP BY ALL ORDER BY meetings DESC"
AGAIN = "SELECT count(*) FROM citations"
REPEAT = 3
TIMEOUT_MS = 180_000


class Counted(http.server.SimpleHTTPRequestHandler):
    """Serves the site's files and adds each response body's size to the server's `sent`."""

    def copyfile(self, source, outputfile):
        before = source.tell()
        shutil.copyfileobj(source, outputfile)
        self.server.sent += source.tell() - before

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def counting_server(site: Path) -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counted, directory=str(site)))
    server.sent = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def runs(page) -> int:
    return int(page.get_attribute("#query-result", "data-runs") or 0)


def run_query(page, sql: str) -> float:
    """Seconds from a click on Run to the query's result on the page."""
    before = runs(page)
    page.fill("#query-sql", sql)
    started = time.perf_counter()
    page.click("#query-run")
    page.wait_for_function(f"() => (document.getElementById('query-result')?.dataset.runs || 0) > {before}",
                           timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - started
    if page.locator("#query-result .query-error").count():
        raise RuntimeError(f"the Query page reported an error: {page.inner_text('#query-result')}")
    return seconds


def visit(context, server, url: str, sql: str) -> tuple[float, int, float, object]:
    """Open the Query page in a new tab of context and run sql: (seconds to its result, bytes sent since the
    page was asked for, seconds from the click until DuckDB-WASM was instantiated (the page's own mark), the
    page)."""
    page = context.new_page()
    server.sent = 0
    page.goto(url, timeout=TIMEOUT_MS)
    # marked by the click itself, as the timer in run_query starts just before it: a mark set before the query is
    # typed would count the typing too, and the instantiation could then seem to outlast the whole run
    page.evaluate("() => document.getElementById('query-run').addEventListener("
                  "'click', () => performance.mark('bench:run'), {capture: true, once: true})")
    seconds = run_query(page, sql)
    instantiated = page.evaluate("() => performance.measure('bench', 'bench:run', 'console:instantiated').duration")
    return seconds, server.sent, instantiated / 1000, page


def measure(site: Path) -> dict:
    """The median of REPEAT cold, warm and again runs, each cold run in a browser with a new profile."""
    from playwright.sync_api import sync_playwright

    cold, warm, again = [], [], []
    with counting_server(site) as server, sync_playwright() as p:
        url = f"http://127.0.0.1:{server.server_address[1]}/query/"
        for _ in range(REPEAT):
            with tempfile.TemporaryDirectory(prefix="query-bench-") as profile:
                context = p.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM),
                                                               args=CHROMIUM_ARGS)
                try:
                    cold.append(visit(context, server, url, FIRST)[:3])
                    seconds, sent, instantiated, page = visit(context, server, url, FIRST)
                    warm.append((seconds, sent, instantiated))
                    again.append(run_query(page, AGAIN))
                finally:
                    context.close()

    def median(runs: list[tuple]) -> tuple:
        return sorted(runs)[len(runs) // 2]

    (cold_s, cold_bytes, cold_wasm), (warm_s, warm_bytes, warm_wasm) = median(cold), median(warm)
    return {"cold_s": round(cold_s, 2), "cold_bytes": cold_bytes, "cold_instantiated_s": round(cold_wasm, 2),
            "warm_s": round(warm_s, 2), "warm_bytes": warm_bytes, "warm_instantiated_s": round(warm_wasm, 2),
            "again_s": round(statistics.median(again), 2), "runs": REPEAT}


def targets(result: dict) -> list[tuple[str, bool, str]]:
    return [(f"Query page, Run to first result {name.removesuffix('_s')} ≤ {limit:.0f} s", result[name] <= limit,
             f"{result[name]} s, {result[name.replace('_s', '_bytes')] / 1e6:.1f} MB sent before it")
            for name, limit in TARGETS.items()]


def main(argv: list[str]) -> int:
    result = measure(Path(argv[0]))
    print(json.dumps(result))
    failed = False
    for name, ok, value in targets(result):
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
        failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
