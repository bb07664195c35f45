"""Row visibility — the ONLY module that decides which rows a principal may see or change.

Every list, get, count, export and aggregate starts from one of these scoped ``Select``s. Objects outside the
scope are reported as 404 (never 403), so their existence does not leak. ``tests/test_scope_lint.py`` fails if
a service selects a scoped table without going through here.
"""

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, exists, false, literal, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import NotFound
from api.models import (
    ApiToken,
    Assignment,
    AuditEvent,
    Evidence,
    EvidenceOwner,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    Membership,
    OrgUnit,
    Plan,
    PortalDelivery,
    Report,
    ReportingPeriod,
    Task,
    User,
)

P = Permission
T = TypeVar("T")


def unit_condition(principal: Principal, permission: Permission, unit: Any = OrgUnit) -> ColumnElement[bool]:
    """SQL condition on an ``OrgUnit`` (or alias) true for units the principal reaches with ``permission``."""
    parts: list[ColumnElement[bool]] = []
    for g in principal.grants_for(permission):
        if g.subtree:
            parts.append(unit.path.startswith(g.unit_path))
        else:
            parts.append(unit.id == g.unit_id)
    return or_(*parts) if parts else false()


def ancestor_condition(
    principal: Principal, permission: Permission, unit: Any = OrgUnit
) -> ColumnElement[bool]:
    """True for units that are an ancestor-or-self of any unit the principal holds ``permission`` in."""
    parts = [literal(g.unit_path).startswith(unit.path) for g in principal.grants_for(permission)]
    return or_(*parts) if parts else false()


def unit_ids_subquery(principal: Principal, permission: Permission) -> SelectOfScalar[int]:
    return select(OrgUnit.id).where(unit_condition(principal, permission))  # type: ignore[return-value]


def _first_or_404(session: Session, stmt: Any, what: str, what_en: str) -> Any:
    obj = session.exec(stmt.limit(1)).first()
    if obj is None:
        raise NotFound(what, what_en)
    return obj


# --- org units and people -------------------------------------------------------------------------------


def visible_units(principal: Principal, permission: Permission = P.units_read) -> SelectOfScalar[OrgUnit]:
    return select(OrgUnit).where(unit_condition(principal, permission))


def get_unit(
    session: Session, principal: Principal, unit_id: int, permission: Permission = P.units_read
) -> OrgUnit:
    stmt = visible_units(principal, permission).where(OrgUnit.id == unit_id)
    return _first_or_404(session, stmt, "Đơn vị", "Unit")  # type: ignore[no-any-return]


def get_unit_by_code(
    session: Session, principal: Principal, code: str, permission: Permission = P.units_read
) -> OrgUnit:
    stmt = visible_units(principal, permission).where(OrgUnit.code == code)
    return _first_or_404(session, stmt, f"Đơn vị mã {code}", f"Unit {code}")  # type: ignore[no-any-return]


def visible_users(principal: Principal, permission: Permission = P.users_read) -> SelectOfScalar[User]:
    """Users with a membership in a unit the principal reaches (admins also see users without any)."""
    unit = aliased(OrgUnit)
    in_scope = exists(
        select(Membership.id)
        .join(unit, col(unit.id) == col(Membership.unit_id))
        .where(Membership.user_id == User.id, unit_condition(principal, permission, unit))
    )
    cond: ColumnElement[bool] = in_scope
    if principal.has(P.users_manage):
        no_membership = ~exists(select(Membership.id).where(Membership.user_id == User.id))
        cond = or_(in_scope, no_membership)
    return select(User).where(cond)


def get_user(
    session: Session, principal: Principal, user_id: int, permission: Permission = P.users_read
) -> User:
    stmt = visible_users(principal, permission).where(User.id == user_id)
    return _first_or_404(session, stmt, "Người dùng", "User")  # type: ignore[no-any-return]


def visible_memberships(
    principal: Principal, permission: Permission = P.users_read
) -> SelectOfScalar[Membership]:
    return (
        select(Membership)
        .join(OrgUnit, col(OrgUnit.id) == col(Membership.unit_id))
        .where(unit_condition(principal, permission))
    )


def visible_api_tokens(principal: Principal) -> SelectOfScalar[ApiToken]:
    return (
        select(ApiToken)
        .join(OrgUnit, col(OrgUnit.id) == col(ApiToken.unit_id))
        .where(unit_condition(principal, P.tokens_manage))
    )


def get_api_token(session: Session, principal: Principal, token_id: int) -> ApiToken:
    stmt = visible_api_tokens(principal).where(ApiToken.id == token_id)
    return _first_or_404(session, stmt, "Mã truy cập API", "API token")  # type: ignore[no-any-return]


def visible_audit_events(principal: Principal) -> SelectOfScalar[AuditEvent]:
    return (
        select(AuditEvent)
        .join(OrgUnit, col(OrgUnit.id) == col(AuditEvent.unit_id))
        .where(unit_condition(principal, P.audit_read))
    )


# --- frameworks -----------------------------------------------------------------------------------------


def visible_frameworks(
    principal: Principal, permission: Permission = P.frameworks_read
) -> SelectOfScalar[Framework]:
    """Shared frameworks (no owner) and those owned by an ancestor or a descendant of the caller's units.

    Drafts are visible only to those who may manage frameworks there.
    """
    if not principal.has(permission):
        return select(Framework).where(false())
    owner = aliased(OrgUnit)
    owned_ok = exists(
        select(owner.id).where(
            owner.id == Framework.owner_unit_id,
            or_(
                ancestor_condition(principal, permission, owner), unit_condition(principal, permission, owner)
            ),
        )
    )
    reach = or_(Framework.owner_unit_id.is_(None), owned_ok)  # type: ignore[union-attr]
    if permission == P.frameworks_read and principal.has(P.frameworks_manage):
        return select(Framework).where(reach)
    if permission == P.frameworks_manage:
        return select(Framework).where(reach)
    return select(Framework).where(reach, Framework.status != FrameworkStatus.draft)


def get_framework(
    session: Session, principal: Principal, framework_id: int, permission: Permission = P.frameworks_read
) -> Framework:
    stmt = visible_frameworks(principal, permission).where(Framework.id == framework_id)
    return _first_or_404(session, stmt, "Bộ chỉ số", "Framework")  # type: ignore[no-any-return]


def visible_nodes(
    principal: Principal, permission: Permission = P.frameworks_read
) -> SelectOfScalar[FrameworkNode]:
    fw_ids = visible_frameworks(principal, permission).with_only_columns(col(Framework.id))
    return select(FrameworkNode).where(FrameworkNode.framework_id.in_(fw_ids))  # type: ignore[attr-defined]


# --- plans, tasks, assignments ----------------------------------------------------------------------------


def _assignment_in_scope(principal: Principal, permission: Permission, *where: Any) -> ColumnElement[bool]:
    unit = aliased(OrgUnit)
    return exists(
        select(Assignment.id)
        .join(unit, col(unit.id) == col(Assignment.unit_id))
        .where(unit_condition(principal, permission, unit), *where)
    )


def visible_plans(principal: Principal, permission: Permission = P.plans_read) -> SelectOfScalar[Plan]:
    """Plans issued in the caller's reach, or on which one of its units has work."""
    issuer = aliased(OrgUnit)
    issued_in_scope = exists(
        select(issuer.id).where(
            issuer.id == Plan.issuing_unit_id, unit_condition(principal, permission, issuer)
        )
    )
    if permission == P.plans_manage:
        return select(Plan).where(issued_in_scope)
    has_work = _assignment_in_scope(principal, P.assignments_read, Assignment.plan_id == Plan.id)
    return select(Plan).where(or_(issued_in_scope, has_work))


def get_plan(
    session: Session, principal: Principal, plan_id: int, permission: Permission = P.plans_read
) -> Plan:
    stmt = visible_plans(principal, permission).where(Plan.id == plan_id)
    return _first_or_404(session, stmt, "Kế hoạch", "Plan")  # type: ignore[no-any-return]


def visible_tasks(principal: Principal, permission: Permission = P.plans_read) -> SelectOfScalar[Task]:
    """Tasks of plans issued in reach (all rows), otherwise only the tasks the caller's units work on."""
    issuer = aliased(OrgUnit)
    plan_in_scope = exists(
        select(Plan.id)
        .join(issuer, col(issuer.id) == col(Plan.issuing_unit_id))
        .where(Plan.id == Task.plan_id, unit_condition(principal, permission, issuer))
    )
    if permission == P.plans_manage:
        return select(Task).where(plan_in_scope)
    has_work = _assignment_in_scope(principal, P.assignments_read, Assignment.task_id == Task.id)
    return select(Task).where(or_(plan_in_scope, has_work))


def get_task(
    session: Session, principal: Principal, task_id: int, permission: Permission = P.plans_read
) -> Task:
    stmt = visible_tasks(principal, permission).where(Task.id == task_id)
    return _first_or_404(session, stmt, "Nhiệm vụ", "Task")  # type: ignore[no-any-return]


def visible_assignments(
    principal: Principal, permission: Permission = P.assignments_read
) -> SelectOfScalar[Assignment]:
    """Assignments of units the caller reaches. Joined to ``OrgUnit`` so filters by unit are free."""
    return (
        select(Assignment)
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .where(unit_condition(principal, permission))
    )


def get_assignment(
    session: Session, principal: Principal, assignment_id: int, permission: Permission = P.assignments_read
) -> Assignment:
    stmt = visible_assignments(principal, permission).where(Assignment.id == assignment_id)
    return _first_or_404(session, stmt, "Nhiệm vụ được giao", "Assignment")  # type: ignore[no-any-return]


def assignment_scope_condition(
    principal: Principal, permission: Permission = P.assignments_read, unit: Any = OrgUnit
) -> ColumnElement[bool]:
    """For aggregates that already join ``OrgUnit`` on the assignment's unit."""
    return unit_condition(principal, permission, unit)


# --- evidence -------------------------------------------------------------------------------------------


def visible_evidence(
    principal: Principal, permission: Permission = P.evidence_read, include_deleted: bool = False
) -> SelectOfScalar[Evidence]:
    """Evidence of units in reach; a plan's documents also to whoever sees the plan."""
    unit = aliased(OrgUnit)
    by_unit = exists(
        select(unit.id).where(unit.id == Evidence.unit_id, unit_condition(principal, permission, unit))
    )
    conds: list[ColumnElement[bool]] = [by_unit]
    if permission == P.evidence_read:
        plan_ids = visible_plans(principal).with_only_columns(col(Plan.id))
        conds.append(and_(col(Evidence.owner_type) == EvidenceOwner.plan, Evidence.owner_id.in_(plan_ids)))  # type: ignore[attr-defined]
    stmt = select(Evidence).where(or_(*conds))
    if not include_deleted:
        stmt = stmt.where(Evidence.deleted_at.is_(None))  # type: ignore[union-attr]
    return stmt


def get_evidence(
    session: Session,
    principal: Principal,
    evidence_id: int,
    permission: Permission = P.evidence_read,
    include_deleted: bool = False,
) -> Evidence:
    stmt = visible_evidence(principal, permission, include_deleted).where(Evidence.id == evidence_id)
    return _first_or_404(session, stmt, "Tài liệu kiểm chứng", "Evidence")  # type: ignore[no-any-return]


# --- reporting periods, reports, deliveries ------------------------------------------------------------------


def visible_periods(
    principal: Principal, permission: Permission = P.reports_read
) -> SelectOfScalar[ReportingPeriod]:
    """Periods defined by an ancestor-or-self of the caller's units, or inside its subtree."""
    owner = aliased(OrgUnit)
    return select(ReportingPeriod).where(
        exists(
            select(owner.id).where(
                owner.id == ReportingPeriod.owner_unit_id,
                or_(
                    ancestor_condition(principal, permission, owner),
                    unit_condition(principal, permission, owner),
                ),
            )
        )
    )


def get_period(
    session: Session, principal: Principal, period_id: int, permission: Permission = P.reports_read
) -> ReportingPeriod:
    stmt = visible_periods(principal, permission).where(col(ReportingPeriod.id) == period_id)
    return _first_or_404(session, stmt, "Kỳ báo cáo", "Reporting period")  # type: ignore[no-any-return]


def visible_reports(principal: Principal, permission: Permission = P.reports_read) -> SelectOfScalar[Report]:
    """Reports of units in reach, joined to ``OrgUnit``."""
    return (
        select(Report)
        .join(OrgUnit, col(OrgUnit.id) == col(Report.unit_id))
        .where(unit_condition(principal, permission))
    )


def get_report(
    session: Session, principal: Principal, report_id: int, permission: Permission = P.reports_read
) -> Report:
    stmt = visible_reports(principal, permission).where(col(Report.id) == report_id)
    return _first_or_404(session, stmt, "Báo cáo", "Report")  # type: ignore[no-any-return]


def visible_deliveries(
    principal: Principal, permission: Permission = P.reports_read
) -> SelectOfScalar[PortalDelivery]:
    return (
        select(PortalDelivery)
        .join(OrgUnit, col(OrgUnit.id) == col(PortalDelivery.unit_id))
        .where(unit_condition(principal, permission))
    )


def get_delivery(
    session: Session, principal: Principal, delivery_id: int, permission: Permission = P.reports_read
) -> PortalDelivery:
    stmt = visible_deliveries(principal, permission).where(col(PortalDelivery.id) == delivery_id)
    return _first_or_404(session, stmt, "Lượt gửi báo cáo", "Delivery")  # type: ignore[no-any-return]


__all__ = [
    n
    for n in dir()
    if n.startswith(("visible_", "get_"))
    or n
    in ("unit_condition", "ancestor_condition", "unit_ids_subquery", "assignment_scope_condition", "Select")
]
