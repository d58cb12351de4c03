# Sitbone — the two commands: `make run` and `make test`.
PYTHON_VERSION := $(shell cat .python-version)
PYENV_PYTHON := $(HOME)/.pyenv/versions/$(PYTHON_VERSION)/bin/python
BASE_PYTHON := $(shell if [ -x "$(PYENV_PYTHON)" ]; then echo "$(PYENV_PYTHON)"; else command -v python3.13 || command -v python3.12; fi)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test crash-test lint test-sqlite test-pg test-browser clean bench

$(STAMP): pyproject.toml
	@test -n "$(BASE_PYTHON)" || { echo "Python 3.12+ not found (pyenv $(PYTHON_VERSION) expected)"; exit 1; }
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/sitbone serve

test: $(STAMP)
	bash scripts/test-all

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m sitbone.bench.run

crash-test: $(STAMP)
	$(PY) scripts/crash-test 20
	SITBONE_CONCURRENCY_SECONDS=60 $(PY) -m pytest tests/web/test_concurrency.py -q

lint: $(STAMP)
	bash scripts/test-all lint

clean:
	rm -rf $(VENV) var test-artifacts
