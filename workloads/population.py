"""Benchmark populations: namespaces, pods per namespace and nodes
(``PrepareBenchchmarkData`` in cacher_test.go, the misspelling being upstream's).

As upstream, every namespace gets the same number of pods and each pod lands on a
uniformly random node. Unlike upstream (seeded by the clock, drawing one namespace at a
time) the source is seeded, the seed is kept, and the names are drawn in bulk: node
names, namespace names, pod names, then every pod's node. The same seed gives the same
population.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from workloads.exemplar import ExemplarPod, exemplar_pod, template_hash
from workloads.names import random_names
from workloads.pods import Pod, pod_key

MINIMAL = "minimal"
EXEMPLAR = "exemplar"
POD_PROFILES: tuple[str, ...] = (MINIMAL, EXEMPLAR)


@dataclass(frozen=True, slots=True)
class PopulationShape:
    namespaces: int
    pods_per_namespace: int
    nodes: int

    def __post_init__(self) -> None:
        if self.namespaces < 1 or self.pods_per_namespace < 0 or self.nodes < 1:
            raise ValueError(
                f"a population needs >= 1 namespace, >= 0 pods per namespace and >= 1 node, got "
                f"namespaces={self.namespaces}, pods_per_namespace={self.pods_per_namespace}, nodes={self.nodes}")

    @property
    def pods(self) -> int:
        return self.namespaces * self.pods_per_namespace

    @property
    def benchmark_name(self) -> str:
        """The Go sub-benchmark fragment, with the total pod count.

        >>> PopulationShape(namespaces=50, pods_per_namespace=3_000, nodes=5_000).benchmark_name
        'Namespaces=50/Pods=150000/Nodes=5000'
        """
        return f"Namespaces={self.namespaces}/Pods={self.pods}/Nodes={self.nodes}"


# The three cluster shapes of the published table (sig-scalability thresholds).
PUBLISHED_SHAPES: tuple[PopulationShape, ...] = (
    PopulationShape(namespaces=10_000, pods_per_namespace=15, nodes=5_000),
    PopulationShape(namespaces=50, pods_per_namespace=3_000, nodes=5_000),
    PopulationShape(namespaces=100, pods_per_namespace=1_100, nodes=1_000),
)


@dataclass(frozen=True, slots=True)
class Population:
    shape: PopulationShape
    seed: int
    namespace_names: list[str]
    node_names: list[str]
    pods: list[Pod] | list[ExemplarPod]
    profile: str = MINIMAL

    def keyed_pods(self) -> list[tuple[str, Pod | ExemplarPod]]:
        """(storage key, pod) in generation order, ready for the storage."""
        return [(pod_key(pod.namespace, pod.name), pod) for pod in self.pods]


def new_seed() -> int:
    """A fresh seed for a run that did not ask for one (reported with the results)."""
    return random.SystemRandom().randrange(2**32)


def generate_population(shape: PopulationShape, seed: int, profile: str = MINIMAL) -> Population:
    """The population of ``shape`` drawn from ``seed``: O(pods), every list drawn in bulk.

    Pods come namespace by namespace, ``shape.pods_per_namespace`` each. ``profile``
    (``POD_PROFILES``): ``minimal``, the benchmark's bare test pod, or ``exemplar``, a
    realistic pod of about 10 KB as JSON (``workloads.exemplar``; ~35 µs per pod to
    build, against ~1 µs). Both profiles draw the same names and nodes from a seed.
    """
    if profile not in POD_PROFILES:
        raise ValueError(f"unknown pod profile {profile!r}; expected one of {', '.join(POD_PROFILES)}")
    rng = random.Random(seed)
    node_names = random_names(rng, shape.nodes)
    namespace_names = random_names(rng, shape.namespaces)
    pod_names = random_names(rng, shape.pods)
    nodes_of_pods = rng.choices(node_names, k=shape.pods)
    per_namespace = shape.pods_per_namespace
    pods: list[Pod] | list[ExemplarPod]
    if profile == MINIMAL:
        pods = [Pod(namespace_names[i // per_namespace], pod_names[i], nodes_of_pods[i]) for i in range(shape.pods)]
    else:
        hashes = [template_hash(rng) for _ in namespace_names]
        pods = [exemplar_pod(rng, namespace_names[i // per_namespace], pod_names[i], nodes_of_pods[i],
                             hashes[i // per_namespace]) for i in range(shape.pods)]
    return Population(shape, seed, namespace_names, node_names, pods, profile)


# The crossover sweep: one cluster size spread over ever more namespaces.
DEFAULT_SWEEP_TOTAL_PODS = 150_000
DEFAULT_SWEEP_NAMESPACES: tuple[int, ...] = (10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000)
DEFAULT_SWEEP_NODES = 5_000


def sweep_shapes(total_pods: int = DEFAULT_SWEEP_TOTAL_PODS,
                 namespace_counts: tuple[int, ...] = DEFAULT_SWEEP_NAMESPACES,
                 nodes: int = DEFAULT_SWEEP_NODES) -> list[PopulationShape]:
    """``total_pods`` spread evenly over each namespace count (rounded down per namespace).

    A count that leaves no pod per namespace, or repeats, is a ValueError.
    """
    if len(set(namespace_counts)) != len(namespace_counts):
        raise ValueError(f"namespace counts repeat: {namespace_counts}")
    shapes = []
    for namespaces in sorted(namespace_counts):
        per_namespace = total_pods // namespaces if namespaces > 0 else 0
        if per_namespace < 1:
            raise ValueError(f"{total_pods} pods cannot fill {namespaces} namespaces with at least one pod each")
        shapes.append(PopulationShape(namespaces, per_namespace, nodes))
    return shapes
