"""Writing task rows: plans and sections first, then new tasks (with their units, node links and assignments)
and the updates, each as batched statements. ``task_sync.TaskSync.prepare`` decided everything beforehand."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.imports.kinds.base import Context
from api.imports.kinds.task_rows import COMPARED
from api.imports.kinds.task_sync import NOTE, PlanWork, Prepared, due_instances_of
from api.imports.kinds.values import batched, now_utc
from api.imports.kinds.writes import (
    audit_many,
    db_value,
    insert_returning_ids,
    insert_rows,
    plain,
    table_of,
    update_rows,
)
from api.models import Assignment, AssignmentComment, PlanSection, Task, TaskNode, TaskUnit


def write(ctx: Context, prep: Prepared, *, create_plan: Any, update_plan: Any) -> None:
    """Plans, sections, new tasks with units, links and assignments, then the updates; all batched."""
    now, session = now_utc(), ctx.session
    for w in prep.works:
        if w.plan is None:
            w.plan = create_plan(w)
        elif w.plan_changes or not w.framework_ids <= w.linked_frameworks:
            update_plan(w)
        _write_sections(session, w)
    task_rows, items, works_of = [], [], []
    for w in prep.works:
        for it in w.new_tasks:
            section_id = w.section_ids.get(it.section) if it.section else None
            task_rows.append(
                {
                    "plan_id": w.plan_id,
                    "section_id": section_id,
                    "label": it.label,
                    "order": it.fields.get("order", w.max_order + it.position),
                    "priority": "normal",
                    **{k: db_value(v) for k, v in it.fields.items()},
                    "version": 1,
                    "created_at": now,
                }
            )
            items.append(it)
            works_of.append(w)
    ids = insert_returning_ids(session, Task, task_rows, ("plan_id", "label"))
    units, links, assignments, audits = [], [], [], []
    skip = ("version", "created_at", "plan_id")
    for it, w, task_id, row in zip(items, works_of, ids, task_rows, strict=True):
        d = prep.desired[id(it)]
        roles = [(u, r.value) for u, r in d.roles.items()]
        units += [{"task_id": task_id, "unit_id": u, "role": r} for u, r in roles]
        links += [{"task_id": task_id, "node_id": n} for n in d.nodes or []]
        plan_id = w.plan_id
        for i in due_instances_of(it.fields, w.year):
            key, due = i.key, i.due_date
            assignments += [
                {
                    "task_id": task_id,
                    "plan_id": plan_id,
                    "unit_id": u,
                    "role": r,
                    "instance_key": key,
                    "due_date": due,
                    "status": "not_started",
                    "progress": 0,
                    "version": 1,
                    "created_at": now,
                }
                for u, r in roles
            ]
        ch = {k: {"from": None, "to": plain(v)} for k, v in row.items() if v is not None and k not in skip}
        ch["units"] = {"from": None, "to": {str(u): r for u, r in roles}}
        audits.append((task_id, w.issuing_unit_id, ch))
    _write_updates(ctx, prep, now)
    insert_rows(session, TaskUnit, units)
    insert_rows(session, TaskNode, links)
    insert_rows(session, Assignment, assignments)
    audit_many(session, ctx.principal, "create", "task", audits, NOTE)


def _write_sections(session: Session, w: PlanWork) -> None:
    pending = sorted(w.new_sections, key=lambda label: (label.count("."), label))
    for depth in sorted({label.count(".") for label in pending}):
        level = [label for label in pending if label.count(".") == depth]
        rows = [
            {
                "plan_id": w.plan_id,
                "label": label,
                "title": w.new_sections[label],
                "parent_id": w.section_ids.get(label.rpartition(".")[0]) if "." in label else None,
                "order": i,
            }
            for i, label in enumerate(level, start=len(w.section_ids))
        ]
        for label, sid in zip(
            level,
            insert_returning_ids(session, PlanSection, rows, ("plan_id", "label")),
            strict=True,
        ):
            w.section_ids[label] = sid
    update_rows(
        session,
        PlanSection,
        [{"id": k, "title": v} for k, v in w.section_titles.items()],
        bump_version=False,
    )


def _write_updates(ctx: Context, prep: Prepared, now: Any) -> None:
    session, rows, audits = ctx.session, [], []
    for w in prep.works:
        for it in w.updated:
            t = it.existing
            assert t is not None
            values = {k: db_value(it.fields[k]) for k in COMPARED if k in it.fields and k in it.changes}
            if "section_id" in it.changes and it.section:
                values["section_id"] = w.section_ids[it.section]
                it.changes["section_id"]["to"] = values["section_id"]
            rows.append({"id": t.id, **values, "updated_at": now})
            audits.append((t.id, w.issuing_unit_id, it.changes))
    update_rows(session, Task, rows)
    by_id = {it.existing.id: it for w in prep.works for it in w.updated if it.existing}
    if prep.unit_changed:
        _delete(session, TaskUnit, "task_id", list(prep.unit_changed))
        insert_rows(
            session,
            TaskUnit,
            [
                {"task_id": tid, "unit_id": u, "role": r.value}
                for tid in prep.unit_changed
                for u, r in prep.desired[id(by_id[tid])].roles.items()
            ],
        )
    if prep.node_changed:
        _delete(session, TaskNode, "task_id", list(prep.node_changed))
        insert_rows(
            session,
            TaskNode,
            [
                {"task_id": tid, "node_id": n}
                for tid in prep.node_changed
                for n in prep.desired[id(by_id[tid])].nodes or []
            ],
        )
    if prep.drop_assignments:
        _delete(session, AssignmentComment, "assignment_id", prep.drop_assignments)
        _delete(session, Assignment, "id", prep.drop_assignments)
    update_rows(session, Assignment, [{**a, "updated_at": now} for a in prep.change_assignments])
    insert_rows(
        session,
        Assignment,
        [
            {**a, "status": "not_started", "progress": 0, "version": 1, "created_at": now}
            for a in prep.add_assignments
        ],
    )
    audit_many(session, ctx.principal, "update", "task", audits, NOTE)


def _delete(session: Session, model: Any, column: str, ids: list[int]) -> None:
    table = table_of(model)
    for chunk in batched(ids, 1000):
        session.execute(sa.delete(table).where(table.c[column].in_(list(chunk))))
