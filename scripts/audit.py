"""`make audit`: how well the records are sourced, per table, and which rest on one side's sources only.

Reads the database `make build` wrote (`python -m scripts.audit [OUT]`, default build/), never the CSVs: the
sides of sources come from the `source_details` view and each record's sources from `record_sources`, the same
answers a reader of the database gets. Meant for curators and for the note that accompanies a data release.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from scripts.build import DATABASE
from scripts.package import ROOT, Package, PackageError, Table, ident, load_package
from scripts.query import QueryError, locked_connection

SQL = Path(__file__).parent / "sql"


def sql_file(name: str) -> str:
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchone()


def table_summary(con: duckdb.DuckDBPyConnection, table: Table) -> dict:
    """Rows, single-source records, disputed and provisional records, and records per date precision."""
    name, key = ident(table.name), ident(table.primary_key[0])
    rows, single, disputed, provisional = one(con, (
        "SELECT count(*), count(*) FILTER (WHERE r.source_count = 1), "
        "count(*) FILTER (WHERE t.record_status = 'disputed'), count(*) FILTER (WHERE t.record_status = 'provisional') "
        f"FROM {name} t LEFT JOIN record_sources r ON r.record_id = t.{key}"))
    precision = {} if "date_precision" not in table.field_names else dict(con.execute(
        f"SELECT date_precision::VARCHAR AS p, count(*) FROM {name} GROUP BY ALL ORDER BY p NULLS FIRST").fetchall())
    return {"table": table.name, "rows": rows, "single_source": single, "disputed": disputed,
            "provisional": provisional, "precision": precision}


def counts(title: str, rows: list[tuple]) -> list[str]:
    return [f"{title}:"] + [f"  {' / '.join(str(v) for v in row[:-1]):<40}{row[-1]:>6}" for row in rows]


def sources_report(con: duckdb.DuckDBPyConnection) -> list[str]:
    total, titled, day = one(con, "SELECT count(*), count(title), count(*) FILTER (WHERE published_date_precision "
                                  "= 'day') FROM source_details")
    return [f"sources with a title: {titled} of {total}; with a day date: {day} of {total}", "",
            *counts("sources per side and publisher kind", con.execute(sql_file("audit_sources_per_side")).fetchall())]


def report(package: Package, con: duckdb.DuckDBPyConnection) -> str:
    tables = package.record_tables().values()
    lines = [f"{'table':<20}{'rows':>6}{'1 source':>10}{'disputed':>10}{'provis.':>9}  date precision"]
    for r in (table_summary(con, t) for t in tables):
        precision = ", ".join(f"{k} {v}" for k, v in r["precision"].items())
        lines.append(f"{r['table']:<20}{r['rows']:>6}{r['single_source']:>10}{r['disputed']:>10}"
                     f"{r['provisional']:>9}  {precision}")
    for t in (t for t in package.tables if t not in tables):
        lines.append(f"{t.name:<20}{one(con, f'SELECT count(*) FROM {ident(t.name)}')[0]:>6}")
    claims = con.execute(sql_file("audit_claims_per_kind")).fetchall()
    lines += ["", *sources_report(con), "", *counts("claims per claimant kind", claims)]
    sided = con.execute(sql_file("audit_one_sided")).fetchall()
    lines.append("")
    lines.append(f"{len(sided)} records rest only on sources from one side:")
    lines += [f"  {rid}  {side} ({n} source{'s' if n > 1 else ''})" for rid, side, n in sided]
    return "\n".join(lines)


def audit(package: Package, out: Path) -> str:
    """The report on the database in OUT that `make build` wrote from `package`."""
    with locked_connection(out / DATABASE) as con:
        return report(package, con)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "build"
    try:
        print(audit(load_package(), out))
    except (PackageError, QueryError, duckdb.Error) as e:
        print(f"audit failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
