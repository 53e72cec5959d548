"""`make audit` counts single-source and uncertain records and names those sourced from one side only."""

from __future__ import annotations

from scripts import audit as audit_stage
from scripts.build import build
from scripts.package import load_package


def audit(package) -> str:
    """The report on the database the build stage writes from the package."""
    loaded = load_package(package.root)
    build(loaded, package.root / "build")
    return audit_stage.audit(loaded, package.root / "build")


def test_counts_rows_single_source_and_uncertain_records_per_table(package):
    package.set("meetings", 0, record_status="provisional")
    lines = audit(package).splitlines()
    assert lines[1].split() == ["meetings", "1", "1", "0", "1", "day", "1"]


def test_lists_records_whose_sources_all_come_from_one_side(package):
    package.set("publishers", 1, side="azerbaijan")
    text = audit(package)
    assert "1 records rest only on sources from one side:" in text
    assert "  mtg-0001  azerbaijan (1 source)" in text


def test_records_with_sources_from_both_sides_are_not_listed(package):
    package.set("publishers", 1, side="azerbaijan")
    package.add("citations", record_id="mtg-0001", source_id=package.rows["sources"][0]["source_id"])
    package.set("publishers", 0, side="armenia")
    assert "mtg-0001" not in audit(package)


def test_a_copy_counts_on_the_side_of_its_original_publisher(package):
    package.set("publishers", 1, side="azerbaijan")
    package.set("sources", 1, original_publisher_id="example_news")
    assert "mtg-0001" not in audit(package)


def test_counts_titled_and_day_dated_sources_and_claims_per_claimant_kind(package):
    package.set("sources", 1, title="", published_date_precision="month", published_date="2021-01-01")
    text = audit(package)
    assert "sources with a title: 1 of 2; with a day date: 1 of 2" in text
    assert "claims per claimant kind:\n  official                                     1" in text
