"""Upstream's selection-predicate tables (k8s.io/apiserver v0.32.0
pkg/storage/selection_predicate_test.go): ``TestSelectionPredicate`` and
``TestSelectionPredicateMatcherIndex``.

Not expressed: ``MatchesSingle`` (the model has no single-name fast path), and the
"error" case's attribute function, which is a storage matter here: the etcd3 storage
skips such an object (tests/test_upstream_cases.py, case 5). The request's namespace,
which upstream reads from the request URL's RequestInfo, is the ``request_namespace``
argument here.
"""

from __future__ import annotations

import pytest

from storage.selection import SelectionPredicate, Selector


@pytest.mark.parametrize("labels, fields, label, field, matches", [
    ({"name": "foo"}, {"uid": "12345"}, "name=foo", "uid=12345", True),     # A
    ({"name": "foo"}, {}, "name=foo", "uid=12345", False),                  # B
    ({}, {"uid": "12345"}, "name=foo", "uid=12345", False),                 # C
    ({}, {"metadata.name": "12345"}, "", "metadata.name=12345", True),      # D
], ids=["A", "B", "C", "D"])
def test_selection_predicate(labels: dict[str, str], fields: dict[str, str], label: str, field: str,
                             matches: bool) -> None:
    predicate = SelectionPredicate(label=Selector.parse(label), field=Selector.parse(field))
    assert predicate.matches_object_attributes(labels, fields) is matches


NAMESPACE = "metadata.namespace"


@pytest.mark.parametrize("index_fields, index_labels, request_namespace, label, field, expected", [
    ((), ("bar",), None, "name=foo", "uid=12345", []),
    (("uid",), (), None, "name=foo", "uid=12345", [("f:uid", "12345")]),
    ((NAMESPACE,), (), "default", "", "", [("f:metadata.namespace", "default")]),
    ((NAMESPACE,), (), "default", "", "metadata.namespace=kube-system", [("f:metadata.namespace", "kube-system")]),
    ((NAMESPACE,), (), None, "", "", []),
    ((NAMESPACE,), (), None, "", "metadata.namespace=default", [("f:metadata.namespace", "default")]),
    ((), ("name",), None, "name=foo", "uid=12345", [("l:name", "foo")]),
    (("uid",), ("name",), None, "name=foo", "uid=12345", [("f:uid", "12345"), ("l:name", "foo")]),
    (("uid",), ("name",), None, "name!=foo", "uid!=12345", []),
    (("uid",), ("name",), None, "name=foo", "uid!=12345", [("l:name", "foo")]),
    (("uid",), ("name",), None, "name!=foo", "uid=12345", [("f:uid", "12345")]),
], ids=["Match nil", "Match field", "Match field for listing namespace pods without metadata.namespace field "
        "selector", "Match field for listing namespace pods with metadata.namespace field selector",
        "Match field for listing all pods without metadata.namespace field selector",
        "Match field for listing all pods with metadata.namespace field selector", "Match label",
        "Match field and label", "Negative match field and label", "Negative match field and match label",
        "Negative match label and match field"])
def test_selection_predicate_matcher_index(index_fields: tuple[str, ...], index_labels: tuple[str, ...],
                                           request_namespace: str | None, label: str, field: str,
                                           expected: list[tuple[str, str]]) -> None:
    predicate = SelectionPredicate(label=Selector.parse(label), field=Selector.parse(field),
                                   index_fields=index_fields, index_labels=index_labels)
    assert [(m.index_name, m.value) for m in predicate.matcher_index(request_namespace)] == expected
