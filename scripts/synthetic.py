"""Synthetic, valid packages of any size, generated from the package's own `schemas/` and descriptor.

Nothing here restates a table: every column is derived from its Table Schema field (type, constraints,
enum, pattern, foreign key) and every `x-` rule is honoured by a generic fix-up (x-differentFrom,
x-notBefore/x-notAfter, x-precisionField, x-between, x-qualifies, x-listOf, x-referencesAny,
x-everyRecordCited, x-neutral), so a new field or rule in `schemas/` shows up in the synthetic data
without touching this file. Two tables whose foreign keys point at each other get mutual links.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import re._parser as sre  # the stdlib's regex parser: patterns are enumerated, not hand-copied
import shutil
import string
import sys
from pathlib import Path

import numpy as np
import polars as pl

from scripts.package import DESCRIPTOR, ROOT, Package, Table, load_package

FIRST_DATE = dt.date(2020, 11, 10)  # used only for dates whose schema gives no minimum
LAST_DATE = dt.date(2024, 12, 31)
SAFE = string.ascii_lowercase + string.digits + string.ascii_uppercase
OPTIONAL_EMPTY = 0.3
WORDS = ("officials delegation ministers talks border delimitation commission transport links detainees release "
         "servicemen civilians maps minefields handover exchange statement agreement meeting capital mediation "
         "working group session discussed agreed noted reported confirmed announced returned received "
         "humanitarian process peace treaty draft text road rail crossing villages district region experts "
         "sides parties representatives deputy prime foreign affairs spokesperson").split()


# --- patterns ------------------------------------------------------------------------------------------------

def char_class(items) -> str:
    """The characters of SAFE (plus a few punctuation marks) that a parsed `[...]` or literal admits."""
    def admits(ch: str) -> bool:
        hit, negate = False, False
        for op, av in items:
            if op is sre.NEGATE:
                negate = True
            elif op is sre.LITERAL:
                hit |= ch == chr(av)
            elif op is sre.RANGE:
                hit |= av[0] <= ord(ch) <= av[1]
            elif op is sre.CATEGORY:
                hit |= {sre.CATEGORY_DIGIT: ch.isdigit(), sre.CATEGORY_SPACE: ch.isspace(),
                        sre.CATEGORY_WORD: ch.isalnum() or ch == "_",
                        sre.CATEGORY_NOT_SPACE: not ch.isspace()}.get(av, False)
        return hit != negate
    explicit = "".join(chr(av) for op, av in items if op is sre.LITERAL)
    return "".join(dict.fromkeys(c for c in SAFE + explicit if admits(c)))


def pattern_parts(parsed) -> list:
    """A pattern as a list of literal strings and variable runs (alphabet, min, max)."""
    parts = []
    for op, av in parsed:
        if op is sre.LITERAL:
            parts.append(chr(av))
        elif op is sre.IN:
            parts.append((char_class(av), 1, 1))
        elif op is sre.ANY:
            parts.append((string.ascii_lowercase, 1, 1))
        elif op is sre.SUBPATTERN:
            parts += pattern_parts(av[3])
        elif op is sre.BRANCH:
            parts += pattern_parts(av[1][0])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, sub = av
            inner = pattern_parts(sub)
            if len(inner) == 1 and isinstance(inner[0], tuple):
                parts.append((inner[0][0], low, None if high is sre.MAXREPEAT else high))
            else:
                parts += inner * low
        elif op is not sre.AT:
            raise ValueError(f"pattern element {op} is not supported by the generator")
    return parts


def encode(i: int, alphabet: str, width: int) -> str:
    k, out = len(alphabet), []
    while i:
        i, d = divmod(i, k)
        out.append(alphabet[d])
    return "".join(reversed(out)).rjust(width, alphabet[0])


def pattern_values(pattern: str, n: int) -> pl.Series:
    """n distinct strings that match the (implicitly anchored) pattern, counting in its last variable run."""
    parts = pattern_parts(sre.parse(pattern))
    runs = [j for j, p in enumerate(parts) if isinstance(p, tuple)]
    if not runs:
        raise ValueError(f"pattern {pattern} admits a single value")
    last = runs[-1]
    alphabet, low, high = parts[last]
    capacity = None if high is None else sum(len(alphabet) ** w for w in range(low, high + 1))
    if capacity is not None and n > capacity:
        raise ValueError(f"pattern {pattern} admits only {capacity} distinct values; {n} needed")
    fixed = ["".join(p if isinstance(p, str) else p[0][0] * p[1] for p in parts[:last]),
             "".join(p if isinstance(p, str) else p[0][0] * p[1] for p in parts[last + 1:])]
    if alphabet == string.digits:
        body = pl.int_range(0, n, eager=True).cast(pl.String).str.zfill(low)
    else:
        body = pl.Series([encode(i, alphabet, low) for i in range(n)], dtype=pl.String)
    if high is not None:
        assert body.str.len_chars().max() <= high
    return fixed[0] + body + fixed[1]


# --- generator -----------------------------------------------------------------------------------------------

class Generator:
    """Valid frames for every table of a package, sized by `sizes` (table name → rows)."""

    def __init__(self, package: Package, sizes: dict[str, int], seed: int = 6):
        self.package = package
        self.sizes = sizes
        self.rng = np.random.default_rng(seed)
        self.frames: dict[str, pl.DataFrame] = {}
        terms = package.descriptor.get("x-loadedTerms", [])
        loaded = re.compile(r"(?i)\b(" + "|".join(map(re.escape, terms)) + r")\b") if terms else None
        self.texts = [t for t in (self.sentence() for _ in range(400)) if not (loaded and loaded.search(t))]

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
        refs = {fk["reference"]["resource"] for fk in table.foreign_keys if fk["reference"].get("resource")}
        for f in table.fields:
            refs |= {t["resource"] for t in f.get("x-referencesAny", [])}
            if lst := f.get("x-listOf"):
                refs.add(lst["resource"])
        return refs

    def mutual_fk(self, table: Table, name: str) -> bool:
        fk = self.fk(table, name)
        if not fk:
            return False
        other = self.package.table(fk[0])
        return any(f2["reference"].get("resource") == table.name for f2 in other.foreign_keys)

    @staticmethod
    def fk(table: Table, name: str) -> tuple[str, str] | None:
        for fk in table.foreign_keys:
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            if fields == [name]:
                ref = fk["reference"]
                ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
                return ref.get("resource") or table.name, ref_fields[0]
        return None

    def generate(self) -> dict[str, pl.DataFrame]:
        for table in self.order():
            self.frames[table.name] = self.fix_up(table, self.table_frame(table))
        self.link_mutual()
        return self.frames

    # -- one column per field
    def table_frame(self, table: Table) -> pl.DataFrame:
        n = self.sizes[table.name]
        columns = {f["name"]: self.column(table, f, n) for f in table.fields}
        return pl.DataFrame(columns)

    def sample(self, values: pl.Series, n: int) -> pl.Series:
        return values.gather(self.rng.integers(0, len(values), size=n))

    def column(self, table: Table, field: dict, n: int) -> pl.Series:
        name, kind = field["name"], field.get("type", "string")
        c = field.get("constraints", {})
        key = table.primary_key
        required = c.get("required") or name in key
        unique = c.get("unique") or key == [name]
        if (fk := self.fk(table, name)) and fk[0] != table.name:
            if self.mutual_fk(table, name):
                return pl.Series(name, [None] * n, dtype=pl.String)  # linked in link_mutual
            values = self.sample(self.frames[fk[0]][fk[1]], n)
        elif refs := field.get("x-referencesAny"):
            pool = pl.concat([self.frames[r["resource"]][r["field"]] for r in refs])
            values = pool if field.get("x-everyRecordCited") else self.sample(pool, n)
            values = pl.concat([values, self.sample(pool, n - len(values))]) if len(values) < n else values[:n]
        elif lst := field.get("x-listOf"):
            pool = self.frames[lst["resource"]][lst["field"]]
            parts = [self.sample(pool, n) for _ in range(3)]
            width = self.rng.integers(1, 4, size=n)
            values = pl.DataFrame({"a": parts[0], "b": parts[1], "c": parts[2], "w": width}).select(
                pl.when(pl.col("w") == 1).then(pl.col("a"))
                .when(pl.col("w") == 2).then(pl.concat_str("a", "b", separator=lst["delimiter"]))
                .otherwise(pl.concat_str("a", "b", "c", separator=lst["delimiter"]))).to_series()
        elif unique and kind == "string" and "pattern" in c:
            values = pattern_values(c["pattern"], n)
        elif unique and kind == "string":
            values = pl.Series([f"{table.name} {i}" for i in range(n)], dtype=pl.String)
        elif unique:
            raise ValueError(f"{table.name}.{name}: unique {kind} fields are not supported by the generator")
        elif "enum" in c:
            values = self.sample(pl.Series([str(v) for v in c["enum"]]), n)
        elif kind == "date":
            low = dt.date.fromisoformat(c.get("minimum", FIRST_DATE.isoformat()))
            high = min(dt.date.fromisoformat(c.get("maximum", LAST_DATE.isoformat())), LAST_DATE)
            days = self.rng.integers(0, (high - low).days + 1, size=n)
            epoch = (low - dt.date(1970, 1, 1)).days
            values = pl.Series(days + epoch).cast(pl.Int32).cast(pl.Date).dt.to_string("%Y-%m-%d")
        elif kind == "integer":
            low, high = c.get("minimum", 0), c.get("maximum", c.get("minimum", 0) + 100_000)
            values = pl.Series(self.rng.integers(low, high + 1, size=n)).cast(pl.String)
        elif kind == "number":
            low, high = c.get("minimum", 0), c.get("maximum", c.get("minimum", 0) + 1000)
            values = pl.Series(np.round(self.rng.uniform(low, high, size=n), 4)).cast(pl.String)
        elif "pattern" in c:
            values = self.sample(pattern_values(c["pattern"], 40), n)
        else:
            texts = pl.Series(self.texts).str.slice(0, c.get("maxLength", 2000)).str.strip_chars()
            values = self.sample(texts.filter(texts.str.len_chars() >= c.get("minLength", 0)), n)
        values = values.rename(name)
        if not required and not unique and not field.get("x-everyRecordCited"):
            values = values.scatter(np.flatnonzero(self.rng.random(n) < OPTIONAL_EMPTY), None)
        return values

    # -- the x- rules, field by field
    def fix_up(self, table: Table, frame: pl.DataFrame) -> pl.DataFrame:
        n = frame.height
        for f in table.fields:
            name = f["name"]
            if counts := f.get("x-qualifies"):
                best = counts[1]
                filler = self.column(table, {**table.field(best), "constraints": {
                    **table.field(best).get("constraints", {}), "required": True}}, n)
                frame = frame.with_columns(
                    [pl.when(pl.col(name) == "not_reported").then(None).otherwise(pl.col(c)).alias(c)
                     for c in counts if c != best]
                    + [pl.when(pl.col(name) == "not_reported").then(None)
                       .otherwise(pl.col(best).fill_null(filler)).alias(best)])
        for f in table.fields:
            name, kind = f["name"], f.get("type", "string")
            if other := f.get("x-differentFrom"):
                fk = self.fk(table, other)
                pool = self.frames[fk[0]][fk[1]] if fk else frame[other].unique()
                shifted = dict(zip(pool, pool.shift(-1, fill_value=pool[0]), strict=True))
                frame = frame.with_columns(pl.when(pl.col(name) == pl.col(other))
                                           .then(pl.col(other).replace_strict(shifted)).otherwise(pl.col(name))
                                           .alias(name))
            for rule, keep in (("x-notBefore", pl.max_horizontal), ("x-notAfter", pl.min_horizontal)):
                if other := f.get(rule):
                    frame = frame.with_columns(pl.when(pl.col(name).is_null()).then(None)
                                               .otherwise(keep(name, other)).alias(name))
            if bounds := f.get("x-between"):
                cast = pl.Int64 if kind == "integer" else pl.Float64
                cols = [pl.col(c).cast(cast) for c in (bounds[0], name, bounds[1])]
                frame = frame.with_columns(
                    pl.when(pl.col(bounds[0]).is_null()).then(None).otherwise(pl.min_horizontal(cols))
                    .cast(pl.String).alias(bounds[0]),
                    pl.when(pl.col(bounds[1]).is_null()).then(None).otherwise(pl.max_horizontal(cols))
                    .cast(pl.String).alias(bounds[1]))
        for f in table.fields:
            if precision := f.get("x-precisionField"):
                first = table.field(precision)["constraints"]["enum"][0]
                frame = frame.with_columns(pl.when(pl.col(f["name"]).is_not_null() & pl.col(precision).is_null())
                                           .then(pl.lit(first)).otherwise(pl.col(precision)).alias(precision))
        return frame

    def link_mutual(self) -> None:
        """Tables whose foreign keys point at each other: a third of the rows are paired, both ways."""
        for table in self.package.tables:
            for f in table.fields:
                name = f["name"]
                if not self.mutual_fk(table, name):
                    continue
                other_name, other_key = self.fk(table, name)
                other = self.package.table(other_name)
                back = next(x["fields"][0] for x in other.foreign_keys if x["reference"].get("resource") == table.name)
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
    so each cited table gets rows / (number of cited tables); sources get rows / 10; lookups stay small."""
    citing = [(t, f) for t in package.tables for f in t.fields if f.get("x-everyRecordCited")]
    cited = {r["resource"] for _, f in citing for r in f["x-referencesAny"]}
    sizes = {t.name: 40 for t in package.tables}
    for name in cited:
        sizes[name] = rows // len(cited)
    for t, f in citing:
        sizes[t.name] = sum(sizes[r["resource"]] for r in f["x-referencesAny"])
        for fk in t.foreign_keys:
            ref = fk["reference"].get("resource")
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            if ref and ref not in cited and all(t.field(n).get("constraints", {}).get("required") for n in fields):
                sizes[ref] = max(40, rows // sources_share)
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


# --- planted faults ------------------------------------------------------------------------------------------

def plant_faults(root: Path) -> tuple[list[tuple[str, int, str, str]], list[tuple[str, int, str, str]]]:
    """Break a generated package at root with one fault of each kind, each on its own row, found from the
    schemas. Returns (path, line, field, kind) of the faults a Table Schema validator sees (standard) and of
    those only the `x-` rules see (cross)."""
    package = load_package(root)
    frames = {t.name: pl.read_csv(t.file, infer_schema=False) for t in package.tables}
    standard, cross, used = [], [], {}

    def row(table: Table, want: int | None = None) -> int:
        used[table.name] = used.get(table.name, 3) + 7
        r = used[table.name] if want is None else want
        assert r < frames[table.name].height, f"{table.name} is too small to plant every fault"
        return r

    def put(kind: str, faults: list, table: Table, name: str, value, at: int | None = None, also: dict = ()) -> int:
        r = row(table, at)
        frame = frames[table.name]
        for col, v in {name: value, **dict(also)}.items():
            frame = frame.with_columns(frame[col].scatter(r, v))
        frames[table.name] = frame
        faults.append((table.path, r + 2, name, kind))
        return r

    def first(pred) -> tuple[Table, dict] | None:
        for t in package.tables:
            if frames[t.name].height > 30:
                for f in t.fields:
                    if pred(t, f):
                        return t, f
        return None

    def plain(t: Table, f: dict) -> bool:  # no key and no x- rule: a fault here is a fault of one kind
        return (f["name"] not in t.primary_key and not Generator.fk(t, f["name"])
                and not any(k.startswith("x-") and k not in ("x-precisionField", "x-neutral") for k in f)
                and not any(f["name"] in [g.get(k) for k in ("x-differentFrom", "x-notBefore", "x-notAfter")]
                            for g in t.fields))

    def con(f: dict) -> dict:
        return f.get("constraints", {})

    day = dt.timedelta(days=1)
    for kind, pred, value in [
        ("type", lambda t, f: f.get("type") == "integer" and plain(t, f), lambda f: "12.5"),
        ("type", lambda t, f: f.get("type") == "number" and plain(t, f), lambda f: "abc"),
        ("type", lambda t, f: f.get("type") == "date" and plain(t, f), lambda f: "2021-02-30"),
        ("pattern", lambda t, f: "pattern" in con(f) and plain(t, f), lambda f: "NOT VALID"),
        ("enum", lambda t, f: "enum" in con(f) and plain(t, f), lambda f: "not_in_enum"),
        ("minimum", lambda t, f: "minimum" in con(f) and f.get("type") == "integer" and plain(t, f),
         lambda f: str(con(f)["minimum"] - 1)),
        ("minimum", lambda t, f: "minimum" in con(f) and f.get("type") == "date" and not t.primary_key[1:]
         and not any(g.get("x-notBefore") == f["name"] or g.get("x-notAfter") == f["name"] for g in t.fields),
         lambda f: (dt.date.fromisoformat(con(f)["minimum"]) - day).isoformat()),
        ("maximum", lambda t, f: "maximum" in con(f) and plain(t, f), lambda f: str(con(f)["maximum"] + 1)),
        ("maxLength", lambda t, f: "maxLength" in con(f) and plain(t, f), lambda f: "x" * (con(f)["maxLength"] + 1)),
        ("required", lambda t, f: con(f).get("required") and plain(t, f), lambda f: None),
        ("foreign_key", lambda t, f: bool(Generator.fk(t, f["name"])) and not any(k.startswith("x-") for k in f)
         and not any(g.get("x-differentFrom") == f["name"] for g in t.fields), lambda f: "no_such_key"),
        ("whitespace", lambda t, f: f.get("type", "string") == "string" and plain(t, f)
         and not {"pattern", "enum"} & set(con(f)),
         lambda f: " leading space"),
        ("formula", lambda t, f: f.get("type", "string") == "string" and plain(t, f)
         and not {"pattern", "enum"} & set(con(f)),
         lambda f: "=SUM(A1:A9)"),
        ("future", lambda t, f: f.get("type") == "date" and plain(t, f) and "maximum" not in con(f),
         lambda f: "2999-01-01"),
    ]:
        if found := first(pred):
            t, f = found
            if kind == "foreign_key" and frames.get(Generator.fk(t, f["name"])[0]) is None:
                continue
            put(kind, standard if kind not in ("whitespace", "formula", "future") else cross, t, f["name"], value(f))
    if found := first(lambda t, f: f.get("constraints", {}).get("unique") and t.primary_key == [f["name"]]):
        t, f = found
        put("primary_key", standard, t, f["name"], frames[t.name][f["name"]][0])
    if found := first(lambda t, f: len(t.primary_key) > 1 and f["name"] == t.primary_key[0]):
        t, f = found
        put("primary_key", standard, t, f["name"], frames[t.name][f["name"]][0],
            also={k: frames[t.name][k][0] for k in t.primary_key[1:]})
    if found := first(lambda t, f: con(f).get("unique") and f["name"] not in t.primary_key):
        t, f = found
        put("unique", standard, t, f["name"], frames[t.name][f["name"]][0])

    # the x- rules
    neutral = False
    for t in package.tables:
        if frames[t.name].height <= 30:
            continue
        for f in t.fields:
            name = f["name"]
            if other := f.get("x-differentFrom"):
                r = row(t)
                put("different_from", cross, t, name, frames[t.name][other][r], at=r)
            if other := f.get("x-notBefore"):
                put("not_before", cross, t, name, "2022-06-01", also={other: "2022-06-02"})
            if other := f.get("x-notAfter"):
                put("not_after", cross, t, name, "2022-06-02", also={other: "2022-06-01"})
            precision = f.get("x-precisionField")
            if precision and not t.field(precision).get("constraints", {}).get("required"):
                put("precision_given", cross, t, name, "2021-01-01", also={precision: None})
            if bounds := f.get("x-between"):
                q = next((g for g in t.fields if name in g.get("x-qualifies", [])), None)
                put("count_range", cross, t, name, "5", also={bounds[0]: "10", bounds[1]: "20",
                                                               **({q["name"]: "exact"} if q else {})})
            if counts := f.get("x-qualifies"):
                put("qualifier", cross, t, name, "not_reported", also={counts[1]: "5"})
            if f.get("x-neutral") and (terms := package.descriptor.get("x-loadedTerms")) and not neutral:
                neutral = True
                put("neutral", cross, t, name, f"The {terms[0]} was discussed.")
            if f.get("x-listOf"):
                put("list_reference", cross, t, name, "no_such_place")
            if (targets := f.get("x-referencesAny")) and not f.get("x-everyRecordCited"):
                ref = package.table(targets[0]["resource"])
                key = ref.field(targets[0]["field"]).get("constraints", {}).get("pattern")
                put("record_reference", cross, t, name, pattern_values(key, frames[ref.name].height + 1)[-1])
            if f.get("x-everyRecordCited"):
                ids = frames[t.name][name]
                r = row(t)
                lost = ids[r]
                put("cited_elsewhere", [], t, name, ids[(r + 1) % len(ids)], at=r)
                for tt in (package.table(x["resource"]) for x in targets):
                    keys = frames[tt.name][tt.primary_key[0]]
                    hit = keys.index_of(lost)
                    if hit is not None:
                        cross.append((tt.path, hit + 2, tt.primary_key[0], "cited"))
            if (fk := Generator.fk(t, name)) and any(
                    x["reference"].get("resource") == t.name for x in package.table(fk[0]).foreign_keys):
                frame = frames[t.name]
                free = frame.with_row_index().filter(pl.col(name).is_null())["index"]
                linked = frame.filter(pl.col(name).is_not_null())[name]
                if len(free) and len(linked):
                    put("link_back", cross, t, name, linked[0], at=int(free[-1]))
    for t in package.tables:
        frames[t.name].write_csv(t.file, null_value="", quote_style="necessary", line_terminator="\n")
    return standard, cross
