# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Prefect: no telemetry, and a home inside the project so a demo leaves nothing behind elsewhere.
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME ?= $(CURDIR)/.prefect
# The first start of Prefect's temporary server creates and migrates its database: on a busy
# two-core laptop that outlasts Prefect's default 20 s and the demo would fail before it began.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120

.PHONY: demo test lint typecheck unit lambdas local-stack bench bench-costs bench-quality clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

demo: $(BIN)/.installed  ## one whole cycle on the embedded default (MODEL=<catalog id> for another model)
	$(BIN)/python -m local.demo $(if $(MODEL),--model $(MODEL))

test: lint typecheck  ## lint, types, and every test suite
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

unit: $(BIN)/.installed  ## the fast suite only
	$(BIN)/pytest tests/unit

lambdas: $(BIN)/.installed  ## build both Lambda zips into build/lambdas
	$(BIN)/python infra/package_lambdas.py

local-stack: $(BIN)/.installed  ## the local stack for a Prefect server and workers; writes .env
	$(BIN)/python -m local.stack

bench: $(BIN)/.installed  ## parse -> SQS -> drain throughput, PostgreSQL on 127.0.0.1:5432
	$(BIN)/python -m bench.drain_throughput

bench-costs: $(BIN)/.installed  ## the seed scenario priced for every model of the catalog
	$(BIN)/python -m bench.model_costs

bench-quality: $(BIN)/.installed  ## the quality gate's cost: drain with the gate on vs off, PostgreSQL on 127.0.0.1:5432
	$(BIN)/python -m bench.quality_gate $(if $(PRODUCTS),--products $(PRODUCTS))

clean:
	rm -rf $(VENV) build .prefect descgen-demo.sqlite3* .mypy_cache .ruff_cache .pytest_cache
