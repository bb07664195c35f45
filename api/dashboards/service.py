"""Tổng hợp: bucket counts, progress and rankings, all computed in SQL GROUP BY over scoped assignments.

The number of statements is fixed (one per block) whatever the number of units, plans or assignments.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api.assignments import buckets
from api.assignments.buckets import Bucket
from api.assignments.service import row_select, to_reads
from api.authz import scope
from api.authz.principal import Principal
from api.models import Assignment, Framework, FrameworkNode, OrgUnit, Plan, TaskNode

B = list(Bucket)


def _base(principal: Principal, plan_id: int | None, unit_id: int | None) -> Any:
    stmt = scope.visible_assignments(principal)
    if plan_id is not None:
        stmt = stmt.where(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        stmt = stmt.where(col(Assignment.unit_id) == unit_id)
    return stmt


def _bucket_sums(today: date) -> list[Any]:
    return [buckets.count_bucket(b, today).label(b.value) for b in B]


def _counts(row: Any) -> dict[str, int]:
    return {b.value: int(getattr(row, b.value) or 0) for b in B}


def _rate_expr(today: date) -> Any:
    """On-time completion rate: done on time ÷ everything that has come due or is done (NULL when none)."""
    done_on_time = buckets.count_bucket(Bucket.done_on_time, today)
    due_or_done = (
        done_on_time
        + buckets.count_bucket(Bucket.done_late, today)
        + buckets.count_bucket(Bucket.overdue, today)
    )
    return sa.cast(done_on_time, sa.Float) / sa.func.nullif(due_or_done, 0)


def summary(
    session: Session,
    principal: Principal,
    *,
    today: date,
    soon_days: int,
    plan_id: int | None = None,
    unit_id: int | None = None,
    limit: int = 200,
) -> dict[str, Any]:
    base = _base(principal, plan_id, unit_id)
    total_row = session.execute(
        base.with_only_columns(
            sa.func.count(col(Assignment.id)).label("total"),
            sa.func.avg(col(Assignment.progress)).label("avg"),
            *_bucket_sums(today),
        )
    ).one()
    rate = _rate_expr(today).label("rate")
    unit_cols = (col(OrgUnit.id), col(OrgUnit.code), col(OrgUnit.name))
    by_unit_stmt = base.with_only_columns(
        *unit_cols,
        sa.func.count(col(Assignment.id)).label("total"),
        sa.func.avg(col(Assignment.progress)).label("avg"),
        *_bucket_sums(today),
        rate,
    ).group_by(*unit_cols)
    by_unit = session.execute(by_unit_stmt.order_by(col(OrgUnit.code)).limit(limit)).all()
    lagging = session.execute(
        by_unit_stmt.having(
            sa.func.sum(
                sa.case(
                    (
                        buckets.bucket_expr(today).in_(
                            [Bucket.done_on_time.value, Bucket.done_late.value, Bucket.overdue.value]
                        ),
                        1,
                    ),
                    else_=0,
                )
            )
            > 0
        )
        .order_by(
            sa.literal_column("rate").asc(), sa.literal_column(Bucket.overdue.value).desc(), col(OrgUnit.code)
        )
        .limit(10)
    ).all()
    plan_cols = (col(Plan.id), col(Plan.number), col(Plan.symbol), col(Plan.year), col(Plan.title))
    by_plan = session.execute(
        base.join(Plan, col(Plan.id) == col(Assignment.plan_id))
        .with_only_columns(
            *plan_cols,
            sa.func.count(col(Assignment.id)).label("total"),
            sa.func.avg(col(Assignment.progress)).label("avg"),
            *_bucket_sums(today),
        )
        .group_by(*plan_cols)
        .order_by(col(Plan.year).desc(), col(Plan.id))
        .limit(limit)
    ).all()

    # Lĩnh vực: the top-level node above each linked node; an assignment counts once per lĩnh vực.
    linked: Any = aliased(FrameworkNode)
    top: Any = aliased(FrameworkNode)
    pairs = (
        base.join(TaskNode, col(TaskNode.task_id) == col(Assignment.task_id))
        .join(linked, linked.id == TaskNode.node_id)
        .join(
            top,
            sa.and_(
                top.framework_id == linked.framework_id,
                top.parent_id.is_(None),
                sa.or_(
                    top.id == linked.id,
                    linked.path.contains(sa.literal("/") + sa.cast(top.id, sa.String) + "/"),
                ),
            ),
        )
        .with_only_columns(
            col(Assignment.id).label("aid"),
            top.id.label("top_id"),
            buckets.bucket_expr(today).label("bucket"),
            col(Assignment.progress).label("progress"),
        )
        .distinct()
        .subquery()
    )
    area_cols: tuple[Any, ...] = (top.id, top.code, top.title, col(Framework.code).label("framework_code"))
    by_area = session.execute(
        sa.select(
            *area_cols,
            sa.func.count().label("total"),
            sa.func.avg(pairs.c.progress).label("avg"),
            *[sa.func.sum(sa.case((pairs.c.bucket == b.value, 1), else_=0)).label(b.value) for b in B],
        )
        .select_from(pairs)
        .join(top, top.id == pairs.c.top_id)
        .join(Framework, col(Framework.id) == top.framework_id)
        .group_by(*area_cols)
        .order_by(col(Framework.code), top.order, top.code)
    ).all()
    crit_cols: tuple[Any, ...] = (
        linked.id,
        linked.code,
        linked.title,
        col(Framework.code).label("framework_code"),
    )
    criteria = session.execute(
        base.join(TaskNode, col(TaskNode.task_id) == col(Assignment.task_id))
        .join(linked, linked.id == TaskNode.node_id)
        .join(Framework, col(Framework.id) == linked.framework_id)
        .where(buckets.overdue_cond(today))
        .with_only_columns(*crit_cols, sa.func.count(sa.distinct(col(Assignment.id))).label("overdue"))
        .group_by(*crit_cols)
        .order_by(sa.literal_column("overdue").desc(), linked.code)
        .limit(10)
    ).all()
    soon_stmt = row_select(principal, today=today, soon_days=soon_days).where(
        buckets.due_soon_expr(today, soon_days)
    )
    if plan_id is not None:
        soon_stmt = soon_stmt.where(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        soon_stmt = soon_stmt.where(col(Assignment.unit_id) == unit_id)
    due_soon = to_reads(
        list(
            session.execute(soon_stmt.order_by(col(Assignment.due_date), col(Assignment.id)).limit(20)).all()
        )
    )

    def avg(v: Any) -> float:
        return round(float(v or 0), 1)

    def unit_row(r: Any) -> dict[str, Any]:
        rate_v = None if r.rate is None else round(float(r.rate) * 100, 1)
        return {
            "unit_id": r.id,
            "code": r.code,
            "name": r.name,
            "total": r.total,
            "avg_progress": avg(r.avg),
            "buckets": _counts(r),
            "on_time_rate": rate_v,
        }

    return {
        "as_of": today,
        "due_soon_days": soon_days,
        "total": int(total_row.total or 0),
        "avg_progress": avg(total_row.avg),
        "buckets": _counts(total_row),
        "by_unit": [unit_row(r) for r in by_unit],
        "lagging_units": [unit_row(r) for r in lagging],
        "by_plan": [
            {
                "plan_id": r.id,
                "label": f"{r.number}/{r.symbol}",
                "year": r.year,
                "title": r.title,
                "total": r.total,
                "avg_progress": avg(r.avg),
                "buckets": _counts(r),
            }
            for r in by_plan
        ],
        "by_area": [
            {
                "node_id": r.id,
                "code": r.code,
                "title": r.title,
                "framework_code": r.framework_code,
                "total": r.total,
                "avg_progress": avg(r.avg),
                "buckets": _counts(r),
            }
            for r in by_area
        ],
        "criteria_most_overdue": [
            {
                "node_id": r.id,
                "code": r.code,
                "title": r.title,
                "framework_code": r.framework_code,
                "overdue": r.overdue,
            }
            for r in criteria
        ],
        "due_soon": due_soon,
    }
