"""The in-flight tracker benchmarks: cells, their Go-style names, and the presets.

A cell is one operation of the scheduler queue (``scheduling.costs``) at a steady number
of pods in flight and, for Pop and Done, a number of events received per Pop (the
event rate, in events per scheduling attempt). Every cell is timed on both trackers
(``scheduling.tracker.TRACKER_NAMES``: ``marker``, the first design, is the base so the
delta reads as the cost of the fix).

Event cells carry no event rate: ``time_event`` receives events back to back with
nothing popped or done in between, so the rate is not a parameter of that cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scheduling.costs import time_done, time_event, time_pop
from scheduling.tracker import TRACKER_NAMES

OPS: tuple[str, ...] = ("Event", "Pop", "Done")
PREFIX = "InFlight"

# The run's "configurations" (one pyperf JSON per tracker), base first.
TRACKERS: tuple[str, ...] = TRACKER_NAMES


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


def parse_name(name: str) -> InFlightCell:
    """The cell a benchmark name stands for; ValueError if it is not an in-flight name."""
    parts = name.split("/")
    if parts[0] != PREFIX or any("=" not in part for part in parts[1:]):
        raise ValueError(f"not an in-flight benchmark name: {name!r}")
    fields = dict(part.split("=", 1) for part in parts[1:])
    try:
        rate = fields.get("EventsPerPop")
        return InFlightCell(fields["Op"], int(fields["InFlight"]), None if rate is None else int(rate))
    except (KeyError, ValueError) as error:
        raise ValueError(f"not an in-flight benchmark name: {name!r} ({error})") from None


def grid(in_flight: Sequence[int], events_per_pop: Sequence[int]) -> tuple[InFlightCell, ...]:
    """Event at every in-flight count, then Pop and Done at every (in-flight, rate) pair."""
    cells = [InFlightCell("Event", count) for count in in_flight]
    cells += [InFlightCell(op, count, rate) for op in ("Pop", "Done") for count in in_flight for rate in events_per_pop]
    return tuple(cells)


@dataclass(frozen=True)
class InFlightPreset:
    """A named set of in-flight cells, and the (in-flight, events) pairs whose memory is measured."""

    name: str
    description: str
    cells: tuple[InFlightCell, ...]
    in_flight: tuple[int, ...]
    events_per_pop: tuple[int, ...]

    def memory_points(self) -> list[tuple[int, int]]:
        """(pods in flight, events received) for the memory table: I x (I * rate).

        I * rate events is what a marker tracker keeps at a steady state: every event
        since the oldest in-flight pod's Pop, I Pops ago.
        """
        return [(count, count * rate) for count in self.in_flight for rate in self.events_per_pop]


def _preset(name: str, description: str, in_flight: tuple[int, ...], rates: tuple[int, ...]) -> InFlightPreset:
    return InFlightPreset(name, description, grid(in_flight, rates), in_flight, rates)


INFLIGHT_PRESETS: dict[str, InFlightPreset] = {
    preset.name: preset for preset in (
        _preset("inflight", "scheduler in-flight tracking: Event, Pop, Done at 1-1000 pods in flight, "
                "1-100 events per Pop (both trackers)", (1, 10, 100, 1000), (1, 10, 100)),
        _preset("inflight-smoke", "the same operations at 1 and 10 pods in flight, 1 event per Pop (CI)",
                (1, 10), (1,)),
    )
}
