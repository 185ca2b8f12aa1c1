"""The sweep preset: options, the recorded command, crossover statements, and the report end to end."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from storelist.main import build_parser, main
from storelist.run_command import _storelist_plan
from bench.storelist.presets import get_preset, sweep_preset
from reports.sweep import crossover_lines

SMALL = ["--preset", "sweep", "--sweep-total", "1200", "--sweep-namespaces", "40,4,12", "--sweep-nodes", "10"]


def test_sweep_options_choose_the_sizes_and_are_recorded_in_the_command(tmp_path: Path) -> None:
    plan = _storelist_plan(build_parser().parse_args(["run", *SMALL, "--seed", "1", "-o", str(tmp_path / "r")]))
    assert [(s.namespaces, s.pods_per_namespace, s.nodes) for s in plan.preset.shapes] == \
        [(4, 300, 10), (12, 100, 10), (40, 30, 10)]
    assert {case.scope for case in plan.cases} == {"Namespace"} and {c.paginate for c in plan.cases} == {0}
    assert {case.rv_match for case in plan.cases} == {"", "NotOlderThan"}
    again = _storelist_plan(build_parser().parse_args(shlex.split(plan.command())[1:]))
    assert again.preset.shapes == plan.preset.shapes
    default = get_preset("sweep")
    assert [s.namespaces for s in default.shapes] == [10, 30, 100, 300, 1000, 3000, 10000, 30000]
    assert {s.pods for s in default.shapes} == {150_000}


@pytest.mark.parametrize(("argv", "message"), [
    (["--preset", "sweep", "--sweep-namespaces", "10,10"], "namespace counts repeat"),
    (["--preset", "sweep", "--sweep-total", "100", "--sweep-namespaces", "1000"], "cannot fill 1000 namespaces"),
    (["--sweep-total", "5000"], "need --preset sweep"),
    (["--preset", "sweep", "--sweep-namespaces", "ten"], "expected an integer, got 'ten'"),
    (["--preset", "sweep", "--sweep-namespaces", ","], "comma-separated list of namespace counts"),
    (["--preset", "sweep", "--sweep-total", "50", "--sweep-namespaces", "5"], "needs at least 100 pods"),
])
def test_bad_sweep_options_are_refused_in_one_line(argv: list[str], message: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    try:
        status = main(["run", *argv, "-o", str(tmp_path / "out")])
    except SystemExit as exit_:
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_crossovers_are_stated_or_their_absence_is() -> None:
    curves = {"RV=": {"btree": {10: 1.0, 100: 2.0, 1000: 8.0}, "map+index": {10: 2.0, 100: 3.0, 1000: 4.0},
                      "btree+index": {10: 0.5, 100: 1.0, 1000: 4.0}}}
    lines = crossover_lines(curves)
    assert any(line.startswith("RV=, btree vs map+index: crossover at ~") and "between the measured 100 and 1000"
               in line and "btree is faster below, map+index above" in line for line in lines)
    assert "RV=, btree vs btree+index: no crossover in the measured range (10-1000 pods per namespace); " \
           "btree+index is faster throughout" in lines


def test_sweep_run_and_report_end_to_end(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    status = main(["run", *SMALL, "--stores", "btree,map+index", "--processes", "1", "--values", "1",
                   "--warmups", "0", "--loops", "10", "--min-time", "0.001", "--seed", "2", "-o", str(run_dir)])
    assert status == 0
    assert main(["report", str(run_dir)]) == 0
    text = (run_dir / "report.md").read_text()
    section = text.split("## Crossover sweep", 1)[1].split("\n## ", 1)[0]
    for rv in ("RV=", "RV=NotOlderThan"):
        assert f"- {rv}, btree vs map+index: " in section
    assert "(30-300 pods per namespace)" in section or "crossover at ~" in section
    assert (run_dir / "sweep.png").stat().st_size > 10_000
    assert "| Namespaces=40/Pods=1200/Nodes=10 | map+index |" in text  # memory table
    assert sweep_preset(1200, (4, 12, 40), 10).options[3] == "4,12,40"
