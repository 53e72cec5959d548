"""The Atom feed of changes (`changes.atom`): one entry per record a release added, changed or removed, linking the
record's page (or, for a removed record, the Changes page), read from the database's `changes` table.

Only releases with a date (`release.toml`: this release once `released` is set, and the previous one) have
entries: Atom dates every entry, and a date is never guessed. Every text goes into the XML through
`charts.xml_text`, the one escaping point for XML (control characters dropped, markup escaped); ids are
`urn:uuid:` names made from the package name, the release and the record, so the same data gives the same feed."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from scripts.charts import xml_text
from scripts.site import history
from scripts.site.context import Site, sql_file
from scripts.site.values import Lookup, kind_name, one_line

FEED = "changes.atom"
CHANGES_PAGE = "changes/"  # docs/changes.md: every change, value by value, removed records included


def urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '/'.join(parts))}"


def stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def dated_releases(site: Site) -> dict[str, dt.date]:
    releases = history.Releases.of(site.package)
    return {v: d for v, d in releases.dates.items() if d is not None}


def grouped(site: Site, releases: list[str]) -> dict[tuple[str, str], list[history.Change]]:
    """(release, record id) → the release's changes to the record (its citations included)."""
    tables = [t.name for t in site.package.record_tables().values()]
    out: dict[tuple[str, str], list[history.Change]] = {}
    for row in site.stream(sql_file("feed_changes"), {"releases": releases, "tables": tables}):
        out.setdefault((row["release"], row["id"]), []).append(
            history.Change(row["release"], row["change"], row["field"], row["reason"], row["source_id"]))
    return out


def entry(site: Site, release: str, key: str, changes: list[history.Change], day: dt.date,
          pages: dict[str, str]) -> str:
    table = site.package.record_table(key)
    kind = kind_name(table) if table else "Record"
    said = history.release_words(changes)
    link = f"records/{key}/" if key in pages else CHANGES_PAGE
    about = one_line(pages.get(key, ""), 160)
    summary = f"{kind} {key}, release {release}: {said}." + (f" {about.rstrip('.')}." if about else "")
    own = {c.change for c in changes if c.source_id is None}
    what = next((k for k in ("added", "removed", "changed") if k in own), "sources changed")
    return (f"<entry><title>{xml_text(f'{key} {what} in release {release}')}</title>"
            f"<id>{urn(site.package.name, release, key)}</id><updated>{stamp(day)}</updated>"
            f'<link rel="alternate" type="text/html" href="{xml_text(link)}"/>'
            f'<category term="{xml_text(release)}" label="{xml_text(f"release {release}")}"/>'
            f"<summary>{xml_text(summary)}</summary></entry>")


def feed_xml(site: Site) -> str:
    dated = dated_releases(site)
    order = sorted(dated, key=history.version_key, reverse=True)
    found = grouped(site, order)
    pages = Lookup(site).fetch_summaries({key for _, key in found})  # the records that still have a page
    entries = [entry(site, release, key, found[(release, key)], dated[release], pages)
               for release in order for key in sorted(k for r, k in found if r == release)]
    package, release = site.package, site.release
    updated = max(dated.values(), default=None) or dt.date.fromisoformat(package.complete_through or "1970-01-01")
    base = f' xml:base="{xml_text(release.site_url.rstrip("/") + "/")}"' if release.site_url else ""
    undated = ", ".join(sorted(set(history.Releases.of(package).dates) - set(dated), key=history.version_key))
    subtitle = ("One entry per record each release added, changed or removed, linking its page; the Changes page "
                "lists every value. Only dated releases have entries" + (f" (not yet: {undated})" if undated else "")
                + ".")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom"{base}>'
            f"<title>{xml_text(f'{package.title}: changes by release')}</title>"
            f"<subtitle>{xml_text(subtitle)}</subtitle>"
            f"<id>{urn(package.name, 'changes')}</id><updated>{stamp(updated)}</updated>"
            f'<link rel="self" type="application/atom+xml" href="{FEED}"/>'
            f'<link rel="alternate" type="text/html" href="{CHANGES_PAGE}"/>'
            f"<author><name>{xml_text(package.title)}</name></author>"
            + "".join(entries) + "</feed>\n")


def write(site: Site, stage: Path) -> dict[str, str]:
    """The feed, beside the pages in the docs tree (MkDocs copies it to the site as it is)."""
    (stage / FEED).write_text(feed_xml(site), encoding="utf-8")
    return {}
