"""``storelist inflight simulate``: options, their validation, and the table it prints."""

from __future__ import annotations

import time

import pytest

from scheduling.simulate import SimulationConfig
from storelist import inflight_command
from storelist.main import build_parser, main


def test_cli_runs_with_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inflight", "simulate", "--pods", "50", "--duration", "120", "--seed", "9", "--event-rate", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "pods=50," in out and "seed=9" in out and "event_rate=0.5" in out
    assert out.count("\nmarker") == 1 and out.count("\nlist") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--pods", "-3"], "must be at least 1"),
        (["--attempts", "0"], "must be at least 1"),
        (["--event-rate", "fast"], "expected a number"),
        (["--failure-probability", "2"], "within [0, 1]"),
        (["--duration", "0"], "greater than 0"),
        (["--seed", "x"], "expected an integer"),
    ],
)
def test_cli_rejects_bad_values(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["inflight", "simulate", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--duration", "1e12"], "the limit is"),
        (["--event-rate", "1e9"], "the limit is"),
        (["--pods", "100000000"], "the limit is"),
        (["--duration", "inf"], "expected a finite number"),
        (["--event-rate", "nan"], "expected a finite number"),
    ],
)
def test_cli_refuses_what_cannot_finish_before_simulating(argv: list[str], message: str,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*_: object) -> None:
        # pytest.fail is a BaseException: main's one-line handler for bugs cannot swallow it.
        pytest.fail("refused input reached the simulation")

    monkeypatch.setattr(inflight_command, "simulate", must_not_run)
    started = time.perf_counter()
    status: int | str | None
    try:
        status = main(["inflight", "simulate", *argv])
    except SystemExit as exit_info:  # argparse's own refusals exit
        status = exit_info.code
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "error:" in err and message in err and "Traceback" not in err
    assert elapsed < 1.0


def test_cli_rejects_inconsistent_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inflight", "simulate", "--pods", "2", "--stuck-pods", "3"]) == 2
    assert "stuck_pods must not exceed pods" in capsys.readouterr().err


def test_the_command_parses_every_simulation_setting() -> None:
    args = build_parser().parse_args(["inflight", "simulate", "--seed", "4"])
    assert (args.command, args.inflight_command, args.seed, args.pods) == ("inflight", "simulate", 4, SimulationConfig().pods)
    assert callable(args.func)
