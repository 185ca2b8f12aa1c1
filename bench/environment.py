"""What a result depends on besides the code under test: CPU, Python, packages, revision.

Recorded with every run (pyperf metadata and the run manifest) so a report can say
where its numbers come from. Every probe degrades to ``"unknown"`` rather than fail:
a missing git or /proc must not stop a benchmark.
"""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

UNKNOWN = "unknown"

# The packages whose code runs in, or decides, the measurement.
RECORDED_PACKAGES: tuple[str, ...] = ("pyperf", "BTrees", "sortedcontainers", "scipy")

# The project's checkout (bench/ lives at its top level).
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def package_versions(packages: tuple[str, ...] = RECORDED_PACKAGES) -> dict[str, str]:
    """Installed version of each package, ``"unknown"`` if not installed."""
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = UNKNOWN
    return versions


def _git(*args: str) -> str | None:
    # --no-optional-locks: reading the status must not refresh (write) the index
    # while other people work in the same checkout.
    try:
        done = subprocess.run(["git", "--no-optional-locks", "-C", str(PROJECT_ROOT), *args],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_revision() -> str:
    """``HEAD``'s commit, with ``+dirty`` when tracked files differ from it; "unknown" outside git.

    Cost: two git processes (some milliseconds).
    """
    revision = _git("rev-parse", "HEAD")
    if not revision:
        return UNKNOWN
    changes = _git("status", "--porcelain", "--untracked-files=no")
    return f"{revision}+dirty" if changes else revision


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The first ``model name`` of /proc/cpuinfo, else ``platform.processor()``, else "unknown"."""
    try:
        for line in cpuinfo.read_text(errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or UNKNOWN


def available_memory_bytes(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """The kernel's estimate of memory available to a new process (MemAvailable), None if unknown."""
    try:
        for line in meminfo.read_text().splitlines():
            key, _, value = line.partition(":")
            if key == "MemAvailable":
                return int(value.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def describe_environment() -> dict[str, str]:
    """Everything above as one flat mapping (manifest and report keys)."""
    return {
        "cpu_model": cpu_model(),
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "git_revision": git_revision(),
        **{f"version_{name}": version for name, version in package_versions().items()},
    }
