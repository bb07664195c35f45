"""Kế hoạch: plans, their appendix (Phụ lục) and next year's plan cloned from this year's."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import pydantic_core
import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from api.assignments import buckets
from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, Unprocessable
from api.models import (
    Assignment,
    Evidence,
    EvidenceOwner,
    Framework,
    OrgUnit,
    Plan,
    PlanFramework,
    PlanSection,
    PlanStatus,
    Task,
    TaskNode,
    TaskUnit,
    TaskUnitRole,
)
from api.plans.deadlines import shift_year
from api.plans.schemas import (
    APPENDIX_UNITS_DEFAULT,
    AppendixDocument,
    NodeRef,
    PlanAmend,
    PlanClone,
    PlanCreate,
    PlanIssue,
    PlanRead,
    PlanUpdate,
    SectionRead,
    TaskRead,
    UnitRef,
    UnitStatus,
)
from api.plans.tasks import TASK_FIELDS, ensure_plan_editable, sync_task

P = Permission
PLAN_FIELDS = [
    "number",
    "symbol",
    "title",
    "issuing_unit_id",
    "issue_date",
    "signer",
    "signer_title",
    "year",
    "status",
    "parent_plan_id",
    "parent_plan_text",
    "note",
]


def _bad(field: str, message: str, message_en: str) -> Unprocessable:
    return Unprocessable(
        message, message_en, errors=[FieldError(field=field, code="invalid", message=message)]
    )


def plan_reads(session: Session, plans: Sequence[Plan]) -> list[PlanRead]:
    """PlanRead with framework ids, in one extra statement for the whole page."""
    ids = [p.id for p in plans]
    fw: dict[int, list[int]] = defaultdict(list)
    if ids:
        for link in session.exec(select(PlanFramework).where(col(PlanFramework.plan_id).in_(ids))).all():
            fw[link.plan_id].append(link.framework_id)
    out = []
    for p in plans:
        r = PlanRead.model_validate(p)
        r.framework_ids = sorted(fw.get(p.id or 0, []))
        r.display_number = f"{p.number}/{p.symbol}"
        out.append(r)
    return out


def _check_frameworks(session: Session, principal: Principal, ids: list[int]) -> None:
    if not ids:
        return
    found = set(
        session.execute(
            scope.visible_frameworks(principal)
            .where(col(Framework.id).in_(ids))
            .with_only_columns(col(Framework.id))
        )
        .scalars()
        .all()
    )  # type: ignore[call-overload]
    if missing := sorted(set(ids) - found):
        raise _bad("framework_ids", f"Bộ chỉ số không tồn tại: {missing}", f"Unknown frameworks {missing}")


def _set_frameworks(session: Session, plan_id: int, ids: list[int]) -> None:
    session.exec(delete(PlanFramework).where(col(PlanFramework.plan_id) == plan_id))  # type: ignore[call-overload]
    for fid in dict.fromkeys(ids):
        session.add(PlanFramework(plan_id=plan_id, framework_id=fid))


def _check_unique(
    session: Session,
    principal: Principal,
    unit_id: int,
    year: int,
    number: str,
    symbol: str,
    exclude: int | None = None,
) -> None:
    stmt = scope.visible_plans(principal, P.plans_manage).where(
        Plan.issuing_unit_id == unit_id, Plan.year == year, Plan.number == number, Plan.symbol == symbol
    )
    if exclude is not None:
        stmt = stmt.where(Plan.id != exclude)
    if session.exec(stmt).first() is not None:
        raise _bad("number", f"Đã có kế hoạch số {number}/{symbol} năm {year}.", "Duplicate plan number")


def create_plan(session: Session, principal: Principal, *, data: PlanCreate) -> Plan:
    """A draft plan of a unit the caller manages plans for."""
    unit = session.exec(
        scope.visible_units(principal, P.plans_manage).where(OrgUnit.id == data.issuing_unit_id)
    ).first()
    if unit is None:
        raise _bad("issuing_unit_id", "Đơn vị ban hành không hợp lệ.", "Issuing unit not in your reach")
    _check_frameworks(session, principal, data.framework_ids)
    if data.parent_plan_id is not None:
        scope.get_plan(session, principal, data.parent_plan_id)
    _check_unique(session, principal, unit.id or 0, data.year, data.number, data.symbol)
    plan = Plan(**data.model_dump(exclude={"framework_ids"}))
    session.add(plan)
    session.flush()
    _set_frameworks(session, plan.id or 0, data.framework_ids)
    record_create(session, principal, "plan", plan, plan.issuing_unit_id, PLAN_FIELDS)
    session.flush()
    return plan


def update_plan(session: Session, principal: Principal, *, plan: Plan, data: PlanUpdate) -> Plan:
    ensure_plan_editable(plan)
    values = data.model_dump(exclude_unset=True)
    fw_ids = values.pop("framework_ids", None)
    if fw_ids is not None:
        _check_frameworks(session, principal, fw_ids)
    if values.get("parent_plan_id") is not None:
        if values["parent_plan_id"] == plan.id:
            raise _bad(
                "parent_plan_id", "Kế hoạch không thể thực hiện chính nó.", "Plan cannot be its own parent"
            )
        scope.get_plan(session, principal, values["parent_plan_id"])
    before = snapshot(plan, PLAN_FIELDS)
    for k, v in values.items():
        setattr(plan, k, v)
    if "number" in values or "symbol" in values:
        _check_unique(session, principal, plan.issuing_unit_id, plan.year, plan.number, plan.symbol, plan.id)
    session.add(plan)
    if fw_ids is not None:
        _set_frameworks(session, plan.id or 0, fw_ids)
    session.flush()
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    if fw_ids is not None:
        changes["framework_ids"] = {"to": fw_ids}
    record(session, principal, "update", "plan", plan.id, plan.issuing_unit_id, changes)
    return plan


def _plan_document(session: Session, principal: Principal, plan: Plan, document_id: int | None) -> None:
    """The signed document must be a live evidence of this very plan."""
    if document_id is None:
        return
    ev = session.exec(
        scope.visible_evidence(principal).where(
            col(Evidence.id) == document_id,
            col(Evidence.owner_type) == EvidenceOwner.plan,
            col(Evidence.owner_id) == plan.id,
        )
    ).first()
    if ev is None:
        raise _bad(
            "document_id",
            "Văn bản ký ban hành phải là tài liệu đã tải lên cho chính kế hoạch này.",
            "The signed document must be an evidence of this plan",
        )


def issue(session: Session, principal: Principal, *, plan: Plan, data: PlanIssue | None, today: date) -> Plan:
    """Ban hành a draft: number, issue date (default today) and signed document. Only then do its tasks and
    assignments reach the units (``scope.hidden_draft_plans``)."""
    if plan.status != PlanStatus.draft:
        raise Conflict(
            "Chỉ ban hành được kế hoạch đang là dự thảo.",
            f"Cannot issue a plan in status {plan.status}.",
            code="invalid_transition",
        )
    values = (data or PlanIssue()).model_dump(exclude_unset=True, exclude={"document_id"})
    _plan_document(session, principal, plan, data.document_id if data else None)
    before = snapshot(plan, PLAN_FIELDS)
    for k, v in values.items():
        if v is not None:
            setattr(plan, k, v)
    if "number" in values or "symbol" in values:
        _check_unique(session, principal, plan.issuing_unit_id, plan.year, plan.number, plan.symbol, plan.id)
    plan.issue_date = plan.issue_date or today
    plan.status = PlanStatus.issued
    session.add(plan)
    session.flush()
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    if data is not None and data.document_id is not None:
        changes["document_id"] = {"to": data.document_id}
    record(session, principal, "issue", "plan", plan.id, plan.issuing_unit_id, changes)
    return plan


def amend(session: Session, principal: Principal, *, plan: Plan, data: PlanAmend) -> Plan:
    """Sửa đổi, bổ sung an issued plan: the change and its reason are one audit event (``amend``)."""
    if plan.status != PlanStatus.issued:
        raise Conflict(
            "Chỉ sửa đổi, bổ sung được kế hoạch đã ban hành (dự thảo thì sửa trực tiếp).",
            f"Cannot amend a plan in status {plan.status}.",
            code="invalid_transition",
        )
    _plan_document(session, principal, plan, data.document_id)
    update = PlanUpdate(**data.model_dump(exclude_unset=True, exclude={"reason", "document_id"}))
    before = snapshot(plan, PLAN_FIELDS)
    values = update.model_dump(exclude_unset=True)
    fw_ids = values.pop("framework_ids", None)
    if fw_ids is not None:
        _check_frameworks(session, principal, fw_ids)
    for k, v in values.items():
        setattr(plan, k, v)
    if "number" in values or "symbol" in values:
        _check_unique(session, principal, plan.issuing_unit_id, plan.year, plan.number, plan.symbol, plan.id)
    if fw_ids is not None:
        _set_frameworks(session, plan.id or 0, fw_ids)
    session.add(plan)
    session.flush()
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    if fw_ids is not None:
        changes["framework_ids"] = {"to": fw_ids}
    if data.document_id is not None:
        changes["document_id"] = {"to": data.document_id}
    record(session, principal, "amend", "plan", plan.id, plan.issuing_unit_id, changes, data.reason)
    return plan


PLAN_STATUS_VI = {
    PlanStatus.draft: "Dự thảo",
    PlanStatus.issued: "Đã ban hành",
    PlanStatus.closed: "Đã kết thúc",
}
_TRANSITIONS = {
    "close": (PlanStatus.issued, PlanStatus.closed),
}


def transition(session: Session, principal: Principal, *, plan: Plan, action: str) -> Plan:
    """Kết thúc (issued → closed): the appendix becomes read-only. Ban hành is :func:`issue`."""
    src, dst = _TRANSITIONS[action]
    if plan.status != src:
        raise Conflict(
            f"Không thể chuyển kế hoạch từ trạng thái “{PLAN_STATUS_VI[plan.status]}” sang “{PLAN_STATUS_VI[dst]}”.",
            f"Cannot {action} a plan in status {plan.status}.",
            code="invalid_transition",
        )
    plan.status = dst
    session.add(plan)
    session.flush()
    record(
        session,
        principal,
        action,
        "plan",
        plan.id,
        plan.issuing_unit_id,
        {"status": {"from": src, "to": dst}},
    )
    return plan


# --- reading tasks ------------------------------------------------------------------------------------------


def task_reads(
    session: Session, principal: Principal, tasks: Sequence[Task], *, today: date, with_units: bool
) -> list[TaskRead]:
    """Tasks with lead, coordinators, nodes and (optionally) per-unit statuses: four statements in all."""
    ids = [t.id for t in tasks]
    if not ids:
        return []
    # Three columns, not TaskUnit objects: a plan's appendix has a link per task and unit (≈1,400 in the demo
    # plan), and building ORM instances for them was most of the appendix's time (bench/bench_http.py).
    links = session.execute(
        select(col(TaskUnit.task_id), col(TaskUnit.unit_id), col(TaskUnit.role)).where(
            col(TaskUnit.task_id).in_(ids)
        )
    ).all()
    units = {
        u.id: u
        for u in session.exec(
            scope.units_by_ids({tu.unit_id for tu in links} | {t.lead_unit_id for t in tasks})
        ).all()
    }
    node_rows = session.execute(scope.task_node_rows([i for i in ids if i is not None])).all()
    status_rows = _status_rows(session, principal, ids, today) if with_units else []

    refs = {uid: UnitRef(id=uid, code=u.code, name=u.name) for uid, u in units.items()}
    codes = {uid: u.code for uid, u in units.items()}
    ref = refs.get

    coords: dict[int, list[UnitRef]] = defaultdict(list)
    for tu in sorted(links, key=lambda x: codes.get(x.unit_id, "")):
        if tu.role == TaskUnitRole.coordinating and (r := ref(tu.unit_id)):
            coords[tu.task_id].append(r)
    nodes: dict[int, list[NodeRef]] = defaultdict(list)
    for task_id, node, fw_code in node_rows:
        nodes[task_id].append(
            NodeRef(
                id=node.id,
                code=node.code,
                title=node.title,
                framework_id=node.framework_id,
                framework_code=fw_code,
            )
        )
    statuses: dict[int, list[UnitStatus]] = defaultdict(list)
    for aid, task_id, uid, ucode, role, key, due, status, progress, bucket in status_rows:
        statuses[task_id].append(
            UnitStatus(
                assignment_id=aid,
                unit_id=uid,
                unit_code=ucode,
                role=role,
                instance_key=key,
                due_date=due,
                status=status,
                progress=progress,
                bucket=bucket,
            )
        )
    out = []
    for t in tasks:
        tr = TaskRead.model_validate(t)
        tr.lead_unit = ref(t.lead_unit_id)
        tr.coordinating_units = coords.get(t.id or 0, [])
        tr.nodes = nodes.get(t.id or 0, [])
        tr.units = statuses.get(t.id or 0, [])
        out.append(tr)
    return out


def task_json(session: Session, principal: Principal, task: Task, *, today: date) -> bytes:
    """One task as ``TaskRead`` JSON, every unit status included (``GET /tasks/{task_id}``), serialised in one
    pass: the status rows as plain columns into dicts and ``pydantic_core.to_json`` (enums as their values, ISO
    dates, the model's key order), not a validated ``UnitStatus`` per row and the whole validated and encoded
    again by FastAPI (3,300 rows for a national task). Same document, same bytes (tests/plans/test_task_page.py)."""
    from api.plans.appendix import _UNIT_STATUS_KEYS

    doc = task_reads(session, principal, [task], today=today, with_units=False)[0].model_dump(mode="json")
    keys = _UNIT_STATUS_KEYS
    doc["units"] = [
        dict(zip(keys, (r[0], *r[2:]), strict=True))
        for r in _status_rows(session, principal, [task.id], today)
    ]
    return pydantic_core.to_json(doc)


def _status_rows(session: Session, principal: Principal, task_ids: Any, today: date) -> list[Any]:
    """``(assignment id, task id, unit id, unit code, role, instance key, due date, status, progress, bucket)`` of
    the assignments of ``task_ids`` the caller sees, in the appendix's order (unit code, instance).

    Role and status come as their stored strings (the enums' values) and the rows through the Core connection,
    not the ORM's row loading: one row per unit and task (198,000 for 3,300 communes × 60 tasks), where the
    ORM's per-row processing and the enum conversions were the largest share of the appendix.
    """
    stmt = (
        scope.visible_assignments(principal)
        .where(col(Assignment.task_id).in_(task_ids))
        .with_only_columns(
            col(Assignment.id),
            col(Assignment.task_id),
            col(Assignment.unit_id),
            col(OrgUnit.code),
            sa.type_coerce(col(Assignment.role), sa.String),
            col(Assignment.instance_key),
            col(Assignment.due_date),
            sa.type_coerce(col(Assignment.status), sa.String),
            col(Assignment.progress),
            buckets.bucket_expr(today),
        )
        .order_by(col(OrgUnit.code), col(Assignment.instance_key))
    )
    return list(session.connection().execute(stmt).all())


def appendix_parts(
    session: Session, principal: Principal, plan: Plan
) -> tuple[Sequence[PlanSection], Sequence[Task]]:
    """The plan's sections and the tasks the caller may see, in the appendix's order."""
    sections = session.exec(
        select(PlanSection)
        .where(PlanSection.plan_id == plan.id)
        .order_by(col(PlanSection.order), col(PlanSection.label))
    ).all()
    tasks = session.exec(
        scope.visible_tasks(principal).where(Task.plan_id == plan.id).order_by(col(Task.order), col(Task.id))
    ).all()
    return sections, tasks


def appendix_json(
    session: Session, principal: Principal, *, plan: Plan, today: date, limit: int = APPENDIX_UNITS_DEFAULT
) -> bytes:
    """The ``Appendix`` document, bounded: each task's status counts, first ``limit`` units and coordinators
    (:mod:`api.plans.appendix`; the rest through ``GET /tasks/{task_id}/units``)."""
    from api.plans import appendix as bounded

    return bounded.appendix_json(session, principal, plan=plan, today=today, limit=limit)


def appendix(session: Session, principal: Principal, *, plan: Plan, today: date) -> AppendixDocument:
    """Phụ lục as issued (the DOCX): sections and the tasks the caller may see, each with its lead and every
    coordinator. The units' statuses are not read: the paper does not print them, and a national plan has
    198,000 of them; the coordinators are the task's own links (one statement for all)."""
    sections, tasks = appendix_parts(session, principal, plan)
    return AppendixDocument(
        plan=plan_reads(session, [plan])[0],
        sections=[SectionRead.model_validate(s) for s in sections],
        tasks=task_reads(session, principal, tasks, today=today, with_units=False),
    )


# --- next year ----------------------------------------------------------------------------------------------


def clone_plan(session: Session, principal: Principal, *, plan: Plan, data: PlanClone) -> Plan:
    """Next year's plan from this one: sections, tasks (deadlines + 1 year), units; statuses start afresh.

    With ``target_framework_ids`` each node link follows ``FrameworkNode.cloned_from_id`` into those frameworks
    (links without a counterpart are kept as they were); without it the links are kept.
    """
    years = (data.year or plan.year + 1) - plan.year
    new_year = plan.year + years
    number = data.number or plan.number
    _check_unique(session, principal, plan.issuing_unit_id, new_year, number, plan.symbol)
    old_fw = [
        pf.framework_id
        for pf in session.exec(select(PlanFramework).where(PlanFramework.plan_id == plan.id)).all()
    ]
    target_fw = data.target_framework_ids
    if target_fw is not None:
        _check_frameworks(session, principal, target_fw)
    new = Plan(
        number=number,
        symbol=plan.symbol,
        title=data.title or plan.title.replace(str(plan.year), str(new_year)),
        issuing_unit_id=plan.issuing_unit_id,
        year=new_year,
        status=PlanStatus.draft,
        parent_plan_id=None,
        parent_plan_text=plan.parent_plan_text,
        note=plan.note,
        signer=plan.signer,
        signer_title=plan.signer_title,
        cloned_from_id=plan.id,
    )
    session.add(new)
    session.flush()
    _set_frameworks(session, new.id or 0, target_fw if target_fw is not None else old_fw)
    sec_map: dict[int, int] = {}
    for s in session.exec(
        select(PlanSection).where(PlanSection.plan_id == plan.id).order_by(col(PlanSection.id))
    ).all():
        ns = PlanSection(
            plan_id=new.id or 0,
            parent_id=sec_map.get(s.parent_id or 0),
            label=s.label,
            title=s.title,
            order=s.order,
        )
        session.add(ns)
        session.flush()
        sec_map[s.id or 0] = ns.id or 0
    tasks = session.exec(
        scope.visible_tasks(principal, P.plans_manage).where(Task.plan_id == plan.id).order_by(col(Task.id))
    ).all()
    ids = [t.id for t in tasks]
    coords: dict[int, list[int]] = defaultdict(list)
    for tu in session.exec(select(TaskUnit).where(col(TaskUnit.task_id).in_(ids))).all():
        if tu.role == TaskUnitRole.coordinating:
            coords[tu.task_id].append(tu.unit_id)
    links: dict[int, list[int]] = defaultdict(list)
    for tn in session.exec(select(TaskNode).where(col(TaskNode.task_id).in_(ids))).all():
        links[tn.task_id].append(tn.node_id)
    node_map: dict[int, int] = {}
    if target_fw:
        old_nodes = {n for ns in links.values() for n in ns}
        for n in session.exec(scope.nodes_cloned_from(old_nodes, list(target_fw))).all():
            node_map[n.cloned_from_id or 0] = n.id or 0
    for t in tasks:
        values = {k: getattr(t, k) for k in TASK_FIELDS}
        values["section_id"] = sec_map.get(t.section_id or 0)
        values["due_date"] = shift_year(t.due_date, years)
        if t.period_year is not None:
            values["period_year"] = t.period_year + years
        if t.deadline_text:
            values["deadline_text"] = t.deadline_text.replace(str(plan.year), str(new_year))
        nt = Task(plan_id=new.id or 0, cloned_from_id=t.id, **values)
        session.add(nt)
        session.flush()
        sync_task(
            session,
            None,
            task=nt,
            plan=new,
            coordinating_unit_ids=coords.get(t.id or 0, []),
            node_ids=[node_map.get(n, n) for n in links.get(t.id or 0, [])],
        )
    record(
        session,
        principal,
        "clone",
        "plan",
        new.id,
        new.issuing_unit_id,
        {"cloned_from_id": {"to": plan.id}, "year": {"to": new_year}, "tasks": {"to": len(tasks)}},
    )
    return new
