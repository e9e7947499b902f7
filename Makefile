# The README's two commands. Each sets itself up from nothing: a virtualenv in .venv,
# the pinned dependencies (constraints.txt) and the spaCy model, all from PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	@# An editable install is not byte-compiled; with bytecode every start is faster.
	@$(BIN)/python -m compileall -q tui
	$(BIN)/libya-reader

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/run.py

screenshot: $(STAMP)
	$(BIN)/python docs/screenshot.py

clean:
	rm -rf $(VENV) build dist

# A minute of coverage-guided fuzzing of the loader; new inputs go under .venv, not fuzz/corpus.
.PHONY: fuzz
fuzz: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e ".[fuzz]"
	mkdir -p $(VENV)/fuzz-corpus
	$(BIN)/python fuzz/fuzz_loader.py $(VENV)/fuzz-corpus fuzz/corpus -max_total_time=60
