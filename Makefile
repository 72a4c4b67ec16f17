# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Links printed by the demo and written in e-mails point at the port served.
export SITE_URL ?= http://127.0.0.1:$(PORT)
# The PostgreSQL pass of `make test`; unset TEST_POSTGRES_URL= to skip it.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: run serve test test-sqlite test-postgres lint format system-packages system-packages-test demo bench clean

# `make run` and `make demo` write e-mails as files under var/mail/ (the demo's own
# confirmations among them) instead of printing them over the terminal.
run demo: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend

run: system-packages $(VENV)/.stamp-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo
	@echo "Serving http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@echo "  home        http://127.0.0.1:$(PORT)/"
	@echo "  organiser   http://127.0.0.1:$(PORT)/organiser/   admin: http://127.0.0.1:$(PORT)/admin/"
	@echo "  door        http://127.0.0.1:$(PORT)/door/"
	@echo "  agenda      http://127.0.0.1:$(PORT)/cog-2027/agenda/   (.ics, .json, .pdf beside it)"
	@echo "  API docs    http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  e-mails     written as files under var/mail/"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production topology (Procfile): gunicorn (gthread), a Celery worker and Celery beat, run by honcho.
# It needs PostgreSQL and Redis: DATABASE_URL and CELERY_BROKER_URL must be set (README, "make serve").
serve: system-packages $(VENV)/.stamp-run
	@if [ -z "$$DATABASE_URL" ] || [ -z "$$CELERY_BROKER_URL" ]; then \
		echo "make serve runs gunicorn, a Celery worker and beat: set DATABASE_URL and CELERY_BROKER_URL, e.g."; \
		echo "  DATABASE_URL=postgres://cog:secret@127.0.0.1:5432/cog CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make serve"; \
		exit 1; \
	fi
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "Serving http://127.0.0.1:$(PORT)/ with gunicorn, a Celery worker and beat (Ctrl-C stops all three)"
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/honcho start --procfile Procfile --port $(PORT)

test: system-packages-test $(VENV)/.stamp-test
	$(MAKE) --no-print-directory test-sqlite
	@if $(PY) scripts/pg_answers.py "$(TEST_POSTGRES_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL does not answer at $(TEST_POSTGRES_URL): the PostgreSQL pass was NOT run."; \
		echo "Start a server (or set TEST_POSTGRES_URL) to run it; .ci/run always does."; \
		if [ -n "$$CI" ]; then exit 1; fi; \
	fi

test-sqlite: $(VENV)/.stamp-test
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.stamp-test
	@echo "== Test suite on PostgreSQL ($(TEST_POSTGRES_URL)) =="
	DATABASE_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.stamp-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

demo: $(VENV)/.stamp-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

system-packages:
	@scripts/system-packages run

system-packages-test:
	@scripts/system-packages test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.stamp-run: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.stamp-test: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.stamp-run

clean:
	rm -rf $(VENV) var/staticfiles
