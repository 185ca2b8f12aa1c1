"""Model of the kube-scheduler queue's in-flight pod and concurrent-event tracking.

Two trackers are modelled side by side: ``"marker"`` (kubernetes PR #118438, v1.28.0-1.28.1)
and ``"list"`` (the fix, PR #120413).  See :mod:`scheduling.tracker` for the shared protocol.
"""
