"""The simulation: its figures, determinism and table (its command: tests/test_inflight_command.py)."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest

from scheduling.simulate import (
    MAX_STEPS,
    SimulationConfig,
    SimulationReport,
    TrackerFigures,
    format_simulation,
    generate_workload,
    simulate,
)

# Smaller than the defaults to stay fast, still with concurrency and relevant events.
SMALL = SimulationConfig(pods=300, duration=600.0, event_rate=0.5, queue_fraction=0.2, stuck_seconds=60.0, seed=3)


@pytest.fixture(scope="module")
def report() -> SimulationReport:
    return simulate(SMALL)


def figures(report: SimulationReport, tracker: str) -> TrackerFigures:
    return next(f for f in report.figures if f.tracker == tracker)


def test_list_tracker_never_parks_a_pod_wrongly(report: SimulationReport) -> None:
    fixed = figures(report, "list")
    assert fixed.failures > 50
    assert fixed.wrongly_parked == 0 and fixed.wrongly_parked_seconds == 0.0


def test_marker_tracker_parks_some_pods_wrongly(report: SimulationReport) -> None:
    buggy = figures(report, "marker")
    assert buggy.wrongly_parked > 0
    assert buggy.wrongly_parked_seconds > 0
    # Each wrongly parked pod waits at most for the 5-minute flush (plus one 30 s tick).
    assert 0 < buggy.mean_wrongly_parked_seconds <= 330.0


def test_list_length_is_pods_plus_events_and_marker_leaks(report: SimulationReport) -> None:
    fixed, buggy = figures(report, "list"), figures(report, "marker")
    assert fixed.peak_list_length >= fixed.peak_events_kept > 0
    assert buggy.peak_list_length == buggy.peak_events_kept
    # MarkerTracker.done's choice for a detached marker: it leaks events that no Done releases.
    assert buggy.events_kept_at_end > 0


def test_no_concurrency_no_bug() -> None:
    # Attempts far shorter than a scheduling cycle: never two pods in flight, so no
    # other pod's Done can remove an event that is still some pod's marker.
    serial = replace(SMALL, pods=40, lifetime_mean=0.001, stuck_pods=0, duration=2000.0)
    for f in simulate(serial).figures:
        assert f.wrongly_parked == 0


def test_same_seed_same_figures_and_different_seed_different_workload() -> None:
    config = replace(SMALL, pods=120, duration=300.0)
    assert simulate(config) == simulate(config)
    assert generate_workload(config) == generate_workload(config)
    assert generate_workload(config) != generate_workload(replace(config, seed=config.seed + 1))


def test_workload_has_the_stuck_pod_and_bounded_attempts() -> None:
    workload = generate_workload(SMALL)
    assert len(workload.arrivals) == SMALL.pods
    assert all(0 <= when <= SMALL.duration / 2 for when, _ in workload.arrivals)
    first_lifetimes = [plans[0].lifetime for plans in workload.plans.values()]
    assert first_lifetimes.count(SMALL.stuck_seconds) == SMALL.stuck_pods
    assert all(len(p) == SMALL.attempts and not p[-1].fails for p in workload.plans.values())


@pytest.mark.parametrize(
    "bad",
    [dict(pods=0), dict(attempts=0), dict(stuck_pods=-1), dict(queue_fraction=1.5), dict(event_rate=-1.0), dict(duration=0.0), dict(pods=2, stuck_pods=3),
     dict(duration=math.inf), dict(event_rate=math.nan), dict(queue_fraction=math.nan)],
)
def test_config_rejects_bad_values(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        SimulationConfig(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("duration", SimulationConfig(pods=1, stuck_pods=0, event_rate=0.0)),  # timer ticks only
        ("event_rate", SimulationConfig(pods=1, stuck_pods=0, duration=1e4)),  # cluster events
        ("pods", SimulationConfig(stuck_pods=0, event_rate=0.0, failure_probability=0.0, cycle_seconds=1e-3)),
    ],
)
def test_config_accepts_work_just_under_the_limit_and_refuses_just_over(name: str, base: SimulationConfig) -> None:
    # These estimates grow linearly in the setting varied, so two small configs place the limit.
    start = getattr(base, name)
    kind = type(start)
    once, twice = (replace(base, **{name: kind(start * k)}).estimated_steps() for k in (1, 2))
    at_limit = start * (1 + (MAX_STEPS - once) / (twice - once))
    under = replace(base, **{name: kind(0.99 * at_limit)})  # construction validates: no error
    assert 0.98 * MAX_STEPS < under.estimated_steps() <= MAX_STEPS
    limit = re.escape(f"the limit is {MAX_STEPS:.2g}")
    with pytest.raises(ValueError, match=rf"^the simulation would take about \S+ steps \(.*\); {limit} \(about \d+ s"):
        replace(base, **{name: kind(1.01 * at_limit)})


def test_format_simulation_is_an_aligned_table(report: SimulationReport) -> None:
    text = format_simulation(report)
    lines = text.splitlines()
    assert lines[0].startswith("pods=300, attempts=4")
    header, rule, *rows = lines[2:]
    assert header.split()[0] == "tracker" and "wrongly parked" in header and "peak list" in header
    assert set(rule.replace(" ", "")) == {"-"}
    assert [row.split()[0] for row in rows] == ["marker", "list"]
    assert len({len(line) for line in (header, rule, *rows)}) == 1
