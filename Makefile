# OneTrip: `make run` sets up and serves the platform; `make test` sets up and runs the whole suite.
# PORT and DATA_DIR (default var/) let several instances run side by side.

PORT ?= 8000
DATA_DIR ?= $(CURDIR)/var
WORKERS ?= 3
VENV := .venv
PY := $(VENV)/bin/python
export DATA_DIR

# The first Python >= 3.12 on PATH, or in pyenv's versions (whose shims may be inactive).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)

PROD := DJANGO_SETTINGS_MODULE=cms.settings.production SECRET_KEY="$$(cat $(DATA_DIR)/secret_key)"

.PHONY: install lock setup run dev test lint format bench kiosk clean os-packages

# Debian packages the tests need: SDL's libmtdev and a CJK font (kiosk), chromium (browser tests),
# postgresql-client (pg_isready for the PostgreSQL fault test). Installed as root, as CI runs; otherwise
# `make test` stops and prints the one command that installs them.
OS_PACKAGES := libmtdev1 postgresql-client chromium fonts-wqy-microhei espeak-ng

# Requirements by role (requirements/*.in), each installed at the versions in requirements/lock.txt:
# `make run` the server's set, `make kiosk` the kiosk's, `make test` both and the tools. Installing only
# adds to .venv, never removes, so one checkout runs all three.
LOCK := requirements/lock.txt

install: $(VENV)/.installed-cms

$(VENV)/.installed-%: requirements/%.in requirements/base.in $(LOCK)
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is needed and none was found (PATH or ~/.pyenv)." >&2; exit 1; }
	test -x $(PY) || "$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet -c $(LOCK) pip
	$(PY) -m pip install --quiet -c $(LOCK) -r $<
	touch $@

# Resolve every set together into the lock (LOCK_FLAGS=--upgrade to move to the newest the ranges allow).
lock: $(VENV)/.installed-dev
	cd requirements && ../$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links $(LOCK_FLAGS) --output-file lock.txt base.in cms.in kiosk.in dev.in

$(DATA_DIR)/secret_key:
	mkdir -p $(DATA_DIR)
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# Migrate and create the admin (one process); load the catalogue and collect static files only when
# their sources changed, so a second `make run` starts in seconds and leaves editors' work alone.
setup: install $(DATA_DIR)/secret_key
	$(PROD) $(PY) manage.py prepare
	@$(MAKE) --no-print-directory $(DATA_DIR)/.catalogue-loaded $(DATA_DIR)/static/staticfiles.json
	$(VENV)/bin/pybabel compile -d locale -D django
	$(PROD) $(PY) manage.py rebuild_search_index --if-needed

$(DATA_DIR)/.catalogue-loaded: $(wildcard guides/catalogue/*.yaml) guides/demo/centres.yaml
	$(PROD) $(PY) manage.py load_demo
	touch $@

$(DATA_DIR)/static/staticfiles.json: $(LOCK) $(shell find cms -path '*/static/*' -type f 2>/dev/null)
	$(PROD) $(PY) manage.py collectstatic --no-input -v 0

run: setup
	@echo "OneTrip at http://127.0.0.1:$(PORT)/ (admin: /admin/, API: /api/v1/docs)"
	$(PROD) $(VENV)/bin/gunicorn cms.wsgi -c cms/gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers $(WORKERS)

dev: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

os-packages:
	@missing=$$(for p in $(OS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || printf '%s ' $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "make test needs these Debian packages; install them with:" >&2; \
	    echo "  sudo apt-get install --no-install-recommends $$missing" >&2; exit 1; \
	  fi; \
	fi

# A skip not on tests/conftest.py's allow-list fails the run (ONETRIP_STRICT_SKIPS): every test runs in one pass.
# Each pass runs on TEST_WORKERS processes (pytest-xdist; tests sharing a costly fixture stay on one, see
# tests/conftest.py GROUPS), then the tests marked `alone` with nothing beside them, both on one template
# database built once (ONETRIP_TEST_TEMPLATE_ROOT, tests/support/database.py); the 15 slowest are listed.
TEST_WORKERS ?= 2
PYTEST := ONETRIP_STRICT_SKIPS=1 $(PY) -m pytest --durations=15
PYTEST_PARALLEL := $(PYTEST) -n $(TEST_WORKERS) --dist loadgroup
DB_TESTS := django_db or postgres_pass

test: os-packages setup $(VENV)/.installed-kiosk $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	root=$$(mktemp -d) && export ONETRIP_TEST_TEMPLATE_ROOT=$$root && $(PYTEST_PARALLEL) -m "not alone" && \
		$(PYTEST) -m alone; status=$$?; rm -rf $$root; exit $$status
ifneq ($(TEST_DATABASE_URL),)
	@echo "--- again on $(TEST_DATABASE_URL): the tests that touch the database"
	root=$$(mktemp -d) && export ONETRIP_TEST_TEMPLATE_ROOT=$$root DATABASE_URL="$(TEST_DATABASE_URL)" && \
		$(PYTEST_PARALLEL) -m "($(DB_TESTS)) and not alone" && $(PYTEST) -m "($(DB_TESTS)) and alone"; \
		status=$$?; rm -rf $$root; exit $$status
endif

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(PY) -m guides format guides/catalogue

# Interface translations (locale/, gettext via Babel): extract msgids, merge them into each language, compile .mo.
.PHONY: messages-extract messages-update messages-compile
BABEL_KEYWORDS := -k gettext_lazy -k pgettext_lazy:1c,2 -k ngettext_lazy:1,2

messages-extract: install
	DJANGO_SETTINGS_MODULE=cms.settings.test PYTHONPATH=. $(VENV)/bin/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) \
		--sort-output --add-location=file --project=OneTrip --copyright-holder=OneTrip -o locale/django.pot .

messages-update: messages-extract
	$(VENV)/bin/pybabel update -i locale/django.pot -d locale -D django --width=120

messages-compile: install
	$(VENV)/bin/pybabel compile -d locale -D django --statistics

bench: install $(VENV)/.installed-kiosk $(VENV)/.installed-dev
	$(PY) benchmarks/search_bench.py
	$(PY) benchmarks/booking_bench.py
	$(PY) benchmarks/kiosk_bench.py
	$(PY) benchmarks/load.py

kiosk: $(VENV)/.installed-kiosk
	$(PY) -m kiosk

clean:
	rm -rf $(VENV) $(DATA_DIR)
