"""A StoreList population in a real etcd: loaded once by the suite, attached to by every worker.

With ``--storage etcd`` the suite loads each population of the run into etcd before
round 1 (``load_population``), every shape under a key prefix of its own below the run's
(``shape_prefix``), and writes beside it a record of the revisions its transactions got
(``LOAD_RECORD``). A worker generates the same population from the same seed, for its
expected counts, and attaches to the stored one (``attach_storage``) instead of writing
150k pods itself: a load takes seconds, and a run has 120 workers.

Why once per run and not a population per round as the embedded storage has
(``StoreListPlan.population_seed``): twenty populations of 150k pods per shape would be
millions of writes into one etcd; with etcd every round lists the run seed's pods.
"""

from __future__ import annotations

import json

from bench.storelist.cases import PodRevisions
from storage.etcd3 import Etcd3Storage
from storage.etcd_kv import LOAD_BATCH, EtcdKeyValueStore
from workloads import Population, PopulationShape, pod_attrs
from workloads.pod_codec import decode_pod, encode_pod

# Below a shape's prefix, outside its /pods range: the load's revisions, as JSON.
LOAD_RECORD = "/storelist-load"


def shape_prefix(run_prefix: str, shape: PopulationShape) -> str:
    """``<run prefix>/<population name>``: where one population's keys live."""
    return f"{run_prefix}/{shape.benchmark_name}"


def pod_store(endpoint: str, prefix: str, load_batch: int = LOAD_BATCH) -> EtcdKeyValueStore:
    """The key space of pods under ``prefix`` (values: the pod codec's JSON)."""
    return EtcdKeyValueStore(endpoint, encode_pod, decode_pod, key_prefix=prefix, load_batch=load_batch)


def load_population(kv: EtcdKeyValueStore, population: Population) -> PodRevisions:
    """Write every pod, in generation order and in transactions of ``kv.load_batch``, and the record."""
    batches = kv.create_batches(population.keyed_pods())
    revisions = PodRevisions(tuple(batches), kv.load_batch, len(population.pods))
    record = {"batch_revisions": batches, "per_revision": kv.load_batch, "pods": len(population.pods),
              "seed": population.seed}
    kv.put_bytes(LOAD_RECORD, json.dumps(record).encode())
    return revisions


def attach_storage(endpoint: str, prefix: str, population: Population) -> tuple[Etcd3Storage, PodRevisions]:
    """The storage over the population the suite loaded under ``prefix``, and its revisions.

    ValueError if nothing was loaded there or another population was (a different seed
    or size): the worker's expected counts would not hold.
    """
    kv = pod_store(endpoint, prefix)
    try:
        data = kv.get_bytes(LOAD_RECORD)
        if data is None:
            raise ValueError(f"no population was loaded under {prefix!r} in etcd at {endpoint}")
        record = json.loads(data)
        if record["pods"] != len(population.pods) or record["seed"] != population.seed:
            raise ValueError(f"etcd holds another population under {prefix!r} (seed {record['seed']}, "
                             f"{record['pods']} pods; expected seed {population.seed}, {len(population.pods)})")
    except BaseException:
        kv.close()
        raise
    revisions = PodRevisions(tuple(record["batch_revisions"]), int(record["per_revision"]), int(record["pods"]))
    return pod_storage(kv), revisions


def pod_storage(kv: EtcdKeyValueStore) -> Etcd3Storage:
    """The storage over etcd pods. Values arrive decoded from etcd's bytes, new objects
    already: the storage's "decode" is the codec's, not a second copy."""
    return Etcd3Storage(kv, pod_attrs, lambda obj: obj)
