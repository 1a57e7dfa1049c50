# opsuite: `make help` lists the targets. Everything runs from a virtualenv in $(VENV).

VENV ?= .venv
PYTHON ?= python3
PYTEST_ARGS ?=
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

BIN := $(VENV)/bin
OPSUITE := $(BIN)/opsuite
STAMP := $(VENV)/.installed
LOCALE_DIR := opsuite/locale
POT := $(LOCALE_DIR)/messages.pot

.DEFAULT_GOAL := help
.PHONY: help install run serve demo migrate test test-pg bench lint ruff fmt messages \
	messages-check docs migrations clean

help: ## Show this list
	@echo "opsuite - make targets (VENV=$(VENV)):"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  \033[1m%-15s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml tests/browser/axe/package.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# axe-core, the accessibility checker the browser tests inject into pages (npm)
	cd tests/browser/axe && npm ci --no-audit --no-fund --silent
	@touch $@

install: $(STAMP) ## Create the virtualenv and install opsuite with its dev tools (quick when done)

run: install ## Migrate, load the demo organisation (only what is missing) and serve on :8000
	$(OPSUITE) migrate
	$(OPSUITE) demo
	$(OPSUITE) serve

serve: install ## Serve without migrating or loading the demo (opsuite serve)
	$(OPSUITE) serve

demo: install ## Load the demo organisation into the database (idempotent)
	$(OPSUITE) demo

migrate: install ## Apply pending database migrations
	$(OPSUITE) migrate

test: install ## Run the whole suite (SQLite, or OPSUITE_TEST_DATABASE_URL); PYTEST_ARGS=...
	$(BIN)/pytest $(PYTEST_ARGS)

test-pg: install ## Run the whole suite on PostgreSQL (PG_TEST_URL, default .../test)
	OPSUITE_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

bench: install ## Run every benchmark in bench/ (each ends with a RESULT line)
	@for script in bench/[!_]*.py; do \
		[ -e "$$script" ] || { echo "no benchmarks in bench/"; break; }; \
		echo "== $$script"; \
		$(BIN)/python "$$script" || exit 1; \
	done

ruff: install ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: ruff ## ruff, mypy (strict) and bandit on the opsuite package
	$(BIN)/mypy opsuite
	$(BIN)/bandit -q -r opsuite

fmt: install ## Format and auto-fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Extract translatable text and update the .po catalogs (read directly, no compile)
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

messages-check: install ## Compile every catalog to /dev/null and print translation statistics
	@for po in $(LOCALE_DIR)/*/LC_MESSAGES/messages.po; do \
		[ -e "$$po" ] || continue; \
		$(BIN)/pybabel compile --statistics -i "$$po" -o /dev/null || exit 1; \
	done

docs: install ## Regenerate README's configuration table from opsuite.settings.SPEC
	$(BIN)/python -c "from opsuite.cli import write_reference; write_reference('README.md')"

migrations: install ## Generate a migration from model changes (read it before committing)
	$(BIN)/tortoise -c opsuite.tortoise_cli_config.TORTOISE_ORM makemigrations

clean: ## Remove caches and build output (keeps the virtualenv and instance/)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .mypy_cache build dist *.egg-info test-artifacts
