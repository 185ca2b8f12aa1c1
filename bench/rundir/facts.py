"""What each suite tells its report through the manifest's ``facts``.

A report must not import the presets or the runner to interpret a run, so the run
writes down what the report needs: for StoreList the populations it timed and the
published cell each of its cells stands for; for in-flight the design and the
wall-time budget of a block, which the report's sample design quotes.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any, ClassVar, TypeVar

from bench.rundir.files import RunDirError
from bench.rundir.manifest import RunManifest


class SuiteFacts:
    """What both suites' facts do: go into the manifest as a dict, and come back out of it checked."""

    suite: ClassVar[str]  # the manifest's suite these facts belong to

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def of(cls: type[Facts], manifest: RunManifest) -> Facts:
        """The facts recorded in ``manifest``; RunDirError if it is another suite's or lacks them."""
        if manifest.suite != cls.suite:
            raise RunDirError(f"a {manifest.suite} run has no {cls.suite} facts")
        names = {field.name for field in fields(cls)}  # type: ignore[arg-type]
        # Facts added later have defaults, so runs recorded before them still read.
        required = {field.name for field in fields(cls)  # type: ignore[arg-type]
                    if field.default is MISSING and field.default_factory is MISSING}
        if not required <= set(manifest.facts) <= names:
            raise RunDirError(f"the manifest's facts are not {cls.__name__}: expected {sorted(names)}, "
                              f"found {sorted(manifest.facts)}")
        return cls(**manifest.facts)


Facts = TypeVar("Facts", bound=SuiteFacts)


@dataclass(frozen=True)
class StoreListFacts(SuiteFacts):
    """``populations``: the population names (``PopulationShape.benchmark_name``) of the
    StoreList cells, in plan order; ``published_counterparts``: our cell name -> the
    published cell it stands for (same RV, scope and pages; a scaled-down population
    stands for a published one), empty for populations without a counterpart;
    ``design``: "paired" (every configuration of a cell in one process) or "unpaired";
    ``clock``: "cpu" or "wall", what the StoreList cells were timed with; ``pods`` and
    ``indexers``: the pod and indexer profiles (runs before them: minimal, benchmark)."""

    suite: ClassVar[str] = "storelist"
    populations: list[str]
    published_counterparts: dict[str, str]
    design: str
    clock: str
    pods: str = "minimal"
    indexers: str = "benchmark"


@dataclass(frozen=True)
class InFlightFacts(SuiteFacts):
    """``wall_factor``: the whole call of a value (unpaired) or block (paired) lasted
    at most this many times its timed target (``bench.inflight.worker``); ``design``:
    "paired" (both trackers of a cell in one process, since the in-flight suite took
    the paired design) or "unpaired" (runs before it, which recorded no design)."""

    suite: ClassVar[str] = "inflight"
    wall_factor: float
    design: str = "unpaired"
