from datetime import date, timedelta

from sqlmodel import Session, col, select

from api.assignments import buckets
from api.models import Assignment

TODAY = date(2024, 10, 15)


def _eval(session: Session, a: Assignment, **values: object) -> tuple[str, int | None, bool]:
    for k, v in values.items():
        setattr(a, k, v)
    session.add(a)
    session.flush()
    row = session.execute(
        select(
            buckets.bucket_expr(TODAY), buckets.days_overdue_expr(TODAY), buckets.due_soon_expr(TODAY, 7)
        ).where(col(Assignment.id) == a.id)
    ).one()
    return row[0], row[1], bool(row[2])


def test_bucket_boundaries(session: Session) -> None:
    a = session.exec(select(Assignment).order_by(col(Assignment.id))).first()
    assert a is not None
    d = timedelta
    # due today, not approved → in progress on time, due soon, not overdue
    assert _eval(session, a, status="in_progress", due_date=TODAY, completed_date=None) == (
        "in_progress_on_time",
        None,
        True,
    )
    # due yesterday → overdue by one day
    assert _eval(session, a, due_date=TODAY - d(1)) == ("overdue", 1, False)
    # submitted, completed by the unit before the due date → chờ duyệt, not overdue (#14); completed after → late
    assert _eval(session, a, status="submitted", completed_date=TODAY - d(2)) == (
        "awaiting_review",
        None,
        False,
    )
    assert _eval(session, a, completed_date=TODAY - d(1)) == ("awaiting_review", None, False)
    assert _eval(session, a, completed_date=TODAY) == ("overdue", 1, False)
    assert _eval(session, a, completed_date=None) == ("overdue", 1, False)
    # returned: back to the bucket its dates give
    assert _eval(session, a, status="returned", completed_date=TODAY - d(2)) == ("overdue", 1, False)
    assert _eval(session, a, status="returned", due_date=date(2024, 3, 31)) == ("overdue", 198, False)
    # due soon window: 7 days ahead yes, 8 no; no due date → in progress on time
    assert _eval(session, a, status="in_progress", due_date=TODAY + d(7)) == (
        "in_progress_on_time",
        None,
        True,
    )
    assert _eval(session, a, due_date=TODAY + d(8)) == ("in_progress_on_time", None, False)
    assert _eval(session, a, due_date=None) == ("in_progress_on_time", None, False)
    # completed on the due date → on time; a day late → late (approval date does not matter)
    assert (
        _eval(session, a, status="approved", due_date=date(2024, 9, 30), completed_date=date(2024, 9, 30))[0]
        == "done_on_time"
    )
    assert _eval(session, a, completed_date=date(2024, 10, 1)) == ("done_late", None, False)
    assert _eval(session, a, due_date=None)[0] == "done_on_time"
    # approved early on a future deadline → done on time, not due soon
    assert _eval(session, a, due_date=TODAY + d(3), completed_date=TODAY - d(1)) == (
        "done_on_time",
        None,
        False,
    )
    session.rollback()
