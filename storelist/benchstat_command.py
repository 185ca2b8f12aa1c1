"""``storelist benchstat``: benchstat over Go benchmark text files (``go test -bench`` output)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchstat.files import compare_files
from benchstat.gotext import MAX_FILE_BYTES
from benchstat.projection import DEFAULT_COL, DEFAULT_ROW, Projection
from benchstat.render import FORMATS
from storelist.options import EXIT_STATUS_HELP, add_format_option, fail, notes, wrap


def cmd_benchstat(args: argparse.Namespace) -> int:
    """Print the tables, then a note per caveat (exit 1), or one error line (exit 2)."""
    try:
        col = Projection.parse(args.col, "-col") if args.col else DEFAULT_COL
        row = Projection.parse(args.row, "-row") if args.row else DEFAULT_ROW
        text, caveats = compare_files(args.files, args.format, col=col, row=row)
    except ValueError as error:
        return fail("benchstat", str(error))
    sys.stdout.write(text)
    return notes("benchstat", caveats)


def add_benchstat(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "benchstat", help="benchstat over Go benchmark text files",
        description=wrap("Compare Go benchmark output files (`go test -bench` text) like golang.org/x/perf's "
                         "benchstat: the first file is the base, one column per file. Benchmarks, units "
                         "or sample counts that differ between the files are named on stderr. A file of "
                         f"more than {MAX_FILE_BYTES // 2**20} MiB, or that is not UTF-8 text, is refused."),
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Go benchmark text file")
    parser.add_argument("-col", "--col", metavar="KEYS",
                        help="group columns by these comma-separated keys, as benchstat's -col: /key (a name "
                             "level, e.g. /Store,/Indexed), .file (the default), .name; the first column is the "
                             "base, and the keys' levels leave the row names")
    parser.add_argument("-row", "--row", metavar="KEYS",
                        help="group rows by these keys, as benchstat's -row (default .fullname; e.g. "
                             "/Namespaces,/RV)")
    add_format_option(parser, FORMATS)
    parser.set_defaults(func=cmd_benchstat)
