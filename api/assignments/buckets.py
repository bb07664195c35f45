"""The deadline buckets, defined once in SQL. Every list, filter, dashboard and report uses these.

- ``done_on_time`` (hoàn thành đúng hạn): approved by Phòng Nội vụ and ``completed_date <= due_date`` (or no due
  date, or no completed date recorded);
- ``done_late`` (hoàn thành quá hạn): approved and ``completed_date > due_date``;
- ``awaiting_review`` (chờ duyệt): submitted, ``due_date < today`` and the unit's ``completed_date <= due_date``:
  the unit did its part on time and only the reviewer's decision is pending, so it is not counted late
  (``days_waiting`` tells how long it has waited since the submission);
- ``overdue`` (quá hạn, with ``days_overdue = today − due_date``): not approved, ``due_date < today`` and not
  awaiting review (submitted after the deadline by the unit's own completion date still counts late);
- ``in_progress_on_time`` (đang thực hiện trong hạn): not approved and ``due_date >= today`` or no due date.

"Completed" means approved by the reviewer, but the completion date is ``completed_date`` — the date the unit
reported the work done (set at submission when empty), so the reviewer's own delay never makes a unit late.
A returned assignment goes back to the bucket its dates give (overdue once its deadline has passed). ``due_soon`` (sắp đến hạn) flags
assignments not approved with ``0 <= due_date − today <= N`` days (``settings.due_soon_days``).

The expressions are made once per (day, N) and process (``lru_cache``): a SQL expression is immutable and holds no
rows, only the day as a bound value, so sharing it between requests cannot show anyone else's data; building them
anew was a fifth of a 20-row list's CPU (``bench/bench_http.py``).
"""

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from api.models import Assignment, AssignmentStatus


class Bucket(StrEnum):
    done_on_time = "done_on_time"
    done_late = "done_late"
    overdue = "overdue"
    in_progress_on_time = "in_progress_on_time"
    awaiting_review = "awaiting_review"


BUCKET_LABELS_VI = {
    Bucket.done_on_time: "Hoàn thành đúng hạn",
    Bucket.done_late: "Hoàn thành quá hạn",
    Bucket.overdue: "Quá hạn",
    Bucket.in_progress_on_time: "Đang thực hiện trong hạn",
    Bucket.awaiting_review: "Chờ duyệt",
}


class days_between(FunctionElement[int]):
    """``end − start`` in whole days, portable: julianday on SQLite, date subtraction on PostgreSQL."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element: Any, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}) "
        "AS INTEGER)"
    )


def day_literal(day: date) -> Any:
    """``day`` written into the SQL (``'2024-10-15'``, a date to PostgreSQL by comparison, SQLite's own form), not
    bound: psycopg prepares a statement after five runs, and the generic plan of ``due_date < $1`` guessed a third
    of the rows and read the district's overdue band by bitmap and sort (0.5 ms on the demo) where the literal
    gives an ordered range of ``ix_assignment_due`` stopping after the page. A new statement each day."""
    return sa.literal_column(f"'{day.isoformat()}'", sa.Date())


def const(value: str | int) -> Any:
    """A status, bucket, state or rank written into the SQL rather than bound (the code's own enum values and
    numbers, never user input): in the per-row CASEs and conditions of the lists and the dashboard, a bound value
    is a parameter PostgreSQL's generic plan fetches and casts for every row, and a bound status hides
    ``ix_assignment_open_work``'s predicate (``status <> 'approved'``) from the planner (#19)."""
    if isinstance(value, int):
        return sa.literal_column(str(int(value)), sa.Integer())
    if not value.isidentifier():  # pragma: no cover (the enums' values are lower-case words)
        raise ValueError(f"not a constant word: {value!r}")
    return sa.literal_column(f"'{value}'", sa.String())


def const_value(element: Any) -> Any:
    """The value a :func:`const` (or a bound literal) stands for."""
    if isinstance(element, sa.sql.elements.ColumnClause) and element.is_literal:
        text = str(element.name)
        return text[1:-1] if text.startswith("'") else int(text)
    return element.effective_value


def is_day(element: Any, day: date) -> bool:
    """Whether ``element`` is ``day`` as :func:`bucket_expr` writes it (:func:`day_literal`): how a caller
    evaluating the definition at another "today" finds it (``dashboards.trend.bucket_at``)."""
    if isinstance(element, sa.sql.elements.ColumnClause) and element.is_literal:
        return str(element.name) == f"'{day.isoformat()}'"
    return isinstance(element, sa.sql.elements.BindParameter) and element.value == day


def _today(today: date) -> Any:
    return day_literal(today)


def approved() -> Any:
    return col(Assignment.status) == const(AssignmentStatus.approved)


@lru_cache(maxsize=32)
def awaiting_cond(today: date) -> Any:
    """Submitted, past the deadline, completed by the unit on time: chờ duyệt rather than quá hạn."""
    due = col(Assignment.due_date)
    done = col(Assignment.completed_date)
    return sa.and_(
        col(Assignment.status) == const(AssignmentStatus.submitted),
        due < _today(today),
        done.is_not(None),
        done <= due,
    )


@lru_cache(maxsize=32)
def bucket_expr(today: date) -> Any:
    """CASE expression giving the bucket name of an ``Assignment`` row."""
    due = col(Assignment.due_date)
    done = col(Assignment.completed_date)
    return sa.case(
        (
            sa.and_(approved(), sa.or_(due.is_(None), done.is_(None), done <= due)),
            const(Bucket.done_on_time),
        ),
        (approved(), const(Bucket.done_late)),
        (awaiting_cond(today), const(Bucket.awaiting_review)),
        (due < _today(today), const(Bucket.overdue)),
        else_=const(Bucket.in_progress_on_time),
    )


@lru_cache(maxsize=32)
def overdue_cond(today: date) -> Any:
    return sa.and_(~approved(), col(Assignment.due_date) < _today(today), ~awaiting_cond(today))


@lru_cache(maxsize=32)
def days_overdue_expr(today: date) -> Any:
    """Days past the due date for overdue assignments, NULL otherwise."""
    return sa.case(
        (overdue_cond(today), days_between(col(Assignment.due_date), _today(today))), else_=sa.null()
    )


@lru_cache(maxsize=32)
def due_soon_expr(today: date, days: int) -> Any:
    due = col(Assignment.due_date)
    return sa.and_(~approved(), due >= _today(today), due <= _today(today + timedelta(days=days)))


@lru_cache(maxsize=32)
def bucket_cond(bucket: Bucket, today: date) -> Any:
    """WHERE form of one bucket: :func:`bucket_expr` (the definition) equals it.

    The second term is implied by the first, so it selects exactly the same rows; it only lets the planner use
    the indexes on ``status`` and ``due_date`` (a CASE expression is opaque to them), e.g. overdue rows are a
    ``due_date < today`` range of ``ix_assignment_due``.
    """
    implied = {
        Bucket.done_on_time: approved(),
        Bucket.done_late: approved(),
        Bucket.overdue: overdue_cond(today),
        Bucket.in_progress_on_time: ~approved(),
        Bucket.awaiting_review: awaiting_cond(today),
    }[bucket]
    return sa.and_(bucket_expr(today) == bucket.value, implied)


def count_bucket(bucket: Bucket, today: date) -> Any:
    return sa.func.sum(sa.case((bucket_expr(today) == bucket.value, 1), else_=0))
