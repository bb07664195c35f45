"""The plan appendix's bounded reads (``api/plans/appendix.py``): the first N units of each task the caller sees,
and the first N coordinators of tasks already reached. The scoping part of the appendix: every statement here
applies the caller's scope (``scope.unit_condition``, ``scope.plan_released``, ``assignment_scope_condition``)."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.models import Assignment, OrgUnit, Task, TaskUnit, TaskUnitRole

P = Permission


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def status_counts(
    session: Session, principal: Principal, task_ids: list[int], index_only: bool | None = None
) -> list[Any]:
    """``(task id, status, assignments, assignments with a due instance)`` per task and status, over every
    assignment of ``task_ids`` the caller sees (``visible_assignments``).

    On PostgreSQL, when the caller reaches most units (a district's or province's side over a national plan: about
    every row of the tasks counts), each task is counted from ``ix_assignment_task_status`` alone (index-only,
    already in status order: no heap row to unpack, no hash of the status strings) and the scope is the test that
    the unit is not among the few out of reach (a hashed ``NOT IN``; the same rows, ``unit_id`` being a NOT NULL
    foreign key to ``org_unit``). When it reaches few (a commune), the join of ``visible_assignments`` reads only
    its units' rows. Which of the two (``index_only``: None to decide): a first small statement on ``org_unit``
    and the table's visibility statistics (:func:`_index_only_counts`). Two statements at most."""
    if not task_ids:
        return []
    status = sa.type_coerce(col(Assignment.status), sa.String)
    narrow = (
        scope.visible_assignments(principal)
        .where(col(Assignment.task_id).in_(task_ids))
        .with_only_columns(
            col(Assignment.task_id),
            status,
            sa.func.count(),
            sa.func.count().filter(col(Assignment.instance_key) != ""),
        )
        .group_by(col(Assignment.task_id), status)
    )
    if not _is_postgresql(session):
        index_only = False
    elif index_only is None:
        index_only = _index_only_counts(session, principal)
    if not index_only:
        return list(session.connection().execute(narrow).all())
    unit = aliased(OrgUnit)
    out_of_reach = select(col(unit.id)).where(
        sa.not_(scope.unit_condition(principal, P.assignments_read, unit))
    )
    counted = (
        select(
            status.label("status"),
            sa.func.count().label("n"),
            sa.func.count().filter(col(Assignment.instance_key) != "").label("instances"),
        )
        .where(col(Assignment.task_id) == col(Task.id), col(Assignment.unit_id).not_in(out_of_reach))
        .group_by(status)
        .correlate(Task)
        .lateral("counted")
    )
    stmt = (
        select(col(Task.id), counted.c.status, counted.c.n, counted.c.instances)
        .select_from(Task)
        .join(counted, sa.true())
        # the draft rule of ``visible_assignments`` once per task (its assignments are of its plan)
        .where(col(Task.id).in_(task_ids), scope.plan_released(principal, Task.plan_id))
    )
    return list(session.connection().execute(stmt).all())


# Most (80 %) of ``assignment``'s pages marked all-visible by VACUUM, as PostgreSQL's statistics say: an index-only
# scan then reads (almost) no heap. Right after a bulk load or a plan's issue, before autovacuum has passed, each
# task's count would fetch its rows from every page instead (national, not vacuumed: 60 bitmap heap scans of the
# 2,250 pages, 287 ms, against ~65 for one scan of the table, the plain statement's plan).
_ALL_VISIBLE = sa.literal_column(
    "(SELECT c.relpages > 0 AND c.relallvisible >= c.relpages * 0.8 FROM pg_class c"
    " WHERE c.oid = 'assignment'::regclass)",
    sa.Boolean,
)


def _index_only_counts(session: Session, principal: Principal) -> bool:
    """Whether to count per task from the index alone: the caller reaches at least half of the units
    (``assignments:read``; the units out of reach are then the shorter list to test each row against) and the
    table is mostly all-visible (PostgreSQL's statistics)."""
    unit = aliased(OrgUnit)
    in_reach = scope.unit_condition(principal, P.assignments_read, unit)
    stmt = select(sa.and_(sa.func.count().filter(in_reach) * 2 >= sa.func.count(), _ALL_VISIBLE)).select_from(
        unit
    )
    return bool(session.connection().execute(stmt).scalar())


def first_unit_statuses(
    session: Session,
    principal: Principal,
    task_ids: list[int],
    limit: int,
    status_columns: Callable[..., tuple[Any, ...]],
) -> list[Any]:
    """``(assignment id, task id, unit id, unit code, role, instance key, due, status, progress, bucket)`` of the
    first ``limit`` units (unit-code order) of each task the caller sees assignments of, every instance of each,
    ordered by unit code and instance. One statement."""
    if not task_ids:
        return []
    if _is_postgresql(session):
        # the units in scope (``unit_condition``) with work on the task on a released plan, the first ``limit``
        # by code; the outer join reads every instance of those units through the (task, unit) index
        unit, work = aliased(OrgUnit), aliased(Assignment)
        top = (
            select(col(unit.id).label("unit_id"), col(unit.code).label("code"))
            .where(
                scope.unit_condition(principal, P.assignments_read, unit),
                sa.exists()
                .where(col(work.task_id) == col(Task.id), col(work.unit_id) == col(unit.id))
                .correlate(Task, unit),
            )
            .order_by(col(unit.code))
            .limit(limit)
            .correlate(Task)
            .lateral("top_units")
        )
        # every instance of those units through the (task, unit, instance) index: a second LATERAL behind an
        # ``OFFSET 0`` fence, so the planner probes per unit rather than hashing all of a task's assignments (it
        # estimates the first LATERAL at 1,650 rows, not 50: 0.5–0.9 s instead of ~10 ms nationally)
        rows = (
            select(*status_columns(sa.literal("")))
            .where(col(Assignment.task_id) == col(Task.id), col(Assignment.unit_id) == top.c.unit_id)
            .offset(0)  # a fence: kept a subquery, not flattened into a join the planner would hash
            .correlate(Task, top)
            .lateral("unit_rows")
        )
        out = list(rows.c)
        out[3] = top.c.code
        stmt = (
            select(*out)
            .select_from(Task)
            .join(top, sa.true())
            .join(rows, sa.true())
            # the draft rule of ``visible_assignments`` once per task (its assignments are of its plan): a plan
            # hidden from the caller hides all of them, and the counts (``status_summary``) are 0 then too
            .where(col(Task.id).in_(task_ids), scope.plan_released(principal, Task.plan_id))
            .order_by(top.c.code, out[5])
        )
    else:
        rank = (
            sa.func.dense_rank()
            .over(partition_by=col(Assignment.task_id), order_by=col(OrgUnit.code))
            .label("unit_rank")
        )
        ranked_cols: list[Any] = [*status_columns(), rank]
        ranked = (
            select(*ranked_cols)
            .select_from(Assignment)
            .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
            .where(col(Assignment.task_id).in_(task_ids), scope.assignment_scope_condition(principal))
            .subquery()
        )
        kept = list(ranked.c)[:-1]
        stmt = (
            select(*kept)
            .where(ranked.c.unit_rank <= limit)
            .order_by(kept[3], kept[5])  # unit code, instance key
        )
    return list(session.connection().execute(stmt).all())


def first_coordinators(
    session: Session, task_ids: list[int], limit: int
) -> tuple[dict[int, list[tuple[int, str, str]]], dict[int, int]]:
    """The first ``limit`` coordinating units of each task (code order) and their number: the count, then the links
    of the tasks listed whole and the first ``limit`` of the others (three statements at most).
    Coordinators are part of the task as issued (public to whoever reaches the task, as ``units_by_ids``)."""
    refs: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    totals: dict[int, int] = dict.fromkeys(task_ids, 0)
    if not task_ids:
        return refs, totals
    coordinating = col(TaskUnit.role) == TaskUnitRole.coordinating
    for task_id, n in session.execute(
        select(col(TaskUnit.task_id), sa.func.count())
        .where(col(TaskUnit.task_id).in_(task_ids), coordinating)
        .group_by(col(TaskUnit.task_id))
    ):
        totals[task_id] = int(n)
    cut = [t for t in task_ids if totals[t] > limit]
    if len(cut) < len(task_ids):  # the tasks listed whole: every link, one plain statement
        whole = [t for t in task_ids if 0 < totals[t] <= limit]
        if whole:
            for task_id, uid, code, name in session.execute(
                select(col(TaskUnit.task_id), col(OrgUnit.id), col(OrgUnit.code), col(OrgUnit.name))
                .join(OrgUnit, col(OrgUnit.id) == col(TaskUnit.unit_id))
                .where(col(TaskUnit.task_id).in_(whole), coordinating)
                .order_by(col(OrgUnit.code))
            ):
                refs[task_id].append((uid, code, name))
    if not cut:
        return refs, totals
    task_ids = cut
    if _is_postgresql(session):
        unit = aliased(OrgUnit)
        top = (
            select(col(unit.id).label("id"), col(unit.code).label("code"), col(unit.name).label("name"))
            .join(TaskUnit, col(TaskUnit.unit_id) == col(unit.id))
            .where(col(TaskUnit.task_id) == col(Task.id), coordinating)
            .order_by(col(unit.code))
            .limit(limit)
            .correlate(Task)
            .lateral("top_coordinators")
        )
        stmt: Any = (
            select(col(Task.id), top.c.id, top.c.code, top.c.name)
            .select_from(Task)
            .join(top, sa.true())
            .where(col(Task.id).in_(task_ids))
            .order_by(top.c.code)
        )
    else:
        rank = sa.func.row_number().over(partition_by=col(TaskUnit.task_id), order_by=col(OrgUnit.code))
        link_cols: list[Any] = [
            col(TaskUnit.task_id),
            col(OrgUnit.id),
            col(OrgUnit.code),
            col(OrgUnit.name),
            rank.label("rk"),
        ]
        ranked = (
            select(*link_cols)
            .join(OrgUnit, col(OrgUnit.id) == col(TaskUnit.unit_id))
            .where(col(TaskUnit.task_id).in_(task_ids), coordinating)
            .subquery()
        )
        stmt = select(*list(ranked.c)[:-1]).where(ranked.c.rk <= limit).order_by(ranked.c.code)
    for task_id, uid, code, name in session.execute(stmt):
        refs[task_id].append((uid, code, name))
    return refs, totals
