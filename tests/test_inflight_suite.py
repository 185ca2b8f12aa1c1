"""The in-flight benchmarks end to end: run -> pyperf compare_to -> compare -> report, and bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from storelist.main import main
from bench.inflight.cells import InFlightCell
from bench.inflight.presets import INFLIGHT_PRESETS
from bench.rundir.manifest import read_manifest
from reports.inflight_report import cell_name

SMOKE = INFLIGHT_PRESETS["inflight-smoke"]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse's own errors exit
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run_dir = tmp_path_factory.mktemp("inflight") / "run"
    # Two samples of three short blocks per cell: the pipeline, not the figures, is under test.
    status = main(["run", "--preset", "inflight-smoke", "--processes", "2", "--blocks", "3", "--warmups", "0",
                   "--block-time", "0.002", "-o", str(run_dir)])
    assert status == 0
    return run_dir


def test_names_are_go_style_and_parse_back() -> None:
    cell = InFlightCell("Done", 1000, 1)
    assert cell.name == "InFlight/Op=Done/InFlight=1000/EventsPerPop=1"
    assert InFlightCell("Event", 10).name == "InFlight/Op=Event/InFlight=10"
    for preset in INFLIGHT_PRESETS.values():  # the report reads back what the name says
        assert all(cell_name(c.name) == (c.op, c.in_flight, c.events_per_pop) for c in preset.cells)
    with pytest.raises(ValueError):
        InFlightCell("Event", 10, 1)
    with pytest.raises(ValueError):
        cell_name("StoreList/Namespaces=1")


def test_the_full_preset_covers_every_operation_count_and_rate() -> None:
    names = {c.name for c in INFLIGHT_PRESETS["inflight"].cells}
    for count in (1, 10, 100, 1000):
        assert f"InFlight/Op=Event/InFlight={count}" in names
        for op in ("Pop", "Done"):
            for rate in (1, 10, 100):
                assert f"InFlight/Op={op}/InFlight={count}/EventsPerPop={rate}" in names


def test_run_writes_one_pyperf_file_per_tracker_and_the_side_files(smoke_run: Path) -> None:
    assert sorted(p.name for p in smoke_run.glob("*.json")) == ["list.json", "marker.json"]
    manifest = read_manifest(smoke_run)
    assert manifest is not None and manifest.suite == "inflight" and manifest.status == "complete"
    assert manifest.configurations == ["marker", "list"]
    assert manifest.benchmarks == [c.name for c in SMOKE.cells]
    assert (smoke_run / "meta" / "inflight-memory.json").exists()
    assert (smoke_run / "meta" / "inflight-simulation.json").exists()


def test_pyperf_compare_to_reads_the_run(smoke_run: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", str(smoke_run / "marker.json"),
                           str(smoke_run / "list.json"), "--table"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "InFlight/Op=Done/InFlight=10/EventsPerPop=1" in done.stdout


def test_worker_metadata_names_the_tracker_and_the_cell(smoke_run: Path) -> None:
    import pyperf
    suite = pyperf.BenchmarkSuite.load(str(smoke_run / "list.json"))
    metadata = suite.get_benchmark("InFlight/Op=Pop/InFlight=10/EventsPerPop=1").get_metadata()
    assert metadata["inflight_tracker"] == "list"
    assert metadata["inflight_in_flight"] == 10 and metadata["inflight_events_per_pop"] == 1
    assert "git_revision" in metadata and "version_pyperf" in metadata


def test_both_trackers_of_a_cell_are_timed_in_one_process_per_round(smoke_run: Path) -> None:
    import pyperf
    manifest = read_manifest(smoke_run)
    assert manifest is not None and manifest.facts["design"] == "paired"
    suites = {tracker: pyperf.BenchmarkSuite.load(str(smoke_run / f"{tracker}.json")) for tracker in ("marker", "list")}
    for cell in SMOKE.cells:
        runs = {tracker: suite.get_benchmark(cell.name).get_runs() for tracker, suite in suites.items()}
        assert [len(r) for r in runs.values()] == [2, 2]  # one run per round and tracker
        for marker_run, list_run in zip(*runs.values()):
            assert marker_run.get_metadata()["storelist_round"] == list_run.get_metadata()["storelist_round"]
            assert len(marker_run.values) == len(list_run.values) == 3
            assert marker_run.get_metadata()["storelist_ratio"] == 1.0
            # The process's ratio is the median of its per-block ratios, list ÷ marker.
            ratios = sorted(b / a for a, b in zip(marker_run.values, list_run.values))
            assert list_run.get_metadata()["storelist_ratio"] == pytest.approx(ratios[1])
            assert list_run.get_metadata()["storelist_design"] == "paired"
        # Loops calibrated in round 1 are kept by round 2.
        assert len({run.get_metadata()["loops"] for run in runs["list"]}) == 1


def test_compare_has_the_trackers_as_columns_marker_first(smoke_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "compare", str(smoke_run))
    assert status == 0
    header = next(line for line in out.splitlines() if "marker" in line)
    assert header.index("marker") < header.index("list")
    for cell in SMOKE.cells:
        assert cell.name in out


def test_report_has_the_tables_memory_simulation_and_plot(smoke_run: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "report", str(smoke_run))
    assert status == 0 and "report.md" in out
    text = (smoke_run / "report.md").read_text()
    assert (smoke_run / "inflight-costs.png").stat().st_size > 0
    for cell in SMOKE.cells:
        assert re.search(rf"^{re.escape(cell.name)} +[\d.]+[nµm] .* [\d.]+[nµm] ", text, re.MULTILINE), cell.name
    # Memory: the list tracker's list has I + E nodes, the marker tracker's E.
    for count in SMOKE.in_flight:
        events = count * SMOKE.events_per_pop[0]
        assert re.search(rf"\| list +\| {count} +\| {events} +\| {count + events} +\|", text)
        assert re.search(rf"\| marker +\| {count} +\| {events} +\| {events} +\|", text)
    # The simulation: the marker design wrongly parks pods, the list design none.
    marker = re.search(r"^marker +\d+ +\d+ +(\d+)", text, re.MULTILINE)
    listed = re.search(r"^list +\d+ +\d+ +(\d+)", text, re.MULTILINE)
    assert marker and listed and int(marker.group(1)) > 0 and int(listed.group(1)) == 0
    # Case 13 of the upstream-tests issue: why upstream's regression case no longer shows the bug.
    assert "## Checking the bug against upstream's own test" in text and "#122629" in text
    assert "**the first design passes the case**" in text
    assert "storelist run --preset inflight-smoke" in text and "## Environment" in text
    ratios = text[text.index("## Ratios, paired"):text.index("## At the largest")]
    assert "ratio to marker (wall clock)" in ratios
    for cell in SMOKE.cells:
        # Two processes are too few for a finite interval; the estimate is there.
        assert re.search(rf"^{re.escape(cell.name)} +[\d.]+ ± ∞ .*n=2\)$", ratios, re.MULTILINE), cell.name
    assert "Paired design" in text
    # A second report is refused without --force and leaves the first alone.
    before = (smoke_run / "report.md").read_text()
    status, _, err = run_cli(capsys, "report", str(smoke_run))
    assert status == 2 and "--force" in err
    assert (smoke_run / "report.md").read_text() == before


def test_unknown_preset_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "run", "--preset", "inflight-huge", "-o", str(tmp_path / "out"))
    assert status == 2 and "unknown preset 'inflight-huge'" in err and "inflight-smoke" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["--values", "3"], ["--min-time", "0.1"]])
def test_unpaired_sizes_are_refused_for_the_paired_in_flight_suite(argv: list[str], tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "run", "--preset", "inflight-smoke", *argv, "-o", str(tmp_path / "out"))
    assert status == 2 and "use --blocks and --block-time" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["--seed", "3"], ["--stores", "btree"], ["--namespaces", "3"]])
def test_storelist_only_options_are_refused(argv: list[str], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "run", "--preset", "inflight-smoke", *argv, "-o", str(tmp_path / "out"))
    assert status == 2 and "only StoreList presets take" in err
    assert not (tmp_path / "out").exists()


def test_an_existing_output_directory_is_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.txt").write_text("precious")
    status, out, err = run_cli(capsys, "run", "--preset", "inflight-smoke", "-o", str(tmp_path))
    assert status == 2 and out == "" and "already exists and is not empty" in err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    assert (tmp_path / "mine.txt").read_text() == "precious"
