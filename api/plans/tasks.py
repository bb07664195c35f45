"""Tasks of a plan's appendix and the assignments they create: one per (task, unit[, due instance])."""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, delete, select

from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, Unprocessable
from api.models import (
    Assignment,
    AssignmentComment,
    AssignmentStatus,
    FrameworkNode,
    OrgUnit,
    Plan,
    PlanSection,
    PlanStatus,
    Task,
    TaskNode,
    TaskUnit,
    TaskUnitRole,
)
from api.plans.deadlines import due_instances
from api.plans.schemas import TaskCreate, TaskUpdate

P = Permission
TASK_FIELDS = [
    "section_id",
    "label",
    "order",
    "title",
    "description",
    "product",
    "deadline_kind",
    "due_date",
    "period_code",
    "period_year",
    "recurrence",
    "report_rhythm",
    "deadline_text",
    "lead_unit_id",
    "priority",
    "target",
]


def _bad(field: str, message: str, message_en: str) -> Unprocessable:
    return Unprocessable(
        message, message_en, errors=[FieldError(field=field, code="invalid", message=message)]
    )


# What a unit reads of its own work: the fields an amendment reports in the assignment's history.
UNIT_FIELDS = [
    "section_id",
    "label",
    "title",
    "product",
    "deadline_kind",
    "due_date",
    "period_code",
    "period_year",
    "recurrence",
    "deadline_text",
    "lead_unit_id",
    "target",
]


def amendment_reason(plan: Plan, reason: str | None) -> str | None:
    """A draft's appendix is edited freely; once the plan is issued (ban hành) every change to it is a sửa đổi, bổ
    sung with a recorded reason (422 on ``reason`` without one). ``None`` for a draft."""
    if plan.status != PlanStatus.issued:
        return None
    text = (reason or "").strip()
    if not text:
        raise _bad(
            "reason",
            "Kế hoạch đã ban hành: cần ghi lý do sửa đổi, bổ sung.",
            "The plan is issued: give the reason for the amendment",
        )
    return text


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def units_before(session: Session, task_id: int | None) -> dict[int, tuple[str, Any]]:
    """``assignment id → (role, due date)`` before an amendment, to tell each unit what changed for it."""
    if task_id is None:
        return {}
    return {
        a.id or 0: (str(a.role.value if hasattr(a.role, "value") else a.role), a.due_date)
        for a in session.exec(scope.task_assignments([task_id])).all()
    }


def tell_units(
    session: Session,
    principal: Principal,
    *,
    task: Task,
    plan: Plan,
    before: dict[int, tuple[str, Any]],
    changes: dict[str, Any],
    reason: str,
    action: str,
) -> None:
    """An amendment of an issued plan, told to the units it touches: each assignment of the task gets one
    ``plan_amended`` event (the reason as note; the task's changed fields and its own deadline or role change)
    in the history the unit reads, added in one flush however many units; the plan's history gets ``action``
    (``task_added`` / ``task_amended``) with the same reason."""
    if not changes:
        return
    told = {k: v for k, v in changes.items() if k in UNIT_FIELDS}
    for a in session.exec(scope.task_assignments([task.id])).all():
        mine = dict(told)
        role = str(a.role.value if hasattr(a.role, "value") else a.role)
        prev = before.get(a.id or 0)
        if prev is None:
            mine["assigned"] = {"from": None, "to": role}
            mine["due_date"] = {"from": None, "to": _iso(a.due_date)}
        else:
            if prev[0] != role:
                mine["role"] = {"from": prev[0], "to": role}
            if prev[1] != a.due_date:
                mine["due_date"] = {"from": _iso(prev[1]), "to": _iso(a.due_date)}
            else:
                mine.pop("due_date", None)
        if mine:
            record(session, principal, "plan_amended", "assignment", a.id, a.unit_id, mine, reason)
    record(
        session,
        principal,
        action,
        "plan",
        plan.id,
        plan.issuing_unit_id,
        {"task": {"to": task.label}, **changes},
        reason,
    )


def ensure_plan_editable(plan: Plan) -> None:
    if plan.status == PlanStatus.closed:
        raise Conflict(
            "Kế hoạch đã kết thúc, không thể sửa phụ lục.", "The plan is closed.", code="plan_closed"
        )


def ensure_draft(plan: Plan) -> None:
    """``PATCH /plans/{id}`` edits a draft only: an issued plan changes by sửa đổi, bổ sung with its reason (409).
    Imports keep writing through the service (their run is its own audited event)."""
    ensure_plan_editable(plan)
    if plan.status == PlanStatus.issued:
        raise Conflict(
            "Kế hoạch đã ban hành: thay đổi bằng chức năng sửa đổi, bổ sung và ghi lý do.",
            "The plan is issued: change it by an amendment with its reason.",
            code="plan_issued",
        )


def work_started(a: Assignment, evidence: int = 0) -> bool:
    return a.status != AssignmentStatus.not_started or a.progress > 0 or bool(a.result) or evidence > 0


def sync_task(
    session: Session,
    principal: Principal | None,
    *,
    task: Task,
    plan: Plan,
    coordinating_unit_ids: Sequence[int] | None,
    node_ids: Sequence[int] | None,
) -> None:
    """Bring task units, node links and assignments in line with the task (lead, coordinators, deadline).

    A unit or due instance whose assignment already has work (status, progress, result or evidence) cannot be
    removed (409); untouched ones are deleted.
    """
    assert task.id is not None
    current_units = session.exec(select(TaskUnit).where(TaskUnit.task_id == task.id)).all()
    if coordinating_unit_ids is None:
        coordinating_unit_ids = [u.unit_id for u in current_units if u.role == TaskUnitRole.coordinating]
    roles: dict[int, TaskUnitRole] = {uid: TaskUnitRole.coordinating for uid in coordinating_unit_ids}
    roles[task.lead_unit_id] = TaskUnitRole.lead  # the lead is never also a coordinator

    have_units = {u.unit_id: u for u in current_units}
    for uid, tu in have_units.items():
        if uid not in roles:
            session.delete(tu)
        elif tu.role != roles[uid]:
            tu.role = roles[uid]
            session.add(tu)
    for uid, role in roles.items():
        if uid not in have_units:
            session.add(TaskUnit(task_id=task.id, unit_id=uid, role=role))

    if node_ids is not None:
        session.exec(delete(TaskNode).where(col(TaskNode.task_id) == task.id))  # type: ignore[call-overload]
        for nid in dict.fromkeys(node_ids):
            session.add(TaskNode(task_id=task.id, node_id=nid))

    instances = due_instances(
        kind=task.deadline_kind,
        year=plan.year,
        due_date=task.due_date,
        period_code=task.period_code,
        period_year=task.period_year,
        recurrence=task.recurrence,
        report_rhythm=task.report_rhythm,
    )
    desired = {(uid, inst.key): (role, inst.due_date) for uid, role in roles.items() for inst in instances}
    existing = session.exec(scope.task_assignments([task.id])).all()
    stale = [a for a in existing if (a.unit_id, a.instance_key) not in desired]
    if stale:
        counts = dict(session.exec(scope.assignment_evidence_counts([a.id for a in stale])).all())
        busy = [a for a in stale if work_started(a, counts.get(a.id, 0))]
        if busy:
            raise Conflict(
                f"Không thể bỏ {len(busy)} nhiệm vụ được giao đã có kết quả thực hiện (đơn vị id "
                f"{', '.join(str(a.unit_id) for a in busy[:10])}).",
                "Cannot remove assignments on which work has started.",
                code="assignment_in_progress",
            )
        stale_ids = [a.id for a in stale]
        session.exec(delete(AssignmentComment).where(col(AssignmentComment.assignment_id).in_(stale_ids)))  # type: ignore[call-overload]
        for a in stale:
            session.delete(a)
    for a in existing:
        key = (a.unit_id, a.instance_key)
        if key in desired:
            role, due = desired[key]
            if a.role != role or (a.due_date != due and a.status != AssignmentStatus.approved):
                a.role, a.due_date = role, due
                session.add(a)
    have = {(a.unit_id, a.instance_key) for a in existing}
    # A unit gets no new work for an instance falling due outside its life (a commune merged on 01/7/2025 gets
    # no Quý III instance; its successor, created that day, no Quý I one): after a transfer, editing the task
    # must not hand the moved work back to the old unit.
    span = {u.id: (u.valid_from, u.valid_to) for u in session.exec(scope.units_by_ids(list(roles))).all()}
    for (uid, ikey), (role, due) in desired.items():
        start, end = span.get(uid, (None, None))
        if due is not None and ((start is not None and due < start) or (end is not None and due > end)):
            continue
        if (uid, ikey) not in have:
            session.add(
                Assignment(
                    task_id=task.id,
                    plan_id=plan.id or 0,
                    unit_id=uid,
                    role=role,
                    instance_key=ikey,
                    due_date=due,
                )
            )
    session.flush()
    if principal is not None and stale:
        record(
            session,
            principal,
            "remove_assignments",
            "task",
            task.id,
            plan.issuing_unit_id,
            {"assignments": [a.id for a in stale]},
        )


def _validate(
    session: Session, principal: Principal, plan: Plan, data: dict[str, Any], merged: dict[str, Any]
) -> None:
    """Field checks that need the database; nothing is written when one fails (422)."""
    if merged.get("deadline_kind") == "date" and merged.get("due_date") is None:
        raise _bad("due_date", "Nhiệm vụ có thời hạn là ngày phải có ngày hết hạn.", "due_date required")
    if merged.get("deadline_kind") == "period" and not merged.get("period_code"):
        raise _bad("period_code", "Thời hạn theo kỳ cần mã kỳ (Q1..Q4, H1, H2, Y).", "period_code required")
    if merged.get("deadline_kind") == "recurring" and not (
        merged.get("recurrence") or merged.get("report_rhythm")
    ):
        raise _bad("recurrence", "Nhiệm vụ định kỳ cần nhịp lặp lại.", "recurrence required")
    unit_ids: set[int] = set()
    if "lead_unit_id" in data:
        unit_ids.add(data["lead_unit_id"])
    unit_ids.update(data.get("coordinating_unit_ids") or [])
    if unit_ids:
        found = set(
            session.execute(
                scope.visible_units(principal)
                .where(col(OrgUnit.id).in_(unit_ids))
                .with_only_columns(col(OrgUnit.id))
            )
            .scalars()
            .all()
        )
        if missing := sorted(unit_ids - found):
            raise _bad(
                "coordinating_unit_ids", f"Đơn vị không tồn tại: {missing}", f"Unknown units {missing}"
            )
    if node_ids := data.get("node_ids"):
        found = set(
            session.execute(
                scope.visible_nodes(principal)
                .where(col(FrameworkNode.id).in_(node_ids))
                .with_only_columns(col(FrameworkNode.id))
            )
            .scalars()
            .all()
        )
        if missing := sorted(set(node_ids) - found):
            raise _bad("node_ids", f"Tiêu chí không tồn tại: {missing}", f"Unknown framework nodes {missing}")
    if data.get("section_id") is not None:
        sec = session.get(PlanSection, data["section_id"])
        if sec is None or sec.plan_id != plan.id:
            raise _bad("section_id", "Mục không thuộc kế hoạch này.", "Section is not in this plan")


def _normalise(values: dict[str, Any]) -> None:
    if values.get("period_code"):
        values["period_code"] = values["period_code"].upper()


def create_task(session: Session, principal: Principal, *, plan: Plan, data: TaskCreate) -> Task:
    """Add a row to the appendix and create its assignments."""
    ensure_plan_editable(plan)
    reason = amendment_reason(plan, data.reason)
    raw = data.model_dump()
    _normalise(raw)
    _validate(session, principal, plan, raw, raw)
    if session.exec(
        scope.visible_tasks(principal, P.plans_manage).where(
            Task.plan_id == plan.id, Task.label == data.label
        )
    ).first():
        raise _bad("label", f"Số thứ tự {data.label} đã có trong phụ lục.", "Duplicate task label")
    task = Task(plan_id=plan.id or 0, **{k: raw[k] for k in TASK_FIELDS if raw.get(k) is not None})
    session.add(task)
    session.flush()
    sync_task(
        session,
        principal,
        task=task,
        plan=plan,
        coordinating_unit_ids=data.coordinating_unit_ids,
        node_ids=data.node_ids,
    )
    record_create(session, principal, "task", task, plan.issuing_unit_id, TASK_FIELDS)
    if reason is not None:
        added = {k: {"from": None, "to": _iso(getattr(task, k))} for k in ("title", "due_date")}
        tell_units(
            session,
            principal,
            task=task,
            plan=plan,
            before={},
            changes=added,
            reason=reason,
            action="task_added",
        )
    return task


def _links(session: Session, task_id: int, values: dict[str, Any]) -> dict[str, list[int]]:
    """The task's coordinators and criteria, sorted, for those of the two the edit sends (at most two statements)."""
    out: dict[str, list[int]] = {}
    if "coordinating_unit_ids" in values:
        out["coordinating_unit_ids"] = sorted(
            tu.unit_id
            for tu in session.exec(select(TaskUnit).where(TaskUnit.task_id == task_id)).all()
            if tu.role == TaskUnitRole.coordinating
        )
    if "node_ids" in values:
        out["node_ids"] = sorted(
            tn.node_id for tn in session.exec(select(TaskNode).where(TaskNode.task_id == task_id)).all()
        )
    return out


def update_task(session: Session, principal: Principal, *, task: Task, plan: Plan, data: TaskUpdate) -> Task:
    ensure_plan_editable(plan)
    reason = amendment_reason(plan, data.reason)
    values = data.model_dump(exclude_unset=True, exclude={"reason"})
    _normalise(values)
    before = snapshot(task, TASK_FIELDS)
    had = units_before(session, task.id) if reason is not None else {}
    links_before = _links(session, task.id or 0, values)
    merged = {**before, **{k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}}
    _validate(session, principal, plan, values, merged)
    for k in TASK_FIELDS:
        if k in values:
            setattr(task, k, values[k])
    session.add(task)
    session.flush()
    sync_task(
        session,
        principal,
        task=task,
        plan=plan,
        coordinating_unit_ids=values.get("coordinating_unit_ids"),
        node_ids=values.get("node_ids"),
    )
    changes = diff(before, snapshot(task, TASK_FIELDS))
    after = _links(session, task.id or 0, values)
    for k, was in links_before.items():
        if was != after[k]:  # sent unchanged (a form sends every field): not a change
            changes[k] = {"from": was, "to": after[k]}
    record(session, principal, "update", "task", task.id, plan.issuing_unit_id, changes, reason)
    if reason is not None:
        tell_units(
            session,
            principal,
            task=task,
            plan=plan,
            before=had,
            changes=changes,
            reason=reason,
            action="task_amended",
        )
    return task


def delete_task(
    session: Session, principal: Principal, *, task: Task, plan: Plan, reason: str | None = None
) -> None:
    """Remove a row nobody has worked on; on an issued plan only with the amendment's reason."""
    ensure_plan_editable(plan)
    why = amendment_reason(plan, reason)
    existing = session.exec(scope.task_assignments([task.id])).all()
    counts = (
        dict(session.exec(scope.assignment_evidence_counts([a.id for a in existing])).all())
        if existing
        else {}
    )
    if any(work_started(a, counts.get(a.id, 0)) for a in existing):
        raise Conflict(
            "Nhiệm vụ đã có đơn vị thực hiện, không thể xóa.",
            "Work has started on this task.",
            code="assignment_in_progress",
        )
    ids = [a.id for a in existing]
    if ids:
        session.exec(delete(AssignmentComment).where(col(AssignmentComment.assignment_id).in_(ids)))  # type: ignore[call-overload]
        session.exec(delete(Assignment).where(col(Assignment.id).in_(ids)))  # type: ignore[call-overload]
    session.exec(delete(TaskUnit).where(col(TaskUnit.task_id) == task.id))  # type: ignore[call-overload]
    session.exec(delete(TaskNode).where(col(TaskNode.task_id) == task.id))  # type: ignore[call-overload]
    record(
        session,
        principal,
        "delete",
        "task",
        task.id,
        plan.issuing_unit_id,
        diff(snapshot(task, TASK_FIELDS), {}),
        why,
    )
    if why is not None:
        record(
            session,
            principal,
            "task_removed",
            "plan",
            plan.id,
            plan.issuing_unit_id,
            {"task": {"from": task.label, "to": None}, "title": {"from": task.title, "to": None}},
            why,
        )
    session.delete(task)
    session.flush()


def unit_ids_of(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))
