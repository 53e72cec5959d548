"""After validation, one read: the build stage loads each CSV once and computes the changes since the previous
release from the text it loaded, never reading a CSV again; what it finds is what reading the CSVs finds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from scripts import build, changes
from scripts.identity import load_release
from scripts.package import ROOT, load_package

PACKAGE = load_package(ROOT)
RELEASE = load_release(PACKAGE)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    """The committed package built with every Python read of a file under data/ refused."""
    data = ROOT / "data"
    read_text, read_bytes, open_ = Path.read_text, Path.read_bytes, Path.open

    def refused(real):
        def guarded(self, *args, **kwargs):
            if self.resolve().parent == data:
                raise AssertionError(f"{self} was read again after the build loaded it")
            return real(self, *args, **kwargs)
        return guarded
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_text", refused(read_text))
        patch.setattr(Path, "open", refused(open_))
        patch.setattr(Path, "read_bytes", refused(read_bytes))
        patch.setattr("scripts.metadata.inputs_digest", lambda package: "0" * 64)  # hashes the inputs' bytes
        return build.build(PACKAGE, tmp_path_factory.mktemp("reads-once"))


def test_the_build_computes_the_changes_without_reading_a_csv_again(database):
    assert RELEASE.previous is not None
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM changes WHERE release = ?", [RELEASE.version]).fetchone()[0] > 0


def test_the_changes_from_the_loaded_text_are_those_from_reading_the_csvs(database):
    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute(f"SELECT {', '.join(changes.HEADER)} FROM changes WHERE release = ? ORDER BY rowid",
                            [RELEASE.version]).fetchall()
    assert [changes.Change(*row) for row in found] == changes.compute(PACKAGE, RELEASE,
                                                                      changes.read_tables(PACKAGE))
