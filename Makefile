# probation-bot: `make chat` to talk to the bot in the terminal, `make test` to run every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: help install kb chat test lint fmt eval bench bench-reload mutate clean

help:
	@echo "make chat   set up, build the knowledge base and chat with the bot in this terminal"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   check types (mypy), lint (ruff check) and formatting (ruff format --check)"
	@echo "make fmt    format the code (ruff format) and apply ruff's safe fixes"
	@echo "make eval   run the shared question set (../shared/eval)"
	@echo "make bench  run the benchmarks and write benchmarks/results.json"
	@echo "make kb     (re)build the knowledge base from knowledge/data"
	@echo "make mutate mutation-test the riskiest modules; prints the score, writes benchmarks/mutation.json"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

kb: install
	$(BIN)/probation-bot kb build

chat: kb
	$(BIN)/probation-bot chat

test: install lint
	$(BIN)/python -m pytest

lint: install
	$(BIN)/mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: kb
	$(BIN)/python ../shared/eval/run_eval.py --cmd "$(BIN)/probation-bot ask --json"

bench: kb
	$(BIN)/python -m benchmarks.run

bench-reload: install
	$(BIN)/python -m benchmarks.reload
# Slow and CPU-hungry: lowest priority, one mutant at a time. MODULES="bot/logs.py ..." scores only those.
mutate: install
	nice -n 19 $(BIN)/python -m benchmarks.mutate $(MODULES)

clean:
	rm -rf $(VENV) knowledge/probation.db .pytest_cache .hypothesis build *.egg-info
