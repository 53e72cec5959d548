"""What changed, release by release: one line per added or removed record and per changed value.

The history is committed in the repository, not read from git, so a source archive (a "Download ZIP", a tarball
deposited with a DOI) builds the same outputs as a clone:

- `releases/<version>/changes.csv`: the changes each earlier release made, against the release before it;
- `releases/<previous>/data/`: the tables as the previous release published them (named in `release.toml` under
  [previous]), which this release is compared with.

A record is matched by its primary key. A field only one of the two releases has is reported once, as
`field_added` or `field_removed`, not once per record. Identifiers are never reused, so a record of the previous
release that is gone must be listed under [removed] in `release.toml` with the reason; an identifier listed there
that is back in the data is refused. (Rows of link tables, whose key is made of other records' ids, such as
citations, need no reason.)

The build stage computes this release's changes from the CSVs as it loaded them (`compute` is given their text;
nothing here reads them again) and writes them, with the committed history, to the database's `changes` table;
later stages read them from there. Outside a build, `python -m scripts.changes` reads the CSVs itself
(`read_tables`).
`python -m scripts.changes freeze` records the current release in `releases/` when it is cut.
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from dataclasses import astuple, dataclass
from pathlib import Path

from scripts.identity import Release, ReleaseConfigError, load_release
from scripts.package import Package, PackageError, Table, load_package

HEADER = ["table_name", "record_id", "change", "field", "old_value", "new_value", "reason"]
KEY_JOIN = "|"
RELEASES = "releases"
CHANGES = "changes.csv"
KINDS = ("added", "changed", "removed", "field_added", "field_removed", "table_added")


class ChangesError(Exception):
    pass


@dataclass(frozen=True, order=True)
class Change:
    table_name: str
    record_id: str
    change: str
    field: str = ""
    old_value: str = ""
    new_value: str = ""
    reason: str = ""


def read_csv_text(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def release_folder(root: Path, version: str) -> Path:
    return root / RELEASES / version


def previous_rows(package: Package, release: Release, table: Table) -> tuple[list[str], list[dict]] | None:
    """The table as the previous release published it, or None where that release had no such table."""
    folder = release_folder(package.root, release.previous.version) / "data"
    if not folder.is_dir():
        raise ChangesError(f"{RELEASES}/{release.previous.version}/data/ not found: it keeps the tables of the "
                           "previous release named in release.toml, to compare this one with")
    path = folder / Path(table.path).name
    return read_csv_text(path.read_text(encoding="utf-8")) if path.is_file() else None


def record_key(table: Table, row: dict[str, str]) -> str:
    return KEY_JOIN.join(row.get(k, "") for k in (table.primary_key or table.field_names))


def table_changes(table: Table, old: tuple[list[str], list[dict]] | None, new: tuple[list[str], list[dict]],
                  removed: dict[str, str]) -> list[Change]:
    """The changes of one table; raises ChangesError for a record that is gone without a reason."""
    if old is None:
        return [Change(table.name, "", "table_added")] + [
            Change(table.name, record_key(table, r), "added") for r in new[1]]
    (old_fields, old_rows), (new_fields, new_rows) = old, new
    before = {record_key(table, r): r for r in old_rows}
    after = {record_key(table, r): r for r in new_rows}
    common = [f for f in new_fields if f in old_fields]
    out = [Change(table.name, "", "field_added", f) for f in new_fields if f not in old_fields]
    out += [Change(table.name, "", "field_removed", f) for f in old_fields if f not in new_fields]
    out += [Change(table.name, key, "added") for key in after if key not in before]
    needs_reason = len(table.primary_key) == 1
    missing = [key for key in before if key not in after and needs_reason and key not in removed]
    if missing:
        raise ChangesError(f"{table.name}: {len(missing)} record(s) of the previous release are gone without a "
                           f"reason: {', '.join(missing[:10])}; list each under [removed] in release.toml")
    out += [Change(table.name, key, "removed", reason=removed.get(key, "")) for key in before if key not in after]
    out += [Change(table.name, key, "changed", f, before[key][f], row[f])
            for key, row in after.items() if key in before for f in common if before[key][f] != row[f]]
    return out


def read_tables(package: Package) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    """Each table's CSV as header and rows of text (for `compute` outside a build)."""
    return {t.name: read_csv_text(t.file.read_text("utf-8")) for t in package.tables}


def compute(package: Package, release: Release, current: dict[str, tuple[list[str], list[dict[str, str]]]]) \
        -> list[Change]:
    """Every change since the previous release, table by table in package order, then by record and field; none
    where release.toml names no previous release. `current`: each table's header and rows of text cells."""
    if release.previous is None:
        return []
    present = {record_key(t, r) for t in package.tables for r in current[t.name][1]}
    reused = sorted(set(release.removed) & present)
    if reused:
        raise ChangesError(f"identifiers are never reused, but these removed ones are back: {', '.join(reused)}")
    out = []
    for table in package.tables:
        found = table_changes(table, previous_rows(package, release, table), current[table.name], release.removed)
        out += sorted(found, key=lambda c: (c.record_id, c.change, c.field))
    return out


def history(package: Package, release: Release) -> list[tuple[str, Change]]:
    """(version, change) of every earlier release recorded in releases/, oldest first; the current version's own
    folder, if it has one, is left out (its changes are computed)."""
    folder = package.root / RELEASES
    found = [p.parent for p in folder.glob(f"*/{CHANGES}")] if folder.is_dir() else []
    out = []
    for path in sorted(found, key=lambda p: version_key(p.name)):
        if path.name == release.version:
            continue
        _, rows = read_csv_text((path / CHANGES).read_text(encoding="utf-8"))
        out += [(path.name, Change(**{k: r.get(k) or "" for k in HEADER})) for r in rows]
    return out


def version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


def changes_csv(changes: list[Change]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(astuple(c) for c in changes)
    return text.getvalue().encode("utf-8")


def summary(changes: list[Change]) -> dict[str, dict[str, int]]:
    """{table: {change: count}}, in the order tables first appear."""
    out: dict[str, dict[str, int]] = {}
    for c in changes:
        counts = out.setdefault(c.table_name, {})
        counts[c.change] = counts.get(c.change, 0) + 1
    return out


def freeze(package: Package, release: Release) -> Path:
    """Record the current release in releases/<version>/: its changes and its tables, which the next release is
    compared with; the previous release keeps only its changes."""
    folder = release_folder(package.root, release.version)
    data = folder / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    (folder / CHANGES).write_bytes(changes_csv(compute(package, release, read_tables(package))))
    for table in package.tables:
        shutil.copyfile(table.file, data / Path(table.path).name)
    if release.previous:
        shutil.rmtree(release_folder(package.root, release.previous.version) / "data", ignore_errors=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        package = load_package()
        release = load_release(package)
        if argv == ["freeze"]:
            print(f"ok: {freeze(package, release)}")
            return 0
        found = compute(package, release, read_tables(package))
    except (PackageError, ReleaseConfigError, ChangesError, OSError) as e:
        print(f"changes failed: {e}", file=sys.stderr)
        return 1
    for table, counts in summary(found).items():
        print(f"{table}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    against = release.previous.version if release.previous else "no previous release"
    print(f"{len(found)} changes against {against}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
