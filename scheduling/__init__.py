"""Model of the kube-scheduler queue's in-flight pod and concurrent-event tracking.

Two trackers are modelled side by side: ``"marker"`` (kubernetes PR #118438, v1.28.0-1.28.1)
and ``"list"`` (the fix, PR #120413, "scheduler: fix tracking of concurrent events").  See
:mod:`scheduling.tracker` for the shared protocol.  Upstream names (``inFlightPods``,
``isPodWorthRequeuing``, ...) are those of pkg/scheduler/internal/queue/scheduling_queue.go.

Pre-fix details marked ``[unconfirmed]`` are not settled by the public record of #118438
and #120413 (the PR descriptions and review comments); each such place says what this
model chose and why.
"""
