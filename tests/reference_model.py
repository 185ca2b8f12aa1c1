"""A plain reference model of Kubernetes LIST semantics, for differential tests.

It keeps every revision's full state as a dict and answers a LIST by brute force:
sort the keys, walk them. It shares no code with the stores, the storage or the cacher.
One walking rule serves both servers of a page, because upstream's two loops agree:
take matching items until the page is full; there are more pages iff anything at all
follows the item that filled it; the continue token starts after that item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workloads import Pod, pod_key


@dataclass(frozen=True)
class Page:
    items: tuple[tuple[str, str, str], ...]  # (namespace, name, node) of each pod, in order
    has_more: bool
    remaining_item_count: int | None
    resource_version: int


@dataclass(frozen=True)
class Request:
    scope: str  # "cluster", "node" (no selector), "node-selector", "namespace"
    target: str  # namespace or node name ("" for cluster)
    limit: int
    rv_mode: str  # "", "NotOlderThan", "0", "Exact"
    exact_revision: int = 0  # the RV of Exact, or of NotOlderThan


def describe(pod: Pod) -> tuple[str, str, str]:
    return (pod.namespace, pod.name, pod.node_name)


def walk(keys: list[str], state: dict[str, Pod], matches: Callable[[Pod], bool], limit: int,
         count_known: bool, revision: int) -> tuple[Page, str]:
    items: list[tuple[str, str, str]] = []
    last = ""
    has_more = False
    for position, key in enumerate(keys):
        pod = state[key]
        if matches(pod):
            items.append(describe(pod))
            last = key
            if limit and len(items) == limit and position < len(keys) - 1:
                has_more = True
                break
    remaining = len(keys) - limit if has_more and count_known else None
    return Page(tuple(items), has_more, remaining, revision), last


class ReferenceCluster:
    """Pods by key at every revision since the start (revision 1 = empty)."""

    def __init__(self) -> None:
        self.revision = 1
        self.states: dict[int, dict[str, Pod]] = {1: {}}
        self.compacted = 0

    @property
    def current(self) -> dict[str, Pod]:
        return self.states[self.revision]

    def write(self, key: str, pod: Pod | None) -> None:
        state = dict(self.current)
        if pod is None:
            del state[key]
        else:
            state[key] = pod
        self.revision += 1
        self.states[self.revision] = state

    def list(self, request: Request) -> list[Page]:
        """Every page of the request, first to last, as upstream (v1.32) serves it.

        The namespace index changes how the cache finds the candidates, never which."""
        prefix = "/pods/" if request.scope != "namespace" else f"/pods/{request.target}/"
        if request.scope == "node-selector":
            def matches(pod: Pod) -> bool:
                return pod.node_name == request.target
            count_known = False
        else:
            def matches(pod: Pod) -> bool:
                return True
            count_known = True

        if request.rv_mode == "Exact":
            revision = request.exact_revision
            state = self.states[revision]
            # Served by the storage: every key under the prefix, filtered while walking.
            first_keys = sorted(k for k in state if k.startswith(prefix))
        else:
            revision = self.revision
            state = self.current
            # Served by the cache: the index (node selector) or the prefix gives the candidates.
            first_keys = sorted(k for k in state if k.startswith(prefix) and matches(state[k]))
        limit = 0 if request.rv_mode == "0" else request.limit
        page, last = walk(first_keys, state, matches, limit, count_known, revision)
        pages = [page]
        while page.has_more:
            # Continuations: the storage at the token's revision, after the last item.
            keys = sorted(k for k in state if k.startswith(prefix) and k > last)
            page, last = walk(keys, state, matches, limit, count_known, revision)
            pages.append(page)
        return pages


def key_of(pod: Pod) -> str:
    return pod_key(pod.namespace, pod.name)
