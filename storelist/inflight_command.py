"""``storelist inflight simulate``: replay one seeded workload through both in-flight trackers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import fields

from scheduling.simulate import SimulationConfig, format_simulation, simulate
from storelist.options import EXIT_ERROR, EXIT_OK, any_integer, non_negative, non_negative_number, positive
from storelist.options import positive_number, probability

_DEFAULTS = SimulationConfig()

# Every SimulationConfig field, with its option type and help.
_OPTIONS: dict[str, tuple[Callable[[str], object], str]] = {
    "pods": (positive, "pods created over the first half of the run"),
    "attempts": (positive, "scheduling attempts per pod at most (the last one succeeds)"),
    "event_rate": (non_negative_number, "cluster events per simulated second"),
    "queue_fraction": (probability, "share of (pod, event) pairs a rejecting plugin's hint answers Queue"),
    "failure_probability": (probability, "chance that a scheduling attempt fails"),
    "lifetime_mean": (positive_number, "mean seconds an attempt stays in flight (exponential)"),
    "stuck_pods": (non_negative, "pods whose first attempt is stuck in Permit"),
    "stuck_seconds": (non_negative_number, "seconds those attempts stay in flight"),
    "cycle_seconds": (positive_number, "length of a (serial) scheduling cycle"),
    "duration": (positive_number, "simulated seconds"),
    "seed": (any_integer, "seed of the generated workload"),
}


def cmd_simulate(args: argparse.Namespace) -> int:
    try:
        config = SimulationConfig(**{f.name: getattr(args, f.name) for f in fields(SimulationConfig)})
    except ValueError as error:  # cross-field checks (e.g. stuck_pods > pods) and the work limit
        sys.stderr.write(f"storelist inflight simulate: error: {error}\n")
        return EXIT_ERROR
    sys.stdout.write(format_simulation(simulate(config)) + "\n")
    return EXIT_OK


def add_inflight(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``inflight`` with its ``simulate`` sub-subcommand to ``commands``."""
    inflight = commands.add_parser(
        "inflight",
        help="in-flight pods and concurrent events in the scheduler queue",
        description="Model of the kube-scheduler queue's in-flight tracking before and after kubernetes PR #120413.",
    )
    subcommands = inflight.add_subparsers(dest="inflight_command", metavar="COMMAND", required=True)
    parser = subcommands.add_parser(
        "simulate",
        help="replay one random workload through the marker and list trackers",
        description="Replay one seeded workload through both trackers on a fake clock and compare "
        "wrongly parked pods, time spent parked and list lengths. A workload estimated to take more than "
        "about a minute is refused.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    for name, (parse, text) in _OPTIONS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=parse, default=getattr(_DEFAULTS, name),
                            help=text)
    parser.set_defaults(func=cmd_simulate)
