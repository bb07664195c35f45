"""Thời hạn: turning a task's deadline into the due instances of its assignments.

- ``date``: one instance due on that date;
- ``period`` (Q1..Q4, H1, H2, Y of a year): one instance due on the period's last day;
- ``recurring``: one instance per period of the plan year, keyed ``"2024-Q1"`` or ``"2024-03"``, due on the
  period's last day. The instance rhythm is the reporting rhythm when given (a monthly activity reported each
  quarter yields quarterly instances), else the recurrence; ``continuous`` (thường xuyên) reports quarterly.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from api.models.plan import DeadlineKind, Recurrence

PERIOD_CODES = ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "Y")
_PERIOD_END_MONTH = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12, "Y": 12}


@dataclass(frozen=True)
class DueInstance:
    key: str  # "" for a single instance
    due_date: date | None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_end(code: str, year: int) -> date:
    """Last day of a period: ``period_end("Q3", 2024)`` → 2024-09-30."""
    try:
        return month_end(year, _PERIOD_END_MONTH[code.upper()])
    except KeyError:
        raise ValueError(f"unknown period {code!r}") from None


def instance_rhythm(recurrence: Recurrence | None, report_rhythm: Recurrence | None) -> Recurrence:
    rhythm = report_rhythm or recurrence or Recurrence.quarterly
    return Recurrence.quarterly if rhythm == Recurrence.continuous else rhythm


def recurring_instances(year: int, rhythm: Recurrence) -> list[DueInstance]:
    if rhythm == Recurrence.monthly:
        return [DueInstance(f"{year}-{m:02d}", month_end(year, m)) for m in range(1, 13)]
    return [DueInstance(f"{year}-Q{q}", month_end(year, 3 * q)) for q in range(1, 5)]


def due_instances(
    *,
    kind: DeadlineKind,
    year: int,
    due_date: date | None = None,
    period_code: str | None = None,
    period_year: int | None = None,
    recurrence: Recurrence | None = None,
    report_rhythm: Recurrence | None = None,
) -> list[DueInstance]:
    """The due instances of a task (``year`` is the plan year, used for recurring and period defaults)."""
    if kind == DeadlineKind.date:
        return [DueInstance("", due_date)]
    if kind == DeadlineKind.period:
        if not period_code:
            raise ValueError("period_code required")
        return [DueInstance("", period_end(period_code, period_year or year))]
    return recurring_instances(year, instance_rhythm(recurrence, report_rhythm))


def shift_year(d: date | None, years: int = 1) -> date | None:
    """Same day ``years`` later; 29/2 becomes 28/2 in a common year."""
    if d is None:
        return None
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)
