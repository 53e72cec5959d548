"""The release described in Croissant 1.0 (`croissant.json` in the zip): schema.org Dataset metadata, each CSV as a
file object with its SHA-256, and each table as a record set whose fields say their type, meaning and the
column they are read from. Paths are relative to the release folder, so the description works on the unzipped
folder without any address; `mlcroissant` validates and reads it (tests/test_release_croissant.py)."""

from __future__ import annotations

import hashlib
import json

from scripts import metadata
from scripts.identity import Release, citation_text
from scripts.package import Package, Table

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
DATA_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "date": "sc:Date"}
CONTEXT = {  # the standard Croissant 1.0 @context
    "@language": "en", "@vocab": "https://schema.org/", "citeAs": "cr:citeAs", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"}, "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/", "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"}, "extract": "cr:extract", "field": "cr:field",
    "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject", "fileSet": "cr:fileSet", "format": "cr:format",
    "includes": "cr:includes", "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key",
    "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path", "recordSet": "cr:recordSet",
    "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated", "replace": "cr:replace",
    "samplingRate": "cr:samplingRate", "sc": "https://schema.org/", "separator": "cr:separator", "source": "cr:source",
    "subField": "cr:subField", "transform": "cr:transform"}


def field_id(table: str, field: str) -> str:
    return f"{table}/{field}"


def record_set(package: Package, table: Table) -> dict:
    fields = []
    for f in table.fields:
        entry = {"@type": "cr:Field", "@id": field_id(table.name, f.name), "name": f.name,
                 "description": metadata.field_text(package, table, f),
                 "dataType": DATA_TYPES.get(f.type.name, "sc:Text"),
                 "source": {"fileObject": {"@id": table.path}, "extract": {"column": f.name}}}
        fk = table.foreign_key(f.name)
        if fk:
            entry["references"] = {"field": {"@id": field_id(fk.resource, fk.reference_fields[0])}}
        fields.append(entry)
    out = {"@type": "cr:RecordSet", "@id": table.name, "name": table.name, "description": table.description,
           "field": fields}
    if table.primary_key:
        out["key"] = [{"@id": field_id(table.name, k)} for k in table.primary_key]
    return out


def croissant(package: Package, release: Release, tables: dict[str, bytes]) -> bytes:
    """croissant.json for the release folder (`tables`: each CSV's bytes by its path, for their digests)."""
    data = {"@context": CONTEXT, "@type": "sc:Dataset", "conformsTo": CONFORMS_TO, "name": package.name,
            "alternateName": package.title, "description": package.description,
            "version": release.version, "citeAs": citation_text(package, release), "keywords": package.keywords,
            "license": [lic.path for lic in package.licenses if lic.path],
            "creator": [{"@type": "sc:Organization", "name": c.title} for c in package.contributors],
            "distribution": [{"@type": "cr:FileObject", "@id": t.path, "name": t.path, "contentUrl": t.path,
                              "encodingFormat": "text/csv",
                              "sha256": hashlib.sha256(tables[t.path]).hexdigest()} for t in package.tables],
            "recordSet": [record_set(package, t) for t in package.tables]}
    if release.site_url:
        data["url"] = release.site_url
    if release.released:
        data["datePublished"] = release.released.isoformat()
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
