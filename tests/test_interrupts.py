"""A signal whose handler's exception the interpreter swallows still stops the run."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from bench.interrupts import Interrupted, raise_if_signalled, signals_as_interrupts


class SignalledInFinaliser:
    """Sends ``signum`` to this process from ``__del__``, where the handler then runs and
    its exception is printed as "Exception ignored", as in an at-fork hook of subprocess."""

    def __init__(self, signum: int) -> None:
        self.signum = signum

    def __del__(self) -> None:
        os.kill(os.getpid(), self.signum)
        for _ in range(10_000):  # bytecode boundaries, where the pending handler runs
            pass


@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGTERM, Interrupted), (signal.SIGHUP, Interrupted),
                                                  (signal.SIGINT, KeyboardInterrupt)])
def test_a_swallowed_signal_is_raised_at_the_next_check(signum: int, expected: type[BaseException]) -> None:
    with signals_as_interrupts():
        SignalledInFinaliser(signum)  # dropped at once: __del__ runs, the handler's exception is swallowed
        with pytest.raises(expected) as raised:
            raise_if_signalled()
    if expected is Interrupted:
        assert isinstance(raised.value, Interrupted) and raised.value.signum == signum


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_swallowed_interrupt_is_not_reported_as_ignored_but_other_exceptions_are(
        signum: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    reported: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: reported.append(unraisable.exc_value))
    with signals_as_interrupts():
        SignalledInFinaliser(signum)  # the handler's exception, swallowed: latched, not reported
        assert reported == []
        FailingFinaliser()  # any other exception a finaliser swallows is still reported
        assert len(reported) == 1 and isinstance(reported[0], ValueError)
        with pytest.raises(KeyboardInterrupt):
            raise_if_signalled()
    assert capsys.readouterr().err == ""
    FailingFinaliser()  # outside, the hook given before is back
    assert len(reported) == 2


class FailingFinaliser:
    def __del__(self) -> None:
        raise ValueError("a finaliser's own error")


def test_the_first_signal_is_the_one_raised() -> None:
    with signals_as_interrupts():
        with pytest.raises(Interrupted):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(10_000):
                pass
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(10_000):
                pass
        with pytest.raises(Interrupted) as raised:
            raise_if_signalled()
        assert raised.value.signum == signal.SIGTERM


def test_leaving_restores_the_handlers_and_forgets_the_signals() -> None:
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    with signals_as_interrupts():
        with pytest.raises(Interrupted):
            os.kill(os.getpid(), signal.SIGHUP)
            for _ in range(10_000):
                pass
    assert {signum: signal.getsignal(signum) for signum in before} == before
    raise_if_signalled()  # nothing latched outside: no exception


def test_without_a_signal_the_check_passes() -> None:
    with signals_as_interrupts():
        raise_if_signalled()
