# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app survey
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint format bench bench-load clean report-snapshots

help: ## show this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Cần Python 3.11 trở lên"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): setup.cfg pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

install: $(STAMP) ## create .venv and install the app with its test and dev tools

instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c 'import secrets; print("# Local settings (not committed).\nSECRET_KEY = " + repr(secrets.token_hex(32)))' > $@
	@echo "Đã tạo instance/config.py với một SECRET_KEY ngẫu nhiên."

run: $(STAMP) instance/config.py ## migrate the SQLite database, seed demo data once, serve on http://127.0.0.1:$(PORT) (PORT=5101 make run)
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@$(FLASK) demo-info --base-url http://$(HOST):$(PORT)
	$(FLASK) run --host $(HOST) --port $(PORT)

SNAPSHOTS := tests/reports/snapshots
report-snapshots: $(STAMP) ## PNG of pages 1-2 of a demo monthly report (Xã Bình Sơn) into tests/reports/snapshots (needs pdftoppm)
	@work=$$(mktemp -d) && month=$$(date -d "$$(date +%Y-%m-01) -1 month" +%Y-%m) && \
	export DATABASE_URL="sqlite:///$$work/demo.sqlite" SECRET_KEY=snapshots && \
	$(FLASK) db upgrade >/dev/null 2>&1 && $(FLASK) seed-demo && \
	$(FLASK) reports monthly --month $$month --unit 21040 --out $$work && \
	pdftoppm -png -r 60 -f 1 -l 2 $$work/$$month/21040.pdf $(SNAPSHOTS)/monthly-page && \
	rm -rf $$work && ls -l $(SNAPSHOTS)/*.png

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

test: $(STAMP) node_modules/.package-lock.json ## install test dependencies and run the whole suite
	$(PY) -m pytest

test-fast: $(STAMP) ## the suite without the browser tests
	$(PY) -m pytest -m 'not browser'

lint: $(STAMP) ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP) ## format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP) ## the analysis and report benchmarks (print figures; several minutes)
	$(PY) bench/analysis.py
	$(PY) bench/reports.py

bench-load: $(STAMP) ## the load bench: gunicorn on PostgreSQL, kills a worker, cuts off its own database for 15 s
	$(PY) bench/load.py --self-test
	$(PY) bench/load.py

clean: ## remove the virtualenv, caches and node_modules (keeps instance/)
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis *.egg-info
