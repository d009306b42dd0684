# The README's two commands: `make` (set up, build every PDF) and `make test` (set up, run the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all build check test lint format bench bench-pages bench-web bench-batch serve clean distclean system-libs

all: build

system-libs:
	@sh tools/system-libs.sh

$(STAMP): pyproject.toml | system-libs
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# Every edition and language in one process and one pool: start-up is paid once.
build: $(STAMP)
	$(BIN)/python make_handouts.py build --all-editions

# Make my letter in the browser, on this computer only: http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/python make_handouts.py serve

check: $(STAMP)
	$(BIN)/python make_handouts.py check

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Warm cost per page of every sheet and the booklet, against a plain WeasyPrint page.
bench-pages: $(STAMP)
	$(BIN)/python bench/pages.py

# Letters for 200 made-up patients (400 letters) from a CSV, cold: wall time per letter.
bench-batch: $(STAMP)
	$(BIN)/python bench/batch.py

# The web app under load on loopback: 1 client, then 8 for 3 minutes (about 4 minutes in all).
bench-web: $(STAMP)
	$(BIN)/python bench/web.py
