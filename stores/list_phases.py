"""The cacher's LIST path step by step, each step timed: where one LIST's time goes.

``timed_get_list`` does what ``Cacher.get_list`` does for a request the cache serves
(and, for one it delegates, times the whole storage call as one step), calling the same
functions in the same order, with a clock read between steps. It is a separate copy of
the path's sequence, not hooks in ``get_list``, so the timed benchmark path carries no
instrumentation at all; a test checks that both return the same result for every
configuration and request kind, so the two cannot drift apart unnoticed.

Phases (``PHASES``), in path order:

- ``request``: option validation, the delegation decision, parsing the resourceVersion;
- ``revision``: the consistent read's fetch of the storage's current revision (RV="");
- ``freshness``: waiting until the cache has reached the revision;
- ``candidates``: the index lookup (ByIndex), the B-tree's ordered range scan
  (ListPrefix), or listing every item (the map);
- ``filter_sort``: the prefix filter and the sort by key (index and map paths);
- ``select``: the predicate and the limit (``select_page``);
- ``copy``: the struct copy of every selected object into the result;
- ``token``: the continue token, the remaining count and the result object;
- ``storage``: a delegated request's whole storage call (Exact, continuations);
- ``free``: releasing a page's result when the caller lets it go, its copied items
  deallocated (reference counting frees them at once; Go leaves them to its collector).
  Timed by the pass (``bench.storelist.phase_pass``), not here: it happens after
  ``get_list`` has returned.

Every phase is the interval between two clock reads, so each holds one clock read's
own cost (~0.3-0.5 µs on the CPU clock here, a system call; more than some phases):
the pass (``bench.storelist.phase_pass``) measures that cost and takes it off each
phase once per page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from storage.continue_token import prepare_continue_token
from storage.errors import IndexNotFoundError, StorageError
from storage.selection import ListOptions, ListResult, parse_resource_version
from stores.cacher import Cacher, compute_list_limit, select_page, should_delegate_list
from stores.watch_cache import filter_prefix_and_order

PHASES: tuple[str, ...] = ("request", "revision", "freshness", "candidates", "filter_sort", "select", "copy", "token",
                           "storage", "free")
# pyperf run metadata of a sample that ran the instrumented pass: the phases' ns per request.
PHASES_KEY = "storelist_phases_ns"
# ... the instrumentation's overhead: the instrumented block over the uninstrumented one beside it, less one;
PHASE_OVERHEAD_KEY = "storelist_phase_overhead"
# ... and the uninstrumented blocks' ns per request (the end-to-end the phases are held against).
PHASE_BESIDE_KEY = "storelist_phase_beside_ns"


def encode_phases(phases: Mapping[str, float]) -> str:
    """The phases as a metadata value: a JSON object of ns per request, to 0.1 ns."""
    return json.dumps({phase: round(value, 1) for phase, value in phases.items()}, separators=(",", ":"))


def decode_phases(text: object) -> dict[str, float] | None:
    """The phases of a metadata value; None if it is not such a JSON object."""
    try:
        value = json.loads(str(text))
    except ValueError:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, (int, float)) for v in value.values()):
        return None
    return {str(phase): float(ns) for phase, ns in value.items()}


def timed_get_list(cacher: Cacher, key: str, options: ListOptions, request_namespace: str | None,
                   clock: Callable[[], int], phases: dict[str, int]) -> ListResult:
    """``cacher.get_list(key, options, request_namespace)``, adding each step's nanoseconds to ``phases``.

    Recursive lists only (the benchmark's); the consistent read's fallback to the
    storage is not modelled here: a request that would take it raises StorageError.
    """
    started = clock()
    if should_delegate_list(options):
        mark = clock()
        result = cacher.storage.get_list(key, options)
        end = clock()
        cacher.metrics.delegated_lists += 1
        phases["request"] += mark - started
        phases["storage"] += end - mark
        return result
    resource_version = options.resource_version
    list_rv = parse_resource_version(resource_version)
    predicate = options.predicate
    consistent_read = resource_version == ""
    if not options.recursive:
        raise StorageError("timed_get_list times recursive lists only")
    prepared_key = key if key.endswith("/") else key + "/"
    after_request = clock()
    if consistent_read:
        list_rv = cacher.storage.get_current_resource_version(cacher.resource_prefix)
    after_revision = clock()
    watch_cache = cacher.watch_cache
    watch_cache.wait_until_fresh(list_rv)
    after_freshness = clock()
    # wait_until_fresh_and_list's three data paths, the sort timed apart.
    with watch_cache._cond:
        store = watch_cache.store
        sort_needed, candidates = False, None
        for match in predicate.matcher_index(request_namespace):
            try:
                candidates = store.by_index(match.index_name, match.value)
            except IndexNotFoundError:
                continue
            sort_needed = True
            break
        if candidates is None:
            if watch_cache._ordered:
                candidates, _ = store.list_prefix(prepared_key)  # type: ignore[attr-defined]
            else:
                candidates, sort_needed = store.list(), True
        cache_rv = watch_cache.resource_version
        after_candidates = clock()
        if sort_needed:
            candidates = filter_prefix_and_order(prepared_key, candidates)
        after_sort = clock()
    objects, last_key, has_more = select_page(candidates, predicate, compute_list_limit(options))
    after_select = clock()
    items = list(map(cacher._copy_object, objects))
    after_copy = clock()
    token, remaining = prepare_continue_token(last_key, key, cache_rv, len(candidates), has_more, predicate)
    result = ListResult(items, cache_rv, token, remaining)
    end = clock()
    cacher.metrics.cache_lists += 1
    phases["request"] += after_request - started
    phases["revision"] += after_revision - after_request
    phases["freshness"] += after_freshness - after_revision
    phases["candidates"] += after_candidates - after_freshness
    phases["filter_sort"] += after_sort - after_candidates
    phases["select"] += after_select - after_sort
    phases["copy"] += after_copy - after_select
    phases["token"] += end - after_copy
    return result
