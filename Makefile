# Two entry points for a fresh machine (see README Quickstart):
#   make run   - set everything up, prepare the model, build the index if missing, start the server
#   make test  - set everything up and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint eval-gate bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[test,bench,batch]"
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/assistant models prepare

run: setup
	$(BIN)/assistant serve

test: $(STAMP)
	bash deploy/ensure-postgres.sh
	bash deploy/ensure-chromium.sh
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/mypy
	$(BIN)/lint-imports

eval-gate: setup
	$(BIN)/assistant ingest
	$(BIN)/assistant eval evals/core.jsonl --report out/eval --gate evals/thresholds.json
	$(BIN)/assistant eval evals/test.jsonl --report out/eval-test --gate evals/thresholds_test.json
	$(BIN)/assistant eval evals/test2.jsonl --report out/eval-test2 --gate evals/thresholds_test2.json

bench: setup
	$(BIN)/python bench/rag_bench.py

clean:
	rm -rf $(VENV) .assistant out
