# One entry point per job. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo serve test test-all lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install dualtrace with its dev tools

demo: setup  ## build a workspace from the starter dataset, print a sourced trace, write an offline map
	DUALTRACE_WORKSPACE=$(CURDIR)/out/workspace.json $(BIN)/dualtrace demo --map out/dualtrace-demo-map.html

serve: setup  ## the read-only web explorer of the demo's workspace, at http://127.0.0.1:8765/
	DUALTRACE_WORKSPACE=$(CURDIR)/out/workspace.json $(BIN)/dualtrace serve

test: setup  ## the default test run (slow tests excluded)
	$(BIN)/python -m pytest

test-all: setup  ## every test, the slow ones too
	$(BIN)/python -m pytest -m ''

lint: setup  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy graph ingest queries dualtrace

bench: setup  ## benchmarks (minutes); results in benchmarks/results/
	$(BIN)/python -m benchmarks.bench_startup
	$(BIN)/python -m benchmarks.bench_trace
	$(BIN)/python -m benchmarks.bench_workspace
	$(BIN)/python -m benchmarks.bench_import
	$(BIN)/python -m benchmarks.bench_sdn
	$(BIN)/python -m benchmarks.bench_queries
	$(BIN)/python -m benchmarks.bench_map
	$(BIN)/python -m benchmarks.bench_push
	$(BIN)/python -m benchmarks.bench_serve

clean:
	rm -rf $(VENV) out build *.egg-info
