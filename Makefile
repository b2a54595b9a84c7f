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

.PHONY: demo test lint typecheck unit lambdas local-stack bench bench-costs bench-quality bench-import bench-sync bench-explain bench-hot bench-scale clean

# checkov (the scan in tests/integration/test_infra_terraform.py) gets a venv of its own: it pins
# its own boto3 and an HCL parser that installs the module python-hcl2 provides (hcl2).
CHECKOV_VENV := $(VENV)/checkov
CHECKOV_LOCK := tests/infra/checkov-requirements.txt

$(BIN)/.installed: pyproject.toml constraints.txt $(CHECKOV_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# a .venv made before checkov moved out still holds it, and its hcl2 module over python-hcl2's
	$(BIN)/python -m pip uninstall --quiet --yes checkov bc-python-hcl2
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r $(CHECKOV_LOCK)
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

bench-import: $(BIN)/.installed  ## catalog import: products/s and peak memory at 100,000 and 1,000,000 (PRODUCTS=10000,100000 for a short run)
	$(BIN)/python -m bench.catalog_import $(if $(PRODUCTS),--products $(PRODUCTS))

bench-sync: $(BIN)/.installed  ## catalog sync: time and peak memory at 100,000 and 1,000,000 products x 3 languages, PostgreSQL on 127.0.0.1:5432 (PRODUCTS=10000,100000 for a short run)
	$(BIN)/python -m bench.sync_memory $(if $(PRODUCTS),--products $(PRODUCTS))

bench-explain: $(BIN)/.installed  ## the nightly path's query plans at 3,000,000 tasks (PASS/MISS), PostgreSQL on 127.0.0.1:5432
	$(BIN)/python -m bench.explain_nightly $(if $(PRODUCTS),--products $(PRODUCTS))

bench-hot: $(BIN)/.installed  ## each hot path against its lower bound in one run, PostgreSQL on 127.0.0.1:5432 and SQLite (RECORDS=10000 for a short run, GATE=1 adds the gate's cost)
	$(BIN)/python -m bench.hot_paths $(if $(RECORDS),--records $(RECORDS)) $(if $(GATE),--gate)

bench-scale: $(BIN)/.installed  ## the nightly path at 100,000 and 1,000,000 products x 3 languages: time and peak memory per step, PostgreSQL on 127.0.0.1:5432 (PRODUCTS=2000,20000 for a short run)
	$(BIN)/python -m bench.scale $(if $(PRODUCTS),--products $(PRODUCTS))

# Mutation testing of the pure core ([tool.mutmut] in pyproject.toml) against the unit tests,
# in a copy under build/ so its mutants never meet ruff, git or the real tree. Prints the score
# (killed / total) and every survivor; fails under MUTATION_MIN % or on a survivor that
# tests/mutation_survivors.md does not explain.
MUTATION_DIR := build/mutation
MUTATION_MIN ?= 90
.PHONY: mutation
mutation: $(BIN)/.installed  ## mutants of the pure core that the unit tests must kill: score and survivors (a few minutes)
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)
	rsync -a --exclude .git --exclude .venv --exclude build --exclude __pycache__ --exclude '*.sqlite3*' \
		--exclude .prefect --exclude descgen-published --exclude .terraform ./ $(MUTATION_DIR)/
	cd $(MUTATION_DIR) && $(CURDIR)/$(BIN)/mutmut run --max-children $(or $(JOBS),2) > mutmut-run.log 2>&1 \
		|| { tail -n 40 mutmut-run.log; exit 1; }
	$(BIN)/python -m tests.mutation_report $(MUTATION_DIR) --minimum $(MUTATION_MIN)

# Whole cycles of several stores under injected faults (kills, PostgreSQL restarts, duplicate
# deliveries, SQS and Bedrock failures) on the local stack and a private PostgreSQL cluster; then
# the invariants, printed with their figures. SECONDS of faults (default 180), SEED= replays a run.
.PHONY: chaos
chaos: $(BIN)/.installed  ## whole cycles under random faults, then the invariants (SECONDS=1800 for a long run, SEED= to replay)
	$(BIN)/python -m chaos $(if $(SECONDS),--seconds $(SECONDS)) $(if $(SEED),--seed $(SEED))

clean:
	rm -rf $(VENV) build .prefect descgen-demo.sqlite3* .mypy_cache .ruff_cache .pytest_cache
