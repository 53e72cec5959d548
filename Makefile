# am-az-normalization: `make build` sets up and builds everything; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: help venv bytecode build check audit docs serve query bench test test-fast lint lock clean
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

# Every package is checked against the SHA-256 hashes of requirements.lock before it is installed.
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

# The browser tests drive Debian's Chromium (never a browser Playwright downloads): installed here where it is
# missing and this is root on Debian, or one line saying how.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "make test needs Debian's chromium for the browser tests: run 'sudo apt-get install chromium'" >&2; exit 1; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

venv: $(VENV)/.installed  ## create .venv with the pinned dependencies

# The bytecode of scripts/ and tests/, kept beside them (git ignores it). Every stage of a build and many tests are
# Python processes of their own, and a machine that sets PYTHONDONTWRITEBYTECODE has each compile the project again;
# the build's snapshot copies this bytecode with the code (and the times of its sources, by which Python checks it).
bytecode: $(VENV)/.installed
	@$(PY) -m compileall -q scripts tests

build: $(VENV)/.installed node_modules/.installed bytecode  ## validate, then build database, Parquet, release zip and site into build/
	$(PY) -m scripts.pipeline

check: $(VENV)/.installed  ## validate datapackage.json, schemas and data
	$(PY) -m scripts.validate

docs: $(VENV)/.installed node_modules/.installed  ## validate, then rebuild only the site into build/site (published like `make build`)
	$(PY) -m scripts.pipeline --stages site.build

serve: $(VENV)/.installed node_modules/.installed  ## build the site, then preview it at http://127.0.0.1:8000
	$(PY) -m scripts.pipeline --stages site.build && $(VENV)/bin/mkdocs serve -f build/mkdocs.yml

# SQL reaches scripts.query through the environment, exactly as typed: `$(value ...)` stops make expanding
# `$(...)` in it, and no recipe line names it, so no shell sees it (backticks, quotes and `$(...)` are just SQL).
override SQL := $(value SQL)
export SQL
query: $(VENV)/.installed  ## run SQL read-only on build/: make query SQL="SELECT ..." or SQL=queries/<name>.sql
	$(PY) -m scripts.query

audit: $(VENV)/.installed  ## sourcing report of the built database (make build first): single-source, disputed, one-sided
	$(PY) -m scripts.audit

bench: $(VENV)/.installed node_modules/.installed  ## time validation and build at 10^4-10^6 rows, the site at 10^3-10^5 records, make build and the Query page (build/bench.json)
	$(PY) -m scripts.bench

# Two workers, each module on one of them (`--dist loadscope`): a module's fixtures (a browser tab's visits, a
# built package) are then made once, not once per worker.
test: $(VENV)/.installed node_modules/.installed $(CHROMIUM) bytecode  ## lint, then every test (Chromium installed if missing)
	$(VENV)/bin/ruff check scripts tests
	$(PY) -m pytest -q -n 2 --dist loadscope

test-fast: $(VENV)/.installed node_modules/.installed bytecode  ## lint, then every test but the browser, acceptance and kill tests
	$(VENV)/bin/ruff check scripts tests
	$(PY) -m pytest -q -n 2 --dist loadscope -m "not browser and not slow and not acceptance"

lint: $(VENV)/.installed  ## ruff over scripts and tests
	$(VENV)/bin/ruff check scripts tests

lock: $(VENV)/.installed  ## re-resolve requirements.lock from pyproject.toml (pins kept where they still fit), with hashes
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra lock --generate-hashes --python $(PY) \
		--custom-compile-command "make lock" --quiet -o requirements.lock

clean:  ## remove build outputs (keeps .venv)
	rm -rf build
