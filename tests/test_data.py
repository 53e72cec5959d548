"""The committed records: as many as were curated, neutral outside claims, every source URL usable and unique."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from scripts.load import read_package
from scripts.package import ROOT

# Rows brought in by the curation of Nov 2020 - Dec 2024 (issue 3); a smaller count means records were lost.
CURATED_AT_LEAST = {
    "meetings": 85,
    "prisoner_transfers": 30,
    "mine_map_handovers": 8,
    "documents": 8,
    "claims": 334,
    "sources": 510,
    "citations": 1000,
    "parties": 20,
    "places": 47,
}
# Where loaded terms may stand: a claim's own wording, and the titles and addresses of cited documents.
ATTRIBUTED_TEXT = {("claims", "summary"), ("sources", "title"), ("sources", "url")}


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return read_package()[1]


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


# Commitments and their follow-through (issue 25).
CEASEFIRE_STATEMENT = "doc-0009"  # the statement of 10 November 2020
TRANSFERS_LINKED_AT_LEAST = 10


def test_the_2020_statement_has_one_provision_for_each_of_its_nine_points(frames):
    points = frames["provisions"].filter(pl.col("document_id") == CEASEFIRE_STATEMENT).get_column("point")
    assert sorted(points.to_list(), key=int) == [str(n) for n in range(1, 10)]


def test_at_least_ten_prisoner_transfers_are_linked_to_a_provision(frames):
    linked = frames["provision_links"].filter(pl.col("record_id").str.starts_with("trf-")).get_column("record_id")
    assert linked.n_unique() >= TRANSFERS_LINKED_AT_LEAST


def test_every_source_of_a_provision_link_is_a_source_of_the_package(frames):
    named = frames["provision_links"].get_column("source_ids").str.split(";").explode()
    assert set(named.to_list()) - set(frames["sources"].get_column("source_id").to_list()) == set()


def test_every_pax_agreement_id_rests_on_a_cited_pax_page_with_that_id(frames):
    cited = frames["citations"].join(frames["sources"], on="source_id").select("record_id", "url")
    crosswalked = frames["documents"].filter(pl.col("pax_agreement_id").is_not_null())
    pages = {doc: pl.col("url").str.contains(rf"peaceagreements\.org/(agreements|view)/{pax}(/|$)")
             for doc, pax in crosswalked.select("document_id", "pax_agreement_id").iter_rows()}
    unbacked = [doc for doc, page in pages.items() if cited.filter((pl.col("record_id") == doc) & page).is_empty()]
    assert crosswalked.height > 0
    assert unbacked == []


def test_a_provision_with_a_disputed_status_has_a_claim_about_it_or_points_to_one(frames):
    disputed = frames["provisions"].filter(pl.col("status") == "disputed")
    about = set(frames["claims"].get_column("record_id").drop_nulls().to_list())
    unexplained = disputed.filter(~pl.col("provision_id").is_in(list(about))
                                  & ~pl.col("status_note").str.contains(r"claims on prv-[0-9]{4,}"))
    assert disputed.height > 0
    assert unexplained.get_column("provision_id").to_list() == []
