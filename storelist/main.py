"""The ``storelist`` command: run the benchmarks, compare runs, write reports, simulate.

Each subcommand lives in its own module and registers itself here; ``main`` parses
and returns the subcommand's exit status (``storelist.options``). ``main`` is also the
one error path: whatever a subcommand lets through — an interrupt, a full disk, a
read-only directory, memory running out, a refused input — ends in one line on
stderr and an exit status, never a traceback. An error no one foresaw (a bug) is one
line too, with the traceback saved to a file the line names.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from collections.abc import Sequence

from storelist.benchstat_command import add_benchstat
from storelist.compare_command import add_compare
from storelist.inflight_command import add_inflight
from storelist.options import EXIT_ERROR, EXIT_INTERRUPTED, Parser, describe_os_error, fail
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
    command = args.command
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return fail(command, "interrupted; every file is either as it was or complete", EXIT_INTERRUPTED)
    except MemoryError:
        return fail(command, "out of memory")
    except OSError as error:
        return fail(command, describe_os_error(error))
    except ValueError as error:  # refused input: a malformed file, a report that exists, ...
        return fail(command, str(error))
    except Exception as error:  # a bug: one line here, the traceback in a file
        with tempfile.NamedTemporaryFile("w", prefix="storelist-error-", suffix=".txt", delete=False) as saved:
            traceback.print_exc(file=saved)
        return fail(command, f"internal error ({type(error).__name__}: {error}); traceback in {saved.name}",
                    EXIT_ERROR)


if __name__ == "__main__":
    sys.exit(main())
