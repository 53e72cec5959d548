"""`make audit`: how well the records are sourced, per table, and which rest on one side's sources only.

Reads the validated CSVs; meant for curators and for the note that accompanies a data release.
"""

from __future__ import annotations

import sys

import polars as pl

from scripts.load import read_package
from scripts.package import Package, PackageError

UNCERTAIN = ["disputed", "provisional"]


def source_sides(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Each source with its publisher's kind and the side it is counted on: the original publisher's for a
    copy, otherwise the publisher's (as the `source_details` view says)."""
    publishers = frames["publishers"].select("publisher_id", "kind", "side")
    original = publishers.select(pl.col("publisher_id").alias("original_publisher_id"),
                                 pl.col("side").alias("original_side"))
    return (frames["sources"].join(publishers.rename({"kind": "publisher_kind"}), on="publisher_id", how="left")
            .join(original, on="original_publisher_id", how="left")
            .with_columns(pl.coalesce("original_side", "side").alias("side")))


def sources_per_record(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """record_id, number of sources, and the sides those sources come from."""
    return (frames["citations"].join(source_sides(frames), on="source_id", how="left")
            .group_by("record_id")
            .agg(pl.col("source_id").n_unique().alias("sources"), pl.col("side").unique().sort().alias("sides")))


def table_summary(name: str, key: str, frame: pl.DataFrame, sourced: pl.DataFrame) -> dict:
    records = frame.select(pl.col(key).alias("record_id"), "record_status", "date_precision") \
        if "date_precision" in frame.columns else frame.select(pl.col(key).alias("record_id"), "record_status")
    joined = records.join(sourced, on="record_id", how="left")
    precision = {} if "date_precision" not in frame.columns else dict(
        records.group_by("date_precision").len().sort("date_precision").iter_rows())
    return {
        "table": name,
        "rows": frame.height,
        "single_source": joined.filter(pl.col("sources") == 1).height,
        "disputed": records.filter(pl.col("record_status") == "disputed").height,
        "provisional": records.filter(pl.col("record_status") == "provisional").height,
        "precision": precision,
    }


def one_sided(frames: dict[str, pl.DataFrame], sourced: pl.DataFrame) -> pl.DataFrame:
    """Records whose sources all come from one side (Armenian or Azerbaijani)."""
    return (sourced.filter((pl.col("sides").list.len() == 1)
                           & pl.col("sides").list.first().is_in(["armenia", "azerbaijan"]))
            .select("record_id", pl.col("sides").list.first().alias("side"), "sources").sort("record_id"))


def counts(title: str, frame: pl.DataFrame, *columns: str) -> list[str]:
    rows = frame.group_by(*columns).len().sort(*columns, nulls_last=True).iter_rows()
    return [f"{title}:"] + [f"  {' / '.join(str(v) for v in row[:-1]):<40}{row[-1]:>6}" for row in rows]


def sources_report(frames: dict[str, pl.DataFrame]) -> list[str]:
    sources = source_sides(frames)
    titled = sources.filter(pl.col("title").is_not_null()).height
    day = sources.filter(pl.col("published_date_precision") == "day").height
    return [f"sources with a title: {titled} of {sources.height}; with a day date: {day} of {sources.height}", "",
            *counts("sources per side and publisher kind", sources, "side", "publisher_kind")]


def report(package: Package, frames: dict[str, pl.DataFrame]) -> str:
    sourced = sources_per_record(frames)
    rows = [table_summary(t.resource, t.field, frames[t.resource], sourced) for t in package.cited_records()]
    lines = [f"{'table':<20}{'rows':>6}{'1 source':>10}{'disputed':>10}{'provis.':>9}  date precision"]
    for r in rows:
        precision = ", ".join(f"{k} {v}" for k, v in r["precision"].items())
        lines.append(f"{r['table']:<20}{r['rows']:>6}{r['single_source']:>10}{r['disputed']:>10}"
                     f"{r['provisional']:>9}  {precision}")
    for name in (t.name for t in package.tables if t.name not in {r.resource for r in package.cited_records()}):
        lines.append(f"{name:<20}{frames[name].height:>6}")
    lines += ["", *sources_report(frames), "", *counts("claims per claimant kind", frames["claims"], "claimant_kind")]
    sided = one_sided(frames, sourced)
    lines.append("")
    lines.append(f"{sided.height} records rest only on sources from one side:")
    lines += [f"  {rid}  {side} ({n} source{'s' if n > 1 else ''})" for rid, side, n in sided.iter_rows()]
    return "\n".join(lines)


def main() -> int:
    try:
        package, frames = read_package()
    except PackageError as e:
        print(e, file=sys.stderr)
        return 1
    print(report(package, frames))
    return 0


if __name__ == "__main__":
    sys.exit(main())
