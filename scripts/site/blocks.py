"""The generated parts of the hand-written pages (`<!-- generated: NAME -->`): counts, downloads, quick start,
JSON-LD, citation, changelog, licences, loaded terms and the list of rules."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import yaml

from scripts import changes, metadata, release
from scripts.identity import citation_text
from scripts.metadata import built_digest
from scripts.package import Package, literal
from scripts.rules import KINDS
from scripts.site import figures, records
from scripts.site.context import Site
from scripts.site.html import attr, code, esc, external_link, href, html_table, prose, table_page
from scripts.site.values import Lookup


def last_update(package: Package) -> str | None:
    if package.created:
        return package.created[:10]
    done = subprocess.run(["git", "-C", str(package.root), "log", "-1", "--format=%cs", "--", "data"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


def date_range(site: Site) -> tuple[dt.date | None, dt.date | None]:
    return site.query("SELECT min(date), max(date) FROM events")[1][0]


def counts_block(site: Site) -> str:
    rows = [[f'<a href="{href("index.md", table_page(t.name))}">{esc(t.title or t.name)}</a>',
             str(site.count(t.name)), esc(t.description)] for t in site.package.tables]
    first, last = date_range(site)
    facts = [f"Version <strong>{esc(site.package.version or 'unreleased')}</strong>"]
    if first:
        facts.append(f"records dated <strong>{first}</strong> to <strong>{last}</strong>")
    if through := site.package.complete_through:
        facts.append(f"complete through <strong>{esc(through)}</strong>")
    if updated := last_update(site.package):
        facts.append(f"data last changed <strong>{esc(updated)}</strong>")
    return html_table(["Table", "Records", "One row per"], rows, "overview") + "\n\n<p>" + ", ".join(facts) + ".</p>"


def downloads_block(site: Site, page: str) -> str:
    """Every published file, as the release stage's manifest lists it, with its size and its whole SHA-256
    digest (wrapped, never cut)."""
    folder = href(page, "downloads/index.md")
    rows = [[f'<a href="{folder}{attr(f.name)}">{esc(f.name)}</a>', esc(f.title), f"{f.bytes:,} bytes",
             f'<code class="digest">{esc(f.sha256)}</code>' if f.sha256 else ""] for f in site.manifest.files]
    return html_table(["File", "What it is", "Size", "SHA-256"], rows, "downloads")


def quickstart_block(site: Site, page: str) -> str:
    archive, database = site.manifest.one("zip"), site.manifest.one("database")
    return "\n".join([
        f'Download <a href="{href(page, "downloads/index.md")}{attr(archive.name)}">{code(archive.name)}</a> (CSV, '
        "Parquet, the DuckDB database, a spreadsheet, `datapackage.json`, the data dictionary and a README that "
        "says how to open each) and open the tables with the tool you use:", "",
        '=== "DuckDB"', "", "    ```sql",
        f"    ATTACH '{database.name}' AS am_az (READ_ONLY);  -- DuckDB {metadata.OLDEST_DUCKDB} or later",
        "    SELECT * FROM am_az.events ORDER BY date;", "    ```", "",
        '=== "pandas"', "", "    ```python", "    import pandas as pd",
        '    meetings = pd.read_parquet("parquet/meetings.parquet", dtype_backend="pyarrow")', "    ```", "",
        '=== "frictionless"', "", "    ```sh", "    frictionless validate datapackage.json", "    ```", "",
        '=== "R"', "", "    ```r", "    library(frictionless)",
        '    package <- read_package("datapackage.json")', '    meetings <- read_resource(package, "meetings")',
        "    ```"])


COUNTRIES = [{"@type": "Country", "name": "Armenia", "identifier": "AM"},
             {"@type": "Country", "name": "Azerbaijan", "identifier": "AZ"}]


def jsonld_block(site: Site, site_url: str) -> str:
    """schema.org Dataset for search engines, from the package and release.toml: absolute addresses only where
    a site URL is configured, nothing where it is not; `<` is written as \\u003c so no value can end the script."""
    package, release_ = site.package, site.release
    first, last = date_range(site)
    base = (release_.site_url or site_url or "").rstrip("/")
    places = [{"@type": "Place", "name": p["name"]} for p in site.rows("places") if p.get("kind") != "venue"]
    data = {"@context": "https://schema.org", "@type": "Dataset", "name": package.title,
            "description": package.description, "version": release_.version, "keywords": package.keywords,
            "identifier": f"urn:uuid:{release.package_id(site.package, release_, built_digest(site.db))}",
            "citation": citation_text(site.package, release_),
            "license": [lic.path for lic in package.licenses],
            "creator": [{"@type": "Organization", "name": c.title} for c in package.contributors],
            "isAccessibleForFree": True, "temporalCoverage": f"{first or '2020-11-10'}/{last or '..'}",
            "spatialCoverage": COUNTRIES + places, "distribution": []}
    if release_.released:
        data["datePublished"] = release_.released.isoformat()
    if base:
        data["url"] = base + "/"
    if release_.repository_url:
        data["sameAs"] = release_.repository_url
    for f in site.manifest.files:
        entry = {"@type": "DataDownload", "name": f.name, "encodingFormat": f.media_type,
                 "contentSize": f"{f.bytes} B"}
        if base:
            entry["contentUrl"] = f"{base}/downloads/{f.name}"
        data["distribution"].append(entry)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def citation_block(site: Site) -> str:
    """How to cite this release: the version, date and addresses of release.toml over CITATION.cff (the file the
    zip carries), shown as text in `<pre>` blocks, so nothing in the file can close a fence or open a tag."""
    release_ = site.release
    cff_text = release.released_citation(site.package, release_).decode("utf-8")
    cff, package = yaml.safe_load(cff_text), site.package
    people = [" ".join(filter(None, [a.get("given-names"), a.get("family-names")])) or a.get("name", "")
              for a in cff.get("authors", [])] or [c.title for c in package.contributors]
    title, version = cff.get("title", package.title), release_.version
    year = str(release_.released.year) if release_.released else "n.d."
    url = release_.site_url or release_.repository_url or ""
    doi = f" https://doi.org/{cff['doi']}" if cff.get("doi") else ""
    key = re.sub(r"[^a-z0-9]", "", package.name) + (year if year != "n.d." else "")
    bib = [f"@misc{{{key},", f"  author    = {{{' and '.join('{' + p + '}' for p in people)}}},",
           f"  title     = {{{{{title}}}}},", f"  year      = {{{year}}},", f"  version   = {{{version}}},"]
    bib += [f"  url       = {{{url}}},"] if url else []
    bib += [f"  doi       = {{{cff['doi']}}},"] if cff.get("doi") else []
    bib += ["  note      = {Data set},", "}"]
    line = citation_text(site.package, release_) + doi
    out = [f"<blockquote><p>{esc(line)}</p></blockquote>", ""]
    if not release_.released:
        out += [f"<p><em>Version {esc(version)} is not yet released: cite the year once it is.</em></p>", ""]
    out += ["<p>BibTeX:</p>", "", pre("\n".join(bib)), "",
            "<p>The same, as <code>CITATION.cff</code> (which reference managers, GitHub and Zenodo read):</p>", "",
            pre(cff_text.strip())]
    return "\n".join(out)


def record_citation_block(site: Site) -> str:
    """How to cite one record: the line each record page ends with (`records.cite_line`), for the first record."""
    table = next(iter(site.package.record_tables().values()), None)
    row = next(site.rows(table.name, limit=1), None) if table else None
    if row is None:
        return "<p>No records yet.</p>"
    line = records.cite_line(site, table, row, records.heading(Lookup(site), table, row))
    return ("<p>When you quote a single record, cite it by its identifier, which never changes and is never "
            "reused. Each record's page ends with its citation, such as:</p>\n\n"
            f'<blockquote class="cite"><p>{esc(line)}</p></blockquote>\n\n'
            "<p>Give the day you read the page where it says <em>[day month year]</em>: a record may be corrected "
            "in a later version.</p>")


def pre(text: str) -> str:
    """A preformatted block whose every character is shown as itself."""
    return "<pre><code>" + esc(text).replace("<br>", "\n") + "</code></pre>"


def changelog_block(site: Site) -> str:
    """CHANGELOG.md as the zip carries it: this version's heading dated once release.toml has the date."""
    text = release.released_changelog(site.package, site.release).decode("utf-8")
    return re.sub(r"\A# .*\n", "", text).strip()


CHANGES_SHOWN = 1000
CHANGES_PAGE = "changes.md"


def changes_block(site: Site) -> str:
    """This release's rows of the database's `changes` table: a count per table and kind of change, then the
    lines themselves."""
    release_ = site.release
    if release_.previous is None:
        return "<p>No previous release to compare with.</p>"
    names, rows = site.query(f"SELECT {', '.join(changes.HEADER)} FROM changes WHERE release = "
                             f"{literal(release_.version)} ORDER BY rowid")
    lines = [dict(zip(names, row, strict=True)) for row in rows]
    counts = changes.summary([changes.Change(**line) for line in lines])
    kinds = ["added", "changed", "removed", "field_added", "field_removed", "table_added"]
    used = [k for k in kinds if any(k in c for c in counts.values())]
    head = [f"<p>Version {esc(release_.version)} against version {esc(release_.previous.version)}"
            + (f" ({release_.previous.released})" if release_.previous.released else "") + ": "
            + f"{len(lines):,} lines.</p>"]
    if not lines:
        return head[0] + "\n\n<p>Nothing changed.</p>"
    per_table = [[esc(t)] + [str(c.get(k, "")) for k in used] for t, c in counts.items()]
    head.append(html_table(["Table"] + [k.replace("_", " ") for k in used], per_table, "changes-summary"))
    sections, shown = [], lines[:CHANGES_SHOWN]
    for name in counts:
        mine = [x for x in shown if x["table_name"] == name]
        reasons = any(x["reason"] for x in mine)
        rows = [[f'<code style="white-space: nowrap">{esc(x["record_id"])}</code>' if x["record_id"] else "",
                 esc(x["change"].replace("_", " ")), esc(x["field"]), esc(x["old_value"]), esc(x["new_value"])]
                + ([esc(x["reason"])] if reasons else []) for x in mine]
        header = ["Record", "Change", "Field", "Old value", "New value"] + (["Reason"] if reasons else [])
        sections += [f"### {esc(name)}", site.blocks.put(CHANGES_PAGE, [html_table(header, rows, "changes")])] \
            if rows else []  # the lines go past MkDocs (`context.Blocks`); the headings stay in its contents
    more = [f"<p>The first {CHANGES_SHOWN:,} lines are shown; the download has them all.</p>"] \
        if len(lines) > CHANGES_SHOWN else []
    return "\n\n".join(head + sections + more)


def licences_block(site: Site) -> str:
    return "\n".join(f"- {external_link(lic.path, lic.title or lic.name)}" for lic in site.package.licenses)


def terms_block(site: Site) -> str:
    return ", ".join(f"<em>{esc(t)}</em>" for t in site.package.loaded_terms) or "None listed."


def rules_block(site: Site) -> str:
    """Every kind of rule of the registry, as the data dictionary words it, with the fields it applies to."""
    rows = []
    for kind in KINDS:
        used = [(t, f) for t in site.package.tables for f in t.fields if kind.applies(site.package, t, f)]
        if not used:
            continue
        example = kind.words(used[0][1])
        where = ", ".join(f"<code>{esc(t.name)}.{esc(f.name)}</code>" for t, f in used[:6])
        more = f" and {len(used) - 6} more" if len(used) > 6 else ""
        held = kind.typed if isinstance(kind.typed, str) else "a column constraint of the database"
        rows.append([f"<code>{esc(kind.name)}</code>", prose(example), where + more, esc(held)])
    return html_table(["Rule", "What it says (for example)", "Fields", "In the DuckDB file"], rows, "rules")


def publishers_block(site: Site) -> str:
    """How a publisher's kind and side are decided: the publishers table's own description, the one place it is
    written."""
    if "publishers" not in site.package.names:
        return "<p>The package has no publishers table.</p>"
    return f"<p>{prose(site.package.table('publishers').description)}</p>"


def blocks(site: Site, root: Path, site_url: str) -> dict:
    return {"figures": lambda: figures.figures_block(site), "counts": lambda: counts_block(site),
            "downloads": lambda: downloads_block(site, "downloads.md"),
            "quickstart": lambda: quickstart_block(site, "index.md"), "jsonld": lambda: jsonld_block(site, site_url),
            "citation": lambda: citation_block(site), "record-citation": lambda: record_citation_block(site),
            "changelog": lambda: changelog_block(site),
            "licences": lambda: licences_block(site), "loaded-terms": lambda: terms_block(site),
            "rules": lambda: rules_block(site), "changes": lambda: changes_block(site),
            "publishers": lambda: publishers_block(site)}
