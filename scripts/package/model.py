"""The package model: the one reading of `datapackage.json` and `schemas/`.

Every stage (validation, DDL, pandera, site, synthetic data) reads a field's meaning from the objects here
(`Package`, `Table`, `Field`, `ForeignKey`, `FieldType`), never from the raw JSON. Loading normalises what
Table Schema lets authors write several ways (a foreign key's fields as a string or a list, a reference to
the table itself without a resource, codes as `enum` and as `categories`) and refuses, as `file: message`,
what would otherwise fail later or silently: unknown `x-` keys, code lists that disagree, names that could
become paths, references to unknown resources or fields.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from scripts.package.keys import FieldRules, RecordRole, Target

ROOT = Path(__file__).resolve().parent.parent.parent
DESCRIPTOR = "datapackage.json"

DATE_FORMAT = "%Y-%m-%d"
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
INTEGER = r"[+-]?[0-9]+"
NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")  # package, resource and version names: they become paths
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")  # they become SQL identifiers, HTML ids and CSV headers


@dataclass(frozen=True)
class FieldType:
    """What a Table Schema type means to every stage: the shape of a cell, the SQL type that holds it, the
    values that type can hold (a cell outside them is refused before the build), and words for the docs."""

    name: str
    sql: str
    cell_pattern: str | None
    low: object = None
    high: object = None
    words: str = ""


FIELD_TYPES = {
    "string": FieldType("string", "VARCHAR", None, words="text"),
    "integer": FieldType("integer", "BIGINT", INTEGER, -(2**63), 2**63 - 1, "whole number"),
    "number": FieldType("number", "DOUBLE", NUMBER, -1.7976931348623157e308, 1.7976931348623157e308, "number"),
    "date": FieldType("date", "DATE", ISO_DATE, "0001-01-01", "9999-12-31", "date (YYYY-MM-DD)"),
}
CONSTRAINTS = {"required", "unique", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength"}


def ident(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True, order=True)
class Problem:
    """One fault in the package, printed as `file:line:field: message` (line and field when known)."""

    path: str
    line: int | None = None
    field: str | None = None
    message: str = ""

    def __str__(self) -> str:
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
            if self.field:
                place += f":{self.field}"
        elif self.field:
            place += f"::{self.field}"
        return f"{place}: {self.message}"


class PackageError(Exception):
    """The package cannot be read at all; carries the problems that say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems



@dataclass(frozen=True)
class Code:
    value: str
    label: str = ""


@dataclass(frozen=True)
class ForeignKey:
    """Always lists of fields; `resource` is the table itself where the schema leaves it out."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    description: str = ""
    example: str | None = None
    required: bool = False  # a primary-key field is always required
    unique: bool = False  # declared unique, or the whole primary key
    codes: tuple[Code, ...] = ()
    pattern: str | None = None
    minimum: object = None
    maximum: object = None
    min_length: int | None = None
    max_length: int | None = None
    rules: FieldRules = FieldRules()  # the `x-` rule arguments, typed
    title: str = ""  # a reader's name for the field, where its name alone would mislead

    @property
    def code_values(self) -> list[str]:
        return [c.value for c in self.codes]

    def label(self, code: str) -> str:
        return next((c.label for c in self.codes if c.value == code), "")

    @property
    def is_url(self) -> bool:
        """An http(s) address (`x-url`): shown as a link, checked as an address."""
        return self.rules.url

    @property
    def is_prose(self) -> bool:
        """Free text: a string with no pattern and no code list."""
        return self.type.name == "string" and not self.pattern and not self.codes


@dataclass(frozen=True)
class Table:
    """One resource of the package with its Table Schema, normalised."""

    name: str
    path: str
    schema_path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    title: str = ""
    description: str = ""
    record: RecordRole | None = None  # x-record: its rows are records, and which fields say what of them
    schema: dict = field(default_factory=dict, compare=False, hash=False)  # raw, for frictionless only
    root: Path = field(default=ROOT, compare=False)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def file(self) -> Path:
        return self.root / self.path

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def foreign_key(self, name: str) -> ForeignKey | None:
        """The single-field foreign key on `name`, if any."""
        return next((fk for fk in self.foreign_keys if fk.fields == (name,)), None)

    @property
    def key_field(self) -> Field | None:
        """The one field of a single-field primary key."""
        return self.field(self.primary_key[0]) if len(self.primary_key) == 1 else None

    @property
    def id_prefix(self) -> str | None:
        """The letters every key of the table starts with (`mtg` for `mtg-[0-9]{4,}`), where its one key field's
        pattern starts with letters and a hyphen."""
        if len(self.primary_key) != 1:
            return None
        found = re.match(r"([a-z0-9]+)-", self.field(self.primary_key[0]).pattern or "")
        return found.group(1) if found else None


@dataclass(frozen=True)
class License:
    name: str
    title: str = ""
    path: str = ""


@dataclass(frozen=True)
class Contributor:
    title: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Package:
    """The descriptor and its tables, in descriptor order; the descriptor's texts as attributes."""

    descriptor: dict  # raw: for frictionless and for writing the released descriptor, never for its meaning
    tables: list[Table]
    root: Path = ROOT

    def text(self, key: str) -> str:
        value = self.descriptor.get(key)
        return value if isinstance(value, str) else ""

    @property
    def name(self) -> str:
        return self.descriptor["name"]

    @property
    def version(self) -> str:
        return self.text("version")

    @property
    def title(self) -> str:
        """The package's title, or its name where it has none."""
        return self.text("title") or self.name

    @property
    def description(self) -> str:
        return self.text("description")

    @property
    def homepage(self) -> str:
        return self.text("homepage")

    @property
    def created(self) -> str:
        return self.text("created")

    @property
    def keywords(self) -> list[str]:
        return [k for k in self.descriptor.get("keywords", []) if isinstance(k, str)]

    @property
    def licenses(self) -> list[License]:
        return [License(str(lic.get("name", "")), str(lic.get("title", "")), str(lic.get("path", "")))
                for lic in self.descriptor.get("licenses", []) if isinstance(lic, dict)]

    @property
    def contributors(self) -> list[Contributor]:
        return [Contributor(str(c.get("title", "")), tuple(map(str, c.get("roles", []))))
                for c in self.descriptor.get("contributors", []) if isinstance(c, dict)]

    @property
    def loaded_terms(self) -> list[str]:
        return list(self.descriptor.get("x-loadedTerms", []))

    @property
    def process_terms(self) -> list[str]:
        """Words of our tools and working passes, which published prose never uses (x-processTerms)."""
        return list(self.descriptor.get("x-processTerms", []))

    @property
    def complete_through(self) -> str | None:
        return self.descriptor.get("x-completeThrough")

    def released(self, facts: dict[str, object], resources: list[dict], files: list[dict]) -> dict:
        """The descriptor as a release publishes it: each of `facts` (version, homepage, id, created, sources) set,
        or left out where it is None; each resource with its entry of `resources` (type, bytes, hash) added; and
        `x-files`, every other file of the release."""
        out = copy.deepcopy(self.descriptor)
        for key, value in facts.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
        for resource, added in zip(out["resources"], resources, strict=True):
            resource.update(added)
        out["x-files"] = files
        return out

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tables]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def referencing(self, table: Table) -> list[tuple[Table, ForeignKey]]:
        """The foreign keys of other tables that point at table."""
        return [(t, fk) for t in self.tables if t is not table for fk in t.foreign_keys if fk.resource == table.name]

    def targets(self, table: Table) -> list[Target]:
        """Every x-listOf and x-referencesAny target of every field that is a field of table."""
        return [t for other in self.tables for f in other.fields for t in f.rules.targets() if t.resource == table.name]

    def lookup_fields(self, table: Table) -> list[str]:
        """Fields of table that rules of other tables may read: its keys, its own references, and every
        field another table points at."""
        wanted = set(table.primary_key) | {n for fk in table.foreign_keys for n in fk.fields}
        wanted |= {f.name for f in table.fields if f.rules.references_any}
        wanted |= {n for _, fk in self.referencing(table) for n in fk.reference_fields}
        wanted |= {fk.reference_fields[0] for fk in table.foreign_keys if fk.resource == table.name}
        wanted |= {t.field for t in self.targets(table)}
        return [name for name in table.field_names if name in wanted]

    def citing_fields(self) -> list[tuple[Table, Field]]:
        """The fields marked `x-everyRecordCited`, with their tables: they cite every record they can name."""
        return [(t, f) for t in self.tables for f in t.fields if f.rules.every_record_cited]

    def cited_records(self) -> list[Target]:
        """The key fields (`Target`s) of the tables whose rows are records: those a citing field references, in
        its order."""
        return [t for _, f in self.citing_fields() for t in f.rules.references_any]

    def record_tables(self) -> dict[str, Table]:
        """The tables whose rows are records (`x-record`), by the prefix of their ids (`mtg` → meetings, …), in
        descriptor order."""
        return self._record_tables

    @functools.cached_property
    def _record_tables(self) -> dict[str, Table]:
        """Worked out once: the site asks for the table of every id it links to (the package never changes)."""
        return {t.id_prefix or t.name: t for t in self.tables if t.record}

    def event_tables(self) -> list[Table]:
        """The record tables that name their date field: their rows make the events view, in descriptor order."""
        return [t for t in self.record_tables().values() if t.record.date]

    def record_table(self, record_id: str) -> Table | None:
        """The record table a record id belongs to, by its prefix."""
        return self.record_tables().get(str(record_id).split("-", 1)[0])
