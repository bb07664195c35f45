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

import functools
from collections import defaultdict
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
from api.authz.principal import Grant, Principal
from api.models import Assignment, Framework, FrameworkNode, OrgUnit, Plan, TaskNode

B = list(Bucket)
BUCKET_VALUES = tuple(b.value for b in B)
OVERDUE = Bucket.overdue.value
LAGGING_UNITS = 10
CRITERIA_MOST_OVERDUE = 10
DUE_SOON_ROWS = 20
# What came due or is done: the denominator of the on-time rate. Chờ duyệt (awaiting_review) is left out of
# both sides until the reviewer decides: the unit did its part on time, the item is not yet judged.
DUE_OR_DONE = (Bucket.done_on_time, Bucket.done_late, Bucket.overdue)
KINDS = ("unit", "plan", "task")


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
    soon_days: int,
    plan_id: int | None,
    unit_id: int | None,
    include_predecessors: bool = False,
) -> Any:
    """One row per scoped assignment with its bucket and whether it is due soon (the work list's "sắp đến hạn"
    filter, :func:`buckets.due_soon_expr`): the only input of the aggregates."""
    stmt = scope.assignments_in_reach(principal).with_only_columns(
        col(Assignment.unit_id).label("unit_id"),
        col(Assignment.task_id).label("task_id"),
        col(Assignment.plan_id).label("plan_id"),
        col(Assignment.progress).label("progress"),
        buckets.bucket_expr(today).label("bucket"),
        sa.case((buckets.due_soon_expr(today, soon_days), 1), else_=0).label("soon"),
    )
    if plan_id is not None:
        stmt = stmt.where(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        stmt = stmt.where(unit_filter(unit_id, include_predecessors))
    return stmt.subquery("r")


def _groupings(rows: Any, dialect: str) -> tuple[Any, Any]:
    """CTEs ``per_unit`` (unit_id, bucket, n, sp, ns) and ``per_task`` (task_id, plan_id, bucket, n, sp, ns)."""
    n, sp = sa.func.count().label("n"), sa.func.sum(rows.c.progress).label("sp")
    ns = sa.func.sum(rows.c.soon).label("ns")
    unit_key, task_key = (rows.c.unit_id, rows.c.bucket), (rows.c.task_id, rows.c.plan_id, rows.c.bucket)
    if dialect == "postgresql":
        both = (
            sa.select(
                *rows.c["unit_id", "task_id", "plan_id", "bucket"],
                sa.func.grouping(rows.c.unit_id).label("by_task"),
                n,
                sp,
                ns,
            )
            .group_by(sa.func.grouping_sets(sa.tuple_(*unit_key), sa.tuple_(*task_key)))
            .cte("per_unit_and_task")
        )
        per_unit = sa.select(*both.c["unit_id", "bucket", "n", "sp", "ns"]).where(both.c.by_task == 0)
        per_task = sa.select(*both.c["task_id", "plan_id", "bucket", "n", "sp", "ns"]).where(
            both.c.by_task == 1
        )
    else:
        per_unit = sa.select(*unit_key, n, sp, ns).group_by(*unit_key)
        per_task = sa.select(*task_key, n, sp, ns).group_by(*task_key)
    return per_unit.cte("per_unit"), per_task.cte("per_task")


def _pivot(g: Any) -> list[Any]:
    """``total``, ``progress_sum``, one count per bucket and ``soon``, summed over the (…, bucket) rows of ``g``."""
    return [
        sa.func.sum(g.c.n).label("total"),
        sa.func.sum(g.c.sp).label("progress_sum"),
        *[sa.func.sum(sa.case((g.c.bucket == b.value, g.c.n), else_=0)).label(b.value) for b in B],
        sa.func.sum(g.c.ns).label("soon"),
    ]


# The aggregate statement's aliases, made once per process: an alias is only SQL structure (no data), and a new
# one per request made SQLAlchemy rebuild and adapt its column collections every time — about half the CPU of a
# district dashboard (bench/bench_http.py --profile district_dashboard). Each is used once in the statement.
_UNIT = aliased(OrgUnit, name="agg_unit")
_PLAN = aliased(Plan, name="agg_plan")
_NODE = aliased(FrameworkNode, name="agg_node")
_NODE_FW = aliased(Framework, name="agg_node_fw")
_TOP = aliased(FrameworkNode, name="agg_top")
_TOP_FW = aliased(Framework, name="agg_top_fw")


def _aggregate_statement(rows: Any, dialect: str) -> Any:
    """By unit, by plan and by task, in one statement.

    Rows are ``(kind, id, code, title, extra, year, total, progress_sum, <buckets>, soon, pos)``; ``pos`` orders
    the units and plans as the API lists them (``row_number()``, so string ordering follows the database
    collation). Tasks (``id`` the task) feed the lĩnh vực and criteria in Python (:func:`_by_node`): joining the
    grouped rows to the criteria in SQL made PostgreSQL, which cannot estimate how many grouped rows a grouping
    set yields, loop over them once per criterion link (~2/3 of the statement's time on the demo data).
    """
    per_unit, per_task = _groupings(rows, dialect)
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

    by_task = sa.select(
        sa.literal_column("'task'"),
        per_task.c.task_id,
        no_text,
        no_text,
        no_text,
        no_int,
        *_pivot(per_task),
        no_int,
    ).group_by(per_task.c.task_id)
    return sa.union_all(by_unit, by_plan, by_task)


def _node_statement() -> Any:
    """The criteria linked to the tasks ``:task_ids`` with their lĩnh vực (the top-level node above each), and
    each one's place in the API's order: criteria by code, lĩnh vực by framework, order, code. No principal
    data: the task ids come from the scoped aggregate."""
    node: Any = _NODE
    node_fw: Any = _NODE_FW
    top: Any = _TOP
    top_fw: Any = _TOP_FW
    return (
        sa.select(
            col(TaskNode.task_id),
            node.id,
            node.code,
            node.title,
            node_fw.code,
            top.id,
            top.code,
            top.title,
            top_fw.code,
            sa.func.dense_rank().over(order_by=(node.code, node.id)),
            sa.func.dense_rank().over(order_by=(top_fw.code, top.order, top.code, top.id)),
        )
        .join(node, node.id == TaskNode.node_id)
        .join(node_fw, node_fw.id == node.framework_id)
        .join(
            top,
            sa.and_(
                top.framework_id == node.framework_id,
                top.parent_id.is_(None),
                sa.or_(
                    top.id == node.id,
                    node.path.contains(sa.literal("/") + sa.cast(top.id, sa.String) + "/"),
                ),
            ),
        )
        .join(top_fw, top_fw.id == top.framework_id)
        .where(col(TaskNode.task_id).in_(sa.bindparam("task_ids", expanding=True)))
    )


_NODES = _node_statement()
_STATEMENTS_KEPT = 256


@functools.lru_cache(maxsize=_STATEMENTS_KEPT)
def _statements(
    dialect: str,
    grants: tuple[Grant, ...],
    today: date,
    soon_days: int,
    plan_id: int | None,
    unit_id: int | None,
    include_predecessors: bool,
) -> tuple[Any, Any]:
    """The aggregate and the due-soon rows' statements, built from their arguments only.

    Building them (the scope's subqueries, the bucket CASE, the pivots: ~2,000 SQLAlchemy expression objects)
    was about a third of a dashboard's time. A statement is SQL text plus the values it was built from, and all
    of them are in the key — the caller's grants (unit ids and paths, roles), the reference date and every
    filter — so a kept statement is exactly the one this request would build: no result and nothing read from
    the database is kept, and a caller with other grants never gets another's statement.
    """
    principal = Principal(user_id=None, token_id=None, name="", grants=grants)
    rows = _rows(
        principal,
        today=today,
        soon_days=soon_days,
        plan_id=plan_id,
        unit_id=unit_id,
        include_predecessors=include_predecessors,
    )
    soon_stmt = row_select(principal, today=today, soon_days=soon_days).where(
        buckets.due_soon_expr(today, soon_days)
    )
    if plan_id is not None:
        soon_stmt = soon_stmt.where(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        soon_stmt = soon_stmt.where(unit_filter(unit_id, include_predecessors))
    soon_stmt = soon_stmt.order_by(col(Assignment.due_date), col(Assignment.id)).limit(DUE_SOON_ROWS)
    return _aggregate_statement(rows, dialect), soon_stmt


def _aggregates(session: Session, statement: Any) -> dict[str, list[Any]]:
    """Rows of the aggregate statement per kind, units and plans in the order the API lists them."""
    out: dict[str, list[Any]] = {k: [] for k in KINDS}
    # Through the Core connection: plain columns, no ORM entity to load (the ORM's per-execution set-up for
    # this union of aliased entities was about half of the statement's client-side time).
    for r in session.connection().execute(statement).all():
        out[r.kind].append(r)
    for kind in ("unit", "plan"):
        out[kind].sort(key=lambda r: r.pos)
    return out


def _by_node(session: Session, tasks: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Lĩnh vực and criteria most overdue from the per-task rows.

    An assignment counts once per lĩnh vực, however many of its criteria the task links under it; a criterion
    counts the overdue assignments of every task linked to it (only criteria with some).
    """
    if not tasks:
        return [], []
    by_task = {r.id: _stat(r) for r in tasks}
    links = session.connection().execute(_NODES, {"task_ids": sorted(by_task)}).all()
    areas: dict[int, dict[str, Any]] = {}
    area_tasks: dict[int, set[int]] = defaultdict(set)
    criteria: dict[int, dict[str, Any]] = {}
    for task_id, nid, ncode, ntitle, nfw, tid, tcode, ttitle, tfw, npos, tpos in links:
        if tid not in areas:
            areas[tid] = {"pos": tpos, "ref": _node_ref(tid, tcode, ttitle, tfw)}
        area_tasks[tid].add(task_id)
        if nid not in criteria:
            criteria[nid] = {"pos": npos, "ref": _node_ref(nid, ncode, ntitle, nfw), "tasks": set()}
        criteria[nid]["tasks"].add(task_id)
    by_area = []
    for tid, a in sorted(areas.items(), key=lambda kv: kv[1]["pos"]):
        s = _sum_stats(by_task[t] for t in area_tasks[tid])
        by_area.append({**a["ref"], "total": s["total"], "avg_progress": _avg(s), "buckets": s["buckets"]})
    overdue = []
    for c in criteria.values():
        n = sum(by_task[t]["buckets"][OVERDUE] for t in c["tasks"])
        if n:
            overdue.append((-n, c["pos"], {**c["ref"], "overdue": n}))
    overdue.sort(key=lambda x: (x[0], x[1]))
    return by_area, [x[2] for x in overdue[:CRITERIA_MOST_OVERDUE]]


def _node_ref(node_id: int, code: str, title: str, framework_code: str) -> dict[str, Any]:
    return {"node_id": node_id, "code": code, "title": title, "framework_code": framework_code}


def _sum_stats(stats: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"total": 0, "progress_sum": 0, "buckets": dict.fromkeys(BUCKET_VALUES, 0)}
    counts = out["buckets"]
    for s in stats:
        out["total"] += s["total"]
        out["progress_sum"] += s["progress_sum"]
        for b in BUCKET_VALUES:
            counts[b] += s["buckets"][b]
    return out


def _stat(r: Any) -> dict[str, Any]:
    """Counts of a grouped row (PostgreSQL sums bigints as numeric: made ints here)."""
    counts = {b: int(getattr(r, b) or 0) for b in BUCKET_VALUES}
    return {"total": int(r.total or 0), "progress_sum": int(r.progress_sum or 0), "buckets": counts}


def _avg(stat: dict[str, Any]) -> float:
    return round(stat["progress_sum"] / stat["total"], 1) if stat["total"] else 0.0


def _unit(r: Any) -> dict[str, Any]:
    stat = _stat(r)
    due_or_done = sum(stat["buckets"][b.value] for b in DUE_OR_DONE)
    rate = stat["buckets"][Bucket.done_on_time.value] / due_or_done if due_or_done else None
    return {"unit_id": r.id, "code": r.code, "name": r.title, **stat, "rate": rate, "soon": int(r.soon or 0)}


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
    aggregate, soon_stmt = _statements(
        session.get_bind().dialect.name,
        principal.grants,
        today,
        soon_days,
        plan_id,
        unit_id,
        include_predecessors,
    )
    agg = _aggregates(session, aggregate)
    units = [_unit(r) for r in agg["unit"]]
    by_area, criteria_most_overdue = _by_node(session, agg["task"])
    due_soon = to_reads(list(session.execute(soon_stmt).all()))

    everything = {
        "total": sum(u["total"] for u in units),
        "progress_sum": sum(u["progress_sum"] for u in units),
        "buckets": {b.value: sum(u["buckets"][b.value] for u in units) for b in B},
    }
    plans = [(r, _stat(r)) for r in agg["plan"][:limit]]
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
        "by_area": by_area,
        "criteria_most_overdue": criteria_most_overdue,
        "due_soon": due_soon,
        # The list is cut at DUE_SOON_ROWS; the count is of every row of the work list's "sắp đến hạn" filter
        # (summed over the units' rows of the aggregate), so a card and its list never disagree.
        "due_soon_total": sum(u["soon"] for u in units),
    }
