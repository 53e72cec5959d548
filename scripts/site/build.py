"""Stage 5 (`make build`): the documentation site, generated from the package so that it cannot drift.

`python -m scripts.site.build [OUT] [--root ROOT]` copies the hand-written pages of `docs/` to OUT/docs, writes
the generated pages beside them (each page family's module returns its pages), fills the
`<!-- generated: NAME -->` markers, copies the downloads, and runs `mkdocs build --strict` into OUT/site. It
reads the database the build stage wrote to OUT. Staging in OUT keeps the working tree untouched, and the
downloads sit in the docs tree, where MkDocs checks every link to them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import yaml

from scripts import manifest, ready
from scripts.build import DATABASE
from scripts.children import dies_with_me
from scripts.files import NotRegular, copy_tree
from scripts.identity import load_release
from scripts.manifest import Manifest, ManifestError
from scripts.package import ROOT, Package, PackageError, load_package
from scripts.query import locked_connection
from scripts.site import blocks, commitments, console, feed, map, pages, records, shell, tables, timeline
from scripts.site.context import Blocks, Site
from scripts.site.html import page_url
from scripts.site.theme import themed

DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
SITE_CONFIG = "mkdocs.yml"  # OUT/mkdocs.yml: the staged configuration MkDocs builds from
BLOCKS = "site-blocks"  # OUT/site-blocks: the lists of rows that MkDocs does not parse (`context.Blocks`)
MARKER = re.compile(r"<!-- generated: ([a-z-]+) -->")
# The page families in two turns. The first needs only the names of the downloads (`planned`), and is written while
# the release stage makes them (`scripts.pipeline.OVERLAPS`); the second gives their sizes, as the downloads block
# does (`fill_markers`).
PAGE_FAMILIES = (tables, timeline, commitments, pages, shell, map, feed)
AFTER_RELEASE = (console,)


def fill_markers(folder: Path, generated: dict) -> None:
    """Replace each `<!-- generated: NAME -->` of the staged pages; an unknown NAME stops the build."""
    for page in folder.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if not MARKER.search(text):
            continue
        unknown = {m for m in MARKER.findall(text) if m not in generated}
        if unknown:
            raise RuntimeError(f"{page.relative_to(folder)}: no generator for marker(s) {sorted(unknown)}")
        page.write_text(MARKER.sub(lambda m: generated[m.group(1)](), text), encoding="utf-8")


def planned(package: Package) -> Manifest:
    """The downloads the release stage will publish, by name and kind, before it has (their sizes and digests
    unknown): what the pages written while it runs need."""
    release = load_release(package)
    return Manifest(release.version, tuple(manifest.plan(package, release)))


def write_pages(site: Site, stage: Path, families: tuple) -> None:
    for family in families:
        for name, text in family.write(site, stage).items():
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            (stage / name).write_text(text, encoding="utf-8")


def copy_downloads(out: Path, folder: Path) -> Manifest:
    """The files the release stage published in OUT/downloads/, each one its manifest names, and the manifest."""
    published = manifest.read(out / "downloads")
    folder.mkdir(parents=True, exist_ok=True)
    for name in [f.name for f in published.files] + [manifest.MANIFEST]:
        shutil.copyfile(out / "downloads" / name, folder / name)
    return published


def site_config(package: Package, stage: Path, site_dir: Path) -> dict:
    """mkdocs.yml with the staged docs, the output folder (both beside the written file) and one nav entry per
    table."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    entries = [tables.TABLES_ENTRY] + [{t.title or t.name: tables.table_page(t.name)} for t in package.tables]
    config["nav"] = [{k: entries} if v == tables.TABLES_ENTRY else {k: v}
                     for item in config["nav"] for k, v in item.items()]  # top-level entries: the tabs
    config.update(docs_dir=stage.name, site_dir=site_dir.name)  # relative to OUT/mkdocs.yml, so OUT can move
    if site_url := load_release(package).site_url:  # release.toml: canonical links and a sitemap need it
        config["site_url"] = site_url
    return config


@contextlib.contextmanager
def staged(root: Path, out: Path) -> Iterator[tuple[Site, Path]]:
    """Stage the docs of the package at `root` into OUT/docs and write OUT/mkdocs.yml; yield the site (open on
    the build stage's database, read-only) and that file."""
    package = load_package(root)
    database = out / DATABASE
    if not database.is_file():
        raise RuntimeError(f"{database} not found: the build stage writes it before the site is made")
    stage = out / "docs"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.rmtree(out / BLOCKS, ignore_errors=True)
    copy_tree(DOCS, stage, "docs")
    config = themed(site_config(package, stage, out / "site"), out)
    with locked_connection(database) as db:
        site = Site(package, db, planned(package), out, Blocks(out / BLOCKS))
        (stage / "tables").mkdir(exist_ok=True)
        write_pages(site, stage, PAGE_FAMILIES)
        ready.previous_done()  # in `make build`, the release stage runs meanwhile: its downloads come next
        site = replace(site, manifest=copy_downloads(out, stage / "downloads"))
        write_pages(site, stage, AFTER_RELEASE)
        fill_markers(stage, blocks.blocks(site, root, config.get("site_url") or ""))
        path = out / SITE_CONFIG
        path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        yield site, path


def prepare(root: Path, out: Path) -> Path:
    """The staged docs and OUT/mkdocs.yml, without running MkDocs; return that file."""
    with staged(root, out) as (_, config):
        return config


class MkDocsFailed(Exception):
    """`mkdocs build --strict` failed: the problems it reported (strict mode stops on any warning), and why."""

    def __init__(self, reported: list[str], why: str):
        super().__init__("\n".join([*reported, why]))
        self.reported, self.why = reported, why


class MkDocs:
    """`mkdocs build --strict` on a configuration, in a process started before the configuration and the pages are
    written (`scripts.site.mkdocs_run`: its imports overlap their writing) and told to build by `running`; its
    output kept back. Closing it ends a process that was never told to build, or is still building."""

    def __init__(self, config: Path):
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true",
               "PYTHONPATH": str(ROOT)}  # the theme's hook imports `scripts.cache`
        self.log = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
        self.process = subprocess.Popen([sys.executable, "-m", "scripts.site.mkdocs_run", str(config)],
                                        stdin=subprocess.PIPE, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                        text=True, preexec_fn=dies_with_me())  # a killed stage leaves none writing on

    def __enter__(self) -> MkDocs:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        self.log.close()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """The build, running while the body works. On failure its warnings are shown (not with `--quiet`, which
        hides them from strict mode too, so that nothing stops the build); a crash (a full disk, say) is its last
        line, never its traceback."""
        with contextlib.suppress(BrokenPipeError):  # it ended early: its exit status says why
            self.process.stdin.write(ready.GO)
            self.process.stdin.close()
        try:
            yield
        except BaseException:
            self.process.kill()
            raise
        if self.process.wait() == 0:
            return
        self.log.seek(0)
        output = [line for line in self.log.read().splitlines() if line.strip() and not line.startswith("INFO")]
        if any(line.startswith("Traceback (most recent call last)") for line in output):
            raise MkDocsFailed([], f"mkdocs stopped: {output[-1].strip()}")
        raise MkDocsFailed(output, "mkdocs build --strict reported the problems above")


def build_site(root: Path, out: Path) -> Path:
    """Start MkDocs (it imports while the pages are made), generate the pages, run `mkdocs build --strict` and,
    while it runs, make the record pages' parts; then put the lists back into their pages and write the record
    pages from the shell; return OUT/site."""
    with MkDocs(out / SITE_CONFIG) as mkdocs, staged(root, out) as (site, _), \
            tempfile.TemporaryFile("w+", encoding="utf-8") as parts:
        with mkdocs.running():
            shell.keep(records.pages(site), parts)
        for page in site.blocks.pages:
            site.blocks.fill(page, out / "site" / page_url(page) / "index.html")
        shell.write_records(out / "site", shell.kept(parts))
    shutil.rmtree(out / BLOCKS, ignore_errors=True)
    return out / "site"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "build", help="output folder (default build/)")
    parser.add_argument("--root", type=Path, default=ROOT, help="package root (default: this repository)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        site = build_site(args.root.resolve(), args.out.resolve())
    except (PackageError, RuntimeError, duckdb.Error, ManifestError, NotRegular) as e:
        print(f"docs failed: {e}", file=sys.stderr)
        return 1
    except MkDocsFailed as e:
        print("\n".join([*e.reported, f"docs failed: {e.why}"]), file=sys.stderr)
        return 1
    except OSError as e:  # a full disk, a read-only folder: one line, as for any other failure
        print(f"docs failed: {f'{e.filename}: ' if e.filename else ''}{e.strerror or e}", file=sys.stderr)
        return 1
    pages_built = len(list(site.rglob("*.html")))
    print(f"ok: {site} ({pages_built} pages) in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
