"""``storelist benchstat`` on uneven and bad input: what its exit-status help promises.

Uneven input (benchmark sets, units or sample counts that differ between the files)
still prints the tables of what can be compared, names each problem in one
``note:`` line and exits 1. Bad input (unreadable, oversized, binary, non-finite or
without results) prints nothing on stdout, one ``error:`` line, and exits 2.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from benchstat.files import MAX_NAMED
from benchstat.gotext import MAX_FILE_BYTES, parse_file, read_bounded
from storelist.main import main
from storelist.options import EXIT_CAVEATS, EXIT_ERROR, EXIT_OK

EXAMPLE = Path(__file__).parent / "data" / "benchstat_example"
HEADER = "goos: linux\ngoarch: amd64\npkg: example.com/enc\ncpu: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
FOOTER = "PASS\nok  \texample.com/enc\t12.345s\n"


def result_line(name: str, ns: float, memory: bool = True) -> str:
    """One result line in ``go test -bench -benchmem``'s exact layout."""
    line = f"Benchmark{name}   \t 1000000\t{ns:>10} ns/op"
    if memory:
        line += f"\t{512:>8} B/op\t{7:>8} allocs/op"
    return line + "\n"


def go_file(path: Path, runs: dict[str, int], memory: bool = True, header: str = HEADER) -> Path:
    """A Go benchmark file with ``runs[name]`` result lines per benchmark, as ``-count`` does."""
    lines = [result_line(name, 1200 + 3 * i, memory) for name, n in runs.items() for i in range(n)]
    path.write_text(header + "".join(lines) + FOOTER, encoding="utf-8")
    return path


def benchstat(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, list[str]]:
    """Exit status, stdout and stderr lines of ``storelist benchstat ARGS``; never a traceback."""
    try:
        status = main(["benchstat", *map(str, args)])
    except SystemExit as exit_:  # argparse's own errors exit
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err.splitlines()


def assert_notes(lines: Sequence[str], *expected: Sequence[str]) -> None:
    """One note line per problem, each holding its fragments."""
    assert len(lines) == len(expected), lines
    for line, fragments in zip(lines, expected):
        assert line.startswith("storelist benchstat: note: "), line
        for fragment in fragments:
            assert fragment in line, (fragment, line)


def assert_refused(status: int, out: str, lines: Sequence[str], *fragments: str) -> None:
    """Nothing done: exit 2, empty stdout, one error line holding the fragments."""
    assert status == EXIT_ERROR
    assert out == ""
    assert len(lines) == 1, lines
    assert lines[0].startswith("storelist benchstat: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# --- comparable input ------------------------------------------------------------


def test_the_example_has_nothing_to_note(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = benchstat(capsys, EXAMPLE / "old.txt", EXAMPLE / "new.txt")
    assert (status, err) == (EXIT_OK, [])
    assert "vs base" in out


def test_files_of_the_same_shape_have_nothing_to_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 10, "Decode-8": 10})
    new = go_file(tmp_path / "new.txt", {"Encode/json-8": 10, "Decode-8": 10})
    status, out, err = benchstat(capsys, old, new)
    assert (status, err) == (EXIT_OK, [])
    assert out.count("vs base") == 3  # sec/op, B/op, allocs/op


def test_a_single_file_is_a_summary_with_nothing_to_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only = go_file(tmp_path / "only.txt", {"Encode/json-8": 10, "Decode-8": 3})
    status, out, err = benchstat(capsys, only)
    assert (status, err) == (EXIT_OK, [])
    assert "Encode/json-8" in out


# --- uneven input: notes, exit 1, the tables still printed ------------------------


def test_uneven_sample_counts_are_noted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 10})
    new = go_file(tmp_path / "new.txt", {"Encode/json-8": 8})
    status, out, err = benchstat(capsys, old, new)
    assert status == EXIT_CAVEATS
    assert "n=10+8" in out  # benchstat's own cell, base first
    # One note for the benchmark, not one per unit of its lines.
    assert_notes(err, (f"{new} vs {old}", "sample counts differ", "Encode/json-8 n=8 vs n=10"))


def test_files_sharing_no_benchmark_are_noted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 10})
    new = go_file(tmp_path / "new.txt", {"Decode-8": 10})
    status, out, err = benchstat(capsys, old, new)
    assert status == EXIT_CAVEATS
    assert "Encode/json-8" in out and "Decode-8" in out
    assert_notes(err, (f"{new} vs {old}", "benchmark sets differ", "lacks 1 (Encode/json-8)",
                       "adds 1 (Decode-8)", "nothing is compared"))


def test_files_each_lacking_some_of_the_others_benchmarks_are_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 10, "Encode/gob-8": 10})
    new = go_file(tmp_path / "new.txt", {"Encode/json-8": 10, "Decode-8": 10})
    status, out, err = benchstat(capsys, old, new)
    assert status == EXIT_CAVEATS
    assert "vs base" in out
    assert_notes(err, (f"{new} vs {old}", "lacks 1 (Encode/gob-8) and adds 1 (Decode-8)"))
    assert "nothing is compared" not in err[0]


def test_many_differing_benchmarks_are_counted_but_not_all_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [f"Encode/n={n}-8" for n in range(MAX_NAMED + 3)]
    old = go_file(tmp_path / "old.txt", {"Decode-8": 5, **dict.fromkeys(names, 5)})
    new = go_file(tmp_path / "new.txt", {"Decode-8": 5})
    status, _, err = benchstat(capsys, old, new)
    assert status == EXIT_CAVEATS
    assert_notes(err, (f"lacks {len(names)} (", names[MAX_NAMED - 1], "and 3 more)"))
    assert names[MAX_NAMED] not in err[0]


def test_a_unit_in_one_file_only_is_noted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 10})
    new = go_file(tmp_path / "new.txt", {"Encode/json-8": 10}, memory=False)  # no -benchmem
    status, out, err = benchstat(capsys, old, new)
    assert status == EXIT_CAVEATS
    assert out.count("vs base") == 1  # sec/op only
    assert_notes(err, (f"{new} vs {old}", "units differ", "lacks B/op, allocs/op for Encode/json-8"))


def test_a_benchmark_in_different_units_is_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.txt"
    old.write_text(HEADER + "".join(result_line("Encode/json-8", 1200 + i, memory=False)
                                    for i in range(5)))
    new = tmp_path / "new.txt"
    new.write_text(HEADER + "".join(f"BenchmarkEncode/json-8   \t 1000000\t{500 + i:>8} B/op\n"
                                    for i in range(5)))
    status, out, err = benchstat(capsys, old, new)
    assert status == EXIT_CAVEATS
    assert "sec/op" in out and "B/op" in out and "vs base" not in out
    assert_notes(err, (f"{new} vs {old}", "lacks sec/op for Encode/json-8",
                       "adds B/op for Encode/json-8", "not compared"))


def test_files_of_different_configurations_are_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    amd = go_file(tmp_path / "amd.txt", {"Encode/json-8": 10})
    arm = go_file(tmp_path / "arm.txt", {"Encode/json-8": 10}, header=HEADER.replace("amd64", "arm64"))
    status, out, err = benchstat(capsys, amd, arm)
    assert status == EXIT_CAVEATS
    assert "goarch: amd64" in out and "goarch: arm64" in out
    assert_notes(err, ("goarch=amd64: ", f"{arm} has no results for Encode/json-8",
                       f"only {amd} has them"),
                 ("goarch=arm64: ", f"{amd} has no results for Encode/json-8"))


def test_each_problem_is_one_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 10, "Encode/gob-8": 10})
    new = go_file(tmp_path / "new.txt", {"Encode/json-8": 8}, memory=False)
    status, _, err = benchstat(capsys, old, new, "--format", "md")
    assert status == EXIT_CAVEATS
    assert_notes(err, ("benchmark sets differ", "lacks 1 (Encode/gob-8)"),
                 ("units differ", "lacks B/op, allocs/op for Encode/json-8"),
                 ("sample counts differ", "Encode/json-8 n=8 vs n=10"))


# --- bad input: one error line, nothing on stdout, exit 2 --------------------------


@pytest.mark.parametrize(
    ("measurement", "fragment"),
    [
        ("1e999 ns/op", "measurement '1e999' of benchmark 'Encode/json-8' is not a finite number of sec/op"),
        ("-1e999 ns/op", "is not a finite number of sec/op"),
        ("1e303 MB/s", "is not a finite number of B/s"),  # finite as written, not once scaled
        ("nan ns/op", "measurement 'nan' of benchmark 'Encode/json-8' is not a number"),
        ("NaN ns/op", "is not a number"),
        ("+Inf ns/op", "is not a number"),
    ],
)
def test_a_value_that_is_not_finite_is_refused_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], measurement: str, fragment: str
) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 3})
    bad = tmp_path / "bad.txt"
    bad.write_text(HEADER + result_line("Encode/json-8", 1200)
                   + f"BenchmarkEncode/json-8   \t 1000000\t {measurement}\n" + FOOTER)
    assert_refused(*benchstat(capsys, old, bad), f"{bad}:6: ", fragment)


def test_an_endless_device_is_refused_after_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 3})
    assert_refused(*benchstat(capsys, old, "/dev/zero"),
                   "/dev/zero: not Go benchmark text: larger than", f"{MAX_FILE_BYTES:,} bytes")


def test_a_file_over_the_limit_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = go_file(tmp_path / "big.txt", {"Encode/json-8": 3})
    os.truncate(big, MAX_FILE_BYTES + 1)  # sparse: the size check comes before any other
    assert_refused(*benchstat(capsys, big), f"{big}: not Go benchmark text: larger than")


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    text = HEADER + result_line("Encode/json-8", 1200)
    path = tmp_path / "exact.txt"
    path.write_text(text, encoding="utf-8")
    assert len(parse_file(path, limit=len(text)).results) == 1
    with pytest.raises(ValueError, match=f"larger than {len(text) - 1:,} bytes"):
        parse_file(path, limit=len(text) - 1)


def test_a_pipe_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    limit = 1000
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    refused = threading.Event()
    closed_early: list[bool] = []

    def write() -> None:
        with open(fifo, "wb") as stream:
            stream.write(b"x" * (limit + 1))
            stream.flush()
            # Keeps the pipe open: a reader wanting more than limit + 1 bytes blocks
            # until this gives up, and then it is too late.
            closed_early.append(not refused.wait(timeout=10))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(ValueError, match=f"larger than {limit:,} bytes"):
            read_bounded(fifo, limit)
    finally:
        refused.set()
        writer.join()
    assert closed_early == [False]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"B\0e\0n\0c\0h\0m\0a\0r\0k\0", "not Go benchmark text: NUL byte at byte 1"),
        (HEADER.encode() + b"BenchmarkX-8 1 12 ns/op\n\0\0\0\0", "NUL byte at byte"),
        (b"\xff\xfeB\0e\0n\0", "NUL byte at byte 3"),  # UTF-16 with its BOM
        (b"note: caf\xe9\nBenchmarkX-8 1 12 ns/op\n", "not a UTF-8 text file (invalid continuation byte"),
        (b"\x89PNG\r\n\x1a\n", "not Go benchmark text"),
    ],
)
def test_a_binary_file_is_not_go_benchmark_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, fragment: str
) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 3})
    binary = tmp_path / "binary.dat"
    binary.write_bytes(content)
    assert_refused(*benchstat(capsys, old, binary), f"{binary}: ", fragment)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "file is empty"),
        ("\n  \n", "file is empty"),
        (HEADER + "PASS\nok  \texample.com/enc\t0.002s\n", "no benchmark results"),
        (HEADER + "BenchmarkEncode/json-8\n", "no benchmark results"),  # a name, no result
    ],
)
def test_a_file_without_results_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 3})
    empty = tmp_path / "empty.txt"
    empty.write_text(text, encoding="utf-8")
    assert_refused(*benchstat(capsys, old, empty), f"{empty}: {fragment}")


def test_a_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 3})
    assert_refused(*benchstat(capsys, old, tmp_path), "cannot read benchmark file", "Is a directory")


def test_a_missing_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 3})
    assert_refused(*benchstat(capsys, old, tmp_path / "nope.txt"),
                   "cannot read benchmark file", "nope.txt", "No such file or directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 3})
    locked = go_file(tmp_path / "locked.txt", {"Encode/json-8": 3})
    locked.chmod(0)
    try:
        assert_refused(*benchstat(capsys, old, locked), "cannot read benchmark file", "Permission denied")
    finally:
        locked.chmod(0o600)


def test_a_bad_option_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = go_file(tmp_path / "old.txt", {"Encode/json-8": 3})
    assert_refused(*benchstat(capsys, old, "--format", "xml"), "invalid choice: 'xml'")
