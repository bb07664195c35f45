"""Exact points: ``Decimal`` at the edges, integer thousandths (milli-points) in the database.

Every sum is an integer sum, exact on SQLite and PostgreSQL alike; nothing is ever added as a float.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MILLI = Decimal(1000)
STEP = Decimal("0.001")


class PointsError(ValueError):
    """A value that is not a number of points with at most three decimals."""


def to_decimal(value: Any) -> Decimal:
    """A float from a framework file (1.5, 0.25) or a str/int/Decimal from the API → exact ``Decimal``.

    Floats go through ``repr`` so 0.1 is 0.1, not 0.1000000000000000055…
    """
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, int | str):
        try:
            d = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation as exc:
            raise PointsError(str(value)) from exc
    else:
        raise PointsError(repr(value))
    if not d.is_finite():
        raise PointsError(str(value))
    return d


def to_milli(value: Any) -> int:
    """Points → integer thousandths; refuses more than three decimals instead of rounding them away."""
    d = to_decimal(value)
    scaled = d * MILLI
    if scaled != scaled.to_integral_value():
        raise PointsError(f"{value}: at most three decimals")
    return int(scaled)


def from_milli(milli: int | None) -> Decimal | None:
    """Integer thousandths → ``Decimal`` normalised to at most three decimals (1250 → 1.25)."""
    if milli is None:
        return None
    d = (Decimal(int(milli)) / MILLI).quantize(STEP, rounding=ROUND_HALF_UP)
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))  # 100, never 1E+2 (normalize() would write whole tens with an exponent)
    return d.normalize()


def percent(points_milli: int | None, max_milli: int | None) -> Decimal | None:
    """Index % = points / max × 100, to two decimals (half up), or None when the max is unknown or 0."""
    if points_milli is None or not max_milli:
        return None
    return (Decimal(points_milli) * 100 / Decimal(max_milli)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
