# The two set-up commands of the README are `make bench` and `make test`: both create
# the virtual environment on first use, so nothing needs to be installed by hand.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
STORELIST := $(VENV)/bin/storelist
RESULTS ?= results
# One timestamp per make invocation (a recursive `?=` would re-run date at every use).
ifndef RUN_ID
RUN_ID := $(shell date -u +%Y%m%dT%H%M%SZ)
endif

.PHONY: install test bench bench-etcd bench-fast bench-full bench-sweep bench-inflight report clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,etcd]'
	touch $(STAMP)

# The import layers first (a broken contract fails the tests), then pytest.
test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

# The published table's 6 cells, 20 paired samples each (9-10 minutes on 2 cores, up to 15 on a slow day).
bench: $(STAMP)
	$(STORELIST) run --preset published -o $(RESULTS)/$(RUN_ID)
	$(STORELIST) compare $(RESULTS)/$(RUN_ID)
	$(STORELIST) report $(RESULTS)/$(RUN_ID)
	@echo "report: $(RESULTS)/$(RUN_ID)/report.md"

# The same 6 cell kinds at <= 2000 pods with --fast: a check that the pipeline works.
bench-fast: $(STAMP)
	$(STORELIST) run --preset smoke --fast -o $(RESULTS)/$(RUN_ID)
	$(STORELIST) compare $(RESULTS)/$(RUN_ID)
	$(STORELIST) report $(RESULTS)/$(RUN_ID)
	@echo "report: $(RESULTS)/$(RUN_ID)/report.md"

# The published table against a private etcd on loopback (Debian's etcd-server; `storelist run --help`).
bench-etcd: $(STAMP)
	$(STORELIST) run --preset published --storage etcd -o $(RESULTS)/etcd-$(RUN_ID)
	$(STORELIST) compare $(RESULTS)/etcd-$(RUN_ID)
	$(STORELIST) report $(RESULTS)/etcd-$(RUN_ID)
	@echo "report: $(RESULTS)/etcd-$(RUN_ID)/report.md"

# Every BenchmarkStoreList leaf, create-then-list and store memory (--fast: ~50 minutes on 2 cores).
# Unpaired until the paired design's cost on whole-cluster LISTs (0.2-0.6 s each, 17 blocks
# of all four configurations per process) is measured: estimated at about twice the time.
bench-full: $(STAMP)
	$(STORELIST) run --preset full --fast --design unpaired -o $(RESULTS)/full-$(RUN_ID)
	$(STORELIST) report $(RESULTS)/full-$(RUN_ID)
	@echo "report: $(RESULTS)/full-$(RUN_ID)/report.md"

# 150k pods over 10-30k namespaces, for the crossover plot (SWEEP="--sweep-namespaces 10,100,1000" to choose).
bench-sweep: $(STAMP)
	$(STORELIST) run --preset sweep $(SWEEP) --fast -o $(RESULTS)/sweep-$(RUN_ID)
	$(STORELIST) report $(RESULTS)/sweep-$(RUN_ID)
	@echo "report: $(RESULTS)/sweep-$(RUN_ID)/report.md"

# The scheduler's in-flight trackers: Event, Pop, Done at 1-1000 pods in flight, paired, 20
# processes (~25 minutes on 2 cores; --fast's 6 processes give intervals of about ±10%).
bench-inflight: $(STAMP)
	$(STORELIST) run --preset inflight -o $(RESULTS)/inflight-$(RUN_ID)
	$(STORELIST) compare $(RESULTS)/inflight-$(RUN_ID)
	$(STORELIST) report $(RESULTS)/inflight-$(RUN_ID)
	@echo "report: $(RESULTS)/inflight-$(RUN_ID)/report.md"

# make report RUN=results/<run-id> [FORCE=--force]
report: $(STAMP)
	@test -n "$(RUN)" || { echo "usage: make report RUN=results/<run-id> [FORCE=--force]" >&2; exit 2; }
	$(STORELIST) report $(RUN) $(FORCE)
	@echo "report: $(RUN)/report.md"

clean:
	rm -rf $(VENV) build *.egg-info
