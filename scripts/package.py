"""The package model: the one reading of `datapackage.json` and `schemas/`.

Every stage (validation, DDL, pandera, site, synthetic data) reads a field's meaning from the objects here
(`Package`, `Table`, `Field`, `ForeignKey`, `FieldType`), never from the raw JSON. Loading normalises what
Table Schema lets authors write several ways (a foreign key's fields as a string or a list, a reference to
the table itself without a resource, codes as `enum` and as `categories`) and refuses, as `file: message`,
what would otherwise fail later or silently: unknown `x-` keys, code lists that disagree, names that could
become paths, references to unknown resources or fields.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
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


# --- x- rules: the shape of each key's value -----------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A field of another (or the same) resource that a value must be found in."""

    resource: str
    field: str
    delimiter: str = ""


@dataclass(frozen=True)
class Condition:
    """`field` holds one of `values` (x-requiredWhen), or maps each of its codes to the codes allowed here
    (x-allowedWhen)."""

    field: str
    values: tuple = ()
    allowed: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class UrlRejects:
    hosts: tuple[str, ...]
    path_segments: tuple[str, ...]


def _sibling(value, where):
    if not isinstance(value, str):
        raise ValueError(f"{where} must name a field of the same table")
    return value


def _siblings(value, where):
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} must be a list of field names of the same table")
    return tuple(value)


def _true(value, where):
    if value is not True:
        raise ValueError(f"{where} must be true")
    return True


def _target(value, where):
    if not isinstance(value, dict) or not isinstance(value.get("resource"), str) \
            or not isinstance(value.get("field"), str):
        raise ValueError(f"{where} must be an object with resource and field")
    return Target(value["resource"], value["field"], str(value.get("delimiter", "")))


def _list_target(value, where):
    found = _target(value, where)
    if not found.delimiter:
        raise ValueError(f"{where} needs a delimiter")
    return found


def _targets(value, where):
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where} must be a list of {{resource, field}} objects")
    return tuple(_target(v, where) for v in value)


def _when(value, where):
    if not isinstance(value, dict) or not isinstance(value.get("field"), str) \
            or not isinstance(value.get("values"), list) or not value["values"]:
        raise ValueError(f"{where} must be an object with field and a non-empty list of values")
    return Condition(value["field"], tuple(map(str, value["values"])))


def _allowed_when(value, where):
    if not isinstance(value, dict) or not isinstance(value.get("field"), str) \
            or not isinstance(value.get("values"), dict):
        raise ValueError(f"{where} must be an object with field and values (a code → list of allowed codes)")
    allowed = tuple((str(k), tuple(map(str, v))) for k, v in value["values"].items() if isinstance(v, list))
    if len(allowed) != len(value["values"]):
        raise ValueError(f"{where}: each code must map to a list of allowed codes")
    return Condition(value["field"], allowed=allowed)


def _url_rejects(value, where):
    if not isinstance(value, dict) or set(value) - {"hosts", "pathSegments"}:
        raise ValueError(f"{where} must be an object with hosts and pathSegments")
    hosts, segments = value.get("hosts", []), value.get("pathSegments", [])
    if not all(isinstance(v, str) and v for v in hosts + segments):
        raise ValueError(f"{where}: hosts and pathSegments must be lists of non-empty strings")
    return UrlRejects(tuple(h.lower() for h in hosts), tuple(segments))


# Each field-level `x-` key and the parser of its value; `scripts.rules` gives each one its meaning.
FIELD_RULE_KEYS = {
    "x-differentFrom": _sibling, "x-notBefore": _sibling, "x-notAfter": _sibling, "x-precisionField": _sibling,
    "x-between": _siblings, "x-qualifies": _siblings, "x-neutral": _true, "x-everyRecordCited": _true,
    "x-listOf": _list_target, "x-referencesAny": _targets, "x-requiredWhen": _when, "x-allowedWhen": _allowed_when,
    "x-rejectUrls": _url_rejects,
}
PACKAGE_KEYS = {"x-loadedTerms", "x-completeThrough"}


# --- the model ------------------------------------------------------------------------------------------------

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
    rules: dict = field(default_factory=dict, compare=False, hash=False)  # x- key → parsed value

    @property
    def code_values(self) -> list[str]:
        return [c.value for c in self.codes]

    def label(self, code: str) -> str:
        return next((c.label for c in self.codes if c.value == code), "")

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


@dataclass(frozen=True)
class Package:
    """The descriptor and its tables, in descriptor order."""

    descriptor: dict
    tables: list[Table]
    root: Path = ROOT

    @property
    def name(self) -> str:
        return self.descriptor["name"]

    @property
    def version(self) -> str:
        return self.descriptor.get("version", "")

    @property
    def loaded_terms(self) -> list[str]:
        return list(self.descriptor.get("x-loadedTerms", []))

    @property
    def complete_through(self) -> str | None:
        return self.descriptor.get("x-completeThrough")

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tables]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def referencing(self, table: Table) -> list[tuple[Table, ForeignKey]]:
        """The foreign keys of other tables that point at table."""
        return [(t, fk) for t in self.tables if t is not table for fk in t.foreign_keys if fk.resource == table.name]

    def targets(self, table: Table) -> list[Target]:
        """Every x-listOf and x-referencesAny target of every field, with the table it is declared in."""
        return [t for other in self.tables for f in other.fields
                for t in ([f.rules["x-listOf"]] if "x-listOf" in f.rules else []) + list(f.rules.get("x-referencesAny", ()))
                if t.resource == table.name]

    def lookup_fields(self, table: Table) -> list[str]:
        """Fields of table that rules of other tables may read: its keys, its own references, and every
        field another table points at."""
        wanted = set(table.primary_key) | {n for fk in table.foreign_keys for n in fk.fields}
        wanted |= {f.name for f in table.fields if "x-referencesAny" in f.rules}
        wanted |= {n for _, fk in self.referencing(table) for n in fk.reference_fields}
        wanted |= {fk.reference_fields[0] for fk in table.foreign_keys if fk.resource == table.name}
        wanted |= {t.field for t in self.targets(table)}
        return [name for name in table.field_names if name in wanted]

    def record_tables(self) -> dict[str, str]:
        """Id prefix → table, from the record references of the schemas (`mtg` → meetings, …)."""
        out = {}
        for table in self.tables:
            for f in table.fields:
                for target in f.rules.get("x-referencesAny", ()):
                    pattern = self.table(target.resource).field(target.field).pattern or ""
                    out[pattern.split("-")[0]] = target.resource
        return out


# --- reading ------------------------------------------------------------------------------------------------

def read_json(root: Path, relpath: str) -> dict:
    """Parse a JSON file of the package, turning every failure into a Problem."""
    path = root / relpath
    try:
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise PackageError([Problem(relpath, message="must be a regular file inside the package")])
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise PackageError([Problem(relpath, message="file not found")]) from None
    except UnicodeDecodeError as e:
        raise PackageError([Problem(relpath, message=f"invalid UTF-8 at byte {e.start}")]) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise PackageError([Problem(relpath, e.lineno, message=f"invalid JSON: {e.msg}")]) from None
    if not isinstance(value, dict):
        raise PackageError([Problem(relpath, message="must hold a JSON object")])
    return value


def inside_package(relpath: object) -> str | None:
    """Why a resource or schema path is not a plain relative path inside the package, or None if it is."""
    if not isinstance(relpath, str) or not relpath:
        return "must be a relative path given as a string"
    if "://" in relpath or relpath.startswith(("/", "\\")) or ":" in relpath or "\\" in relpath:
        return f"'{relpath}' must be a relative path inside the package, not a URL or absolute path"
    if ".." in PurePosixPath(relpath).parts:
        return f"'{relpath}' must not leave the package directory"
    return None


def unsafe_name(value: object, what: str) -> str | None:
    """Why a package, resource or version name could not safely become part of a file name, or None."""
    if not isinstance(value, str) or not SAFE_NAME.fullmatch(value) or ".." in value:
        return (f"{what} {json.dumps(value, ensure_ascii=True)} is not a safe name: use lower-case letters, digits, "
                "'.', '_' and '-' (no '/', no '..')")
    return None


def as_list(value) -> list:
    return list(value) if isinstance(value, list) else [value]


def read_codes(raw: dict, where: str) -> tuple[Code, ...]:
    """A field's code list from `categories` (with labels) and `constraints.enum`, which must agree."""
    enum = raw.get("constraints", {}).get("enum")
    categories = raw.get("categories")
    if categories is not None:
        codes = tuple(Code(str(c["value"]), str(c.get("label", ""))) if isinstance(c, dict) else Code(str(c))
                      for c in categories)
    else:
        codes = tuple(Code(str(v)) for v in enum or ())
    if enum is not None and categories is not None and [str(v) for v in enum] != [c.value for c in codes]:
        only_enum = [str(v) for v in enum if str(v) not in {c.value for c in codes}]
        only_categories = [c.value for c in codes if c.value not in {str(v) for v in enum}]
        detail = "; ".join(filter(None, [only_enum and f"only in enum: {', '.join(only_enum)}",
                                         only_categories and f"only in categories: {', '.join(only_categories)}"]))
        raise ValueError(f"{where}: categories and constraints.enum must list the same codes in the same order"
                         f" ({detail or 'different order'})")
    return codes


def read_field(raw: dict, key: tuple[str, ...], where: str) -> Field:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise ValueError(f"{where}: a field needs a name")
    name = raw["name"]
    where = f"{where}.{name}"
    if not FIELD_NAME.fullmatch(name):
        raise ValueError(f"{where}: field names are lower-case letters, digits and '_', starting with a letter")
    kind = raw.get("type", "string")
    if kind not in FIELD_TYPES:
        raise ValueError(f"{where}: type '{kind}' is not supported (one of: {', '.join(FIELD_TYPES)})")
    constraints = raw.get("constraints", {})
    if unknown := sorted(set(constraints) - CONSTRAINTS):
        raise ValueError(f"{where}: constraints {unknown} are not supported")
    unknown = sorted(k for k in raw if k.startswith("x-") and k not in FIELD_RULE_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown rule key(s) {', '.join(unknown)} (known: {', '.join(FIELD_RULE_KEYS)})")
    pattern = constraints.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ValueError(f"{where}: pattern {pattern!r} is not a regular expression ({e})") from None
    rules = {k: FIELD_RULE_KEYS[k](v, f"{where}: {k}") for k, v in raw.items() if k in FIELD_RULE_KEYS}
    return Field(name, FIELD_TYPES[kind], raw.get("description", ""),
                 None if raw.get("example") is None else str(raw["example"]),
                 bool(constraints.get("required")) or name in key,
                 bool(constraints.get("unique")) or key == (name,), read_codes(raw, where), pattern,
                 constraints.get("minimum"), constraints.get("maximum"), constraints.get("minLength"),
                 constraints.get("maxLength"), rules)


def read_table(res: dict, schema: dict, root: Path) -> Table:
    where = res["schema"]
    key = tuple(as_list(schema.get("primaryKey", [])))
    fields = tuple(read_field(f, key, "fields") for f in schema["fields"])
    names = [f.name for f in fields]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise ValueError(f"fields named more than once: {', '.join(dupes)}")
    if missing := [k for k in key if k not in names]:
        raise ValueError(f"primaryKey names unknown field(s) {', '.join(missing)}")
    fks = []
    for fk in schema.get("foreignKeys", []):
        ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
        fks.append(ForeignKey(tuple(as_list(fk.get("fields", []))), ref.get("resource") or res["name"],
                              tuple(as_list(ref.get("fields", [])))))
    del where
    return Table(res["name"], res["path"], res["schema"], fields, key, tuple(fks), res.get("title", ""),
                 res.get("description", "") or schema.get("description", ""), schema, root)


def cross_problems(tables: list[Table]) -> list[Problem]:
    """References between tables and fields that name nothing, found once every table is read."""
    by_name = {t.name: t for t in tables}
    problems = []

    def check(table: Table, where: str, resource: str, fields: tuple[str, ...]) -> None:
        if resource not in by_name:
            problems.append(Problem(table.schema_path, field=where, message=f"refers to unknown resource '{resource}'"))
        elif missing := [f for f in fields if f not in by_name[resource].field_names]:
            problems.append(Problem(table.schema_path, field=where,
                                    message=f"refers to unknown field(s) {', '.join(missing)} of '{resource}'"))

    for table in tables:
        for i, fk in enumerate(table.foreign_keys):
            check(table, f"foreignKeys[{i}]", table.name, fk.fields)
            check(table, f"foreignKeys[{i}]", fk.resource, fk.reference_fields)
            if len(fk.fields) != len(fk.reference_fields) or not fk.fields:
                problems.append(Problem(table.schema_path, field=f"foreignKeys[{i}]",
                                        message="fields and reference.fields must name the same number of fields"))
        for f in table.fields:
            for key, value in f.rules.items():
                where = f"{f.name}.{key}"
                if isinstance(value, str):
                    check(table, where, table.name, (value,))
                elif isinstance(value, tuple) and value and isinstance(value[0], str):
                    check(table, where, table.name, value)
                elif isinstance(value, Target):
                    check(table, where, value.resource, (value.field,))
                elif isinstance(value, tuple):
                    for target in value:
                        check(table, where, target.resource, (target.field,))
                elif isinstance(value, Condition):
                    check(table, where, table.name, (value.field,))
    return problems


def descriptor_problems(descriptor: dict) -> list[Problem]:
    problems = []
    for key, what in (("name", "package name"), ("version", "version")):
        if key in descriptor or key == "name":
            if why := unsafe_name(descriptor.get(key), what):
                problems.append(Problem(DESCRIPTOR, field=key, message=why))
    unknown = sorted(k for k in descriptor if k.startswith("x-") and k not in PACKAGE_KEYS)
    if unknown:
        problems.append(Problem(DESCRIPTOR, message=f"unknown key(s) {', '.join(unknown)} "
                                                    f"(known: {', '.join(sorted(PACKAGE_KEYS))})"))
    terms = descriptor.get("x-loadedTerms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        problems.append(Problem(DESCRIPTOR, field="x-loadedTerms", message="must be a list of non-empty strings"))
    through = descriptor.get("x-completeThrough")
    if through is not None and not (isinstance(through, str) and re.fullmatch(ISO_DATE, through)):
        problems.append(Problem(DESCRIPTOR, field="x-completeThrough", message="must be a date (YYYY-MM-DD)"))
    return problems


def load_package(root: Path = ROOT) -> Package:
    """Read datapackage.json and every schema it references; raise PackageError if any is unusable."""
    descriptor = read_json(root, DESCRIPTOR)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise PackageError([Problem(DESCRIPTOR, field="resources", message="must be a non-empty list")])
    problems, tables = descriptor_problems(descriptor), []
    for i, res in enumerate(resources):
        name = res.get("name") if isinstance(res, dict) else None
        where = f"resources[{i}]" + (f" ({name})" if isinstance(name, str) and SAFE_NAME.fullmatch(name) else "")
        if not isinstance(res, dict) or name is None:
            problems.append(Problem(DESCRIPTOR, field=where, message="a resource needs a name"))
            continue
        if why := unsafe_name(name, "resource name"):
            problems.append(Problem(DESCRIPTOR, field=f"{where}.name", message=why))
            continue
        bad = [Problem(DESCRIPTOR, field=f"{where}.{key}", message=why)
               for key in ("path", "schema") if (why := inside_package(res.get(key)))]
        if bad:
            problems += bad
            continue
        try:
            schema = read_json(root, res["schema"])
        except PackageError as e:
            problems.extend(e.problems)
            continue
        if not isinstance(schema.get("fields"), list) or not schema["fields"]:
            problems.append(Problem(res["schema"], field="fields", message="must be a non-empty list of fields"))
            continue
        try:
            tables.append(read_table(res, schema, root))
        except ValueError as e:
            problems.append(Problem(res["schema"], message=str(e)))
    if not problems:
        names = [t.name for t in tables]
        problems += [Problem(DESCRIPTOR, field="resources", message=f"resource name '{n}' is used more than once")
                     for n in sorted({n for n in names if names.count(n) > 1})]
        problems += cross_problems(tables)
    if problems:
        raise PackageError(problems)
    return Package(descriptor, tables, root)
