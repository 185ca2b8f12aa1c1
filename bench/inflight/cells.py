"""The in-flight tracker benchmarks' cells and their Go-style names.

A cell is one operation of the scheduler queue (``scheduling.costs``) at a steady number
of pods in flight and, for Pop and Done, a number of events received per Pop (the
event rate, in events per scheduling attempt). Every cell is timed on both trackers
(``scheduling.tracker.TRACKER_NAMES``: ``marker``, the first design, is the base so the
delta reads as the cost of the fix); the trackers are the run's configurations, one
pyperf JSON file each.

Event cells carry no event rate: ``time_event`` receives events back to back with
nothing popped or done in between, so the rate is not a parameter of that cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scheduling.costs import time_done, time_event, time_pop

OPS: tuple[str, ...] = ("Event", "Pop", "Done")
PREFIX = "InFlight"


@dataclass(frozen=True)
class InFlightCell:
    """One benchmark: ``op`` at ``in_flight`` pods in flight, ``events_per_pop`` events per Pop."""

    op: str
    in_flight: int
    events_per_pop: int | None = None  # None for Event (see the module docstring)

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown operation {self.op!r}; expected one of {', '.join(OPS)}")
        if self.in_flight < 1:
            raise ValueError(f"in_flight must be at least 1, got {self.in_flight}")
        if (self.op == "Event") != (self.events_per_pop is None):
            raise ValueError(f"{self.op} cells {'take no' if self.op == 'Event' else 'need an'} events_per_pop")
        if self.events_per_pop is not None and self.events_per_pop < 0:
            raise ValueError(f"events_per_pop must not be negative, got {self.events_per_pop}")

    @property
    def name(self) -> str:
        """``InFlight/Op=Done/InFlight=1000/EventsPerPop=1`` (``Op=Event`` without the rate)."""
        rate = "" if self.events_per_pop is None else f"/EventsPerPop={self.events_per_pop}"
        return f"{PREFIX}/Op={self.op}/InFlight={self.in_flight}{rate}"

    def time_function(self) -> tuple[Callable[..., float], tuple[object, ...]]:
        """The ``scheduling.costs`` function and its arguments after ``loops`` and the tracker."""
        if self.op == "Event":
            return time_event, (self.in_flight,)
        return (time_pop if self.op == "Pop" else time_done), (self.in_flight, self.events_per_pop)

    def time(self, loops: int, tracker: str) -> float:
        """Seconds spent in ``loops`` repetitions of the operation on ``tracker``."""
        function, args = self.time_function()
        return function(loops, tracker, *args)


def grid(in_flight: Sequence[int], events_per_pop: Sequence[int]) -> tuple[InFlightCell, ...]:
    """Event at every in-flight count, then Pop and Done at every (in-flight, rate) pair."""
    cells = [InFlightCell("Event", count) for count in in_flight]
    cells += [InFlightCell(op, count, rate) for op in ("Pop", "Done") for count in in_flight for rate in events_per_pop]
    return tuple(cells)
