"""A run owns its directory: an exclusive lock on ``RUN/meta/lock``, held for the run's whole life.

``fcntl.flock`` locks belong to the open file, so the kernel releases the lock when
the holder exits, however it exits (SIGKILL included): a lock file that can be locked
has no live holder, which is how a reader tells a run that is still going from one
whose process is gone. The holder writes its PID into the file so a refused second
run can say who holds it. Worker processes do not inherit the lock (``subprocess``
closes inherited descriptors), so a worker outliving its run does not keep it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from bench.rundir.files import RunDirError
from bench.rundir.layout import lock_path


class RunLock:
    """``with RunLock(run_dir):`` — hold the run directory's lock; RunDirError if another process holds it."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self._descriptor: int | None = None

    def __enter__(self) -> RunLock:
        path = lock_path(self.run_dir)
        try:
            path.parent.mkdir(exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise RunDirError(f"{self.run_dir}: cannot take the run's lock: {error.strerror or error}") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(descriptor)
            raise RunDirError(f"{self.run_dir} is in use by another storelist run (PID {holder}); "
                              "wait for it, or choose another -o") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        self._descriptor = descriptor
        return self

    def still_ours(self) -> bool:
        """Whether the locked file is still the run directory's (False once the directory was deleted)."""
        if self._descriptor is None:
            return False
        try:
            return os.fstat(self._descriptor).st_ino == os.stat(lock_path(self.run_dir)).st_ino
        except OSError:
            return False

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # releases the lock
            self._descriptor = None


def has_live_holder(run_dir: Path) -> bool:
    """Whether some process holds ``run_dir``'s lock now (False if there is no lock file).

    Cost: an open and a non-blocking flock. Works in a read-only directory.
    """
    try:
        descriptor = os.open(lock_path(run_dir), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False
