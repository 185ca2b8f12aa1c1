"""The ``storelist`` command: the composition root. Nothing imports this package.

- ``main``: the parser and the entry point (``storelist = "storelist.main:main"``).
- ``options``: exit codes, one-line errors, and the option types every subcommand uses.
- ``run_command``, ``compare_command``, ``benchstat_command``, ``report_command``,
  ``inflight_command``: one module per subcommand.
"""
