"""The cases where the models here disagreed with upstream's own tests, each built from
the upstream case that shows it (the issue "Agree with upstream's own tests", cases 1-12;
case 13 is a sentence of the in-flight report, tested in test_inflight_command.py's report).

Storage and LIST path: k8s.io/apiserver v0.32.0 — pkg/storage/testing/store_tests.go
(RunTestList, RunTestGetListNonRecursive, RunTestListInconsistentContinuation),
pkg/storage/etcd3/store_test.go (TestInvalidKeys, TestValidateKey, TestResolveGetListRev),
pkg/storage/selection_predicate_test.go ("error"), pkg/storage/continue.go's decoder.
Scheduler queue: kube-scheduler pkg/scheduler/internal/queue, 96c20d8e (v1.30) and #127016
(v1.32) for Pop.
"""

from __future__ import annotations

import base64

import pytest

from scheduling.events import NODE_ADD, PV_ADD, PVC_ADD, ActionType, ClusterEvent
from scheduling.hints import QueueingHint, QueueingHintFunction
from scheduling.pod import QueuedPodInfo
from scheduling.tracker import TRACKER_NAMES
from storage.continue_token import decode_continue, encode_continue
from storage.errors import BadRequestError, InvalidKeyError, ResourceExpiredError, TooLargeResourceVersionError
from storage.etcd3 import INCONSISTENT_CONTINUE, Etcd3Storage, prepare_key
from storage.mvcc import RevisionedStorage
from storage.selection import ListOptions, SelectionPredicate, Selector
from test_scheduling_queue import fail, make_queue, pod, popped
from workloads import Pod, copy_pod, pod_attrs, pod_key

MAX_INT64 = str(2**63 - 1)


def new_storage() -> Etcd3Storage:
    return Etcd3Storage(RevisionedStorage(), pod_attrs, copy_pod)


def names(items: list[object]) -> list[str]:
    return [f"{item.namespace}/{item.name}" for item in items]  # type: ignore[attr-defined]


# ---- 1. a resourceVersion beyond the storage's revision: 504 ------------------------------

def test_1_rejects_resource_version_set_too_high_recursive_and_not() -> None:
    """RunTestList "rejects resource version set too high"; RunTestGetListNonRecursive
    "existing key, resourceVersion=too high"."""
    storage = new_storage()
    storage.create("/pods/test-ns/foo", Pod("test-ns", "foo", "n"))
    for options in (ListOptions(MAX_INT64), ListOptions(MAX_INT64, recursive=False)):
        key = "/pods" if options.recursive else "/pods/test-ns/foo"
        with pytest.raises(TooLargeResourceVersionError) as error:
            storage.get_list(key, options)
        assert error.value.status == 504 and error.value.retry_after_seconds == 0


# ---- 2. a compacted continuation: 410 with a token to go on ------------------------------

def test_2_list_inconsistent_continuation() -> None:
    """RunTestListInconsistentContinuation, step by step."""
    storage = new_storage()
    for namespace, name in (("first", "bar"), ("second", "bar"), ("second", "foo")):
        storage.create(pod_key(namespace, name), Pod(namespace, name, "n"))
    first = storage.get_list("/pods", ListOptions("0", predicate=SelectionPredicate(limit=1)))
    assert names(first.items) == ["first/bar"] and first.continue_token
    updated = storage.update(pod_key("second", "foo"), Pod("second", "foo", "new"))
    storage.kv.compact(updated)
    with pytest.raises(ResourceExpiredError) as error:
        storage.get_list("/pods", ListOptions("0", predicate=SelectionPredicate(continue_token=first.continue_token)))
    assert error.value.status == 410 and str(error.value).endswith(INCONSISTENT_CONTINUE)
    assert "The provided continue parameter is too old " in str(error.value) and error.value.continue_token
    second = storage.get_list("/pods", ListOptions("0", predicate=SelectionPredicate(
        limit=1, continue_token=error.value.continue_token)))
    assert names(second.items) == ["second/bar"] and second.continue_token and second.resource_version >= updated
    third = storage.get_list("/pods", ListOptions(predicate=SelectionPredicate(limit=1,
                                                                              continue_token=second.continue_token)))
    assert names(third.items) == ["second/foo"] and third.items[0].node_name == "new"  # type: ignore[attr-defined]
    assert third.continue_token == "" and third.resource_version == second.resource_version


def test_2_a_compacted_read_without_a_token_is_too_old() -> None:
    storage = new_storage()
    storage.create("/pods/a/b", Pod("a", "b", "n"))
    revision = storage.update("/pods/a/b", Pod("a", "b", "m"))
    storage.kv.compact(revision)
    with pytest.raises(ResourceExpiredError, match="The resourceVersion for the provided list is too old.") as error:
        storage.get_list("/pods", ListOptions(str(revision - 1), "Exact"))
    assert error.value.continue_token == ""


# ---- 3. non-recursive legacy exact reads the latest --------------------------------------

def test_3_non_recursive_list_with_limit_and_rv_reads_the_latest() -> None:
    """TestResolveGetListRev "rev resolve to 0 if not recursive" (rv 200, limit 1)."""
    storage = new_storage()
    previous = storage.create("/pods/test-ns/foo", Pod("test-ns", "foo", "first"))
    storage.update("/pods/test-ns/foo", Pod("test-ns", "foo", "second"))
    result = storage.get_list("/pods/test-ns/foo", ListOptions(str(previous), predicate=SelectionPredicate(limit=1),
                                                             recursive=False))
    assert [item.node_name for item in result.items] == ["second"]  # type: ignore[attr-defined]
    recursive = storage.get_list("/pods/test-ns", ListOptions(str(previous), predicate=SelectionPredicate(limit=1)))
    assert [item.node_name for item in recursive.items] == ["first"]  # type: ignore[attr-defined]


# ---- 4. keys with dot segments ------------------------------------------------------------

def test_4_invalid_keys_are_refused_by_every_operation() -> None:
    """TestInvalidKeys: Create, Delete, GetList (Watch, Get, GuaranteedUpdate, Count are not modelled)."""
    storage, key = new_storage(), "/foo/bar/../baz"
    for operation in (lambda: storage.create(key, Pod("a", "b", "n")), lambda: storage.delete(key),
                      lambda: storage.get_list(key, ListOptions()), lambda: storage.update(key, Pod("a", "b", "n"))):
        with pytest.raises(InvalidKeyError) as error:
            operation()
        assert str(error.value) == '500 InternalError: invalid key: "/foo/bar/../baz"'


@pytest.mark.parametrize("key", ["/foo/bar/baz/a.b.c/", "/foo", "foo/bar/baz", "/foo/bar..baz/", "/foo/bar..", "foo",
                                 "foo/bar", "/foo/bar/"])
def test_4_validate_key_accepts(key: str) -> None:
    """TestValidateKey's valid keys."""
    assert prepare_key(key) == key


@pytest.mark.parametrize("key", ["/foo/bar/../a.b.c/", "..", "/..", "../", "/foo/bar/..", "../foo/bar", "/../foo",
                                 "/foo/bar/../", ".", "/.", "./", "/./", "/foo/.", "./bar", "/foo/./bar/", "", "/"])
def test_4_validate_key_refuses(key: str) -> None:
    """TestValidateKey's invalid keys, and the empty ones."""
    with pytest.raises(InvalidKeyError, match="invalid key|empty key"):
        prepare_key(key)


# ---- 5. an attribute function's error skips the object ---------------------------------

def test_5_an_object_whose_attributes_fail_is_skipped() -> None:
    """selection_predicate_test.go "error": Matches gives false and the error; GetList skips."""
    def attributes(obj: object) -> tuple[dict[str, str], dict[str, str]]:
        if obj.name == "broken":  # type: ignore[attr-defined]
            raise ValueError("no attributes")
        return pod_attrs(obj)

    storage = Etcd3Storage(RevisionedStorage(), attributes, copy_pod)
    for name in ("a", "broken", "c"):
        storage.create(pod_key("ns", name), Pod("ns", name, "node-1"))
    predicate = SelectionPredicate(limit=2, field=Selector.parse("spec.nodeName=node-1"))
    page = storage.get_list("/pods", ListOptions(predicate=predicate))
    assert names(page.items) == ["ns/a", "ns/c"]
    assert storage.get_list("/pods", ListOptions()).items[1].name == "broken"  # type: ignore[attr-defined]


# ---- 6. a continue token on a non-recursive list is ignored -------------------------------

def test_6_non_recursive_list_ignores_a_continue_token() -> None:
    storage = new_storage()
    storage.create("/pods/ns/a", Pod("ns", "a", "n"))
    token = encode_continue("/pods/zzz", "/pods/", 1)
    result = storage.get_list("/pods/ns/a", ListOptions("", predicate=SelectionPredicate(continue_token=token),
                                                       recursive=False))
    assert names(result.items) == ["ns/a"]


# ---- 9. tokens Go's raw URL-safe decoder refuses ---------------------------------------

def one_over_a_quantum(token: str) -> str:
    """``token`` grown to a length of 1 mod 4: a lone last character."""
    return token + "A" * ((1 - len(token)) % 4 or 4)


@pytest.mark.parametrize("mangle, offset", [(lambda t: t + "=", None), (lambda t: t[:5] + "+" + t[6:], 5),
                                            (lambda t: t[:5] + "/" + t[6:], 5), (one_over_a_quantum, None)])
def test_9_padding_and_foreign_characters_are_400(mangle, offset: int | None) -> None:
    token = mangle(encode_continue("/pods/ns/a", "/pods/", 3))
    expected = offset if offset is not None else len(token) - 1
    with pytest.raises(BadRequestError, match=f"illegal base64 data at input byte {expected}$"):
        decode_continue(token, "/pods/")


def test_9_newlines_are_skipped_as_go_does() -> None:
    token = encode_continue("/pods/ns/a", "/pods/", 3)
    assert decode_continue(token[:4] + "\r\n" + token[4:], "/pods/") == ("/pods/ns/a", 3)
    assert base64.urlsafe_b64encode(b"x")  # the module's own encoder stays the standard library's


# ---- 10-12. the scheduling queue -------------------------------------------------------

@pytest.mark.parametrize("tracker", TRACKER_NAMES)
def test_10_an_event_nobody_registered_pre_checks_no_pod(tracker: str) -> None:
    queue, _, _ = make_queue(tracker=tracker)
    for name in ("a", "b"):
        queue.add(pod(name))
        fail(queue, popped(queue, pod(name)), {"foo"})
    checked: list[str] = []

    def pre_check(candidate: object) -> bool:
        checked.append(candidate.name)  # type: ignore[attr-defined]
        return True

    unregistered = ClusterEvent("StorageClass", ActionType.ADD, "StorageClassAdd")
    assert queue.move_all_to_active_or_backoff_queue(unregistered, pre_check=pre_check) == 0 and checked == []
    queue.move_all_to_active_or_backoff_queue(NODE_ADD, pre_check=pre_check)
    assert sorted(checked) == ["a", "b"]


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
def test_11_a_pending_only_pod_never_popped_goes_by_the_kept_events(tracker: str) -> None:
    """determineSchedulingHintForInFlightPod at 96c20d8e: only UnschedulablePlugins mean an
    internal error (backoff); a Pending-only pod goes by whether any event is kept."""
    queue, _, _ = make_queue(tracker=tracker)
    stranger = pod("stranger")
    assert fail(queue, QueuedPodInfo(stranger, timestamp=0.0), pending={"foo"}) == "unschedulablePods"
    queue.unschedulable_pods.clear()
    other = pod("other")
    queue.add(other)
    popped(queue, other)
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    assert fail(queue, QueuedPodInfo(stranger, timestamp=0.0), pending={"foo"}) == "backoffQ"


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
def test_12_pop_is_made_twice_for_the_same_pod_but_the_cleanup_still_happens(tracker: str) -> None:
    """Test_InFlightPods "Pop is made twice for the same Pod, but the cleanup still happen
    correctly" (v1.32, #127016): the in-flight copy put back into activeQ is discarded."""
    queue, _, _ = make_queue({event: [QueueingHintFunction("fooPlugin1", lambda p, o, n: QueueingHint.QUEUE)]
                              for event in (PV_ADD, NODE_ADD, PVC_ADD)}, tracker=tracker)
    pod1, pod2, pod3 = pod("pod1"), pod("pod2"), pod("pod3")
    queue.add(pod1)
    queue.add(pod2)
    queue.move_all_to_active_or_backoff_queue(PVC_ADD)
    first = popped(queue, pod1)
    queue.move_all_to_active_or_backoff_queue(PV_ADD)
    second = popped(queue, pod2)
    queue.active_q.add(QueuedPodInfo(pod1, timestamp=0.0))  # the callback that re-inserts pod1 under the lock
    queue.add(pod3)
    cycle = queue.scheduling_cycle
    third = popped(queue, pod3)
    assert len(queue.active_q) == 0 and queue.discarded_pops == 1 and queue.scheduling_cycle == cycle + 1
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    for pinfo in (first, second, third):
        assert queue.add_unschedulable_if_not_present(pinfo, queue.scheduling_cycle) == "backoffQ"
    assert not any(queue.tracker.is_in_flight(p.uid) for p in (pod1, pod2, pod3))
    if tracker == "list":  # the first design leaks events here whatever Pop does (its known bug)
        assert not queue.tracker.has_events()
