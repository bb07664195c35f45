"""CCHC activities: inspection plans, inspections and findings, outreach outputs, accountability sessions.

Every read starts from :mod:`api.authz.scope` (``scope_activities``); lists load their findings / items / follow-ups
in one statement per page. A follow-up (việc khắc phục) is an ordinary assignment: a task of the organising
unit's issued plan of the year, added by amendment with its reason, so the work list, buckets, review, reports
and notifications treat it like any other.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from api.activities import schemas as S
from api.activities.areas import AREAS
from api.assignments.buckets import bucket_expr
from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import get_settings
from api.errors import Conflict, FieldError, Unprocessable
from api.models import (
    Assignment,
    AssignmentStatus,
    DeadlineKind,
    Evidence,
    EvidenceOwner,
    FrameworkNode,
    OrgUnit,
    Plan,
    PlanSection,
    PlanStatus,
    Task,
)
from api.models.activity import (
    AccountabilityItem,
    AccountabilitySession,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    OutreachOutput,
    SessionStatus,
)
from api.models.base import utcnow

P = Permission
FOLLOW_UP_SECTION = "Khắc phục sau kiểm tra CCHC"
SESSION_SECTION = "Thực hiện kết luận phiên giải trình"


def _bad(field: str, message: str, message_en: str) -> Unprocessable:
    return Unprocessable(
        message, message_en, errors=[FieldError(field=field, code="invalid", message=message)]
    )


def vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _v(x: Any) -> str:
    return str(getattr(x, "value", x))


# --- units ---------------------------------------------------------------------------------------------------


def _units(session: Session, ids: Iterable[int]) -> dict[int, OrgUnit]:
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    return {u.id or 0: u for u in session.exec(scope.units_by_ids(wanted)).all()}


def unit_name(u: OrgUnit | None) -> str:
    return (u.short_name or u.name) if u is not None else ""


def _unit_in_reach(session: Session, principal: Principal, unit_id: int, permission: Permission) -> OrgUnit:
    """A unit named in the body: 404 (like any object out of scope, nothing written) unless the caller may act on
    it with ``permission``."""
    return scope.get_unit(session, principal, unit_id, permission)


def _owner(
    session: Session,
    principal: Principal,
    owner_unit_id: int | None,
    unit: OrgUnit | None,
    permission: Permission,
) -> OrgUnit:
    """The organising unit: the one given, or the closest unit above-or-at ``unit`` where the caller holds
    ``permission`` (Phòng Nội vụ's district). The inspected unit must be inside its subtree."""
    if owner_unit_id is None:
        grants = [
            g for g in principal.grants_for(permission) if unit is None or unit.path.startswith(g.unit_path)
        ]
        if not grants:
            raise _bad("owner_unit_id", "Hãy chọn đơn vị tổ chức.", "owner_unit_id required")
        owner_unit_id = max(grants, key=lambda g: len(g.unit_path)).unit_id
    owner = _unit_in_reach(session, principal, owner_unit_id, permission)
    if unit is not None and not unit.path.startswith(owner.path):
        raise _bad(
            "unit_id", "Đơn vị không thuộc phạm vi của đơn vị tổ chức.", "Unit is outside the owner's subtree"
        )
    return owner


def _check_areas(values: Sequence[str], field: str = "areas") -> list[str]:
    out = list(dict.fromkeys(values))
    if bad := [a for a in out if a not in AREAS]:
        raise _bad(field, f"Lĩnh vực không hợp lệ: {', '.join(bad)}", "Unknown reform area")
    return out


# --- follow-ups: ordinary assignments of the unit --------------------------------------------------------------


def create_follow_up(
    session: Session,
    principal: Principal,
    *,
    owner_unit_id: int,
    unit_id: int,
    when: date,
    data: S.FollowUpCreate,
    section_title: str,
    reason: str,
    field: str = "follow_up.deadline",
) -> tuple[Task, Assignment]:
    """Add the task to the owner's issued plan of the year (section created on demand) by amendment with
    ``reason``; 409 when there is no issued plan for that year."""
    from api.plans.schemas import SectionCreate, TaskCreate
    from api.plans.sections import create_section
    from api.plans.tasks import create_task

    if data.deadline < when:
        raise _bad(
            field,
            "Hạn khắc phục phải sau ngày kiểm tra / phiên giải trình.",
            "Deadline too early",
        )
    plan = session.exec(
        scope.visible_plans(principal, P.plans_manage)
        .where(
            col(Plan.issuing_unit_id) == owner_unit_id,
            col(Plan.year) == when.year,
            col(Plan.status) == PlanStatus.issued,
        )
        .order_by(col(Plan.id))
    ).first()
    if plan is None:
        raise Conflict(
            f"Chưa có kế hoạch CCHC năm {when.year} đã ban hành của đơn vị tổ chức, nên chưa giao được việc khắc "
            "phục. Hãy ban hành kế hoạch năm trước (hoặc ghi tồn tại không kèm việc khắc phục).",
            f"No issued plan for {when.year}: the follow-up cannot be assigned.",
            code="no_issued_plan",
        )
    section = session.exec(
        select(PlanSection).where(
            col(PlanSection.plan_id) == plan.id, col(PlanSection.title) == section_title
        )
    ).first()
    if section is None:
        taken = set(session.exec(select(PlanSection.label).where(col(PlanSection.plan_id) == plan.id)).all())
        base = "KP" if section_title == FOLLOW_UP_SECTION else "GT"
        label = next(f"{base}{n or ''}" for n in range(0, 1000) if f"{base}{n or ''}" not in taken)
        section = create_section(
            session, principal, plan=plan, data=SectionCreate(label=label, title=section_title, reason=reason)
        )
    labels = set(
        session.execute(
            scope.visible_tasks(principal, P.plans_manage)
            .where(col(Task.plan_id) == plan.id)
            .with_only_columns(col(Task.label))
        ).scalars()
    )
    n = 1
    while f"{section.label}.{n}" in labels:
        n += 1
    task = create_task(
        session,
        principal,
        plan=plan,
        data=TaskCreate(
            label=f"{section.label}.{n}",
            title=data.title.strip(),
            product=data.product,
            section_id=section.id,
            deadline_kind=DeadlineKind.date,
            due_date=data.deadline,
            lead_unit_id=unit_id,
            reason=reason,
        ),
    )
    assignment = session.exec(
        scope.task_assignments([task.id]).where(col(Assignment.unit_id) == unit_id)
    ).first()
    assert assignment is not None
    return task, assignment


def follow_up_reads(session: Session, assignment_ids: Iterable[int]) -> dict[int, S.FollowUpRead]:
    """Follow-ups by assignment id: one statement for any number."""
    ids = sorted({int(i) for i in assignment_ids if i})
    if not ids:
        return {}
    today = get_settings().today()
    stmt = scope.follow_up_assignments(ids).add_columns(bucket_expr(today))
    out: dict[int, S.FollowUpRead] = {}
    for aid, task_id, title, due, status, _done, bucket in session.execute(stmt).all():
        out[aid] = S.FollowUpRead(
            assignment_id=aid,
            task_id=task_id,
            title=title,
            deadline=due,
            status=_v(status),
            bucket=_v(bucket),
        )
    return out


def _evidence_counts(
    session: Session, principal: Principal, owner: EvidenceOwner, ids: list[int]
) -> dict[int, int]:
    if not ids:
        return {}
    stmt = (
        scope.visible_evidence(principal)
        .where(col(Evidence.owner_type) == owner, col(Evidence.owner_id).in_(ids))
        .with_only_columns(col(Evidence.owner_id), func.count(col(Evidence.id)))
        .group_by(col(Evidence.owner_id))
    )
    return {int(i): int(n) for i, n in session.execute(stmt).all()}


def _required(values: dict[str, Any], keys: Iterable[str]) -> None:
    for key in keys:
        if key in values and values[key] is None:
            raise _bad(key, "Trường này không được để trống.", f"{key} required")


def _save_edit(
    session: Session,
    principal: Principal,
    obj: Any,
    values: dict[str, Any],
    *,
    fields: list[str],
    entity: str,
    unit_id: int,
    before: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Apply an edit and write its audit event (the changed fields only)."""
    before = snapshot(obj, fields) if before is None else before
    for k, v in values.items():
        setattr(obj, k, v)
    obj.updated_at = utcnow()
    session.add(obj)
    session.flush()
    changes = {**diff(before, snapshot(obj, fields)), **(extra or {})}
    record(session, principal, "update", entity, obj.id, unit_id, changes)


# --- inspection plans -------------------------------------------------------------------------------------------


def plan_reads(
    session: Session, principal: Principal, plans: Sequence[InspectionPlan]
) -> list[S.InspectionPlanRead]:
    units = _units(
        session, [it["unit_id"] for p in plans for it in p.items or []] + [p.owner_unit_id for p in plans]
    )
    out = []
    for p in plans:
        owner = units.get(p.owner_unit_id)
        can = owner is not None and principal.covers(P.activities_manage, owner.id or 0, owner.path)
        out.append(
            S.InspectionPlanRead(
                id=p.id or 0,
                owner_unit_id=p.owner_unit_id,
                year=p.year,
                title=p.title,
                decision_number=p.decision_number,
                decision_date=p.decision_date,
                note=p.note,
                items=[
                    S.InspectionPlanItemRead(
                        unit_id=it["unit_id"],
                        unit_name=unit_name(units.get(it["unit_id"])),
                        planned_month=it["planned_month"],
                        areas=list(it.get("areas") or []),
                    )
                    for it in p.items or []
                ],
                allowed_actions=["update"] if can else [],
            )
        )
    return out


def _plan_items(
    session: Session, principal: Principal, owner: OrgUnit, items: list[S.InspectionPlanItem]
) -> list[Any]:
    units = {u.id: u for u in session.exec(
        scope.visible_units(principal, P.activities_manage).where(col(OrgUnit.id).in_([i.unit_id for i in items]))
    ).all()} if items else {}  # fmt: skip
    out = []
    for n, it in enumerate(items):
        u = units.get(it.unit_id)
        if u is None or not u.path.startswith(owner.path):
            raise _bad(
                f"items.{n}.unit_id", "Đơn vị được kiểm tra không thuộc phạm vi quản lý.", "Unit out of reach"
            )
        out.append(
            {"unit_id": it.unit_id, "planned_month": it.planned_month, "areas": _check_areas(it.areas)}
        )
    return out


PLAN_FIELDS = ["owner_unit_id", "year", "title", "decision_number", "decision_date", "note", "items"]


def create_plan(session: Session, principal: Principal, data: S.InspectionPlanCreate) -> InspectionPlan:
    owner = _owner(session, principal, data.owner_unit_id, None, P.activities_manage)
    plan = InspectionPlan(
        owner_unit_id=owner.id or 0,
        year=data.year,
        title=data.title.strip(),
        decision_number=data.decision_number,
        decision_date=data.decision_date,
        note=data.note,
        items=_plan_items(session, principal, owner, data.items),
        created_by_id=principal.user_id,
    )
    session.add(plan)
    session.flush()
    record_create(session, principal, "inspection_plan", plan, plan.owner_unit_id, PLAN_FIELDS)
    return plan


def update_plan(
    session: Session, principal: Principal, plan: InspectionPlan, data: S.InspectionPlanUpdate
) -> InspectionPlan:
    values = data.model_dump(exclude_unset=True)
    _required(values, ["title"])
    if "items" in values:
        owner = _units(session, [plan.owner_unit_id])[plan.owner_unit_id]
        values["items"] = _plan_items(session, principal, owner, data.items or [])
    _save_edit(session, principal, plan, values, fields=PLAN_FIELDS, entity="inspection_plan",
               unit_id=plan.owner_unit_id)  # fmt: skip
    return plan


# --- inspections -------------------------------------------------------------------------------------------------


def _inspection_actions(principal: Principal, ins: Inspection, path: str) -> list[str]:
    if not principal.covers(P.activities_manage, ins.unit_id, path):
        return []
    if ins.status == InspectionStatus.closed:
        return ["upload_evidence"] if principal.covers(P.evidence_upload, ins.unit_id, path) else []
    acts = ["update", "add_finding", "close"]
    if principal.covers(P.evidence_upload, ins.unit_id, path):
        acts.append("upload_evidence")
    return acts


def _finding_actions(principal: Principal, ins: Inspection, path: str, f: Finding) -> list[str]:
    if ins.status == InspectionStatus.closed or not principal.covers(P.activities_manage, ins.unit_id, path):
        return []
    acts = ["update"]
    if f.assignment_id is None:
        acts += ["delete", "add_follow_up"]
    return acts


def inspection_reads(
    session: Session, principal: Principal, rows: Sequence[tuple[Inspection, str, str]]
) -> list[S.InspectionRead]:
    """Findings, their follow-ups and evidence counts of a page: three statements whatever its size."""
    ids = [r[0].id or 0 for r in rows]
    findings: dict[int, list[Finding]] = {}
    if ids:
        for f in session.exec(scope.findings_of(ids)).all():
            findings.setdefault(f.inspection_id, []).append(f)
    follow = follow_up_reads(session, [f.assignment_id or 0 for fs in findings.values() for f in fs])
    evidence = _evidence_counts(session, principal, EvidenceOwner.inspection, ids)
    out = []
    for ins, name, path in rows:
        out.append(
            S.InspectionRead(
                id=ins.id or 0,
                plan_id=ins.plan_id,
                owner_unit_id=ins.owner_unit_id,
                unit_id=ins.unit_id,
                unit_name=name,
                kind=ins.kind,
                date=ins.date,
                team=list(ins.team or []),
                areas=list(ins.areas or []),
                summary=ins.summary,
                status=ins.status,
                conclusion=ins.conclusion,
                close_reason=ins.close_reason,
                closed_at=ins.closed_at,
                findings=[
                    S.FindingRead(
                        id=f.id or 0,
                        inspection_id=f.inspection_id,
                        content=f.content,
                        severity=f.severity,
                        area=f.area,
                        follow_up=follow.get(f.assignment_id or 0),
                        allowed_actions=_finding_actions(principal, ins, path, f),
                    )
                    for f in findings.get(ins.id or 0, [])
                ],
                evidence_count=evidence.get(ins.id or 0, 0),
                allowed_actions=_inspection_actions(principal, ins, path),
            )
        )
    return out


def inspection_read(session: Session, principal: Principal, ins: Inspection) -> S.InspectionRead:
    unit = _units(session, [ins.unit_id])[ins.unit_id]
    return inspection_reads(session, principal, [(ins, unit_name(unit), unit.path)])[0]


INSPECTION_FIELDS = ["plan_id", "owner_unit_id", "unit_id", "kind", "date", "team", "areas", "summary", "status",
                     "conclusion", "close_reason"]  # fmt: skip


def _check_plan(session: Session, principal: Principal, plan_id: int | None, owner_unit_id: int) -> None:
    if plan_id is None:
        return
    plan = session.exec(
        scope.visible_inspection_plans(principal, P.activities_manage).where(
            col(InspectionPlan.id) == plan_id
        )
    ).first()
    if plan is None or plan.owner_unit_id != owner_unit_id:
        raise _bad(
            "plan_id", "Kế hoạch kiểm tra không tồn tại hoặc không thuộc đơn vị tổ chức.", "Unknown plan"
        )


def _ensure_open(ins: Inspection) -> None:
    if ins.status == InspectionStatus.closed:
        raise Conflict(
            "Cuộc kiểm tra đã kết thúc: không sửa được nữa.",
            "The inspection is closed.",
            code="inspection_closed",
        )


def create_inspection(session: Session, principal: Principal, data: S.InspectionCreate) -> Inspection:
    unit = _unit_in_reach(session, principal, data.unit_id, P.activities_manage)
    owner = _owner(session, principal, data.owner_unit_id, unit, P.activities_manage)
    _check_plan(session, principal, data.plan_id, owner.id or 0)
    ins = Inspection(
        plan_id=data.plan_id,
        owner_unit_id=owner.id or 0,
        unit_id=unit.id or 0,
        kind=data.kind,
        date=data.date,
        team=list(data.team),
        areas=_check_areas(data.areas),
        summary=data.summary,
        created_by_id=principal.user_id,
    )
    session.add(ins)
    session.flush()
    record_create(session, principal, "inspection", ins, ins.unit_id, INSPECTION_FIELDS)
    return ins


def update_inspection(
    session: Session, principal: Principal, ins: Inspection, data: S.InspectionUpdate
) -> Inspection:
    _ensure_open(ins)
    values = data.model_dump(exclude_unset=True)
    _required(values, ["kind", "date", "team", "areas"])
    if "plan_id" in values:
        _check_plan(session, principal, values["plan_id"], ins.owner_unit_id)
    if "areas" in values:
        values["areas"] = _check_areas(values["areas"])
    if "team" in values:
        values["team"] = [t.strip() for t in values["team"] if t and t.strip()]
    _save_edit(
        session, principal, ins, values, fields=INSPECTION_FIELDS, entity="inspection", unit_id=ins.unit_id
    )
    return ins


def close_inspection(
    session: Session, principal: Principal, ins: Inspection, data: S.InspectionClose
) -> Inspection:
    """Kết thúc: every follow-up approved, or ``force`` with the reason (kept in the record and the audit trail)."""
    _ensure_open(ins)
    reason = (data.reason or "").strip() or None
    if data.force and reason is None:
        raise _bad(
            "reason",
            "Kết thúc khi còn việc khắc phục chưa xong phải ghi lý do.",
            "reason required with force",
        )
    ids = [f.assignment_id for f in session.exec(scope.findings_of([ins.id or 0])).all() if f.assignment_id]
    open_ = [r for r in follow_up_reads(session, ids).values() if r.status != AssignmentStatus.approved.value]
    if open_ and not data.force:
        raise Conflict(
            f"Còn {len(open_)} việc khắc phục chưa hoàn thành (được duyệt). Hãy chờ đơn vị hoàn thành, hoặc kết thúc "
            "kèm lý do.",
            f"{len(open_)} follow-up(s) still open.",
            code="follow_ups_open",
        )
    before = snapshot(ins, INSPECTION_FIELDS)
    ins.status = InspectionStatus.closed
    ins.conclusion = data.conclusion.strip()
    ins.close_reason = reason if open_ else None
    ins.closed_at = utcnow()
    ins.closed_by_id = principal.user_id
    session.add(ins)
    session.flush()
    record(
        session,
        principal,
        "close",
        "inspection",
        ins.id,
        ins.unit_id,
        diff(before, snapshot(ins, INSPECTION_FIELDS)),
        reason,
    )
    return ins


FINDING_FIELDS = ["content", "severity", "area", "task_id", "assignment_id"]


def _attach_follow_up(
    session: Session, principal: Principal, ins: Inspection, f: Finding, data: S.FollowUpCreate
) -> None:
    task, assignment = create_follow_up(
        session,
        principal,
        owner_unit_id=ins.owner_unit_id,
        unit_id=ins.unit_id,
        when=ins.date,
        data=data,
        section_title=FOLLOW_UP_SECTION,
        reason=f"Bổ sung nhiệm vụ khắc phục sau kiểm tra ngày {vn_date(ins.date)}",
    )
    f.task_id, f.assignment_id = task.id, assignment.id


def add_finding(session: Session, principal: Principal, ins: Inspection, data: S.FindingCreate) -> Finding:
    _ensure_open(ins)
    f = Finding(
        inspection_id=ins.id or 0, content=data.content.strip(), severity=data.severity, area=data.area
    )
    if data.follow_up is not None:
        _attach_follow_up(session, principal, ins, f, data.follow_up)
    session.add(f)
    session.flush()
    record_create(session, principal, "finding", f, ins.unit_id, FINDING_FIELDS)
    return f


def update_finding(
    session: Session, principal: Principal, f: Finding, ins: Inspection, data: S.FindingUpdate
) -> Finding:
    _ensure_open(ins)
    values = data.model_dump(exclude_unset=True, exclude={"follow_up"})
    _required(values, ["content", "severity"])
    if data.follow_up is not None and f.assignment_id is not None:
        raise Conflict(
            "Tồn tại này đã có việc khắc phục.", "The finding already has a follow-up.", code="has_follow_up"
        )
    if values.get("content"):
        values["content"] = values["content"].strip()
    before = snapshot(f, FINDING_FIELDS)
    if data.follow_up is not None:
        _attach_follow_up(session, principal, ins, f, data.follow_up)
    _save_edit(session, principal, f, values, fields=FINDING_FIELDS, entity="finding", unit_id=ins.unit_id,
               before=before)  # fmt: skip
    return f


def delete_finding(session: Session, principal: Principal, f: Finding, ins: Inspection) -> None:
    _ensure_open(ins)
    if f.assignment_id is not None:
        raise Conflict(
            "Tồn tại đã có việc khắc phục giao cho đơn vị nên không xóa được.",
            "A finding with a follow-up cannot be deleted.",
            code="has_follow_up",
        )
    record(session, principal, "delete", "finding", f.id, ins.unit_id, diff(snapshot(f, FINDING_FIELDS), {}))
    session.delete(f)
    session.flush()


# --- outreach ----------------------------------------------------------------------------------------------------

OUTREACH_FIELDS = ["unit_id", "date", "kind", "language", "title", "medium", "quantity", "audience", "note"]


def outreach_reads(
    session: Session, principal: Principal, rows: Sequence[tuple[OutreachOutput, str, str]]
) -> list[S.OutreachRead]:
    out = []
    for o, name, path in rows:
        can = principal.covers(P.outreach_edit, o.unit_id, path)
        acts = ["update", "delete"] if can else []
        if can and principal.covers(P.evidence_upload, o.unit_id, path):
            acts.append("upload_evidence")
        out.append(
            S.OutreachRead(
                **o.model_dump(include=set(OUTREACH_FIELDS) | {"id"}), unit_name=name, allowed_actions=acts
            )
        )
    return out


def outreach_read(session: Session, principal: Principal, o: OutreachOutput) -> S.OutreachRead:
    unit = _units(session, [o.unit_id])[o.unit_id]
    return outreach_reads(session, principal, [(o, unit_name(unit), unit.path)])[0]


def create_outreach(session: Session, principal: Principal, data: S.OutreachCreate) -> OutreachOutput:
    _unit_in_reach(session, principal, data.unit_id, P.outreach_edit)
    values = data.model_dump()
    values["title"] = values["title"].strip()
    o = OutreachOutput(**values, created_by_id=principal.user_id)
    session.add(o)
    session.flush()
    record_create(session, principal, "outreach_output", o, o.unit_id, OUTREACH_FIELDS)
    return o


def update_outreach(
    session: Session, principal: Principal, o: OutreachOutput, data: S.OutreachUpdate
) -> OutreachOutput:
    values = data.model_dump(exclude_unset=True)
    _required(values, ["date", "kind", "language", "title", "quantity"])
    _save_edit(
        session, principal, o, values, fields=OUTREACH_FIELDS, entity="outreach_output", unit_id=o.unit_id
    )
    return o


def delete_outreach(session: Session, principal: Principal, o: OutreachOutput) -> None:
    record(
        session,
        principal,
        "delete",
        "outreach_output",
        o.id,
        o.unit_id,
        diff(snapshot(o, OUTREACH_FIELDS), {}),
    )
    for ev in session.exec(
        scope.visible_evidence(principal).where(
            col(Evidence.owner_type) == EvidenceOwner.outreach, col(Evidence.owner_id) == o.id
        )
    ).all():
        ev.deleted_at, ev.deleted_by_id = utcnow(), principal.user_id
        session.add(ev)
    session.delete(o)
    session.flush()


# --- accountability ----------------------------------------------------------------------------------------------

SESSION_FIELDS = ["owner_unit_id", "unit_id", "date", "chaired_by", "head_name", "head_title", "explanation",
                  "conclusion", "status", "follow_ups"]  # fmt: skip


def _session_actions(principal: Principal, s: AccountabilitySession, path: str) -> list[str]:
    acts: list[str] = []
    manage = principal.covers(P.activities_manage, s.unit_id, path)
    if manage:
        acts += ["update", "add_follow_up"]
    if s.status != SessionStatus.closed and any(
        g.unit_id == s.unit_id for g in principal.grants_for(P.activities_respond)
    ):
        acts.append("explain")
    if (manage or "explain" in acts) and principal.covers(P.evidence_upload, s.unit_id, path):
        acts.append("upload_evidence")
    return acts


def session_reads(
    session: Session, principal: Principal, rows: Sequence[tuple[AccountabilitySession, str, str]]
) -> list[S.SessionRead]:
    """Items, follow-ups and evidence counts of a page: three statements whatever its size."""
    ids = [r[0].id or 0 for r in rows]
    items: dict[int, list[AccountabilityItem]] = {}
    if ids:
        for it in session.exec(scope.session_items(ids)).all():
            items.setdefault(it.session_id, []).append(it)
    follow = follow_up_reads(
        session, [fu.get("assignment_id") or 0 for r in rows for fu in r[0].follow_ups or []]
    )
    evidence = _evidence_counts(session, principal, EvidenceOwner.accountability, ids)
    out = []
    for s, name, path in rows:
        out.append(
            S.SessionRead(
                id=s.id or 0,
                owner_unit_id=s.owner_unit_id,
                unit_id=s.unit_id,
                unit_name=name,
                date=s.date,
                chaired_by=s.chaired_by,
                head_name=s.head_name,
                head_title=s.head_title,
                items=[
                    S.ItemRead(
                        id=it.id or 0,
                        assignment_id=it.assignment_id,
                        node_id=it.node_id,
                        label=it.label,
                        note=it.note,
                    )
                    for it in items.get(s.id or 0, [])
                ],
                explanation=s.explanation,
                explained_at=s.explained_at,
                conclusion=s.conclusion,
                status=s.status,
                follow_ups=[
                    S.SessionFollowUpRead(**follow[fu["assignment_id"]].model_dump())
                    for fu in s.follow_ups or []
                    if fu.get("assignment_id") in follow
                ],
                evidence_count=evidence.get(s.id or 0, 0),
                allowed_actions=_session_actions(principal, s, path),
            )
        )
    return out


def session_read(session: Session, principal: Principal, s: AccountabilitySession) -> S.SessionRead:
    unit = _units(session, [s.unit_id])[s.unit_id]
    return session_reads(session, principal, [(s, unit_name(unit), unit.path)])[0]


def _build_items(
    session: Session, principal: Principal, unit_id: int, items: list[S.ItemIn]
) -> list[AccountabilityItem]:
    """Items with server-built labels; the assignments must be the answering unit's, the criteria visible (422)."""
    a_ids = [i.assignment_id for i in items if i.assignment_id is not None]
    n_ids = [i.node_id for i in items if i.node_id is not None]
    assignments: dict[int, tuple[Assignment, Task]] = {}
    if a_ids:
        stmt = (
            scope.visible_assignments(principal)
            .where(col(Assignment.id).in_(a_ids), col(Assignment.unit_id) == unit_id)
            .join(Task, col(Task.id) == col(Assignment.task_id))
            .add_columns(Task)
        )
        assignments = {a.id or 0: (a, t) for a, t in session.execute(stmt).all()}
    nodes: dict[int, FrameworkNode] = {}
    if n_ids:
        nodes = {
            n.id or 0: n
            for n in session.exec(
                scope.visible_nodes(principal).where(col(FrameworkNode.id).in_(n_ids))
            ).all()
        }
    out = []
    for n, it in enumerate(items):
        parts = []
        if it.assignment_id is not None:
            pair = assignments.get(it.assignment_id)
            if pair is None:
                raise _bad(
                    f"items.{n}.assignment_id",
                    "Nhiệm vụ không phải của đơn vị giải trình.",
                    "Assignment not of the unit",
                )
            a, t = pair
            due = f" (hạn {vn_date(a.due_date)})" if a.due_date else ""
            parts.append(f"Nhiệm vụ {t.label}: {t.title}{due}")
        if it.node_id is not None:
            node = nodes.get(it.node_id)
            if node is None:
                raise _bad(f"items.{n}.node_id", "Tiêu chí không tồn tại.", "Unknown criterion")
            parts.append(f"Tiêu chí {node.code}: {node.title}")
        if not parts:
            text = (it.label or "").strip()
            if not text:
                raise _bad(
                    f"items.{n}.label",
                    "Hãy chọn nhiệm vụ, tiêu chí hoặc ghi nội dung giải trình.",
                    "Item is empty",
                )
            parts.append(text)
        out.append(AccountabilityItem(session_id=0, assignment_id=it.assignment_id, node_id=it.node_id,
                                      label="; ".join(parts), note=it.note, order=n))  # fmt: skip
    return out


def create_session(session: Session, principal: Principal, data: S.SessionCreate) -> AccountabilitySession:
    unit = _unit_in_reach(session, principal, data.unit_id, P.activities_manage)
    owner = _owner(session, principal, data.owner_unit_id, unit, P.activities_manage)
    items = _build_items(session, principal, unit.id or 0, data.items)
    s = AccountabilitySession(
        owner_unit_id=owner.id or 0,
        unit_id=unit.id or 0,
        date=data.date,
        chaired_by=data.chaired_by,
        head_name=data.head_name,
        head_title=data.head_title,
        status=data.status,
        created_by_id=principal.user_id,
    )
    session.add(s)
    session.flush()
    for it in items:
        it.session_id = s.id or 0
        session.add(it)
    session.flush()
    record_create(session, principal, "accountability_session", s, s.unit_id, SESSION_FIELDS)
    return s


def update_session(
    session: Session, principal: Principal, s: AccountabilitySession, data: S.SessionUpdate
) -> AccountabilitySession:
    values = data.model_dump(exclude_unset=True, exclude={"items"})
    _required(values, ["date", "status"])
    if data.items is not None:
        new_items = _build_items(session, principal, s.unit_id, data.items)
        for old in session.exec(scope.session_items([s.id or 0])).all():
            session.delete(old)
        session.flush()
        for it in new_items:
            it.session_id = s.id or 0
            session.add(it)
    extra = {"items": {"to": len(data.items)}} if data.items is not None else None
    _save_edit(session, principal, s, values, fields=SESSION_FIELDS, entity="accountability_session",
               unit_id=s.unit_id, extra=extra)  # fmt: skip
    return s


def explain(
    session: Session, principal: Principal, s: AccountabilitySession, data: S.ExplanationIn
) -> AccountabilitySession:
    if s.status == SessionStatus.closed:
        raise Conflict("Phiên giải trình đã kết luận: không sửa được nội dung giải trình.", "The session is closed.",
                       code="session_closed")  # fmt: skip
    before = snapshot(s, SESSION_FIELDS)
    s.explanation = data.explanation.strip()
    s.explained_at, s.explained_by_id = utcnow(), principal.user_id
    s.updated_at = utcnow()
    session.add(s)
    session.flush()
    record(
        session,
        principal,
        "explain",
        "accountability_session",
        s.id,
        s.unit_id,
        diff(before, snapshot(s, SESSION_FIELDS)),
    )
    return s


def add_session_follow_up(
    session: Session, principal: Principal, s: AccountabilitySession, data: S.FollowUpCreate
) -> AccountabilitySession:
    task, assignment = create_follow_up(
        session,
        principal,
        owner_unit_id=s.owner_unit_id,
        unit_id=s.unit_id,
        when=s.date,
        data=data,
        section_title=SESSION_SECTION,
        reason=f"Bổ sung nhiệm vụ theo kết luận phiên giải trình ngày {vn_date(s.date)}",
        field="deadline",
    )
    s.follow_ups = [*(s.follow_ups or []), {"task_id": task.id, "assignment_id": assignment.id}]
    s.updated_at = utcnow()
    session.add(s)
    session.flush()
    record(session, principal, "add_follow_up", "accountability_session", s.id, s.unit_id,
           {"follow_up": {"from": None, "to": assignment.id}})  # fmt: skip
    return s


# --- evidence on activities (api/evidence/service.authorize_upload) ---------------------------------------------


def evidence_upload_unit(
    session: Session, principal: Principal, owner_type: EvidenceOwner, owner_id: int
) -> int:
    """The unit a document of this activity belongs to, after checking the caller may attach it (404 otherwise)."""
    if owner_type == EvidenceOwner.inspection:
        return scope.get_inspection(session, principal, owner_id, P.activities_manage).unit_id
    if owner_type == EvidenceOwner.outreach:
        return scope.get_outreach(session, principal, owner_id, P.outreach_edit).unit_id
    if principal.has(P.activities_manage):
        found = session.exec(
            scope.visible_sessions(principal, P.activities_manage).where(
                col(AccountabilitySession.id) == owner_id
            )
        ).first()
        if found is not None:
            return found.unit_id
    return scope.get_session(session, principal, owner_id, P.activities_respond).unit_id
