"""What the built files say about themselves: column descriptions written for users, the database's `metadata`
table and view column comments, the Parquet files' key-value metadata, and the data dictionary of the zip.

Everything here is derived from the package model and `release.toml` (`scripts.identity`), so the database, the
Parquet files, the spreadsheet and the zip's `data-dictionary.md` say the same thing in the same words.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib

from scripts import events
from scripts.identity import Release, citation_text
from scripts.package import DESCRIPTOR, Field, Package, Table, ident, literal
from scripts.rules import field_words

VIEW_COLUMNS = "columns.toml"  # beside the views in queries/views/: what each view column means
# How the database file is written (scripts/build.py says why), and the oldest DuckDB that opens it.
STORAGE = {"storage_compatibility_version": "v1.4.0"}
OLDEST_DUCKDB = "1.4"
STORAGE_NOTE = (f"Written in DuckDB's {STORAGE['storage_compatibility_version']} storage format: DuckDB "
                f"{OLDEST_DUCKDB} and every later version open it (DuckDB-WASM too); older versions cannot.")
SKIPPED_WORDS = ("Required", "Primary key", "One of")


def licence_text(package: Package) -> str:
    return "; ".join(f"{lic.name} ({lic.path})" if lic.path else lic.name for lic in package.licenses)


def field_text(package: Package, table: Table, field: Field) -> str:
    """A field's meaning for a user: its description, each code with its meaning, and its rules in words,
    naming the table and column a reference points at."""
    text = field.description
    if field.codes:
        text += " Codes: " + " ".join(f"{c.value} = {c.label}".strip() for c in field.codes)
        text += "" if text.endswith(".") else "."
    fk = table.foreign_key(field.name)
    for words in field_words(package, table, field):
        if words.startswith(SKIPPED_WORDS):
            continue
        if fk and words == "Refers to a row of another table.":
            words = f"Refers to {fk.resource}.{fk.reference_fields[0]}."
        text += " " + words
    return text.replace("`", "")


def column_texts(package: Package, table: Table) -> dict[str, str]:
    return {f.name: field_text(package, table, f) for f in table.fields}


def inputs_digest(package: Package) -> str:
    """SHA-256 over the descriptor, the schemas and the CSVs, each preceded by its path: equal digests mean the
    files were built from the same package."""
    digest = hashlib.sha256()
    paths = [DESCRIPTOR] + sorted({t.schema_path for t in package.tables} | {t.path for t in package.tables})
    for path in paths:
        data = (package.root / path).read_bytes()
        digest.update(f"{path}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def built_digest(con) -> str:
    """The inputs digest the build stage wrote into the database's `metadata` table: what later stages use
    instead of reading the inputs again."""
    return con.execute("SELECT value FROM metadata WHERE key = 'inputs_sha256'").fetchone()[0]


def metadata_rows(package: Package, release: Release, digest: str | None = None) -> list[tuple[str, str, str]]:
    """(key, value, meaning) for the database's `metadata` table; keys whose value is not known are left out.
    `digest`: the inputs digest when it is already known (`built_digest`)."""
    rows = [("name", package.name, "Name of the data package."),
            ("title", package.title, "Title of the data set."),
            ("version", release.version, "Version of this release (Semantic Versioning; see CHANGELOG.md)."),
            ("released", release.date_words, "Date of this release."),
            ("complete_through", package.complete_through,
             "Records are complete up to this date; later events may be missing."),
            ("licence", licence_text(package), "Licence of the data."),
            ("citation", citation_text(package, release), "How to cite this release."),
            ("site_url", release.site_url, "Documentation site."),
            ("repository_url", release.repository_url, "Source repository."),
            ("inputs_sha256", digest or inputs_digest(package),
             "SHA-256 of datapackage.json, the schemas and the CSV files this database was built from."),
            ("storage", STORAGE_NOTE, "Which DuckDB versions open this file.")]
    return [(k, str(v), m) for k, v, m in rows if v]


def metadata_sql(package: Package, release: Release, digest: str | None = None) -> list[str]:
    """The `metadata` table: one row per fact about the release, with comments."""
    values = ",\n    ".join(f"({literal(k)}, {literal(v)}, {literal(m)})" for k, v, m in
                             metadata_rows(package, release, digest))
    return [
        "CREATE TABLE metadata (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL, meaning VARCHAR NOT NULL)",
        f"INSERT INTO metadata VALUES\n    {values}",
        "COMMENT ON TABLE metadata IS 'About this database: name, version, release date, licence, how to cite, "
        "and a digest of the files it was built from. One row per fact.'",
        "COMMENT ON COLUMN metadata.key IS 'What the row states, such as version or citation.'",
        "COMMENT ON COLUMN metadata.value IS 'The fact, as text.'",
        "COMMENT ON COLUMN metadata.meaning IS 'What the key means.'"]


# --- views ----------------------------------------------------------------------------------------------------

def view_column_config(package: Package) -> dict[str, dict[str, str]]:
    """What each view column means: queries/views/columns.toml, with the notes of the events view's columns that
    name tables and fields written from the model (`scripts.events`)."""
    path = package.root / "queries" / "views" / VIEW_COLUMNS
    config = {}
    if path.is_file():
        with path.open("rb") as f:
            config = tomllib.load(f)
    config[events.VIEW] = {**config.get(events.VIEW, {}), **events.column_texts(package)}
    return config


REFERENCE = re.compile(r"([a-z_]+)\.([a-z_0-9]+)(?::\s*(.*))?", re.S)


def view_column_text(package: Package, view: str, column: str, config: dict) -> str:
    """A view column's meaning: its line in queries/views/columns.toml, either words or `table.field` (that
    field's description, optionally followed by `: ` and a note), or else a note pointing at the view."""
    given = config.get(view, {}).get(column)
    if given is None:
        return f"Computed by the view {view}; see the view's description."
    match = REFERENCE.fullmatch(given.strip())
    if match and match[1] in package.names and match[2] in package.table(match[1]).field_names:
        table = package.table(match[1])
        text = field_text(package, table, table.field(match[2]))
        return text + (f" {match[3].strip()}" if match[3] else "")
    return given.strip()


def view_comment_sql(package: Package, views: dict[str, list[str]]) -> list[str]:
    """COMMENT ON COLUMN for every column of every view ({view: [columns]})."""
    config = view_column_config(package)
    return [f"COMMENT ON COLUMN {ident(view)}.{ident(column)} IS "
            f"{literal(view_column_text(package, view, column, config))}"
            for view, columns in views.items() for column in columns]


# --- Parquet --------------------------------------------------------------------------------------------------

PANDAS_TYPES = {"BIGINT": ("int64", "Int64"), "DOUBLE": ("float64", "float64"), "DATE": ("date", "object"),
                "VARCHAR": ("unicode", "string")}


def pandas_metadata(table: Table) -> str:
    """The `pandas` key pyarrow reads when it turns the file into a DataFrame: whole-number columns come back
    as the nullable Int64 (not float64 where a value is missing) and text as pandas' string type."""
    kinds = {f.name: ("unicode", "string") if f.codes else PANDAS_TYPES.get(f.type.sql, ("mixed", "object"))
             for f in table.fields}
    columns = [{"name": f.name, "field_name": f.name, "pandas_type": kinds[f.name][0], "numpy_type": kinds[f.name][1],
                "metadata": None} for f in table.fields]
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": columns,
                       "creator": {"library": "am-az-normalization", "version": "1"}}, sort_keys=True)


def parquet_metadata(package: Package, release: Release, table: Table) -> dict[str, str]:
    """Key-value metadata of a table's Parquet file: what the table and each column mean, the release, the
    licence and the citation."""
    return {"title": table.title or table.name, "description": table.description,
            "columns": json.dumps(column_texts(package, table), ensure_ascii=False),
            "primary_key": ",".join(table.primary_key), "package": package.name, "version": release.version,
            "released": release.date_words, "licence": licence_text(package),
            "citation": citation_text(package, release), "pandas": pandas_metadata(table)}


def kv_metadata_sql(values: dict[str, str]) -> str:
    """The KV_METADATA option of DuckDB's COPY ... (FORMAT parquet)."""
    return "KV_METADATA {" + ", ".join(f"{ident(k)}: {literal(v)}" for k, v in values.items()) + "}"


# --- the data dictionary of the zip ---------------------------------------------------------------------------

def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def data_dictionary(package: Package, release: Release) -> str:
    """Markdown: every table and column, its type and meaning, codes and rules in words."""
    out = [f"# Data dictionary: {package.title}, version {release.version}", "",
           "Every table of the release, one row per column. The same text is in the database's column comments, "
           "the Parquet files' metadata and the spreadsheet's `columns` sheet; `schemas/*.schema.json` states it "
           "as Table Schema.", ""]
    for table in package.tables:
        out += [f"## {table.name}", "", table.description, "",
                f"Primary key: {', '.join(table.primary_key) or 'none'}. File: `{table.path}`.", "",
                "| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{f.name}` | {f.type.name}{' (required)' if f.required else ''} | "
                f"{cell(field_text(package, table, f))} |" for f in table.fields]
        out.append("")
    return "\n".join(out)
