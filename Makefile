# parsipas — two commands for a newcomer: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint typecheck test-databases test-sqlite test-postgres test-frontend frontend venv migrate seed clean db-regen migrations-check e2e bench audit

# --compile-bytecode: the packages' .pyc are written once here. Where PYTHONDONTWRITEBYTECODE is set (as on these
# machines) no Python process writes them, and each one (the suites, every server a test starts) compiled its
# imports again: ~2 s of CPU per process.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip uv >/dev/null
	$(BIN)/uv pip install --python $(BIN)/python -q --compile-bytecode -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

frontend:
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build; \
	else echo "frontend: chưa có SPA (placeholder page)"; fi

# Serve the API and the SPA on http://127.0.0.1:8000 with the Bình Gia demo data (PARSIPAS_* variables honoured;
# PARSIPAS_DEMO=langson-2026 serves the two-tier province of 2026 instead, as of 15/10/2026).
run: venv frontend
	PARSIPAS_DEMO=$${PARSIPAS_DEMO:-1} \
	PARSIPAS_AS_OF_DATE=$${PARSIPAS_AS_OF_DATE-$$(case "$${PARSIPAS_DEMO:-1}" in 1|binhgia-2024) echo 2024-10-15;; langson-2026) echo 2026-10-15;; esac)} \
	$(BIN)/parsipas serve

migrate: venv
	$(BIN)/parsipas migrate

seed: venv
	$(BIN)/parsipas seed-demo

lint: venv
	$(BIN)/ruff check api tests bench migrations scripts

typecheck: venv
	$(BIN)/mypy api

test-sqlite: venv
	@start=$$(date +%s); PARSIPAS_TEST_DB=sqlite $(BIN)/python -m pytest -q -p no:cacheprovider -m "not e2e" --durations=20 $(PYTEST_ARGS); rc=$$?; \
	  echo "test-sqlite: $$(( $$(date +%s) - start )) s"; exit $$rc

test-postgres: venv
	@$(BIN)/python -c "import sqlalchemy as sa; sa.create_engine('$(PG_URL)').connect().close()" 2>/dev/null || \
	  { echo "PostgreSQL không truy cập được tại $(PG_URL) — start it (see README) / PostgreSQL is required"; exit 1; }
	@start=$$(date +%s); PARSIPAS_TEST_DB=postgresql PARSIPAS_TEST_PG_URL=$(PG_URL) $(BIN)/python -m pytest -q -p no:cacheprovider -m "not e2e" --durations=20 $(PYTEST_ARGS); rc=$$?; \
	  echo "test-postgres: $$(( $$(date +%s) - start )) s"; exit $$rc

test-frontend:
	@if [ -f frontend/package.json ]; then cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run check; fi

# Browser tests on two pytest-xdist workers, a module's tests in order on one worker with its own servers
# (--dist loadfile; loadgroup cannot group under pytest 9.2 with xdist 3.8): 663 s serial → ~400 s.
# E2E_WORKERS=0 runs them serially.
E2E_WORKERS ?= 2
E2E = $(BIN)/python -m pytest -q -p no:cacheprovider -m e2e --durations=10 -n $(E2E_WORKERS) --dist loadfile tests/e2e

e2e: venv frontend
	$(E2E)

migrations-check: venv
	@tmp=$$(mktemp -d); PARSIPAS_DATABASE_URL=sqlite:///$$tmp/check.db $(BIN)/alembic upgrade head >/dev/null && \
	  PARSIPAS_DATABASE_URL=sqlite:///$$tmp/check.db $(BIN)/alembic check; rc=$$?; rm -rf $$tmp; exit $$rc

# Known vulnerabilities (scripts/audit_deps.py): pip-audit on the packages parsipas runs with (no dev extra) and
# npm audit --omit=dev --audit-level=high on the SPA's. A finding fails: raise the package's floor in
# pyproject.toml / package.json. Only an advisory with no fixed version may be ignored, here, one id each with its
# reason (none today):
#   PIP_AUDIT_IGNORE += PYSEC-XXXX-NN  # package: why it cannot reach us, until when
PIP_AUDIT_IGNORE :=
NPM_AUDIT_IGNORE :=
# An advisory service that does not answer is reported as "NOT AUDITED". The registries these machines reach serve
# no advisories, so the default here is to say so and go on (AUDIT_OFFLINE=warn, as CI does); where advisories
# answer, `make test AUDIT_OFFLINE=fail` makes "cannot look" fail too (exit 2). Findings fail either way.
AUDIT_OFFLINE ?= warn

audit: venv
	@PIP_AUDIT_IGNORE="$(PIP_AUDIT_IGNORE)" NPM_AUDIT_IGNORE="$(NPM_AUDIT_IGNORE)" AUDIT_OFFLINE="$(AUDIT_OFFLINE)" \
	  $(BIN)/python scripts/audit_deps.py

# Lint, types, migrations, known vulnerabilities, the whole suite on SQLite and on PostgreSQL, the SPA's checks and
# browser tests. Two lanes at once (this machine has two cores): the PostgreSQL suite, the longer one, in one; the
# checks, the SPA's checks and build, then the SQLite suite in the other. The browser tests come after, alone: they
# wait on a real browser and server, and a loaded machine makes them slow and flaky.
test: venv
	@start=$$(date +%s); \
	  $(MAKE) --no-print-directory test-databases SQLITE_LANE_FIRST="lint typecheck migrations-check audit $(if $(wildcard frontend/package.json),test-frontend frontend)"; \
	  rc=$$?; echo "make test: checks and both suites in $$(( $$(date +%s) - start )) s"; [ $$rc -eq 0 ] || exit $$rc; \
	  if [ -d tests/e2e ] && [ -f frontend/package.json ]; then \
	    e2e=$$(date +%s); $(E2E); rc=$$?; echo "make test: browser tests in $$(( $$(date +%s) - e2e )) s"; \
	  fi; echo "make test: $$(( $$(date +%s) - start )) s in all"; exit $$rc

# The suite on SQLite and on PostgreSQL at the same time (each is one process, mostly one core; separate databases,
# ports and temp dirs), each one's output printed whole when both are done, then which failed. SQLITE_LANE_FIRST:
# targets run before the SQLite suite in its lane (`make test` puts the checks there; that suite is the shorter).
TEST_LOGS := test-artifacts/logs
SQLITE_LANE_FIRST ?=
test-databases: venv
	@mkdir -p $(TEST_LOGS); start=$$(date +%s); \
	  $(MAKE) --no-print-directory $(SQLITE_LANE_FIRST) test-sqlite >$(TEST_LOGS)/sqlite.log 2>&1 & s=$$!; \
	  $(MAKE) --no-print-directory test-postgres >$(TEST_LOGS)/postgres.log 2>&1 & p=$$!; \
	  wait $$s; rs=$$?; wait $$p; rp=$$?; \
	  echo "===== $(if $(strip $(SQLITE_LANE_FIRST)),$(strip $(SQLITE_LANE_FIRST)) + )SQLite ====="; cat $(TEST_LOGS)/sqlite.log; \
	  echo "===== PostgreSQL ====="; cat $(TEST_LOGS)/postgres.log; \
	  echo "test-databases: both lanes in $$(( $$(date +%s) - start )) s (SQLite lane exit $$rs, PostgreSQL exit $$rp)"; \
	  [ $$rs -eq 0 ] && [ $$rp -eq 0 ]

bench: venv
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Development only, before the first release: rewrite the single initial migration from the models.
db-regen: venv
	rm -f migrations/versions/*initial_schema.py
	@tmp=$$(mktemp -d); PARSIPAS_DATABASE_URL=sqlite:///$$tmp/regen.db $(BIN)/alembic revision --autogenerate -m "initial schema" && rm -rf $$tmp

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist .pytest_cache .mypy_cache .ruff_cache
