"""The full preset: every Go leaf, counts checked against expectations, create-then-list, memory."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from bench import executor
from storelist.main import main
from bench.storelist.createlist import CreateListCase
from bench.storelist.createlist_worker import CreateListTimer
from bench.storelist.expected import Counts
from bench.storelist.presets import Preset, get_preset
from bench.rundir.results import load_run
from bench.rundir.layout import manifest_path, store_memory_path
from bench.rundir.manifest import read_manifest
from bench.executor import RunError, execute, worker_command
from bench.sampling import SampleSettings
from bench.storelist.suite import StoreListPlan
from bench.storelist.cases import StoreListCase
from bench.storelist.cell_timer import CellTimer
from bench.worker import WrongAnswerError
from reports.storelist_report import write_report
from workloads import PUBLISHED_SHAPES, PopulationShape

TINY = PopulationShape(namespaces=4, pods_per_namespace=30, nodes=3)


def test_full_preset_is_every_go_leaf_plus_create_list() -> None:
    preset = get_preset("full")
    names = [case.name for case in preset.cases()]
    per_population = [sum(f"/{shape.benchmark_name}/" in f"/{name}/" for name in names) for shape in PUBLISHED_SHAPES]
    # 10k ns: Cluster 0,1000; Node 0; Namespace 0. 50 ns: + Namespace 1000. 100 ns: + Node 100.
    assert per_population == [12, 15, 18]
    assert "StoreList/Namespaces=100/Pods=110000/Nodes=1000/RV=Exact/Scope=Node/Paginate=100" in names
    assert "StoreList/Namespaces=10000/Pods=150000/Nodes=5000/RV=/Scope=Cluster/Paginate=1000" in names
    assert "StoreList/Namespaces=10000/Pods=150000/Nodes=5000/RV=NotOlderThan/Scope=Namespace/Paginate=1000" \
        not in names  # 15 pods per namespace: no pagination leaf
    assert preset.create_list == ("NotOlderThan", "Exact")
    assert [CreateListCase(m).name for m in preset.create_list] == ["StoreCreateList/RV=NotOlderThan",
                                                                     "StoreCreateList/RV=Exact"]


class WrongCounts:
    def __init__(self, *_: object) -> None:
        pass

    def for_iteration(self, iteration: int) -> Counts:
        return Counts(pages=1, objects=999)


def test_a_wrong_expectation_fails_the_timer_naming_cell_store_iteration_and_counts() -> None:
    case = StoreListCase(TINY, "NotOlderThan", "Namespace", 0)
    timer = CellTimer(case, "btree", seed=2, expectation=WrongCounts)
    with pytest.raises(WrongAnswerError) as raised:
        timer(3)
    message = str(raised.value)
    assert case.name in message and "on btree" in message and "iteration 0" in message
    assert "returned 30 objects in 1 pages, expected 999 objects in 1 pages" in message
    assert timer.counted.requests == 0  # nothing recorded for a wrong answer


def test_paginated_cells_follow_continue_tokens_and_match_expectations() -> None:
    for scope in ("Cluster", "Node"):
        for store in ("btree", "map+index"):
            timer = CellTimer(StoreListCase(TINY, "Exact", scope, 7), store, seed=2)
            timer(5)  # raises on any mismatch
            assert timer.counted.pages > timer.counted.requests  # several pages per request


def test_a_wrong_count_in_a_real_worker_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capfd: pytest.CaptureFixture[str]) -> None:
    # Worker processes inherit PYTHONPATH (pyperf passes it on): sitecustomize breaks their expectations.
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent("""
        import bench.storelist.expected as expected
        expected.ExpectedCounts.for_iteration = lambda self, iteration: expected.Counts(2, 7)
    """))
    monkeypatch.setenv("PYTHONPATH", str(hook))
    run_dir = tmp_path / "run"
    status = main(["run", "--namespaces", "4", "--pods-per-namespace", "30", "--nodes", "3", "--stores", "btree",
                   "--processes", "1", "--values", "1", "--warmups", "0", "--loops", "3", "--min-time", "0.001",
                   "--seed", "5", "-o", str(run_dir)])
    out, err = capfd.readouterr()
    assert status == 2
    assert "wrong count" in out + err and "RV=/Scope=Namespace/Paginate=0 on btree: iteration 0" in out + err
    assert "expected 7 objects in 2 pages" in out + err
    assert read_manifest(run_dir).status == "failed"


def test_create_list_timer_lists_one_object_per_operation() -> None:
    for match in ("NotOlderThan", "Exact"):
        timer = CreateListTimer(CreateListCase(match), "map+index", operations=40, seed=1)
        assert timer(2) > 0
        assert timer.counted.requests == 80 and timer.counted.objects_per_op == 1 and timer.counted.pages_per_op == 1


@pytest.fixture(scope="module")
def small_full_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full-style run on one tiny population: a few Go leaves plus both create-then-list cells."""
    cases = lambda shape: [StoreListCase(shape, "Exact", "Cluster", 10), StoreListCase(shape, "", "Node", 0)]
    preset = Preset("full", "test", (TINY,), cases, create_list=("NotOlderThan", "Exact"),
                    create_list_operations=30)
    plan = StoreListPlan(tmp_path_factory.mktemp("full") / "run", preset, ("btree+index", "map"), 4,
                         SampleSettings(processes=1, values=1, warmups=0, min_time=0.001, loops=3), design="unpaired")
    execute(plan)
    return plan.run_dir


def test_create_list_cells_run_with_one_fixed_loop(small_full_run: Path) -> None:
    plan_cells = json.loads(manifest_path(small_full_run).read_text())["benchmarks"]
    assert plan_cells[-2:] == ["StoreCreateList/RV=NotOlderThan", "StoreCreateList/RV=Exact"]
    run = load_run(small_full_run)
    for store in ("btree+index", "map"):
        for cell in plan_cells:
            assert run.configurations[store].samples[cell], (store, cell)
        count = run.configurations[store].ops["StoreCreateList/RV=Exact"]
        assert count.objects_per_op == 1 and count.pages_per_op == 1 and count.requests == 30
    plan = StoreListPlan(small_full_run, get_preset("full"), ("btree",), 1, SampleSettings(1, 1, 0, 0.01))
    cell = CreateListCase("Exact").name
    command = worker_command(plan, cell, ("btree",), {"btree": plan.initial_loops(cell, "btree")}, 0)
    assert "--loops=1" in command and "--operations=1000" in command


def test_memory_is_measured_once_per_population_and_configuration(small_full_run: Path) -> None:
    figures = json.loads(store_memory_path(small_full_run).read_text())["stores"]
    assert [(f["store"], f["pods"]) for f in figures] == [("btree+index", 120), ("map", 120)]
    assert all(f["store_bytes"] > 0 and f["baseline_bytes"] > f["store_bytes"] for f in figures)


def test_report_of_the_full_run_shows_counts_memory_and_names_what_is_missing(small_full_run: Path) -> None:
    run_dir = small_full_run
    outcome = write_report(load_run(run_dir), force=True)
    text = outcome.path.read_text()
    assert "StoreList/Namespaces=4/Pods=120/Nodes=3/RV=Exact/Scope=Cluster/Paginate=10 | map | 22 | 3 |" in text
    assert "StoreCreateList/RV=NotOlderThan | btree+index | 1 | 1 |" in text
    assert "## Store memory" in text and "| Namespaces=4/Pods=120/Nodes=3 | map |" in text
    # Plan one cell and one configuration more than were run: the report names both.
    manifest = json.loads(manifest_path(run_dir).read_text())
    manifest["benchmarks"].append(manifest["benchmarks"][0] + "0")
    manifest["configurations"].append("btree")
    manifest_path(run_dir).write_text(json.dumps(manifest))
    outcome = write_report(load_run(run_dir), force=True)
    caveats = "\n".join(outcome.caveats)
    assert "Paginate=100" in caveats and "missing configurations btree" in caveats
    assert "no memory figure for 1 (population, configuration) pairs: Namespaces=4/Pods=120/Nodes=3 btree" in caveats
    assert "Paginate=100" in outcome.path.read_text()


def test_a_failing_create_list_worker_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "launch", lambda command, log: 4 if "bench.storelist.createlist_worker" in command else 0)
    preset = Preset("full", "test", (TINY,), lambda shape: [], create_list=("Exact",), create_list_operations=5)
    plan = StoreListPlan(tmp_path / "run", preset, ("btree",), 1, SampleSettings(1, 1, 0, 0.01))
    with pytest.raises(RunError, match="StoreCreateList/RV=Exact on btree failed"):
        execute(plan)
