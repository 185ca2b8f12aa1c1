"""The embedded revisioned storage, the etcd3-style GetList, continue tokens and selectors."""

from __future__ import annotations

import base64
import json

import pytest

from storage.continue_token import decode_continue, encode_continue, go_path_clean, prepare_continue_token
from storage.errors import (
    AlreadyExistsError,
    BadRequestError,
    NotFoundError,
    ResourceExpiredError,
    TooLargeResourceVersionError,
)
from storage.etcd3 import Etcd3Storage
from storage.mvcc import EVENT_DELETE, EVENT_PROGRESS, EVENT_PUT, RevisionedStorage, WatchEvent, prefix_end
from storage.selection import ListOptions, SelectionPredicate, Selector, parse_resource_version
from workloads import Pod, copy_pod, pod_attrs, pod_key


# ---- revisioned storage -------------------------------------------------------------

def test_revisions_start_at_one_and_every_write_bumps_them() -> None:
    kv = RevisionedStorage()
    assert kv.current_revision == 1
    assert kv.put("/a", 1) == 2
    assert kv.put("/a", 2) == 3
    assert kv.delete("/a") == 4
    assert kv.create("/a", 3) == 5


def test_create_refuses_an_existing_key_and_delete_a_missing_one() -> None:
    kv = RevisionedStorage()
    kv.create("/a", 1)
    with pytest.raises(AlreadyExistsError):
        kv.create("/a", 2)
    with pytest.raises(NotFoundError):
        kv.delete("/b")
    assert kv.current_revision == 2


def test_reads_at_past_revisions_see_history() -> None:
    kv = RevisionedStorage()
    kv.put("/a", "v1")  # 2
    kv.put("/b", "b")  # 3
    kv.put("/a", "v2")  # 4
    kv.delete("/b")  # 5
    assert kv.get("/a", 2).value == "v1"
    assert kv.get("/a", 3).value == "v1"
    assert kv.get("/a").value == "v2"
    assert kv.get("/a").version == 2 and kv.get("/a").create_revision == 2
    assert kv.get("/b", 4).value == "b"
    assert kv.get("/b") is None
    assert [x.value for x in kv.range("/", None, revision=3).kvs] == ["v1", "b"]
    result = kv.range("/", None)
    assert [x.key for x in result.kvs] == ["/a"] and result.count == 1 and result.header_revision == 5


def test_range_limit_more_and_count_agree_at_current_and_past_revisions() -> None:
    kv = RevisionedStorage()
    for key in ("/p/c", "/p/a", "/p/b", "/q/a"):
        kv.put(key, key)
    # The current revision takes the live-key fast path; revision 4 walks the history.
    for revision in (kv.current_revision, 4):
        page = kv.range("/p/", prefix_end("/p/"), revision=revision, limit=2)
        assert [x.key for x in page.kvs] == ["/p/a", "/p/b"]
        assert page.more and page.count == 3


def test_range_at_old_revision_counts_only_live_keys() -> None:
    kv = RevisionedStorage()
    kv.put("/p/a", 1)
    kv.put("/p/b", 2)
    kv.delete("/p/a")
    kv.put("/p/c", 3)
    old = kv.range("/p/", prefix_end("/p/"), revision=4, limit=1)
    assert [x.key for x in old.kvs] == ["/p/b"] and old.count == 1 and not old.more


def test_compaction_makes_old_revisions_expire() -> None:
    kv = RevisionedStorage()
    kv.put("/a", 1)  # 2
    kv.put("/a", 2)  # 3
    kv.put("/b", 1)  # 4
    kv.delete("/b")  # 5
    kv.compact(4)
    with pytest.raises(ResourceExpiredError) as error:
        kv.range("/", None, revision=3)
    assert error.value.status == 410
    assert kv.get("/a", 4).value == 2  # the version live at the compacted revision survives
    assert kv.get("/b", 4).value == 1
    with pytest.raises(ResourceExpiredError):
        kv.compact(4)


def test_future_revision_is_too_large() -> None:
    kv = RevisionedStorage()
    with pytest.raises(TooLargeResourceVersionError) as error:
        kv.range("/", None, revision=5)
    assert error.value.status == 504


def test_watch_replays_history_then_follows_writes() -> None:
    kv = RevisionedStorage()
    kv.put("/p/a", 1)  # 2
    kv.put("/q/a", 1)  # 3
    kv.put("/p/a", 2)  # 4
    seen: list[WatchEvent] = []
    cancel = kv.watch("/p/", seen.append, start_revision=3)
    kv.delete("/p/a")  # 5
    kv.put("/q/b", 1)  # 6: other prefix, not delivered
    kv.request_progress()
    cancel()
    kv.put("/p/z", 1)
    assert [(e.type, e.revision) for e in seen] == [(EVENT_PUT, 4), (EVENT_DELETE, 5), (EVENT_PROGRESS, 6)]
    assert seen[0].prev_kv.value == 1 and seen[1].prev_kv.value == 2


def test_create_many_is_the_same_as_creating_one_by_one() -> None:
    items = [(f"/p/{name}", name) for name in ("c", "a", "b")]
    one_by_one, batch = RevisionedStorage(), RevisionedStorage()
    events: list[WatchEvent] = []
    batch.watch("/p/", events.append)
    for key, value in items:
        one_by_one.create(key, value)
    assert batch.create_many(items) == one_by_one.current_revision == 4
    for revision in (2, 3, 4):
        assert batch.range("/", None, revision=revision) == one_by_one.range("/", None, revision=revision)
    assert [e.kv.key for e in events] == ["/p/c", "/p/a", "/p/b"]
    with pytest.raises(AlreadyExistsError):
        batch.create_many([("/p/new", 1), ("/p/a", 2)])
    assert batch.current_revision == 4 and batch.get("/p/new") is None


# ---- continue tokens ----------------------------------------------------------------

def test_token_format_is_kubernetes_base64url_json() -> None:
    token = encode_continue("/pods/ns1/pod-a\x00", "/pods/", 42)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert raw == b'{"v":"meta.k8s.io/v1","rv":42,"start":"ns1/pod-a\\u0000"}'
    assert "=" not in token
    assert decode_continue(token, "/pods/") == ("/pods/ns1/pod-a\x00", 42)


def test_namespace_token_keeps_the_leading_slash_and_decodes_under_the_prepared_key() -> None:
    token, remaining = prepare_continue_token("/pods/ns1/b", "/pods/ns1", 7, 10, True, SelectionPredicate(limit=3))
    assert remaining == 7
    assert decode_continue(token, "/pods/ns1/") == ("/pods/ns1/b\x00", 7)


def test_no_token_without_more_and_no_count_with_selectors() -> None:
    assert prepare_continue_token("/k", "/", 1, 5, False, SelectionPredicate(limit=1)) == ("", None)
    predicate = SelectionPredicate(limit=1, field=Selector.parse("spec.nodeName=n"))
    assert prepare_continue_token("/k", "/", 1, 5, True, predicate)[1] is None


def _token(payload: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("token, reason", [
    ("%%%not-base64%%%", "base64"),
    (base64.urlsafe_b64encode(b"not json").decode(), "illegal base64 data at input byte 11"),  # the padding
    (base64.urlsafe_b64encode(b"not json").decode().rstrip("="), "continue key is not valid: Expecting value"),
    (_token({"v": "meta.k8s.io/v2", "rv": 1, "start": "a"}), "version"),
    (_token({"v": "meta.k8s.io/v1", "rv": 0, "start": "a"}), "resourceVersion"),
    (_token({"v": "meta.k8s.io/v1", "rv": 1, "start": ""}), "empty"),
    (_token({"v": "meta.k8s.io/v1", "rv": 1, "start": "../secrets/x"}), "continue key is not valid: ../secrets/x"),
    (_token({"v": "meta.k8s.io/v1", "rv": 1, "start": "ns/../../x"}), "continue key is not valid: ns/../../x"),
    (_token({"v": "meta.k8s.io/v1", "rv": 1, "start": "//x"}), "continue key is not valid: //x"),
])
def test_malformed_or_escaping_tokens_are_400(token: str, reason: str) -> None:
    with pytest.raises(BadRequestError) as error:
        decode_continue(token, "/pods/")
    assert error.value.status == 400 and reason in str(error.value)


def test_negative_token_revision_means_latest() -> None:
    assert decode_continue(_token({"v": "meta.k8s.io/v1", "rv": -1, "start": "a"}), "/p/") == ("/p/a", -1)


def test_go_path_clean() -> None:
    assert go_path_clean("//a/./b/../c") == "/a/c"
    assert go_path_clean("/../a") == "/a"
    assert go_path_clean("/a/b\x00") == "/a/b\x00"


# ---- selectors ------------------------------------------------------------------------

def test_selectors_parse_match_and_pin_values() -> None:
    selector = Selector.parse("spec.nodeName=n1, status.phase!=Failed")
    assert selector.matches({"spec.nodeName": "n1", "status.phase": "Running"})
    assert not selector.matches({"spec.nodeName": "n1", "status.phase": "Failed"})
    assert not selector.matches({})
    assert selector.requires_exact_match("spec.nodeName") == "n1"
    assert selector.requires_exact_match("status.phase") is None
    with pytest.raises(BadRequestError):
        Selector.parse("justakey")


def test_matcher_index_prefers_exact_field_match_then_request_namespace() -> None:
    predicate = SelectionPredicate(index_fields=("spec.nodeName", "metadata.namespace"),
                                   field=Selector.parse("spec.nodeName=n1"))
    assert [(m.index_name, m.value) for m in predicate.matcher_index("ns1")] == [
        ("f:spec.nodeName", "n1"), ("f:metadata.namespace", "ns1")]
    assert SelectionPredicate(index_fields=("metadata.namespace",)).matcher_index(None) == []


@pytest.mark.parametrize("text", ["abc", "-1", "1.5", "١٢"])
def test_resource_version_must_be_a_number(text: str) -> None:
    with pytest.raises(BadRequestError):
        parse_resource_version(text)


# ---- etcd3 GetList ----------------------------------------------------------------

@pytest.fixture
def pods_storage():
    storage = Etcd3Storage(RevisionedStorage(), pod_attrs, copy_pod)
    for i in range(10):
        pod = Pod("ns", f"p{i}", "even" if i % 2 == 0 else "odd")
        storage.create(pod_key(pod.namespace, pod.name), pod)
    return storage


def test_get_list_pages_with_a_selector_fill_each_page(pods_storage) -> None:
    predicate = SelectionPredicate(limit=2, field=Selector.parse("spec.nodeName=odd"))
    names, token = [], ""
    while True:
        result = pods_storage.get_list("/pods/", ListOptions(predicate=SelectionPredicate(
            limit=2, field=predicate.field, continue_token=token)))
        names.append([pod.name for pod in result.items])
        assert result.remaining_item_count is None
        token = result.continue_token
        if not token:
            break
    # Five matching pods in pages of two; each page skips the even pods it walks past.
    assert names == [["p1", "p3"], ["p5", "p7"], ["p9"]]


def test_get_list_exact_reads_the_past_and_not_older_than_checks(pods_storage) -> None:
    result = pods_storage.get_list("/pods/ns", ListOptions("5", "Exact"))
    assert len(result.items) == 4 and result.resource_version == 5
    with pytest.raises(TooLargeResourceVersionError):
        pods_storage.get_list("/pods/ns", ListOptions("99", "NotOlderThan"))
    with pytest.raises(TooLargeResourceVersionError):
        pods_storage.get_list("/pods/ns", ListOptions("99", "Exact"))


def test_get_list_refuses_a_resource_version_beside_a_continue_token(pods_storage) -> None:
    first = pods_storage.get_list("/pods/", ListOptions(predicate=SelectionPredicate(limit=3)))
    assert first.remaining_item_count == 7
    with pytest.raises(BadRequestError, match="resource version is not allowed"):
        pods_storage.get_list("/pods/", ListOptions("5", "", SelectionPredicate(limit=3, continue_token=first.continue_token)))
