# exportcheck developer tasks. `make demo` and `make test` are the README quick start.
PYTHON ?= python3
MIRROR ?= ../shared/data/raw
LISTS_DIR ?= lists
PIP := $(PYTHON) -m pip

.PHONY: install test lint typecheck bench refresh demo clean

install:
	$(PIP) install -q -e '.[dev]'

test: install
	$(PYTHON) -m pytest -q

lint:
	$(PYTHON) -m ruff check exportcheck tests
	lint-imports

typecheck:
	$(PYTHON) -m mypy exportcheck

bench: install
	$(PIP) install -q -e '.[dev,bench]'
	$(PYTHON) -m exportcheck.bench

refresh: install
	exportcheck refresh --mirror $(MIRROR) --all-dates --lists-dir $(LISTS_DIR)

demo: refresh
	exportcheck sources --lists-dir $(LISTS_DIR)
	exportcheck screen "24th Research Institute of CETC" --lists-dir $(LISTS_DIR)
	@# verify exits 1 when a claim is contradicted: a finding, not a failure of the demo
	exportcheck verify examples/cetc-2024.yaml --format md --lists-dir $(LISTS_DIR) || [ $$? -eq 1 ]

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
