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
# Wording about our own searching and reading, which has no place in a published note.
PROCESS_WORDING = (r"(?i)\b(this pass|earlier pass|(not )?searched|searches so far|not (yet )?checked"
                   r"|stored (pages?|cop(y|ies)|corpus)|quer(y|ies)|corpus|curators?|consulted|(first|second) review"
                   r"|not seen|title not recorded)\b")

# Wording by which a summary hands the figure or statement to someone other than the outlet that published it.
RELAYED_CLAIM = (r"(?i)\b(citing|cited by|according to|relay(s|ed|ing)?|quot(es|ed|ing)|using [^,.;]{0,40}\bdata"
                 r"|draw(s|ing)? on|based on|on the basis of|figures of|sources? (say|said|told)|(as )?reported by"
                 r"|wrote that [^.;]{0,80}\b(put|puts|said|says|gave|gives))\b")
RELAYING_OUTLET_CLAIMS_AT_MOST = 2

# The one rule for a publisher's side (schemas/publishers.schema.json), as code.
MEDIATOR_STATES = {"RU", "US", "FR"}  # Russia, the United States and France, the OSCE Minsk Group co-chair states
MEDIATOR_ORGANISATION_HOSTS = ("europa.eu", "osce.org")  # the European Union; the OSCE and its Minsk Group
STATE_SIDES = {"AM": "armenia", "AZ": "azerbaijan"} | {code: "mediator" for code in MEDIATOR_STATES}
STATE_LINKED_KINDS = {"official", "disinformation_outlet", "public_media", "state_media"}
ARMENIAN_DE_FACTO_AUTHORITIES = "Nagorno-Karabakh de facto authorities"
AUDIENCES = {"armenia": r"\bArmenian[- ](diaspora|community|American)\b",
             "azerbaijan": r"\bAzerbaijani[- ](diaspora|community)\b"}
BASES = {"AM": "armenia", "AZ": "azerbaijan"}
# Sources that may support a record only next to another source.
WEAK_SOURCE_KINDS = {"aggregator", "disinformation_outlet"}


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


def test_no_note_speaks_of_how_the_records_were_curated(frames):
    found = [f"{table}.{column} {row[0]}: {row[1][:80]}"
             for table, frame in frames.items() for column in frame.columns if column.endswith("note")
             for row in frame.filter(pl.col(column).str.contains(PROCESS_WORDING))
                             .select(frame.columns[0], column).iter_rows()]
    assert found == []


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


def side_by_rule(publisher: dict) -> str | None:
    """The side the one rule gives a publisher; None where a state-linked publisher names no state."""
    if publisher["kind"] == "international_organisation":
        host = publisher["home_host"]
        return "mediator" if any(host == h or host.endswith("." + h) for h in MEDIATOR_ORGANISATION_HOSTS) \
            else "third_party"
    if publisher["kind"] in STATE_LINKED_KINDS:
        if publisher["country_code"]:
            return STATE_SIDES.get(publisher["country_code"], "third_party")
        return "armenia" if ARMENIAN_DE_FACTO_AUTHORITIES in (publisher["note"] or "") else None
    if publisher["country_code"] in BASES:
        return BASES[publisher["country_code"]]
    return next((side for side, audience in AUDIENCES.items() if re.search(audience, publisher["note"] or "")),
                "third_party")


def test_every_publishers_side_follows_the_one_rule(frames):
    wrong = [f"{p['publisher_id']}: side {p['side']}, the rule gives {side_by_rule(p)}"
             for p in frames["publishers"].iter_rows(named=True) if side_by_rule(p) != p["side"]]
    assert wrong == []


def test_every_state_linked_publisher_names_its_state(frames):
    stateless = [p["publisher_id"] for p in frames["publishers"].iter_rows(named=True)
                 if p["kind"] in STATE_LINKED_KINDS and side_by_rule(p) is None]
    assert stateless == []


def test_no_publisher_of_a_state_outside_the_mediators_is_a_mediator(frames):
    publishers = frames["publishers"].filter((pl.col("side") == "mediator")
                                             & ~pl.col("country_code").is_in(sorted(MEDIATOR_STATES)))
    hosts = [p["publisher_id"] for p in publishers.iter_rows(named=True)
             if not p["home_host"].endswith(MEDIATOR_ORGANISATION_HOSTS)]
    assert hosts == []


def test_every_disinformation_outlet_cites_the_document_that_describes_it(frames):
    outlets = frames["publishers"].filter(pl.col("kind") == "disinformation_outlet")
    assert outlets.height > 0
    uncited = outlets.filter(~pl.col("note").fill_null("").str.contains(r"https?://\S+"))
    assert uncited.get_column("publisher_id").to_list() == []


def test_broadcasters_funded_under_one_us_statute_share_one_kind(frames):
    usagm = frames["publishers"].filter(pl.col("note").str.contains("US Agency for Global Media"))
    assert sorted(usagm.get_column("publisher_id")) == ["azatutyun", "rferl", "voa_azerbaijani"]
    kinds = dict(usagm.select("publisher_id", "kind").iter_rows())
    assert kinds == dict.fromkeys(usagm["publisher_id"], "public_media")


def test_no_record_rests_on_aggregator_or_disinformation_sources_alone(frames):
    weak = frames["publishers"].filter(pl.col("kind").is_in(sorted(WEAK_SOURCE_KINDS))).get_column("publisher_id")
    sources = frames["sources"].select("source_id", pl.col("publisher_id").is_in(weak.to_list()).alias("weak"))
    only_weak = (frames["citations"].join(sources, on="source_id").group_by("record_id")
                 .agg(pl.col("weak").all()).filter(pl.col("weak")).get_column("record_id"))
    records = pl.concat([frames[table].select(pl.col(frames[table].columns[0]).alias("record_id"), "record_status",
                                              "uncertainty_note")
                         for table in ("meetings", "prisoner_transfers", "mine_map_handovers", "documents", "claims")])
    unmarked = records.filter(pl.col("record_id").is_in(only_weak.to_list())
                              & ((pl.col("record_status") != "provisional") | pl.col("uncertainty_note").is_null()))
    assert unmarked.get_column("record_id").to_list() == []


def relaying_outlet_claims(frames) -> pl.DataFrame:
    claims = frames["claims"]
    return claims.filter((pl.col("claimant_kind") == "outlet") & pl.col("summary").str.contains(RELAYED_CLAIM))


def test_few_outlet_claims_relay_another_claimant(frames):
    assert relaying_outlet_claims(frames).height <= RELAYING_OUTLET_CLAIMS_AT_MOST


def test_an_outlet_claim_that_draws_on_another_says_why_it_stays_the_outlets(frames):
    unexplained = relaying_outlet_claims(frames).filter(~pl.col("uncertainty_note").fill_null("")
                                                         .str.contains(r"\bown claim\b"))
    assert unexplained.get_column("claim_id").to_list() == []
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
