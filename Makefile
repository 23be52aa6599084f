# Quick start: `make run` serves the demo site; `make test` runs every test.
VENV := .venv
PYTHON := $(VENV)/bin/python
PIP := $(PYTHON) -m pip
PYTHON_SYSTEM ?= python3

.PHONY: install install-dev run test test-fast test-stack lint bench bench-tools browser stack-tools clean

$(PYTHON):
	$(PYTHON_SYSTEM) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PYTHON)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PYTHON)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## run: migrate, load the demo and serve web + Celery worker + beat (Ctrl-C stops all)
run: install
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_demo
	@echo "Site: http://127.0.0.1:8000  Admin: http://127.0.0.1:8000/admin/ (admin/admin)  Mail: http://127.0.0.1:8000/dev/mail/"
	$(VENV)/bin/honcho --procfile Procfile.dev start

## browser: Debian's Chromium for the Playwright tests (never downloaded by Playwright)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## stack-tools: Debian's nginx, redis-server and varnish for the production-shaped stack tests
## in research_site/tests/stack; RUNLEVEL=1 keeps apt from starting them as system services
stack-tools:
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 \
		&& { command -v varnishd || test -x /usr/sbin/varnishd; } >/dev/null 2>&1 || { \
		echo "Installing Debian's nginx, redis-server and varnish for the stack tests"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq nginx redis-server varnish >/dev/null; }

## test: the whole suite, on PostgreSQL when DATABASE_URL is set, SQLite otherwise; the
## stack tests need PostgreSQL at 127.0.0.1:5432 (STACK_POSTGRES_URL) whatever DATABASE_URL says
test: install-dev browser stack-tools
	$(VENV)/bin/pytest

test-fast: install-dev
	$(VENV)/bin/pytest -m "not browser and not stack"

## test-stack: only the production-shaped stack (nginx, gunicorn, PostgreSQL, Redis, Celery, SMTP)
test-stack: install-dev stack-tools
	$(VENV)/bin/pytest -m stack

lint: install-dev
	$(VENV)/bin/ruff check .

## bench: every benchmark in bench/ (ONLY=name for one); needs PostgreSQL, Redis, wrk (and
## varnishd for ONLY=edge: `make stack-tools`)
bench: install-dev bench-tools
	$(VENV)/bin/python bench/run.py $(ONLY)

clean:
	rm -rf var db.sqlite3 .pytest_cache

bench-tools:
	@command -v wrk >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
