"""The package model (`model`), the `x-` keys it reads (`keys`) and how it is read (`reading`): every stage
imports what it needs from here."""

from scripts.package.keys import (
    FIELD_RULE_KEYS,
    PACKAGE_KEYS,
    TABLE_KEYS,
    Condition,
    FieldRules,
    RecordRole,
    Target,
    UrlRejects,
)
from scripts.package.model import (
    CONSTRAINTS,
    DATE_FORMAT,
    DESCRIPTOR,
    FIELD_TYPES,
    INTEGER,
    ISO_DATE,
    NUMBER,
    ROOT,
    Code,
    Contributor,
    Field,
    FieldType,
    ForeignKey,
    License,
    Package,
    PackageError,
    Problem,
    Table,
    ident,
    literal,
)
from scripts.package.reading import inside_package, load_package, read_json

__all__ = ["CONSTRAINTS", "DATE_FORMAT", "DESCRIPTOR", "FIELD_RULE_KEYS", "FIELD_TYPES", "INTEGER", "ISO_DATE",
           "NUMBER", "PACKAGE_KEYS", "ROOT", "TABLE_KEYS", "Code", "Condition", "Contributor", "Field", "FieldRules",
           "FieldType", "ForeignKey", "License", "Package", "PackageError", "Problem", "RecordRole", "Table", "Target",
           "UrlRejects", "ident", "inside_package", "literal", "load_package", "read_json"]
