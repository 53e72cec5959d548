"""No text of the package becomes markup on any page of the site, titles and navigation included, and every page
allows only the site's own scripts.

One site is built for this module from the small fixture package with markup planted in every free-text cell of
every table (the fields without a code list or a pattern, which `make check` cannot keep free of `<`), every
title, description and label of the descriptor and the schemas, the citation file and a query of the cookbook.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path

import material
import pytest

from scripts import identity
from scripts.package import ROOT, load_package
from scripts.site.build import build_site
from scripts.site.theme import CONTENT_SECURITY_POLICY, THEME
from tests.acceptance import count_requests, settle
from tests.conftest import build_and_release, made_once, package_copy, write_table

PAYLOAD = "</title><script>planted()</script><img src=planted onerror=planted()><b class=planted>"
DOCUMENT = {"document_id": "doc-0001", "date": "2021-01-11", "date_precision": "day", "meeting_id": "mtg-0001",
            "title": "Joint statement", "kind": "joint_declaration", "action": "signed",
            "party_ids": "armenia;azerbaijan;russia", "summary": "The three leaders signed a statement.",
            "record_status": "confirmed"}
EXECUTABLE = {None, "", "module", "text/javascript", "application/javascript"}


def planted(text: str, limit: int | None) -> str:
    """The text with the payload after it, cut to the field's maximum length."""
    keep = len(text) if limit is None else max(0, limit - len(PAYLOAD) - 1)
    return f"{text[:keep]} {PAYLOAD}".strip()


def plant_descriptor(path: Path) -> None:
    """Every title, description and label of a descriptor or schema gets the payload."""
    def walk(node):
        if isinstance(node, dict):
            return {k: planted(v, None) if k in ("title", "description", "label") and isinstance(v, str) else walk(v)
                    for k, v in node.items()}
        return [walk(v) for v in node] if isinstance(node, list) else node
    path.write_text(json.dumps(walk(json.loads(path.read_text(encoding="utf-8"))), indent=1), encoding="utf-8")


def plant_package(root: Path) -> None:
    package = package_copy(root)
    package.rows["documents"] = [dict(DOCUMENT)]
    package.rows["citations"].append({"record_id": "doc-0001", "source_id": package.rows["sources"][1]["source_id"]})
    for table in load_package(root).tables:
        free = [f for f in table.fields if f.type.name == "string" and not f.codes and not f.pattern]
        rows = package.rows.get(table.name, [])
        for row in rows:
            row.update({f.name: planted(row.get(f.name) or "", f.max_length) for f in free})
        write_table(table.file, table.field_names, rows)
    plant_descriptor(root / "datapackage.json")
    for schema in (root / "schemas").glob("*.json"):
        plant_descriptor(schema)
    shutil.copy(ROOT / "CITATION.cff", root / "CITATION.cff")
    citation = root / "CITATION.cff"
    citation.write_text(citation.read_text(encoding="utf-8").replace("title: ", f"title: {PAYLOAD} ", 1))
    # the file's name, its heading's anchor, is checked by QUERY_NAME; what is planted is its text
    (root / "queries" / "hostile_title.sql").write_text(
        f"-- {PAYLOAD}\n-- {PAYLOAD}\nSELECT '{PAYLOAD}' AS \"{PAYLOAD}\";\n", encoding="utf-8")


@pytest.fixture(scope="module")
def planted_site(tmp_path_factory) -> Path:
    """OUT of the planted package's build, release and site stages; OUT/site holds the pages."""
    def make(folder: Path) -> None:
        root, out = folder / "pkg", folder / "out"
        plant_package(root)
        build_and_release(root, out)
        build_site(root, out)
    return made_once(tmp_path_factory, "planted", make) / "out" / "site"


class Markup(HTMLParser):
    """Reads one page: what in it is live markup made of the payload, and what it shows as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.text: list[str] = []
        self.titles: list[str] = []  # the document's own, in the head (an SVG in the body has titles too)
        self.body = False
        self.inside: str | None = None
        self.policies: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.body = self.body or tag == "body"
        self.live += [f"<{tag} {name}={value}>" for name, value in attrs
                      if name.startswith("on") or value in ("planted", "planted()")]
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.policies.append(values.get("content") or "")
        if tag == "script" and values.get("type") in EXECUTABLE:
            self.inside = "script"
            self.inline_scripts += "src" not in values
        elif tag == "title" and not self.body:
            self.inside = "title"
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == self.inside:
            self.inside = None

    def handle_data(self, data):
        if self.inside == "script" and data.strip():
            self.live.append(f"<script>{data.strip()[:40]}")
        elif self.inside == "title":
            self.titles[-1] += data
        else:
            self.text.append(data)


def read(text: str) -> Markup:
    parser = Markup()
    parser.feed(text)
    parser.close()
    return parser


def pages(site: Path) -> dict[str, Markup]:
    return {p.relative_to(site).as_posix(): read(p.read_text(encoding="utf-8"))
            for p in sorted(site.rglob("*")) if p.suffix in (".html", ".svg")}


@pytest.fixture(scope="module")
def read_pages(planted_site: Path) -> dict[str, Markup]:
    return pages(planted_site)


def test_no_planted_text_is_live_markup_on_any_page(read_pages):
    live = {name: page.live for name, page in read_pages.items() if page.live}
    assert live == {}
    assert len(read_pages) > 30


def test_planted_text_is_shown_as_text_in_page_titles(read_pages):
    titles = [page.titles[0] for name, page in read_pages.items() if name.endswith(".html")]
    assert all(len(page.titles) == 1 for name, page in read_pages.items() if name.endswith(".html"))
    assert f"{PAYLOAD}, 11 January 2021: " in read_pages["records/mtg-0001/index.html"].titles[0]
    assert sum(PAYLOAD in t for t in titles) >= len(load_package().tables)


def test_planted_resource_titles_are_shown_as_text_in_the_navigation(read_pages, planted_site):
    nav_text = "".join(read_pages["index.html"].text)
    for table in load_package().tables:
        assert f"{table.title} {PAYLOAD}" in nav_text
        assert read_pages[f"tables/{table.name}/index.html"].titles == [
            f"{table.title} {PAYLOAD} - Armenia–Azerbaijan normalization events"]


def test_the_search_index_holds_no_live_planted_markup(planted_site):
    docs = json.loads((planted_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert [d["location"] for d in docs if read(d["title"]).live or read(d["text"]).live] == []
    assert any(PAYLOAD in "".join(read(d["title"]).text) for d in docs)


def test_every_page_carries_the_policy_and_no_inline_script(read_pages):
    html = {name: page for name, page in read_pages.items() if name.endswith(".html")}
    assert {name: page.policies for name, page in html.items() if page.policies != [CONTENT_SECURITY_POLICY]} == {}
    assert {name: page.inline_scripts for name, page in html.items() if page.inline_scripts} == {}


def test_a_site_address_that_could_close_an_attribute_is_refused():
    """release.toml's site_url is written raw into every page's canonical link by the theme."""
    with pytest.raises(identity.ReleaseConfigError) as raised:
        identity.parse({"version": "1.0.0", "site_url": 'https://example.org/"><script>x()</script>'})
    assert str(raised.value) == ("release.toml: site_url must be a plain https:// address (letters, digits and '.', "
                                 "'-', '_', '~', '%', '/'), not 'https://example.org/\"><script>x()</script>'")


def test_the_policy_allows_only_the_site_itself():
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; "
        "img-src 'self' data:; style-src 'self'; style-src-attr 'unsafe-inline'; font-src 'self'; "
        "object-src 'self'; base-uri 'self'; form-action 'self'")


@pytest.mark.parametrize(("script", "partial", "index"), [
    ("scope.js", "base.html", 0), ("palette.js", "palette.html", 0), ("tabs.js", "content.html", 0),
    ("content.js", "content.html", 1)])
def test_the_theme_scripts_moved_to_files_are_the_themes_own(script, partial, index):
    """A theme upgrade that changes an inline script fails here, not silently on the site."""
    theme = Path(material.__file__).parent / "templates" / "partials" / "javascripts" / partial
    inline = re.findall(r"<script>(.*?)</script>", theme.read_text(encoding="utf-8"))[index]
    inline = inline.replace('new URL("{{ config.extra.scope | d(base_url) }}",location)',
                            "new URL(document.currentScript.dataset.scope,location)")
    moved = [line for line in (THEME / "assets" / "theme" / script).read_text().splitlines()
             if not line.startswith("//")]
    assert moved == [inline]


# --- in Chromium: the policy blocks nothing the site does, and the Query page still runs DuckDB-WASM ------------

WATCH = """window.violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.violations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
window.planted = () => window.violations.push("planted() ran");"""


@pytest.fixture(scope="module")
def planted_base(planted_site: Path):
    """The planted site served on 127.0.0.1; its address."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(planted_site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}/"
        server.shutdown()


def visited(read_pages: dict[str, Markup]) -> list[str]:
    """Every page but the record pages, of which one per table (they share one template)."""
    names = [n.removesuffix("index.html") for n in read_pages if n.endswith("index.html")]
    kinds = {n.split("/")[1].split("-")[0]: n for n in reversed(names) if n.startswith("records/")}
    return [n for n in names if not n.startswith("records/")] + sorted(kinds.values())


@pytest.mark.browser
def test_no_page_reports_a_policy_violation_and_the_query_page_runs_a_query(browser, planted_base, read_pages):
    page = count_requests(browser.new_page())
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    reported = {}
    for path in visited(read_pages):
        page.goto(planted_base + path)
        settle(page)
        reported.update({path: v} if (v := page.evaluate("window.violations")) else {})
    page.goto(planted_base + "query/#sql=SELECT%2042%20AS%20answer")
    page.wait_for_selector("#query-result td", timeout=60_000)
    assert page.inner_text("#query-result td") == "42"
    reported.update({"query/": v} if (v := page.evaluate("window.violations")) else {})
    page.close()
    assert reported == {} and errors == []
