# The verbs a newcomer types. `make run` and `make test` each install what they need on first use.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed
MODEL_STAMP := models/.trained
# Python 3.10 (Rasa 3.6 supports 3.8-3.10): python3.10 on PATH if it runs, else pyenv's.
PYTHON310 ?= $(shell (python3.10 -c 'import sys' >/dev/null 2>&1 && echo python3.10) || ls -d $$HOME/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | tail -n 1)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
# Rasa 3.6 and its dependencies print dozens of deprecation warnings at every start.
export PYTHONWARNINGS ?= ignore::DeprecationWarning,ignore::PendingDeprecationWarning

NLU_DATA := $(wildcard data/nlu/*.yml) $(wildcard data/rules/*.yml) $(wildcard data/stories/*.yml)
MODEL_INPUTS := config.yml domain.yml $(NLU_DATA) $(wildcard data/jieba/*) $(wildcard data/lexicon/*) $(wildcard bot/nlu/*.py) $(wildcard bot/nlu/e5_engine/*)

.PHONY: install run console test check unit integration rasa e2e lint types train validate eval eval-dialogues bench bench-load load-demo dictionary clean help export-corrections story

help:
	@echo "make run        start Redis (embedded unless REDIS_URL), Rasa :5005 (actions in it), agent console :5006"
	@echo "make console    start only the agent console (Redis and the Rasa server already running)"
	@echo "make test       run every test (unit, integration, Rasa data and conversation tests, NLU, end-to-end)"
	@echo "make check      lint, types and unit tests: what CI runs before anything heavy"
	@echo "make unit       the fast inner loop: tests/unit/ (no Redis, no trained model; prints its time)"
	@echo "make integration tests/integration/ against a throwaway redis-server (no trained model)"
	@echo "make rasa       tests/rasa/ (rasa data validate, conversation tests) and tests/nlu/ (trains if needed)"
	@echo "make e2e        tests/e2e/: Redis, the Rasa server (and action server), the console for real"
	@echo "make lint       ruff (pyflakes rules) and the formatter check; the layer contract is a test"
	@echo "make types      mypy on bot/ and actions/ (settings in pyproject.toml, [tool.mypy])"
	@echo "make install    create .venv (Python 3.10) with the pinned dependencies"
	@echo "make train      train the Rasa model when the data changed"
	@echo "make validate   rasa data validate"
	@echo "make eval       NLU scores: held-out split, real buyer messages, entities (reports/nlu/)"
	@echo "                and the change since the previous make eval (report.previous.json)"
	@echo "make eval-dialogues  whole labelled real sessions replayed through the assistant"
	@echo "                (SESSIONS=file.jsonl for your own; reports/dialogues/report.json)"
	@echo "make export-corrections  trainers' intent corrections (Redis) -> data/nlu/corrections.yml"
	@echo "make story SENDER=id     a real conversation -> a story + a conversation test (checked first)"
	@echo "make bench      speed numbers: NLU parse, rule layer, Redis reads (printed, not asserted)"
	@echo "make bench-load load benchmark against stock Rasa in the same run (BENCH_ARGS=--quick; RASA_URL)"
	@echo "make load-demo  load data/shop/demo_shop.yml into Redis"
	@echo "make dictionary regenerate the jieba shop dictionary and entity lexicon from the demo shop"
	@echo "make clean      remove models, reports and the embedded Redis data"

$(INSTALLED): requirements.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (install it, e.g. pyenv install 3.10)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m bot.nlu.e5_engine
	touch $@

install: $(INSTALLED)

# --force: Rasa's training cache does not see files outside the graph (the jieba dictionary).
$(MODEL_STAMP): $(INSTALLED) $(MODEL_INPUTS)
	$(RASA) train --quiet --force
	touch $@

train: $(MODEL_STAMP)

# The fast checks CI runs first (no trained model, no Redis, no browser): under a minute warm.
check: lint types unit

lint: $(INSTALLED)
	$(VENV)/bin/ruff check bot actions tests
	$(VENV)/bin/ruff format --check .

# The files and options are in pyproject.toml ([tool.mypy]).
types: $(INSTALLED)
	$(VENV)/bin/mypy

validate: $(INSTALLED)
	$(RASA) data validate --fail-on-warnings

# Keeps the report it replaces and shows what changed, also when the scores fall below the floor.
eval: $(MODEL_STAMP)
	@if [ -f reports/nlu/report.json ]; then cp reports/nlu/report.json reports/nlu/report.previous.json; fi
	@$(PY) -m bot.evaluation --check-floor; status=$$?; \
	if [ -f reports/nlu/report.previous.json ]; then \
	  $(PY) -m bot compare-eval reports/nlu/report.previous.json reports/nlu/report.json; fi; \
	exit $$status

# Real sessions labelled turn by turn (../shared/eval/real_sessions.jsonl), or SESSIONS=FILE.
eval-dialogues: $(MODEL_STAMP)
	$(PY) -m bot.dialogue_eval $(if $(SESSIONS),--sessions "$(SESSIONS)")

export-corrections: $(INSTALLED)
	$(PY) -m bot export-corrections

# make story SENDER=buyer_xiaomei [NAME="size question, two measurements"]
story: $(INSTALLED)
	@test -n "$(SENDER)" || { echo "usage: make story SENDER=conversation_id [NAME='story name']"; exit 2; }
	$(PY) -m bot story-from-conversation "$(SENDER)" $(if $(NAME),--name "$(NAME)") --check

bench: $(MODEL_STAMP)
	$(PY) -m bot.benchmark

# The assistant and the stock reference bot (../shared/bench/stock_rasa) under the same load, in
# one run; RASA_URL measures an assistant already running there. BENCH_ARGS=--quick for a short run.
bench-load: $(MODEL_STAMP)
	$(PY) -m bot.bench_load $(BENCH_ARGS)

run: $(MODEL_STAMP)
	$(PY) -m bot.runner

console: $(INSTALLED)
	$(PY) -m bot.console

load-demo: $(INSTALLED)
	$(PY) -m bot load-demo

dictionary: $(INSTALLED)
	$(PY) -m bot.nlu.lexicon data/shop/demo_shop.yml --lexicon data/lexicon/shop_lexicon.json --jieba-dir data/jieba

test: $(MODEL_STAMP)
	$(PY) -m pytest -q

# The test tiers, one folder each under tests/. `make unit` needs only the venv: no trained model
# and no Redis (tests/unit/conftest.py fails a test that opens a socket or starts a redis-server).
unit: $(INSTALLED)
	@TIMEFORMAT='make unit: %1R s wall clock'; time $(PY) -m pytest -q tests/unit

integration: $(INSTALLED)
	$(PY) -m pytest -q tests/integration

rasa: $(MODEL_STAMP)
	$(PY) -m pytest -q tests/rasa tests/nlu

e2e: $(MODEL_STAMP)
	$(PY) -m pytest -q tests/e2e

clean:
	rm -rf models reports results .run
