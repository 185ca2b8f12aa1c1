"""Tests for benchstat.names, the parser of benchmark names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from benchstat.gotext import parse_file
from benchstat.names import BenchmarkName, parse_name

EXAMPLE = Path(__file__).parent / "data" / "benchstat_example"

# The Go benchmark's names: 2025 runs had a Store= level, 2026 runs dropped it.
GO_2025 = (
    "BenchmarkStoreList/Namespaces=10000/Pods=150000/Nodes=5000/Store=Btree/Indexed=true"
    "/RV=/Scope=Namespace/Paginate=0-24"
)
GO_2026 = (
    "BenchmarkStoreList/Namespaces=10000/Pods=150000/Nodes=5000/Indexed=true"
    "/RV=/Scope=Namespace/Paginate=0-24"
)
OWN = "StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=/Scope=Namespace/Paginate=0"


def test_go_2025_name_has_store_level_and_gomaxprocs() -> None:
    name = parse_name(GO_2025, go_suffix=True)
    assert name.base == "StoreList"
    assert list(name.levels.items()) == [
        ("Namespaces", "10000"),
        ("Pods", "150000"),
        ("Nodes", "5000"),
        ("Store", "Btree"),
        ("Indexed", "true"),
        ("RV", ""),
        ("Scope", "Namespace"),
        ("Paginate", "0"),
    ]
    assert name.procs == 24


def test_go_2026_name_without_store_level() -> None:
    name = parse_name(GO_2026, go_suffix=True)
    assert name.base == "StoreList"
    assert "Store" not in name.levels
    assert list(name.levels) == ["Namespaces", "Pods", "Nodes", "Indexed", "RV", "Scope", "Paginate"]
    assert name.levels["Paginate"] == "0"
    assert name.procs == 24


def test_go_name_as_read_from_go_text_parses_alike() -> None:
    # benchstat.gotext drops the "Benchmark" marker already; the result is the same.
    assert parse_name(GO_2025.removeprefix("Benchmark"), go_suffix=True) == parse_name(
        GO_2025, go_suffix=True
    )


def test_names_of_the_example_file() -> None:
    names = [parse_name(n, go_suffix=True) for n in parse_file(EXAMPLE / "old.txt").benchmarks]
    assert [(n.base, dict(n.levels), n.procs) for n in names] == [
        ("Encode", {"format": "json"}, 48),
        ("Encode", {"format": "gob"}, 48),
    ]


def test_own_name_keeps_empty_value_and_has_no_procs() -> None:
    name = parse_name(OWN)
    assert name.base == "StoreList"
    assert name.levels["RV"] == ""
    assert name.levels["Paginate"] == "0"
    assert name.procs is None


def test_own_name_never_loses_a_dash_suffix() -> None:
    assert parse_name("StoreList/Store=Btree-24").levels["Store"] == "Btree-24"
    assert parse_name("InFlight/Offset=-1").levels["Offset"] == "-1"
    assert parse_name("InFlight/Offset=-1").procs is None
    assert parse_name("Encode-48").base == "Encode-48"


def test_benchmark_marker_is_only_dropped_from_go_names() -> None:
    assert parse_name("BenchmarkStoreList/Paginate=0").base == "BenchmarkStoreList"
    assert parse_name("BenchmarkStoreList/Paginate=0", go_suffix=True).base == "StoreList"


def test_in_flight_name() -> None:
    name = parse_name("InFlight/Op=Add/InFlight=1000")
    assert name == BenchmarkName("InFlight", {"Op": "Add", "InFlight": "1000"}, None)


def test_base_only_names() -> None:
    assert parse_name("StoreList") == BenchmarkName("StoreList", {}, None)
    assert parse_name("Encode-48", go_suffix=True) == BenchmarkName("Encode", {}, 48)


def test_go_suffix_needs_digits_after_the_dash() -> None:
    assert parse_name("Encode/format=json-", go_suffix=True).levels["format"] == "json-"
    assert parse_name("Encode/format=json-x8", go_suffix=True).procs is None
    # Like benchstat, a trailing -<digits> in a Go name is GOMAXPROCS even in a value.
    offset = parse_name("Page/Offset=-1", go_suffix=True)
    assert (offset.levels["Offset"], offset.procs) == ("", 1)


def test_value_may_contain_equals() -> None:
    assert parse_name("StoreList/Selector=a=b").levels["Selector"] == "a=b"


@pytest.mark.parametrize(
    ("name", "go_suffix", "message"),
    [
        ("StoreList/Btree", False, "level 'Btree' is not key=value"),
        ("StoreList//Paginate=0", False, "level '' is not key=value"),
        ("StoreList/Paginate=0/", False, "level '' is not key=value"),
        ("StoreList/=0", False, "level '=0' has an empty key"),
        ("/Paginate=0", False, "has an empty base name"),
        ("", False, "has an empty base name"),
        ("Benchmark-24", True, "has an empty base name"),
        ("StoreList/RV=/RV=0", False, "repeats the level key 'RV'"),
        ("BenchmarkStoreList/Btree-24", True, "level 'Btree' is not key=value"),
    ],
)
def test_malformed_names_raise_naming_the_name(name: str, go_suffix: bool, message: str) -> None:
    with pytest.raises(ValueError, match="benchmark name") as raised:
        parse_name(name, go_suffix=go_suffix)
    assert repr(name) in str(raised.value)
    assert message in str(raised.value)


def test_parsed_name_is_immutable_and_hashable() -> None:
    name = parse_name(OWN)
    with pytest.raises(dataclasses.FrozenInstanceError):
        name.base = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        name.levels["RV"] = "0"  # type: ignore[index]
    assert hash(name) == hash(parse_name(OWN))
    assert name != parse_name(OWN.replace("Paginate=0", "Paginate=500"))
