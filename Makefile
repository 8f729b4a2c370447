# Two commands do everything on a fresh Debian machine:
#   make demo   install what is missing, then build the example issue (PDF + EPUB)
#   make test   install what is missing, then run the whole test suite
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
# The interpreter the .venv is made from: the distribution's own python3 where it is 3.11 or later,
# else python3 on PATH (override: `make PYTHON=…`; an existing .venv is kept — remove it to switch).
# Distribution builds (Debian's, like python.org's installers) are compiled with profile-guided
# optimisation and link the interpreter statically; a pyenv build made without
# --enable-optimizations (a shared libpython) ran a new issue's build ~9 % slower in CPU on the same
# machine (docs/benchmarks.md, "The interpreter").
ifeq ($(origin PYTHON),undefined)
PYTHON := $(firstword $(shell for p in /usr/bin/python3 python3; do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p; done) python3)
endif
# System packages: CJK fonts (Song/Hei: Noto CJK; Kai: AR PL UKai, LXGW WenKai), Poppler and qpdf
# (pdffonts/pdfinfo/qpdf --check in tests), Ghostscript (its CMYK ICC profile for the PDF/X
# OutputIntent), a JRE (EPUBCheck), Chromium (EPUB render test; the watch preview test drives it
# through Playwright, never a downloaded browser), fontconfig (font discovery), pandoc (a styled Word
# manuscript for the `publish add` tests).
# Node.js and npm (Debian's npm package only where no npm came with nodejs): Ace by DAISY, the EPUB
# accessibility checker (tests/test_epub_ace.py).
APT_PKGS := fonts-noto-cjk fonts-arphic-ukai fonts-lxgw-wenkai poppler-utils qpdf ghostscript \
            default-jre-headless fontconfig chromium pandoc nodejs
# Ace by DAISY, installed into the worktree (.node/), run with Debian's Chromium through Puppeteer:
# neither Electron's nor Puppeteer's own browser is downloaded.
ACE_VERSION := 1.4.6
ACE := .node/node_modules/.bin/ace-puppeteer
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The complete seed issue once imported, else the small sample.
EXAMPLE ?= $(if $(wildcard examples/bayannaoer-2025-01/issue.toml),examples/bayannaoer-2025-01,examples/sample)
OUT ?= out

.PHONY: demo test setup system venv bytecode lint typecheck docs bench clean ace

setup: system venv bytecode ace

ace: $(ACE)

$(ACE):
	@mkdir -p .node
	ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .node --no-audit --no-fund \
	  --loglevel=error @daisy/ace@$(ACE_VERSION)
	@test -x $@

system:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

# Byte-compile the package, as installing a wheel would. The editable install (`pip install -e`)
# compiles nothing, and with PYTHONDONTWRITEBYTECODE set (as here and on CI) Python never writes
# the .pyc itself: every `publish` run would compile ~50 modules from source (~0.16 s). Checked-hash
# .pyc files: Python compares each with a hash of its source at import, so an edit made after this
# step (even within the same second, same size) is never masked; an edited module is only slower
# until the next `make`.
bytecode: venv
	@$(PY) -m compileall -q --invalidation-mode checked-hash publish

demo: setup
	@echo "Building $(EXAMPLE) into $(OUT)/"
	$(VENV)/bin/publish build $(EXAMPLE) -o $(OUT)
	@# the small sample shows what the complete issue has none of: a table, notes, photos
	@if [ "$(EXAMPLE)" != examples/sample ]; then echo "Building examples/sample into $(OUT)/sample/"; \
	  $(VENV)/bin/publish build examples/sample -o $(OUT)/sample; fi

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

lint: venv
	$(VENV)/bin/ruff check .

# mypy on the whole package (settings in pyproject.toml), and --strict on the public API.
typecheck: venv
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict --follow-imports=silent publish/__init__.py publish/build.py publish/publisher.py \
	  publish/batch.py publish/settings.py publish/sources/validate.py publish/errors.py publish/model.py

# The API reference, generated from the docstrings (pdoc) into docs/api/ (not committed).
docs: venv
	$(VENV)/bin/pdoc -o docs/api --docformat markdown publish
	@echo "API reference: docs/api/index.html"

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache .mypy_cache docs/api
