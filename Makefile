# vorlagengen – Aufgaben für Sitzungsdienst, Autorinnen und CI. „make help“ listet sie.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
V      ?=

.DEFAULT_GOAL := help
.PHONY: help vorlage validate sitzung sitzungen niederschrift beschluesse site serve vorschau test test-nightly lint docs bench schema golden leck clean

help: ## Diese Übersicht
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,docs]'
	touch $@

# Everything a build depends on; make skips the build when none of it changed. Folders count too:
# a deleted record or a deleted output changes its folder's time, and the build then catches up.
# Only files and folders (a dangling link or a FIFO is left to the loader, which names it in German);
# an output overwritten in place is newer than the stamp. Found as "sitzungen/." and so on: the
# folder "sitzungen" would be the phony target of that name, always made, and no build ever skipped.
SOURCES := $(shell find vorlagen/. data/. templates/. sitzungen/. src/vorlagengen/. -not -path '*/__pycache__*' \( -xtype f -o -xtype d \) 2>/dev/null)
OUTPUTS := $(shell find build/oeffentlich build/intern -mindepth 1 \( -path build/oeffentlich/site -o -path build/intern/.cache -o -path 'build/intern/site-*' -o -name '.*' \) -prune -o -print 2>/dev/null)

ifeq ($(strip $(V)),)
vorlage: build/.vorlagen.stamp ## Alle Drucksachen prüfen und als DOCX+PDF setzen (V=<datei> für eine)
build/.vorlagen.stamp: $(STAMP) $(SOURCES) $(OUTPUTS)
	$(PY) build.py build
	@mkdir -p build && touch $@
else
vorlage: $(STAMP)
	$(PY) build.py build $(V)
endif

# Every document kind in one process (vorlagengen dokumente: build, sitzung, niederschrift and
# beschluesse with the project loaded once); each makes only what changed, the stamp spares even its
# start-up. Asked for by "make site", the same run makes the website too (--website) and notes it in
# SITE_MADE (set when this recipe is expanded, just before it runs), so the site rule has nothing left.
build/.dokumente.stamp: $(STAMP) $(SOURCES) $(OUTPUTS)
	$(PY) build.py dokumente$(if $(filter site,$(MAKECMDGOALS)), --website$(eval SITE_MADE := 1))
	@mkdir -p build && touch $@ build/.vorlagen.stamp

sitzung: $(STAMP) ## Einladung, Bekanntmachung und Mappen einer Sitzung (S=<datei>)
	@test -n "$(S)" || { echo "Aufruf: make sitzung S=sitzungen/<datei>.yaml"; exit 2; }
	$(PY) build.py sitzung $(S)

sitzungen: $(STAMP) ## Dasselbe für alle Sitzungen unter sitzungen/
	$(PY) build.py sitzung

site: build/.dokumente.stamp ## Bürgerinfo-Website und OParl-Export nach build/oeffentlich/site/
	$(if $(SITE_MADE),@:,$(PY) build.py site)

serve: $(STAMP) ## Website unter http://127.0.0.1:8000/ ausliefern (mit OParl-Filtern)
	$(PY) build.py serve

vorschau: $(STAMP) ## Live-Vorschau im Browser, folgt jedem Speichern (V=<datei oder ordner>)
	$(PY) build.py vorschau $(V)

niederschrift: $(STAMP) ## Niederschrift und Beschlussauszüge einer Sitzung (S=<datei>, ohne S: alle)
	$(PY) build.py niederschrift $(S)

beschluesse: $(STAMP) ## Beschlusskontrolle (PDF, CSV) aller Niederschriften
	$(PY) build.py beschluesse

validate: $(STAMP) ## Nur prüfen, nichts setzen (V=<datei> für eine)
	$(PY) build.py validate $(V)

schema: $(STAMP) ## JSON-Schemas für Editoren neu schreiben (schema/)
	$(PY) build.py schema

lint: $(STAMP) ## ruff und mypy --strict (Regeln in pyproject.toml)
	$(PY) -m ruff check src tests
	$(PY) -m mypy

test: $(STAMP) lint docs ## Alle Tests, vorher make lint und make docs
	$(PY) -m pytest

leck: $(STAMP) ## Der wandernde Lecktest mit vielen Fällen (LECK_BEISPIELE=50)
	LECK_BEISPIELE=$${LECK_BEISPIELE:-50} $(PY) -m pytest tests/test_leak.py -k generated -q
docs: $(STAMP) ## Dokumentation (MkDocs, streng: jede Warnung bricht ab) nach build/doku/
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet
test-nightly: $(STAMP) ## Tausende zufällige Änderungsfolgen: jeder Lauf gleich einem Lauf von vorn
	VORLAGENGEN_NACHTLAUF=1 $(PY) -m pytest tests/test_incremental.py

golden: $(STAMP) ## Vergleichsbilder der Tests neu erzeugen (danach ansehen!)
	$(PY) tests/make_golden.py

bench: $(STAMP) ## Benchmark; Zahlen nach build/bench.json
	PYTHONPATH=src $(PY) -m benchmarks.bench

clean: ## build/ löschen
	rm -rf build
