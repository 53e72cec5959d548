"""Reading `datapackage.json` and its schemas into the model, refusing what later stages could not use."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path, PurePosixPath

from scripts.package.keys import FIELD_RULE_KEYS, PACKAGE_KEYS, TABLE_KEYS, FieldRules, RecordRole, Target
from scripts.package.model import (
    CONSTRAINTS,
    DESCRIPTOR,
    FIELD_NAME,
    FIELD_TYPES,
    ISO_DATE,
    ROOT,
    SAFE_NAME,
    Code,
    Field,
    ForeignKey,
    Package,
    PackageError,
    Problem,
    Table,
)
from scripts.terminal import code_points, invisible


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
    if any(invisible(c) for c in relpath):  # a NUL would end the path in the middle for the operating system
        return f"'{code_points(relpath)}' holds a control or invisible character; a path is plain text"
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
    rules = FieldRules.read(raw, where)
    return Field(name, FIELD_TYPES[kind], raw.get("description", ""),
                 None if raw.get("example") is None else str(raw["example"]),
                 bool(constraints.get("required")) or name in key,
                 bool(constraints.get("unique")) or key == (name,), read_codes(raw, where), pattern,
                 constraints.get("minimum"), constraints.get("maximum"), constraints.get("minLength"),
                 constraints.get("maxLength"), rules, str(raw.get("title", "")))


def read_table(res: dict, schema: dict, root: Path) -> Table:
    key = tuple(as_list(schema.get("primaryKey", [])))
    fields = tuple(read_field(f, key, "fields") for f in schema["fields"])
    names = [f.name for f in fields]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise ValueError(f"fields named more than once: {', '.join(dupes)}")
    if missing := [k for k in key if k not in names]:
        raise ValueError(f"primaryKey names unknown field(s) {', '.join(missing)}")
    if unknown := sorted(k for k in schema if k.startswith("x-") and k not in TABLE_KEYS):
        raise ValueError(f"unknown table key(s) {', '.join(unknown)} (known: {', '.join(sorted(TABLE_KEYS))})")
    record = RecordRole.read(schema["x-record"], "x-record") if "x-record" in schema else None
    if record and len(key) != 1:
        raise ValueError("x-record: a record table has a primary key of one field, its record id")
    fks = []
    for fk in schema.get("foreignKeys", []):
        ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
        fks.append(ForeignKey(tuple(as_list(fk.get("fields", []))), ref.get("resource") or res["name"],
                              tuple(as_list(ref.get("fields", [])))))
    return Table(res["name"], res["path"], res["schema"], fields, key, tuple(fks), res.get("title", ""),
                 res.get("description", "") or schema.get("description", ""), record, schema, root)


def record_pattern(records: list[Table]) -> str | None:
    """A pattern every record id matches: `(mtg|trf)-[0-9]{4,}` where the key patterns differ only in their
    prefix, else each key pattern as one alternative; None where a record table's key has no pattern."""
    patterns = [t.key_field.pattern for t in records]
    if not patterns or None in patterns:
        return None
    split = [re.fullmatch(r"([a-z0-9]+)(-.*)", p) for p in patterns]
    if all(split) and len({m[2] for m in split}) == 1:
        return f"({'|'.join(m[1] for m in split)}){split[0][2]}"
    return "(" + "|".join(f"({p})" for p in patterns) + ")"


def with_records(tables: list[Table]) -> list[Table]:
    """Fields marked `x-referencesRecords` read as referencing the key of every record table (`x-record`), in
    descriptor order, with a pattern every record id matches where the schema gives none: a new record table is
    cited without a change to the citing table's schema."""
    records = [t for t in tables if t.record and t.key_field]
    targets = tuple(Target(t.name, t.key_field.name) for t in records)

    def resolved(f: Field) -> Field:
        if not f.rules.references_records:
            return f
        rules = dataclasses.replace(f.rules, references_any=targets, references_records=False)  # now stated
        return dataclasses.replace(f, rules=rules, pattern=f.pattern or record_pattern(records))
    return [dataclasses.replace(t, fields=tuple(map(resolved, t.fields))) for t in tables]


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
            for key, resource, name in f.rules.named():
                check(table, f"{f.name}.{key}", resource or table.name, (name,))
        if table.record:
            check(table, "x-record", table.name, table.record.fields())
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
    for name in ("x-loadedTerms", "x-processTerms"):
        terms = descriptor.get(name, [])
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            problems.append(Problem(DESCRIPTOR, field=name, message="must be a list of non-empty strings"))
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
    return Package(descriptor, with_records(tables), root)
