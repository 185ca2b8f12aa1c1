"""SIGINT, SIGTERM and SIGHUP as interrupts of a run, none of them ever lost.

Python runs a signal's handler in the main thread at the next bytecode boundary. If that
boundary is inside a callback whose exceptions the interpreter ignores (a ``__del__``,
a weakref finaliser, the ``os.register_at_fork`` hooks that ``subprocess`` runs right
after each fork, as logging's lock release is), the handler's exception is printed as
"Exception ignored in ..." and the run goes on as if nothing had arrived. That happened
here: a SIGHUP sent while a worker was being forked was swallowed in logging's
``_releaseLock`` and the run finished with exit status 0 (about 1 in 40 trials of the
fault test). So the handler also latches the signal, and the executor asks
:func:`raise_if_signalled` at every point where it is safe to stop (right after a worker
is started, between samples): a swallowed signal still stops the run, at the latest one
worker later. And the interpreter's "Exception ignored" report of such a swallowed
interrupt, a traceback on the user's terminal before the run's one line, is silenced
while the handlers are in place (``sys.unraisablehook``): the latch raises it again. Any
other unraisable exception is reported as before.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

UnraisableHookArgs = Any  # sys.UnraisableHookArgs, a structseq the typing module cannot name

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

# The signals received inside signals_as_interrupts(), in order of arrival.
_received: list[int] = []


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is (a KeyboardInterrupt), with its signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _interrupt_for(signum: int) -> KeyboardInterrupt:
    return KeyboardInterrupt() if signum == signal.SIGINT else Interrupted(signum)


def _latch_and_raise(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise _interrupt_for(signum)


@contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Within: SIGINT raises KeyboardInterrupt, SIGTERM and SIGHUP raise :class:`Interrupted`,
    and each is latched for :func:`raise_if_signalled`."""
    _received.clear()
    previous_hook = sys.unraisablehook

    def report_unless_latched(unraisable: UnraisableHookArgs) -> None:
        if not (isinstance(unraisable.exc_value, KeyboardInterrupt) and _received):
            previous_hook(unraisable)

    sys.unraisablehook = report_unless_latched
    previous = {signum: signal.signal(signum, _latch_and_raise) for signum in HANDLED_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sys.unraisablehook = previous_hook
        _received.clear()


def raise_if_signalled() -> None:
    """Raise the interrupt of the first signal received, if one was: its handler's own
    exception may have been swallowed (see the module docstring). O(1)."""
    if _received:
        raise _interrupt_for(_received[0])
