"""Kinds of rule about web addresses (`x-url`, `x-rejectUrls`, `x-hostDetermines`): what is an address, which
addresses are not the canonical page, and one publisher per host."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from scripts.package import Field, Table, ident, literal
from scripts.rules.core import CONSTRUCTED, ROWS, Context, Forbidden, Kind, Rule, check, code, forbid, rule

if TYPE_CHECKING:
    import polars as pl

    from scripts.faults import Planting
    from scripts.synthetic import Generator

URL = ("^https?://[\\p{L}\\p{N}.-]+(:[0-9]+)?(/[\\p{L}\\p{N}\\p{M}\\-._~!$&'()*+,;=:@%/]*)?"
       "(\\?[\\p{L}\\p{N}\\p{M}\\-._~!$&'()*+,;=:@%/?]*)?(#[\\p{L}\\p{N}\\p{M}\\-._~!$&'()*+,;=:@%/?]*)?$")


def _url(ctx: Context) -> list[Rule]:
    col = ident(ctx.field.name)
    return [Rule(ctx.field.name, "url", "'{value}' is not an http(s) address of letters, digits and URL punctuation",
                 f"{col} IS NULL OR regexp_full_match({col}, {literal(URL)})")]


def plant_url(p: Planting) -> None:
    if found := p.first("url", lambda t, f: not f.rules.host_determines):
        p.put("url", found[0], found[1].name, 'https://example.org/"planted"')


def url_rejects_regex(field: Field) -> str:
    """A regex matching the addresses the field's `x-rejectUrls` names: its hosts (and their subdomains) and
    its path segments, in any case."""
    rejects = field.rules.reject_urls
    host = "|".join(re.escape(h) for h in rejects.hosts)
    segment = "|".join(re.escape(s) for s in rejects.path_segments)
    parts = ([f"^https?://(?:[^/]*\\.)?(?:{host})(?:[:/]|$)"] if rejects.hosts else []) + \
            ([f"^https?://[^/]+(?:/[^?#]*)?/(?:{segment})(?:[/?#]|$)"] if rejects.path_segments else [])
    return "(?i:" + "|".join(parts) + ")" if parts else "a^"


def _url_rejected(ctx: Context) -> list[Rule]:
    return [forbid(ctx.field, "url_rejected",
                   "'{value}' is an AMP, staging or preview address (x-rejectUrls); cite the canonical page",
                   url_rejects_regex(ctx.field))]


def plant_url_rejected(p: Planting) -> None:
    if found := p.first("url_rejected"):
        t, f = found
        rejects = f.rules.reject_urls
        url = f"https://{rejects.hosts[0]}/x" if rejects.hosts else f"https://example.org/{rejects.path_segments[0]}/x"
        p.put("url_rejected", t, f.name, url)


def fix_url_rejected(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    regex = url_rejects_regex(f).replace("(?i:", "(?i)(?:", 1)
    return frame.with_columns(pl.when(pl.col(f.name).str.contains(regex))
                              .then(pl.lit("https://example.org/") + pl.int_range(pl.len()).cast(pl.String))
                              .otherwise(pl.col(f.name)).alias(f.name))


def url_host_sql(col: str) -> str:
    return f"regexp_extract(lower({col}), '^https?://(?:www\\.)?([^/:?#]+)', 1)"


def _host_determines(ctx: Context) -> list[Rule]:
    """All URLs of one host belong to one value of the named field (one publisher per host)."""
    name = ctx.field.rules.host_determines
    other, host = ident(name), url_host_sql(ident(ctx.field.name))
    same = f"min({other}) OVER (PARTITION BY {host}) = max({other}) OVER (PARTITION BY {host})"
    made = rule(ctx.field, "host_determines", f"'{{value}}' shares its host with a row of another {name}", same)
    mixed = (f"NOT EXISTS (SELECT 1 FROM {ROWS} WHERE {ident(ctx.field.name)} IS NOT NULL GROUP BY {host} "
             f"HAVING min({other}) <> max({other}))")
    return [replace(made, compares_rows=True, reads=frozenset({name}), verdict=mixed)]


def plant_host_determines(p: Planting) -> None:
    """A URL on the host of a row with another value of the field the host determines."""
    if found := p.first("host_determines"):
        t, f = found
        other = f.rules.host_determines
        frame = p.frames[t.name]
        r = p.row(t)
        donor = next(i for i in range(frame.height) if frame[other][i] != frame[other][r])
        host = frame[f.name][donor].split("/")[2]
        p.put("host_determines", t, f.name, f"https://{host}/planted-{r}", at=r)


def fix_host_determines(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    """Each URL on a host named after the value the host determines."""
    import polars as pl

    host = pl.col(f.rules.host_determines).str.replace_all("[^a-z0-9-]", "-").str.to_lowercase()
    return frame.with_columns(pl.when(pl.col(f.name).is_null()).then(None).otherwise(
        pl.lit("https://") + host + pl.lit(".example.org/") + pl.int_range(pl.len()).cast(pl.String)).alias(f.name))


URL_KINDS: list[Kind] = [
    Kind("url", lambda p, t, f: f.is_url, _url,
         lambda t, f: check(f"regexp_full_match({ident(f.name)}, {literal(URL)})"),
         lambda f: "An http(s) address: a host, then a path, query and fragment of letters, digits and the "
                   "punctuation URLs allow (no spaces, quotes or angle brackets).",
         plant=plant_url, fix_up=CONSTRUCTED),
    Kind("url_rejected", lambda p, t, f: f.rules.reject_urls is not None, _url_rejected,
         lambda t, f: Forbidden(url_rejects_regex(f)),
         lambda f: ("Not an AMP, staging or preview address: hosts "
                    + ", ".join(map(code, f.rules.reject_urls.hosts)) + "; path segments "
                    + ", ".join(map(code, f.rules.reject_urls.path_segments)) + "."),
         plant=plant_url_rejected, fix_up=fix_url_rejected),
    Kind("host_determines", lambda p, t, f: f.rules.host_determines is not None, _host_determines,
         "compares rows: make check only",
         lambda f: f"Every URL of one host has the same {code(f.rules.host_determines)}.",
         plant=plant_host_determines, fix_up=fix_host_determines),
]
