"""The package's rules as pandera schemas, for checking a polars frame of one table (a notebook edit, say).

Generated from the same `scripts.rules` that `make check` runs: each rule that reads only its own row becomes
a pandera check that evaluates the rule's SQL over the frame in DuckDB, required fields are not nullable,
and key fields are unique. Rules that read other tables (foreign keys, citations) need the whole package:
run `make check` for those.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandera.polars as pa
import polars as pl

from scripts.package import Field, Package, Table
from scripts.rules import Rule, table_rules, with_values

ROWS = "frame_rows"


class Verdicts:
    """Every rule of one table judged over a frame in one DuckDB query, kept for the frame last judged:
    pandera asks rule by rule, and a query per rule would cost a connection and a scan each."""

    def __init__(self, table: Table, rules: list[Rule]):
        self.table, self.rules = table, rules
        self.seen: tuple | None = None
        self.judged: pl.DataFrame | None = None

    def of(self, frame: pl.DataFrame, rule: Rule) -> pl.LazyFrame:
        """One boolean per row of frame, in order: whether the row passes the rule (null counts as a pass)."""
        seen = (frame.height, tuple(frame.columns), int(frame.hash_rows().sum()) if frame.height else 0)
        if seen != self.seen:
            verdicts = ", ".join(f"coalesce({r.sql}, true) AS rule_{i}" for i, r in enumerate(self.rules))
            with duckdb.connect() as con:
                con.register(ROWS, frame)
                self.judged = con.sql(f"SELECT {verdicts} FROM {with_values(self.table, ROWS)}").pl()
            self.seen = seen
        return self.judged.select(pl.col(f"rule_{self.rules.index(rule)}").alias("passes")).lazy()


def rule_check(verdicts: Verdicts, rule: Rule) -> pa.Check:
    return pa.Check(lambda data: verdicts.of(data.lazyframe.collect(), rule), name=rule.name,
                    error=rule.message, description=rule.sql)


def unique_where_given(data: pa.PolarsData) -> pl.LazyFrame:
    """Table Schema's `unique`: no value twice; empty cells may repeat."""
    return data.lazyframe.select(pl.col(data.key).is_null() | ~pl.col(data.key).is_duplicated())


def column(verdicts: Verdicts, field: Field, rules: list[Rule]) -> pa.Column:
    checks = [rule_check(verdicts, r) for r in rules if r.local and r.name != "required"]
    if field.unique and not field.required:
        checks.append(pa.Check(unique_where_given, name="unique", error="duplicate value"))
    return pa.Column(pl.String, nullable=not field.required, unique=field.unique and field.required, checks=checks,
                     description=field.description)


def table_schema(table: Table, package: Package, today: dt.date | None = None) -> pa.DataFrameSchema:
    """The pandera schema of one table: one text column per field, in the schema's order."""
    rules = table_rules(table, package, today or dt.date.today())
    verdicts = Verdicts(table, [r for r in rules if r.local and r.name != "required"])
    columns = {f.name: column(verdicts, f, [r for r in rules if r.field == f.name]) for f in table.fields}
    return pa.DataFrameSchema(columns, name=table.name, strict=True, ordered=True, description=table.description)
