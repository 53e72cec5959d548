"""The published files, named once: each file a reader can download, by its path inside the release zip and its
name as a single download.

`plan` makes the list from the model and the release's identity; the release stage writes the zip, SHA256SUMS,
the README, Croissant and `downloads/` from it, and writes `downloads/manifest.json` with each file's size and
digest. Every later reader of a published file (the site's downloads, table pages, JSON-LD, quick start and
cookbook; the Query page's script, which fetches the database) takes its name from that manifest
(`read`), so no published path is assembled anywhere else.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from scripts.build import DATABASE
from scripts.identity import Release
from scripts.package import Package

MANIFEST = "manifest.json"
SPREADSHEET = "am-az-normalization.xlsx"
CHANGES = "changes.csv"
MEDIA_TYPES = {".csv": "text/csv", ".parquet": "application/vnd.apache.parquet", ".zip": "application/zip",
               ".duckdb": "application/vnd.duckdb", ".json": "application/json", ".md": "text/markdown",
               ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".sql": "application/sql", ".toml": "application/toml", ".cff": "application/yaml",
               ".sha256": "text/plain"}


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")


@dataclass(frozen=True)
class Published:
    """One downloadable file. `member` is its path in the zip's release folder ("" for the zip and the digest
    list, which are not in it); `bytes` and `sha256` are known once the release stage has written it."""

    kind: str  # csv, parquet, database, spreadsheet, changes, zip, checksums
    name: str
    title: str
    member: str = ""
    table: str = ""
    bytes: int = 0
    sha256: str = ""

    @property
    def media_type(self) -> str:
        return media_type(self.name)


def stem(package: Package, release: Release) -> str:
    """`am-az-normalization-0.3.0`: the zip's name and its release folder, and the start of every download's name."""
    return f"{package.name}-{release.version}"


def plan(package: Package, release: Release) -> list[Published]:
    """Every single download, in the order the downloads page lists them: the zip, the database, the spreadsheet,
    the changes, each table as CSV and as Parquet, and the digests of them all."""
    base = stem(package, release)
    out = [Published("zip", f"{base}.zip", "Everything: data, database, spreadsheet, documentation, checksums"),
           Published("database", f"{base}.duckdb", "DuckDB database: every table with keys, checks and column "
                     "comments, the views and the metadata and changes tables", DATABASE),
           Published("spreadsheet", f"{base}.xlsx", "Spreadsheet, a sheet per table", SPREADSHEET),
           Published("changes", f"{base}-{CHANGES}", "Changes since the previous release", CHANGES)]
    for t in package.tables:
        out.append(Published("csv", f"{base}-{Path(t.path).name}", f"{t.title or t.name}: the table as CSV (UTF-8)",
                             t.path, t.name))
    for t in package.tables:
        out.append(Published("parquet", f"{base}-{t.name}.parquet", f"{t.title or t.name}: the table as Parquet",
                             f"parquet/{t.name}.parquet", t.name))
    out.append(Published("checksums", f"{base}.sha256", "SHA-256 of every file above, for sha256sum -c"))
    return out


def write(folder: Path, version: str, files: list[Published]) -> Path:
    path = folder / MANIFEST
    data = {"version": version, "files": [asdict(f) for f in files]}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


class ManifestError(Exception):
    pass


@dataclass(frozen=True)
class Manifest:
    """`downloads/manifest.json` as written by the release stage; names are relative to its folder."""

    version: str
    files: tuple[Published, ...]

    def one(self, kind: str, table: str = "") -> Published:
        found = [f for f in self.files if f.kind == kind and f.table == table]
        if len(found) != 1:
            raise ManifestError(f"{MANIFEST}: expected one {kind} file{' of ' + table if table else ''}, "
                                f"found {len(found)}")
        return found[0]

    def of_table(self, table: str) -> list[Published]:
        return [f for f in self.files if f.table == table]


def read(folder: Path) -> Manifest:
    """The manifest in folder (the release stage's downloads/); one clear error where it is missing or malformed."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = tuple(Published(**f) for f in data["files"])
        return Manifest(str(data["version"]), files)
    except FileNotFoundError:
        raise ManifestError(f"{path} not found: the release stage writes it (run it before the site)") from None
    except (ValueError, KeyError, TypeError) as e:
        raise ManifestError(f"{path}: not a manifest written by the release stage ({e})") from None
