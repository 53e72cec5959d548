"""The readers' journeys on the real build, in Chromium, at 1280 px and at 390 px: each question answered from
visible text within a stated number of clicks from Home. The answers are read from the built database, never
written here, so a corrected record changes the expectation, not the test."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest

from scripts import manifest
from scripts.site.html import shown_date
from scripts.site.values import long_date
from tests.acceptance import Journey, visible

pytestmark = pytest.mark.acceptance


def home(reader, real_base: str, name: str) -> Journey:
    reader.goto(real_base)
    return Journey(name, reader.width_name, reader)


def open_menu_entry(journey: Journey, name: str) -> None:
    """A top-level entry of the site's navigation: a tab on a wide screen, the menu on a phone."""
    page = journey.page
    if page.width_name == "phone":
        journey.click(page.locator("label.md-header__button[for=__drawer]"))
        journey.click(page.locator(".md-nav--primary .md-nav__link", has_text=name).first)
    else:
        journey.click(page.locator(".md-tabs__link", has_text=name).first)


def test_a_journalist_reads_how_many_people_each_side_handed_over_and_when_last_from_home(reader, real_base, db):
    journey = home(reader, real_base, "people handed over, by direction, and the last transfer")
    text = visible(reader)
    rows = db.execute("SELECT f.name, r.name, sum(people_best), min(date), max(date) FROM prisoner_transfers "
                      "JOIN parties f ON f.party_id = from_party JOIN parties r ON r.party_id = to_party "
                      "WHERE from_party IN ('armenia', 'azerbaijan') AND to_party IN ('armenia', 'azerbaijan') "
                      "GROUP BY ALL").fetchall()
    assert len(rows) == 2
    for released, received, people, _, last in rows:
        assert f"{released} → {received}: {people:,} " in text
        assert f"the last on {long_date(last, 'day')}" in text
    journey.done(most=0)


def test_a_journalist_reads_the_people_azerbaijan_returned_to_armenia_and_the_last_release_in_the_list(
        reader, real_base, db):
    journey = home(reader, real_base, "people Azerbaijan returned to Armenia and the last release, in the list")
    total = db.execute("SELECT count(*) FROM prisoner_transfers").fetchone()[0]
    n, first, first_p, last, last_p, best, low, high = db.execute(
        "SELECT count(*), min(date), arg_min(date_precision, date), max(date), arg_max(date_precision, date), "
        "sum(people_best), sum(people_min), sum(people_max) FROM prisoner_transfers "
        "WHERE from_party = 'azerbaijan' AND to_party = 'armenia'").fetchone()
    journey.click(reader.locator("#figure-people_handed_over_by_direction a[href*='from=Azerbaijan&to=Armenia']"))
    reader.wait_for_selector("table.explorer[data-enhanced=true]")
    assert (f"{n} of {total} records, dated {shown_date(first, first_p)} to {shown_date(last, last_p)}. "
            f"People: {best:,} ({low:,}–{high:,} as the sources differ).") in visible(reader)
    journey.done(most=3)


def test_a_journalist_finds_both_meetings_held_in_abu_dhabi_by_searching_the_meetings_list(reader, real_base, db):
    journey = home(reader, real_base, "the meetings held in Abu Dhabi, through the meetings list")
    expected = db.execute("SELECT meeting_id, date_start FROM meetings JOIN places USING (place_id) "
                          "WHERE places.name = 'Abu Dhabi' ORDER BY date_start").fetchall()
    assert len(expected) >= 2
    open_menu_entry(journey, "Tables")
    journey.click(reader.locator("article a[href$='meetings/']", has_text="Meetings").first)
    reader.wait_for_selector("table.explorer[data-enhanced=true]")
    reader.fill(".datatable-input", "Abu Dhabi")
    reader.wait_for_function(f"() => document.querySelectorAll('table.explorer tbody tr').length === {len(expected)}")
    text = visible(reader)
    assert all(f"{day}" in text and meeting_id in text for meeting_id, day in expected)
    assert f"{len(expected)} of " in reader.inner_text(".explorer-totals")
    journey.done(most=3)


def test_a_journalist_finds_the_last_leaders_meeting_its_place_and_what_came_of_it(reader, real_base, db):
    journey = home(reader, real_base, "last leaders' meeting, its place and outcome")
    meeting_id, day, place, summary = db.execute(
        "SELECT meeting_id, date_start, p.name, summary FROM meetings LEFT JOIN places p USING (place_id) "
        "WHERE status = 'held' AND level = 'leaders' ORDER BY date_start DESC LIMIT 1").fetchone()
    assert f"Leaders: last met on {long_date(day, 'day')} in {place}" in visible(reader)
    journey.click(reader.locator(f"#figure-last_meeting_at_each_level a[href$='records/{meeting_id}/']"))
    assert summary in visible(reader)
    journey.done(most=1)


def test_a_journalist_finds_the_washington_meeting_with_its_documents_and_a_citation_line(reader, real_base, db):
    journey = home(reader, real_base, "the Washington meeting of 8 August 2025, documents and citation")
    meeting_id = db.execute("SELECT meeting_id FROM meetings WHERE date_start = DATE '2025-08-08' AND "
                            "status = 'held' AND level = 'leaders'").fetchone()[0]
    documents = [t for (t,) in db.execute("SELECT title FROM documents WHERE meeting_id = ?", [meeting_id]).fetchall()]
    assert len(documents) >= 3
    search = reader.locator(".md-search__input")
    journey.click(reader.locator("label[for=__search]").first if reader.width_name == "phone" else search)
    search.press_sequentially("Washington August 2025", delay=30)  # key by key, as a reader types: Material runs a
    # query when a key goes up, not when a value is filled in at once
    journey.click(reader.locator(f".md-search-result__link[href*='records/{meeting_id}/']").first)
    text = visible(reader)
    assert all(title in text for title in documents)
    assert re.search(rf"\(version [^)]+\) \[Data set\], record {meeting_id}: [^\n]+\. Accessed \[day month year\]\.",
                     text)  # the citation line
    journey.done(most=3)


def test_a_journalist_opens_a_source_of_a_transfer_from_its_record(reader, real_base, db):
    transfer_id, url = db.execute("SELECT t.transfer_id, s.url FROM prisoner_transfers t JOIN citations c ON "
                                  "c.record_id = t.transfer_id JOIN sources s USING (source_id) "
                                  "ORDER BY t.date DESC, s.url LIMIT 1").fetchone()
    reader.goto(urljoin(real_base, f"records/{transfer_id}/"))
    journey = Journey("a source of a transfer, from its record", reader.width_name, reader)
    link = reader.locator(f".record-sources a[href='{url}']")
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    with reader.context.expect_page() as opened:
        journey.click(link)
    opened.value.wait_for_load_state("commit")
    assert url in reader.outside  # the reader's browser asked for the source page (refused here: no network)
    reader.outside.remove(url)
    opened.value.close()
    journey.done(most=1)


def test_every_download_resolves_verifies_against_its_digest_and_the_spreadsheet_opens(reader, real_base, tmp_path):
    reader.goto(urljoin(real_base, "downloads/"))
    links = reader.eval_on_selector_all("table.downloads a", "as => as.map(a => a.href)")
    listed = reader.request.get(urljoin(real_base, f"downloads/{manifest.MANIFEST}")).json()
    assert sorted(urlsplit(h).path.rsplit("/", 1)[1] for h in links) == sorted(f["name"] for f in listed["files"])
    fetched = {}
    for href in links:
        response = reader.request.get(href)
        assert response.status == 200, href
        fetched[urlsplit(href).path.rsplit("/", 1)[1]] = response.body()
    sums = next(data for name, data in fetched.items() if name.endswith(".sha256")).decode().splitlines()
    assert len(sums) == len(fetched) - 1
    for line in sums:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(fetched[name]).hexdigest() == digest, name
    sheet = next(name for name in fetched if name.endswith(".xlsx"))
    (tmp_path / sheet).write_bytes(fetched[sheet])
    assert "meetings" in openpyxl.load_workbook(tmp_path / sheet, read_only=True).sheetnames
    assert {len(fetched[f["name"]]) for f in listed["files"]} == {f["bytes"] for f in listed["files"]}


def test_a_researcher_reads_what_the_2020_statement_promised_and_what_was_done(reader, real_base, db):
    journey = home(reader, real_base, "what the 2020 statement promised and what was done")
    document_id, title = db.execute("SELECT document_id, title FROM documents WHERE date = DATE '2020-11-10'"
                                    ).fetchone()
    promised = db.execute("SELECT provision_id, point, summary, replace(CAST(status AS VARCHAR), '_', ' ') "
                          "FROM provisions WHERE document_id = ? ORDER BY provision_id", [document_id]).fetchall()
    done = [r for (r,) in db.execute("SELECT DISTINCT l.record_id FROM provision_links l JOIN provisions p "
                                     "USING (provision_id) WHERE p.document_id = ? AND l.record_id LIKE 'trf-%' "
                                     "ORDER BY 1", [document_id]).fetchall()]
    assert len(promised) == 9 and len(done) >= 6
    open_menu_entry(journey, "Commitments")
    journey.click(reader.locator(f"table.commitments a[href$='records/{document_id}/']").first)
    text = visible(reader)
    assert title in text
    for _, point, summary, status in promised:
        assert f"Point {point} · " in text and summary in text, point
        assert f"status: {status}" in text, point
    assert all(transfer in text for transfer in done)
    for transfer in done:  # each transfer carrying out a point links to its page
        assert reader.locator(f".record-provisions a[href$='{transfer}/']").count() >= 1
    journey.done(most=3)


def test_the_changes_feed_parses_and_every_entry_links_a_page_of_the_served_site(desktop, real_base):
    response = desktop.request.get(urljoin(real_base, "changes.atom"))
    assert response.status == 200
    root = ET.fromstring(response.body())  # a real XML parser: a malformed feed raises
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    assert entries and all(e.findtext(f"{atom}updated") for e in entries)
    links = {e.find(f"{atom}link").get("href") for e in entries}
    assert sum(h.startswith("records/") for h in links) > 100
    broken = [h for h in sorted(links) if desktop.request.get(urljoin(real_base, h)).status != 200]
    assert broken == []


def test_the_commitments_list_filters_by_document_status_and_category(desktop, real_base, db):
    desktop.goto(urljoin(real_base, "commitments/"))
    desktop.wait_for_selector("table.commitments[data-enhanced=true]")
    rows = desktop.locator("table.commitments tbody tr")

    def shown_after(menu: str, label: str) -> list[str]:
        for other in ("Document", "Status", "Category"):  # one filter at a time
            desktop.select_option(f".explorer-filters select[aria-label='{other}']", "")
        desktop.select_option(f".explorer-filters select[aria-label='{menu}']", label=label)
        return sorted(rows.evaluate_all("trs => trs.map(tr => tr.id)"))

    def ids(sql: str, *parameters) -> list[str]:
        return sorted(r for (r,) in db.execute(sql, list(parameters)).fetchall())

    statement = desktop.locator("table.commitments a[href$='records/doc-0009/']").first.inner_text()
    assert shown_after("Document", statement) == ids(
        "SELECT provision_id FROM provisions WHERE document_id = 'doc-0009'")
    assert shown_after("Status", "disputed") == ids("SELECT provision_id FROM provisions WHERE status = 'disputed'")
    assert shown_after("Category", "prisoners and detainees") == ids(
        "SELECT provision_id FROM provisions WHERE category = 'prisoners_and_detainees'")
