"""The report section that says where a run's numbers come from, for both suites."""

from __future__ import annotations

from collections.abc import Mapping

from bench.rundir.results import RunResults
from reports.markdown import md_table
from reports.run_kind import run_storage

RECORDED_PACKAGES: tuple[str, ...] = ("pyperf", "BTrees", "sortedcontainers", "scipy")


def environment_section(run: RunResults) -> str:
    """The manifest's record of the environment, else the runs' pyperf metadata, as a table."""
    recorded: Mapping[str, object] = run.manifest.environment if run.manifest else {}
    metadata = run.metadata()

    def pick(*keys: str) -> str:
        for source in (recorded, metadata):
            for key in keys:
                if key in source:
                    return str(source[key])
        return "unknown"

    rows = [
        ["CPU", pick("cpu_model", "cpu_model_name")],
        ["CPUs", pick("cpu_count")],
        ["Python", f"{pick('python_implementation')} {pick('python_version')}"],
        *[[name, pick(f"version_{name}")] for name in RECORDED_PACKAGES],
        ["git revision", pick("git_revision")],
        ["population seed", str(run.manifest.seed) if run.manifest else pick("storelist_seed")],
        # Where the StoreList cells listed from (an in-flight run has no storage).
        *([["storage", storage]] if (storage := run_storage(run)) is not None else []),
        ["platform", pick("platform")],
    ]
    if run.manifest:
        rows += [["run started (UTC)", run.manifest.started], ["run finished (UTC)", run.manifest.finished or "–"],
                 ["run status", run.status],
                 *([["run resumed (UTC)", ", ".join(run.manifest.resumed)]] if run.manifest.resumed else [])]
    return md_table(["", ""], rows)
