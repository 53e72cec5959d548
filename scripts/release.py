"""Stage 4 (`make build`, after `scripts.build`): the release that users download, cite and check.

`OUT/<name>-<version>.zip` holds one folder, `<name>-<version>/`, written for the person holding it: a README
made from `templates/release-README.md` (what is inside, which DuckDB versions open the database, how to open the
data in DuckDB, Python, R, pandas, polars and a spreadsheet, how to cite), the descriptor, the CSVs and schemas,
the Parquet files, the DuckDB database, the spreadsheet (`scripts.spreadsheet`), `data-dictionary.md`,
`changes.csv` (`scripts.changes`), `queries/`, CHANGELOG.md, CITATION.cff, LICENSE, and `SHA256SUMS` over all of
them (`sha256sum -c SHA256SUMS`).

The version, release date and addresses come from `release.toml` (`scripts.identity`). The descriptor in the zip
gains `created` (the release date), `id`, `sources`, each resource's `type`, `bytes` and `hash`, and `x-files`
describing the other files, so `frictionless validate` checks the released CSVs. OUT/downloads/ gets the files the
site offers one by one, each named with the version, and their digests. Entries are sorted and stamped with a
fixed time, so the same inputs give the same zip, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import string
import sys
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import duckdb
import yaml

from scripts import changes, croissant, manifest, metadata
from scripts.build import DATABASE
from scripts.files import NotRegular, present, regular_file, regular_files
from scripts.identity import Release, ReleaseConfigError, citation_text, load_release
from scripts.manifest import CHANGES, SPREADSHEET, media_type
from scripts.package import DESCRIPTOR, ROOT, Package, PackageError, ident, load_package
from scripts.spreadsheet import write_xlsx
from scripts.terminal import code_points, invisible

TEMPLATE = ROOT / "templates" / "release-README.md"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644
SUMS = "SHA256SUMS"
DICTIONARY = "data-dictionary.md"
CROISSANT = "croissant.json"


def release_name(package: Package, release: Release | None = None) -> str:
    return manifest.stem(package, release or load_release(package))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256(data: bytes) -> str:
    return "sha256:" + digest(data)


# --- the descriptor ---------------------------------------------------------------------------------------------

def source_kinds(package: Package, con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The descriptor's `sources`: the kinds of document the records rest on, counted in the sources table of the
    built database, and the publishers table where the package has one."""
    if "sources" not in package.names:
        return []
    table = package.table("sources")
    out = []
    if "kind" in table.field_names:
        found = dict(con.execute("SELECT kind::VARCHAR, count(*) FROM sources GROUP BY ALL").fetchall())
        for code in table.field("kind").codes:
            if n := found.get(code.value):
                out.append({"title": f"{code.label.rstrip('.')}: {n} documents, listed in {table.path}",
                            "path": table.path})
    if "publishers" in package.names:
        n = con.execute("SELECT count(*) FROM publishers").fetchone()[0]
        out.append({"title": f"The {n} publishers of the cited documents",
                    "path": package.table("publishers").path})
    return out


FILE_TITLES = {DATABASE: "DuckDB database: every table with keys, checks and column comments, the views and a "
                         f"metadata table; opens in DuckDB {metadata.OLDEST_DUCKDB} and later",
               SPREADSHEET: "Spreadsheet: one sheet per table, plus the sheets about and columns",
               DICTIONARY: "Data dictionary: every table and column, its type, codes and rules",
               CHANGES: "Changes since the previous release: one line per added or removed record and changed value",
               CROISSANT: "Croissant 1.0 description of the tables, for machine-learning tools",
               "README.md": "How to open, check and cite this release", "CHANGELOG.md": "Changes in words",
               "CITATION.cff": "How to cite, for reference managers", "LICENSE": "Licence of the code"}


def file_entry(name: str, data: bytes) -> dict:
    title = FILE_TITLES.get(name) or (f"The table {Path(name).stem} as Parquet" if name.endswith(".parquet")
                                      else f"Query {Path(name).stem}" if name.startswith("queries/") else name)
    fmt = Path(name).suffix.lstrip(".") or "text"
    mediatype = "application/ld+json" if name == CROISSANT else media_type(name) if fmt != "text" else "text/plain"
    return {"path": name, "title": title, "format": fmt, "mediatype": mediatype, "bytes": len(data),
            "hash": sha256(data)}


def package_id(package: Package, release: Release, digest: str | None = None) -> str:
    """The descriptor's `id`: a UUID derived from the name, the version and the digest of the inputs, so the same
    release always has the same id and a different content never does. A later stage passes the digest the
    database holds (`metadata.built_digest`) instead of reading the inputs again."""
    digest = digest or metadata.inputs_digest(package)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{package.name}/{release.version}/{digest}"))


def released_descriptor(package: Package, release: Release, tables: dict[str, bytes], others: dict[str, bytes],
                        con: duckdb.DuckDBPyConnection) -> bytes:
    """datapackage.json as released: version, date and addresses from release.toml, `id` and `sources`, each
    resource's type, size and SHA-256 (`tables`: each CSV's bytes by its path), and `x-files` for every other data
    or documentation file."""
    digest = metadata.built_digest(con)
    facts = {"version": release.version, "homepage": release.site_url or None,
             "id": package_id(package, release, digest),
             "created": f"{release.released.isoformat()}T00:00:00Z" if release.released else None,
             "sources": source_kinds(package, con) or None}
    resources = [{"type": "table", "bytes": len(tables[t.path]), "hash": sha256(tables[t.path])}
                 for t in package.tables]
    d = package.released(facts, resources, [file_entry(name, data) for name, data in sorted(others.items())])
    return (json.dumps(d, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- texts --------------------------------------------------------------------------------------------------------

def released_citation(package: Package, release: Release) -> bytes:
    """CITATION.cff with this release's version and date, and only the addresses release.toml gives."""
    cff = yaml.safe_load((package.root / "CITATION.cff").read_text(encoding="utf-8")) \
        if present(package.root / "CITATION.cff", "CITATION.cff") else {"cff-version": "1.2.0", "type": "dataset"}
    cff["version"] = release.version
    for key in ("date-released", "url", "repository-code"):
        cff.pop(key, None)
    if release.released:
        cff["date-released"] = release.released.isoformat()
    if release.site_url:
        cff["url"] = release.site_url
    if release.repository_url:
        cff["repository-code"] = release.repository_url
    return ("# How to cite this release; reference managers, GitHub and Zenodo read this file.\n" + yaml.safe_dump(
        cff, sort_keys=False, allow_unicode=True, width=110)).encode("utf-8")


def released_changelog(package: Package, release: Release) -> bytes:
    """CHANGELOG.md with this version's heading dated (`## 0.2.0 (2026-12-31)`) once release.toml has the date."""
    path = package.root / "CHANGELOG.md" if present(package.root / "CHANGELOG.md", "CHANGELOG.md") \
        else ROOT / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    if release.released:
        heading = re.compile(rf"^## {re.escape(release.version)} \([^)\n]*\)$", re.MULTILINE)
        text = heading.sub(f"## {release.version} ({release.released})", text, count=1)
    return text.encode("utf-8")


def record_counts(package: Package, con: duckdb.DuckDBPyConnection) -> str:
    counts = [f"{con.execute(f'SELECT count(*) FROM {ident(t.name)}').fetchone()[0]:,} "
              f"{(t.title or t.name).lower()}" for t in package.tables]
    try:
        first, last = con.execute("SELECT min(date), max(date) FROM events").fetchone()
    except duckdb.Error:
        first = last = None
    return ", ".join(counts) + (f", dated {first} to {last}" if first else "")


def file_rows(package: Package, files: dict[str, bytes]) -> str:
    def size(names):
        return f"{sum(len(files[n]) for n in names if n in files) / 1e6:.2f} MB"
    tables = [t.path for t in package.tables]
    parquet = [n for n in files if n.startswith("parquet/")]
    rows = [("`README.md`", "this guide", "any text viewer"),
            (f"`{DICTIONARY}`", "what every table and column means", "any text viewer"),
            (f"`data/*.csv` ({len(tables)} files, {size(tables)})", "the tables, the canonical form (UTF-8, comma "
             "separated, one header row)", "any data tool; see below for spreadsheets"),
            ("`datapackage.json`, `schemas/`", "Frictionless descriptor and Table Schemas: types, codes, keys, rules",
             "frictionless (Python, R)"),
            (f"`parquet/*.parquet` ({size(parquet)})", "the tables, typed, with descriptions in the file metadata",
             "pandas, polars, DuckDB, Arrow, R arrow"),
            (f"`{DATABASE}` ({size([DATABASE])})", "all tables, views and a `metadata` table",
             f"DuckDB {metadata.OLDEST_DUCKDB} or later"),
            (f"`{SPREADSHEET}` ({size([SPREADSHEET])})", "a sheet per table, plus `about` and `columns`",
             "Excel, LibreOffice, Numbers, Google Sheets"),
            (f"`{CHANGES}`", "changes since the previous release, record by record", "any data tool"),
            (f"`{CROISSANT}`", "the tables described in Croissant 1.0", "mlcroissant, machine-learning tools"),
            ("`queries/`", "worked questions in SQL; `queries/views/` the views", "DuckDB"),
            ("`CHANGELOG.md`", "changes, in words", "any text viewer"),
            ("`CITATION.cff`", "how to cite", "reference managers"),
            ("`LICENSE`", "the code licence", "any text viewer"),
            (f"`{SUMS}`", "SHA-256 of every other file", "`sha256sum -c`")]
    return "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def readme(package: Package, release: Release, files: dict[str, bytes], con: duckdb.DuckDBPyConnection) -> bytes:
    """The zip's README.md, from templates/release-README.md."""
    example = package.table("prisoner_transfers") if "prisoner_transfers" in package.names else package.tables[0]
    dates = [f.name for f in example.fields if f.type.name == "date"]
    ints = [f.name for f in example.fields if f.type.name == "integer"]
    addresses = [f"- **{k}:** {v}" for k, v in (("Site", release.site_url), ("Repository", release.repository_url))
                 if v] or ["- No site or repository address has been published for this release yet."]
    values = {
        "title": package.title, "version": release.version, "description": package.description,
        "released_words": f"released {release.released}" if release.released else "not yet released",
        "previous_version": release.previous.version if release.previous else "none",
        "record_counts": record_counts(package, con),
        "complete_through": f" Complete through {package.complete_through}: later events may be missing."
        if package.complete_through else "",
        "licence": metadata.licence_text(package), "citation": citation_text(package, release),
        "addresses": "\n".join(addresses) + "\n", "file_table": file_rows(package, files), "database": DATABASE,
        "spreadsheet": SPREADSHEET, "oldest_duckdb": metadata.OLDEST_DUCKDB, "example_table": example.name,
        "date_columns": json.dumps(dates),
        "int_columns": json.dumps({n: "Int64" for n in ints}), "date_list": ", ".join(map(json.dumps, dates)),
        "int_list": ", ".join(map(json.dumps, ints))}
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values).encode("utf-8")


def sha256sums(files: dict[str, bytes]) -> bytes:
    """`sha256sum` format: digest, two spaces, path; `sha256sum -c` checks it."""
    return "".join(f"{digest(files[name])}  {name}\n" for name in sorted(files)).encode("utf-8")


# --- the zip and the downloads ------------------------------------------------------------------------------------

def built_files(package: Package, out: Path) -> list[Path]:
    built = [out / DATABASE] + [out / "parquet" / f"{t.name}.parquet" for t in package.tables]
    missing = [str(p) for p in built if not p.is_file()]
    if missing:
        raise FileNotFoundError("missing from the release (run `python -m scripts.build` first for build "
                                "outputs): " + ", ".join(missing))
    return built


def release_changes(con: duckdb.DuckDBPyConnection, release: Release) -> bytes:
    """changes.csv: this release's rows of the database's `changes` table, in the order the build wrote them."""
    rows = con.execute(f"SELECT {', '.join(changes.HEADER)} FROM changes WHERE release = ? ORDER BY rowid",
                       [release.version]).fetchall()
    return changes.changes_csv([changes.Change(*row) for row in rows])


def members(package: Package, release: Release, out: Path, con: duckdb.DuckDBPyConnection) -> dict[str, bytes]:
    """Every file of the release by its path inside the release folder. Each CSV is read once, as bytes, to be
    published as it is (the data itself comes from the database)."""
    built = built_files(package, out)
    tables = {t.path: regular_file(t.file, t.path).read_bytes() for t in package.tables}
    write_xlsx(package, release, out / DATABASE, out / SPREADSHEET)
    others = {p.relative_to(out).as_posix(): p.read_bytes() for p in built}
    others[SPREADSHEET] = (out / SPREADSHEET).read_bytes()
    others[DICTIONARY] = metadata.data_dictionary(package, release).encode("utf-8")
    others[CHANGES] = release_changes(con, release)
    others[CROISSANT] = croissant.croissant(package, release, tables)
    others["CHANGELOG.md"] = released_changelog(package, release)
    others["CITATION.cff"] = released_citation(package, release)
    if present(package.root / "LICENSE", "LICENSE"):
        others["LICENSE"] = (package.root / "LICENSE").read_bytes()
    queries = package.root / "queries" if os.path.lexists(package.root / "queries") else ROOT / "queries"
    others.update({f"queries/{p.relative_to(queries).as_posix()}": p.read_bytes()
                   for p in regular_files(queries, "queries")})
    files = {}
    for table in package.tables:
        files[table.path] = tables[table.path]
        files[table.schema_path] = regular_file(package.root / table.schema_path, table.schema_path).read_bytes()
    files.update(others)
    files["README.md"] = readme(package, release, files, con)
    files[DESCRIPTOR] = released_descriptor(package, release, tables, {**others, "README.md": files["README.md"]}, con)
    files[SUMS] = sha256sums(files)
    return files


class UnsafeMember(ValueError):
    """A path that would not stay inside the release folder when unzipped somewhere: one line naming it."""


def member_problem(name: str) -> str | None:
    """Why name cannot be a member of the zip on every system that unzips it, or None."""
    if name.startswith("/"):
        return "it is an absolute path"
    if re.match(r"[A-Za-z]:", name):
        return "it starts with a drive letter"
    if "\\" in name:
        return "it holds a backslash, which Windows reads as a folder separator"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "it has an empty, '.' or '..' part"
    if any(invisible(c) for c in name):
        return "it holds a control or invisible character"
    return None


# zlib's default level: level 9 took three times as long (0.25 against 0.08 s for the real release) to make the
# zip 0.3% smaller.
ZIP_LEVEL = 6


def write_zip(path: Path, folder: str, files: dict[str, bytes]) -> None:
    """A zip whose bytes depend only on the files: sorted names, fixed time, fixed mode, one compressor. Every
    member name is a plain relative path inside the folder, or nothing is written (UnsafeMember)."""
    for name in [folder, *files]:
        if why := member_problem(name):
            raise UnsafeMember(f"{code_points(name)}: cannot be a member of the release zip: {why}")
    tmp = path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, files[name], compresslevel=ZIP_LEVEL)
    tmp.replace(path)


def write_downloads(package: Package, release: Release, out: Path, files: dict[str, bytes], zip_path: Path) -> Path:
    """OUT/downloads/: every file of `manifest.plan` under its versioned name, the digest list over them, and
    `manifest.json` saying what each is, with its size and digest."""
    folder = out / "downloads"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    published, offered = [], {}
    for entry in manifest.plan(package, release):
        if entry.kind == "checksums":
            data = sha256sums(offered)
        else:
            data = zip_path.read_bytes() if entry.kind == "zip" else files[entry.member]
            offered[entry.name] = data
        (folder / entry.name).write_bytes(data)
        published.append(replace(entry, bytes=len(data), sha256=digest(data)))
    manifest.write(folder, release.version, published)
    return folder


def release(package: Package, out: Path, release_: Release | None = None) -> Path:
    """Write OUT/<name>-<version>.zip, OUT/downloads/ (with its manifest) and OUT/changes.csv, from the database
    the build stage wrote to OUT; release_ defaults to release.toml."""
    release_ = release_ or load_release(package)
    built_files(package, out)
    with duckdb.connect(str(out / DATABASE), read_only=True) as con:
        files = members(package, release_, out, con)
    (out / CHANGES).write_bytes(files[CHANGES])
    folder = release_name(package, release_)
    path = out / f"{folder}.zip"
    write_zip(path, folder, files)
    write_downloads(package, release_, out, files, path)
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "build"
    try:
        path = release(load_package(), out)
    except (PackageError, FileNotFoundError, ReleaseConfigError, changes.ChangesError, NotRegular, UnsafeMember) as e:
        print(f"release failed: {e}", file=sys.stderr)
        return 1
    print(f"ok: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
