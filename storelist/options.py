"""What every subcommand shares: exit codes, one-line errors, and the option types.

Every subcommand returns an exit status instead of raising: errors the user can fix
(bad option, missing or corrupt file, existing output) print one line on stderr
(``storelist <command>: error: ...``) and exit 2, without a traceback. Option types
raise ``argparse.ArgumentTypeError``, which the parser turns into that one line.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from collections.abc import Sequence

EXIT_OK, EXIT_CAVEATS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

EXIT_STATUS_HELP = """exit status:
  0  done
  1  done, but the input is incomplete or uneven (missing configurations or cells,
     differing benchmark sets or sample counts); each problem is named on stderr
  2  nothing done: bad option, unreadable or corrupt file, existing output,
     no permission or space; or a run that failed (the error is named)
  128+N  stopped by signal N (130: Ctrl-C, 143: SIGTERM); what was finished is kept"""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``storelist run: error: ... (see storelist run --help)``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def wrap(text: str) -> str:
    """Wrap a description by hand: the raw formatter (kept for the epilogs' lists) does not."""
    return textwrap.fill(text, width=79)


def fail(command: str, message: str, status: int = EXIT_ERROR) -> int:
    """Print ``storelist COMMAND: error: MESSAGE`` on stderr; ``status``."""
    sys.stderr.write(f"storelist {command}: error: {message}\n")
    return status


def describe_os_error(error: OSError) -> str:
    """``PATH: reason`` for an OSError, as one line (e.g. ``results/x/report.md: No space left on device``)."""
    reason = error.strerror or str(error)
    if error.filename is not None:
        return f"{error.filename}: {reason}"
    return reason


def notes(command: str, caveats: Sequence[str]) -> int:
    """Print each caveat as a note on stderr; EXIT_CAVEATS if there were any, else EXIT_OK."""
    for caveat in caveats:
        sys.stderr.write(f"storelist {command}: note: {caveat}\n")
    return EXIT_CAVEATS if caveats else EXIT_OK


def integer(text: str, minimum: int | None = None) -> int:
    """``text`` as an int of at least ``minimum``.

    >>> integer("3", minimum=1)
    3
    >>> integer("0", minimum=1)
    Traceback (most recent call last):
    argparse.ArgumentTypeError: must be at least 1, got 0
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if minimum is not None and value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
    return value


def positive(text: str) -> int:
    return integer(text, 1)


def non_negative(text: str) -> int:
    return integer(text, 0)


def any_integer(text: str) -> int:
    return integer(text)


def counts(text: str) -> tuple[int, ...]:
    """A comma-separated list of positive integers, e.g. namespace counts ``10,100,1000``."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("expected a comma-separated list of namespace counts, e.g. 10,100,1000")
    return tuple(positive(part) for part in parts)


def number(text: str, minimum: float | None = None, strict: bool = False) -> float:
    """``text`` as a finite float of at least (``strict``: more than) ``minimum``.

    >>> number("0.5", minimum=0, strict=True)
    0.5
    >>> number("nan")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: expected a finite number, got 'nan'
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        relation = "greater than" if strict else "at least"
        raise argparse.ArgumentTypeError(f"must be {relation} {minimum:g}, got {value:g}")
    return value


def seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    return number(text, 0, strict=True)


def positive_number(text: str) -> float:
    return number(text, 0, strict=True)


def non_negative_number(text: str) -> float:
    return number(text, 0)


def probability(text: str) -> float:
    """A number within [0, 1]."""
    value = number(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within [0, 1], got {value:g}")
    return value


def add_format_option(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """``--format text|md``, for the subcommands that print benchstat tables."""
    parser.add_argument("--format", choices=formats, default="text",
                        help="text: benchstat's layout; md: GitHub pipe tables (default: text)")
