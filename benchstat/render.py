"""Render benchstat tables in one of :data:`FORMATS`: ``text`` (benchstat's own
layout, :mod:`benchstat.text`) or ``md`` (GitHub pipe tables,
:mod:`benchstat.markdown`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from benchstat.analysis import AnalyzedTable, BenchTable, analyze
from benchstat.markdown import render_markdown
from benchstat.text import render_text

_Renderer = Callable[[AnalyzedTable, Sequence[tuple[str, str]]], list[str]]
_RENDERERS: dict[str, _Renderer] = {"text": render_text, "md": render_markdown}

FORMATS: tuple[str, ...] = tuple(_RENDERERS)


def format_tables(
    tables: Sequence[BenchTable], fmt: str = "text", alpha: float = 0.05, confidence: float = 0.95
) -> str:
    """Render several tables like benchstat: blank line between tables, and above
    each the configuration lines whose value changed since the previous table.

    In ``md`` the configuration is a bullet list and each table a GitHub pipe
    table with the same cells (``1.718µ ± 1%``, ``-17.20% (p=0.000 n=10)``),
    its footnotes below it.

    Cost: that of :func:`~benchstat.analysis.analyze` per table plus O(output size).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    render = _RENDERERS[fmt]
    blocks: list[list[str]] = []
    previous: dict[str, str] = {}
    for table in tables:
        changed = [(k, v) for k, v in table.config if previous.get(k) != v]
        previous = dict(table.config)
        blocks.append(render(analyze(table, alpha, confidence), changed))
    return "\n\n".join("\n".join(block) for block in blocks) + ("\n" if blocks else "")


def format_table(
    table: BenchTable, fmt: str = "text", alpha: float = 0.05, confidence: float = 0.95
) -> str:
    """Render one table (with its config lines) in benchstat's layout (``text``)
    or as a GitHub pipe table (``md``). See :func:`format_tables`.

    Cost: that of :func:`~benchstat.analysis.analyze` plus O(output size).
    """
    return format_tables([table], fmt, alpha, confidence)
