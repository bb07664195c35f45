"""Tổng hợp: bucket counts, progress and rankings of the scoped assignments, computed in SQL.

Fast by construction (figures: ``bench/bench_assignments.py``, 3,300 communes × 60 = 198,000 assignments):

- every aggregate reads one derived table, :func:`_rows`: the scoped assignments filtered by ``unit_id IN
  (units in reach)`` (``scope.assignments_in_reach``), so the planner reads the covering index
  ``ix_assignment_unit_cover`` (SQLite) or hashes the units once (PostgreSQL) instead of joining and testing
  ``org_unit`` per assignment, with the bucket (``buckets.bucket_expr``, the single definition) computed once per
  assignment as a grouping key;
- two groupings of it, whatever the number of units, plans or criteria: by (unit, bucket) and by (task, plan,
  bucket). PostgreSQL computes both in one pass (``GROUPING SETS``); SQLite, which has no grouping sets, in two;
- one statement (:func:`_aggregates`, a ``UNION ALL``) derives from them the rows by unit, by plan, by lĩnh vực
  and the criteria most overdue: labels are joined and bucket counts pivoted after grouping, so it returns one
  row per unit / plan / lĩnh vực / criterion with its rank (``row_number()``, so string ordering follows the
  database collation).

Two statements here (plus two for the principal) whatever the size of the scope. Python only works over those
grouped rows (bounded by the number of units, plans and criteria): the totals are the sum of the per-unit rows,
and the lagging ranking sorts them by on-time rate.
"""

from collections.abc import Sequence
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
LAGGING_UNITS = 10
CRITERIA_MOST_OVERDUE = 10
DUE_SOON_ROWS = 20
# What came due or is done: the denominator of the on-time rate. Chờ duyệt (awaiting_review) is left out of
# both sides until the reviewer decides: the unit did its part on time, the item is not yet judged.
DUE_OR_DONE = (Bucket.done_on_time, Bucket.done_late, Bucket.overdue)
KINDS = ("unit", "plan", "area", "criterion")


def unit_filter(unit_id: int, include_predecessors: bool) -> Any:
    """``assignment.unit_id`` is the unit, or (``include_predecessors``) the unit or a unit merged / renamed into
    it, transitively. Always applied on top of the scope (:func:`scope.assignments_in_reach`): a predecessor the
    caller does not reach (a 2026 commune head and the dissolved district's communes) is not counted."""
    if include_predecessors:
        return col(Assignment.unit_id).in_(scope.unit_and_predecessors(unit_id))
    return col(Assignment.unit_id) == unit_id


def _rows(
    principal: Principal,
    *,
    today: date,
    plan_id: int | None,
    unit_id: int | None,
    include_predecessors: bool = False,
) -> Any:
    """One row per scoped assignment with its bucket: the only input of the aggregates."""
    stmt = scope.assignments_in_reach(principal).with_only_columns(
        col(Assignment.unit_id).label("unit_id"),
        col(Assignment.task_id).label("task_id"),
        col(Assignment.plan_id).label("plan_id"),
        col(Assignment.progress).label("progress"),
        buckets.bucket_expr(today).label("bucket"),
    )
    if plan_id is not None:
        stmt = stmt.where(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        stmt = stmt.where(unit_filter(unit_id, include_predecessors))
    return stmt.subquery("r")


def _groupings(rows: Any, dialect: str) -> tuple[Any, Any]:
    """CTEs ``per_unit`` (unit_id, bucket, n, sp) and ``per_task`` (task_id, plan_id, bucket, n, sp)."""
    n, sp = sa.func.count().label("n"), sa.func.sum(rows.c.progress).label("sp")
    unit_key, task_key = (rows.c.unit_id, rows.c.bucket), (rows.c.task_id, rows.c.plan_id, rows.c.bucket)
    if dialect == "postgresql":
        both = (
            sa.select(
                *rows.c["unit_id", "task_id", "plan_id", "bucket"],
                sa.func.grouping(rows.c.unit_id).label("by_task"),
                n,
                sp,
            )
            .group_by(sa.func.grouping_sets(sa.tuple_(*unit_key), sa.tuple_(*task_key)))
            .cte("per_unit_and_task")
        )
        per_unit = sa.select(*both.c["unit_id", "bucket", "n", "sp"]).where(both.c.by_task == 0)
        per_task = sa.select(*both.c["task_id", "plan_id", "bucket", "n", "sp"]).where(both.c.by_task == 1)
    else:
        per_unit = sa.select(*unit_key, n, sp).group_by(*unit_key)
        per_task = sa.select(*task_key, n, sp).group_by(*task_key)
    return per_unit.cte("per_unit"), per_task.cte("per_task")


def _pivot(g: Any) -> list[Any]:
    """``total``, ``progress_sum`` and one count per bucket, summed over the (…, bucket) rows of ``g``."""
    return [
        sa.func.sum(g.c.n).label("total"),
        sa.func.sum(g.c.sp).label("progress_sum"),
        *[sa.func.sum(sa.case((g.c.bucket == b.value, g.c.n), else_=0)).label(b.value) for b in B],
    ]


# The aggregate statement's aliases, made once per process: an alias is only SQL structure (no data), and a new
# one per request made SQLAlchemy rebuild and adapt its column collections every time — about half the CPU of a
# district dashboard (bench/bench_http.py --profile district_dashboard). Each is used once in the statement.
_UNIT = aliased(OrgUnit, name="agg_unit")
_PLAN = aliased(Plan, name="agg_plan")
_LINKED = aliased(FrameworkNode, name="agg_linked")
_ROOT = aliased(FrameworkNode, name="agg_root")
_TOP = aliased(FrameworkNode, name="agg_top")
_TOP_FW = aliased(Framework, name="agg_top_fw")
_NODE = aliased(FrameworkNode, name="agg_node")
_NODE_FW = aliased(Framework, name="agg_node_fw")


def _aggregates(session: Session, rows: Any) -> dict[str, list[Any]]:
    """By unit, by plan, by lĩnh vực and criteria most overdue, in one statement.

    Rows are ``(kind, id, code, title, extra, year, total, progress_sum, <buckets>, pos)``, returned per kind
    in the order the API lists them (``pos``).
    """
    per_unit, per_task = _groupings(rows, session.get_bind().dialect.name)
    no_text, no_int = sa.cast(sa.null(), sa.String), sa.cast(sa.null(), sa.Integer)

    unit: Any = _UNIT
    by_unit = (
        sa.select(
            sa.literal_column("'unit'").label("kind"),
            unit.id.label("id"),
            unit.code.label("code"),
            unit.name.label("title"),
            no_text.label("extra"),
            no_int.label("year"),
            *_pivot(per_unit),
            sa.func.row_number().over(order_by=(unit.code, unit.id)).label("pos"),
        )
        .join_from(per_unit, unit, unit.id == per_unit.c.unit_id)
        .group_by(unit.id, unit.code, unit.name)
    )

    plan: Any = _PLAN
    by_plan = (
        sa.select(
            sa.literal_column("'plan'"),
            plan.id,
            plan.number,
            plan.title,
            plan.symbol,
            plan.year,
            *_pivot(per_task),
            sa.func.row_number().over(order_by=(plan.year.desc(), plan.id)),
        )
        .join_from(per_task, plan, plan.id == per_task.c.plan_id)
        .group_by(plan.id, plan.number, plan.title, plan.symbol, plan.year)
    )

    # Lĩnh vực: the top-level node above each linked node; an assignment counts once per lĩnh vực, so a
    # (task, plan, bucket) group counts once per lĩnh vực however many of its criteria the task links.
    linked: Any = _LINKED
    root: Any = _ROOT
    pairs = (
        sa.select(*per_task.c["task_id", "plan_id", "bucket", "n", "sp"], root.id.label("top_id"))
        .join_from(per_task, TaskNode, col(TaskNode.task_id) == per_task.c.task_id)
        .join(linked, linked.id == TaskNode.node_id)
        .join(
            root,
            sa.and_(
                root.framework_id == linked.framework_id,
                root.parent_id.is_(None),
                sa.or_(
                    root.id == linked.id,
                    linked.path.contains(sa.literal("/") + sa.cast(root.id, sa.String) + "/"),
                ),
            ),
        )
        .distinct()
        .subquery("pairs")
    )
    top: Any = _TOP
    top_fw: Any = _TOP_FW
    by_area = (
        sa.select(
            sa.literal_column("'area'"),
            top.id,
            top.code,
            top.title,
            top_fw.code,
            top.order,
            *_pivot(pairs),
            sa.func.row_number().over(order_by=(top_fw.code, top.order, top.code, top.id)),
        )
        .join_from(pairs, top, top.id == pairs.c.top_id)
        .join(top_fw, top_fw.id == top.framework_id)
        .group_by(top.id, top.code, top.title, top_fw.code, top.order)
    )

    node: Any = _NODE
    node_fw: Any = _NODE_FW
    criteria = (
        sa.select(
            sa.literal_column("'criterion'"),
            node.id,
            node.code,
            node.title,
            node_fw.code,
            no_int,
            *_pivot(per_task),
            sa.func.row_number().over(order_by=(sa.func.sum(per_task.c.n).desc(), node.code, node.id)),
        )
        .join_from(per_task, TaskNode, col(TaskNode.task_id) == per_task.c.task_id)
        .join(node, node.id == TaskNode.node_id)
        .join(node_fw, node_fw.id == node.framework_id)
        .where(per_task.c.bucket == Bucket.overdue.value)
        .group_by(node.id, node.code, node.title, node_fw.code)
    )

    out: dict[str, list[Any]] = {k: [] for k in KINDS}
    for r in session.execute(sa.union_all(by_unit, by_plan, by_area, criteria)).all():
        out[r.kind].append(r)
    for kind_rows in out.values():
        kind_rows.sort(key=lambda r: r.pos)
    return out


def _stat(r: Any) -> dict[str, Any]:
    """Counts of a grouped row (PostgreSQL sums bigints as numeric: made ints here)."""
    counts = {b.value: int(getattr(r, b.value) or 0) for b in B}
    return {"total": int(r.total or 0), "progress_sum": int(r.progress_sum or 0), "buckets": counts}


def _avg(stat: dict[str, Any]) -> float:
    return round(stat["progress_sum"] / stat["total"], 1) if stat["total"] else 0.0


def _unit(r: Any) -> dict[str, Any]:
    stat = _stat(r)
    due_or_done = sum(stat["buckets"][b.value] for b in DUE_OR_DONE)
    rate = stat["buckets"][Bucket.done_on_time.value] / due_or_done if due_or_done else None
    return {"unit_id": r.id, "code": r.code, "name": r.title, **stat, "rate": rate}


def _unit_out(u: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit_id": u["unit_id"],
        "code": u["code"],
        "name": u["name"],
        "total": u["total"],
        "avg_progress": _avg(u),
        "buckets": u["buckets"],
        "on_time_rate": None if u["rate"] is None else round(u["rate"] * 100, 1),
    }


def _lagging(units: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lowest on-time rate first, then most overdue, then unit code (``units`` come in code order and
    ``sorted`` is stable). Units with nothing due or done yet are not ranked."""
    ranked = sorted(
        (u for u in units if u["rate"] is not None),
        key=lambda u: (u["rate"], -u["buckets"][Bucket.overdue.value]),
    )
    return ranked[:LAGGING_UNITS]


def _node_out(r: Any) -> dict[str, Any]:
    return {"node_id": r.id, "code": r.code, "title": r.title, "framework_code": r.extra}


def summary(
    session: Session,
    principal: Principal,
    *,
    today: date,
    soon_days: int,
    plan_id: int | None = None,
    unit_id: int | None = None,
    include_predecessors: bool = False,
    limit: int = 200,
) -> dict[str, Any]:
    rows = _rows(
        principal, today=today, plan_id=plan_id, unit_id=unit_id, include_predecessors=include_predecessors
    )
    agg = _aggregates(session, rows)
    units = [_unit(r) for r in agg["unit"]]

    soon_stmt = row_select(principal, today=today, soon_days=soon_days).where(
        buckets.due_soon_expr(today, soon_days)
    )
    if plan_id is not None:
        soon_stmt = soon_stmt.where(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        soon_stmt = soon_stmt.where(unit_filter(unit_id, include_predecessors))
    due_soon = to_reads(
        list(
            session.execute(
                soon_stmt.order_by(col(Assignment.due_date), col(Assignment.id)).limit(DUE_SOON_ROWS)
            ).all()
        )
    )
    # The list is cut at DUE_SOON_ROWS; the count is of every row of the work list's "sắp đến hạn" filter, so a
    # card and its list never disagree (a card once said 20, the list's first rows, beside a total of 7 days).
    due_soon_total = int(
        session.execute(sa.select(sa.func.count()).select_from(soon_stmt.order_by(None).subquery())).scalar_one()
    )

    everything = {
        "total": sum(u["total"] for u in units),
        "progress_sum": sum(u["progress_sum"] for u in units),
        "buckets": {b.value: sum(u["buckets"][b.value] for u in units) for b in B},
    }
    plans = [(r, _stat(r)) for r in agg["plan"][:limit]]
    areas = [(r, _stat(r)) for r in agg["area"]]
    return {
        "as_of": today,
        "due_soon_days": soon_days,
        "total": everything["total"],
        "avg_progress": _avg(everything),
        "buckets": everything["buckets"],
        "by_unit": [_unit_out(u) for u in units[:limit]],
        "lagging_units": [_unit_out(u) for u in _lagging(units)],
        "by_plan": [
            {
                "plan_id": r.id,
                "label": f"{r.code}/{r.extra}",
                "year": r.year,
                "title": r.title,
                "total": s["total"],
                "avg_progress": _avg(s),
                "buckets": s["buckets"],
            }
            for r, s in plans
        ],
        "by_area": [
            {**_node_out(r), "total": s["total"], "avg_progress": _avg(s), "buckets": s["buckets"]}
            for r, s in areas
        ],
        "criteria_most_overdue": [
            {**_node_out(r), "overdue": _stat(r)["buckets"][Bucket.overdue.value]}
            for r in agg["criterion"][:CRITERIA_MOST_OVERDUE]
        ],
        "due_soon": due_soon,
        "due_soon_total": due_soon_total,
    }
