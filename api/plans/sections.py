"""Mục of a plan's appendix (Phụ lục): headings that group its tasks, usually by lĩnh vực."""

from typing import Any

from sqlmodel import Session, func, select

from api.audit.service import diff, record, snapshot
from api.authz.principal import Principal
from api.errors import NotFound
from api.models import Plan, PlanSection
from api.models.base import utcnow
from api.plans.schemas import SectionCreate, SectionUpdate
from api.plans.tasks import _bad, amendment_reason, ensure_plan_editable

FIELDS = ["label", "title", "order", "parent_id"]


def get_section(session: Session, plan: Plan, section_id: int) -> PlanSection:
    """A section of a plan the caller already reached through ``scope.get_plan`` (404 otherwise)."""
    sec = session.exec(
        select(PlanSection).where(PlanSection.plan_id == plan.id, PlanSection.id == section_id)
    ).first()
    if sec is None:
        raise NotFound("Mục", "Section")
    return sec


def _check(session: Session, plan: Plan, values: dict[str, Any], section_id: int | None) -> None:
    if values.get("parent_id") is not None:
        parent = session.get(PlanSection, values["parent_id"])
        if parent is None or parent.plan_id != plan.id or parent.id == section_id:
            raise _bad("parent_id", "Mục cha không thuộc kế hoạch này.", "Parent section is not in this plan")
    if "label" in values:
        taken = select(PlanSection.id).where(
            PlanSection.plan_id == plan.id, PlanSection.label == values["label"]
        )
        if section_id is not None:
            taken = taken.where(PlanSection.id != section_id)
        if session.exec(taken).first() is not None:
            raise _bad("label", f"Mục {values['label']} đã có trong phụ lục.", "Duplicate section label")


def _log(
    session: Session,
    principal: Principal,
    plan: Plan,
    sec: PlanSection,
    action: str,
    changes: dict[str, Any],
    reason: str | None,
) -> None:
    """On an issued plan the change is an amendment, in the plan's history with its reason; a draft's own trail
    otherwise."""
    if reason is not None:
        record(session, principal, action, "plan", plan.id, plan.issuing_unit_id, changes, reason)
    else:
        record(session, principal, action, "plan_section", sec.id, plan.issuing_unit_id, changes)


def create_section(session: Session, principal: Principal, *, plan: Plan, data: SectionCreate) -> PlanSection:
    """Add a heading; without ``order`` it goes after the last one."""
    ensure_plan_editable(plan)
    reason = amendment_reason(plan, data.reason)
    values = data.model_dump(exclude={"reason"})
    values["label"], values["title"] = values["label"].strip(), values["title"].strip()
    _check(session, plan, values, None)
    if values["order"] is None:
        last = session.exec(select(func.max(PlanSection.order)).where(PlanSection.plan_id == plan.id)).one()
        values["order"] = (last or 0) + 1
    sec = PlanSection(plan_id=plan.id or 0, **values)
    session.add(sec)
    session.flush()
    added = {k: {"from": None, "to": v} for k, v in snapshot(sec, FIELDS).items() if v is not None}
    _log(session, principal, plan, sec, "section_added", {"section": {"to": sec.label}, **added}, reason)
    return sec


def update_section(
    session: Session, principal: Principal, *, plan: Plan, sec: PlanSection, data: SectionUpdate
) -> Plan:
    """Rename, renumber or move a heading. Guarded by the plan's ETag, whose version it bumps."""
    ensure_plan_editable(plan)
    reason = amendment_reason(plan, data.reason)
    values = data.model_dump(exclude_unset=True, exclude={"reason"})
    for k in ("label", "title"):
        if isinstance(values.get(k), str):
            values[k] = values[k].strip()
    _check(session, plan, values, sec.id)
    before = snapshot(sec, FIELDS)
    for k, v in values.items():
        setattr(sec, k, v)
    session.add(sec)
    changes = diff(before, snapshot(sec, FIELDS))
    if changes:
        plan.updated_at = utcnow()  # the appendix changed: a new plan version (ETag)
        session.add(plan)
        session.flush()
        _log(
            session,
            principal,
            plan,
            sec,
            "section_amended",
            {"section": {"to": sec.label}, **changes},
            reason,
        )
    return plan
