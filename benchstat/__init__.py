"""A Python port of golang.org/x/perf's benchstat: its statistics and its table format.

The package is independent of the rest of the project: it imports only the
standard library, numpy and scipy, and knows nothing of stores or workloads.
Its modules:

* ``stats`` — median with its distribution-free CI, Mann-Whitney U test, geomean.
* ``analysis`` — the table model (``BenchTable`` of ``Column`` s) and ``analyze``.
* ``units`` — SI and binary unit prefixes chosen for display.
* ``cells`` — the cell strings and footnotes shared by both layouts.
* ``text`` — benchstat's text layout.
* ``markdown`` — GitHub pipe tables.
* ``render`` — ``format_table``/``format_tables`` in one of ``FORMATS``.
* ``gotext`` — reading ``go test -bench`` text (the Go benchmark format).
* ``files`` — ``benchstat FILE...``: Go benchmark files to rendered tables.
* ``names`` — benchmark names split into base, ``key=value`` levels, GOMAXPROCS.
"""
