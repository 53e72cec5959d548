"""Stage 4 (`make build`, after `scripts.build`): the release zip that users download and cite.

`OUT/<name>-<version>.zip` holds one folder, `<name>-<version>/`, with the descriptor, the CSVs and
schemas, the Parquet files and the DuckDB database from OUT, and README.md, LICENSE and CITATION.cff.
The descriptor in the zip gains `bytes` and `hash` for every resource, so `frictionless validate` checks
that the CSVs are the ones released. Entries are sorted and stamped with a fixed time, so the same inputs
give the same zip, byte for byte.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from scripts.build import DATABASE
from scripts.package import DESCRIPTOR, ROOT, Package, PackageError, load_package

RELEASE_FILES = ("README.md", "LICENSE", "CITATION.cff")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644


def release_name(package: Package) -> str:
    return f"{package.descriptor['name']}-{package.descriptor['version']}"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def released_descriptor(package: Package) -> bytes:
    """datapackage.json with the size and SHA-256 of each resource's file."""
    descriptor = copy.deepcopy(package.descriptor)
    for resource, table in zip(descriptor["resources"], package.tables, strict=True):
        data = table.file.read_bytes()
        resource["bytes"] = len(data)
        resource["hash"] = sha256(data)
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def members(package: Package, out: Path) -> dict[str, bytes]:
    """Every file of the release by its path inside the release folder."""
    built = [out / DATABASE] + [out / "parquet" / f"{t.name}.parquet" for t in package.tables]
    extra = [package.root / name for name in RELEASE_FILES]
    missing = [str(p) for p in built + extra if not p.is_file()]
    if missing:
        raise FileNotFoundError("missing from the release (run `python -m scripts.build` first for build "
                                "outputs): " + ", ".join(missing))
    files = {DESCRIPTOR: released_descriptor(package)}
    for table in package.tables:
        files[table.path] = table.file.read_bytes()
        files[table.schema_path] = (package.root / table.schema_path).read_bytes()
    files.update({p.relative_to(out).as_posix(): p.read_bytes() for p in built})
    files.update({p.name: p.read_bytes() for p in extra})
    return files


def write_zip(path: Path, folder: str, files: dict[str, bytes]) -> None:
    """A zip whose bytes depend only on the files: sorted names, fixed time, fixed mode, one compressor."""
    tmp = path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, files[name], compresslevel=9)
    tmp.replace(path)


def release(package: Package, out: Path) -> Path:
    folder = release_name(package)
    path = out / f"{folder}.zip"
    write_zip(path, folder, members(package, out))
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "build"
    try:
        path = release(load_package(), out)
    except (PackageError, FileNotFoundError) as e:
        print(f"release failed: {e}", file=sys.stderr)
        return 1
    print(f"ok: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
