"""The generated parts of the hand-written pages (`<!-- generated: NAME -->`): counts, downloads, quick start,
JSON-LD, citation, changelog, licences, loaded terms and the list of rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
from pathlib import Path

import yaml

from scripts.build import DATABASE
from scripts.package import ROOT
from scripts.rules import KINDS
from scripts.site.context import Site
from scripts.site.html import esc, external_link, href, html_table, prose, table_page


def last_update(root: Path, descriptor: dict) -> str | None:
    if descriptor.get("created"):
        return str(descriptor["created"])[:10]
    done = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%cs", "--", "data"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


def date_range(site: Site) -> tuple[dt.date | None, dt.date | None]:
    return site.query("SELECT min(date), max(date) FROM events")[1][0]


def counts_block(site: Site) -> str:
    rows = [[f'<a href="{href("index.md", table_page(t.name))}">{esc(t.title or t.name)}</a>',
             str(site.frames[t.name].height), esc(t.description)] for t in site.package.tables]
    first, last = date_range(site)
    facts = [f"Version <strong>{esc(site.package.version or 'unreleased')}</strong>"]
    if first:
        facts.append(f"records dated <strong>{first}</strong> to <strong>{last}</strong>")
    if through := site.package.complete_through:
        facts.append(f"complete through <strong>{esc(through)}</strong>")
    if updated := last_update(site.package.root, site.package.descriptor):
        facts.append(f"data last changed <strong>{esc(updated)}</strong>")
    return html_table(["Table", "Records", "One row per"], rows, "overview") + "\n\n<p>" + ", ".join(facts) + ".</p>"


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def downloads_block(site: Site) -> str:
    rows = []
    for name in site.downloads:
        path = site.out / "docs" / "downloads" / name
        rows.append([f'<a href="downloads/{esc(name)}">{esc(name)}</a>', f"{path.stat().st_size:,} bytes",
                     f'<code class="digest">{file_digest(path)}</code>'])
    return html_table(["File", "Size", "SHA-256"], rows, "downloads")


def quickstart_block(site: Site) -> str:
    name, version = site.package.name, site.package.version
    return "\n".join([
        f"Download [`{name}-{version}.zip`](downloads/{name}-{version}.zip) (CSV, `datapackage.json`, schemas)"
        if f"{name}-{version}.zip" in site.downloads else "Download the CSV files listed below",
        "and open the tables with the tool you use:", "",
        '=== "DuckDB"', "", "    ```sql", f"    ATTACH '{DATABASE}' AS am_az (READ_ONLY);",
        "    SELECT * FROM am_az.events ORDER BY date;", "    ```", "",
        '=== "pandas"', "", "    ```python", "    import pandas as pd",
        '    meetings = pd.read_csv("data/meetings.csv", parse_dates=["date_start", "date_end"])', "    ```", "",
        '=== "frictionless"', "", "    ```sh", "    frictionless validate datapackage.json", "    ```", "",
        '=== "R"', "", "    ```r", "    library(frictionless)",
        '    package <- read_package("datapackage.json")', '    meetings <- read_resource(package, "meetings")',
        "    ```"])


def jsonld_block(site: Site, site_url: str) -> str:
    """schema.org Dataset for search engines; `<` is written as \\u003c so no value can end the script."""
    d = site.package.descriptor
    first, last = date_range(site)
    base = site_url.rstrip("/") + "/" if site_url else ""
    places = [{"@type": "Place", "name": p["name"]} for p in site.rows("places") if p.get("kind") != "venue"]
    data = {"@context": "https://schema.org", "@type": "Dataset", "name": d.get("title", d["name"]),
            "description": d.get("description", ""), "version": d.get("version"), "url": base or d.get("homepage"),
            "sameAs": d.get("homepage"), "keywords": d.get("keywords", []),
            "license": [lic.get("path") for lic in d.get("licenses", [])],
            "creator": [{"@type": "Organization", "name": c.get("title")} for c in d.get("contributors", [])],
            "isAccessibleForFree": True, "temporalCoverage": f"{first or '2020-11-10'}/{last or '..'}",
            "spatialCoverage": places,
            "distribution": [{"@type": "DataDownload", "contentUrl": f"{base}downloads/{n}",
                              "encodingFormat": {".csv": "text/csv", ".zip": "application/zip"}.get(
                                  Path(n).suffix, "application/octet-stream")} for n in site.downloads]}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def citation_block(site: Site) -> str:
    """How to cite, from CITATION.cff when the package has one, else from datapackage.json; shown as text in
    `<pre>` blocks, so nothing in the file can close a fence or open a tag."""
    path, d = site.package.root / "CITATION.cff", site.package.descriptor
    cff = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    people = [" ".join(filter(None, [a.get("given-names"), a.get("family-names")])) or a.get("name", "")
              for a in cff.get("authors", [])] or [c.get("title", "") for c in d.get("contributors", [])]
    title, version = cff.get("title", d.get("title")), cff.get("version", d.get("version"))
    year = str(cff.get("date-released", ""))[:4] or "n.d."
    url = cff.get("url") or cff.get("repository-code") or d.get("homepage", "")
    doi = f" https://doi.org/{cff['doi']}" if cff.get("doi") else ""
    key = re.sub(r"[^a-z0-9]", "", d["name"]) + (year if year != "n.d." else "")
    bib = [f"@misc{{{key},", f"  author    = {{{' and '.join('{' + p + '}' for p in people)}}},",
           f"  title     = {{{{{title}}}}},", f"  year      = {{{year}}},", f"  version   = {{{version}}},",
           f"  url       = {{{url}}},"] + ([f"  doi       = {{{cff['doi']}}},"] if cff.get("doi") else []) + \
          ["  note      = {Data set},", "}"]
    line = f"{', '.join(people)} ({year}). {title} (version {version}) [Data set]. {url}{doi}"
    out = [f"<blockquote><p>{esc(line)}</p></blockquote>", "", "<p>BibTeX:</p>", "", pre("\n".join(bib)), ""]
    if path.exists():
        out += ["<p>The same, as <code>CITATION.cff</code> (which GitHub and Zenodo read):</p>", "",
                pre(path.read_text(encoding="utf-8").strip())]
    else:
        out += ["<p><em>This citation is built from <code>datapackage.json</code>: the package has no "
                "<code>CITATION.cff</code> yet.</em></p>"]
    return "\n".join(out)


def pre(text: str) -> str:
    """A preformatted block whose every character is shown as itself."""
    return "<pre><code>" + esc(text).replace("<br>", "\n") + "</code></pre>"


def changelog_block(root: Path) -> str:
    path = root / "CHANGELOG.md" if (root / "CHANGELOG.md").exists() else ROOT / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "No changes recorded yet."
    return re.sub(r"\A# .*\n", "", text).strip()


def licences_block(site: Site) -> str:
    return "\n".join(f"- {external_link(lic.get('path'), lic.get('title') or lic.get('name'))}"
                     for lic in site.package.descriptor.get("licenses", []))


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


def blocks(site: Site, root: Path, site_url: str) -> dict:
    return {"counts": lambda: counts_block(site), "downloads": lambda: downloads_block(site),
            "quickstart": lambda: quickstart_block(site), "jsonld": lambda: jsonld_block(site, site_url),
            "citation": lambda: citation_block(site), "changelog": lambda: changelog_block(root),
            "licences": lambda: licences_block(site), "loaded-terms": lambda: terms_block(site),
            "rules": lambda: rules_block(site)}
