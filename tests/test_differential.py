"""The four store configurations against each other and against a plain reference model.

Random sequences of creates, updates, deletes, compactions and LISTs of every scope go
through one storage; four cachers (one per configuration) follow it by watch. Every
LIST, continue tokens followed to the end, must give the reference's pages: the same
items in the same order, the same continue behaviour, remainingItemCount and list RV;
and all four must hand out identical tokens.
"""

from __future__ import annotations

from dataclasses import replace

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from reference_model import Page, ReferenceCluster, Request, describe, key_of
from storage.errors import ResourceExpiredError
from storage.etcd3 import Etcd3Storage
from storage.mvcc import RevisionedStorage
from storage.selection import ListOptions, SelectionPredicate, Selector
from stores import STORE_CONFIGS, STORE_NAMES, open_store
from stores.cacher import Cacher
from workloads import Pod, copy_pod, pod_attrs

NAMESPACES = ("ns-a", "ns-b", "ns-c")
NODES = ("node-1", "node-2", "node-3")
NAMES = tuple(f"p{i}" for i in range(12))


def build_options(request: Request, namespace_index_requested: bool) -> tuple[str, ListOptions, str | None]:
    """The request as each configuration issues it (only the index hints differ)."""
    predicate = SelectionPredicate(limit=request.limit)
    key, request_namespace = "/pods", None
    if request.scope == "node-selector":
        predicate = replace(predicate, index_fields=("spec.nodeName",),
                            field=Selector.parse(f"spec.nodeName={request.target}"))
    elif request.scope == "node":
        predicate = replace(predicate, index_fields=("spec.nodeName",))
    elif request.scope == "namespace":
        key = f"/pods/{request.target}"
        if namespace_index_requested:
            predicate = replace(predicate, index_fields=("metadata.namespace",))
            request_namespace = request.target
    if request.rv_mode == "Exact":
        rv, match = str(request.exact_revision), "Exact"
    elif request.rv_mode == "NotOlderThan":
        rv, match = str(request.exact_revision), "NotOlderThan"
    else:
        rv, match = request.rv_mode, ""
    return key, ListOptions(rv, match, predicate), request_namespace


def list_all_pages(cacher: Cacher, request: Request) -> tuple[list[Page], list[str]]:
    key, options, request_namespace = build_options(request, cacher.watch_cache.store.config.namespace_index_requested)
    pages, tokens = [], []
    while True:
        result = cacher.get_list(key, options, request_namespace)
        pages.append(Page(tuple(describe(pod) for pod in result.items), bool(result.continue_token),
                          result.remaining_item_count, result.resource_version))
        tokens.append(result.continue_token)
        if not result.continue_token:
            return pages, tokens
        options = replace(options, resource_version="", resource_version_match="",
                          predicate=replace(options.predicate, continue_token=result.continue_token))


class StoreListMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.storage = Etcd3Storage(RevisionedStorage(), pod_attrs, copy_pod)
        self.cachers = {name: Cacher(self.storage, open_store(name), pod_attrs, copy_pod, block_timeout=0.2)
                        for name in STORE_NAMES}
        self.model = ReferenceCluster()

    @rule(namespace=st.sampled_from(NAMESPACES), name=st.sampled_from(NAMES), node=st.sampled_from(NODES))
    def create(self, namespace: str, name: str, node: str) -> None:
        pod = Pod(namespace, name, node)
        key = key_of(pod)
        if key in self.model.current:
            return
        self.storage.create(key, pod)
        self.model.write(key, pod)

    @precondition(lambda self: self.model.current)
    @rule(data=st.data(), node=st.sampled_from(NODES))
    def move_to_node(self, data: st.DataObject, node: str) -> None:
        key = data.draw(st.sampled_from(sorted(self.model.current)))
        old = self.model.current[key]
        pod = Pod(old.namespace, old.name, node)
        self.storage.update(key, pod)
        self.model.write(key, pod)

    @precondition(lambda self: self.model.current)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.model.current)))
        self.storage.delete(key)
        self.model.write(key, None)

    @precondition(lambda self: self.model.revision > self.model.compacted + 1)
    @rule(data=st.data())
    def compact(self, data: st.DataObject) -> None:
        revision = data.draw(st.integers(self.model.compacted + 1, self.model.revision))
        self.storage.kv.compact(revision)
        self.model.compacted = revision

    @rule(scope=st.sampled_from(("cluster", "node", "node-selector", "namespace")),
          namespace=st.sampled_from(NAMESPACES), node=st.sampled_from(NODES),
          limit=st.integers(0, 5), rv_mode=st.sampled_from(("", "NotOlderThan", "0", "Exact")),
          data=st.data())
    def list(self, scope: str, namespace: str, node: str, limit: int, rv_mode: str, data: st.DataObject) -> None:
        target = {"namespace": namespace, "node-selector": node}.get(scope, "")
        exact_revision = 0
        if rv_mode == "Exact":
            exact_revision = data.draw(st.integers(max(1, self.model.compacted - 1), self.model.revision))
        elif rv_mode == "NotOlderThan":
            # Any revision the cache has reached: served from the cache without waiting.
            exact_revision = data.draw(st.integers(1, self.model.revision))
        request = Request(scope, target, limit, rv_mode, exact_revision)
        if rv_mode == "Exact" and exact_revision < self.model.compacted:
            for name, cacher in self.cachers.items():
                try:
                    list_all_pages(cacher, request)
                except ResourceExpiredError:
                    continue
                raise AssertionError(f"{name}: a read below the compacted revision must fail with 410")
            return
        expected = self.model.list(request)
        answers = {name: list_all_pages(cacher, request) for name, cacher in self.cachers.items()}
        for name, (pages, _) in answers.items():
            assert pages == expected, f"{name} differs from the reference for {request}"
        tokens = {name: tokens for name, (_, tokens) in answers.items()}
        assert len({tuple(t) for t in tokens.values()}) == 1, f"configurations hand out different tokens: {tokens}"

    @invariant()
    def caches_follow_the_storage(self) -> None:
        for cacher in self.cachers.values():
            assert cacher.watch_cache.resource_version == self.model.revision
            assert len(cacher.watch_cache.store) == len(self.model.current)


StoreListMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestStoreListDifferential = StoreListMachine.TestCase


def test_every_configuration_name_has_a_config() -> None:
    assert tuple(STORE_CONFIGS) == STORE_NAMES
