"""The record lists of the real build, in Chromium at 1280 px and 390 px: filters by the party that hands over and
the party that receives, a totals line that follows the filters, and a search that knows the place. The expected
texts are read from the built database."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from scripts.site.html import shown_date

pytestmark = pytest.mark.acceptance


def open_list(reader, real_base: str, table: str) -> None:
    reader.goto(urljoin(real_base, f"tables/{table}/"))
    reader.wait_for_selector("table.explorer[data-enhanced=true]")
    reader.select_option(".datatable-dropdown select", "1000")


def shown_ids(reader) -> list[str]:
    return reader.eval_on_selector_all("table.explorer tbody code.rid", "cs => cs.map(c => c.textContent)")


def transfer_ids(db, where: str) -> list[str]:
    return sorted(r for (r,) in db.execute(f"SELECT transfer_id FROM prisoner_transfers WHERE {where}").fetchall())


def test_the_transfers_list_filters_by_the_party_that_hands_over(reader, real_base, db):
    open_list(reader, real_base, "prisoner_transfers")
    reader.select_option(".explorer-filters select[name=from]", "Azerbaijan")
    assert sorted(shown_ids(reader)) == transfer_ids(db, "from_party = 'azerbaijan'")


def test_the_transfers_list_filters_by_the_party_that_receives(reader, real_base, db):
    open_list(reader, real_base, "prisoner_transfers")
    reader.select_option(".explorer-filters select[name=to]", "Azerbaijan")
    assert sorted(shown_ids(reader)) == transfer_ids(db, "to_party = 'azerbaijan'")


def test_the_totals_line_sums_the_records_the_filters_leave(reader, real_base, db):
    open_list(reader, real_base, "prisoner_transfers")
    total = db.execute("SELECT count(*) FROM prisoner_transfers").fetchone()[0]
    n, first, first_p, last, last_p, best, low, high = db.execute(
        "SELECT count(*), min(date), arg_min(date_precision, date), max(date), arg_max(date_precision, date), "
        "sum(people_best), sum(people_min), sum(people_max) FROM prisoner_transfers "
        "WHERE from_party = 'azerbaijan' AND to_party = 'armenia'").fetchone()
    reader.select_option(".explorer-filters select[name=from]", "Azerbaijan")
    reader.select_option(".explorer-filters select[name=to]", "Armenia")
    assert reader.inner_text(".explorer-totals") == (
        f"{n} of {total} records, dated {shown_date(first, first_p)} to {shown_date(last, last_p)}. "
        f"People: {best:,} ({low:,}–{high:,} as the sources differ).")


def test_the_totals_line_counts_every_record_again_when_the_filters_are_cleared(reader, real_base, db):
    open_list(reader, real_base, "prisoner_transfers")
    total = db.execute("SELECT count(*) FROM prisoner_transfers").fetchone()[0]
    reader.select_option(".explorer-filters select[name=from]", "Armenia")
    reader.select_option(".explorer-filters select[name=from]", "")
    assert reader.inner_text(".explorer-totals").startswith(f"{total} records, dated ")


def test_the_meetings_search_finds_every_meeting_held_in_a_place(reader, real_base, db):
    expected = sorted(m for (m,) in db.execute(
        "SELECT meeting_id FROM meetings JOIN places USING (place_id) WHERE places.name = 'Abu Dhabi'").fetchall())
    assert len(expected) >= 2
    open_list(reader, real_base, "meetings")
    reader.fill(".datatable-input", "Abu Dhabi")
    reader.wait_for_function("() => document.querySelectorAll('table.explorer tbody tr').length < 10")
    assert sorted(shown_ids(reader)) == expected
