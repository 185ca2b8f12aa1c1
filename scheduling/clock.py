"""Injectable time source: the queue never reads the wall clock, so tests and the
simulation drive time explicitly and nothing ever sleeps."""

from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    """Anything with ``now()`` in seconds; the queue needs nothing else."""

    def now(self) -> float: ...


class FakeClock:
    """A clock that only moves when told to. All operations are O(1)."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def step(self, seconds: float) -> None:
        """Move forward by ``seconds`` (must be >= 0)."""
        if seconds < 0:
            raise ValueError(f"cannot step a clock backwards ({seconds} s)")
        self._now += seconds

    def set(self, when: float) -> None:
        """Jump to the absolute time ``when`` (must not be in the past)."""
        if when < self._now:
            raise ValueError(f"cannot set the clock back from {self._now} to {when}")
        self._now = when
