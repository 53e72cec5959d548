# am-az-normalization: `make build` sets up and builds everything; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: help venv build check audit docs serve query bench test test-fast lint lock clean
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

venv: $(VENV)/.installed  ## create .venv with the pinned dependencies

build: $(VENV)/.installed node_modules/.installed  ## validate, then build database, Parquet, release zip and site into build/
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

bench: $(VENV)/.installed node_modules/.installed  ## time validation and build at 10^4-10^6 rows, the site at 10^3-10^5 records (build/bench.json)
	$(PY) -m scripts.bench

test: $(VENV)/.installed node_modules/.installed  ## lint, then run the test suite
	$(VENV)/bin/ruff check scripts tests
	$(PY) -m pytest -q -n 2 --dist loadgroup

test-fast: $(VENV)/.installed node_modules/.installed  ## lint, then every test but the browser and kill tests
	$(VENV)/bin/ruff check scripts tests
	$(PY) -m pytest -q -n 2 -m "not browser and not slow"

lint: $(VENV)/.installed  ## ruff over scripts and tests
	$(VENV)/bin/ruff check scripts tests

lock: $(VENV)/.installed  ## re-pin requirements.lock from the current environment
	$(VENV)/bin/pip freeze --exclude-editable | sed '1i # Every package of the environment, pinned: `make build` installs exactly this. Regenerate with `make lock`.' > requirements.lock

clean:  ## remove build outputs (keeps .venv)
	rm -rf build
