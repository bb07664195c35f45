"""Row visibility of CCHC activities (inspections, outreach outputs, accountability sessions) — part of the scoping
module, re-exported by :mod:`api.authz.scope`. The rules:

- an inspection and its findings: the inspected unit (``activities:read`` on it) and whoever reaches it from above;
  the organising unit's side (``activities:read`` on the owner unit) too. A commune sees only its own;
- an inspection plan: whoever reaches its owner unit (the district and above);
- an outreach output: whoever reaches its responsible unit;
- an accountability session: the answering unit and whoever reaches it or the owner unit.

Managing (``activities:manage``) acts on rows whose *unit* the caller reaches with that permission; writing outreach
(``outreach:edit``) on the responsible unit; the head's explanation (``activities:respond``) on the answering unit.
"""

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.models import Assignment, OrgUnit
from api.models.activity import (
    AccountabilityItem,
    AccountabilitySession,
    Finding,
    Inspection,
    InspectionPlan,
    OutreachOutput,
)

P = Permission


def _scope() -> Any:
    from api.authz import scope

    return scope


def _unit_ids_in_reach(principal: Principal, permission: Permission) -> Any:
    return _scope().unit_ids_subquery(principal, permission)


# --- inspection plans -----------------------------------------------------------------------------------------


def visible_inspection_plans(
    principal: Principal, permission: Permission = P.activities_read
) -> SelectOfScalar[InspectionPlan]:
    return select(InspectionPlan).where(
        col(InspectionPlan.owner_unit_id).in_(_unit_ids_in_reach(principal, permission))
    )


def get_inspection_plan(
    session: Session, principal: Principal, plan_id: int, permission: Permission = P.activities_read
) -> InspectionPlan:
    stmt = visible_inspection_plans(principal, permission).where(col(InspectionPlan.id) == plan_id)
    return _scope()._first_or_404(session, stmt, "Kế hoạch kiểm tra", "Inspection plan")  # type: ignore[no-any-return]


# --- inspections and findings ---------------------------------------------------------------------------------


def _inspection_reach(principal: Principal, permission: Permission) -> ColumnElement[bool]:
    ids = _unit_ids_in_reach(principal, permission)
    if permission == P.activities_read:
        return or_(col(Inspection.unit_id).in_(ids), col(Inspection.owner_unit_id).in_(ids))
    return col(Inspection.unit_id).in_(ids)  # type: ignore[no-any-return]


def visible_inspections(
    principal: Principal, permission: Permission = P.activities_read
) -> SelectOfScalar[Inspection]:
    """Inspections of units in reach (and, for reading, those organised by a unit in reach)."""
    return select(Inspection).where(_inspection_reach(principal, permission))


def get_inspection(
    session: Session, principal: Principal, inspection_id: int, permission: Permission = P.activities_read
) -> Inspection:
    stmt = visible_inspections(principal, permission).where(col(Inspection.id) == inspection_id)
    return _scope()._first_or_404(session, stmt, "Cuộc kiểm tra", "Inspection")  # type: ignore[no-any-return]


def inspection_rows(principal: Principal) -> Any:
    """``(Inspection, unit name)`` of the visible inspections (the list)."""
    name = func.coalesce(col(OrgUnit.short_name), col(OrgUnit.name))
    return (
        select(Inspection, name.label("unit_name"), col(OrgUnit.path))
        .join(OrgUnit, col(OrgUnit.id) == col(Inspection.unit_id))
        .where(_inspection_reach(principal, P.activities_read))
    )


def findings_of(inspection_ids: Collection[int]) -> SelectOfScalar[Finding]:
    """Findings of inspections the caller already reached (one statement for a whole page)."""
    return (
        select(Finding)
        .where(col(Finding.inspection_id).in_(list(inspection_ids)))
        .order_by(col(Finding.inspection_id), col(Finding.id))
    )


def get_finding(
    session: Session, principal: Principal, finding_id: int, permission: Permission = P.activities_manage
) -> tuple[Finding, Inspection]:
    stmt: Any = (
        select(Finding, Inspection)
        .join(Inspection, col(Inspection.id) == col(Finding.inspection_id))
        .where(col(Finding.id) == finding_id, _inspection_reach(principal, permission))
    )
    row = _scope()._first_or_404(session, stmt, "Tồn tại, hạn chế", "Finding")
    return row[0], row[1]


def follow_up_assignments(assignment_ids: Collection[int]) -> Any:
    """``(assignment id, task id, title, due date, status, unit id, completed date)`` of follow-ups the caller reached
    through their finding or session (the inspected unit's own work)."""
    from api.models import Task

    return (
        select(  # type: ignore[call-overload]
            col(Assignment.id),
            col(Assignment.task_id),
            col(Task.title),
            col(Assignment.due_date),
            col(Assignment.status),
            col(Assignment.completed_date),
        )
        .join(Task, col(Task.id) == col(Assignment.task_id))
        .where(col(Assignment.id).in_(list(assignment_ids)))
    )


# --- outreach -------------------------------------------------------------------------------------------------


def visible_outreach(
    principal: Principal, permission: Permission = P.activities_read
) -> SelectOfScalar[OutreachOutput]:
    return select(OutreachOutput).where(
        col(OutreachOutput.unit_id).in_(_unit_ids_in_reach(principal, permission))
    )


def outreach_rows(principal: Principal) -> Any:
    name = func.coalesce(col(OrgUnit.short_name), col(OrgUnit.name))
    return (
        select(OutreachOutput, name.label("unit_name"), col(OrgUnit.path))
        .join(OrgUnit, col(OrgUnit.id) == col(OutreachOutput.unit_id))
        .where(col(OutreachOutput.unit_id).in_(_unit_ids_in_reach(principal, P.activities_read)))
    )


def get_outreach(
    session: Session, principal: Principal, output_id: int, permission: Permission = P.activities_read
) -> OutreachOutput:
    stmt = visible_outreach(principal, permission).where(col(OutreachOutput.id) == output_id)
    return _scope()._first_or_404(session, stmt, "Sản phẩm tuyên truyền", "Outreach output")  # type: ignore[no-any-return]


# --- accountability -------------------------------------------------------------------------------------------


def _session_reach(principal: Principal, permission: Permission) -> ColumnElement[bool]:
    if permission == P.activities_respond:
        # The explanation is the answering unit's own: only a grant held at that very unit (its head), never
        # one reaching it from above.
        own = [g.unit_id for g in principal.grants_for(permission)]
        return col(AccountabilitySession.unit_id).in_(own)  # type: ignore[no-any-return]
    ids = _unit_ids_in_reach(principal, permission)
    if permission == P.activities_read:
        return or_(
            col(AccountabilitySession.unit_id).in_(ids), col(AccountabilitySession.owner_unit_id).in_(ids)
        )
    return col(AccountabilitySession.unit_id).in_(ids)  # type: ignore[no-any-return]


def visible_sessions(
    principal: Principal, permission: Permission = P.activities_read
) -> SelectOfScalar[AccountabilitySession]:
    return select(AccountabilitySession).where(_session_reach(principal, permission))


def session_rows(principal: Principal) -> Any:
    name = func.coalesce(col(OrgUnit.short_name), col(OrgUnit.name))
    return (
        select(AccountabilitySession, name.label("unit_name"), col(OrgUnit.path))
        .join(OrgUnit, col(OrgUnit.id) == col(AccountabilitySession.unit_id))
        .where(_session_reach(principal, P.activities_read))
    )


def get_session(
    session: Session, principal: Principal, session_id: int, permission: Permission = P.activities_read
) -> AccountabilitySession:
    stmt = visible_sessions(principal, permission).where(col(AccountabilitySession.id) == session_id)
    return _scope()._first_or_404(session, stmt, "Phiên giải trình", "Accountability session")  # type: ignore[no-any-return]


def session_items(session_ids: Collection[int]) -> SelectOfScalar[AccountabilityItem]:
    """Items of sessions the caller already reached (one statement for a whole page)."""
    return (
        select(AccountabilityItem)
        .where(col(AccountabilityItem.session_id).in_(list(session_ids)))
        .order_by(
            col(AccountabilityItem.session_id), col(AccountabilityItem.order), col(AccountabilityItem.id)
        )
    )


# --- the period summary for reports (api/activities/summary.py) ---------------------------------------------


def _window(column: Any, unit_col: Any, unit_ids: Collection[int], start: date, end: date) -> Any:
    return and_(col(unit_col).in_(list(unit_ids)), column >= start, column <= end)


def summary_inspections(principal: Principal, unit_ids: Collection[int], start: date, end: date) -> Any:
    """Per inspection in the window: (id, unit id, unit name, date, kind, status, findings, follow-ups open, done)."""
    from api.models import AssignmentStatus

    name = func.coalesce(col(OrgUnit.short_name), col(OrgUnit.name))
    approved = col(Assignment.status) == AssignmentStatus.approved
    f = (
        select(
            col(Finding.inspection_id).label("iid"),
            func.count(col(Finding.id)).label("n"),
            func.sum(case((and_(col(Finding.assignment_id).is_not(None), ~approved), 1), else_=0)).label(
                "open"
            ),
            func.sum(case((and_(col(Finding.assignment_id).is_not(None), approved), 1), else_=0)).label(
                "done"
            ),
        )
        .outerjoin(Assignment, col(Assignment.id) == col(Finding.assignment_id))
        .group_by(col(Finding.inspection_id))
        .subquery()
    )
    return (
        select(  # type: ignore[call-overload]
            col(Inspection.id),
            col(Inspection.unit_id),
            name,
            col(Inspection.date),
            col(Inspection.kind),
            col(Inspection.status),
            func.coalesce(f.c.n, 0),
            func.coalesce(f.c.open, 0),
            func.coalesce(f.c.done, 0),
        )
        .join(OrgUnit, col(OrgUnit.id) == col(Inspection.unit_id))
        .outerjoin(f, f.c.iid == col(Inspection.id))
        .where(
            _inspection_reach(principal, P.activities_read),
            _window(col(Inspection.date), Inspection.unit_id, unit_ids, start, end),
        )
        .order_by(col(Inspection.date), col(Inspection.id))
    )


def summary_severities(principal: Principal, unit_ids: Collection[int], start: date, end: date) -> Any:
    """(severity, count) of the findings of the inspections in the window."""
    return (
        select(col(Finding.severity), func.count(col(Finding.id)))
        .join(Inspection, col(Inspection.id) == col(Finding.inspection_id))
        .where(
            _inspection_reach(principal, P.activities_read),
            _window(col(Inspection.date), Inspection.unit_id, unit_ids, start, end),
        )
        .group_by(col(Finding.severity))
    )


def summary_outreach(principal: Principal, unit_ids: Collection[int], start: date, end: date) -> Any:
    """(kind, language, entries, quantity, audience) of the outreach outputs in the window."""
    return (
        select(  # type: ignore[call-overload]
            col(OutreachOutput.kind),
            col(OutreachOutput.language),
            func.count(col(OutreachOutput.id)),
            func.coalesce(func.sum(col(OutreachOutput.quantity)), 0),
            func.coalesce(func.sum(col(OutreachOutput.audience)), 0),
        )
        .where(
            col(OutreachOutput.unit_id).in_(_unit_ids_in_reach(principal, P.activities_read)),
            _window(col(OutreachOutput.date), OutreachOutput.unit_id, unit_ids, start, end),
        )
        .group_by(col(OutreachOutput.kind), col(OutreachOutput.language))
        .order_by(col(OutreachOutput.kind), col(OutreachOutput.language))
    )


def summary_sessions(principal: Principal, unit_ids: Collection[int], start: date, end: date) -> Any:
    """(session, unit name, item count) of the accountability sessions in the window."""
    name = func.coalesce(col(OrgUnit.short_name), col(OrgUnit.name))
    items = (
        select(
            col(AccountabilityItem.session_id).label("sid"), func.count(col(AccountabilityItem.id)).label("n")
        )
        .group_by(col(AccountabilityItem.session_id))
        .subquery()
    )
    return (
        select(AccountabilitySession, name, func.coalesce(items.c.n, 0))
        .join(OrgUnit, col(OrgUnit.id) == col(AccountabilitySession.unit_id))
        .outerjoin(items, items.c.sid == col(AccountabilitySession.id))
        .where(
            _session_reach(principal, P.activities_read),
            _window(col(AccountabilitySession.date), AccountabilitySession.unit_id, unit_ids, start, end),
        )
        .order_by(col(AccountabilitySession.date), col(AccountabilitySession.id))
    )
