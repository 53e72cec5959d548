"""Each record's history: the releases in which it was added or changed, the fields each one changed, the sources
added to or taken from it, and the reason given for a removal. Read from the `changes` table of the built
database (the build stage writes it from `releases/` and this release's comparison), never from the CSVs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scripts.changes import version_key
from scripts.identity import load_release
from scripts.package import Package
from scripts.site.context import Site, sql_file
from scripts.site.html import esc
from scripts.site.values import long_date, words


@dataclass(frozen=True)
class Releases:
    """This release's version and the date of each release `release.toml` dates: this one (None until it is cut)
    and the previous one; earlier releases' dates are not recorded."""

    current: str
    dates: dict[str, dt.date | None]

    @classmethod
    def of(cls, package: Package) -> Releases:
        release = load_release(package)
        dates: dict[str, dt.date | None] = {release.version: release.released}
        if release.previous:
            dates[release.previous.version] = release.previous.released
        return cls(release.version, dates)

    def words(self, version: str) -> str:
        """`0.3.0 (not yet released)`, `0.2.0 (1 December 2026)` or `0.1.0`, where the date is not recorded."""
        day = self.dates.get(version)
        if day:
            return f"{version} ({long_date(day.isoformat(), 'day')})"
        return f"{version} (not yet released)" if version == self.current else version


@dataclass(frozen=True)
class Change:
    """One row of the `changes` table, as a record's history reads it."""

    release: str
    change: str
    field: str
    reason: str
    source_id: str | None  # set for a citation of the record added or removed


def of_records(site: Site, ids: list[str]) -> dict[str, list[Change]]:
    """Record id → its changes, for a batch of records: one query."""
    if not ids:
        return {}
    out: dict[str, list[Change]] = {}
    for row in site.stream(sql_file("record_history"), {"ids": ids}):
        out.setdefault(row["id"], []).append(
            Change(row["release"], row["change"], row["field"], row["reason"], row["source_id"]))
    return out


def release_words(changes: list[Change]) -> str:
    """What one release did to a record, in plain words: `changed: date, summary; source added: src-1`."""
    parts = []
    kinds = [c.change for c in changes if c.source_id is None]
    if "added" in kinds:
        parts.append("added")
    if "removed" in kinds:
        reasons = "; ".join(dict.fromkeys(c.reason for c in changes if c.change == "removed" and c.reason))
        parts.append("removed" + (f" ({reasons})" if reasons else ""))
    fields = list(dict.fromkeys(c.field for c in changes if c.change == "changed" and c.source_id is None))
    if fields:
        parts.append("changed: " + ", ".join(words(f).lower() for f in fields))
    for kind in ("added", "removed"):
        sources = [c.source_id for c in changes if c.source_id and c.change == kind]
        if sources:
            parts.append(f"{'source' if len(sources) == 1 else 'sources'} {kind}: {', '.join(sources)}")
    return "; ".join(parts)


def by_release(changes: list[Change]) -> dict[str, list[Change]]:
    """The changes grouped by release, the latest release first."""
    found: dict[str, list[Change]] = {}
    for c in changes:
        found.setdefault(c.release, []).append(c)
    return {v: found[v] for v in sorted(found, key=version_key, reverse=True)}


def history_html(releases: Releases, changes: list[Change]) -> str:
    """The record's releases, the latest first, each with what it did; or a line saying none is recorded."""
    if not changes:
        return "<p>No change to this record is recorded in any release.</p>"
    items = [f"<li><strong>{esc(releases.words(v))}</strong>: {esc(release_words(found))}.</li>"
             for v, found in by_release(changes).items()]
    return ('<p>The releases that added or changed this record, the latest first (from the package\'s '
            f'<code>changes</code> table).</p><ul class="record-history">{"".join(items)}</ul>')
