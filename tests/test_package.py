"""The package model: what loading normalises, and what it refuses (one `file: message` line, exit 1)."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pytest

from scripts import build
from scripts.package import FIELD_RULE_KEYS, ROOT, load_package
from scripts.validate import main
from tests.conftest import PackageCopy


def check(package: PackageCopy, capsys) -> tuple[int, list[str]]:
    code = main([str(package.root)])
    return code, capsys.readouterr().out.splitlines()


def edit_json(package: PackageCopy, relpath: str, edit) -> None:
    path = package.root / relpath
    value = json.loads(path.read_text())
    edit(value)
    path.write_text(json.dumps(value, indent=2))


def field_of(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def assert_refused(package: PackageCopy, capsys, expected: str) -> None:
    code, lines = check(package, capsys)
    assert (code, lines) == (1, [expected, "1 problem found"])


# --- normalised ------------------------------------------------------------------------------------------------

def test_a_foreign_key_written_as_strings_is_read_as_lists(package, tmp_path):
    def as_strings(schema):
        fk = next(f for f in schema["foreignKeys"] if f["fields"] == ["place_id"])
        fk["fields"], fk["reference"]["fields"] = "place_id", "place_id"
    edit_json(package, "schemas/meetings.schema.json", as_strings)
    fk = load_package(package.root).table("meetings").foreign_key("place_id")
    assert (fk.fields, fk.resource, fk.reference_fields) == (("place_id",), "places", ("place_id",))


def test_a_package_with_string_foreign_keys_builds(package, tmp_path):
    def as_strings(schema):
        for fk in schema["foreignKeys"]:
            fk["fields"], fk["reference"]["fields"] = fk["fields"][0], fk["reference"]["fields"][0]
    edit_json(package, "schemas/meetings.schema.json", as_strings)
    database = build.build(load_package(package.root), tmp_path / "out")
    assert database.is_file()


def test_a_foreign_key_without_a_resource_refers_to_its_own_table(package):
    def self_reference(schema):
        schema.setdefault("foreignKeys", []).append({"fields": ["party_id"], "reference": {"fields": ["party_id"]}})
    edit_json(package, "schemas/parties.schema.json", self_reference)
    assert load_package(package.root).table("parties").foreign_key("party_id").resource == "parties"


def test_key_fields_are_required_and_a_single_key_is_unique(package):
    field = load_package(package.root).table("meetings").field("meeting_id")
    assert field.required and field.unique


def test_codes_come_with_their_labels(package):
    status = load_package(package.root).table("meetings").field("status")
    assert status.code_values[:2] == ["held", "cancelled"] and status.label("held")


# --- refused ---------------------------------------------------------------------------------------------------

def test_a_misspelt_rule_key_is_refused(package, capsys):
    edit_json(package, "schemas/meetings.schema.json",
              lambda s: field_of(s, "date_end").update({"x-notbefore": field_of(s, "date_end").pop("x-notBefore")}))
    assert_refused(package, capsys, "schemas/meetings.schema.json: fields.date_end: unknown rule key(s) x-notbefore "
                                    f"(known: {', '.join(FIELD_RULE_KEYS)})")


def test_a_category_missing_from_enum_is_refused(package, capsys):
    edit_json(package, "schemas/meetings.schema.json",
              lambda s: field_of(s, "status")["constraints"]["enum"].remove("postponed"))
    assert_refused(package, capsys, "schemas/meetings.schema.json: fields.status: categories and constraints.enum must "
                                    "list the same codes in the same order (only in categories: postponed)")


def test_a_rule_naming_an_unknown_field_is_refused(package, capsys):
    edit_json(package, "schemas/meetings.schema.json",
              lambda s: field_of(s, "date_end").update({"x-notBefore": "start"}))
    assert_refused(package, capsys, "schemas/meetings.schema.json::date_end.x-notBefore: refers to unknown field(s) "
                                    "start of 'meetings'")


def test_a_foreign_key_to_an_unknown_resource_is_refused(package, capsys):
    edit_json(package, "schemas/meetings.schema.json",
              lambda s: s["foreignKeys"][0]["reference"].update(resource="venues"))
    assert_refused(package, capsys, "schemas/meetings.schema.json::foreignKeys[0]: refers to unknown resource 'venues'")


@pytest.mark.parametrize("name", ["../../../../somewhere/x", "Am Az", "a/b", "x..y"])
def test_a_package_name_that_could_be_a_path_is_refused(package, capsys, name):
    edit_json(package, "datapackage.json", lambda d: d.update(name=name))
    assert_refused(package, capsys, f"datapackage.json::name: package name {json.dumps(name)} is not a safe name: use "
                                    "lower-case letters, digits, '.', '_' and '-' (no '/', no '..')")


def test_a_resource_name_that_could_be_a_path_is_refused(package, capsys):
    edit_json(package, "datapackage.json", lambda d: d["resources"][0].update(name="../../../../somewhere/y"))
    assert_refused(package, capsys, "datapackage.json::resources[0].name: resource name \"../../../../somewhere/y\" is "
                                    "not a safe name: use lower-case letters, digits, '.', '_' and '-' (no '/', no "
                                    "'..')")


def test_a_version_that_could_be_a_path_is_refused(package, capsys):
    edit_json(package, "datapackage.json", lambda d: d.update(version="0.1.0/../x"))
    assert_refused(package, capsys, "datapackage.json::version: version \"0.1.0/../x\" is not a safe name: use "
                                    "lower-case letters, digits, '.', '_' and '-' (no '/', no '..')")


def test_an_unknown_package_level_key_is_refused(package, capsys):
    edit_json(package, "datapackage.json", lambda d: d.update({"x-loadedTerm": []}))
    assert_refused(package, capsys, "datapackage.json: unknown key(s) x-loadedTerm (known: x-completeThrough, "
                                    "x-loadedTerms, x-processTerms)")


def test_process_terms_that_are_not_a_list_of_words_are_refused(package, capsys):
    edit_json(package, "datapackage.json", lambda d: d.update({"x-processTerms": ["fact sheet", " "]}))
    assert_refused(package, capsys, "datapackage.json::x-processTerms: must be a list of non-empty strings")


def test_relay_terms_without_terms_are_refused(package, capsys):
    def edit(schema):
        summary = next(f for f in schema["fields"] if f["name"] == "summary")
        summary["x-relayTerms"] = {"field": "claimant_kind", "values": ["outlet"], "terms": []}
    edit_json(package, "schemas/claims.schema.json", edit)
    assert_refused(package, capsys, "schemas/claims.schema.json: fields.summary: x-relayTerms: terms must be a "
                                    "non-empty list of non-empty strings")


def test_a_schema_file_that_is_a_symbolic_link_is_refused(package, capsys):
    path = package.root / "schemas" / "places.schema.json"
    shutil.move(path, package.root / "elsewhere.json")
    path.symlink_to(package.root / "elsewhere.json")
    assert_refused(package, capsys, "schemas/places.schema.json: must be a regular file inside the package")


# --- a table added with only its descriptor entry, schema and CSV ---------------------------------------------

def test_a_reference_table_added_as_descriptor_schema_and_csv_is_validated_and_built(package, tmp_path, capsys):
    schema = {"fields": [{"name": "region_id", "type": "string", "description": "Id.",
                          "constraints": {"required": True, "pattern": "[a-z]+"}},
                         {"name": "name", "type": "string", "description": "Name.", "constraints": {"required": True}}],
              "primaryKey": ["region_id"]}
    (package.root / "schemas" / "regions.schema.json").write_text(json.dumps(schema))
    edit_json(package, "datapackage.json", lambda d: d["resources"].append(
        {"name": "regions", "path": "data/regions.csv", "schema": "schemas/regions.schema.json",
         "description": "Regions."}))
    (package.root / "data" / "regions.csv").write_text("region_id,name\nsouth,South\n")
    assert check(package, capsys)[0] == 0
    database = build.build(load_package(package.root), tmp_path / "out")
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT * FROM regions").fetchall() == [("south", "South")]


def test_the_committed_package_loads():
    assert load_package(ROOT).names


# --- bounded -------------------------------------------------------------------------------------------------------

def unbounded_pattern(pattern: str) -> bool:
    """Whether the pattern lets a cell be as long as it likes (`*`, `+` or `{n,}` outside a character class)."""
    outside_classes = re.sub(r"\\.|\[(?:\\.|[^\]])*\]", "", pattern)
    return bool(re.search(r"[*+]|\{\d+,\}", outside_classes))


def test_every_text_field_has_a_length_bound():
    """A maxLength, a code list or a pattern of bounded length: a cell cannot be a megabyte of anything."""
    unbounded = [f"{t.name}.{f.name}" for t in load_package().tables for f in t.fields if f.type.name == "string"
                 and f.max_length is None and not f.codes and (f.pattern is None or unbounded_pattern(f.pattern))]
    assert unbounded == []


@pytest.mark.parametrize(("pattern", "unbounded"), [("[a-z][a-z0-9_]*", True), ("mtg-[0-9]{4,}", True),
                                                     ("Q[0-9]+", True), ("[A-Z]{2}-[A-Z0-9]{1,3}", False),
                                                     ("src-[0-9a-f]{8}", False), ("[*+]{2}", False)])
def test_a_pattern_is_unbounded_where_it_repeats_without_limit(pattern, unbounded):
    assert unbounded_pattern(pattern) is unbounded


def test_a_cell_longer_than_its_bound_is_rejected(package, capsys):
    package.set("places", 0, geo_source_url="https://www.geonames.org/" + "1" * 2000)
    assert_refused(package, capsys, "data/places.csv:2:geo_source_url: is longer than 2000 characters")
