"""The benchmarks' data: the pod, its key and selectable fields, and seeded populations
of pods over namespaces and nodes (upstream ``PrepareBenchchmarkData``)."""

from workloads.pods import RESOURCE_PREFIX, Pod, pod_attrs, pod_key
from workloads.population import PUBLISHED_SHAPES, Population, PopulationShape, generate_population, new_seed, sweep_shapes

__all__ = ["RESOURCE_PREFIX", "PUBLISHED_SHAPES", "Pod", "Population", "PopulationShape",
           "generate_population", "new_seed", "pod_attrs", "pod_key", "sweep_shapes"]
