"""The committed records: as many as were curated, neutral outside claims, every source URL usable and unique."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from scripts.load import read_package
from scripts.package import ROOT

# Rows brought in by the curation rounds so far (issues 3, 14 and the sweep of issue 24); a smaller count means
# records were lost.
CURATED_AT_LEAST = {
    "meetings": 88,
    "prisoner_transfers": 30,
    "mine_map_handovers": 8,
    "documents": 8,
    "claims": 344,
    "sources": 528,
    "citations": 1025,
    "parties": 20,
    "places": 49,
}
# Where each table of events keeps the day an event happened; a meeting counts only once it was held.
EVENT_DAYS = {"meetings": "date_start", "prisoner_transfers": "date", "mine_map_handovers": "date", "documents": "date"}
# Where loaded terms may stand: a claim's own wording, and the titles and addresses of cited documents.
ATTRIBUTED_TEXT = {("claims", "summary"), ("sources", "title"), ("sources", "url")}


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return read_package()[1]


def held_after(frames: dict[str, pl.DataFrame], through: str) -> list[str]:
    """Ids of the events dated after the completeness date: only meetings that were held count, since a meeting
    announced or proposed before the date may be planned for a later day."""
    late = []
    for table, day in EVENT_DAYS.items():
        frame = frames[table].filter(pl.col(day) > through)
        if table == "meetings":
            frame = frame.filter(pl.col("status") == "held")
        late += frame.get_column(frame.columns[0]).to_list()
    return late


@pytest.mark.parametrize("table", sorted(CURATED_AT_LEAST))
def test_table_keeps_at_least_the_curated_rows(frames, table):
    assert frames[table].height >= CURATED_AT_LEAST[table]


def test_no_loaded_term_outside_an_attributed_claim(frames):
    terms = json.loads((ROOT / "datapackage.json").read_text())["x-loadedTerms"]
    loaded = r"(?i)\b(" + "|".join(re.escape(t) for t in terms) + r")\b"
    found = [f"{table}.{column}: {value[:80]}"
             for table, frame in frames.items() for column in frame.columns
             if (table, column) not in ATTRIBUTED_TEXT and frame.schema[column] == pl.String
             for value in frame.filter(pl.col(column).str.contains(loaded)).get_column(column)]
    assert found == []


def test_every_source_url_is_http_or_https(frames):
    urls = frames["sources"].get_column("url")
    assert urls.str.contains(r"^https?://\S+$").all()


def test_no_two_sources_share_a_url(frames):
    urls = frames["sources"].get_column("url")
    assert urls.n_unique() == urls.len()


def test_every_source_without_a_title_or_a_day_says_why(frames):
    sources = frames["sources"]
    unexplained = sources.filter((pl.col("title").is_null() | (pl.col("published_date_precision") != "day"))
                                 & pl.col("note").is_null())
    assert unexplained.get_column("source_id").to_list() == []


def test_an_outlets_own_figure_is_never_a_states_claim(frames):
    outlets = frames["claims"].filter(pl.col("claimant_kind") == "outlet")
    assert outlets.height > 0
    assert outlets.filter(pl.col("claimant_party").is_not_null()).get_column("claim_id").to_list() == []


def test_no_event_held_after_the_completeness_date(frames):
    through = json.loads((ROOT / "datapackage.json").read_text())["x-completeThrough"]
    assert held_after(frames, through) == []


def test_a_held_meeting_or_a_transfer_after_the_completeness_date_is_named_and_a_proposed_one_is_not():
    def table(id_field, day, rows, **extra):
        return pl.DataFrame({id_field: [r[0] for r in rows], day: [r[1] for r in rows], **extra})
    frames = {
        "meetings": table("meeting_id", "date_start", [("mtg-9001", "2026-03-02"), ("mtg-9002", "2026-05-04"),
                                                       ("mtg-9003", "2026-02-28")],
                          status=["held", "proposed", "held"]),
        "prisoner_transfers": table("transfer_id", "date", [("trf-9001", "2026-03-01")]),
        "mine_map_handovers": table("handover_id", "date", [("mmh-9001", "2026-01-15")]),
        "documents": table("document_id", "date", [("doc-9001", "2026-02-28")]),
    }
    assert held_after(frames, "2026-02-28") == ["mtg-9001", "trf-9001"]
