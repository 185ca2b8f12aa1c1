"""The progress display of ``storelist run``: one bar with the round, cell, configuration, elapsed time and ETA.

Drawn with tqdm on standard error when it is a terminal; elsewhere (a pipe, CI, a
test) tqdm draws nothing and each worker process gets one plain line instead, so a
log still says where the run got to. The notes of a run (memory measured, loops
chosen) are printed above the bar. The ETA is tqdm's: the mean time per worker
process so far times the processes left, which the rotation of configurations and
cells keeps honest after the first round.
"""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm


class RunProgress:
    """``bench.executor.Progress`` for a terminal (see the module docstring)."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._interactive = sys.stderr.isatty()
        self._bar: tqdm | None = None

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.close()

    def note(self, message: str) -> None:
        line = f"storelist run: {message}"
        if self._bar is not None:
            self._bar.write(line, file=sys.stdout)
        else:
            print(line, flush=True)

    def begin(self, total: int, done: int) -> None:
        self._bar = tqdm(total=total, initial=done, unit="process", dynamic_ncols=True, file=sys.stderr,
                         disable=not self._interactive, bar_format="{desc} {bar} {n_fmt}/{total_fmt} "
                         "[{elapsed}<{remaining}]")

    def start(self, round_index: int, rounds: int, cell: str, unit: tuple[str, ...]) -> None:
        configurations = f"on {unit[0]}" if len(unit) == 1 else "(all configurations)"
        where = f"round {round_index + 1}/{rounds}: {cell.removeprefix('StoreList/')} {configurations}"
        if self._bar is not None and self._interactive:
            self._bar.set_description_str(where, refresh=True)
        else:
            print(f"storelist run: {where}", flush=True)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.update(1)
