"""The run directory: the contract between the runs that write it and everything that reads it.

::

    RUN/
      btree+index.json  btree.json  map+index.json  map.json   (or marker.json  list.json)
                          pyperf suites, one per configuration, one benchmark per cell
                          (``python -m pyperf compare_to RUN/a.json RUN/b.json`` works)
      meta/run.json       the manifest: what was planned, how, where, how far it got, and
                          what the suite's report needs to know (``manifest``, ``facts``)
      meta/ops-<configuration>.json
                          objects/op and pages/op per cell, counted by the workers (``ops``)
      meta/memory.json    StoreList: resident memory each loaded store adds (``memory_file``)
      meta/inflight-memory.json, meta/inflight-simulation.json
                          in-flight: the trackers' memory and the simulation (``inflight_files``)
      report.md, *.png    written by ``storelist report``

Side files live under ``meta/`` so ``RUN/*.json`` is exactly the pyperf files. Every
file is written whole through ``files`` (temporary file, then rename). Readers
(``results``, the reports) depend on this package only, never on how a suite runs.
"""
