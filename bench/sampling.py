"""How much every (cell, configuration) is sampled, and the pyperf options that say so.

A sample is one worker process (``bench.executor`` says why). In the unpaired design
(one configuration per process, a pyperf ``Runner``) each process records ``values``
values after ``warmups`` warm-ups, each value at least ``min_time`` seconds of
``loops`` operations: pyperf's defaults (3 values, 1 warm-up, 100 ms) with benchstat's
10 samples. In the paired design (every configuration of a cell in one process,
``bench.storelist.paired_worker``) each process times ``blocks`` rounds of blocks
after ``warmups`` warm-up rounds, one block per configuration, each block at least
``block_time`` seconds; the per-block ratios to the base give that process's ratio.
``fast`` keeps 6 samples, the fewest for which a 95% median CI is finite (benchstat
prints "∞" below that); ``rigorous`` doubles the processes as pyperf's ``--rigorous``
does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SampleSettings:
    """``processes`` samples. Unpaired: ``values`` values after ``warmups`` warm-up values,
    each value at least ``min_time`` seconds of ``loops`` operations (0: calibrated once
    per cell and configuration, in the first round). Paired: ``blocks`` rounds of blocks
    after ``warmups`` warm-up rounds, each block at least ``block_time`` seconds of
    ``loops`` operations (0: calibrated in the first round likewise)."""

    processes: int
    values: int
    warmups: int
    min_time: float
    loops: int = 0
    blocks: int = 16
    block_time: float = 0.01

    def __post_init__(self) -> None:
        if (self.processes < 1 or self.values < 1 or self.warmups < 0 or self.loops < 0 or self.blocks < 1
                or not 0 < self.min_time < 3600 or not 0 < self.block_time < 3600):
            raise ValueError(f"invalid sample settings: {self}")


# 20 processes of 16 blocks rather than benchstat's 10: in the paired design the
# processes, not the blocks, limit the ratio's interval. Measured in a `make bench` of
# 10 x 40 blocks: the median of a process's per-block ratios has a standard error of
# about 1-2% (per-block IQR 3-20%), while the processes' medians spread +-5-10% (heap
# layout, hash seed); twice the processes narrow the order-statistic CI (x(6)..x(15) of
# 20 instead of x(2)..x(9) of 10) in the same time. See the README.
SAMPLE_MODES: dict[str, SampleSettings] = {
    "default": SampleSettings(processes=20, values=3, warmups=1, min_time=0.1, blocks=16, block_time=0.01),
    "fast": SampleSettings(processes=6, values=2, warmups=1, min_time=0.05, blocks=16, block_time=0.005),
    "rigorous": SampleSettings(processes=40, values=3, warmups=1, min_time=0.1, blocks=16, block_time=0.01),
}


def check_mode(mode: str) -> None:
    """ValueError naming the valid modes if ``mode`` is not one."""
    if mode not in SAMPLE_MODES:
        raise ValueError(f"unknown sample mode {mode!r}; expected one of {', '.join(SAMPLE_MODES)}")


def sampling_options(mode: str, settings: SampleSettings) -> list[str]:
    """The ``storelist run`` options that give ``settings``: the mode, then each setting
    that differs from the mode's own.

    >>> sampling_options("fast", SampleSettings(processes=6, values=2, warmups=1, min_time=0.2, block_time=0.005))
    ['--fast', '--min-time', '0.2']
    """
    options = [] if mode == "default" else [f"--{mode}"]
    base = SAMPLE_MODES[mode]
    for option, value, default in (("--processes", settings.processes, base.processes),
                                   ("--values", settings.values, base.values),
                                   ("--warmups", settings.warmups, base.warmups),
                                   ("--min-time", settings.min_time, base.min_time),
                                   ("--loops", settings.loops, base.loops),
                                   ("--blocks", settings.blocks, base.blocks),
                                   ("--block-time", settings.block_time, base.block_time)):
        if value != default:
            options += [option, repr(value)]
    return options


def pyperf_options(settings: SampleSettings, loops: int, output: Path) -> list[str]:
    """pyperf's options for one round of one (cell, configuration): its manager with one
    worker process, writing that process's run to the new file ``output``.

    >>> pyperf_options(SAMPLE_MODES["fast"], 0, Path("RUN/meta/sample.json"))
    ['--processes=1', '--values=2', '--warmups=1', '--min-time=0.05', '--loops=0', '--output=RUN/meta/sample.json']
    """
    return ["--processes=1", f"--values={settings.values}", f"--warmups={settings.warmups}",
            f"--min-time={settings.min_time!r}", f"--loops={loops}", f"--output={output}"]
