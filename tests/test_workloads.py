"""Populations: names, shapes, generation order and seeding."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from workloads import PUBLISHED_SHAPES, PopulationShape, generate_population, pod_attrs, pod_key
from workloads.names import ALPHABET, random_names


def test_names_use_kubernetes_alphabet_and_length() -> None:
    names = random_names(random.Random(1), 2000)
    assert len(names) == 2000 and all(len(n) == 10 for n in names)
    assert set("".join(names)) == set(ALPHABET.decode())
    assert len(ALPHABET) == 27 and set(ALPHABET.decode()).isdisjoint("aeiou013")


def test_name_characters_are_uniform() -> None:
    counts = Counter("".join(random_names(random.Random(2), 27_000)))
    expected = 270_000 / 27
    # A biased mapping (e.g. byte % 27 without rejection) skews the first characters by ~5%.
    assert all(abs(c - expected) / expected < 0.03 for c in counts.values())


def test_bad_name_requests_are_refused() -> None:
    with pytest.raises(ValueError):
        random_names(random.Random(1), -1)


def test_published_presets() -> None:
    assert [(s.namespaces, s.pods_per_namespace, s.nodes, s.pods) for s in PUBLISHED_SHAPES] == [
        (10_000, 15, 5_000, 150_000), (50, 3_000, 5_000, 150_000), (100, 1_100, 1_000, 110_000)]
    assert PUBLISHED_SHAPES[1].benchmark_name == "Namespaces=50/Pods=150000/Nodes=5000"


def test_shape_validation() -> None:
    with pytest.raises(ValueError, match="namespace"):
        PopulationShape(0, 1, 1)


def test_population_is_generated_namespace_by_namespace_on_random_nodes() -> None:
    shape = PopulationShape(namespaces=4, pods_per_namespace=25, nodes=7)
    population = generate_population(shape, seed=11)
    assert len(population.pods) == 100 and len(population.node_names) == 7
    namespaces_in_order = [pod.namespace for pod in population.pods]
    assert namespaces_in_order == [ns for ns in population.namespace_names for _ in range(25)]
    assert {pod.node_name for pod in population.pods} <= set(population.node_names)
    assert len({pod.node_name for pod in population.pods}) > 3
    assert population.seed == 11
    key, pod = population.keyed_pods()[0]
    assert key == pod_key(pod.namespace, pod.name) == f"/pods/{pod.namespace}/{pod.name}"


def test_same_seed_same_population_and_different_seed_different_one() -> None:
    shape = PopulationShape(3, 5, 2)
    assert generate_population(shape, 5) == generate_population(shape, 5)
    assert generate_population(shape, 5).pods != generate_population(shape, 6).pods


def test_pod_attributes_are_the_selectable_fields() -> None:
    pod = generate_population(PopulationShape(1, 1, 1), 1).pods[0]
    labels, fields = pod_attrs(pod)
    assert dict(labels) == {}
    assert fields == {"metadata.name": pod.name, "metadata.namespace": pod.namespace,
                      "spec.nodeName": pod.node_name, "spec.restartPolicy": "Always", "status.phase": "Pending"}
    with pytest.raises(TypeError):
        pod_attrs("not a pod")
