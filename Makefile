# pypi-ops: `make demo` shows the main job, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYENV_ROOT ?= $(HOME)/.pyenv
# The oldest and newest interpreters the CLI tests also run under (skipped when absent).
EXTRA_PYTHONS := 3.9 3.13
EXTRA_VENVS := $(foreach v,$(EXTRA_PYTHONS),.venv-py$(v)/.stamp)
DEMO := examples/demo-package

.PHONY: demo test lint bench watch venv clean help
help:
	@echo "make demo   run the release checks on $(DEMO) (no network)"
	@echo "make test   create .venv from requirements-dev.txt and run the whole test suite"
	@echo "make lint   ruff and vermin (Python 3.9 floor) over scripts/"
	@echo "make bench  print speed and memory figures"
	@echo "make watch PROJECTS=\"name ...\"  provenance history of each project (as assets/provenance-watch.yml runs it)"

$(VENV)/.stamp: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

.venv-py%/.stamp: requirements-runtime.txt
	@interp=$$(ls -d $(PYENV_ROOT)/versions/$*.*/bin/python$* 2>/dev/null | sort -V | tail -n 1); \
	if [ -z "$$interp" ]; then interp=$$(command -v python$* || true); fi; \
	rm -rf .venv-py$*; \
	if [ -n "$$interp" ] && $$interp -m venv .venv-py$* \
	   && .venv-py$*/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-runtime.txt; then \
	  echo "Python $* ready for the CLI tests ($$interp)"; \
	else rm -rf .venv-py$*; mkdir -p .venv-py$*; echo "Python $* not available (no interpreter, or its runtime libraries failed to install): its CLI tests will be skipped"; fi
	@touch $@

# twine 6.2.0 beside the dev venv's twine 7: the upload-reader tests run both real `twine check`s (skipped when absent).
.venv-twine6/.stamp: requirements-twine6.txt
	rm -rf .venv-twine6
	if $(PYTHON) -m venv .venv-twine6 && .venv-twine6/bin/python -m pip install --quiet --disable-pip-version-check \
	   -r requirements-twine6.txt; then echo "twine 6.2.0 ready for the upload-reader tests"; \
	else rm -rf .venv-twine6; mkdir -p .venv-twine6; echo "twine 6.2.0 not installed: its tests will be skipped"; fi
	@touch $@

venv: $(VENV)/.stamp $(EXTRA_VENVS) .venv-twine6/.stamp

demo: $(VENV)/.stamp
	@$(PY) examples/demo.py

test: venv
	$(PY) -m pytest -n 2 -q

lint: $(VENV)/.stamp
	$(PY) -m ruff check scripts/ tests/ bench/ examples/
	$(VENV)/bin/vermin --no-tips --violations -t=3.9- --eval-annotations --backport argparse --backport dataclasses scripts/

bench: venv
	$(PY) bench/run.py

# The command each matrix job of assets/provenance-watch.yml runs, for the projects in PROJECTS (reads
# https://pypi.org, or PYPI_OPS_INDEX_URL); a markdown table per project, the last non-zero exit status kept.
WATCH_LIMIT ?= 20
watch: $(VENV)/.stamp
	@test -n "$(PROJECTS)" || { echo 'usage: make watch PROJECTS="name ..." [WATCH_LIMIT=20]'; exit 2; }
	@status=0; for project in $(PROJECTS); do \
	  $(PY) scripts/verify-release.py --history "$$project" --limit "$(WATCH_LIMIT)" --markdown || status=$$?; \
	done; exit $$status

clean:
	rm -rf $(VENV) .venv-py* .venv-twine6 .pytest_cache
