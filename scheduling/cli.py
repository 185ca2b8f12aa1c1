"""Command-line hook: ``storelist inflight simulate`` (wired into the main command by
``bench.cli``; also runnable as ``python -m scheduling.cli inflight simulate``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields

from scheduling.simulate import SimulationConfig, format_simulation, simulate

_DEFAULTS = SimulationConfig()


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1, got 0")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _non_negative_float(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def _probability(text: str) -> float:
    value = _number(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within [0, 1], got {value}")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


_OPTIONS: dict[str, tuple[Callable[[str], object], str]] = {
    "pods": (_positive_int, "pods created over the first half of the run"),
    "attempts": (_positive_int, "scheduling attempts per pod at most (the last one succeeds)"),
    "event_rate": (_non_negative_float, "cluster events per simulated second"),
    "queue_fraction": (_probability, "share of (pod, event) pairs a rejecting plugin's hint answers Queue"),
    "failure_probability": (_probability, "chance that a scheduling attempt fails"),
    "lifetime_mean": (_positive_float, "mean seconds an attempt stays in flight (exponential)"),
    "stuck_pods": (_non_negative_int, "pods whose first attempt is stuck in Permit"),
    "stuck_seconds": (_non_negative_float, "seconds those attempts stay in flight"),
    "cycle_seconds": (_positive_float, "length of a (serial) scheduling cycle"),
    "duration": (_positive_float, "simulated seconds"),
    "seed": (_seed, "seed of the generated workload"),
}


def _run_simulate(args: argparse.Namespace) -> int:
    try:
        config = SimulationConfig(**{f.name: getattr(args, f.name) for f in fields(SimulationConfig)})
    except ValueError as error:  # cross-field checks, e.g. stuck_pods > pods
        sys.stderr.write(f"storelist inflight simulate: error: {error}\n")
        return 2
    sys.stdout.write(format_simulation(simulate(config)) + "\n")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``inflight`` with its ``simulate`` sub-subcommand to ``subparsers``.

    The parsed namespace gets ``func``: call ``args.func(args)`` and exit with the int
    it returns (0 on success, 2 on a bad combination of values; argparse itself exits
    with 2 on a malformed or out-of-range single value).
    """
    inflight = subparsers.add_parser(
        "inflight",
        help="in-flight pods and concurrent events in the scheduler queue",
        description="Model of the kube-scheduler queue's in-flight tracking before and after kubernetes PR #120413.",
    )
    commands = inflight.add_subparsers(dest="inflight_command", metavar="COMMAND", required=True)
    parser = commands.add_parser(
        "simulate",
        help="replay one random workload through the marker and list trackers",
        description="Replay one seeded workload through both trackers on a fake clock and compare "
        "wrongly parked pods, time spent parked and list lengths.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    for name, (parse, text) in _OPTIONS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=parse, default=getattr(_DEFAULTS, name), help=text)
    parser.set_defaults(func=_run_simulate)


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point with only the ``inflight`` command."""
    parser = argparse.ArgumentParser(prog="storelist")
    register(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
