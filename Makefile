# Two commands do all set-up on a fresh machine:
#   make run    -> venv + install, annotate seeds/ into data/processed/seeds/, analyses, executed notebooks
#   make test   -> venv + install (+ Chromium for the browser test), then every test incl. notebooks under nbval
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
WB := $(VENV)/bin/workbench
OUT ?= data/processed/seeds
PIPELINE ?= en_core_web_sm
STAMP := $(VENV)/.installed

.PHONY: install run test lab browser-deps bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(WB) annotate seeds --out $(OUT) --meta data/metadata.csv --pipeline $(PIPELINE) --force --quiet
	$(WB) analyze $(OUT)
	$(PY) -m workbench.notebooks --execute --out data/processed/notebooks
	@echo
	@echo "Tables (Parquet):      $(OUT)/"
	@echo "Executed notebooks:    data/processed/notebooks/"
	@echo "Open them in JupyterLab:  make lab   (opens data/processed/notebooks/; the committed ones: $(VENV)/bin/jupyter lab notebooks/)"

browser-deps:
	@bash scripts/ensure-chromium.sh

test: $(STAMP) browser-deps
	$(PY) -m pytest

# Opens the executed copies `make run` wrote (they carry absolute paths, so they re-run there), else notebooks/.
lab: $(STAMP)
	@if [ -d data/processed/notebooks ]; then dir=data/processed/notebooks; else dir=notebooks; fi; \
	echo "Opening $$dir/ in JupyterLab"; $(VENV)/bin/jupyter lab $$dir/

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf data/processed data/interim
