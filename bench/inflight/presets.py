"""Named sets of in-flight cells (``storelist run --preset inflight|inflight-smoke``)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.inflight.cells import InFlightCell, grid


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
