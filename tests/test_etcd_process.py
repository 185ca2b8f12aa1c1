"""Starting and stopping a private etcd, and reaching one that is not there: one clear line each."""

from __future__ import annotations

import os
import signal
import socket
import stat
from pathlib import Path

import pytest

from storage.etcd_server import INSTALL_HINT, EtcdUnavailableError, PrivateEtcd, etcd_binary


def test_no_etcd_binary_says_how_to_install_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(EtcdUnavailableError) as refused:
        PrivateEtcd()
    assert str(refused.value) == INSTALL_HINT and "\n" not in INSTALL_HINT and "etcd-server" in INSTALL_HINT


def test_an_etcd_that_exits_while_starting_is_one_line_and_leaves_no_data(tmp_path: Path) -> None:
    fake = tmp_path / "etcd"
    fake.write_text("#!/bin/sh\necho 'bad flag' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    etcd = PrivateEtcd(str(fake), log_path=tmp_path / "etcd.log")
    with pytest.raises(EtcdUnavailableError, match="exited with status 3 while starting"):
        etcd.start()
    assert etcd.process is None and "bad flag" in (tmp_path / "etcd.log").read_text()


def test_a_refused_connection_is_a_one_line_storage_error() -> None:
    pytest.importorskip("pyetcd", reason="the etcd client extra is not installed")
    from storage.etcd_kv import EtcdError, EtcdKeyValueStore

    with socket.socket() as probe:  # a port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = EtcdKeyValueStore(f"http://127.0.0.1:{port}", bytes, bytes)
    try:
        with pytest.raises(EtcdError, match=f"etcd at http://127.0.0.1:{port} is unavailable") as refused:
            store.range("/pods/", None)
        assert "\n" not in str(refused.value)
    finally:
        store.close()


@pytest.mark.skipif(etcd_binary() is None, reason="no etcd binary on PATH (Debian's etcd-server package)")
def test_no_etcd_outlives_its_block_whatever_ends_it() -> None:
    pids = []
    with pytest.raises(KeyboardInterrupt):
        with PrivateEtcd() as etcd:
            pids.append(etcd.pid)
            raise KeyboardInterrupt  # what Ctrl-C raises in the run's main thread
    with PrivateEtcd() as etcd:
        pids.append(etcd.pid)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.skipif(etcd_binary() is None, reason="no etcd binary on PATH (Debian's etcd-server package)")
def test_an_etcd_killed_mid_run_makes_the_next_call_one_line() -> None:
    pytest.importorskip("pyetcd", reason="the etcd client extra is not installed")
    from storage.etcd_kv import EtcdError, EtcdKeyValueStore

    with PrivateEtcd() as etcd:
        store = EtcdKeyValueStore(etcd.endpoint, bytes, bytes)
        try:
            store.put("/pods/a", b"x")
            os.kill(etcd.pid, signal.SIGKILL)  # type: ignore[arg-type]
            etcd.process.wait()  # type: ignore[union-attr]
            with pytest.raises(EtcdError, match="unavailable"):
                store.put("/pods/b", b"y")
        finally:
            store.close()


def _etcd_processes() -> list[str]:
    """Command lines of running private etcds (their data directories are storelist-etcd-*)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "storelist-etcd-" in command and "--data-dir" in command:
                found.append(command)
    return found


@pytest.mark.skipif(etcd_binary() is None, reason="no etcd binary on PATH (Debian's etcd-server package)")
def test_a_run_with_storage_etcd_lists_from_etcd_reports_it_and_leaves_no_etcd(tmp_path: Path) -> None:
    pytest.importorskip("pyetcd", reason="the etcd client extra is not installed")
    from bench.rundir.manifest import read_manifest
    from storelist.main import main

    before = _etcd_processes()
    run_dir = tmp_path / "run"
    # NotOlderThan included: its resourceVersions must be etcd's, not the embedded numbering.
    status = main(["run", "--namespaces", "4", "--pods-per-namespace", "25", "--nodes", "3", "--storage", "etcd",
                   "--processes", "2", "--blocks", "2", "--block-time", "0.001", "--seed", "5", "-o", str(run_dir)])
    assert status == 0
    recorded = read_manifest(run_dir)
    assert recorded is not None and recorded.status == "complete" and "--storage etcd" in recorded.command
    assert main(["report", str(run_dir)]) == 0
    assert "storage: etcd" in (run_dir / "report.md").read_text()
    assert _etcd_processes() == before


def test_a_run_over_etcd_is_timed_on_the_wall_clock_unless_told(tmp_path: Path) -> None:
    from bench.sampling import SAMPLE_MODES
    from bench.storelist.fixture import Profiles
    from bench.storelist.presets import get_preset
    from bench.storelist.suite import StoreListPlan, default_clock

    # etcd's work is in another process: the timing thread's CPU clock would not see it.
    assert default_clock("etcd") == "wall" and default_clock("embedded") == "cpu"
    plan = StoreListPlan(tmp_path / "run", get_preset("smoke"), ("btree+index", "btree"), 5, SAMPLE_MODES["fast"],
                         "fast", clock="wall", profiles=Profiles(storage="etcd"))
    command = plan.command()
    assert "--storage etcd" in command and "--clock" not in command  # the default, so resume rebuilds it
    explicit = StoreListPlan(tmp_path / "run", get_preset("smoke"), ("btree+index", "btree"), 5,
                             SAMPLE_MODES["fast"], "fast", clock="cpu", profiles=Profiles(storage="etcd"))
    assert "--clock cpu" in explicit.command()


@pytest.mark.skipif(etcd_binary() is None, reason="no etcd binary on PATH (Debian's etcd-server package)")
@pytest.mark.parametrize("rv_match", ["NotOlderThan", "Exact"])
def test_create_then_list_over_etcd_creates_lists_and_leaves_no_keys(rv_match: str) -> None:
    pytest.importorskip("pyetcd", reason="the etcd client extra is not installed")
    from bench.storelist.createlist import CreateListCase
    from bench.storelist.createlist_worker import CreateListTimer
    from bench.storelist.etcd_fixture import pod_store

    etcd = PrivateEtcd()
    endpoint = etcd.start()
    try:
        timer = CreateListTimer(CreateListCase(rv_match), "btree+index", 20, 7, etcd=(endpoint, "/run/createlist"))
        assert timer(2) > 0  # WrongAnswerError unless every operation listed its own pod
        assert timer.counted.requests == 40
        everything = pod_store(endpoint, "/run")
        try:
            assert everything.range("", None).kvs == []  # each measurement deleted its pods
        finally:
            everything.close()
    finally:
        etcd.stop()


def test_the_full_preset_runs_over_etcd_with_its_write_cells_on_the_embedded_storage(tmp_path: Path) -> None:
    from bench.sampling import SAMPLE_MODES
    from bench.storelist.fixture import Profiles
    from bench.storelist.presets import get_preset
    from bench.storelist.suite import StoreListPlan

    plan = StoreListPlan(tmp_path / "run", get_preset("full"), ("btree+index", "btree"), 5, SAMPLE_MODES["fast"],
                         "fast", clock="wall", profiles=Profiles(storage="etcd"))
    plan.etcd.endpoint = "http://127.0.0.1:2379"  # as the entered session sets it
    create_list = next(cell for cell in plan.cell_names() if cell.startswith("StoreCreateList/"))
    write = next(cell for cell in plan.cell_names() if cell.startswith("StoreWrite/"))
    _, create_args = plan.worker(create_list, ("btree",), {"btree": 1}, 3, tmp_path)
    assert "--storage=etcd" in create_args and f"--etcd-prefix={plan.etcd.run_prefix}/createlist" in create_args
    assert "--seed=8" in create_args  # the round's own pod names, not the loaded population's seed
    _, write_args = plan.worker(write, ("btree",), {"btree": 1}, 3, tmp_path)
    assert "--storage=embedded" in write_args and not any(arg.startswith("--etcd") for arg in write_args)


def test_one_configuration_is_timed_by_the_paired_worker_which_over_etcd_attaches_to_it(tmp_path: Path) -> None:
    from bench.sampling import SAMPLE_MODES
    from bench.storelist.fixture import Profiles
    from bench.storelist.paired_worker import MODULE as PAIRED_MODULE
    from bench.storelist.presets import get_preset
    from bench.storelist.suite import StoreListPlan

    plan = StoreListPlan(tmp_path / "run", get_preset("full"), ("btree+index",), 5, SAMPLE_MODES["fast"], "fast",
                         clock="wall", profiles=Profiles(storage="etcd"), cells="RV=Exact/Scope=Namespace")
    plan.etcd.endpoint = "http://127.0.0.1:2379"
    cell = plan.cell_names()[0]
    (unit,) = plan.units(cell, 1)
    module, arguments = plan.worker(cell, unit, {"btree+index": 0}, 1, tmp_path)
    assert module == PAIRED_MODULE and "--stores=btree+index" in arguments
    assert "--etcd-endpoint=http://127.0.0.1:2379" in arguments
    # Embedded too: one store of a paired run is timed as four are, so the two compare.
    embedded = StoreListPlan(tmp_path / "run", get_preset("full"), ("btree+index",), 5, SAMPLE_MODES["fast"], "fast",
                             cells="RV=Exact/Scope=Namespace")
    module, arguments = embedded.worker(cell, unit, {"btree+index": 0}, 1, tmp_path)
    assert module == PAIRED_MODULE and not any(argument.startswith("--etcd") for argument in arguments)


@pytest.mark.skipif(etcd_binary() is None, reason="no etcd binary on PATH (Debian's etcd-server package)")
def test_an_etcd_that_dies_mid_run_fails_the_run_in_one_line_and_resume_finishes_it(tmp_path: Path) -> None:
    pytest.importorskip("pyetcd", reason="the etcd client extra is not installed")
    import re
    import subprocess
    import sys

    from bench.rundir.manifest import read_manifest

    run_dir = tmp_path / "run"
    command = [sys.executable, "-m", "storelist", "run", "--namespaces", "4", "--pods-per-namespace", "25",
               "--nodes", "3", "--storage", "etcd", "--stores", "btree+index,btree", "--processes", "6",
               "--blocks", "2", "--block-time", "0.001", "--seed", "5", "-o", str(run_dir)]
    before = _etcd_processes()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as run:
        assert run.stdout is not None and run.stderr is not None
        pid = None
        for line in run.stdout:
            found = re.search(r"a private etcd at \S+ \(pid (\d+)\)", line)
            pid = int(found.group(1)) if found else pid
            if "round 2/6" in line:
                break
        else:  # the run ended before its second round: its etcd is gone, the PID may be another's
            run.kill()
            pytest.fail(f"the run ended before round 2: {run.stderr.read()}")
        assert pid is not None
        os.kill(pid, signal.SIGKILL)  # etcd dies while the run goes on
        _, err = run.communicate(timeout=120)
    assert run.returncode == 2
    errors = [line for line in err.splitlines() if line.strip()]
    assert len(errors) == 1 and "Traceback" not in err and errors[0].startswith("storelist run: error:"), err
    recorded = read_manifest(run_dir)
    assert recorded is not None and recorded.status == "failed" and 1 <= recorded.rounds_completed < 6
    assert _etcd_processes() == before
    # As any failed run: resumed, it starts a private etcd of its own, loads the same
    # population (the recorded seed) and finishes what is missing.
    resumed = subprocess.run([sys.executable, "-m", "storelist", "run", "--resume", str(run_dir)],
                             capture_output=True, text=True, timeout=180)
    assert resumed.returncode == 0, resumed.stderr
    recorded = read_manifest(run_dir)
    assert recorded is not None and recorded.status == "complete" and recorded.rounds_completed == 6
    assert _etcd_processes() == before


def test_an_endpoint_nobody_listens_on_fails_the_run_in_one_line(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyetcd", reason="the etcd client extra is not installed")
    from storelist.main import main

    with socket.socket() as probe:  # a free port: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status = main(["run", "--namespaces", "4", "--pods-per-namespace", "25", "--nodes", "3", "--storage", "etcd",
                   "--etcd-endpoints", f"http://127.0.0.1:{port}", "--processes", "2", "--blocks", "2",
                   "--block-time", "0.001", "-o", str(tmp_path / "run")])
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.strip()]
    assert status == 2 and len(errors) == 1 and str(port) in errors[0] and "Traceback" not in err, err
