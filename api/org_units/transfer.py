"""Chuyển giao công việc khi sắp xếp đơn vị: carry the open work of a merged or dissolved unit to its successor.

What moves (one transaction, one audit event): the unit's open assignments (not approved) with the evidence
attached to them, and its pending unit reports (draft, submitted, returned). What never moves: approved
assignments and accepted reports — closed history stays with the old unit and keeps reading under its name.

Skipped, and listed with a reason: an assignment whose task instance the successor already has (three communes
merged into one all had the same task), a report when the successor already has its own for that period or is
outside the period owner's subtree. A dry run computes the same answer and writes nothing; running it again
moves nothing more (idempotent), and the route also honours ``Idempotency-Key``.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from api.audit.service import record
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, Unprocessable
from api.models import Assignment, OrgUnit, Report, TaskUnit, TaskUnitRole
from api.models.base import utcnow

P = Permission


@dataclass
class TransferOutcome:
    from_unit: OrgUnit
    to_unit: OrgUnit
    successors: list[OrgUnit]
    dry_run: bool
    assignments: list[int] = field(default_factory=list)
    assignments_skipped: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[int] = field(default_factory=list)
    reports: list[int] = field(default_factory=list)
    reports_skipped: list[dict[str, Any]] = field(default_factory=list)
    tasks_lead_changed: list[int] = field(default_factory=list)


def successors(session: Session, principal: Principal, unit: OrgUnit) -> list[OrgUnit]:
    """The units succeeding ``unit`` (succession links) that the caller manages."""
    rows = session.exec(scope.unit_successors(unit.id or 0)).all()
    return [u for u in rows if principal.covers(P.units_manage, u.id or 0, u.path)]


def _target(
    session: Session, principal: Principal, unit: OrgUnit, to_unit_id: int | None
) -> tuple[OrgUnit, list[OrgUnit]]:
    succ = successors(session, principal, unit)
    if not succ:
        raise Conflict(
            "Đơn vị chưa có đơn vị kế thừa (sáp nhập vào, đổi tên thành, tách ra): hãy thêm quan hệ kế thừa trước.",
            "The unit has no successor (succession link); add one first.",
            code="no_successor",
        )
    if to_unit_id is None:
        if len(succ) > 1:
            msg = "Đơn vị có nhiều đơn vị kế thừa: hãy chọn đơn vị nhận (to_unit_id)."
            raise Unprocessable(
                msg,
                "The unit has several successors: choose to_unit_id.",
                code="successor_ambiguous",
                errors=[FieldError(field="to_unit_id", code="required", message=msg)],
            )
        return succ[0], succ
    target = scope.get_unit(session, principal, to_unit_id, P.units_manage)
    if target.id == unit.id or target.path.startswith(unit.path):
        msg = "Đơn vị nhận phải khác đơn vị chuyển giao và không thuộc đơn vị đó."
        raise Unprocessable(
            msg,
            "The receiving unit must be another unit, outside the transferring one.",
            code="invalid_successor",
            errors=[FieldError(field="to_unit_id", code="invalid_successor", message=msg)],
        )
    return target, succ


def transfer(
    session: Session, principal: Principal, *, unit: OrgUnit, to_unit_id: int | None, dry_run: bool
) -> TransferOutcome:
    """Move the open work of ``unit`` to its successor (the only one, or ``to_unit_id``); see the module doc."""
    target, succ = _target(session, principal, unit, to_unit_id)
    out = TransferOutcome(unit, target, succ, dry_run)
    open_rows = list(session.exec(scope.transferable_assignments(unit.id or 0)).all())
    task_ids = sorted({a.task_id for a in open_rows})
    taken = (
        set(session.execute(scope.assignment_keys_of(target.id or 0, task_ids)).tuples().all())
        if task_ids
        else set()
    )
    moving: list[Assignment] = []
    for a in open_rows:
        if (a.task_id, a.instance_key) in taken:
            out.assignments_skipped.append(
                {"id": a.id, "reason": "successor_has_task", "task_id": a.task_id, "instance": a.instance_key}
            )
            continue
        taken.add((a.task_id, a.instance_key))
        moving.append(a)
    out.assignments = [a.id or 0 for a in moving]
    evidence = list(session.exec(scope.assignment_evidence(out.assignments)).all()) if moving else []
    out.evidence = [e.id or 0 for e in evidence]

    pending = list(session.exec(scope.transferable_reports(unit.id or 0)).all())
    period_ids = [r.period_id for r in pending]
    owners = dict(session.execute(scope.period_owners(period_ids)).tuples().all()) if pending else {}
    has_own = (
        set(session.exec(scope.reports_of_unit_in_periods(target.id or 0, period_ids)).all())
        if pending
        else set()
    )
    moving_reports: list[Report] = []
    for r in pending:
        if r.period_id in has_own:
            out.reports_skipped.append(
                {"id": r.id, "reason": "successor_has_report", "period_id": r.period_id}
            )
        elif not target.path.startswith(owners.get(r.period_id, "\x00")):
            out.reports_skipped.append(
                {"id": r.id, "reason": "outside_period_owner", "period_id": r.period_id}
            )
        else:
            moving_reports.append(r)
    out.reports = [r.id or 0 for r in moving_reports]

    task_units = list(session.exec(scope.task_units_of([a.task_id for a in moving])).all()) if moving else []
    tasks = (
        {t.id: t for t in session.exec(scope.tasks_by_ids([a.task_id for a in moving])).all()}
        if moving
        else {}
    )
    total = _count_by_task(session, unit.id or 0, task_ids)
    moved_by_task: dict[int, int] = {}
    for a in moving:
        moved_by_task[a.task_id] = moved_by_task.get(a.task_id, 0) + 1
    empties = {
        t for t, n in moved_by_task.items() if n == total.get(t, 0)
    }  # the old unit keeps nothing there
    out.tasks_lead_changed = sorted(t for t in empties if tasks[t].lead_unit_id == unit.id)
    if dry_run:
        return out

    now = utcnow()
    roster = {(tu.task_id, tu.unit_id): tu for tu in task_units}
    for task_id in sorted(moved_by_task):
        task = tasks[task_id]
        old = roster.get((task_id, unit.id or 0))
        role = old.role if old is not None else TaskUnitRole.coordinating
        if task_id in out.tasks_lead_changed:
            task.lead_unit_id, task.version = target.id or 0, task.version + 1
            session.add(task)
        elif role == TaskUnitRole.lead:
            role = TaskUnitRole.coordinating  # the old unit stays the task's lead for its closed instances
        if (task_id, target.id) not in roster:
            session.add(TaskUnit(task_id=task_id, unit_id=target.id or 0, role=role))
        if task_id in empties and old is not None:
            session.delete(old)
    for a in moving:
        a.unit_id, a.version, a.updated_at = target.id or 0, a.version + 1, now
        session.add(a)
    for e in evidence:
        e.unit_id = target.id or 0
        session.add(e)
    for r in moving_reports:
        r.unit_id, r.version, r.updated_at = target.id or 0, r.version + 1, now
        session.add(r)
    session.flush()
    record(
        session,
        principal,
        "transfer",
        "org_unit",
        unit.id,
        unit.id,
        {
            "to_unit_id": target.id,
            "assignments": out.assignments,
            "evidence": out.evidence,
            "reports": out.reports,
            "tasks_lead_changed": out.tasks_lead_changed,
            "skipped_assignments": [s["id"] for s in out.assignments_skipped],
            "skipped_reports": [s["id"] for s in out.reports_skipped],
        },
        note=f"Chuyển giao công việc sang {target.name}",
    )
    return out


def _count_by_task(session: Session, unit_id: int, task_ids: list[int]) -> dict[int, int]:
    """How many assignments (open or closed) the unit has per task."""
    counts: dict[int, int] = {}
    if not task_ids:
        return counts
    for task_id, _key in session.execute(scope.assignment_keys_of(unit_id, task_ids)).tuples().all():
        counts[task_id] = counts.get(task_id, 0) + 1
    return counts
