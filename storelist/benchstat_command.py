"""``storelist benchstat``: benchstat over Go benchmark text files (``go test -bench`` output)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchstat.files import benchstat_files
from benchstat.render import FORMATS
from storelist.options import EXIT_OK, EXIT_STATUS_HELP, add_format_option, fail, wrap


def cmd_benchstat(args: argparse.Namespace) -> int:
    try:
        sys.stdout.write(benchstat_files(args.files, args.format))
    except ValueError as error:
        return fail("benchstat", str(error))
    return EXIT_OK


def add_benchstat(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "benchstat", help="benchstat over Go benchmark text files",
        description=wrap("Compare Go benchmark output files (`go test -bench` text) like golang.org/x/perf's "
                         "benchstat: the first file is the base, one column per file."),
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Go benchmark text file")
    add_format_option(parser, FORMATS)
    parser.set_defaults(func=cmd_benchstat)
