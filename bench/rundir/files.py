"""Reading and writing a run directory's files: whole or not at all, whatever signal arrives when.

Every write goes to a temporary file in the target's directory, is flushed and
fsynced, then ``os.replace`` renames it over the target (and the directory is
fsynced), so a reader sees the old complete file or the new complete file, never
half of either, even after SIGKILL or a power cut. The temporary file is removed when
the write fails or is interrupted; only SIGKILL can leave one behind, a dot-file that
readers never look at and ``remove_stale_temporaries`` clears when the run resumes.
A write never creates the run directory itself: if a run's directory was deleted
under it, writing fails instead of quietly making a new, partial one.

Every read failure is a :class:`RunDirError` whose message names the file.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import pyperf

Record = TypeVar("Record")

TEMPORARY_SUFFIX = ".tmp"
# Test hook: a write that replaces an existing file of this name stops after filling
# its temporary file and waits there, so a test can send a signal inside the write; it
# says so by creating PAUSE_MARKER beside the file. Never set outside the fault tests.
PAUSE_ENVIRONMENT = "STORELIST_PAUSE_IN_WRITE"
PAUSE_MARKER = ".paused-in-write"


class RunDirError(ValueError):
    """A run directory or one of its files is missing, unreadable or malformed; the
    message names it and says why."""


def _write_atomically(path: Path, fill: Callable[[BinaryIO], None]) -> None:
    """Write ``path`` through a temporary file in its directory (see the module docstring)."""
    if not path.parent.is_dir():
        path.parent.mkdir()  # meta/ inside an existing run directory; never the run directory's parents
    temporary = path.with_name(f".{path.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
    try:
        with open(temporary, "wb") as handle:
            fill(handle)
            handle.flush()
            if os.environ.get(PAUSE_ENVIRONMENT) == path.name and path.exists():
                (path.parent / PAUSE_MARKER).touch()
                time.sleep(3600)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    _write_atomically(path, lambda handle: handle.write(data))


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: object) -> None:
    """Write ``data`` as indented JSON, atomically."""
    write_text(path, json.dumps(data, indent=2) + "\n")


def write_suite(path: Path, suite: pyperf.BenchmarkSuite) -> None:
    """Write a pyperf suite as pyperf's JSON, atomically (pyperf's own ``dump`` and
    ``add_runs`` truncate the file and write it again: an interrupt there loses it)."""
    def fill(handle: BinaryIO) -> None:
        # pyperf's dump takes a path or a text file; give it the temporary file as text.
        with open(handle.fileno(), "w", encoding="utf-8", closefd=False) as text:
            suite.dump(text)

    _write_atomically(path, fill)


def read_json(path: Path) -> Any:
    """Parsed JSON of ``path``; RunDirError naming the file if it is unreadable or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunDirError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise RunDirError(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise RunDirError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunDirError(f"{path}: not valid JSON ({error})") from None


def read_records(path: Path, key: str, build: Callable[[Any], Record], what: str) -> list[Record]:
    """The records listed under ``key`` in the side file ``path``, each ``build(item)``; empty
    when the file does not exist (a run made before it was written); RunDirError naming
    ``what`` the file should have been if its shape is wrong."""
    if not path.exists():
        return []
    data = read_json(path)
    try:
        return [build(item) for item in data[key]]
    except (AttributeError, KeyError, TypeError) as error:
        raise RunDirError(f"{path}: not a {what} ({error})") from None


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete the temporary files a killed writer left in ``directory`` and its ``meta/``; those removed."""
    stale = [path for folder in (directory, directory / "meta") if folder.is_dir()
             for path in folder.glob(f".*{TEMPORARY_SUFFIX}")]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
