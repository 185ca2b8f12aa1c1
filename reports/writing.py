"""Writing a report's files: refused over existing ones unless forced, each written whole.

Both suites' reports write ``report.md`` and PNG plots into the run directory. A
report never replaces what a user already has unless asked (``--force``), and a file
is either the old one or the new one: the text goes through the run directory's
atomic writer (``bench.rundir.files.write_text``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.rundir.files import write_text

REPORT_NAME = "report.md"


class ReportError(ValueError):
    """The report cannot be written (e.g. it exists and ``force`` was not given)."""


@dataclass(frozen=True)
class ReportOutcome:
    """Where the report went, its plots, and the run's caveats (also in the report)."""

    path: Path
    plots: tuple[Path, ...]
    caveats: tuple[str, ...]


def refuse_existing(run_dir: Path, names: Iterable[str], force: bool) -> None:
    """ReportError naming the first of ``report.md`` and ``names`` that exists in ``run_dir``,
    unless ``force``; with ``force`` too if one is a directory (replacing it would lose what it holds)."""
    for name in (REPORT_NAME, *names):
        path = run_dir / name
        if path.is_dir():
            raise ReportError(f"{path} is a directory; move it away to write the report")
        if path.exists() and not force:
            raise ReportError(f"{path} already exists; pass --force to replace the report")


def write_report_text(run_dir: Path, text: str) -> Path:
    """Write ``text`` as the run's ``report.md``, atomically; its path."""
    target = run_dir / REPORT_NAME
    write_text(target, text)
    return target
