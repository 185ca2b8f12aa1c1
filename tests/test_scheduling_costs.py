"""Light checks of the pyperf-shaped cost functions (not timing assertions)."""

from __future__ import annotations

import pytest

from scheduling.costs import SteadyCycle, time_done, time_event, time_pop, tracker_memory
from scheduling.tracker import TRACKER_NAMES


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
@pytest.mark.parametrize("function", [time_event, time_pop, time_done], ids=["event", "pop", "done"])
def test_timers_return_positive_seconds(function: object, tracker: str) -> None:
    for in_flight in (0, 1, 20):
        seconds = function(200, tracker, in_flight)  # type: ignore[operator]
        assert isinstance(seconds, float) and 0.0 < seconds < 5.0


@pytest.mark.parametrize("function", [time_event, time_pop, time_done], ids=["event", "pop", "done"])
def test_zero_loops_measure_nothing_and_negative_values_are_rejected(function: object) -> None:
    assert function(0, "list", 3) < 0.01  # type: ignore[operator]
    with pytest.raises(ValueError):
        function(10, "list", -1)  # type: ignore[operator]
    with pytest.raises(ValueError):
        function(10, "no-such-tracker", 1)  # type: ignore[operator]


def test_marker_done_walks_the_events_of_every_later_pod() -> None:
    # Cost model: pre-fix Done is O(k_P) ~ in_flight * events_per_pop, post-fix O(events_per_pop).
    # Best of three to keep scheduler noise out of a ratio this large.
    def best(tracker: str) -> float:
        return min(time_done(300, tracker, 300, events_per_pop=2) for _ in range(3))

    assert best("marker") > 5 * best("list")


@pytest.mark.parametrize(("tracker", "in_flight", "events", "length"), [("list", 7, 30, 37), ("marker", 7, 30, 30), ("list", 0, 30, 0), ("marker", 0, 30, 0)])
def test_tracker_memory_reports_list_length_and_bytes(tracker: str, in_flight: int, events: int, length: int) -> None:
    figures = tracker_memory(tracker, in_flight, events)
    assert figures["list_length"] == length
    assert figures["events_kept"] == (events if in_flight else 0)
    assert figures["method"] == "tracemalloc"
    assert isinstance(figures["bytes"], int) and figures["bytes"] > 0


def test_tracker_memory_follows_the_cost_model() -> None:
    # "list" pays a list node per in-flight pod, "marker" a counter per kept event.
    assert tracker_memory("list", 1000, 0)["bytes"] > tracker_memory("marker", 1000, 0)["bytes"]  # type: ignore[operator]
    assert tracker_memory("marker", 1, 2000)["bytes"] > tracker_memory("list", 1, 2000)["bytes"]  # type: ignore[operator]


def test_tracker_memory_grows_with_events() -> None:
    small = tracker_memory("list", 5, 100)["bytes"]
    large = tracker_memory("list", 5, 1000)["bytes"]
    assert isinstance(small, int) and isinstance(large, int) and large > 5 * small


@pytest.mark.parametrize("in_flight, events_per_pop", [(1, 1), (10, 3), (50, 10)])
def test_steady_cycle_starts_in_steady_state(in_flight: int, events_per_pop: int) -> None:
    # Every in-flight pod has its events behind it: the list holds I pods and I*k events,
    # and one more cycle (one Pop, k events, one Done with its pruning) keeps it so.
    steady = SteadyCycle("list", in_flight, events_per_pop)
    expected = in_flight * (1 + events_per_pop)
    assert steady.queue.tracker.list_length() == expected
    steady.cycle(measure_pop=False)
    assert steady.queue.tracker.list_length() == expected
    assert steady.queue.tracker.events_kept() == in_flight * events_per_pop
