# Backprop Workbook: two commands do all the set-up.
#   make lab    create .venv if missing, install the workbook, start JupyterLab
#   make test   the same set-up, then the whole test suite
# Both are idempotent: the install step re-runs only when pyproject.toml changes.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=
# JupyterLab refuses to run as root unless told; add the flag only then.
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)

.PHONY: lab test install build check-build bench clean-venv help quiet-lab

help:
	@echo "make lab    set up .venv and start JupyterLab (extra flags: ARGS=\"--no-browser --port 9999\")"
	@echo "make test   set up .venv and run the whole test suite"
	@echo "make build  regenerate notebooks/ from solutions/"
	@echo "make bench  speed of tutorial_lib against PyTorch and plain matrix products; notebook run times"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# rfc3987-syntax arrives through jsonschema's optional "format-nongpl" extra (jupyter-events) and
# builds a grammar at import: about 2 s in every process that imports nbformat. jsonschema treats
# it as optional (it only checks "iri" strings), so the workbook removes it.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[browser,nbgrader]"
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	$(MAKE) --no-print-directory quiet-lab
	touch $(STAMP)

# A quiet JupyterLab for students: nbgrader (the "nbgrader" extra, for nbgrader-course and its test)
# brings instructor menus and server extensions that a student's `make lab` does not need, and the
# news pop-up asks to fetch from the internet. A course that runs nbgrader on its hub keeps its own set-up.
NBGRADER_SERVER_EXTENSIONS := formgrader validate_assignment assignment_list course_list
quiet-lab:
	@$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	@for e in $(NBGRADER_SERVER_EXTENSIONS); do \
		$(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$e >/dev/null 2>&1; done
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' \
		> $(VENV)/share/jupyter/lab/settings/overrides.json

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) $(ARGS)

# One BLAS thread per process: the suite runs two pytest workers and their kernels on two cores,
# and multi-threaded BLAS fighting over them makes small matrix products many times slower.
test: export OPENBLAS_NUM_THREADS = 1
test: export OMP_NUM_THREADS = 1
test: export MKL_NUM_THREADS = 1
test: $(STAMP)
	$(BIN)/python -m tutorial_lib build --check
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=15 $(ARGS)

build: $(STAMP)
	$(BIN)/python -m tutorial_lib build $(ARGS)

# PyTorch is an optional extra, for the benchmark only. torch==2.13.0 (the "bench" extra) is the
# CPU build this project measures with; the install runs once.
$(VENV)/.installed-bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[browser,nbgrader,bench]"
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run.py $(ARGS)
	$(BIN)/python benchmarks/notebooks.py

clean-venv:
	rm -rf $(VENV)
