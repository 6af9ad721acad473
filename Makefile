# Incontri — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test test-tools lint translations translations-update vendor bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Serve Python 3.11 ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations --statistics

run: export BASE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	@echo "Posta: senza MAIL_SERVER i messaggi finiscono in instance/mail/ come file .eml"
	@$(BIN)/flask worker --interval 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Chromium, libical, Node and ical.js for the browser and calendar-reader tests (see the script).
test-tools:
	scripts/install-test-tools.sh

test: $(VENV)/.installed-dev translations test-tools
	$(BIN)/ruff check app tests migrations wsgi.py bench scripts
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check app tests migrations wsgi.py bench scripts
	$(BIN)/lint-imports

# Re-extract the messages after changing user-facing text, then translate the .po files.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o app/translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/fill_italian_catalogue.py

vendor:
	scripts/vendor-assets.sh

# The public pages as ratios to bare Flask under gunicorn against PostgreSQL (bench/web.py, a few
# minutes; not part of `make test`). wrk comes from Debian (as root), matplotlib draws the plot.
bench: $(VENV)/.installed translations
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk
	$(BIN)/pip install --quiet -r bench/requirements.txt
	$(BIN)/python bench/web.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
