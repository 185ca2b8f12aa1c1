"""The StoreList suite on the executor: presets, run plans, interleaved rounds, the worker's time function."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path

import pyperf
import pytest

from storelist.main import build_parser
from storelist.run_command import _plan, _storelist_plan
from bench.storelist.presets import PRESETS, SMOKE_SHAPES, Preset, custom_preset, get_preset, published_cases, register_preset
from bench.rundir.results import load_run
from bench.rundir.layout import suite_path
from bench.rundir.manifest import read_manifest
from bench.rundir.ops import OpsCount, add_ops, load_ops
from bench import executor
from bench.environment import describe_environment
from bench.executor import LineProgress, RunError, execute, rotated, worker_command
from bench.rundir.files import RunDirError
from bench.rundir.layout import check_new_run_dir, make_run_dir
from bench.sampling import SAMPLE_MODES, SampleSettings
from bench.storelist.suite import StoreListPlan, ordered_stores
from bench.storelist.cases import StoreListCase
from bench.storelist.cell_timer import CellTimer
from bench.storelist.fixture import Profiles
from bench.storelist.worker import case_from_args, run_metadata
from reports.published import load_published
from stores import STORE_NAMES
from workloads import PUBLISHED_SHAPES, PopulationShape

TINY = PopulationShape(namespaces=4, pods_per_namespace=25, nodes=3)


# ---------------------------------------------------------------------------
# Presets
# ---------------------------------------------------------------------------


def test_published_preset_is_exactly_the_published_table() -> None:
    names = [case.name for case in get_preset("published").cases()]
    assert names == list(load_published().rows)
    assert len(names) == 6


def test_smoke_preset_has_the_same_cell_kinds_on_small_populations() -> None:
    smoke, seed = get_preset("smoke").cases(), get_preset("published").cases()
    assert [(c.rv_match, c.scope, c.paginate) for c in smoke] == [(c.rv_match, c.scope, c.paginate) for c in seed]
    assert len(SMOKE_SHAPES) == 3 and all(shape.pods <= 2000 for shape in SMOKE_SHAPES)
    counterparts = get_preset("smoke").published_counterparts()
    assert list(counterparts.values()) == [case.name for case in seed]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_takes_the_exemplar_pods_and_the_registry_indexers(preset: str, tmp_path: Path) -> None:
    plan = StoreListPlan(tmp_path, get_preset(preset), STORE_NAMES, 9, SampleSettings(10, 3, 1, 0.1),
                         profiles=Profiles("exemplar", "registry"))
    assert "--pods exemplar --indexers registry" in plan.command()
    assert any(cell.startswith("StoreWrite/") for cell in plan.cell_names())  # registry adds the write cells
    for cell in plan.cell_names():
        unit = plan.units(cell, 1)[0]
        command = worker_command(plan, cell, unit, dict.fromkeys(unit, 0), 1, python="py")
        assert "--pods=exemplar" in command and "--indexers=registry" in command, cell


def test_presets_are_registered_by_name_and_unknown_names_list_the_valid_ones() -> None:
    assert {"published", "smoke"} <= set(PRESETS)
    with pytest.raises(ValueError, match="valid presets: published, smoke"):
        get_preset("nonesuch")
    with pytest.raises(ValueError, match="already registered"):
        register_preset(Preset("published", "again", PUBLISHED_SHAPES))
    with pytest.raises(ValueError, match="one published shape per shape"):
        Preset("odd", "", SMOKE_SHAPES, stands_for=PUBLISHED_SHAPES[:1])


def test_custom_preset_runs_the_published_cases_on_one_population() -> None:
    preset = custom_preset(TINY)
    assert preset.cases() == published_cases(TINY)
    assert preset.published_counterparts() == {}


def test_cells_selects_the_cells_whose_names_the_expression_finds(tmp_path: Path) -> None:
    plan = StoreListPlan(tmp_path, get_preset("full"), STORE_NAMES, 1, SAMPLE_MODES["fast"],
                         cells="^StoreList/.*(RV=Exact|Paginate=[1-9])")
    everything = StoreListPlan(tmp_path, get_preset("full"), STORE_NAMES, 1, SAMPLE_MODES["fast"]).cell_names()
    # Every Exact leaf and every paginated leaf of the other RVs: what etcd serves in v1.32.
    expected = [name for name in everything if name.startswith("StoreList/")
                and ("/RV=Exact/" in name or not name.endswith("/Paginate=0"))]
    assert plan.cell_names() == expected and 0 < len(expected) < len(everything)
    assert not plan.create_list_cases and not plan.write_cases
    # Only the populations still timed are recorded, and only their cells' published counterparts.
    smoke = StoreListPlan(tmp_path, get_preset("smoke"), STORE_NAMES, 1, SAMPLE_MODES["fast"],
                          cells="Namespaces=5/.*NotOlderThan")
    (cell,) = smoke.cell_names()
    assert smoke.facts().published_counterparts == {
        cell: "StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=NotOlderThan/Scope=Namespace/Paginate=0"}
    assert smoke.facts().populations == ["Namespaces=5/Pods=1500/Nodes=50"]
    writes = StoreListPlan(tmp_path, get_preset("full"), STORE_NAMES, 1, SAMPLE_MODES["fast"], cells="^StoreWrite/")
    assert writes.cell_names() == [case.name for case in writes.write_cases] and writes.write_cases


def test_the_memory_check_sizes_itself_to_the_selected_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.storelist import suite
    from bench.storelist.fixture import estimated_worker_bytes

    small, large = PUBLISHED_SHAPES[2], PUBLISHED_SHAPES[0]  # 110k pods, 150k pods
    monkeypatch.setattr(suite, "available_memory_bytes", lambda: estimated_worker_bytes(small))
    with pytest.raises(ValueError, match=f"a worker holding {large.benchmark_name}"):
        StoreListPlan(tmp_path, get_preset("published"), STORE_NAMES, 1, SAMPLE_MODES["fast"])
    chosen = StoreListPlan(tmp_path, get_preset("published"), STORE_NAMES, 1, SAMPLE_MODES["fast"],
                           cells=f"{small.benchmark_name}/")
    assert {case.shape for case in chosen.cases} == {small}


def test_cells_are_for_storelist_presets_only(tmp_path: Path) -> None:
    parser = build_parser()
    with pytest.raises(ValueError, match="only StoreList presets take --cells"):
        _plan(parser.parse_args(["run", "--preset", "inflight", "--cells", "Op=Pop", "-o", str(tmp_path / "r")]))


@pytest.mark.parametrize("cells, message", [("nonesuch", "matches none of preset full's cells"),
                                            ("(", "is not a regular expression")])
def test_cells_that_select_nothing_or_do_not_parse_are_refused(cells: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=message):
        StoreListPlan(tmp_path, get_preset("full"), STORE_NAMES, 1, SAMPLE_MODES["fast"], cells=cells)


def test_a_population_too_small_for_its_resource_versions_is_refused(tmp_path: Path) -> None:
    small = custom_preset(PopulationShape(namespaces=3, pods_per_namespace=30, nodes=1))
    with pytest.raises(ValueError, match="needs at least 100 pods"):
        StoreListPlan(tmp_path, small, STORE_NAMES, 1, SAMPLE_MODES["fast"])


# ---------------------------------------------------------------------------
# Plans and settings
# ---------------------------------------------------------------------------


def test_stores_are_validated_deduplicated_and_put_in_published_order() -> None:
    assert ordered_stores(["map", "btree+index", "map"]) == ("btree+index", "map")
    with pytest.raises(ValueError, match="valid stores"):
        ordered_stores(["btree", "hash"])


def test_each_store_leads_once_in_as_many_rounds_as_stores() -> None:
    leaders = [rotated(STORE_NAMES, r)[0] for r in range(len(STORE_NAMES))]
    assert sorted(leaders) == sorted(STORE_NAMES)
    assert all(sorted(rotated(STORE_NAMES, r)) == sorted(STORE_NAMES) for r in range(7))


def test_sample_modes_follow_benchstat_and_pyperf() -> None:
    assert SAMPLE_MODES["default"].processes == 20  # twice benchstat's 10 runs: the processes limit the ratio CI
    assert SAMPLE_MODES["fast"].processes == 6  # fewest with a finite 95% median CI
    assert SAMPLE_MODES["rigorous"].processes == 2 * SAMPLE_MODES["default"].processes
    with pytest.raises(ValueError):
        SampleSettings(processes=0, values=1, warmups=0, min_time=0.1)


@pytest.mark.parametrize("argv", [
    ["--preset", "smoke", "--fast"],
    ["--preset", "published", "--stores", "btree,map", "--rigorous", "--values", "5"],
    ["--namespaces", "4", "--pods-per-namespace", "25", "--nodes", "3", "--processes", "2", "--loops", "7",
     "--warmups", "0", "--min-time", "0.01"],
    ["--preset", "full", "--cells", "RV=Exact|Paginate=[1-9]", "--stores", "btree+index"],
    ["--preset", "full", "--cells=-?Exact", "--stores", "btree"],  # a pattern that starts like an option
])
def test_recorded_command_repeats_the_same_plan(argv: list[str], tmp_path: Path) -> None:
    parser = build_parser()
    plan = _storelist_plan(parser.parse_args(["run", *argv, "--seed", "42", "-o", str(tmp_path / "run")]))
    command = shlex.split(plan.command())
    assert command[:2] == ["storelist", "run"]
    again = _storelist_plan(parser.parse_args(command[1:]))
    assert again == plan


def test_worker_command_runs_one_process_into_its_own_sample_file(tmp_path: Path) -> None:
    plan = StoreListPlan(tmp_path, custom_preset(TINY), ("btree",), 9, SampleSettings(10, 3, 1, 0.1), design="unpaired")
    case = plan.cases[0]
    command = worker_command(plan, case.name, ("btree",), {"btree": 64}, 2, python="py")
    assert command[:3] == ["py", "-m", "bench.storelist.worker"]
    assert "--processes=1" in command and "--loops=64" in command and "--rv=" in command and "--round=2" in command
    # Never into btree.json itself: the executor merges the sample in once the worker succeeded.
    assert f"--output={tmp_path / 'meta' / 'sample-in-flight' / 'btree.json'}" in command
    assert not any(part.startswith("--append") for part in command)
    assert "--seed=11" in command  # the run's seed 9 plus the round, 2: a population per process


def test_every_round_lists_a_population_of_its_own_and_its_configurations_share_it(tmp_path: Path) -> None:
    plan = StoreListPlan(tmp_path, custom_preset(TINY), ("btree+index", "btree"), 9, SampleSettings(10, 3, 1, 0.1))
    cell = plan.cases[0].name
    seeds = {round_index: [part for part in worker_command(plan, cell, unit, {"btree+index": 0, "btree": 0},
                                                           round_index, python="py") if part.startswith("--seed=")]
             for round_index in (1, 2) for unit in plan.units(cell, round_index)}
    assert seeds == {1: ["--seed=10"], 2: ["--seed=11"]}


def test_run_directory_must_be_new_or_empty(tmp_path: Path) -> None:
    check_new_run_dir(tmp_path / "new" / "run")  # absent: fine
    make_run_dir(tmp_path / "new" / "run")
    assert (tmp_path / "new" / "run" / "meta").is_dir()
    check_new_run_dir(tmp_path / "new" / "run")  # nothing but meta/: fine
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(RunDirError, match="not empty"):
        check_new_run_dir(tmp_path / "full")
    (tmp_path / "file").write_text("mine")
    with pytest.raises(RunDirError, match="not a directory"):
        check_new_run_dir(tmp_path / "file")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


# ---------------------------------------------------------------------------
# Interleaved rounds (worker processes replaced by a fake that appends runs)
# ---------------------------------------------------------------------------


class FakeWorkers:
    """Stands in for ``python -m bench.storelist.worker``: records the order and appends a run."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.calls: list[tuple[str, str, int]] = []
        self.fail_at = fail_at

    def __call__(self, command: Sequence[str], log: Path) -> int:
        options = dict(part[2:].split("=", 1) for part in command if part.startswith("--") and "=" in part)
        shape = PopulationShape(int(options["namespaces"]), int(options["pods-per-namespace"]), int(options["nodes"]))
        case = StoreListCase(shape, options["rv"], options["scope"], int(options["paginate"]))
        self.calls.append((case.name, options["store"], int(options["loops"])))
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            return 3
        loops = int(options["loops"]) or 32  # 0: "calibrate" to 32
        run = pyperf.Run([1e-5], metadata={"name": case.name, "unit": "second", "loops": loops},
                         collect_metadata=False)
        pyperf.Benchmark([run]).dump(options["output"])
        return 0


def test_rounds_interleave_configurations_and_reuse_the_calibrated_loops(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeWorkers()
    monkeypatch.setattr(executor, "launch", fake)
    plan = StoreListPlan(tmp_path / "run", custom_preset(TINY), STORE_NAMES, 5, SampleSettings(3, 1, 0, 0.01),
                         design="unpaired")
    rounds: list[str] = []
    manifest = execute(plan, progress=LineProgress(rounds.append))
    assert sum(line.startswith("memory: ") for line in rounds) == len(STORE_NAMES)  # one population
    rounds = [line for line in rounds if line.startswith("round ")]
    cells = [case.name for case in plan.cases]
    per_round = len(cells) * len(STORE_NAMES)
    assert len(rounds) == 3 * per_round and manifest.status == "complete" and manifest.rounds_completed == 3
    assert len(fake.calls) == 3 * per_round
    for index in range(3):
        chunk = fake.calls[index * per_round:(index + 1) * per_round]
        # A cell's configurations back to back, in the order rotated by the round.
        assert [store for _, store, _ in chunk[:4]] == rotated(STORE_NAMES, index)
        assert [name for name, _, _ in chunk] == [cell for cell in cells for _ in STORE_NAMES]
    assert {loops for _, _, loops in fake.calls[:per_round]} == {0}
    assert {loops for _, _, loops in fake.calls[per_round:]} == {32}
    run = load_run(plan.run_dir)
    assert all(len(values) == 3 for store in run.configurations.values() for values in store.samples.values())
    assert read_manifest(plan.run_dir).command == plan.command()


def test_a_failing_worker_stops_the_run_and_keeps_what_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "launch", FakeWorkers(fail_at=10))
    plan = StoreListPlan(tmp_path / "run", custom_preset(TINY), STORE_NAMES, 5, SampleSettings(3, 1, 0, 0.01),
                         design="unpaired")
    with pytest.raises(RunError, match="failed .*exit status 3.*partial results"):
        execute(plan)
    manifest = read_manifest(plan.run_dir)
    assert manifest is not None and manifest.status == "failed" and manifest.rounds_completed == 1
    assert suite_path(plan.run_dir, "btree+index").exists()


class FakePairedWorkers:
    """Stands in for ``python -m bench.storelist.paired_worker``: one run per configuration, a known ratio."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...], int]] = []

    def __call__(self, command: Sequence[str], log: Path) -> int:
        options = dict(part[2:].split("=", 1) for part in command if part.startswith("--") and "=" in part)
        shape = PopulationShape(int(options["namespaces"]), int(options["pods-per-namespace"]), int(options["nodes"]))
        name = StoreListCase(shape, options["rv"], options["scope"], int(options["paginate"])).name
        stores = tuple(options["stores"].split(","))
        self.calls.append((name, stores, int(options["round"])))
        for index, store in enumerate(stores):
            run = pyperf.Run([1e-5 * (index + 1)], metadata={
                "name": name, "unit": "second", "loops": 8, "storelist_round": int(options["round"]),
                "storelist_ratio": float(index + 1)}, collect_metadata=False)
            pyperf.Benchmark([run]).dump(str(Path(options["output"]) / f"{store}.json"))
        return 0


def test_the_paired_design_times_all_configurations_of_a_cell_in_one_process_per_round(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakePairedWorkers()
    monkeypatch.setattr(executor, "launch", fake)
    plan = StoreListPlan(tmp_path / "run", custom_preset(TINY), STORE_NAMES, 5, SampleSettings(4, 1, 0, 0.01))
    assert plan.design == "paired"
    execute(plan)
    cells = [case.name for case in plan.cases]
    assert fake.calls == [(cell, STORE_NAMES, index) for index in range(4) for cell in cells]
    run = load_run(plan.run_dir)
    for store in STORE_NAMES:
        assert all(len(values) == 4 for values in run.configurations[store].samples.values())
    ratios = [meta["storelist_ratio"] for meta in run.configurations["map"].run_metadata(cells[0])]
    assert ratios == [4.0] * 4


def test_a_primed_timer_issues_one_untimed_request_before_a_block_of_several() -> None:
    case = StoreListCase(TINY, "", "Namespace", 0)
    primed = CellTimer(case, "btree", seed=3, primed=True)
    primed(5)
    primed(1)
    assert primed.counted.requests == 5 + 1 + 1  # the primer, five, and an unprimed single
    assert primed.counted.objects_per_op == TINY.pods_per_namespace


# ---------------------------------------------------------------------------
# The worker's time function
# ---------------------------------------------------------------------------


def test_cell_timer_builds_once_and_counts_objects_and_pages() -> None:
    case = StoreListCase(TINY, "", "Namespace", 0)
    timer = CellTimer(case, "btree+index", seed=3)
    first = timer(5)
    fixture = timer.fixture()
    second = timer(7)
    assert first > 0 and second > 0
    assert timer.fixture() is fixture
    assert timer.counted.requests == 12
    assert timer.counted.objects_per_op == TINY.pods_per_namespace
    assert timer.counted.pages_per_op == 1


def test_worker_arguments_and_metadata_describe_the_cell() -> None:
    args = argparse.Namespace(namespaces=4, pods_per_namespace=25, nodes=3, rv="NotOlderThan", scope="Namespace",
                              paginate=0)
    case = case_from_args(args)
    assert case.name == "StoreList/Namespaces=4/Pods=100/Nodes=3/RV=NotOlderThan/Scope=Namespace/Paginate=0"
    metadata = run_metadata(StoreListCase(TINY, "", "Namespace", 0), "map", 11)
    assert metadata["storelist_seed"] == 11 and metadata["storelist_store"] == "map"
    assert metadata["storelist_rv"] == '""'
    assert (metadata["storelist_namespaces"], metadata["storelist_pods"], metadata["storelist_nodes"]) == (4, 100, 3)
    environment = describe_environment()  # the worker base adds it to every worker's metadata
    for name in ("pyperf", "BTrees", "sortedcontainers", "scipy"):
        assert environment[f"version_{name}"] not in ("", "unknown")
    assert environment["git_revision"]
    for value in [*metadata.values(), *environment.values()]:  # pyperf rejects empty strings and newlines
        assert str(value).strip() and "\n" not in str(value)


def test_ops_counts_accumulate_across_workers(tmp_path: Path) -> None:
    path = tmp_path / "meta" / "ops-btree.json"
    add_ops(path, "cell", OpsCount(10, 10, 150))
    add_ops(path, "cell", OpsCount(30, 30, 450))
    assert load_ops(path)["cell"] == OpsCount(40, 40, 600)
    assert load_ops(path)["cell"].objects_per_op == 15
