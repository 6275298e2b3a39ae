# calliope_lib: the two commands a newcomer needs are `make test` and `make demo`.
# Everything installs into ./.venv (created on first use); only Python >= 3.10 and make needed.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test demo lab worksheets bench venv clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

## The house rules (import-linter contracts in pyproject.toml), then the whole test suite.
test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

## Record 10 s from the simulated board, save CSV and PNG, print a summary.
demo: $(STAMP)
	$(PY) -m calliope_lib record --sim --seconds 10 --every 0.2 --channels temperature,light,sound \
		--output demo-output/messung.csv --plot demo-output/messung.png

## JupyterLab (German interface) on the lessons.
lab: $(STAMP)
	$(PY) -m calliope_lib lab

## One printable PDF per lesson into arbeitsblaetter/.
worksheets: $(STAMP)
	$(PY) -m calliope_lib worksheets build -o arbeitsblaetter/

## All benchmarks; results are appended to benchmarks/RESULTS.md.
bench: $(STAMP)
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) demo-output arbeitsblaetter .pytest_cache
