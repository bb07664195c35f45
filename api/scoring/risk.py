"""Điểm có nguy cơ (points at risk): which points of a framework the plan's work already secures, as of a date.

For each unit and each leaf criterion (tiêu chí thành phần) of the framework, the unit's assignments on tasks
linked (``TaskNode``) to the leaf or to one of its ancestors — a task meant to raise a lĩnh vực covers its
criteria — on plans of the year decide the class, through the one bucket definition
(:mod:`api.assignments.buckets`) as of the reference date:

- ``secured`` (chắc chắn): every linked assignment is done on time (approved, ``done_on_time``) with evidence;
- ``at_risk`` (có nguy cơ): some linked assignment is overdue, returned, done late or approved without evidence;
- ``in_progress`` (đang thực hiện trong hạn): none at risk, some still open within its deadline;
- ``not_covered`` (chưa có nhiệm vụ): no assignment of the unit is linked to the criterion.

Points in each class are the leaves' maximum points. Where a leaf's maximum is unknown (the provincial PAR INDEX
ships without verified points) every leaf counts as one criterion instead (``measure = "criteria"``). The
projected index is secured / max if nothing changes, and (secured + at risk + in progress) / max if every open
task lands. Several units: the sums over the units (the max is the framework's times the number of units).

One aggregate statement whatever the number of units or criteria: the (unit, leaf) classes grouped by leaf (unit
counts) and by unit (points), ``UNION ALL``; "not covered" is what the covered classes leave of the maximum.
Visible with ``dashboards:read`` (it is a view of the plan's work, like the dashboard; it shows no score), over the
units in the caller's reach to which the framework applies (its ``applicability``), or the one unit asked for.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from api.assignments import buckets
from api.assignments.buckets import Bucket
from api.authz import scope, scope_scoring
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import NotFound
from api.models import Assignment, AssignmentStatus, Framework, FrameworkNode, OrgUnit, Task
from api.pagination import PageParams, paginate
from api.scoring.points import to_milli
from api.scoring.results import fast_percent, leaves_of, pts

P = Permission
PERMISSION = P.dashboards_read
CLASSES = ("secured", "at_risk", "in_progress", "not_covered")
CRITERION = 1000  # one criterion, in the milli unit of the points


def assignment_class(as_of: date, has_evidence: Any) -> Any:
    """CASE: what one assignment contributes (``secured`` / ``at_risk`` / ``in_progress``)."""
    bucket = buckets.bucket_expr(as_of)
    status = col(Assignment.status)
    return sa.case(
        (
            sa.or_(
                bucket.in_([Bucket.overdue.value, Bucket.done_late.value]),
                status == AssignmentStatus.returned.value,
                sa.and_(status == AssignmentStatus.approved.value, ~has_evidence),
            ),
            "at_risk",
        ),
        (sa.and_(bucket == Bucket.done_on_time.value, has_evidence), "secured"),
        else_="in_progress",
    )


def default_framework(session: Session, principal: Principal, year: int) -> int:
    """The most linked framework among those whose criteria all have known max points (the commune example
    before the provincial PAR INDEX, which ships without verified points), else the most linked one."""
    linked = scope_scoring.linked_frameworks(principal, PERMISSION, year).subquery("lf")
    node, child = sa.orm.aliased(FrameworkNode), sa.orm.aliased(FrameworkNode)
    unknown_points = sa.exists().where(
        col(node.framework_id) == linked.c.framework_id,
        col(node.max_points).is_(None),
        ~sa.exists().where(col(child.parent_id) == col(node.id)),
    )
    stmt = sa.select(linked.c.framework_id).order_by(
        sa.case((unknown_points, 1), else_=0), linked.c[1].desc(), linked.c.framework_id
    )
    row = session.execute(stmt.limit(1)).first()
    if row is None:
        raise NotFound("Bộ chỉ số gắn với nhiệm vụ", "Framework linked to tasks")
    return int(row[0])


def _units(principal: Principal, fw: Framework, unit_id: int | None) -> Any:
    """Units in reach the framework applies to (or the one unit asked for, if in reach)."""
    stmt = scope_scoring.risk_units(principal, PERMISSION)
    if unit_id is not None:
        return stmt.where(OrgUnit.id == unit_id)
    levels = (fw.applicability or {}).get("levels") or []
    kinds = (fw.applicability or {}).get("kinds") or []
    if levels:
        stmt = stmt.where(col(OrgUnit.level).in_(levels))
    if kinds:
        stmt = stmt.where(col(OrgUnit.kind).in_(kinds))
    return stmt


def _aggregate(
    session: Session, principal: Principal, fw: Framework, *, unit_id: int | None, as_of: date, year: int,
    measure: str,
) -> list[Any]:  # fmt: skip
    units = (
        _units(principal, fw, unit_id)
        .with_only_columns(col(OrgUnit.id).label("id"), col(OrgUnit.code).label("code"), col(OrgUnit.name).label("name"))
        .subquery("u")
    )  # fmt: skip
    has_ev = scope_scoring.assignment_has_evidence()
    a = (
        scope_scoring.risk_assignments(sa.select(units.c.id), year)
        .with_only_columns(
            col(Assignment.unit_id).label("unit_id"),
            col(Assignment.task_id).label("task_id"),
            assignment_class(as_of, has_ev).label("cls"),
        )
        .subquery("a")
    )
    links = scope_scoring.risk_links(fw.id or 0).subquery("l")
    per_pair = (
        sa.select(
            a.c.unit_id,
            links.c.leaf_id,
            sa.func.count().label("n"),
            sa.func.sum(sa.case((a.c.cls == "secured", 1), else_=0)).label("n_secured"),
            sa.func.sum(sa.case((a.c.cls == "at_risk", 1), else_=0)).label("n_risk"),
        )
        .join_from(a, links, links.c.task_id == a.c.task_id)
        .group_by(a.c.unit_id, links.c.leaf_id)
        .subquery("pp")
    )
    leaf = scope_scoring.nodes_of_frameworks([fw.id or 0]).subquery("leaf")
    weight = (
        sa.literal(CRITERION)
        if measure == "criteria"
        else sa.cast(sa.func.round(leaf.c.max_points * 1000), sa.Integer)
    )
    cls = sa.case(
        (per_pair.c.n_risk > 0, "at_risk"),
        (per_pair.c.n_secured == per_pair.c.n, "secured"),
        else_="in_progress",
    )
    pairs = (
        sa.select(per_pair.c.unit_id, per_pair.c.leaf_id, cls.label("cls"), weight.label("w"))
        .join_from(per_pair, leaf, leaf.c.id == per_pair.c.leaf_id)
        .cte("pairs")
    )
    no_text = sa.cast(sa.null(), sa.String)
    by_leaf = sa.select(
        sa.literal_column("'leaf'").label("kind"),
        pairs.c.leaf_id.label("id"),
        no_text.label("code"),
        no_text.label("name"),
        *[sa.func.sum(sa.case((pairs.c.cls == c, 1), else_=0)).label(c) for c in CLASSES[:3]],
    ).group_by(pairs.c.leaf_id)
    by_unit = (
        sa.select(
            sa.literal_column("'unit'"),
            units.c.id,
            units.c.code,
            units.c.name,
            *[sa.func.coalesce(sa.func.sum(sa.case((pairs.c.cls == c, pairs.c.w), else_=0)), 0) for c in CLASSES[:3]],
        )
        .outerjoin_from(units, pairs, pairs.c.unit_id == units.c.id)
        .group_by(units.c.id, units.c.code, units.c.name)
    )  # fmt: skip
    return list(session.execute(sa.union_all(by_leaf, by_unit)).all())


def _figures(secured: int, at_risk: int, in_progress: int, maximum: int) -> dict[str, Any]:
    not_covered = maximum - secured - at_risk - in_progress
    return {
        "max": pts(maximum) or Decimal(0),
        "secured": pts(secured) or Decimal(0),
        "at_risk": pts(at_risk) or Decimal(0),
        "in_progress": pts(in_progress) or Decimal(0),
        "not_covered": pts(not_covered) or Decimal(0),
        "projected_now": fast_percent(secured, maximum),
        "projected_if_done": fast_percent(secured + at_risk + in_progress, maximum),
    }


def points_at_risk(
    session: Session,
    principal: Principal,
    *,
    framework_id: int | None,
    unit_id: int | None,
    as_of: date,
    year: int | None = None,
) -> dict[str, Any]:
    """Secured / at risk / in progress / not covered per criterion, lĩnh vực, unit and overall."""
    year = year or as_of.year
    if framework_id is None:
        framework_id = default_framework(session, principal, year)
    fw = scope.get_framework(session, principal, framework_id)
    nodes = list(session.exec(scope_scoring.nodes_of_frameworks([fw.id or 0])).all())
    leaves = leaves_of(nodes)
    measure = (
        "points" if leaves and all(n.max_points is not None for n in nodes if n.id in leaves) else "criteria"
    )
    w = {
        n.id: (CRITERION if measure == "criteria" else to_milli(n.max_points))
        for n in nodes
        if n.id in leaves
    }
    rows = _aggregate(session, principal, fw, unit_id=unit_id, as_of=as_of, year=year, measure=measure)
    unit_rows = [r for r in rows if r.kind == "unit"]
    if unit_id is not None and not unit_rows:
        raise NotFound("Đơn vị", "Unit")
    n_units = len(unit_rows)
    leaf_counts = {
        r.id: (int(r.secured or 0), int(r.at_risk or 0), int(r.in_progress or 0))
        for r in rows
        if r.kind == "leaf"
    }
    per_leaf: dict[int, tuple[int, int, int, int]] = {}
    for leaf_id, weight in w.items():
        s, a, p = leaf_counts.get(leaf_id, (0, 0, 0))
        per_leaf[leaf_id or 0] = (s * weight, a * weight, p * weight, n_units * weight)

    by_id = {n.id: n for n in nodes}
    out_nodes = []
    for n in sorted(nodes, key=lambda n: n.path):
        inside = [lid for lid in per_leaf if by_id[lid].path.startswith(n.path)]
        sums = [sum(per_leaf[lid][i] for lid in inside) for i in range(4)]
        top = int(n.path.strip("/").split("/")[0])
        counts = leaf_counts.get(n.id, (0, 0, 0)) if n.id in leaves else None
        out_nodes.append(
            {
                "node_id": n.id,
                "parent_id": n.parent_id,
                "top_id": top,
                "code": n.code,
                "title": n.title,
                "title_en": n.title_en,
                "leaf": n.id in leaves,
                "max_points": None if n.max_points is None else pts(to_milli(n.max_points)),
                "figures": _figures(*sums),
                "units": {}
                if counts is None
                else {**dict(zip(CLASSES[:3], counts, strict=True)), "not_covered": n_units - sum(counts)},
            }
        )
    order = {n.id: (n.order, n.code) for n in nodes}
    tops = sorted((n for n in nodes if n.parent_id is None), key=lambda n: order[n.id])
    by_node = {r["node_id"]: r for r in out_nodes}
    areas = [by_node[t.id] for t in tops]
    total_w = sum(w.values())
    totals = [sum(v[i] for v in per_leaf.values()) for i in range(4)]
    return {
        "framework_id": fw.id,
        "framework_code": fw.code,
        "framework_name": fw.name,
        "as_of": as_of,
        "year": year,
        "measure": measure,
        "unit_id": unit_id,
        "units_count": n_units,
        "total": _figures(*totals),
        "areas": areas,
        "nodes": out_nodes,
        "units": [
            {
                "unit_id": r.id,
                "unit_code": r.code,
                "unit_name": r.name,
                "figures": _figures(int(r.secured), int(r.at_risk), int(r.in_progress), total_w),
            }
            for r in sorted(unit_rows, key=lambda r: r.code)
        ],
    }


def risk_assignments(
    session: Session,
    principal: Principal,
    *,
    framework_id: int,
    node_id: int,
    unit_id: int | None,
    as_of: date,
    year: int | None,
    page: PageParams,
) -> dict[str, Any]:
    """The assignments behind a criterion or lĩnh vực: those on tasks linked to it, to a criterion under it or
    to a node above it, with their bucket and what each contributes; at risk first."""
    year = year or as_of.year
    fw = scope.get_framework(session, principal, framework_id)
    node = session.exec(
        scope_scoring.nodes_of_frameworks([fw.id or 0]).where(FrameworkNode.id == node_id)
    ).first()
    if node is None:
        raise NotFound("Tiêu chí", "Criterion")
    links = scope_scoring.risk_links(fw.id or 0).subquery("l")
    under = scope_scoring.nodes_of_frameworks([fw.id or 0]).where(
        col(FrameworkNode.path).startswith(node.path)
    )
    tasks = sa.select(links.c.task_id).where(
        links.c.leaf_id.in_(under.with_only_columns(col(FrameworkNode.id)))
    )
    units = _units(principal, fw, unit_id).with_only_columns(col(OrgUnit.id))
    has_ev = scope_scoring.assignment_has_evidence()
    cls = assignment_class(as_of, has_ev)
    bucket = buckets.bucket_expr(as_of)
    stmt = (
        scope_scoring.risk_assignment_rows(principal, PERMISSION)
        .where(
            col(Assignment.task_id).in_(tasks),
            col(Assignment.unit_id).in_(units),
            col(Assignment.id).in_(scope_scoring.risk_assignments(units, year).with_only_columns(col(Assignment.id))),
        )
        .add_columns(bucket.label("bucket"), has_ev.label("has_evidence"), cls.label("cls"))
    )  # fmt: skip
    risk_first = sa.case((cls == "at_risk", 0), (cls == "in_progress", 1), else_=2)

    def read(rows: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "assignment_id": a.id,
                "task_id": t.id,
                "task_label": t.label,
                "task_title": t.title,
                "plan_id": a.plan_id,
                "unit_id": u.id,
                "unit_name": u.name,
                "status": a.status.value if hasattr(a.status, "value") else str(a.status),
                "due_date": a.due_date,
                "completed_date": a.completed_date,
                "bucket": b,
                "evidence": bool(ev),
                "risk": c,
            }
            for a, t, u, b, ev, c in rows
        ]

    return paginate(
        session,
        stmt,
        page,
        sort_fields={
            "due_date": col(Assignment.due_date),
            "unit": col(OrgUnit.code),
            "task": col(Task.label),
            "risk": risk_first,
        },
        default_order=(risk_first, col(Assignment.due_date), col(Assignment.id)),
        transform=read,
        scalars=False,
    )
