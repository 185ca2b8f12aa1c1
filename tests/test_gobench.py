"""Tests for benchstat.gotext, the Go benchmark text format reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchstat.gotext import (
    is_benchmark_line,
    parse_config_line,
    parse_file,
    parse_text,
    tidy_unit,
)

EXAMPLE = Path(__file__).parent / "data" / "benchstat_example"


def test_parses_fixture_config_names_and_values_in_file_order() -> None:
    parsed = parse_file(EXAMPLE / "old.txt", "old.txt")
    assert parsed.label == "old.txt"
    assert dict(parsed.config) == {
        "goos": "linux",
        "goarch": "amd64",
        "pkg": "golang.org/x/perf/cmd/benchstat/testdata",
    }
    assert list(parsed.benchmarks) == ["Encode/format=json-48", "Encode/format=gob-48"]
    json_times = parsed.benchmarks["Encode/format=json-48"]["sec/op"]
    json_ns = (1726, 1723, 1707, 1707, 1713, 1729, 1736, 1707, 1705, 1774)
    assert json_times == [ns * 1e-9 for ns in json_ns]
    assert list(parsed.benchmarks["Encode/format=gob-48"]) == ["sec/op"]
    assert len(parsed.results) == 20
    assert parsed.results[0].iterations == 690848
    assert parsed.results[0].line == 4


def test_label_defaults_to_path_as_given() -> None:
    assert parse_file(EXAMPLE / "new.txt").label == str(EXAMPLE / "new.txt")


def test_keeps_every_unit_of_a_line() -> None:
    text = "BenchmarkList/n=10-8  1000  1500 ns/op  64 B/op  2 allocs/op  7.5 objects/op  3 MB/s\n"
    [result] = parse_text(text, "mem.txt").results
    assert result.values == (
        ("sec/op", 1500 * 1e-9),
        ("B/op", 64.0),
        ("allocs/op", 2.0),
        ("objects/op", 7.5),
        ("B/s", 3e6),
    )


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (5.0, "ns/op", (5e-9, "sec/op")),
        (2.0, "MB/s", (2e6, "B/s")),
        (3.0, "B/op", (3.0, "B/op")),
        (3.0, "B/ns", (3.0, "B/ns")),  # only the numerator is rewritten
        (1.0, "MB*ns/op", (1e6 / 1e9, "B*sec/op")),
        (4.0, "objects/op", (4.0, "objects/op")),
    ],
)
def test_tidy_unit(value: float, unit: str, expected: tuple[float, str]) -> None:
    tidied, tidied_unit = tidy_unit(value, unit)
    assert tidied_unit == expected[1]
    assert tidied == pytest.approx(expected[0], rel=1e-15)


def test_configuration_changes_apply_to_later_lines() -> None:
    text = (
        "goos: linux\n"
        "pkg: a\n"
        "BenchmarkX 1 10 ns/op\n"
        "pkg: b\n"
        "BenchmarkX 1 20 ns/op\n"
        "goos:\n"
        "BenchmarkY 1 30 ns/op\n"
    )
    parsed = parse_text(text, "multi.txt")
    configs = [dict(r.config) for r in parsed.results]
    assert configs == [{"goos": "linux", "pkg": "a"}, {"goos": "linux", "pkg": "b"}, {"pkg": "b"}]
    assert dict(parsed.config) == {}
    assert parsed.benchmarks["X"]["sec/op"] == [10e-9, 20e-9]


def test_ignores_lines_that_are_not_results() -> None:
    text = (
        "Unit objects/op assume=exact\n"
        "BenchmarkEncode\n"  # go test -v prints the name before the result
        "    encode_test.go:12: warming up\n"
        "Benchmarking is fun: yes\n"
        "BenchmarkEncode-8  100  12 ns/op\n"
        "note:value-without-blank\n"
        "PASS\n"
        "ok  \texample.com/enc\t1.2s\n"
    )
    parsed = parse_text(text, "noise.txt")
    assert [r.name for r in parsed.results] == ["Encode-8"]
    assert dict(parsed.config) == {}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("goos: linux", ("goos", "linux")),
        ("cpu: Intel(R) Xeon(R) CPU @ 2.20GHz", ("cpu", "Intel(R) Xeon(R) CPU @ 2.20GHz")),
        ("key:\tvalue", ("key", "value")),
        ("note:", ("note", "")),
        ("Goos: linux", None),
        ("go os: linux", None),
        ("goOS: linux", None),
        (": linux", None),
        ("key:value", None),
    ],
)
def test_parse_config_line(line: str, expected: tuple[str, str] | None) -> None:
    assert parse_config_line(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("BenchmarkX 1 2 ns/op", True),
        ("Benchmark_x", True),
        ("Benchmark", True),
        ("Benchmarking", False),
        ("benchmarkX", False),
    ],
)
def test_is_benchmark_line(line: str, expected: bool) -> None:
    assert is_benchmark_line(line) is expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("BenchmarkX-8  many  12 ns/op", "iteration count 'many' is not an integer"),
        ("BenchmarkX-8  100", "has no measurements"),
        ("BenchmarkX-8  100  fast ns/op", "measurement 'fast'"),
        ("BenchmarkX-8  100  12 ns/op  5", "measurement '5' of benchmark 'X-8' has no unit"),
        ("BenchmarkX-8  100  1_000 ns/op", "measurement '1_000'"),
        ("BenchmarkX-8  100  1e999 ns/op", "measurement '1e999' of benchmark 'X-8' is not a finite"),
        ("BenchmarkX-8  100  1e303 MB/s", "is not a finite number of B/s"),  # once scaled to B/s
    ],
)
def test_malformed_benchmark_line_names_file_and_line(line: str, message: str) -> None:
    text = f"goos: linux\nBenchmarkX-8 1 1 ns/op\n{line}\n"
    with pytest.raises(ValueError, match=r"^bad\.txt:3: ") as excinfo:
        parse_text(text, "bad.txt")
    assert message in str(excinfo.value)


def test_crlf_line_endings_are_accepted() -> None:
    parsed = parse_text("pkg: p\r\nBenchmarkX 1 5 ns/op\r\n", "crlf.txt")
    assert dict(parsed.config) == {"pkg": "p"}
    assert parsed.benchmarks == {"X": {"sec/op": [5e-9]}}


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_empty_file_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match="empty.txt: file is empty"):
        parse_text(text, "empty.txt")


def test_file_without_benchmarks_is_an_error() -> None:
    with pytest.raises(ValueError, match="none.txt: no benchmark results"):
        parse_text("goos: linux\nPASS\n", "none.txt")


def test_unreadable_file_is_a_value_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(ValueError, match="cannot read benchmark file .*missing.txt"):
        parse_file(missing)
    with pytest.raises(ValueError, match="cannot read benchmark file"):
        parse_file(tmp_path)


def test_non_utf8_file_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"note: caf\xe9\nBenchmarkX 1 1 ns/op\n")
    with pytest.raises(ValueError, match="not a UTF-8 text file"):
        parse_file(path)
