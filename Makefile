# One entry point for people and CI. Every target installs what it needs first (idempotent).
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cmat-setup
OUT    ?= runs/quickstart

.PHONY: setup run baseline test test-fast check lint typecheck bench clean

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh --mariadb
	touch $(STAMP)

setup: $(STAMP)

## The main job on the embedded defaults: collaborative tuning of SmolLM2-135M (quickstart preset):
## baseline eval on the 60 DBBench dev tasks, generated training tasks, LoRA SFT, eval again.
run: setup
	$(BIN)/cmat tune --preset quickstart --out $(OUT)

## Only the untuned baseline: evaluate the embedded SmolLM2-135M on the 60 DBBench dev tasks.
baseline: setup
	$(BIN)/cmat eval --env dbbench --model hf --out runs/baseline

## The whole test suite (includes the real embedded model and MariaDB).
test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not mariadb"

lint: setup
	$(BIN)/ruff check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

check: lint typecheck

bench: setup
	$(BIN)/python benchmarks/load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
