"""The storelist command: an end-to-end run at a tiny size, compare's two modes, and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyperf
import pytest

from storelist.main import main
from bench.storelist.presets import get_preset
from bench.rundir.layout import manifest_path
from bench.rundir.manifest import read_manifest
from bench.rundir.results import load_run
from reports.environment import environment_section
from benchstat.files import benchstat_files
from stores import STORE_NAMES
from synthetic_runs import manifest, spread, write_paired_run, write_run

BENCHSTAT_EXAMPLE = Path(__file__).parent / "data" / "benchstat_example"
PUBLISHED_CASES = get_preset("published").cases()
CELLS = [case.name for case in PUBLISHED_CASES[:2]]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "error:" in lines[0] and "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def synthetic(tmp_path: Path, name: str, stores: tuple[str, ...] = STORE_NAMES, n: int = 10,
              cells: list[str] = CELLS, factor: float = 1.0) -> Path:
    """A complete run of ``cells`` on ``stores`` (the base 10 µs, each next store 2x slower)."""
    samples = {store: {cell: spread(10e-6 * factor * 2 ** index, n) for cell in cells}
               for index, store in enumerate(stores)}
    cases = [case for case in PUBLISHED_CASES if case.name in cells]
    return write_run(tmp_path / name, samples, manifest(cases, stores, processes=n))


# ---------------------------------------------------------------------------
# End to end: run -> pyperf compare_to -> compare -> report, at a tiny size
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run_dir = tmp_path_factory.mktemp("e2e") / "run"
    status = main(["run", "--namespaces", "4", "--pods-per-namespace", "25", "--nodes", "3",
                   "--processes", "2", "--values", "1", "--warmups", "0", "--loops", "20",
                   "--min-time", "0.001", "--seed", "5", "-o", str(run_dir)])
    assert status == 0
    return run_dir


def test_run_writes_one_pyperf_file_per_configuration(real_run: Path) -> None:
    assert sorted(path.name for path in real_run.glob("*.json")) == sorted(f"{s}.json" for s in STORE_NAMES)
    recorded = read_manifest(real_run)
    assert recorded is not None and recorded.status == "complete" and recorded.seed == 5
    assert recorded.rounds_completed == 2
    assert "--seed 5" in recorded.command and "--namespaces 4" in recorded.command


def test_pyperf_compare_to_reads_the_run(real_run: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", str(real_run / "btree+index.json"),
                           str(real_run / "btree.json")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "StoreList/Namespaces=4/Pods=100/Nodes=3/RV=/Scope=Namespace/Paginate=0" in done.stdout


def test_compare_and_report_of_the_real_run(real_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "compare", str(real_run))
    assert status == 0, err
    header = next(line for line in out.splitlines() if "│" in line)
    assert all(store in header for store in STORE_NAMES)
    assert "StoreList/Namespaces=4/Pods=100/Nodes=3/RV=NotOlderThan/Scope=Namespace/Paginate=0" in out
    assert "n=2" in out and "geomean" in out
    copy = tmp_path / "run"
    shutil.copytree(real_run, copy)
    status, out, err = run_cli(capsys, "report", str(copy))
    assert status == 0, err
    report = (copy / "report.md").read_text()
    assert "## Reproduced table (benchstat)" in report and "(medians.png)" in report
    assert "objects/op" in report and "| 25 | 1 |" in report  # 25 pods per namespace, one page
    phases = report.split("## Where the time goes", 1)[1].split("\n## ", 1)[0]
    assert "(phases.png)" in report and (copy / "phases.png").stat().st_size > 0
    for store in STORE_NAMES:  # every configuration of both cells, with the end-to-end median beside
        assert sum(line.startswith(f"| Namespaces=4/Pods=100/Nodes=3/RV=") and f"| {store} |" in line
                   for line in phases.splitlines()) == 2
    assert "accounts for most of each configuration's difference from btree+index" in phases


def test_a_registry_run_of_exemplar_pods_reports_memory_copy_and_write_costs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = tmp_path / "registry"
    status = main(["run", "--namespaces", "4", "--pods-per-namespace", "25", "--nodes", "3", "--stores", "btree,map",
                   "--pods", "exemplar", "--indexers", "registry", "--processes", "2", "--values", "1",
                   "--warmups", "0", "--loops", "20", "--min-time", "0.001", "--blocks", "2", "--seed", "5",
                   "-o", str(run_dir)])
    assert status == 0
    recorded = read_manifest(run_dir)
    assert recorded is not None and "--pods exemplar --indexers registry" in recorded.command
    writes = [f"StoreWrite/Namespaces=4/Pods=100/Nodes=3/Op={op}" for op in ("Create", "Update", "Delete")]
    assert [cell for cell in recorded.benchmarks if cell.startswith("StoreWrite/")] == writes
    status, out, err = run_cli(capsys, "report", str(run_dir))
    assert status == 0, err
    report = (run_dir / "report.md").read_text()
    assert "## Write cost" in report and "Indexer profile `registry`" in report
    for op in ("| Create |", "| Update |", "| Delete |"):
        assert op in report
    assert "## Result copy" in report and "| exemplar |" in report and "| minimal |" in report
    assert "| btree | exemplar | registry |" in report  # the memory table names the profiles


GO_DATA = Path(__file__).parent / "data" / "go"


def _go_rows(report: str) -> dict[tuple[str, str], list[str]]:
    section = report.split("## Go on this machine", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines()
            if line.startswith("| StoreList/")]
    return {(row[0], row[1]): row[2:] for row in rows}


def test_report_sets_go_results_of_both_name_forms_beside_ours(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "run")  # the two 10k-namespace cells; ours: btree 2x, map+index 4x, map 8x the base
    status, out, err = run_cli(capsys, "report", str(run), "--go", str(GO_DATA / "storelist-2025.txt"),
                               "--go", str(GO_DATA / "storelist-2026.txt"))
    assert status == 1  # a note: the unmatched Go benchmarks
    rows = _go_rows((run / "report.md").read_text())
    rv, not_older = CELLS
    # 2025 file, RV="": medians of two lines each: 20870, 20240, 19830, 1068340 ns.
    # Go ratios 20240/20870 = 0.970, 19830/20870 = 0.950, 1068340/20870 = 51.2; published
    # (10k-namespace RV= row) 20.14/20.77 = 0.970, 19.73/20.77 = 0.950, 1067.34/20.77 = 51.4.
    assert rows[(rv, "btree+index")][:4] == ["20.87 µs ± ∞ (n=2)", "1", "1", "1"]
    assert rows[(rv, "btree")][1:4] == ["0.97", "2", "0.97"]
    assert rows[(rv, "map+index")][1:4] == ["0.95", "4", "0.95"]
    assert rows[(rv, "map")][1:4] == ["51.2", "8", "51.4"]
    assert rows[(rv, "btree")][4:] == ["15", "1", "19712", "172"]  # objects/op, pages/op, B/op, allocs/op
    # 2026 file (no Store level: the B-tree), NotOlderThan: 15100 / 18100 = 0.834; no -benchmem.
    assert rows[(not_older, "btree+index")][0] == "18.10 µs ± ∞ (n=2)"
    assert rows[(not_older, "btree")][1] == "0.834" and rows[(not_older, "btree")][4:] == ["15", "1", "—", "—"]
    assert (not_older, "map") not in rows  # the 2026 file has no map
    unmatched = ["StoreList/Namespaces=10000/Pods=150000/Nodes=5000/Store=Btree/Indexed=true/RV=/Scope=Cluster/Paginate=1000-24",
                 "StoreCreateList/Store=Btree/RV=NotOlderThan/Indexed=true-24"]
    assert all(name in err for name in unmatched) and "match no cell" in err


def test_report_refuses_a_go_file_that_is_not_go_benchmark_output(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "run")
    status, out, err = run_cli(capsys, "report", str(run), "--go", str(run / "btree.json"))
    assert status == 2
    assert_one_line_error(err, "btree.json", "no benchmark results")
    assert not (run / "report.md").exists()


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------


def test_compare_one_run_has_the_published_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "a")
    status, out, err = run_cli(capsys, "compare", str(run))
    assert status == 0 and err == ""
    header = next(line for line in out.splitlines() if "│" in line)
    positions = [header.index(store + " ") for store in STORE_NAMES]
    assert positions == sorted(positions)  # columns in published order, base first
    assert "vs base" in out and "+100.00% (p=0.000 n=10)" in out and "+300.00%" in out
    assert out.splitlines()[-1].startswith("geomean")
    status, md, _ = run_cli(capsys, "compare", str(run), "--format", "md")
    assert status == 0 and "| sec/op | btree+index | btree | vs base |" in md


def test_compare_several_runs_puts_each_configuration_across_runs(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    first, second = synthetic(tmp_path, "a"), synthetic(tmp_path, "b", factor=1.5)
    status, out, err = run_cli(capsys, "compare", str(first), str(second))
    assert status == 0 and err == ""
    for store in STORE_NAMES:
        assert f"store: {store}" in out
    assert out.count("+50.00% (p=0.000 n=10)") == 2 * len(STORE_NAMES)  # two cells per table
    assert str(first) in out and str(second) in out


def test_compare_of_an_embedded_and_an_etcd_run_says_what_etcd_adds_per_cell(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [case for case in PUBLISHED_CASES if case.name in CELLS]
    stores = ("btree+index", "btree")
    embedded = {store: {cell: spread(10e-6, 10) for cell in CELLS} for store in stores}
    # etcd adds 500 µs to the first cell of both configurations, nothing to the second.
    over_etcd = {store: {CELLS[0]: spread(510e-6, 10), CELLS[1]: spread(10e-6, 10)} for store in stores}
    first = write_run(tmp_path / "emb", embedded, manifest(cases, stores),
                      metadata={"storelist_storage": "embedded", "storelist_clock": "wall"})
    second = write_run(tmp_path / "etcd", over_etcd, manifest(cases, stores),
                       metadata={"storelist_storage": "etcd", "storelist_clock": "wall"})
    # As a real run over etcd records it: its write cells name no storage (they time none).
    path = second / "btree.json"
    suite = pyperf.BenchmarkSuite.load(str(path))
    suite.add_benchmark(pyperf.Benchmark([pyperf.Run([1e-6] * 2, metadata={
        "name": "StoreWrite/Namespaces=10000/Pods=150000/Nodes=5000/Op=Add", "unit": "second", "loops": 1},
        collect_metadata=False)]))
    path.unlink()
    suite.dump(str(path))
    status, out, err = run_cli(capsys, "compare", str(second), str(first))
    assert "Traceback" not in err and "clock" not in err  # notes of the added write cell only
    table = out[out.index("what etcd adds"):]
    assert f"{second} (etcd) against {first} (embedded)" in table
    added, same = (next(line for line in table.splitlines() if line.startswith(cell) and "btree " in line + " ")
                   for cell in CELLS)
    assert "500.0µs [" in added and "p=0.000 n=10+10" in added and "51" in added.split()[-1]
    assert "[-66.67ns, 66.67ns] (p=1.000 n=10+10)" in same and same.split()[-1] == "1"
    status, md, _ = run_cli(capsys, "compare", str(second), str(first), "--format", "md")
    assert "| cell | configuration | embedded sec/op | etcd sec/op | etcd - embedded [95% CI] |" in md
    # Another clock on one side: shown, with a one-line caveat.
    third = write_run(tmp_path / "cpu", embedded, manifest(cases, stores, clock="cpu"),
                      metadata={"storelist_storage": "embedded", "storelist_clock": "cpu"})
    status, out, err = run_cli(capsys, "compare", str(third), str(second))
    assert status == 1 and "what etcd adds" in out
    assert "cpu clock" in err and "--clock wall" in err and "Traceback" not in err


def test_compare_of_paired_runs_sets_their_ratios_side_by_side_and_says_how_they_agree(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratios = [0.90 + 0.002 * i for i in range(10)]  # 0.900 .. 0.918, estimate 0.909
    others = STORE_NAMES[1:]
    agreeing = [write_paired_run(tmp_path / name, {store: {CELLS[0]: ratios} for store in others})
                for name in ("r1", "r2")]
    shifted = write_paired_run(tmp_path / "r3", {store: {CELLS[0]: [r * 1.1 for r in ratios]} for store in others})
    status, out, err = run_cli(capsys, "compare", *map(str, [*agreeing, shifted]))
    assert status == 0, err
    table = out[out.index("ratio to the base across runs"):]
    row = next(line for line in table.splitlines() if line.startswith(CELLS[0]))
    assert row.count("0.909 [") == 2 and "1.00 [0.99, 1.01]" in row  # r3: 0.909 x 1.1
    assert "2/6" in row  # only r1 and r2 hold each other's estimate
    assert float(row.split()[-1]) < 0.001
    assert "estimates inside the other runs' 95% intervals: 6 of 18 (33%" in table
    assert "runs differ (Kruskal-Wallis p < 0.05) for 3 of 3 cell-configurations" in table
    status, out, _ = run_cli(capsys, "compare", str(agreeing[0]))
    assert "across runs" not in out  # one run: nothing to set beside
    status, md, _ = run_cli(capsys, "compare", *map(str, [*agreeing, shifted]), "--format", "md")
    assert "| ratio to the base across runs | configuration |" in md and "6 of 18 (33%" in md
    # Ratios to another base are another quantity: such a run is left out, with a note.
    other_base = write_paired_run(tmp_path / "r4", {"map": {CELLS[0]: ratios}}, base="btree")
    status, out, err = run_cli(capsys, "compare", str(agreeing[0]), str(agreeing[1]), str(other_base))
    table = out[out.index("ratio to the base across runs"):]
    assert str(other_base) not in table.splitlines()[0]
    assert f"ratios across runs: {other_base} left out (base btree" in err


def test_compare_names_missing_configurations_and_compares_the_rest(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "a")
    (run / "map.json").unlink()
    (run / "map+index.json").unlink()
    status, out, err = run_cli(capsys, "compare", str(run))
    assert status == 1
    assert "btree+index" in out and "map" not in out.split("\n", 3)[3]
    assert "missing configurations map+index, map" in err and "Traceback" not in err


def test_compare_says_when_benchmark_sets_differ(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = synthetic(tmp_path, "a")
    second = synthetic(tmp_path, "b", cells=CELLS[:1])
    status, out, err = run_cli(capsys, "compare", str(first), str(second))
    assert status == 1
    assert "benchmark set differs from baseline; geomeans may not be comparable" in out  # benchstat's footnote
    assert "benchmark sets differ" in err and f"{second} lacks 1 and adds 0 cells" in err


def test_compare_says_when_sample_counts_differ(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = synthetic(tmp_path, "a"), synthetic(tmp_path, "b", n=8)
    status, out, err = run_cli(capsys, "compare", str(first), str(second))
    assert status == 1
    assert "n=10+8" in out
    assert "sample counts differ" in err


@pytest.mark.parametrize("damage", ["garbage", "truncated", "not pyperf", "empty"])
def test_compare_refuses_a_corrupt_json_file_and_leaves_it_alone(damage: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "a")
    target = run / "btree.json"
    content = {"garbage": "{{{ nope", "truncated": target.read_text()[:50], "not pyperf": '{"hello": 1}',
               "empty": ""}[damage]
    target.write_text(content)
    status, out, err = run_cli(capsys, "compare", str(run))
    assert status == 2 and out == ""
    assert_one_line_error(err, "storelist compare", str(target))
    assert target.read_text() == content


@pytest.mark.parametrize("side_file", ["meta/run.json", "meta/ops-btree.json"])
def test_compare_refuses_a_corrupt_side_file(side_file: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "a")
    (run / side_file).write_text("[1, 2")
    status, out, err = run_cli(capsys, "compare", str(run))
    assert status == 2 and out == ""
    assert_one_line_error(err, str(run / side_file), "not valid JSON")
    assert (run / side_file).read_text() == "[1, 2"


@pytest.mark.parametrize("kind", ["missing", "file", "empty dir"])
def test_compare_refuses_what_is_not_a_run(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x"
    if kind == "file":
        path.write_text("hello")
    elif kind == "empty dir":
        path.mkdir()
    status, _, err = run_cli(capsys, "compare", str(path))
    assert status == 2
    assert_one_line_error(err, str(path))


@pytest.mark.parametrize("command", ["compare", "report"])
def test_a_run_written_before_the_shared_manifest_is_refused_in_one_line(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "old")
    path = manifest_path(run)
    old = json.loads(path.read_text())
    old.update(format=1, kind="storelist", stores=old.pop("configurations"), cells=[])
    path.write_text(json.dumps(old))
    before = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    status, out, err = run_cli(capsys, command, str(run))
    assert status == 2 and out == ""
    assert_one_line_error(err, str(path), "manifest format 1", "re-run it")
    assert {p: p.read_bytes() for p in run.rglob("*") if p.is_file()} == before


# ---------------------------------------------------------------------------
# run: bad input never touches anything
# ---------------------------------------------------------------------------


def test_run_refuses_an_existing_non_empty_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.txt").write_text("precious")
    status, out, err = run_cli(capsys, "run", "--preset", "smoke", "-o", str(tmp_path))
    assert status == 2 and out == ""
    assert_one_line_error(err, "already exists and is not empty")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    assert (tmp_path / "mine.txt").read_text() == "precious"


@pytest.mark.parametrize(("argv", "message"), [
    (["--preset", "nonesuch"], "unknown preset 'nonesuch'; valid presets: published, smoke, full, sweep"),
    (["--stores", "btree,hash"], "unknown store 'hash'"),
    (["--namespaces", "3"], "custom sizes need all of"),
    (["--preset", "published", "--namespaces", "3", "--pods-per-namespace", "2", "--nodes", "1"], "either --preset or"),
    (["--fast", "--rigorous"], "not allowed with argument"),
    (["--processes", "0"], "must be at least 1"),
    (["--namespaces", "3", "--pods-per-namespace", "2", "--nodes", "1"], "needs at least 100 pods"),
])
def test_run_rejects_bad_options_in_one_line(argv: list[str], message: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    try:
        status = main(["run", *argv, "-o", str(target)])
    except SystemExit as exit_:  # argparse's own errors exit
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert_one_line_error(err, message)
    assert not target.exists()


# ---------------------------------------------------------------------------
# benchstat, report and inflight wiring
# ---------------------------------------------------------------------------


def test_benchstat_wraps_benchstat_files(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = BENCHSTAT_EXAMPLE / "old.txt", BENCHSTAT_EXAMPLE / "new.txt"
    status, out, _ = run_cli(capsys, "benchstat", str(old), str(new))
    assert status == 0 and out == benchstat_files([old, new])
    status, md, _ = run_cli(capsys, "benchstat", str(old), str(new), "--format", "md")
    assert status == 0 and md == benchstat_files([old, new], "md")


def test_benchstat_reports_a_missing_file_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "benchstat", str(tmp_path / "nope.txt"))
    assert status == 2
    assert_one_line_error(err, "nope.txt")


def test_report_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "a")
    (run / "report.md").write_text("my notes")
    status, _, err = run_cli(capsys, "report", str(run))
    assert status == 2
    assert_one_line_error(err, "report.md already exists", "--force")
    assert (run / "report.md").read_text() == "my notes"
    assert not (run / "medians.png").exists()
    status, out, _ = run_cli(capsys, "report", str(run), "--force")
    assert status == 0 and "wrote" in out
    assert (run / "report.md").read_text().startswith("# StoreList reproduction")


def test_report_of_an_incomplete_run_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path, "a")
    (run / "map.json").unlink()
    status, _, err = run_cli(capsys, "report", str(run))
    assert status == 1
    assert "missing configurations map" in err
    assert manifest_path(run).exists()


@pytest.mark.parametrize("command", ["run", "compare", "benchstat", "report"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: storelist {command}" in out and "exit status" in out


def test_the_scheduler_simulation_is_registered(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["inflight", "simulate", "--help"])
    assert exit_.value.code == 0
    assert "usage: storelist inflight simulate" in capsys.readouterr().out


def test_the_reports_environment_names_the_storage_the_cells_listed_from(tmp_path: Path) -> None:
    cases = [case for case in PUBLISHED_CASES if case.name in CELLS]
    samples = {"btree+index": {cell: spread(10e-6, 10) for cell in CELLS}}
    over_etcd = write_run(tmp_path / "etcd", samples, manifest(cases, ("btree+index",)),
                          metadata={"storelist_storage": "etcd"})
    assert "| storage | etcd |" in environment_section(load_run(over_etcd))
    unrecorded = write_run(tmp_path / "old", samples, manifest(cases, ("btree+index",)))
    assert "| storage | embedded |" in environment_section(load_run(unrecorded))  # runs before the option
