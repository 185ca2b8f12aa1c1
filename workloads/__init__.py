"""The benchmarks' data: the pod, its key and selectable fields, and seeded populations
of pods over namespaces and nodes (upstream ``PrepareBenchchmarkData``)."""

from workloads.pods import RESOURCE_PREFIX, Pod, copy_pod, pod_attrs, pod_key
from workloads.exemplar import ExemplarPod
from workloads.population import (POD_PROFILES, PUBLISHED_SHAPES, Population, PopulationShape, generate_population,
                                  new_seed, sweep_shapes)

__all__ = ["ExemplarPod", "POD_PROFILES", "RESOURCE_PREFIX", "PUBLISHED_SHAPES", "Pod", "Population", "PopulationShape",
           "copy_pod", "generate_population", "new_seed", "pod_attrs", "pod_key", "sweep_shapes"]
