# Zicht: the two commands are `make demo` and `make test`; both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test lint unit bench mutate setup compile-catalogues catalogues browser pdf-libs office lock clean

LOCALE := src/zicht/locale

## setup: create .venv and install the locked dependencies and Zicht itself
setup: $(STAMP) compile-catalogues

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## compile-catalogues: compile each language's zicht.po and meld.po into .mo (not committed)
compile-catalogues: $(STAMP)
	$(BIN)/pybabel compile --domain zicht --directory $(LOCALE)
	$(BIN)/pybabel compile --domain meld --directory $(LOCALE)

## catalogues: extract messages from code and templates into zicht.pot, update every zicht.po
catalogues: $(STAMP)
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords t --keywords N_ \
		--add-location file --sort-output --no-wrap --project Zicht \
		--output-file $(LOCALE)/zicht.pot src/zicht
	$(BIN)/pybabel update --domain zicht --input-file $(LOCALE)/zicht.pot \
		--output-dir $(LOCALE) --no-wrap --ignore-obsolete --update-header-comment
	$(BIN)/pybabel extract --mapping-file babel-meld.cfg --no-default-keywords \
		--keywords M_ --keywords _ --keywords ngettext:1,2 \
		--add-location file --sort-output --no-wrap --project Zicht \
		--output-file $(LOCALE)/meld.pot src/zicht
	$(BIN)/pybabel update --domain meld --input-file $(LOCALE)/meld.pot \
		--output-dir $(LOCALE) --no-wrap --ignore-obsolete --update-header-comment
	@echo "Translate the new or fuzzy entries in $(LOCALE)/*/LC_MESSAGES/{zicht,meld}.po (remove '#, fuzzy')."

## demo: synthesise a world, ingest, link, estimate, report (and serve unless --no-serve)
demo: setup pdf-libs
	$(BIN)/zicht demo $(DEMO_ARGS)

## test: lint, type check and every test (PostgreSQL included when CI=true)
test: lint unit

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

unit: setup browser pdf-libs office
	ZICHT_TEST_POSTGRES_URL=$${ZICHT_TEST_POSTGRES_URL:-$(PG_URL)} $(BIN)/pytest -n 2 --dist loadfile

## browser: Debian's chromium for the browser tests (installed with apt-get when missing)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## office: LibreOffice Writer without GUI, to open the programme's results table (DOCX) in a
## test (apt-get when missing; 50 packages, 263 MB, about 40 s on a Debian 12 runner)
office:
	@command -v soffice >/dev/null 2>&1 || { \
		echo "Installing LibreOffice Writer (no GUI) for the DOCX test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends libreoffice-writer-nogui >/dev/null; }

## pdf-libs: the Debian libraries WeasyPrint renders PDF reports with, and poppler-utils
## (pdfinfo, pdftotext) the PDF tests read them with (apt-get when missing)
pdf-libs:
	@ldconfig -p | grep -q 'libharfbuzz-subset.so.0' && ldconfig -p | grep -q 'libpango-1.0.so.0' \
		&& command -v pdfinfo >/dev/null 2>&1 || { \
		echo "Installing Debian's pango, harfbuzz-subset and poppler-utils for PDF reports"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils >/dev/null; }

## bench: the measurements in benchmarks/ (each prints JSON)
bench: setup
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## mutate: mutation score per listed module as JSON (slow: outside `make test`; one module
## at a time, under nice; MUTATE_ARGS="privacy access --children 2" to choose)
mutate: setup
	nice -n 10 $(BIN)/python benchmarks/mutation.py $(MUTATE_ARGS)

## lock: re-resolve requirements.lock from pyproject.toml (needs network to PyPI)
lock: setup
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark --python-version 3.11 \
		--generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
