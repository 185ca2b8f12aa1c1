"""Reader for the Go benchmark text format (golang.org/design/14313-benchmark-format).

A file is a sequence of lines of three kinds; everything else (``PASS``,
``ok  pkg 1.2s``, test logs, ``Unit`` metadata) is ignored:

* configuration lines ``key: value`` — the key starts with a lower-case
  letter and has no spaces or upper-case letters; the value applies to every
  later benchmark line until the key is set again (an empty value unsets it);
* benchmark lines ``BenchmarkName-N  <iterations>  <value> <unit> ...``;
* a lone ``BenchmarkName`` line, which ``go test -v`` and benchmarks that log
  print before the result line; it carries no result and is skipped.

Values are normalised like benchstat does before they are stored: ``ns`` in a
unit's numerator becomes ``sec`` (``ns/op`` -> ``sec/op``, value * 1e-9) and
``MB`` becomes ``B`` (``MB/s`` -> ``B/s``, value * 1e6); other units such as
``B/op``, ``allocs/op`` or ``objects/op`` are kept as they are. A value must be
finite once normalised (``1e999 ns/op`` is refused, not read as infinity).

A file is read only up to :data:`MAX_FILE_BYTES` (a larger one, or an endless
device such as ``/dev/zero``, is refused after that many bytes), and must be
UTF-8 text without NUL bytes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_PREFIX = "Benchmark"
_ITERATIONS = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_UNIT_SEPARATORS = re.compile(r"([*/\-\s])")

# The most bytes read from one file. Generous for Go benchmark output: a result line
# is about 100 bytes, so `go test -bench . -count 10` over 1,000 benchmarks is about
# 1 MB and 64 MiB holds over 600,000 result lines; yet small enough to hold in memory
# and to refuse a wrong argument (a log, an image, /dev/zero) in well under a second.
MAX_FILE_BYTES = 64 * 2**20
# Bytes asked of the OS per read: a bounded read of a pipe or device never asks for
# more than what is left of the limit, and the limit is not allocated up front.
_READ_CHUNK = 2**20


@dataclass(frozen=True)
class BenchmarkResult:
    """One benchmark line.

    ``name`` has the ``Benchmark`` prefix stripped and keeps sub-benchmark
    parts and the ``-N`` GOMAXPROCS suffix (``Encode/format=json-48``).
    ``values`` holds ``(unit, value)`` pairs in line order, already tidied.
    ``config`` is the configuration in effect on this line, in first-set order.
    """

    name: str
    iterations: int
    values: tuple[tuple[str, float], ...]
    config: tuple[tuple[str, str], ...]
    line: int


@dataclass(frozen=True)
class GoBenchFile:
    """The parsed contents of one Go benchmark file.

    ``config`` is the configuration shared by every result of the file (keys
    whose value is the same on all benchmark lines). ``benchmarks`` maps each
    benchmark name to each unit to its values in file order; it merges results
    that differ only in configuration (e.g. two ``pkg:`` sections with the same
    benchmark name) — use ``results`` to keep them apart.
    """

    label: str
    config: Mapping[str, str]
    benchmarks: Mapping[str, Mapping[str, list[float]]]
    results: tuple[BenchmarkResult, ...]


def tidy_unit(value: float, unit: str) -> tuple[float, str]:
    """Normalise pre-scaled units to base units: ``ns`` -> ``sec``, ``MB`` -> ``B``.

    Only tokens of the numerator are rewritten (``ns/op`` becomes ``sec/op``
    but ``B/ns`` is left alone), as benchstat does. This undoes the prefixes Go
    writes into its units when reading; choosing prefixes for display is
    :mod:`benchstat.units`.

    Cost: O(len(unit)).
    """
    if "ns" not in unit and "MB" not in unit:
        return value, unit
    factor = 1.0
    in_denominator = False
    pieces: list[str] = []
    for piece in _UNIT_SEPARATORS.split(unit):
        if piece == "/":
            in_denominator = True
        elif piece == "*":
            in_denominator = False
        elif not in_denominator and piece == "ns":
            piece, factor = "sec", factor / 1e9
        elif not in_denominator and piece == "MB":
            piece, factor = "B", factor * 1e6
        pieces.append(piece)
    return value * factor, "".join(pieces)


def is_benchmark_line(line: str) -> bool:
    """Whether ``line`` is a benchmark line: ``Benchmark`` then end of line or a
    character that is not a lower-case letter (``Benchmarking...`` is prose).

    Cost: O(1).
    """
    if not line.startswith(_PREFIX):
        return False
    return len(line) == len(_PREFIX) or not line[len(_PREFIX)].islower()


def parse_config_line(line: str) -> tuple[str, str] | None:
    """Parse ``key: value``; return ``None`` if ``line`` is not a configuration line.

    An empty value (``key:``) is returned as ``""``; it unsets the key.

    Cost: O(len(line)).
    """
    colon = line.find(":")
    if colon <= 0:
        return None
    key = line[:colon]
    if not key[0].islower() or any(c.isspace() or c.isupper() for c in key):
        return None
    rest = line[colon + 1 :]
    value = rest.lstrip(" \t")
    if rest and value == rest:
        return None  # "key:value" without a separating blank is not configuration
    return key, value


def _parse_benchmark_line(
    fields: list[str], config: dict[str, str], where: str, line: int
) -> BenchmarkResult:
    def error(message: str) -> ValueError:
        return ValueError(f"{where}:{line}: {message}")

    name = fields[0][len(_PREFIX) :]
    if not name:
        raise error("missing benchmark name after 'Benchmark'")
    if not _ITERATIONS.fullmatch(fields[1]):
        raise error(f"iteration count {fields[1]!r} is not an integer")
    measurements = fields[2:]
    if not measurements:
        raise error(f"benchmark {name!r} has no measurements")
    values: list[tuple[str, float]] = []
    for i in range(0, len(measurements), 2):
        number = measurements[i]
        if not _NUMBER.fullmatch(number):
            raise error(f"measurement {number!r} of benchmark {name!r} is not a number")
        if i + 1 >= len(measurements):
            raise error(f"measurement {number!r} of benchmark {name!r} has no unit")
        unit_value, unit = tidy_unit(float(number), measurements[i + 1])
        if not math.isfinite(unit_value):  # float() and the scaling overflow to inf, not fail
            raise error(
                f"measurement {number!r} of benchmark {name!r} is not a finite number of {unit}"
            )
        values.append((unit, unit_value))
    return BenchmarkResult(name, int(fields[1]), tuple(values), tuple(config.items()), line)


def _read_results(text: str, label: str) -> tuple[BenchmarkResult, ...]:
    config: dict[str, str] = {}
    results: list[BenchmarkResult] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if is_benchmark_line(line):
            fields = line.split()
            if len(fields) > 1:
                results.append(_parse_benchmark_line(fields, config, label, number))
            continue
        setting = parse_config_line(line)
        if setting is None:
            continue
        key, value = setting
        if value:
            config[key] = value
        else:
            config.pop(key, None)
    return tuple(results)


def _common_config(results: tuple[BenchmarkResult, ...]) -> dict[str, str]:
    common = dict(results[0].config)
    for result in results[1:]:
        current = dict(result.config)
        common = {k: v for k, v in common.items() if current.get(k) == v}
    return common


def _group_values(results: tuple[BenchmarkResult, ...]) -> dict[str, dict[str, list[float]]]:
    grouped: dict[str, dict[str, list[float]]] = {}
    for result in results:
        per_unit = grouped.setdefault(result.name, {})
        for unit, value in result.values:
            per_unit.setdefault(unit, []).append(value)
    return grouped


def parse_text(text: str, label: str) -> GoBenchFile:
    """Parse Go benchmark text; ``label`` names the source in errors and results.

    Raises ``ValueError`` ("<label>:<line>: ...") on a malformed benchmark line,
    and when the text is empty or holds no benchmark result.

    Cost: O(size of the text).
    """
    if not text.strip():
        raise ValueError(f"{label}: file is empty")
    results = _read_results(text, label)
    if not results:
        raise ValueError(f"{label}: no benchmark results (no 'Benchmark...' result lines)")
    return GoBenchFile(label, _common_config(results), _group_values(results), results)


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, refusing a file of more than ``limit`` bytes.

    Regular files, pipes and devices are read alike, by bounded reads of the
    unbuffered file, so at most ``limit + 1`` bytes are read (``/dev/zero`` ends
    there too). Raises ``ValueError`` naming the file when it cannot be opened or
    read (missing, a directory, no permission) or is too large.

    Cost: O(min(file size, limit)) time and memory.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        with open(path, "rb", buffering=0) as stream:
            while size <= limit:
                chunk = stream.read(min(_READ_CHUNK, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except OSError as exc:
        reason = exc.strerror or exc
        raise ValueError(f"cannot read benchmark file {str(path)!r}: {reason}") from exc
    if size > limit:
        raise ValueError(f"{path}: not Go benchmark text: larger than {limit:,} bytes")
    return b"".join(chunks)


def decode_text(data: bytes, label: str) -> str:
    """``data`` as text; ``ValueError`` ("<label>: not Go benchmark text: ...") if it
    holds a NUL byte or is not UTF-8.

    NUL is valid UTF-8 but never appears in text; without this check a zero-filled
    file, or ASCII in UTF-16 (as Windows PowerShell's ``>`` writes it), would
    decode and then be misreported as having no benchmark results.

    Cost: O(len(data)).
    """
    nul = data.find(b"\0")
    if nul >= 0:
        raise ValueError(f"{label}: not Go benchmark text: NUL byte at byte {nul}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        detail = f"{exc.reason} at byte {exc.start}"
        message = f"{label}: not Go benchmark text: not a UTF-8 text file ({detail})"
        raise ValueError(message) from exc


def parse_file(path: Path, label: str | None = None, limit: int = MAX_FILE_BYTES) -> GoBenchFile:
    """Read and parse a Go benchmark file, labelled by ``path`` as given.

    Raises ``ValueError`` naming the file as :func:`read_bounded` (unreadable,
    more than ``limit`` bytes), :func:`decode_text` (not UTF-8 text) and
    :func:`parse_text` (no results, a malformed line).

    Cost: O(min(file size, limit)).
    """
    name = str(path) if label is None else label
    return parse_text(decode_text(read_bounded(Path(path), limit), name), name)
