"""What the theme is given, and what its pages allow.

mkdocs-material writes the texts of the configuration (site name and description, nav titles) and the pages'
titles into every page as HTML, unescaped, and runs `striptags` (which also un-escapes) on a page's title for
`<title>`. So every text the theme receives is first made HTML here (`scripts.site.html.attr`), and the theme's
overrides (`scripts/site/theme/`, its `custom_dir`) escape again after `striptags`: a party name or a resource
title holding `</title><script>` stays text on every page.

Every page also carries a Content-Security-Policy (a `<meta>`: a static site sends no headers) that runs only
the site's own script files: the theme's inline scripts are moved to files by the overrides, and DuckDB-WASM on
the Query page gets what it needs to compile WebAssembly and start its worker.

Search runs in the site's own worker (`theme/assets/theme/search.js`, named by the overrides' `config` block): it
loads Material's and has it index the site at the reader's first search, where Material indexes it as every page
loads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scripts.files import copy_tree
from scripts.site.html import attr

THEME = Path(__file__).parent / "theme"
FOLDER = "theme"  # OUT/theme, beside OUT/mkdocs.yml, so that `mkdocs serve -f build/mkdocs.yml` finds it
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",  # DuckDB-WASM compiles WebAssembly; no inline script, no eval
    "worker-src 'self' blob:",  # the search worker and DuckDB-WASM's worker
    "connect-src 'self'",  # the search index, the Query page's setup, data files and .wasm
    "img-src 'self' data:",  # the theme's icons are data: URIs in its stylesheet
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",  # the record lists' column widths (simple-datatables sets style attributes)
    "font-src 'self'",
    "object-src 'self'",  # the timeline's charts are SVG files shown in <object>
    "base-uri 'self'",
    "form-action 'self'",
])


def escaped_nav(nav: list) -> list:
    """The nav with every title as HTML: the theme writes nav titles into every page unescaped."""
    out = []
    for item in nav:
        if isinstance(item, dict):
            out.append({attr(title): escaped_nav(target) if isinstance(target, list) else target
                        for title, target in item.items()})
        else:
            out.append(item)
    return out


def themed(config: dict, out: Path) -> dict:
    """The MkDocs configuration with its texts as HTML, the overrides copied to OUT/theme and the policy set."""
    shutil.rmtree(out / FOLDER, ignore_errors=True)
    copy_tree(THEME, out / FOLDER, "scripts/site/theme")
    for key in ("site_name", "site_description", "site_author", "copyright"):
        if isinstance(config.get(key), str):
            config[key] = attr(config[key])
    config["nav"] = escaped_nav(config.get("nav") or [])
    config["theme"] = {**config["theme"], "custom_dir": FOLDER}
    config["hooks"] = [f"{FOLDER}/hooks.py"]  # templates compiled once per machine (theme/hooks.py)
    config["extra"] = {**(config.get("extra") or {}), "content_security_policy": CONTENT_SECURITY_POLICY}
    return config
