# opsuite: `make help` lists the targets. Everything runs from a virtualenv in $(VENV).

VENV ?= .venv
PYTHON ?= python3
PYTEST_ARGS ?=
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

BIN := $(VENV)/bin
OPSUITE := $(BIN)/opsuite
# One stamp per level, so a second `make run` or `make test` installs nothing:
# app = opsuite and its runtime dependencies (requirements/app.txt, no Node);
# dev = also the test and lint tools (requirements/dev.txt); axe = the npm packages the browser
# tests inject into pages (tests/browser/axe, needs npm).
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
AXE_DIR := tests/browser/axe
AXE_STAMP := $(AXE_DIR)/node_modules/.installed
UV := $(BIN)/uv
LOCK_FLAGS := --quiet --universal --python-version 3.11 --custom-compile-command "make lock"
LOCALE_DIR := opsuite/locale
POT := $(LOCALE_DIR)/messages.pot

.DEFAULT_GOAL := help
.PHONY: help install install-app run serve demo migrate test test-pg bench screenshots screenshots-all lint ruff fmt \
	messages messages-check docs migrations lock clean

help: ## Show this list
	@echo "opsuite - make targets (VENV=$(VENV)):"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  \033[1m%-15s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(APP_STAMP): pyproject.toml requirements/app.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/app.txt -e .
	@touch $@

$(DEV_STAMP): $(APP_STAMP) requirements/dev.txt
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt -e ".[dev]"
	@touch $@

$(AXE_STAMP): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	cd $(AXE_DIR) && npm ci --no-audit --no-fund --silent
	@touch $@

install-app: $(APP_STAMP) ## Create .venv with opsuite and what it needs to run (no Node, no dev tools)

install: $(DEV_STAMP) $(AXE_STAMP) ## Also the test and lint tools, and axe-core for the browser tests (npm)

run: install-app ## Migrate, load the demo organisation (only what is missing) and serve on :8000
	$(OPSUITE) migrate
	$(OPSUITE) demo
	$(OPSUITE) serve

serve: install-app ## Serve without migrating or loading the demo (opsuite serve)
	$(OPSUITE) serve

demo: install-app ## Load the demo organisation into the database (idempotent)
	$(OPSUITE) demo

migrate: install-app ## Apply pending database migrations
	$(OPSUITE) migrate

test: install ## Run the whole suite (SQLite, or OPSUITE_TEST_DATABASE_URL); PYTEST_ARGS=...
	$(BIN)/pytest $(PYTEST_ARGS)

test-pg: install ## Run the whole suite on PostgreSQL (PG_TEST_URL, default .../test)
	OPSUITE_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(DEV_STAMP) ## Run every benchmark in bench/ (each ends with a RESULT line)
	@for script in bench/[!_]*.py; do \
		[ -e "$$script" ] || { echo "no benchmarks in bench/"; break; }; \
		echo "== $$script"; \
		$(BIN)/python "$$script" || exit 1; \
	done

screenshots: install ## Take the tour again: docs/tour.md and its pictures (Chromium, the demo)
	$(BIN)/python scripts/screenshots.py --tour --out docs/screenshots

screenshots-all: install ## Every menu page per role, 1280 and 390 px, both languages (test-artifacts/screenshots)
	$(BIN)/python scripts/screenshots.py

ruff: $(DEV_STAMP) ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: ruff ## ruff, mypy (strict) and bandit on the opsuite package
	$(BIN)/mypy opsuite
	$(BIN)/bandit -q -r opsuite

fmt: $(DEV_STAMP) ## Format and auto-fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(APP_STAMP) ## Extract translatable text and update the .po catalogs (read directly, no compile)
	@mkdir -p $(LOCALE_DIR)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k L -k _ --sort-by-file \
		--project opsuite --msgid-bugs-address https://opsuite.invalid/issues \
		-o $(POT) .
	@for locale in zh_Hans en; do \
		test -f $(LOCALE_DIR)/$$locale/LC_MESSAGES/messages.po || \
			$(BIN)/pybabel init -i $(POT) -d $(LOCALE_DIR) -l $$locale; \
	done
	$(BIN)/pybabel update --no-fuzzy-matching -i $(POT) -d $(LOCALE_DIR)
	$(BIN)/python -m opsuite.web.catalogs fill-en
	@$(BIN)/python -m opsuite.web.catalogs missing zh_Hans || \
		echo "Translate the entries above in $(LOCALE_DIR)/zh_Hans/LC_MESSAGES/messages.po"

messages-check: $(APP_STAMP) ## Compile every catalog to /dev/null and print translation statistics
	@for po in $(LOCALE_DIR)/*/LC_MESSAGES/messages.po; do \
		[ -e "$$po" ] || continue; \
		$(BIN)/pybabel compile --statistics -i "$$po" -o /dev/null || exit 1; \
	done

docs: $(APP_STAMP) ## Regenerate README's configuration table from opsuite.settings.SPEC
	$(BIN)/python -c "from opsuite.cli import write_reference; write_reference('README.md')"

migrations: $(APP_STAMP) ## Generate a migration from model changes (read it before committing)
	$(BIN)/tortoise -c opsuite.tortoise_cli_config.TORTOISE_ORM makemigrations

lock: $(APP_STAMP) ## Re-pin requirements/app.txt and dev.txt from pyproject.toml (uv); the next make installs them
	@test -x $(UV) || $(BIN)/python -m pip install --quiet "uv>=0.13"
	$(UV) pip compile $(LOCK_FLAGS) $(LOCK_ARGS) pyproject.toml -o requirements/app.txt
	$(UV) pip compile $(LOCK_FLAGS) $(LOCK_ARGS) --extra dev -c requirements/app.txt \
		pyproject.toml -o requirements/dev.txt
	@echo "Pinned; commit requirements/*.txt. LOCK_ARGS=--upgrade takes the newest releases."

clean: ## Remove caches and build output (keeps the virtualenv and instance/)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .mypy_cache build dist *.egg-info test-artifacts
