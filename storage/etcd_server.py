"""A private etcd for one run: started on loopback, healthy before use, stopped by its PID.

``PrivateEtcd`` runs Debian's ``etcd`` binary (package ``etcd-server``) with a temporary
data directory and free loopback ports, waits until its ``/health`` endpoint answers
true, and on ``stop`` (or leaving its ``with`` block, whatever the exception, Ctrl-C
included) sends SIGTERM to that PID, then SIGKILL if it has not gone within
``STOP_SECONDS``, and removes the data directory. The child also asks the kernel for
SIGKILL when the thread that started it dies (``PR_SET_PDEATHSIG``), so an etcd
cannot outlive a run even when the run itself is killed with SIGKILL.

The choice of flags: one member, no TLS, the default quotas, except
``--max-txn-ops`` raised so that a population loads in transactions of
``PRIVATE_LOAD_BATCH`` puts; an existing cluster keeps its own limits and the loader
uses etcd's default 128 there (``storage.etcd_kv.LOAD_BATCH``).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

ETCD_BINARY = "etcd"
INSTALL_HINT = ("no etcd binary on PATH: install Debian's etcd-server package (apt-get install etcd-server), "
                "or give an existing cluster with --etcd-endpoints URL[,URL...]")
START_SECONDS = 30.0
STOP_SECONDS = 10.0
PRIVATE_MAX_TXN_OPS = 10_000
# Pods per loading transaction in a private etcd: about 1 MB of minimal pods, inside the
# default --max-request-bytes (1.5 MiB).
PRIVATE_LOAD_BATCH = 5000
_PR_SET_PDEATHSIG = 1


class EtcdUnavailableError(RuntimeError):
    """etcd cannot be started or reached; the message is one line for the user."""


def etcd_binary() -> str | None:
    """The etcd binary on PATH (Debian installs /usr/bin/etcd), or None."""
    return shutil.which(ETCD_BINARY)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the parent thread dies (Linux; elsewhere a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def healthy(endpoint: str, timeout: float = 1.0) -> bool:
    """Whether ``endpoint``'s ``/health`` answers ``{"health": "true"}``."""
    try:
        with urllib.request.urlopen(endpoint.rstrip("/") + "/health", timeout=timeout) as response:
            return json.loads(response.read()).get("health") == "true"
    except (OSError, urllib.error.URLError, ValueError):
        return False


class PrivateEtcd:
    """One etcd member on loopback for the length of a ``with`` block (or ``start``..``stop``)."""

    def __init__(self, binary: str | None = None, log_path: Path | None = None) -> None:
        found = binary or etcd_binary()
        if found is None:
            raise EtcdUnavailableError(INSTALL_HINT)
        self.binary = found
        self.log_path = log_path
        self.endpoint = ""
        self.process: subprocess.Popen[bytes] | None = None
        self._data_dir: str | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> str:
        """Start the member and wait until it is healthy; return its client URL."""
        self._data_dir = tempfile.mkdtemp(prefix="storelist-etcd-")
        client, peer = _free_port(), _free_port()
        self.endpoint = f"http://127.0.0.1:{client}"
        peer_url = f"http://127.0.0.1:{peer}"
        command = [self.binary, "--name", "storelist", "--data-dir", self._data_dir,
                   "--listen-client-urls", self.endpoint, "--advertise-client-urls", self.endpoint,
                   "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
                   "--initial-cluster", f"storelist={peer_url}", "--max-txn-ops", str(PRIVATE_MAX_TXN_OPS)]
        log = open(self.log_path, "ab") if self.log_path else open(os.devnull, "wb")  # noqa: SIM115
        try:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            preexec_fn=_die_with_parent)  # noqa: PLW1509
        except OSError as error:
            self._remove_data()
            raise EtcdUnavailableError(f"cannot start {self.binary}: {error.strerror or error}") from None
        finally:
            log.close()
        deadline = time.monotonic() + START_SECONDS
        while not healthy(self.endpoint):
            if self.process.poll() is not None:
                code = self.process.returncode
                self.stop()
                raise EtcdUnavailableError(f"etcd exited with status {code} while starting"
                                           + (f" (its log: {self.log_path})" if self.log_path else ""))
            if time.monotonic() > deadline:
                self.stop()
                raise EtcdUnavailableError(f"etcd did not become healthy within {START_SECONDS:.0f} s")
            time.sleep(0.05)
        return self.endpoint

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after ``STOP_SECONDS``; remove the data directory (idempotent)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._remove_data()

    def _remove_data(self) -> None:
        if self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    def __enter__(self) -> PrivateEtcd:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
