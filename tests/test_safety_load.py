"""Loading bad files: each fault is one line that names the file, the editor line and the field or column, and
nothing outside the package is read."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

from scripts.package import ROOT, load_package


def check(root) -> tuple[int, list[str]]:
    """`python -m scripts.validate` on root, in a process that cannot take more than 2 GB or 60 s."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    done = subprocess.run([sys.executable, "-m", "scripts.validate", str(root)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, preexec_fn=limit)
    assert done.stderr == ""
    return done.returncode, done.stdout.splitlines()


def test_blank_lines_count_in_the_reported_line(package):
    csv = package.csv("meetings")
    header, row = csv.read_text().splitlines(keepends=True)
    bad = row.replace("mtg-0001", "mtg-0002").replace(",held,", ",maybe,")
    csv.write_text(header + row + "\n\n" + bad + "\n")
    assert check(package.root) == (1, [
        "data/meetings.csv:5:meeting_id: 'mtg-0002' has no row in citations",
        "data/meetings.csv:5:status: 'maybe' is not one of: held, cancelled, proposed, postponed",
        "2 problems found"])


def test_a_trailing_blank_line_changes_nothing(package):
    csv = package.csv("meetings")
    csv.write_text(csv.read_text() + "\n\n")
    assert check(package.root)[0] == 0


def test_a_5_mb_cell_is_reported_with_its_field_and_size(package):
    package.set("meetings", 0, summary="x" * 5_000_000)
    assert check(package.root) == (1, [
        "data/meetings.csv:2:summary: cell is 5,000,000 characters; the limit is 1,000,000", "1 problem found"])


def test_a_cell_just_over_the_limit_that_duckdb_reads_is_reported_the_same_way(package):
    package.set("claims", 0, summary="é" * 1_000_001)  # 2 MB: under DuckDB's line limit
    assert check(package.root) == (1, [
        "data/claims.csv:2:summary: cell is 1,000,001 characters; the limit is 1,000,000", "1 problem found"])


def test_an_unnamed_extra_column_is_named_by_its_position(package):
    csv = package.csv("meetings")
    csv.write_text("".join(line + ",\n" for line in csv.read_text().splitlines()))
    assert check(package.root) == (1, ["data/meetings.csv:1: column 15 (unnamed) not in schema", "1 problem found"])


def test_a_data_file_linked_to_a_file_outside_the_package_is_refused_unread(package):
    package.csv("meetings").unlink()
    package.csv("meetings").symlink_to("/etc/passwd")
    assert check(package.root) == (1, [
        "data/meetings.csv: is a symbolic link; data files must be regular files inside the package",
        "1 problem found"])


def test_a_data_file_linked_to_dev_zero_is_refused_unread(package):
    package.csv("meetings").unlink()
    package.csv("meetings").symlink_to("/dev/zero")
    assert check(package.root) == (1, [
        "data/meetings.csv: is a symbolic link; data files must be regular files inside the package",
        "1 problem found"])


def test_a_fifo_data_file_is_refused_unread(package):
    package.csv("meetings").unlink()
    os.mkfifo(package.csv("meetings"))
    assert check(package.root) == (1, [
        "data/meetings.csv: is not a regular file; data files must be regular files inside the package",
        "1 problem found"])


def test_a_data_folder_that_is_a_symlink_is_refused(package, tmp_path):
    (package.root / "data").rename(tmp_path / "elsewhere")
    (package.root / "data").symlink_to(tmp_path / "elsewhere")
    code, lines = check(package.root)
    tables = load_package(package.root).tables
    assert code == 1 and lines == sorted(f"{t.path}: is reached through a symbolic link; data files must be regular "
                                         "files inside the package" for t in tables) + [f"{len(tables)} problems found"]


def test_a_nul_byte_in_a_resource_path_is_one_line_naming_it(package):
    descriptor = package.root / "datapackage.json"
    text = descriptor.read_text().replace('"path": "data/meetings.csv"', '"path": "data/meet\\u0000.csv"')
    descriptor.write_text(text)
    assert check(package.root) == (1, [
        "datapackage.json::resources[0] (meetings).path: 'data/meet<U+0000>.csv' holds a control or invisible "
        "character; a path is plain text", "1 problem found"])
