"""Xu hướng: the four deadline figures at the end of each month (or week) up to the as-of date, in one statement.

For each period end ``E`` (the last one is the as-of date itself, "hôm nay" of ``settings.today()``):

- ``due`` — assignments that had come due by ``E`` (``due_date <= E``);
- ``done_on_time`` / ``done_late`` / ``overdue`` / ``awaiting_review`` — assignments whose bucket *at* ``E`` is
  that one (chờ duyệt: submitted, completed by the unit on time, deadline passed, not yet reviewed).

"The bucket at ``E``" is :func:`api.assignments.buckets.bucket_expr` (the single definition) evaluated with
"today" = ``E`` and with the status the assignment had then: work approved but completed after ``E`` was still in
progress at ``E`` (the same rule as the reports' cut-off figures, ``api.reports.figures.bucket_at``). The
completion date is the unit's own (``completed_date``), so an approval that came later never makes a point late;
an approved assignment without a completion date counts as done, as it does in the buckets. At the as-of date the
three bucket figures are therefore exactly the summary's buckets.

How it stays one statement whatever the number of points: the scoped assignments are first grouped by the only
columns the definition reads (status, due date, completion date) — a few hundred groups even for a province —
then the period ends (a ``UNION ALL`` of literal dates) are joined to those groups and the bucket expression is
evaluated per (period, group), the counts summed per period.
"""

import calendar
from datetime import date, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import replacement_traverse
from sqlmodel import Session, col

from api.assignments import buckets
from api.assignments.buckets import Bucket
from api.assignments.service import node_subtree_condition
from api.authz import scope
from api.authz.principal import Principal
from api.dashboards.service import unit_filter
from api.errors import FieldError, Unprocessable
from api.models import Assignment, AssignmentStatus

Granularity = Literal["month", "week"]
MAX_POINTS = 156  # three years of weeks, thirteen of months
SERIES = (
    "due",
    Bucket.done_on_time.value,
    Bucket.done_late.value,
    Bucket.overdue.value,
    Bucket.awaiting_review.value,
)
# Stands for "today" in the bucket definition, then swapped for the period-end column (never compared as is).
_SENTINEL = date(1900, 1, 1)


def periods(granularity: Granularity, date_from: date, as_of: date) -> list[tuple[date, date]]:
    """``(start, end)`` of each month (or Monday–Sunday week) from ``date_from`` to ``as_of``, both clipped."""
    out: list[tuple[date, date]] = []
    if granularity == "month":
        start = date_from.replace(day=1)
        while start <= as_of:
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
            out.append((max(start, date_from), min(end, as_of)))
            start = end + timedelta(days=1)
    else:
        start = date_from - timedelta(days=date_from.weekday())
        while start <= as_of:
            end = start + timedelta(days=6)
            out.append((max(start, date_from), min(end, as_of)))
            start = end + timedelta(days=1)
    return out


def check_range(granularity: Granularity, date_from: date, as_of: date) -> list[tuple[date, date]]:
    if date_from > as_of:
        raise Unprocessable(
            f"Ngày bắt đầu phải trước hoặc bằng ngày tham chiếu {as_of:%d/%m/%Y}.",
            f"date_from must be on or before the as-of date {as_of.isoformat()}.",
            errors=[FieldError(field="date_from", code="after_as_of", message="Sau ngày tham chiếu")],
        )
    points = periods(granularity, date_from, as_of)
    if len(points) > MAX_POINTS:
        raise Unprocessable(
            f"Khoảng thời gian quá dài: tối đa {MAX_POINTS} điểm (theo {'tháng' if granularity == 'month' else 'tuần'}).",
            f"The range is too long: at most {MAX_POINTS} points.",
            errors=[
                FieldError(field="date_from", code="too_many_points", message=f"Tối đa {MAX_POINTS} điểm")
            ],
        )
    return points


def _status_at(end: Any) -> Any:
    """The status at ``end``: approved work completed after it was still in progress then."""
    status = col(Assignment.status)
    later = sa.and_(status == AssignmentStatus.approved.value, col(Assignment.completed_date) > end)
    return sa.case((later, sa.literal(AssignmentStatus.in_progress.value)), else_=status)


def bucket_at(end: Any) -> Any:
    """``buckets.bucket_expr`` with "today" = the SQL expression ``end`` and the status of that day."""
    table: Any = Assignment.__table__  # type: ignore[attr-defined]
    then = _status_at(end)

    def swap(el: Any) -> Any:
        if buckets.is_day(el, _SENTINEL):
            return end
        if getattr(el, "table", None) is table and getattr(el, "key", None) == "status":
            return then
        return None

    return replacement_traverse(buckets.bucket_expr(_SENTINEL), {}, swap)  # type: ignore[call-overload]


def trend(
    session: Session,
    principal: Principal,
    *,
    today: date,
    granularity: Granularity,
    date_from: date | None = None,
    plan_id: int | None = None,
    unit_id: int | None = None,
    node_id: int | None = None,
    include_predecessors: bool = False,
) -> dict[str, Any]:
    start = date_from or date(today.year, 1, 1)
    spans = check_range(granularity, start, today)

    rows = scope.assignments_in_reach(principal)
    if plan_id is not None:
        rows = rows.where(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        rows = rows.where(unit_filter(unit_id, include_predecessors))
    if node_id is not None:
        rows = rows.where(node_subtree_condition(session, principal, node_id))
    keys = (col(Assignment.status), col(Assignment.due_date), col(Assignment.completed_date))
    groups = rows.with_only_columns(*keys, sa.func.count(col(Assignment.id)).label("n")).group_by(*keys)
    g = groups.subquery("g")

    ends = sa.union_all(*[sa.select(sa.literal(end, sa.Date()).label("period_end")) for _, end in spans])
    p = ends.subquery("p")
    bucket = ClauseAdapter(g).traverse(bucket_at(p.c.period_end))
    at = (
        sa.select(p.c.period_end, g.c.n, g.c.due_date, bucket.label("bucket"))
        .select_from(p.outerjoin(g, sa.true()))
        .subquery("at")
    )
    sums = [
        sa.func.sum(sa.case((at.c.due_date <= at.c.period_end, at.c.n), else_=0)).label("due"),
        *[sa.func.sum(sa.case((at.c.bucket == b, at.c.n), else_=0)).label(b) for b in SERIES[1:]],
    ]
    stmt = sa.select(at.c.period_end, *sums).group_by(at.c.period_end)
    found = {_as_date(r.period_end): r for r in session.execute(stmt).all()}

    points = []
    for s, e in spans:
        r = found.get(e)
        points.append(
            {"period_start": s, "period_end": e, **{k: int(getattr(r, k) or 0) if r else 0 for k in SERIES}}
        )
    return {"as_of": today, "granularity": granularity, "date_from": start, "points": points}


def _as_date(v: Any) -> date:
    """SQLite hands a literal date back as its ISO text."""
    return v if isinstance(v, date) else date.fromisoformat(str(v))
