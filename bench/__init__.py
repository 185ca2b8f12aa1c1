"""The harness: how a run times its cells, and the run directory it leaves behind.

- ``sampling``: samples per cell, values per sample, and the pyperf options for them.
- ``executor``: the round-robin executor both suites plug into (one worker process per
  (cell, configuration) per round, the order rotated).
- ``worker``: the worker base every suite's pyperf worker module builds on.
- ``environment``: what a result depends on besides the code (CPU, Python, packages, revision).
- ``rundir``: the run-directory contract: paths, manifest, results, side files.
- ``storelist``, ``inflight``: the two suites (cells, presets, workers, plans).
"""
