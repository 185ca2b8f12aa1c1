"""The ``storelist`` command: run the benchmarks, compare runs, write reports, simulate.

Each subcommand lives in its own module and registers itself here; ``main`` parses
and returns the subcommand's exit status (``storelist.options``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from storelist.benchstat_command import add_benchstat
from storelist.compare_command import add_compare
from storelist.inflight_command import add_inflight
from storelist.options import Parser
from storelist.report_command import add_report
from storelist.run_command import add_run


def build_parser() -> Parser:
    parser = Parser(prog="storelist", description="Kubernetes watch-cache StoreList benchmarks (kubernetes "
                    "PR #129933) and the scheduler queue's in-flight tracking (PR #120413) in Python: run them, "
                    "compare runs, report against the published table.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (add_run, add_compare, add_benchstat, add_report, add_inflight):
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
