# vorlagengen – Aufgaben für Sitzungsdienst, Autorinnen und CI. „make help“ listet sie.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
V      ?=

.DEFAULT_GOAL := help
.PHONY: help vorlage validate test bench schema golden clean

help: ## Diese Übersicht
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

vorlage: $(STAMP) ## Alle Drucksachen prüfen (V=<datei> für eine)
	$(PY) build.py validate $(V)

validate: vorlage ## wie „make vorlage“

schema: $(STAMP) ## JSON-Schema für Editoren neu schreiben (schema/vorlage.schema.json)
	$(PY) build.py schema

test: $(STAMP) ## Alle Tests
	$(PY) -m pytest

bench: $(STAMP) ## Benchmark; Zahlen nach build/bench.json
	$(PY) -m vorlagengen.bench

clean: ## build/ löschen
	rm -rf build
