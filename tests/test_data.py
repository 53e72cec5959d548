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


def test_every_source_has_a_publisher(frames):
    assert frames["sources"].get_column("publisher").null_count() == 0
