"""Synthetic, valid packages of any size, generated from the package's own `schemas/` and descriptor.

Nothing here restates a table: every column is derived from its Table Schema field (type, constraints,
enum, pattern, foreign key, references) and every kind of rule is honoured by construction or by its kind's
fix-up (`Kind.fix_up` in `scripts.rules`), so a new field or rule in `schemas/` shows up in the synthetic data
without touching this file. Two tables whose foreign keys point at each other get mutual links.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import polars as pl

from scripts.package import DESCRIPTOR, ROOT, Field, Package, Table, load_package
from scripts.patterns import pattern_values
from scripts.rules import KINDS

FIRST_DATE = dt.date(2020, 11, 10)  # used only for dates whose schema gives no minimum
LAST_DATE = dt.date(2024, 12, 31)
OPTIONAL_EMPTY = 0.3
WORDS = ("officials delegation ministers talks border delimitation commission transport links detainees release "
         "servicemen civilians maps minefields handover exchange statement agreement meeting capital mediation "
         "working group session discussed agreed noted reported confirmed announced returned received "
         "humanitarian process peace treaty draft text road rail crossing villages district region experts "
         "sides parties representatives deputy prime foreign affairs spokesperson").split()


# --- generator -----------------------------------------------------------------------------------------------

class Generator:
    """Valid frames for every table of a package, sized by `sizes` (table name → rows)."""

    def __init__(self, package: Package, sizes: dict[str, int], seed: int = 6):
        self.package = package
        self.sizes = sizes
        self.rng = np.random.default_rng(seed)
        self.frames: dict[str, pl.DataFrame] = {}
        terms = package.loaded_terms + package.process_terms
        barred = re.compile(r"(?i)\b(" + "|".join(map(re.escape, terms)) + r")\b") if terms else None
        repeated = re.compile(r"(?i)\b([a-z]+)\W+\1\b")
        self.texts = [t for t in (self.sentence() for _ in range(400))
                      if not (barred and barred.search(t)) and not repeated.search(t)]

    def sentence(self) -> str:
        words = list(self.rng.choice(WORDS, size=int(self.rng.integers(6, 24))))
        if self.rng.random() < 0.2:
            words.insert(2, '"quoted"')
        if self.rng.random() < 0.3:
            words[len(words) // 2] += ","
        return (" ".join(words)).capitalize() + "."

    # -- order: referenced tables first; a pair of tables that reference each other is linked afterwards
    def order(self) -> list[Table]:
        done, ordered, tables = set(), [], list(self.package.tables)
        while tables:
            for t in tables:
                deps = {r for r in self.references(t) if r != t.name}
                mutual = {r for r in deps if t.name in self.references(self.package.table(r))}
                if deps - mutual <= done:
                    ordered.append(t)
                    done.add(t.name)
                    tables.remove(t)
                    break
            else:
                raise ValueError("tables reference each other in a cycle the generator cannot order")
        return ordered

    def references(self, table: Table) -> set[str]:
        refs = {fk.resource for fk in table.foreign_keys}
        return refs | {t.resource for f in table.fields for t in f.rules.targets()}

    def mutual_fk(self, table: Table, name: str) -> bool:
        fk = self.fk(table, name)
        if not fk:
            return False
        other = self.package.table(fk[0])
        return any(f2.resource == table.name for f2 in other.foreign_keys)

    @staticmethod
    def fk(table: Table, name: str) -> tuple[str, str] | None:
        fk = table.foreign_key(name)
        return (fk.resource, fk.reference_fields[0]) if fk else None

    def generate(self) -> dict[str, pl.DataFrame]:
        for table in self.order():
            self.frames[table.name] = self.fix_up(table, self.table_frame(table))
        self.link_mutual()
        return self.frames

    # -- one column per field
    def table_frame(self, table: Table) -> pl.DataFrame:
        n = self.sizes[table.name]
        columns = {f.name: self.column(table, f, n) for f in table.fields}
        return pl.DataFrame(columns)

    def sample(self, values: pl.Series, n: int) -> pl.Series:
        return values.gather(self.rng.integers(0, len(values), size=n))

    def column(self, table: Table, field: Field, n: int, required: bool = False) -> pl.Series:
        name, kind = field.name, field.type.name
        required = required or field.required
        unique = field.unique
        if (fk := self.fk(table, name)) and fk[0] != table.name:
            if self.mutual_fk(table, name):
                return pl.Series(name, [None] * n, dtype=pl.String)  # linked in link_mutual
            values = self.sample(self.frames[fk[0]][fk[1]], n)
        elif refs := field.rules.references_any:
            pool = pl.concat([self.frames[r.resource][r.field] for r in refs])
            values = pool if field.rules.every_record_cited else self.sample(pool, n)
            values = pl.concat([values, self.sample(pool, n - len(values))]) if len(values) < n else values[:n]
        elif lst := field.rules.list_of:
            pool = self.frames[lst.resource][lst.field]
            parts = [self.sample(pool, n) for _ in range(3)]
            width = self.rng.integers(1, 4, size=n)
            values = pl.DataFrame({"a": parts[0], "b": parts[1], "c": parts[2], "w": width}).select(
                pl.when(pl.col("w") == 1).then(pl.col("a"))
                .when(pl.col("w") == 2).then(pl.concat_str("a", "b", separator=lst.delimiter))
                .otherwise(pl.concat_str("a", "b", "c", separator=lst.delimiter))).to_series()
        elif unique and kind == "string" and field.pattern:
            values = pattern_values(field.pattern, n)
        elif unique and kind == "string":
            values = pl.Series([f"{table.name} {i}" for i in range(n)], dtype=pl.String)
        elif unique:
            raise ValueError(f"{table.name}.{name}: unique {kind} fields are not supported by the generator")
        elif field.codes:
            values = self.sample(pl.Series(field.code_values), n)
        elif kind == "date":
            low = dt.date.fromisoformat(field.minimum or FIRST_DATE.isoformat())
            high = min(dt.date.fromisoformat(field.maximum or LAST_DATE.isoformat()), LAST_DATE)
            days = self.rng.integers(0, (high - low).days + 1, size=n)
            epoch = (low - dt.date(1970, 1, 1)).days
            values = pl.Series(days + epoch).cast(pl.Int32).cast(pl.Date).dt.to_string("%Y-%m-%d")
        elif kind == "integer":
            low = field.minimum or 0
            high = field.maximum if field.maximum is not None else low + 100_000
            values = pl.Series(self.rng.integers(low, high + 1, size=n)).cast(pl.String)
        elif kind == "number":
            low = field.minimum or 0
            high = field.maximum if field.maximum is not None else low + 1000
            values = pl.Series(np.round(self.rng.uniform(low, high, size=n), 4)).cast(pl.String)
        elif field.pattern:
            values = self.sample(pattern_values(field.pattern, 40), n)
        else:
            texts = pl.Series(self.texts).str.slice(0, field.max_length or 2000).str.strip_chars()
            values = self.sample(texts.filter(texts.str.len_chars() >= (field.min_length or 0)), n)
        values = values.rename(name)
        if not required and not unique and not field.rules.every_record_cited:
            values = values.scatter(np.flatnonzero(self.rng.random(n) < OPTIONAL_EMPTY), None)
        return values

    # -- the rules no single column can honour: each kind's fix-up, in registry order
    def fix_up(self, table: Table, frame: pl.DataFrame) -> pl.DataFrame:
        for kind in KINDS:
            if callable(kind.fix_up):
                for f in table.fields:
                    if kind.applies(self.package, table, f):
                        frame = kind.fix_up(self, table, f, frame)
        return frame

    def link_mutual(self) -> None:
        """Tables whose foreign keys point at each other: a third of the rows are paired, both ways."""
        for table in self.package.tables:
            for f in table.fields:
                name = f.name
                if not self.mutual_fk(table, name):
                    continue
                other_name, other_key = self.fk(table, name)
                other = self.package.table(other_name)
                back = next(x.fields[0] for x in other.foreign_keys if x.resource == table.name)
                own, theirs = self.frames[table.name], self.frames[other_name]
                pairs = min(own.height, theirs.height) // 3
                mine = own[table.primary_key[0]]
                self.frames[table.name] = own.with_columns(
                    pl.concat([theirs[other_key][:pairs], pl.Series([None] * (own.height - pairs), dtype=pl.String)])
                    .alias(name))
                self.frames[other_name] = theirs.with_columns(
                    pl.concat([mine[:pairs], pl.Series([None] * (theirs.height - pairs), dtype=pl.String)])
                    .alias(back))


# --- sizes and writing ---------------------------------------------------------------------------------------

def default_sizes(package: Package, rows: int, sources_share: int = 10) -> dict[str, int]:
    """`rows` is the size of the largest table: the citing table (x-everyRecordCited) cites every record once,
    so the cited tables share rows between them; sources get rows / 10; lookups stay small."""
    citing = package.citing_fields()
    cited = {r.resource for _, f in citing for r in f.rules.references_any}
    sizes = {t.name: 40 for t in package.tables}
    for i, name in enumerate(sorted(cited)):  # the remainder one each to the first tables: they sum to rows
        sizes[name] = rows // len(cited) + (i < rows % len(cited))
    for t, f in citing:
        sizes[t.name] = sum(sizes[r.resource] for r in f.rules.references_any)
        for fk in t.foreign_keys:
            if fk.resource not in cited and all(t.field(n).required for n in fk.fields):
                sizes[fk.resource] = max(40, rows // sources_share)
    return sizes


def write_package(out: Path, rows: int, root: Path = ROOT, seed: int = 6) -> dict[str, int]:
    """Write a valid package with `rows` rows in its largest table to `out`; return the size of every table."""
    source = load_package(root)
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    shutil.copy(root / DESCRIPTOR, out / DESCRIPTOR)
    for t in source.tables:
        (out / t.schema_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / t.schema_path, out / t.schema_path)
    package = load_package(out)
    sizes = default_sizes(package, rows)
    frames = Generator(package, sizes, seed).generate()
    for t in package.tables:
        frames[t.name].select(t.field_names).write_csv(out / t.path, null_value="", quote_style="necessary",
                                                       line_terminator="\n")
    return {name: f.height for name, f in frames.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the largest table")
    args = parser.parse_args(argv)
    sizes = write_package(args.out, args.rows)
    print(", ".join(f"{k} {v}" for k, v in sizes.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
