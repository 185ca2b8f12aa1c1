"""What each suite tells its report through the manifest's ``facts``.

A report must not import the presets or the runner to interpret a run, so the run
writes down what the report needs: for StoreList the populations it timed and the
published cell each of its cells stands for; for in-flight the wall-time budget of a
value, which the report's sample design quotes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bench.rundir.files import RunDirError
from bench.rundir.manifest import RunManifest


@dataclass(frozen=True)
class StoreListFacts:
    """``populations``: the population names (``PopulationShape.benchmark_name``) of the
    StoreList cells, in plan order; ``published_counterparts``: our cell name -> the
    published cell it stands for (same RV, scope and pages; a scaled-down population
    stands for a published one), empty for populations without a counterpart;
    ``design``: "paired" (every configuration of a cell in one process) or "unpaired";
    ``clock``: "cpu" or "wall", what the StoreList cells were timed with."""

    populations: list[str]
    published_counterparts: dict[str, str]
    design: str
    clock: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, manifest: RunManifest) -> StoreListFacts:
        return cls(**_facts(manifest, "storelist", cls))


@dataclass(frozen=True)
class InFlightFacts:
    """``wall_factor``: a value's loops were chosen so that a whole call lasts at most
    this many times ``min_time`` (see ``bench.inflight.suite.choose_loops``)."""

    wall_factor: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, manifest: RunManifest) -> InFlightFacts:
        return cls(**_facts(manifest, "inflight", cls))


def _facts(manifest: RunManifest, suite: str, kind: type) -> dict[str, Any]:
    if manifest.suite != suite:
        raise RunDirError(f"a {manifest.suite} run has no {suite} facts")
    names = set(kind.__dataclass_fields__)
    if set(manifest.facts) != names:
        raise RunDirError(f"the manifest's facts are not {kind.__name__}: expected {sorted(names)}, "
                          f"found {sorted(manifest.facts)}")
    return manifest.facts
