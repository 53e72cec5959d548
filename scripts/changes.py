"""What changed since the previous release: `changes.csv`, one line per added or removed record and per changed
value, computed from the CSVs of this package and those of the previous release (its git commit or tag, named
in `release.toml` under [previous]).

A record is matched by its primary key. A field only one of the two releases has is reported once, as
`field_added` or `field_removed`, not once per record. Identifiers are never reused, so a record of the previous
release that is gone must be listed under [removed] in `release.toml` with the reason; an identifier listed there
that is back in the data is refused. (Rows of link tables, whose key is made of other records' ids, such as
citations, need no reason.)

`python -m scripts.changes [OUT]` writes OUT/changes.csv and prints a count per table.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from dataclasses import astuple, dataclass
from pathlib import Path

from scripts.identity import Release, ReleaseConfigError, load_release
from scripts.package import ROOT, Package, PackageError, Table, load_package

HEADER = ["table", "record_id", "change", "field", "old_value", "new_value", "reason"]
KEY_JOIN = "|"


class ChangesError(Exception):
    pass


@dataclass(frozen=True, order=True)
class Change:
    table: str
    record_id: str
    change: str
    field: str = ""
    old_value: str = ""
    new_value: str = ""
    reason: str = ""


def read_csv_text(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def previous_text(root: Path, ref: str, path: str) -> str | None:
    """The file at path in the previous release's commit, or None where that release had no such file."""
    done = subprocess.run(["git", "-C", str(root), "show", f"{ref}:{path}"], capture_output=True, check=False)
    if done.returncode == 0:
        return done.stdout.decode("utf-8")
    known = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                           capture_output=True, check=False)
    if known.returncode != 0:
        raise ChangesError(f"the previous release's commit {ref!r} is not in this repository's history "
                           "(a shallow clone? fetch it, or correct [previous] ref in release.toml)")
    return None


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


def compute(package: Package, release: Release) -> list[Change]:
    """Every change since the previous release, table by table in package order, then by record and field."""
    if release.previous is None:
        raise ChangesError("release.toml names no [previous] release to compare with")
    present = {record_key(t, r) for t in package.tables for r in read_csv_text(t.file.read_text("utf-8"))[1]}
    reused = sorted(set(release.removed) & present)
    if reused:
        raise ChangesError(f"identifiers are never reused, but these removed ones are back: {', '.join(reused)}")
    out = []
    for table in package.tables:
        old = previous_text(package.root, release.previous.ref, table.path)
        new = read_csv_text(table.file.read_text("utf-8"))
        out += sorted(table_changes(table, None if old is None else read_csv_text(old), new, release.removed),
                      key=lambda c: (c.record_id, c.change, c.field))
    return out


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
        counts = out.setdefault(c.table, {})
        counts[c.change] = counts.get(c.change, 0) + 1
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "build"
    try:
        package = load_package()
        release = load_release(package)
        changes = compute(package, release)
    except (PackageError, ReleaseConfigError, ChangesError) as e:
        print(f"changes failed: {e}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    (out / "changes.csv").write_bytes(changes_csv(changes))
    for table, counts in summary(changes).items():
        print(f"{table}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    print(f"ok: {out / 'changes.csv'} ({len(changes)} lines) against {release.previous.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
