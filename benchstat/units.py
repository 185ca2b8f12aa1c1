"""Unit prefixes for display, chosen the way benchstat chooses them.

Values are stored in base units (``sec/op``, ``B/op``); a row of a table is
printed with one SI prefix (``T G M k m µ n``), or one binary prefix
(``Ti Gi Mi Ki``) for units counting bytes, and as many decimals as give its
smallest non-zero value 4 significant digits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scaler:
    """Formats numbers with a fixed unit prefix and number of decimals."""

    precision: int
    factor: float
    prefix: str

    def format(self, value: float) -> str:
        """``value`` divided by the prefix factor, e.g. ``1.718µ``. Cost: O(1)."""
        return f"{value / self.factor:.{self.precision}f}{self.prefix}"


@dataclass(frozen=True)
class _Prefix:
    factor: float
    prefix: str
    # Smallest values printed as 100.0, 10.00 and 1.000 of this prefix; taken
    # from the decimal strings so they agree with how printing rounds.
    at_100: float
    at_10: float
    at_1: float


def _si_prefixes() -> tuple[_Prefix, ...]:
    names = ("T", "G", "M", "k", "", "m", "µ", "n")
    return tuple(
        _Prefix(
            float(f"1e{exp}"),
            name,
            float(f"99.995e{exp}"),
            float(f"9.9995e{exp}"),
            float(f".99995e{exp}"),
        )
        for name, exp in zip(names, range(12, -10, -3))
    )


def _iec_prefixes() -> tuple[_Prefix, ...]:
    # Binary prefixes stop at the unit: "0.001 B/s" reads better than a
    # fractional binary prefix. Thresholds are 99.995, 9.9995 and .99995
    # times the factor, as exact binary constants.
    names = ("Ti", "Gi", "Mi", "Ki", "")
    return tuple(
        _Prefix(
            float(2**exp),
            name,
            float.fromhex(f"0x1.8ffae147ae148p{6 + exp}"),
            float.fromhex(f"0x1.3ffbe76c8b439p{3 + exp}"),
            float.fromhex(f"0x1.fff972474538fp{exp - 1}"),
        )
        for name, exp in zip(names, range(40, -1, -10))
    )


_SI = _si_prefixes()
_IEC = _iec_prefixes()
# Below the smallest prefix, add decimals until 4 significant digits show.
_EXTRA_DIGIT_THRESHOLDS = tuple(float(f"9.9995e{exp}") for exp in range(-1, -9, -1))


def is_binary_unit(unit: str) -> bool:
    """Whether ``unit`` counts bytes in its numerator (``B/op``, ``B/s``), which
    benchstat scales with binary prefixes (Ki, Mi, ...).

    >>> is_binary_unit("B/op"), is_binary_unit("sec/op"), is_binary_unit("ops/B")
    (True, False, False)

    Cost: O(len(unit)).
    """
    in_denominator = False
    token = ""
    for char in unit + " ":
        if char in "*/-" or char.isspace():
            if token in ("B", "MB", "bytes") and not in_denominator:
                return True
            token = ""
            if char == "*":
                in_denominator = False
            elif char == "/":
                in_denominator = True
        else:
            token += char
    return False


def common_scale(values: Iterable[float], binary: bool = False) -> Scaler:
    """Choose one prefix and precision for a row so its smallest non-zero value
    shows 4 significant digits (``1.718µ``, ``17.18µ``, ``171.8µ``).

    >>> scale = common_scale([1.718e-6, 17.18e-6, 0.0])
    >>> scale.format(1.718e-6), scale.format(17.18e-6), scale.format(0.0)
    ('1.718µ', '17.180µ', '0.000µ')
    >>> common_scale([1536.0], binary=True).format(1536.0)
    '1.500Ki'
    >>> common_scale([0.0]).format(0.0)
    '0.000'

    Cost: O(len(values)).
    """
    smallest = min((abs(v) for v in values if v != 0), default=0.0)
    if smallest == 0:
        return Scaler(3, 1.0, "")
    prefixes = _IEC if binary else _SI
    for p in prefixes:
        if smallest >= p.at_100:
            return Scaler(1, p.factor, p.prefix)
        if smallest >= p.at_10:
            return Scaler(2, p.factor, p.prefix)
        if smallest >= p.at_1:
            return Scaler(3, p.factor, p.prefix)
    last = prefixes[-1]
    scaled = smallest / last.factor
    for extra, threshold in enumerate(_EXTRA_DIGIT_THRESHOLDS):
        if scaled >= threshold or extra == len(_EXTRA_DIGIT_THRESHOLDS) - 1:
            return Scaler(3 + extra, last.factor, last.prefix)
    raise AssertionError("unreachable: the last threshold always matches")


def format_scaled(value: float, unit: str) -> str:
    """Format one value with its own prefix, binary if ``unit`` counts bytes.

    >>> format_scaled(2.295e-6, "sec/op"), format_scaled(123456.0, "allocs/op")
    ('2.295µ', '123.5k')
    >>> format_scaled(1536.0, "B/op"), format_scaled(0.0012, "B/s")
    ('1.500Ki', '0.001200')

    Cost: O(1).
    """
    return common_scale([value], is_binary_unit(unit)).format(value)
