"""What every page reads: the package model, its tables as text frames, and the database the build stage
wrote (the site never builds one of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from scripts.load import LINE, read_all
from scripts.manifest import Manifest
from scripts.package import Package


@dataclass(frozen=True)
class Site:
    package: Package
    frames: dict[str, pl.DataFrame]
    db: duckdb.DuckDBPyConnection
    manifest: Manifest  # the release stage's list of published files (downloads/manifest.json)
    out: Path

    def rows(self, table: str) -> list[dict]:
        return self.frames[table].to_dicts()

    def query(self, sql: str) -> tuple[list[str], list[tuple]]:
        cursor = self.db.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()


def read_frames(package: Package) -> dict[str, pl.DataFrame]:
    return {name: frame.drop(LINE) for name, frame in read_all(package).items()}


def sql_file(name: str) -> str:
    """A chart or page query kept beside the site code in `scripts/site/sql/`."""
    return (Path(__file__).parent / "sql" / f"{name}.sql").read_text(encoding="utf-8")
