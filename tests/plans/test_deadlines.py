from datetime import date

import pytest

from api.models.plan import DeadlineKind, Recurrence
from api.plans.deadlines import due_instances, period_end, shift_year


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("Q1", date(2024, 3, 31)),
        ("Q2", date(2024, 6, 30)),
        ("Q3", date(2024, 9, 30)),
        ("Q4", date(2024, 12, 31)),
        ("H1", date(2024, 6, 30)),
        ("H2", date(2024, 12, 31)),
        ("Y", date(2024, 12, 31)),
    ],
)
def test_period_end(code: str, expected: date) -> None:
    assert period_end(code, 2024) == expected


def test_unknown_period() -> None:
    with pytest.raises(ValueError):
        period_end("Q5", 2024)


def test_recurring_instances() -> None:
    monthly = due_instances(kind=DeadlineKind.recurring, year=2024, recurrence=Recurrence.monthly)
    assert len(monthly) == 12
    assert (monthly[1].key, monthly[1].due_date) == ("2024-02", date(2024, 2, 29))  # leap year
    assert (monthly[2].key, monthly[2].due_date) == ("2024-03", date(2024, 3, 31))
    # a monthly activity reported each quarter yields quarterly instances; continuous reports quarterly
    q = due_instances(
        kind=DeadlineKind.recurring,
        year=2024,
        recurrence=Recurrence.monthly,
        report_rhythm=Recurrence.quarterly,
    )
    assert [(i.key, i.due_date) for i in q] == [
        ("2024-Q1", date(2024, 3, 31)),
        ("2024-Q2", date(2024, 6, 30)),
        ("2024-Q3", date(2024, 9, 30)),
        ("2024-Q4", date(2024, 12, 31)),
    ]
    c = due_instances(kind=DeadlineKind.recurring, year=2025, recurrence=Recurrence.continuous)
    assert [i.key for i in c] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def test_single_instances() -> None:
    assert due_instances(kind=DeadlineKind.date, year=2024, due_date=date(2024, 8, 31))[0].due_date == date(
        2024, 8, 31
    )
    p = due_instances(kind=DeadlineKind.period, year=2024, period_code="Q3")
    assert (p[0].key, p[0].due_date) == ("", date(2024, 9, 30))
    assert due_instances(kind=DeadlineKind.period, year=2024, period_code="H1", period_year=2025)[
        0
    ].due_date == date(2025, 6, 30)


def test_shift_year() -> None:
    assert shift_year(date(2024, 2, 29)) == date(2025, 2, 28)
    assert shift_year(date(2024, 6, 30)) == date(2025, 6, 30)
    assert shift_year(None) is None
