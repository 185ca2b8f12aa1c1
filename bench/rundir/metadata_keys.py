"""pyperf metadata that the paired design writes into every run and the reports read.

Part of the run-directory contract (as the files of ``bench.rundir.layout``): workers
write these keys, ``reports`` reads them, and neither imports the other. The names
carry the project's prefix, as pyperf asks of custom metadata.
"""

from __future__ import annotations

DESIGN_KEY = "storelist_design"  # "paired" or "unpaired"
RATIO_KEY = "storelist_ratio"  # the process's ratio to the base: the median of its per-block ratios
TIMED_SECONDS_KEY = "storelist_timed_seconds"  # seconds spent inside timed parts, warm-ups included
CLOCK_KEY = "storelist_clock"  # "cpu" or "wall": what the sample was timed on
STORAGE_KEY = "storelist_storage"  # "embedded" or "etcd": what a StoreList sample listed from
