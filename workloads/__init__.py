"""Populations and request targets of the benchmarks (upstream ``PrepareBenchchmarkData``)."""

from workloads.pods import RESOURCE_PREFIX, Pod, pod_attrs, pod_key
from workloads.population import PUBLISHED_SHAPES, Population, PopulationShape, generate_population, new_seed, sweep_shapes

__all__ = ["RESOURCE_PREFIX", "PUBLISHED_SHAPES", "Pod", "Population", "PopulationShape",
           "generate_population", "new_seed", "pod_attrs", "pod_key", "sweep_shapes"]
