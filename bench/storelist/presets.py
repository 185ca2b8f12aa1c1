"""Named sets of benchmark cells (``storelist run --preset NAME``).

A preset is a list of populations and, per population, the StoreList cases to time
on it; every case is timed on every selected store configuration. ``published`` is
the published table, ``smoke`` the same six cell kinds on populations small enough for CI,
``full`` every leaf of the Go benchmark plus the create-then-list cells, and ``sweep``
the published cases over one cluster size spread across ever more namespaces.

Presets are added with :func:`register_preset`: the runner, ``storelist run --preset``
and its ``--help`` pick them up from :data:`PRESETS`. ``sweep`` is registered with its
default sizes; ``storelist run --preset sweep --sweep-...`` rebuilds it with
:func:`sweep_preset`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bench.storelist.cases import StoreListCase, all_cases
from bench.storelist.createlist import CREATE_LIST_MATCHES
from bench.storelist.write_cost import WRITE_OPS
from storage.selection import MATCH_NOT_OLDER_THAN
from workloads import PUBLISHED_SHAPES, PopulationShape, sweep_shapes
from workloads.population import DEFAULT_SWEEP_NAMESPACES, DEFAULT_SWEEP_NODES, DEFAULT_SWEEP_TOTAL_PODS

CaseSelector = Callable[[PopulationShape], Sequence[StoreListCase]]

# The published table's rows: a consistent read ("") and a NotOlderThan read, listing
# one namespace without pagination.
PUBLISHED_RV_MATCHES: tuple[str, ...] = ("", MATCH_NOT_OLDER_THAN)

# The published shapes scaled to at most 2000 pods, keeping what distinguishes them:
# many small namespaces, few large ones on many nodes, and a middle shape.
SMOKE_SHAPES: tuple[PopulationShape, ...] = (
    PopulationShape(namespaces=100, pods_per_namespace=15, nodes=50),
    PopulationShape(namespaces=5, pods_per_namespace=300, nodes=50),
    PopulationShape(namespaces=10, pods_per_namespace=110, nodes=10),
)


def published_cases(shape: PopulationShape) -> list[StoreListCase]:
    """The published table's two cases for ``shape``: RV "" and NotOlderThan, Namespace, Paginate=0."""
    return [StoreListCase(shape, rv, "Namespace", 0) for rv in PUBLISHED_RV_MATCHES]


@dataclass(frozen=True)
class Preset:
    """A named benchmark plan: ``select(shape)`` cases for each of ``shapes``.

    ``stands_for`` pairs each shape with the published shape it scales down (or is),
    so a report can set each cell beside its published counterpart; empty when the
    shapes have none. ``create_list`` names the RV matches of the create-then-list
    cells to add (``bench.storelist.createlist``), each timed over ``create_list_operations``
    operations; ``write_ops`` the write cells (``bench.storelist.write_cost``) to add on
    the first shape (a run with ``--indexers registry`` adds all three anyway);
    ``memory_of_both_pod_profiles``: measure store memory for both pod profiles, not only
    the run's (``full``: the report then sets the exemplar's figures beside); ``options`` are the ``storelist run`` options that rebuild the preset
    beside ``--preset NAME`` (a sweep's sizes).
    """

    name: str
    description: str
    shapes: tuple[PopulationShape, ...]
    select: CaseSelector = published_cases
    stands_for: tuple[PopulationShape, ...] = ()
    create_list: tuple[str, ...] = ()
    create_list_operations: int = 1000
    write_ops: tuple[str, ...] = ()
    memory_of_both_pod_profiles: bool = False
    options: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.stands_for and len(self.stands_for) != len(self.shapes):
            raise ValueError(f"preset {self.name!r}: stands_for needs one published shape per shape")

    def cases(self) -> list[StoreListCase]:
        """Every case of the preset, population by population (the table's row order)."""
        return [case for shape in self.shapes for case in self.select(shape)]

    def published_counterparts(self) -> dict[str, str]:
        """Our cell name -> the published cell name it stands for (same RV, scope, pages)."""
        return {case.name: replace(case, shape=published).name
                for shape, published in zip(self.shapes, self.stands_for)
                for case in self.select(shape)}


PRESETS: dict[str, Preset] = {}


def register_preset(preset: Preset) -> Preset:
    """Make ``preset`` available by name; ValueError if the name is taken."""
    if preset.name in PRESETS:
        raise ValueError(f"preset {preset.name!r} is already registered")
    PRESETS[preset.name] = preset
    return preset


def get_preset(name: str) -> Preset:
    """The preset called ``name``; ValueError listing the valid names otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; valid presets: {', '.join(PRESETS)}") from None


def custom_preset(shape: PopulationShape) -> Preset:
    """The published cases on one population of the user's choosing (not registered)."""
    return Preset("custom", f"the published cases on {shape.benchmark_name}", (shape,))


def sweep_preset(total_pods: int = DEFAULT_SWEEP_TOTAL_PODS,
                 namespace_counts: Sequence[int] = DEFAULT_SWEEP_NAMESPACES,
                 nodes: int = DEFAULT_SWEEP_NODES) -> Preset:
    """The crossover sweep: ``total_pods`` spread over each namespace count, the published
    cases (RV "" and NotOlderThan, Namespace scope, Paginate=0) on each population.

    ValueError (from ``sweep_shapes``) if a count repeats or leaves a namespace empty.
    """
    counts = tuple(sorted(namespace_counts))
    if not counts:
        raise ValueError("a sweep needs at least one namespace count")
    if nodes < 1:
        raise ValueError(f"a sweep needs at least one node, got {nodes}")
    shapes = tuple(sweep_shapes(total_pods, counts, nodes))
    options = ("--sweep-total", str(total_pods), "--sweep-namespaces", ",".join(map(str, counts)),
               "--sweep-nodes", str(nodes))
    return Preset("sweep", f"{total_pods} pods over {', '.join(map(str, counts))} namespaces, {nodes} nodes: "
                  "the published cases per size, for the crossover plot", shapes, options=options)


register_preset(Preset("published", "the 6 cells of the published table (3 populations of 110k-150k pods)",
                       PUBLISHED_SHAPES, stands_for=PUBLISHED_SHAPES))
register_preset(Preset("smoke", "the same 6 cell kinds on populations of at most 2000 pods (CI)",
                       SMOKE_SHAPES, stands_for=PUBLISHED_SHAPES))
register_preset(Preset("full", "every leaf of BenchmarkStoreList on the 3 published populations, "
                       "and create-then-list", PUBLISHED_SHAPES, all_cases, create_list=CREATE_LIST_MATCHES, write_ops=WRITE_OPS,
                       memory_of_both_pod_profiles=True))
register_preset(sweep_preset())
