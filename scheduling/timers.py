"""The queue's two periodic flushes, driven by a fake clock instead of goroutines.

Upstream runs ``flushBackoffQCompleted`` every second and
``flushUnschedulablePodsLeftover`` every 30 seconds.  Here they fire at multiples of
their period from the start time, in time order, as ``QueueTimers.advance_to`` moves
the clock.
"""

from __future__ import annotations

from scheduling.clock import FakeClock
from scheduling.queue import PriorityQueue

BACKOFF_FLUSH_PERIOD = 1.0
UNSCHEDULABLE_FLUSH_PERIOD = 30.0


class QueueTimers:
    """Fires the flushes of one queue as a fake clock moves forward."""

    def __init__(
        self,
        queue: PriorityQueue,
        clock: FakeClock,
        backoff_period: float = BACKOFF_FLUSH_PERIOD,
        unschedulable_period: float = UNSCHEDULABLE_FLUSH_PERIOD,
    ) -> None:
        if backoff_period <= 0 or unschedulable_period <= 0:
            raise ValueError("timer periods must be positive")
        self.queue = queue
        self.clock = clock
        self.backoff_period = backoff_period
        self.unschedulable_period = unschedulable_period
        self._start = clock.now()
        self._backoff_ticks = 1
        self._unschedulable_ticks = 1

    def next_backoff_flush(self) -> float:
        """Time of the next backoffQ flush. O(1)."""
        # Multiplying rather than accumulating keeps tick times exact multiples.
        return self._start + self._backoff_ticks * self.backoff_period

    def next_unschedulable_flush(self) -> float:
        """Time of the next unschedulablePods flush. O(1)."""
        return self._start + self._unschedulable_ticks * self.unschedulable_period

    def advance_to(self, when: float) -> None:
        """Move the clock to ``when``, running every flush due on the way (ties: the
        backoffQ flush first).  O(ticks passed) plus the flushes' own costs."""
        if when < self.clock.now():
            raise ValueError(f"cannot go back from {self.clock.now()} to {when}")
        while True:
            backoff_at = self.next_backoff_flush()
            unschedulable_at = self.next_unschedulable_flush()
            due = min(backoff_at, unschedulable_at)
            if due > when:
                break
            self.clock.set(due)
            if backoff_at <= unschedulable_at:
                self._backoff_ticks += 1
                self.queue.flush_backoff_q_completed()
            else:
                self._unschedulable_ticks += 1
                self.queue.flush_unschedulable_pods_leftover()
        self.clock.set(when)
