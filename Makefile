# Two commands do everything on a fresh machine:
#   make serve   set up, build and serve the site with live reload at http://127.0.0.1:8000/
#                (another address: make serve ADDRESS=127.0.0.1:8001)
#                (--dirty: saving a Markdown page re-renders that page only; see hooks/rebuilds.py)
#   make test    set up, build the site strictly, and run every test (unit, page fences, browser)
# A dev tool, not part of `make test`:
#   make mutation  mutation-test the snippets (benchmarks/mutation.py)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ADDRESS ?= 127.0.0.1:8000

.PHONY: serve build test setup clean mutation

serve: setup
	$(BIN)/properdocs serve --livereload --dirty --dev-addr $(ADDRESS)

build: setup
	$(BIN)/properdocs build --strict

# The tests read the site as readers of a deployment do (a sitemap, so instant navigation):
# without a SITE_URL they build it for a stand-in origin under the reserved .test name, which
# the test server plays (tools/local_site.py) and a deploy build refuses (hooks/site_url.py).
test: export SITE_URL := $(or $(SITE_URL),https://concept-lab.test/)
test: build
	$(BIN)/python -m pytest

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-torch.txt constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/pip install --quiet -r requirements-torch.txt -c constraints.txt
	touch $@

mutation: setup
	$(BIN)/python -m benchmarks.mutation

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf site .cache
