"""One planted fault per kind of rule, for the benchmark's parity check and the tests of the registry.

`plant_faults(root)` breaks a generated package (`scripts.synthetic`) with one fault of each kind that applies
to some field, each on its own row, found from the model: nothing here names a table or a column. What each
fault is belongs to its kind (`Kind.plant` in `scripts.rules`); this module is the `Planting` they work on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import polars as pl

from scripts.package import Field, FieldRules, Package, Table, load_package
from scripts.rules import KIND, KINDS

# What a Table Schema validator (frictionless) sees; the rest only the registry's own rules see.
STANDARD = {"type", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength", "required", "foreign_key",
            "primary_key", "unique"}
Fault = tuple[str, int, str, str]  # path, line, field, kind


class Planting:
    """The frames of a package being broken, and the faults planted so far."""

    def __init__(self, package: Package):
        self.package = package
        self.frames = {t.name: pl.read_csv(t.file, infer_schema=False) for t in package.tables}
        self.faults: list[Fault] = []
        self.used: dict[str, int] = {}

    def row(self, table: Table) -> int:
        self.used[table.name] = self.used.get(table.name, 3) + 7
        assert self.used[table.name] < self.frames[table.name].height, f"{table.name} is too small to plant every fault"
        return self.used[table.name]

    def put(self, kind: str, table: Table, name: str, value, at: int | None = None, also: dict | None = None) -> int:
        r = self.row(table) if at is None else at
        frame = self.frames[table.name]
        for col, v in {name: value, **(also or {})}.items():
            frame = frame.with_columns(frame[col].scatter(r, v))
        self.frames[table.name] = frame
        self.faults.append((table.path, r + 2, name, kind))
        return r

    def first(self, kind: str, pred: Callable[[Table, Field], bool] = lambda t, f: True) -> tuple[Table, Field] | None:
        """The first field of a large enough table that the kind applies to and pred accepts."""
        for t in self.package.tables:
            if self.frames[t.name].height > 30 and self.used.get(t.name, 3) + 7 < self.frames[t.name].height:
                for f in t.fields:
                    if KIND[kind].applies(self.package, t, f) and pred(t, f):
                        return t, f
        return None

    def plain(self, t: Table, f: Field) -> bool:
        """No key and no rule that ties it to another field: a fault here is a fault of one kind."""
        return (f.name not in t.primary_key and t.foreign_key(f.name) is None
                and replace(f.rules, precision_field=None, neutral=False, speaks_to_readers=False) == FieldRules()
                and not any(f.name in g.rules.siblings() for g in t.fields if g is not f))

    def write(self) -> None:
        for t in self.package.tables:
            self.frames[t.name].write_csv(t.file, null_value="", quote_style="necessary", line_terminator="\n")


def plant_faults(root) -> tuple[list[Fault], list[Fault]]:
    """Break the package at root with one fault of each kind; return (path, line, field, kind) of the faults
    a Table Schema validator sees (standard) and of those only this package's rules see (cross)."""
    planting = Planting(load_package(root))
    for kind in KINDS:
        kind.plant(planting)
    planting.write()
    standard = [f for f in planting.faults if f[3] in STANDARD]
    return standard, [f for f in planting.faults if f[3] not in STANDARD]
