# Two commands on a fresh machine: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := app

.PHONY: run test lint setup setup-dev browser github-openapi db demo bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changed.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

db: setup
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo load --if-empty --url http://$(HOST):$(PORT)

## make run: set up, migrate, load demo data into an empty database, serve on http://$(HOST):$(PORT)
run: demo
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## make browser: Debian's Chromium for the browser tests (Playwright cannot download one here)
browser:
	@sh scripts/ensure-chromium.sh

## make github-openapi: GitHub's REST API description (npm @octokit/openapi, pinned and checked)
## for the tests' fake GitHub, kept in .cache/github-openapi/
github-openapi: setup-dev
	$(BIN)/python scripts/fetch_github_openapi.py

## make lint: ruff on the package and the tests; the import contracts (.importlinter: the rings)
lint: setup-dev
	$(BIN)/ruff check governance tests app.py
	$(BIN)/lint-imports --no-cache

## make test: set up, lint, and run the whole suite (SQLite, or TEST_DATABASE_URL)
test: lint browser github-openapi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: our scan engine against `scancode -clpi` on real PyPI sdists (not part of make test;
## needs the network once, then benchmarks/.cache/). BENCH_ARGS="--help" lists the options.
## Then the CI gate on a 1,000-component SBOM against reading it alone; GATE_BENCH_ARGS="--help".
bench: setup-dev
	$(BIN)/python benchmarks/scan_bench.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/gate_bench.py $(GATE_BENCH_ARGS)
	$(BIN)/python benchmarks/sbom_scale_bench.py $(SCALE_BENCH_ARGS)
	$(BIN)/python benchmarks/advisories_bench.py $(ADVISORIES_BENCH_ARGS)

## make fuzz: schemathesis against /api/v1 of the app served on 127.0.0.1 (fresh SQLite; add
## --database-url postgresql://… for a schema of its own there). Exit 1 on any 5xx.
## FUZZ_ARGS="--cases 100000 --seconds 3600" for the goal; `make test` runs a small number.
FUZZ_ARGS ?= --cases 2000 --seconds 300
fuzz: setup-dev
	$(BIN)/python fuzz/api_fuzz.py $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
