"""benchstat's -col and -row (benchstat.projection, benchstat.files), on inputs whose output is derived by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchstat.files import compare_files
from benchstat.projection import Projection

# Six values per configuration, 1000..1050 ns for the first configuration seen and
# k times that for the others. By hand: the median of six is the mean of the 3rd and
# 4th, (1020 + 1030) / 2 = 1025 ns; benchstat's 95% CI for n = 6 is [x_(1), x_(6)] =
# [1000, 1050], so ± max(25, 25) / 1025 = 2.4%, printed "± 2%". Two configurations
# whose values do not overlap give the exact Mann-Whitney p = 2 / C(12, 6) = 2/924 =
# 0.002; the change is k - 1.
VALUES = [1000, 1010, 1020, 1030, 1040, 1050]
# Deliberately out of order: Store is first seen as Map, Indexed as false, so
# benchstat's field-by-field first-seen order is (Map false), (Map true),
# (Btree false), (Btree true), whatever order the tuples themselves came in.
CONFIGURATIONS = [("Map", "false", 4.0), ("Btree", "true", 1.0), ("Map", "true", 3.0), ("Btree", "false", 2.0)]


def _go_file(tmp_path: Path, sizes: tuple[int, ...] = (10,)) -> Path:
    lines = ["goos: linux", "pkg: example/cacher"]
    for size in sizes:
        for store, indexed, factor in CONFIGURATIONS:
            for value in VALUES:
                lines.append(f"BenchmarkList/Store={store}/Indexed={indexed}/N={size}-2\t1000\t{value * factor * size / 10:g} ns/op")
    path = tmp_path / "go.txt"
    path.write_text("\n".join(lines) + "\nPASS\n")
    return path


def test_col_makes_one_column_per_key_tuple_in_first_seen_order_and_takes_the_keys_out_of_the_rows(
        tmp_path: Path) -> None:
    text, caveats = compare_files([_go_file(tmp_path)], col=Projection.parse("/Store,/Indexed", "-col"))
    header, units, row = [line for line in text.splitlines() if "│" in line or line.startswith("List")][:3]
    assert [part.strip() for part in header.split("│")[1:5]] == ["Map false", "Map true", "Btree false", "Btree true"]
    assert "vs base" not in units.split("│")[1]  # the first column, Map false (4x), is the base
    assert row.startswith("List/N=10-2 ")  # /Store= and /Indexed= left the name; -2 stays
    # Base 4100 ns (4 x 1025): 4.100µ ± 2%. Map true is 3/4 of it: -25.00%; Btree false
    # 2/4: -50.00%; Btree true 1/4: -75.00%; every one with p = 0.002 over n = 6.
    assert "4.100µ ± 2%" in row and "3.075µ ± 2%" in row and "2.050µ ± 2%" in row and "1.025µ ± 2%" in row
    assert "-25.00% (p=0.002 n=6)" in row and "-50.00% (p=0.002 n=6)" in row and "-75.00% (p=0.002 n=6)" in row
    assert caveats == []


def test_row_groups_by_the_named_levels(tmp_path: Path) -> None:
    text, _ = compare_files([_go_file(tmp_path, sizes=(10, 20))], col=Projection.parse("/Store,/Indexed", "-col"),
                            row=Projection.parse("/N", "-row"))
    rows = [line for line in text.splitlines() if line[:2] in ("10", "20")]
    # N=20 doubles every value: the base is 8.200µ, the changes are the same ratios.
    assert [row.split()[0] for row in rows] == ["10", "20"]
    assert "4.100µ ± 2%" in rows[0] and "8.200µ ± 2%" in rows[1] and "-75.00% (p=0.002 n=6)" in rows[1]


def test_default_columns_are_the_files(tmp_path: Path) -> None:
    text, _ = compare_files([_go_file(tmp_path)])
    header = next(line for line in text.splitlines() if "│" in line)
    assert str(tmp_path / "go.txt") in header
    assert "List/Store=Btree/Indexed=true/N=10-2" in text  # rows keep every level


@pytest.mark.parametrize(("text", "message"), [("/Store,unit", "unknown key 'unit'"), ("/Store,/Store", "twice"),
                                               ("", "unknown key ''")])
def test_a_bad_projection_is_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Projection.parse(text, "-col")
