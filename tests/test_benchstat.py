"""Tests for the benchstat package's tables: layout, numbers and footnotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchstat.analysis import BenchTable, Cell, Column, analyze
from benchstat.cells import format_delta, format_range, format_test, superscript
from benchstat.files import benchstat_files, tables_from_files
from benchstat.gotext import parse_file
from benchstat.render import format_table, format_tables
from benchstat.units import common_scale, is_binary_unit

EXAMPLE = Path(__file__).parent / "data" / "benchstat_example"


def _expected_example() -> list[str]:
    lines = (EXAMPLE / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "$ benchstat old.txt new.txt"  # the command, not output
    return lines[1:]


def _note_table(
    unit: str, before: dict[str, list[float]], after: dict[str, list[float]]
) -> BenchTable:
    return BenchTable(unit, [Column("before", before), Column("after", after)])


def _present(cells: tuple[Cell | None, ...]) -> list[Cell]:
    assert all(cell is not None for cell in cells)
    return [cell for cell in cells if cell is not None]


# --- the documented example ------------------------------------------------------


def test_example_output_matches_benchstat_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLE)
    output = benchstat_files([Path("old.txt"), Path("new.txt")])
    assert output.splitlines() == _expected_example()
    assert output == "\n".join(_expected_example()) + "\n"


def test_example_figures() -> None:
    files = [parse_file(EXAMPLE / name, name) for name in ("old.txt", "new.txt")]
    [table] = tables_from_files(files)
    assert table.unit == "sec/op"
    analyzed = analyze(table)
    json_old, json_new = _present(analyzed.cells["Encode/format=json-48"])
    gob_old, gob_new = _present(analyzed.cells["Encode/format=gob-48"])
    assert json_old.summary.center == pytest.approx(1718e-9)
    assert json_new.summary.center == pytest.approx(1422.5e-9)
    spreads = [format_range(c.summary) for c in (json_old, json_new, gob_old, gob_new)]
    assert spreads == ["1%", "1%", "0%", "2%"]
    assert json_new.comparison is not None and gob_new.comparison is not None
    assert format_delta(json_new.comparison, json_old.summary, json_new.summary) == "-17.20%"
    assert format_test(json_new.comparison) == "p=0.000 n=10"
    assert format_delta(gob_new.comparison, gob_old.summary, gob_new.summary) == "~"
    assert abs(gob_new.comparison.p_value - 0.446) < 0.005
    assert analyzed.geomeans is not None
    base_gm, new_gm = analyzed.geomeans
    assert base_gm.value == pytest.approx(2.2949e-6, rel=1e-4)
    assert new_gm.value == pytest.approx(2.0898e-6, rel=1e-4)
    assert new_gm.ratio is not None and (new_gm.ratio - 1) * 100 == pytest.approx(-8.94, abs=0.005)


def test_example_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLE)
    assert benchstat_files([Path("old.txt"), Path("new.txt")], fmt="md") == (
        "- goos: linux\n"
        "- goarch: amd64\n"
        "- pkg: golang.org/x/perf/cmd/benchstat/testdata\n"
        "\n"
        "| sec/op | old.txt | new.txt | vs base |\n"
        "|:--|--:|--:|--:|\n"
        "| Encode/format=json-48 | 1.718µ ± 1% | 1.423µ ± 1% | -17.20% (p=0.000 n=10) |\n"
        "| Encode/format=gob-48 | 3.066µ ± 0% | 3.070µ ± 2% | ~ (p=0.446 n=10) |\n"
        "| geomean | 2.295µ | 2.090µ | -8.94% |\n"
    )


def test_alpha_parameter_controls_significance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLE)
    output = benchstat_files([Path("old.txt"), Path("new.txt")], alpha=0.5)
    gob_line = next(line for line in output.splitlines() if line.startswith("Encode/format=gob"))
    assert "+0.15% (p=0.446 n=10)" in gob_line  # 3070 / 3065.5 - 1


@pytest.mark.parametrize(("confidence", "spread"), [(0.5, "1%"), (0.95, "3%"), (0.99, "4%")])
def test_confidence_parameter_sets_interval(confidence: float, spread: str) -> None:
    values = [float(v) for v in range(100, 110)]
    output = format_table(BenchTable("x", [Column("a", {"r": values})]), confidence=confidence)
    # Median 104.5; order statistics (4, 7), (2, 9), (1, 10) are 1.5, 3.5 and
    # 4.5 away from it, i.e. 1.4%, 3.3% and 4.3%.
    assert f"104.5 ± {spread}" in output


# --- benchstat's own golden outputs (cmd/benchstat/testdata) -----------------------


def test_too_few_samples_footnotes() -> None:
    table = _note_table("sec/op", {"X": [100e-9]}, {"X": [101e-9]})
    assert format_table(table).splitlines() == [
        "  │    before    │              after              │",
        "  │    sec/op    │    sec/op     vs base           │",
        "X   100.0n ± ∞ ¹   101.0n ± ∞ ¹  ~ (p=1.000 n=1) ²",
        "¹ need >= 6 samples for confidence interval at level 0.95",
        "² need >= 4 samples to detect a difference at alpha level 0.05",
    ]


def test_benchmark_set_differs_and_equal_samples_footnotes() -> None:
    table = _note_table(
        "sec/op",
        {"A": [100e-9] * 6, "B": [10000e-9] * 6},
        {"A": [100e-9] * 6, "C": [10000e-9] * 6},
    )
    assert format_table(table).splitlines() == [
        "        │   before    │                after                │",
        "        │   sec/op    │   sec/op     vs base                │",
        "A         100.0n ± 0%   100.0n ± 0%       ~ (p=1.000 n=6) ¹",
        "B         10.00µ ± 0%",
        "C                       10.00µ ± 0%",
        "geomean   1.000µ        1.000µ       +0.00%               ²",
        "¹ all samples are equal",
        "² benchmark set differs from baseline; geomeans may not be comparable",
    ]


def test_row_scaling_keeps_precision_of_smallest_value() -> None:
    before = [115e-9, 114e-9, 115e-9, 115e-9, 115e-9]
    table = _note_table("sec/op", {"FloatSub/100-4": before}, {"FloatSub/100-4": [78.8e-9] * 5})
    assert format_table(table).splitlines() == [
        "               │    before     │                after                │",
        "               │    sec/op     │    sec/op     vs base               │",
        "FloatSub/100-4   115.00n ± ∞ ¹   78.80n ± ∞ ¹  -31.48% (p=0.008 n=5)",
        "¹ need >= 6 samples for confidence interval at level 0.95",
    ]


# --- other layout rules -------------------------------------------------------------


def test_unequal_sample_counts_show_both_counts() -> None:
    before = [1e-6 + i * 1e-9 for i in range(10)]
    after = [2e-6 + i * 1e-9 for i in range(8)]
    table = _note_table("sec/op", {"X": before}, {"X": after})
    [_, _, row] = format_table(table).splitlines()
    assert row.endswith("+99.45% (p=0.000 n=10+8)")  # 2.0035µ / 1.0045µ


def test_single_row_has_no_geomean() -> None:
    table = _note_table("sec/op", {"X": [1.0] * 6}, {"X": [1.0] * 6})
    assert "geomean" not in format_table(table)


def test_zero_medians_footnote_on_geomean() -> None:
    table = _note_table("x", {"A": [0.0] * 6, "B": [0.0] * 6}, {"A": [0.0] * 6, "B": [0.0] * 6})
    # Equal medians count as a ratio of 1, so only the geomeans are missing.
    assert format_table(table).splitlines()[4:] == [
        "geomean              ²               +0.00%               ²",
        "¹ all samples are equal",
        "² summaries must be >0 to compute geomean",
    ]


def test_zero_baseline_gives_question_marks() -> None:
    table = _note_table("y", {"A": [0.0] * 6, "B": [0.0] * 6}, {"A": [5.0] * 6, "B": [5.0] * 6})
    assert format_table(table).splitlines()[2:] == [
        "A         0.000 ± 0%     5.000 ± 0%  ? (p=0.002 n=6)",
        "B         0.000 ± 0%     5.000 ± 0%  ? (p=0.002 n=6)",
        "geomean              ¹   5.000       ?",
        "¹ summaries must be >0 to compute geomean",
    ]


def test_columns_line_up_for_three_configurations() -> None:
    table = BenchTable(
        "sec/op",
        [
            Column("btree", {"List/10": [1e-6 + i * 1e-9 for i in range(10)], "Get": [2e-9] * 10}),
            Column(
                "sortedcontainers",
                {"List/10": [3e-6 + i * 1e-9 for i in range(10)], "Get": [2e-9] * 10},
            ),
            Column("dict", {"List/10": [0.5e-6 + i * 1e-9 for i in range(10)]}),
        ],
    )
    lines = format_table(table).splitlines()
    bars = [i for i, ch in enumerate(lines[0]) if ch == "│"]
    assert len(bars) == 4 and bars == [i for i, ch in enumerate(lines[1]) if ch == "│"]
    assert lines[1].count("vs base") == 2
    # The row shares the prefix of its smallest median (504.5n needs one decimal).
    assert lines[2].split()[:2] == ["List/10", "1004.5n"]
    assert "+199.10% (p=0.000 n=10)" in lines[2] and "-49.78% (p=0.000 n=10)" in lines[2]
    # Get is missing from dict: its cell is blank and the geomean is flagged.
    assert lines[3].rstrip().endswith("~ (p=1.000 n=10) ¹")
    assert lines[-1] == "² benchmark set differs from baseline; geomeans may not be comparable"


def test_row_order_and_missing_values() -> None:
    table = BenchTable(
        "B/op",
        [
            Column("a", {"x": [1024.0] * 6, "y": []}),
            Column("b", {"y": [2048.0] * 6, "x": [1024.0] * 6}),
        ],
        row_order=["y"],
    )
    # y has no values in column a: a blank baseline cell and no comparison.
    assert format_table(table).splitlines()[2:] == [
        "y                        2.000Ki ± 0%",
        "x         1.000Ki ± 0%   1.000Ki ± 0%       ~ (p=1.000 n=6) ¹",
        "geomean   1.000Ki        1.414Ki       +0.00%",
        "¹ all samples are equal",
    ]


def test_format_table_markdown_footnotes_and_missing_cells() -> None:
    table = _note_table("sec/op", {"A": [100e-9], "B": [1e-6] * 6}, {"A": [101e-9]})
    assert format_table(table, fmt="md").splitlines() == [
        "| sec/op | before | after | vs base |",
        "|:--|--:|--:|--:|",
        "| A | 100.0n ± ∞ ¹ | 101.0n ± ∞ ¹ | ~ (p=1.000 n=1) ² |",
        "| B | 1.000µ ± 0% |  |  |",
        "| geomean | 316.2n | 101.0n | +1.00% ³ |",
        "",
        "¹ need >= 6 samples for confidence interval at level 0.95",
        "",
        "² need >= 4 samples to detect a difference at alpha level 0.05",
        "",
        "³ benchmark set differs from baseline; geomeans may not be comparable",
    ]


def test_markdown_escapes_pipes() -> None:
    table = BenchTable("sec/op", [Column("a|b", {"x|y": [1.0] * 6})])
    assert "| x\\|y | 1.000 ± 0% |" in format_table(table, fmt="md")


def test_unknown_format_and_bad_levels_are_rejected() -> None:
    table = BenchTable("sec/op", [Column("a", {"x": [1.0]})])
    with pytest.raises(ValueError, match="unknown format"):
        format_table(table, fmt="html")
    with pytest.raises(ValueError, match="alpha"):
        format_table(table, alpha=2.0)
    with pytest.raises(ValueError, match="no columns"):
        format_table(BenchTable("sec/op", []))


def test_config_lines_print_only_changes_between_tables() -> None:
    tables = [
        BenchTable("sec/op", [Column("a", {"x": [1.0]})], config=[("goos", "linux"), ("pkg", "p")]),
        BenchTable("B/op", [Column("a", {"x": [1.0]})], config=[("goos", "linux"), ("pkg", "p")]),
        BenchTable("sec/op", [Column("a", {"x": [1.0]})], config=[("goos", "linux"), ("pkg", "q")]),
    ]
    blocks = format_tables(tables).split("\n\n")
    firsts = [block.splitlines()[0] for block in blocks]
    assert firsts[0] == "goos: linux" and blocks[0].splitlines()[1] == "pkg: p"
    assert firsts[1].startswith("  │ ")  # nothing changed: straight to the table
    assert firsts[2] == "pkg: q" and blocks[2].splitlines()[1].startswith("  │ ")


# --- number formatting ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.718e-6, 1.423e-6], ["1.718µ", "1.423µ"]),
        ([115e-9, 78.8e-9], ["115.00n", "78.80n"]),
        ([1.326e-3], ["1.326m"]),
        ([2.5, 12.5, 125.0], ["2.500", "12.500", "125.000"]),
        ([125.0], ["125.0"]),
        ([999.94e-6, 1.2e-3], ["999.9µ", "1200.0µ"]),
        ([999.96e-6], ["1.000m"]),  # rounds up into the next prefix
        ([2.5e3, 7.0e9], ["2.500k", "7000000.000k"]),
        ([1.5e-12], ["0.001500n"]),
        ([0.0, 0.0], ["0.000", "0.000"]),
        ([0.0, 3e-9], ["0.000n", "3.000n"]),
    ],
)
def test_common_scale_si(values: list[float], expected: list[str]) -> None:
    scaler = common_scale(values)
    assert [scaler.format(v) for v in values] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1024.0, "1.000Ki"),
        (1020.0 * 1024, "1020.0Ki"),  # [1000, 1024) Ki stays in Ki
        (5e6, "4.768Mi"),
        (64.0, "64.00"),
        (3 * 2**40, "3.000Ti"),
    ],
)
def test_common_scale_binary(value: float, expected: str) -> None:
    assert common_scale([value], binary=True).format(value) == expected


@pytest.mark.parametrize(
    ("unit", "binary"),
    [
        ("B/op", True),
        ("B/s", True),
        ("bytes", True),
        ("text-bytes", True),
        ("sec/op", False),
        ("allocs/op", False),
        ("ops/B", False),
        ("objects/op", False),
    ],
)
def test_is_binary_unit(unit: str, binary: bool) -> None:
    assert is_binary_unit(unit) is binary


def test_superscript() -> None:
    assert superscript(1) + superscript(12) == "¹¹²"


# --- benchstat over files ----------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_files_with_several_units_give_one_table_per_unit(tmp_path: Path) -> None:
    lines = "".join(f"BenchmarkList-8 10 {1000 + i} ns/op 64 B/op 2 allocs/op\n" for i in range(6))
    old = _write(tmp_path / "old.txt", "goos: linux\n" + lines)
    new = _write(tmp_path / "new.txt", "goos: linux\n" + lines.replace("64 B/op", "128 B/op"))
    blocks = benchstat_files([old, new]).split("\n\n")
    assert len(blocks) == 3
    assert blocks[0].startswith("goos: linux\n")
    headers = [block.splitlines()[1 if i == 0 else 0] for i, block in enumerate(blocks)]
    assert [header.count("│") for header in headers] == [3, 3, 3]
    assert "sec/op" in blocks[0] and "B/op" in blocks[1] and "allocs/op" in blocks[2]
    assert "+100.00%" in blocks[1] and "64.00" in blocks[1]


def test_files_with_different_config_are_not_compared(tmp_path: Path) -> None:
    old = _write(tmp_path / "a.txt", "note: before\nBenchmarkX 1 10 ns/op\n")
    new = _write(tmp_path / "b.txt", "note: after\nBenchmarkX 1 12 ns/op\n")
    output = benchstat_files([old, new])
    assert output.count("vs base") == 0
    assert "note: before" in output and "note: after" in output


def test_benchstat_files_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        benchstat_files([])
    with pytest.raises(ValueError, match="nope.txt"):
        benchstat_files([tmp_path / "nope.txt"])
    empty = _write(tmp_path / "empty.txt", "")
    with pytest.raises(ValueError, match="empty.txt: file is empty"):
        benchstat_files([empty])
