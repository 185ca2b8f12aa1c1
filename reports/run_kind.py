"""What kind of run a run directory holds: its StoreList facts, clock and storage, as the run recorded them.

Several tables need them (the ratio tables' headers, what etcd adds, the environment),
and they cannot take them from ``RunResults.metadata()``, which keeps only what every
benchmark shares: a run's write cells record no storage (they never time one) and its
create-then-list cells no clock. So the clock comes from the manifest's facts, and the
storage from the StoreList cells' own runs.

Cost: the clock O(1) with a StoreList manifest, else one read of every sample's
metadata; the storage reads the first StoreList sample's.
"""

from __future__ import annotations

from bench.rundir.facts import StoreListFacts
from bench.rundir.metadata_keys import CLOCK_KEY, STORAGE_KEY
from bench.rundir.results import RunResults
from benchstat.names import parse_name

# The storages' names as the workers record them (bench.storelist.fixture.STORAGES,
# which reports may not import).
EMBEDDED = "embedded"
ETCD = "etcd"
STORELIST = "StoreList"


def storelist_facts(run: RunResults) -> StoreListFacts | None:
    """The facts a StoreList run's manifest records; None for another suite's run or one without a manifest."""
    if run.manifest is not None and run.manifest.suite == StoreListFacts.suite:
        return StoreListFacts.of(run.manifest)
    return None


def run_clock(run: RunResults) -> str:
    """"cpu" or "wall" ("cpu/wall" for samples of both): the clock the run's StoreList
    (or paired) cells were timed on, from the manifest where it says, else from the
    samples (runs before the option: wall)."""
    facts = storelist_facts(run)
    if facts is not None:
        return facts.clock
    clocks = {str(meta.get(CLOCK_KEY, "wall")) for results in run.configurations.values()
              for cell in run.cell_names() for meta in results.run_metadata(cell)}
    return "/".join(sorted(clocks)) or "wall"


def run_storage(run: RunResults) -> str | None:
    """"embedded" or "etcd": what the run's StoreList cells listed from (runs before the
    option: embedded); None for a run without StoreList cells (an in-flight run)."""
    for cell in run.cell_names():
        if parse_name(cell).base != STORELIST:
            continue
        for results in run.configurations.values():
            for meta in results.run_metadata(cell):
                return str(meta.get(STORAGE_KEY, EMBEDDED))
    return None
