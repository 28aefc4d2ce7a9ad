# SalesOps: the README's commands. Everything a fresh machine needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
APPS := salesops territories customers visits sales expenses reports rollups scorecards

.PHONY: run test lint format worker beat bench bench-book messages check-deploy clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $(STAMP)

## make run: the app on embedded defaults (SQLite, in-process tasks) with the demo organisation.
run: $(STAMP)
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) seed_demo
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

## make test: the whole suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
## The suite runs in one process per core (TEST_PROCESSES=0: in this process alone).
TEST_PROCESSES ?= auto
test: $(STAMP)
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-$$(date +%s)} $(BIN)/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make worker, make beat: on the development settings, like `make run` (DEBUG=1 unless DEBUG is
## set, so no SECRET_KEY is needed); beat keeps its schedule file under var/.
worker: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/celery -A salesops worker --loglevel=info

beat: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/celery -A salesops beat --loglevel=info

## make bench: the performance table at tier S (generated on first use into salesops_perf_s on
## the local PostgreSQL); make bench TIER=M (or L) compares that tier with S. docs/performance.md.
TIER ?= S
bench: $(STAMP)
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret-key} $(BIN)/python -m tests.perf.bench --tier $(TIER) $(BENCH_ARGS)

## make bench-book: the older single-table benchmarks (the book of business, the territory tree).
bench-book: $(STAMP)
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret-key} $(BIN)/pytest tests/perf -o python_files="bench_*.py" -p no:cacheprovider -s -q $(PYTEST_ARGS)

## make messages: refresh and compile every catalogue after changing user-facing strings
## (needs GNU gettext; the compiled .mo files are committed so `make run` does not).
messages: $(STAMP)
	@set -e; for app in $(APPS); do (cd $$app && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete --no-location); done
	DEBUG=1 $(MANAGE) makemessages -l zh_Hans --no-obsolete --no-location $(foreach app,$(APPS),--ignore=$(app)/*) --ignore=.venv/* --ignore=tests/* --ignore=static/* --ignore=var/*
	DEBUG=1 $(MANAGE) compilemessages --ignore=.venv

check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=salesops.example.com $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
