"""Blocks of the paired design, shared by both suites' paired workers: how many
operations a block holds, and the interleaved rounds of blocks.

A *timer* is a callable ``timer(loops) -> seconds``: it runs ``loops`` operations and
returns the seconds spent inside the measured part. For a StoreList cell that is the
whole call (``bench.storelist.cell_timer``); for an in-flight Pop or Done it is a
small part of each repetition, the rest being the untimed work that brings the queue
back to its steady state (``scheduling.costs``). There a block sized by its timed part
alone would last far too long: a marker tracker's Pop at 1000 pods in flight and 100
events per Pop is timed ~1 µs out of ~5 ms per repetition. ``wall_limit`` bounds the
whole call as well.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pyperf

from bench.executor import rotated
from bench.rundir.metadata_keys import DESIGN_KEY, RATIO_KEY, TIMED_SECONDS_KEY
from benchstat.paired import adjacent_block_ratios, process_ratio

Timer = Callable[[int], float]
MAX_LOOPS = 1 << 20
CALIBRATION_REPEATS = 5


def _timed_call(timer: Timer, loops: int, wall_clock: Callable[[], float]) -> tuple[float, float]:
    """(timed seconds, wall seconds of the whole call)."""
    started = wall_clock()
    timed = timer(loops)
    return timed, wall_clock() - started


def _fitting(per_timed: float, per_wall: float, block_time: float, wall_limit: float | None, margin: float) -> int:
    loops = math.ceil(margin * block_time / max(per_timed, 1e-12))
    if wall_limit is not None:
        loops = min(loops, math.floor(wall_limit / max(per_wall, 1e-12)))
    return max(1, min(MAX_LOOPS, loops))


def grow_loops(timer: Timer, block_time: float, wall_limit: float | None = None,
               wall_clock: Callable[[], float] = time.perf_counter) -> int:
    """A first count of operations per block: doubled (or extrapolated) until one block
    lasts ``block_time`` (or its whole call ``wall_limit``). It stops wherever its path
    crosses the line, anywhere between one and two times the right count, so it only
    sizes the warm-up blocks.

    Cost: about twice the last block.
    """
    loops = 1
    timed, wall = _timed_call(timer, loops, wall_clock)
    while timed < block_time and (wall_limit is None or wall < wall_limit) and loops < MAX_LOOPS:
        loops = min(MAX_LOOPS, max(loops * 2, _fitting(timed / loops, wall / loops, block_time, wall_limit, 1.1)))
        timed, wall = _timed_call(timer, loops, wall_clock)
    return loops


def settle_loops(timer: Timer, loops: int, block_time: float, wall_limit: float | None = None,
                 wall_clock: Callable[[], float] = time.perf_counter) -> int:
    """The count that fills ``block_time`` (and keeps the whole call within ``wall_limit``),
    from the median time per operation of ``CALIBRATION_REPEATS`` blocks of ``loops``
    operations: called once the process is warm.

    Why it matters: a block carries a fixed cost (see ``CellTimer``), so a ratio depends
    a little on the loops, and the loops calibrated in a run's first process are kept by
    all its processes. Calibrated by growth alone, or cold, StoreList runs chose 407 or
    790 loops (and 554 or 891) for the same cell, and their ratios differed by 2-3%.

    Cost: ``CALIBRATION_REPEATS`` blocks.
    """
    calls = [_timed_call(timer, loops, wall_clock) for _ in range(CALIBRATION_REPEATS)]
    per_timed = statistics.median(timed / loops for timed, _ in calls)
    per_wall = statistics.median(wall / loops for _, wall in calls)
    return _fitting(per_timed, per_wall, block_time, wall_limit, 1.0)


def time_blocks(timers: Mapping[str, Timer], loops: Mapping[str, int], first_round: int,
                rounds: int) -> dict[str, list[float]]:
    """Seconds per operation of each configuration's block in each of ``rounds`` rounds,
    the order rotated by one from round to round, starting at ``first_round``."""
    names: Sequence[str] = list(timers)
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in rotated(names, first_round + index):
            times[name].append(timers[name](loops[name]) / loops[name])
    return times


@dataclass(frozen=True)
class TimedRounds:
    """What a paired process measured: the loops of its warm-up and measured blocks, and
    each configuration's seconds per operation in them."""

    warmup_loops: dict[str, int]
    warmups: dict[str, list[float]]
    loops: dict[str, int]
    measured: dict[str, list[float]]


def time_rounds(timers: Mapping[str, Timer], given: Mapping[str, int], block_time: float, first_round: int,
                warmups: int, blocks: int, wall_limit: float | None = None) -> TimedRounds:
    """The warm-up rounds, then the measured ones, from ``first_round``'s order. A
    configuration without a count in ``given`` is grown before the warm-up rounds and
    settled after them, when the process is warm (``settle_loops`` says why)."""
    warmup_loops = {name: given.get(name) or grow_loops(timer, block_time, wall_limit) for name, timer in timers.items()}
    warmup_times = time_blocks(timers, warmup_loops, first_round, warmups)
    loops = {name: given.get(name) or settle_loops(timer, warmup_loops[name], block_time, wall_limit)
             for name, timer in timers.items()}
    return TimedRounds(warmup_loops, warmup_times, loops, time_blocks(timers, loops, first_round + warmups, blocks))


def add_block_arguments(parser: argparse.ArgumentParser, configurations: str, block_time_help: str) -> None:
    """A paired worker's options for its configurations (``--<configurations>``, the base
    first) and its blocks: the executor's round, the measured and warm-up rounds of
    blocks, the block time, and the loops already calibrated."""
    parser.add_argument(f"--{configurations}", required=True, type=lambda text: text.split(","),
                        help=f"{configurations}, the base first")
    parser.add_argument("--round", required=True, type=int, help="the executor's round (rotates the first order)")
    parser.add_argument("--blocks", required=True, type=int, help="measured rounds of blocks")
    parser.add_argument("--warmups", required=True, type=int, help="warm-up rounds of blocks (not measured)")
    parser.add_argument("--block-time", required=True, type=float, help=block_time_help)
    parser.add_argument("--loops", type=parse_loops, default={},
                        help="name=N,...: operations per block of the configurations calibrated already")


def parse_loops(text: str) -> dict[str, int]:
    """``--loops`` of a paired worker: ``name=N,...``, the operations per block of each
    configuration already calibrated (the others are calibrated in the worker).

    >>> parse_loops("btree+index=400,map=3")
    {'btree+index': 400, 'map': 3}
    """
    pairs = [part.split("=", 1) for part in text.split(",") if part]
    return {name: int(count) for name, count in pairs}


def paired_runs(measured: Mapping[str, list[float]], warmups: Mapping[str, list[float]],
                loops: Mapping[str, int], warmup_loops: Mapping[str, int],
                metadata: Mapping[str, dict[str, str | int | float]]) -> dict[str, pyperf.Run]:
    """One pyperf run per configuration (the first is the base) of one paired process.

    Its values are the measured blocks' seconds per operation, its warm-ups the warm-up
    blocks; to ``metadata[name]`` it adds the design, the loops, the process's ratio to
    the base (``RATIO_KEY``: the median of the per-block ratios, ``benchstat.paired``)
    and the seconds spent inside timed parts (``TIMED_SECONDS_KEY``).
    """
    base = next(iter(measured))
    ratios = {base: 1.0, **{name: process_ratio(block_ratios)
                            for name, block_ratios in adjacent_block_ratios(measured, base).items()}}
    runs = {}
    for name, values in measured.items():
        sized = warmup_loops[name]
        run_metadata = {**metadata[name], "loops": loops[name], DESIGN_KEY: "paired", RATIO_KEY: ratios[name],
                        TIMED_SECONDS_KEY: sized * sum(warmups[name]) + loops[name] * sum(values)}
        runs[name] = pyperf.Run(values, warmups=[(sized, value) for value in warmups[name]], metadata=run_metadata)
    return runs
