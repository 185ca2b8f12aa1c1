"""The fault catalogue: bad input, interruptions and faults, each ending as the standards say.

Every case asserts the exit status, exactly one line of error (or note) on stderr and no
"Traceback", and that nothing that existed before changed: every file under the
case's directory has the same checksum afterwards (``snapshot``). The last group sends
real signals (SIGINT, SIGTERM, SIGHUP, SIGKILL, one of them inside a result-file write)
to a real ``storelist run`` and follows with ``compare``, ``report`` and ``--resume``.
``storelist benchstat``'s own faults are in tests/test_benchstat_faults.py.

Run alone: ``.venv/bin/python -m pytest -q tests/test_fault_catalogue.py``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import executor
from bench.rundir import files
from bench.rundir.layout import manifest_path, suite_path
from bench.rundir.lock import RunLock
from bench.rundir.results import load_run
from storelist.main import main
from synthetic_runs import manifest, spread, write_run
from bench.storelist.presets import get_preset
from stores import STORE_NAMES

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "tests" / "data" / "benchstat_example"
CASES = get_preset("published").cases()[:2]
CASES_OF_TINY = ["StoreList/Namespaces=4/Pods=120/Nodes=3/RV=/Scope=Namespace/Paginate=0"]
# A tiny real run: 2 cells x 2 configurations, 6 samples each, ~0.5 s per worker process: long enough
# after its third sample, where the signal tests strike, for a loaded machine not to finish it first
# (with 3 samples each, a CI run once finished before its SIGINT arrived).
TINY_RUN = ["--namespaces", "4", "--pods-per-namespace", "30", "--nodes", "3", "--stores", "btree,map",
            "--processes", "6", "--values", "1", "--warmups", "0", "--loops", "5", "--min-time", "0.001",
            "--seed", "5"]


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative path -> sha256), directories as "<dir>"."""
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*"))}


def one_line(err: str, kind: str = "error:") -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert kind in lines[0] and "Traceback" not in err
    return lines[0]


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse's own errors exit
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def synthetic(root: Path, name: str = "run") -> Path:
    samples = {store: {case.name: spread(1e-5 * (index + 1)) for case in CASES} for index, store in enumerate(STORE_NAMES)}
    return write_run(root / name, samples, manifest(CASES, STORE_NAMES))


def subprocess_cli(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None,
                   timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storelist", *argv], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd or PROJECT, timeout=timeout, check=False)


# ---------------------------------------------------------------------------
# Bad options and impossible plans: exit 2, one line, nothing created
# ---------------------------------------------------------------------------

BAD_RUNS = [
    (["--processes", "0"], "must be at least 1"),
    (["--min-time", "inf"], "finite"),
    (["--min-time", "nan"], "finite"),
    (["--min-time", "-1"], "greater than 0"),
    (["--preset", "nonesuch"], "unknown preset"),
    (["--stores", "btree,hash"], "valid stores"),
    (["--namespaces", "3"], "need all of"),
    (["--preset", "inflight-smoke", "--seed", "3"], "only StoreList presets take --seed"),
    (["--preset", "published", "--sweep-total", "10"], "need --preset sweep"),
    (["--namespaces", "10000", "--pods-per-namespace", "1000000", "--nodes", "5"], "GiB available"),
    (["--loops", "x"], "expected an integer"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_RUNS)
def test_a_bad_run_is_refused_before_anything_is_made(argv: list[str], message: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "run", *argv, "-o", str(tmp_path / "run"))
    assert status == 2 and out == ""
    assert message in one_line(err)
    assert not (tmp_path / "run").exists()


SIMULATIONS = [["--duration", "1e12"], ["--event-rate", "1e9"], ["--pods", "100000000"], ["--duration", "inf"],
               ["--event-rate", "nan"]]


@pytest.mark.parametrize("argv", SIMULATIONS)
def test_a_simulation_beyond_its_bounds_is_refused_at_once(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    status, out, err = cli(capsys, "inflight", "simulate", *argv)
    assert status == 2 and out == ""
    one_line(err)
    assert time.perf_counter() - started < 5


# ---------------------------------------------------------------------------
# Outputs that exist, inputs that are not runs: exit 2, one line, nothing changed
# ---------------------------------------------------------------------------


def test_run_into_a_directory_with_files_leaves_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path)
    before = snapshot(tmp_path)
    status, _, err = cli(capsys, "run", *TINY_RUN, "-o", str(run))
    assert status == 2 and "not empty" in one_line(err) and snapshot(tmp_path) == before


def test_run_onto_a_file_leaves_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("mine")
    before = snapshot(tmp_path)
    status, _, err = cli(capsys, "run", *TINY_RUN, "-o", str(tmp_path / "file"))
    assert status == 2 and "not a directory" in one_line(err) and snapshot(tmp_path) == before


@pytest.mark.parametrize("where", ["/proc/storelist-run", "/dev/null/run"])
def test_run_where_nothing_can_be_written_says_so(where: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "run", *TINY_RUN, "-o", where)
    assert status == 2 and where.split("/")[1] in one_line(err)


def test_a_second_run_into_a_held_directory_names_the_holder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    (run / "meta").mkdir(parents=True)
    with RunLock(run):
        before = snapshot(tmp_path)
        status, _, err = cli(capsys, "run", *TINY_RUN, "-o", str(run))
        assert snapshot(tmp_path) == before
    assert status == 2 and f"PID {os.getpid()}" in one_line(err)


@pytest.mark.parametrize("damage", ["truncated", "empty", "not json", "a list", "foreign json"])
def test_compare_and_report_refuse_a_damaged_result_file(damage: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path)
    target = suite_path(run, "btree")
    text = target.read_text()
    target.write_text({"truncated": text[: len(text) // 2], "empty": "", "not json": "hello",
                       "a list": "[1, 2]", "foreign json": '{"version": "x"}'}[damage])
    before = snapshot(tmp_path)
    for command in ("compare", "report"):
        status, out, err = cli(capsys, command, str(run))
        assert status == 2 and out == "" and str(target) in one_line(err)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("manifest_text", ['{"format": 1, "stores": []}', '{"format": 99}', "[]", '{"format": 2}'])
def test_compare_refuses_a_manifest_it_cannot_read(manifest_text: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path)
    manifest_path(run).write_text(manifest_text)
    before = snapshot(tmp_path)
    status, out, err = cli(capsys, "compare", str(run))
    assert status == 2 and out == "" and "run.json" in one_line(err)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("what", ["missing", "a file", "empty"])
def test_compare_refuses_what_is_not_a_run(what: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x"
    if what == "a file":
        path.write_text("hello")
    elif what == "empty":
        path.mkdir()
    before = snapshot(tmp_path)
    status, _, err = cli(capsys, "compare", str(path))
    assert status == 2 and str(path) in one_line(err) and snapshot(tmp_path) == before


def test_report_never_replaces_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path)
    (run / "report.md").write_text("my notes")
    before = snapshot(tmp_path)
    status, _, err = cli(capsys, "report", str(run))
    assert status == 2 and "--force" in one_line(err) and snapshot(tmp_path) == before


def test_report_md_being_a_directory_is_refused_even_with_force(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path)
    (run / "report.md").mkdir()
    (run / "report.md" / "kept.txt").write_text("mine")
    before = snapshot(tmp_path)
    status, _, err = cli(capsys, "report", str(run), "--force")
    assert status == 2 and "is a directory" in one_line(err) and snapshot(tmp_path) == before


# ---------------------------------------------------------------------------
# Faults while writing: a full disk, a read-only file system, Ctrl-C, no memory
# ---------------------------------------------------------------------------


def failing(error: BaseException) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise error
    return fail


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"),
                                   OSError(errno.EROFS, "Read-only file system"),
                                   PermissionError(errno.EACCES, "Permission denied")])
def test_report_that_cannot_write_leaves_nothing_half_written(error: OSError, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.setattr(files.os, "fsync", failing(error))
    status, out, err = cli(capsys, "report", str(run))
    assert status == 2 and error.strerror in one_line(err)
    assert snapshot(tmp_path) == before  # no 0-byte PNG, no temporary file, no report.md
    monkeypatch.undo()
    assert cli(capsys, "report", str(run))[0] == 0  # and a plain retry works


def test_ctrl_c_during_report_leaves_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.setattr(files.os, "fsync", failing(KeyboardInterrupt()))
    status, _, err = cli(capsys, "report", str(run))
    assert status == 130 and "interrupted" in one_line(err) and snapshot(tmp_path) == before


def test_running_out_of_memory_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    run = synthetic(tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.setattr("reports.storelist_report.analyze", failing(MemoryError()))
    status, _, err = cli(capsys, "report", str(run))
    assert status == 2 and "out of memory" in one_line(err) and snapshot(tmp_path) == before


def test_a_full_disk_during_a_run_marks_it_failed_and_keeps_what_it_had(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    monkeypatch.setattr(executor, "write_suite", failing(OSError(errno.ENOSPC, "No space left on device",
                                                                 str(suite_path(run, "btree")))))
    status, _, err = cli(capsys, "run", *TINY_RUN, "-o", str(run))
    assert status == 2 and "No space left on device" in err.splitlines()[-1] and "Traceback" not in err
    recorded = json.loads(manifest_path(run).read_text())
    assert recorded["status"] == "failed"
    assert not list(run.glob(".*.tmp")) and not list((run / "meta").glob(".*.tmp"))


def test_a_run_whose_directory_is_deleted_stops_and_is_not_recreated(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    launched = executor.launch

    def launch_then_delete(command: list[str], log: Path) -> int:
        status = launched(command, log)
        subprocess.run(["rm", "-rf", str(run)], check=True)
        return status

    monkeypatch.setattr(executor, "launch", launch_then_delete)
    status, _, err = cli(capsys, "run", *TINY_RUN, "-o", str(run))
    assert status == 2 and "Traceback" not in err
    assert not run.exists()


# ---------------------------------------------------------------------------
# Workers that fail: the terminal gets their last word, the log their traceback
# ---------------------------------------------------------------------------


def hooked_env(tmp_path: Path, body: str) -> dict[str, str]:
    """An environment whose Python processes (workers included: pyperf passes PYTHONPATH on) run ``body`` first."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(body)
    return {"PYTHONPATH": f"{hook}{os.pathsep}{PROJECT}"}


@pytest.mark.parametrize(("body", "message"), [
    ("import bench.storelist.expected as e\ne.ExpectedCounts.for_iteration = lambda self, i: e.Counts(2, 7)\n",
     "wrong count"),
    # The worker processes of both designs: pyperf's (--worker) and the paired one (--blocks=).
    ("import os, signal, sys\nif '--worker' in sys.argv or any(a.startswith('--blocks=') for a in sys.argv):\n"
     "    os.kill(os.getpid(), signal.SIGKILL)\n", "killed by SIGKILL"),
], ids=["wrong-count", "oom-killed"])
def test_a_failing_worker_is_one_line_with_its_log_named(body: str, message: str, tmp_path: Path) -> None:
    done = subprocess_cli("run", *TINY_RUN, "-o", str(tmp_path / "run"), env=hooked_env(tmp_path, body))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    last = one_line(done.stderr)
    assert message in last and "workers.log" in last
    log = (tmp_path / "run" / "meta" / "workers.log").read_text()
    assert message in log or message.startswith("killed")  # a process killed outright writes nothing
    assert json.loads(manifest_path(tmp_path / "run").read_text())["status"] == "failed"


# ---------------------------------------------------------------------------
# BTrees' pure-Python fallback: refused where a B-tree is opened, nowhere else
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"],
                                  ["benchstat", str(EXAMPLE / "old.txt"), str(EXAMPLE / "new.txt")]])
def test_commands_that_open_no_b_tree_work_under_pure_python(argv: list[str]) -> None:
    done = subprocess_cli(*argv, env={"PURE_PYTHON": "1"})
    assert done.returncode == 0 and done.stdout and "Traceback" not in done.stderr


def test_compare_and_report_work_under_pure_python(tmp_path: Path) -> None:
    run = synthetic(tmp_path)
    assert subprocess_cli("compare", str(run), env={"PURE_PYTHON": "1"}).returncode == 0
    assert subprocess_cli("report", str(run), env={"PURE_PYTHON": "1"}).returncode == 0


def test_a_b_tree_run_under_pure_python_is_refused_in_one_line(tmp_path: Path) -> None:
    done = subprocess_cli("run", *TINY_RUN, "-o", str(tmp_path / "run"), env={"PURE_PYTHON": "1"})
    assert done.returncode == 2 and "pure-Python fallback" in one_line(done.stderr)
    assert not (tmp_path / "run").exists()


# ---------------------------------------------------------------------------
# Real signals to a real run, then compare, report and --resume
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan of TINY_RUN, run to the end without a signal: what a resumed run must match."""
    run = tmp_path_factory.mktemp("whole") / "run"
    done = subprocess_cli("run", *TINY_RUN, "-o", str(run))
    assert done.returncode == 0, done.stderr
    return run


def start_run(run: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "storelist", "run", *TINY_RUN, "-o", str(run)], cwd=PROJECT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def samples_in(run: Path) -> int:
    try:
        return sum(load_run(run).sample_counts().values())
    except ValueError:
        return 0


def resumed_to_the_end(run: Path, uninterrupted: Path) -> None:
    """``--resume`` completes ``run``, whose cells and sample counts then match the uninterrupted run's."""
    done = subprocess_cli("run", "--resume", str(run))
    assert done.returncode == 0, done.stderr
    ours, whole = load_run(run), load_run(uninterrupted)
    assert ours.status == "complete" and ours.manifest is not None and ours.manifest.resumed
    assert ours.cell_names() == whole.cell_names()
    assert ours.sample_counts() == whole.sample_counts()
    assert not list(run.glob(".*.tmp")) and not (run / "meta" / "sample-in-flight.json").exists()
    assert subprocess_cli("report", str(run), "--force").returncode == 0
    assert "Resumed at" in (run / "report.md").read_text()


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
                         ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_between_samples_keeps_them_and_the_run_resumes(signum: int, status: int, tmp_path: Path,
                                                                 uninterrupted: Path) -> None:
    run = tmp_path / "run"
    process = start_run(run)
    wait_for(lambda: samples_in(run) >= 3)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status
    assert signal.Signals(signum).name in one_line(err) or "interrupted" in one_line(err)
    assert json.loads(manifest_path(run).read_text())["status"] == "interrupted"
    kept = samples_in(run)
    assert kept >= 3
    compared = subprocess_cli("compare", str(run))
    assert compared.returncode == 1 and "interrupted" in compared.stderr and "Traceback" not in compared.stderr
    resumed_to_the_end(run, uninterrupted)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_a_signal_inside_a_result_file_write_leaves_the_old_file_whole(signum: int, tmp_path: Path,
                                                                       uninterrupted: Path) -> None:
    run = tmp_path / "run"
    process = start_run(run, env={files.PAUSE_ENVIRONMENT: "btree.json"})
    wait_for(lambda: (run / files.PAUSE_MARKER).exists())  # the 2nd btree.json is in its temporary file
    before = snapshot(run)["btree.json"]
    process.send_signal(signum)
    process.communicate(timeout=60)
    assert process.returncode == (-signal.SIGKILL if signum == signal.SIGKILL else 130)
    assert snapshot(run)["btree.json"] == before  # the old, complete file
    assert len(load_run(run).configurations["btree"].samples[CASES_OF_TINY[0]]) >= 1
    (run / files.PAUSE_MARKER).unlink()
    expected_status = "running" if signum == signal.SIGKILL else "interrupted"
    assert json.loads(manifest_path(run).read_text())["status"] == expected_status
    compared = subprocess_cli("compare", str(run))
    assert compared.returncode == 1 and "Traceback" not in compared.stderr
    if signum == signal.SIGKILL:
        assert "its process is gone" in compared.stderr
    reported = subprocess_cli("report", str(run))
    assert reported.returncode == 1 and "Traceback" not in reported.stderr
    resumed_to_the_end(run, uninterrupted)


def test_sigkill_at_any_moment_can_be_resumed_to_the_same_run(tmp_path: Path, uninterrupted: Path) -> None:
    moments: list[tuple[str, Callable[[Path], bool]]] = [
        ("start-up", lambda run: True),
        ("manifest written", lambda run: manifest_path(run).exists()),
        ("first sample kept", lambda run: samples_in(run) >= 1),
        ("half the samples kept", lambda run: samples_in(run) >= samples_in(uninterrupted) // 2),
    ]
    for index, (moment, reached) in enumerate(moments):
        run = tmp_path / f"run-{index}"
        process = start_run(run)
        wait_for(lambda: reached(run) or process.poll() is not None)
        process.kill()
        process.communicate(timeout=60)
        if not manifest_path(run).exists():
            continue  # killed before the run recorded anything: nothing to resume
        assert json.loads(manifest_path(run).read_text())["status"] == "running", moment  # killed, not finished
        resumed_to_the_end(run, uninterrupted)
