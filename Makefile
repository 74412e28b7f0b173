# govhall task runner. `make run` and `make test` are the whole quick start.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
# Python keeps compiled modules in __pycache__ (ignored by git). Where PYTHONDONTWRITEBYTECODE is set, as in many
# container images, each Python process would compile again every module it imports: for Django and govhall
# about 1 s (system checks) to 2 s (the demo load) of CPU per process, and make run starts six of them.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run setup venv node messages system-packages migrate demo test lint e2e bench check-deploy clean

run: demo
	@# Pre-render the PDF notices in the background so that no visitor waits for WeasyPrint; niced, so that
	@# the server starts and answers first.
	@nice -n 10 $(PY) manage.py render_notices >var/render-notices.log 2>&1 &
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

setup: system-packages venv node messages

# The translations are compiled when a .po is newer than its .mo (a fresh clone compiles them once).
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
messages: $(MO)
locale/%.mo: locale/%.po | venv
	$(PY) manage.py compilemessages --ignore=.venv -v0

venv: .venv/.synced
.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --frozen --quiet
	@touch $@

# The browser libraries served as static files (ECharts for the monthly meeting's pack), from package-lock.json;
# installed again when the lock file is newer than what npm last installed.
node: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund
	@touch $@

# A CJK font for PDFs and Debian's chromium for browser tests; installed when missing and we are root.
system-packages:
	@bash scripts/system-packages.sh

migrate: setup
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0

# Loads the demo centre (idempotent), plays its year of cases with a progress bar and prints the logins.
# migrate has just run the system checks.
demo: migrate
	$(PY) manage.py load_demo --skip-checks

test: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n $${PYTEST_WORKERS:-auto} -q

lint: venv
	.venv/bin/ruff check .
	.venv/bin/lint-imports --no-cache
	.venv/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/mypy .

e2e: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -m browser -q

# The peer baseline's engine (SpiffWorkflow) is in the `bench` dependency group, installed for the bench only.
bench: demo
	uv sync --frozen --quiet --group bench
	BENCH_POSTGRES_URL=$${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	  DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) -m bench

check-deploy: venv node
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64) \
	  HISTORY_SEAL_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64) \
	  PERSONAL_DATA_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64) \
	  ALLOWED_HOSTS=govhall.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var .venv node_modules
