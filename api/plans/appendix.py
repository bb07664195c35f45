"""Phụ lục as one bounded document, and one task's units page by page.

A plan's appendix used to carry every unit's status for every task: 708 KB for the Bình Gia demo (≈3,000 rows),
35 MB for a national plan of 3,300 communes × 60 tasks (198,000 rows), which no request could build within 8 s
(``bench/bench_http.py``). Now each task carries:

- ``status_counts`` (assignments, unit × due instance, by status) and ``units_total`` (distinct units), computed
  in SQL over all of the task's assignments the caller sees;
- ``units``: the statuses of its first ``units_limit`` units in unit-code order (every due instance of each), and
  ``units_truncated`` when there are more;
- ``coordinating_units``: the first ``units_limit`` coordinators in unit-code order, ``coordinating_total``.

The rest is paged by ``GET /tasks/{task_id}/units``. The statements are a bounded number per request whatever
the number of units (``tests/plans/test_appendix_bounded.py``); the counts come first, so a task with no more
units than the limit (every task of a district's plan: Bình Gia) is read whole by one plain statement, as before,
and only the tasks to cut go through the top-N statement:

- the first N units per task: on PostgreSQL a ``LATERAL`` subquery per task walking ``org_unit`` in code order
  (``ix_org_unit_code``) and probing ``uq_assignment_task_id_unit_id_instance_key`` until N units are found
  (national dataset: 8 ms for 60 × 50 units, where a ``dense_rank()`` window sorted all 198,000 rows: 313 ms);
  on SQLite (one district's data) the window;
- the counts: one ``GROUP BY task, status`` (a hash aggregate, ~100 ms nationally); distinct units need a second
  aggregate only for tasks with due instances (recurring tasks; a one-off task has one row per unit), so the
  national plan of one-off tasks does not pay a ``COUNT(DISTINCT)`` over 198,000 rows (411 ms).
"""

from collections import defaultdict
from datetime import date
from typing import Any

import pydantic_core
import sqlalchemy as sa
from sqlmodel import Session, col

from api.assignments import buckets
from api.authz import scope, scope_appendix
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.models import (
    Assignment,
    AssignmentStatus,
    OrgUnit,
    Plan,
    Task,
    TaskUnitRole,
)
from api.plans.schemas import NodeRef, SectionRead, TaskRead, UnitRef, UnitStatus

P = Permission
STATUSES = tuple(s.value for s in AssignmentStatus)
_UNIT_STATUS_KEYS = tuple(UnitStatus.model_fields)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _status_columns(today: date, code: Any = None) -> tuple[Any, ...]:
    """The ``UnitStatus`` columns of an ``Assignment`` joined to its ``OrgUnit`` (or with the unit's ``code`` from
    elsewhere); role and status as their stored strings: no enum conversion per row."""
    return (
        col(Assignment.id),
        col(Assignment.task_id),
        col(Assignment.unit_id),
        col(OrgUnit.code) if code is None else code,
        sa.type_coerce(col(Assignment.role), sa.String),
        col(Assignment.instance_key),
        col(Assignment.due_date),
        sa.type_coerce(col(Assignment.status), sa.String),
        col(Assignment.progress),
        buckets.bucket_expr(today),
    )


def all_unit_statuses(session: Session, principal: Principal, task_ids: list[int], today: date) -> list[Any]:
    """The rows of :func:`scope_appendix.first_unit_statuses` for tasks listed whole (none has more units than the limit): one plain
    statement, cheaper than the top-N one where nothing needs cutting (a district's plan)."""
    if not task_ids:
        return []
    stmt = (
        scope.visible_assignments(principal)
        .where(col(Assignment.task_id).in_(task_ids))
        .with_only_columns(*_status_columns(today))
        .order_by(col(OrgUnit.code), col(Assignment.instance_key))
    )
    return list(session.connection().execute(stmt).all())


def status_summary(
    session: Session, principal: Principal, task_ids: list[int]
) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """Per task: assignments by status (every status, 0 included) and distinct units, over all the caller sees.
    One statement, and a second only when some task has due instances (recurring: several rows per unit)."""
    counts: dict[int, dict[str, int]] = {t: dict.fromkeys(STATUSES, 0) for t in task_ids}
    units: dict[int, int] = dict.fromkeys(task_ids, 0)
    if not task_ids:
        return counts, units
    with_instances: set[int] = set()
    for task_id, st, n, instances in scope_appendix.status_counts(session, principal, task_ids):
        counts[task_id][st] = counts[task_id].get(st, 0) + int(n)
        units[task_id] += int(n)  # one row per unit when the task has no due instances
        if instances:
            with_instances.add(task_id)
    if with_instances:
        for task_id, n in session.connection().execute(
            scope.visible_assignments(principal)
            .where(col(Assignment.task_id).in_(sorted(with_instances)))
            .with_only_columns(col(Assignment.task_id), sa.func.count(sa.distinct(col(Assignment.unit_id))))
            .group_by(col(Assignment.task_id))
        ):
            units[task_id] = int(n)
    return counts, units


def appendix_json(session: Session, principal: Principal, *, plan: Plan, today: date, limit: int) -> bytes:
    """The ``Appendix`` document as JSON: sections, then each task the caller sees with its lead, criteria, first
    ``limit`` coordinators and units' statuses and the counts of all (module docstring). The status rows are
    plain columns serialised in one pass (``pydantic_core.to_json``, enums as values, ISO dates, as the models)."""
    from api.plans.service import appendix_parts, plan_reads

    sections, tasks = appendix_parts(session, principal, plan)
    ids = [t.id for t in tasks if t.id is not None]
    leads = (
        {
            u.id: UnitRef(id=u.id or 0, code=u.code, name=u.name)
            for u in session.exec(scope.units_by_ids({t.lead_unit_id for t in tasks})).all()
        }
        if tasks
        else {}
    )
    links, coord_totals = scope_appendix.first_coordinators(session, ids, limit)
    coords = {t: [UnitRef(id=i, code=c, name=n) for i, c, n in refs] for t, refs in links.items()}
    nodes: dict[int, list[NodeRef]] = defaultdict(list)
    if ids:
        for task_id, node, fw_code in session.execute(scope.task_node_rows(ids)).all():
            nodes[task_id].append(
                NodeRef(
                    id=node.id,
                    code=node.code,
                    title=node.title,
                    framework_id=node.framework_id,
                    framework_code=fw_code,
                )
            )
    # the counts first: a task with no more units than the limit is listed whole by a plain statement, the others
    # (a national plan's) cut to their first ``limit`` units by the top-N one
    counts, totals = status_summary(session, principal, ids)
    cut = [t for t in ids if totals[t] > limit]
    whole = [t for t in ids if 0 < totals[t] <= limit]
    units: dict[int, list[dict[str, Any]]] = defaultdict(list)
    shown: dict[int, set[int]] = defaultdict(set)
    keys = _UNIT_STATUS_KEYS
    rows = all_unit_statuses(session, principal, whole, today)
    if cut:
        rows += scope_appendix.first_unit_statuses(
            session, principal, cut, limit, lambda code=None: _status_columns(today, code)
        )
    for row in rows:
        units[row[1]].append(dict(zip(keys, (row[0], *row[2:]), strict=True)))
        shown[row[1]].add(row[2])
    task_docs = []
    for t in tasks:
        tid = t.id or 0
        tr = TaskRead.model_validate(t)
        tr.lead_unit = leads.get(t.lead_unit_id)
        tr.coordinating_units = coords.get(tid, [])
        tr.nodes = nodes.get(tid, [])
        doc = tr.model_dump(mode="json")
        doc["units"] = units.get(tid, [])
        doc["units_total"] = totals.get(tid, 0)
        doc["units_truncated"] = totals.get(tid, 0) > len(shown.get(tid, ()))
        doc["status_counts"] = counts.get(tid, dict.fromkeys(STATUSES, 0))
        doc["coordinating_total"] = coord_totals.get(tid, 0)
        doc["coordinating_truncated"] = coord_totals.get(tid, 0) > len(tr.coordinating_units)
        task_docs.append(doc)
    document = {
        "plan": plan_reads(session, [plan])[0].model_dump(mode="json"),
        "sections": [SectionRead.model_validate(s).model_dump(mode="json") for s in sections],
        "tasks": task_docs,
        "units_limit": limit,
    }
    return pydantic_core.to_json(document)


# --- one task's units, paged ----------------------------------------------------------------------------------

UNIT_SORT = {
    "unit_code": col(OrgUnit.code),
    "instance_key": col(Assignment.instance_key),
    "due_date": col(Assignment.due_date),
    "status": col(Assignment.status),
    "progress": col(Assignment.progress),
}


def task_units_stmt(
    principal: Principal,
    task: Task,
    today: date,
    *,
    status: AssignmentStatus | None = None,
    role: TaskUnitRole | None = None,
    q: Any = None,
) -> Any:
    """The statuses of one task's units the caller sees (``visible_assignments``), with the unit's name."""
    stmt = (
        scope.visible_assignments(principal)
        .where(col(Assignment.task_id) == task.id)
        .with_only_columns(*_status_columns(today), col(OrgUnit.name))
    )
    if status is not None:
        stmt = stmt.where(col(Assignment.status) == status)
    if role is not None:
        stmt = stmt.where(col(Assignment.role) == role)
    if q is not None:
        stmt = stmt.where(q)
    return stmt


def unit_status_rows(rows: list[Any]) -> list[dict[str, Any]]:
    keys = (*_UNIT_STATUS_KEYS, "unit_name")
    return [dict(zip(keys, (r[0], *r[2:]), strict=True)) for r in rows]
