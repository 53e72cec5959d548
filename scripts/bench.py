"""`make bench`: how validation and build scale, on synthetic valid packages generated from `schemas/`.

For each size (rows of the largest table) it times, on the same files and each in its own process:
the project's validation (`python -m scripts.validate ROOT`, the code path of `make check`), `frictionless
validate`, a DuckDB raw scan (count(*) over read_csv with the schema's types: the floor) and the build
(`scripts.build.build`: DuckDB file and Parquet), with the validation's peak RSS. Then it plants one fault of
each kind in the 10^5 package and checks that the project reports every fault frictionless reports (same
file, row and field) plus the cross-table ones.

Then the site stage: a synthetic package of 10^3, 10^4 and 10^5 records is snapshot, built and released as
`make build` does, and `python -m scripts.site.build` is timed on it, with its peak RSS (MkDocs, its child,
included). Then `make build` itself on the repository's data (the pipeline into a new folder, its own stage
times kept), and the Query page of that build in Chromium (`scripts.query_bench`). Prints tables and each target
with PASS or FAIL, and writes build/bench.json (`validation`, `site`, `real_build` and `query_page`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.faults import plant_faults
from scripts.package import ROOT, load_package
from scripts.pipeline import snapshot

PYTHON = sys.executable
FRICTIONLESS = str(Path(PYTHON).parent / "frictionless")
SIZES = (10_000, 100_000, 1_000_000)
PARITY_SIZE = 100_000
REPEAT = 3
SCAN = """
import sys, duckdb
from pathlib import Path
from scripts.package import load_package
package = load_package(Path(sys.argv[1]))
with duckdb.connect() as con:
    for t in package.tables:
        columns = {f.name: f.type.sql for f in t.fields}
        con.execute(f"SELECT count(*) FROM read_csv(?, header=true, auto_detect=false, columns={columns!r})",
                    [str(t.file)]).fetchone()
"""
# The floor under validation: every cell of every table read as text (`count(*)` above skips the columns it
# does not project, so it reads less than any validator must).
FLOOR = """
import sys, duckdb
from pathlib import Path
from scripts.load import csv_source
from scripts.package import ident, load_package
package = load_package(Path(sys.argv[1]))
with duckdb.connect() as con:
    for t in package.tables:
        cells = ", ".join(f"max(length({ident(n)}))" for n in t.field_names)
        con.execute(f"SELECT {cells} FROM {csv_source(t)}").fetchone()
"""
SITE_SIZES = (1_000, 10_000, 100_000)  # records: rows of all record tables together
SITE_TARGET = (10_000, 60.0, 1024)  # records, seconds, MB
REAL_BUILD_TARGET = 6.0  # seconds for `make build` on the repository's data, the venv and node modules present
PUBLISHED = """
import sys
from pathlib import Path
from scripts import build, release
from scripts.package import load_package
package = load_package(Path(sys.argv[1]))
build.build(package, Path(sys.argv[2]))
release.release(package, Path(sys.argv[2]))
"""
BUILD = """
import sys
from pathlib import Path
from scripts.build import build
from scripts.package import load_package
build(load_package(Path(sys.argv[1])), Path(sys.argv[2]))
"""


def timed(cmd: list[str], cwd: Path = ROOT, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """Run a command as a child process: (wall seconds, its peak RSS in MB, stdout); fail on another exit.
    The child is reaped with wait4, whose rusage is that child's own (ru_maxrss, in KB on Linux)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{stdout[-2000:]}{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout


def generate(out: Path, rows: int) -> dict[str, int]:
    """`scripts.synthetic.write_package` in a process of its own, so that its frames (hundreds of MB at 10^6 rows)
    never swell this one: Linux keeps a process's peak RSS across exec, and a child starts as a copy of its
    parent, so every command timed here would otherwise report this process's size as its own peak."""
    _, _, printed = timed([PYTHON, "-m", "scripts.synthetic", str(out), "--rows", str(rows)])
    return {name: int(n) for name, n in (item.rsplit(" ", 1) for item in printed.strip().split(", "))}


def median_run(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """REPEAT runs: the median wall time (this machine's neighbours make single runs vary by 20%), the
    highest peak RSS, and the median run's stdout."""
    runs = sorted((timed(cmd, cwd) for _ in range(REPEAT)), key=lambda r: r[0])
    wall, _, stdout = runs[len(runs) // 2]
    return wall, max(r[1] for r in runs), stdout


def frictionless_places(report: dict, root: Path) -> set[tuple[str, int, str]]:
    """(file, row, field) of every error in a `frictionless validate --json` report; row errors (primary
    and foreign key) are placed on the key's first field, as the project reports them."""
    package = load_package(root)
    places = set()
    for task in report["tasks"]:
        table = package.table(task["name"])
        for e in task["errors"]:
            field = e.get("fieldName") or (e.get("fieldNames") or table.primary_key or [None])[0]
            places.add((task["place"], e.get("rowNumber"), field))
    return places


def parity(root: Path) -> dict:
    """Plant one fault of each kind at root; what frictionless and the project each report."""
    from scripts.validate import validate

    standard, cross = plant_faults(root)
    _, _, out = timed([FRICTIONLESS, "validate", "datapackage.json", "--json"], cwd=root, ok=(0, 1))
    theirs = frictionless_places(json.loads(out), root)
    problems, _ = validate(root)
    ours = {(p.path, p.line, p.field) for p in problems}
    return {"planted": len(standard) + len(cross), "frictionless": len(theirs), "ours": len(ours),
            "missed_of_frictionless": sorted(theirs - ours),
            "missed_planted_standard": sorted(f[:3] for f in standard if f[:3] not in theirs | ours),
            "missed_cross": sorted(f[:3] for f in cross if f[:3] not in ours),
            "kinds": sorted({f[3] for f in standard + cross})}


def run_size(rows: int, work: Path, frictionless: bool) -> dict:
    root = work / str(rows)
    started = time.perf_counter()
    sizes = generate(root, rows)
    os.sync()  # the kernel writes the new files back now, not under the first timed run
    print(f"{rows:>9,}: generated {sum(sizes.values()):,} rows in {time.perf_counter() - started:.1f} s "
          f"({', '.join(f'{k} {v:,}' for k, v in sizes.items())})", flush=True)
    validate_s, rss, out = median_run([PYTHON, "-m", "scripts.validate", str(root)])
    assert out.startswith("ok:"), out
    scan_s, _, _ = median_run([PYTHON, "-c", SCAN, str(root)])
    floor_s, _, _ = median_run([PYTHON, "-c", FLOOR, str(root)])
    build_s = None
    if (ROOT / "scripts" / "build.py").exists():
        build_s, _, _ = median_run([PYTHON, "-c", BUILD, str(root), str(work / f"{rows}-build")])
    else:
        print("scripts/build.py is missing: build not measured", flush=True)
    frictionless_s = None
    if frictionless:
        frictionless_s, _, out = timed([FRICTIONLESS, "validate", "datapackage.json", "--json"], cwd=root)
        assert json.loads(out)["valid"]
    run = {"rows": max(sizes.values()), "validate_s": round(validate_s, 2),
           "frictionless_s": None if frictionless_s is None else round(frictionless_s, 2),
           "duckdb_scan_s": round(scan_s, 2), "floor_s": round(floor_s, 2),
           "build_s": None if build_s is None else round(build_s, 2),
           "peak_rss_mb": round(rss)}
    print(f"{rows:>9,}: {run}", flush=True)
    return run


def site_size(records: int, work: Path) -> dict:
    """The site stage on a synthetic package of `records` records (the rows of its largest table, the citations,
    which cite each record once), its inputs and outputs made as `make build` makes them: the median of REPEAT
    runs (one at 10^5), each into an empty site folder, as in a build's staging folder."""
    raw, root, out = work / f"site-{records}-raw", work / f"site-{records}", work / f"site-{records}-out"
    sizes = generate(raw, records)
    snapshot(raw, root)  # the inputs a build of it would read: its data and schemas, this repository's docs
    published_s, _, _ = timed([PYTHON, "-c", PUBLISHED, str(root), str(out)])
    runs = []
    for _ in range(REPEAT if records < 100_000 else 1):
        shutil.rmtree(out / "site", ignore_errors=True)
        os.sync()
        runs.append(timed([PYTHON, "-m", "scripts.site.build", str(out), "--root", str(root)]))
    wall, _, stdout = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    run = {"records": sum(sizes[t.resource] for t in load_package(root).cited_records()),
           "pages": sum(1 for _ in (out / "site").rglob("index.html")), "site_s": round(wall, 2),
           "peak_rss_mb": round(max(r[1] for r in runs)), "build_and_release_s": round(published_s, 2)}
    print(f"{records:>9,}: site {run}", flush=True)
    return run


def site_table(runs: list[dict]) -> str:
    lines = ["| records | pages | site s | peak RSS MB | build and release s |", "|" + "---:|" * 5]
    lines += [f"| {r['records']:,} | {r['pages']:,} | {r['site_s']} | {r['peak_rss_mb']} | {r['build_and_release_s']} |"
              for r in runs]
    return "\n".join(lines)


def site_targets(runs: list[dict]) -> list[tuple[str, bool, str]]:
    by = {round(r["records"], -3): r for r in runs}
    size, seconds, megabytes = SITE_TARGET
    out = []
    if mid := by.get(size):
        ok = mid["site_s"] <= seconds and mid["peak_rss_mb"] <= megabytes
        out.append((f"site at 10^4 records ≤ {seconds:.0f} s and ≤ {megabytes / 1024:.0f} GB", ok,
                    f"{mid['site_s']} s, {mid['peak_rss_mb']} MB"))
        if big := by.get(size * 10):
            ratio = big["site_s"] / mid["site_s"]
            out.append(("site at 10^5 ≤ 12× site at 10^4 (linear)", ratio <= 12, f"{ratio:.1f}×"))
    return out


def real_build(work: Path) -> dict:
    """`make build`'s command on the repository's data, published into a new folder: the median of REPEAT runs,
    in wall and in CPU seconds (its stages included: on a machine shared with others, CPU time varies less)."""
    runs = []
    for i in range(REPEAT):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = timed([PYTHON, "-m", "scripts.pipeline", "--out", str(work / f"real-{i}")])[0]
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append((wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime))
    wall, cpu = sorted(runs)[len(runs) // 2]
    run = {"build_s": round(wall, 2), "build_cpu_s": round(cpu, 2), "site": str(work / "real-0" / "site")}
    print(f"real build: {run}", flush=True)
    return run


def real_targets(build: dict | None, query: dict | None) -> list[tuple[str, bool, str]]:
    from scripts import query_bench

    out = []
    if build:
        out.append((f"make build on the repository's data ≤ {REAL_BUILD_TARGET:.0f} s",
                    build["build_s"] <= REAL_BUILD_TARGET, f"{build['build_s']} s"))
    return out + (query_bench.targets(query) if query else [])


def table(runs: list[dict]) -> str:
    head = ("| rows | validate s | frictionless s | DuckDB scan s | floor s | build s | peak RSS MB "
            "| × faster than frictionless | × floor |")
    lines = [head, "|" + "---:|" * 9]
    for r in runs:
        fl = f"{r['frictionless_s'] / r['validate_s']:.1f}" if r["frictionless_s"] else "—"
        lines.append(f"| {r['rows']:,} | {r['validate_s']} | {r['frictionless_s'] or '—'} | {r['duckdb_scan_s']} | "
                     f"{r['floor_s']} | {r['build_s'] if r['build_s'] is not None else '—'} | {r['peak_rss_mb']} | "
                     f"{fl} | {r['validate_s'] / r['floor_s']:.1f} |")
    return "\n".join(lines)


def targets(runs: list[dict]) -> list[tuple[str, bool | None, str]]:
    by = {r["rows"]: r for r in runs}
    big, mid = by.get(max(SIZES)), by.get(PARITY_SIZE)
    if not big:
        return []
    out = []
    if big["frictionless_s"]:
        ratio = big["frictionless_s"] / big["validate_s"]
        out.append(("validation ≥ 20× faster than frictionless", ratio >= 20, f"{ratio:.1f}×"))
    ratio = big["validate_s"] / big["floor_s"]
    out.append(("validation ≤ 3× floor_s (every cell read as text)", ratio <= 3, f"{ratio:.1f}×"))
    out.append(("validation peak RSS ≤ 1 GB", big["peak_rss_mb"] <= 1024, f"{big['peak_rss_mb']} MB"))
    if big["build_s"] is not None:
        ratio = big["build_s"] / big["validate_s"]
        out.append(("build ≤ 2× validation", ratio <= 2, f"{ratio:.2f}×"))
    if mid:
        ratio = big["validate_s"] / mid["validate_s"]
        out.append(("validation at 10^6 ≤ 12× 10^5", ratio <= 12, f"{ratio:.1f}×"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES), help="validation: rows (none: skip)")
    parser.add_argument("--site-sizes", type=int, nargs="*", default=list(SITE_SIZES),
                        help="site stage: records (none: skip)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--no-frictionless", action="store_true", help="skip frictionless (quick runs)")
    parser.add_argument("--no-real", action="store_true", help="skip the real build and its Query page")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    shutil.rmtree(args.work, ignore_errors=True)
    runs = [run_size(n, args.work, not args.no_frictionless) for n in args.sizes]
    site_runs = [site_size(n, args.work) for n in args.site_sizes]
    build, query = None, None
    if not args.no_real:
        from scripts import query_bench

        build = real_build(args.work)
        query = query_bench.measure(Path(build["site"]))
        print(f"Query page: {query}", flush=True)
    result = {"runs": runs}
    if PARITY_SIZE in args.sizes:
        planted = args.work / "planted"
        shutil.copytree(args.work / str(PARITY_SIZE), planted)
        result["parity"] = parity(planted)
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"validation": runs, "site": site_runs, "real_build": build, "query_page": query},
                              indent=2) + "\n")
    (ROOT / "build" / "bench-parity.json").write_text(json.dumps(result.get("parity"), indent=2) + "\n")
    print()
    print(table(runs) if runs else "(validation not measured)")
    print()
    print(site_table(site_runs) if site_runs else "(site not measured)")
    print()
    failed = False
    for name, ok, value in targets(runs) + site_targets(site_runs) + real_targets(build, query):
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
        failed |= not ok
    if p := result.get("parity"):
        good = not (p["missed_of_frictionless"] or p["missed_cross"] or p["missed_planted_standard"])
        print(f"{'PASS' if good else 'FAIL'}  planted-error parity at {PARITY_SIZE:,}: {p['planted']} faults "
              f"({', '.join(p['kinds'])}); frictionless reports {p['frictionless']} places, the project "
              f"{p['ours']}; missed: {p['missed_of_frictionless'] + p['missed_cross'] + p['missed_planted_standard']}")
        failed |= not good
    print(f"\nbench took {time.perf_counter() - started:.0f} s; wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
