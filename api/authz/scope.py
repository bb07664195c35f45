"""Row visibility — the ONLY module that decides which rows a principal may see or change.

Every list, get, count, export and aggregate starts from one of these scoped ``Select``s. Objects outside the
scope are reported as 404 (never 403), so their existence does not leak. ``tests/test_scope_lint.py`` fails if
a service selects a scoped table without going through here.
"""

import re
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, String, and_, exists, false, literal, literal_column, or_
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
    DeliveryAttempt,
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
    Role,
    Task,
    User,
)

P = Permission
T = TypeVar("T")


_PATH = re.compile(r"/(?:[0-9]+/)*")


def _path_prefix(path: str) -> Any:
    """A subtree grant's path (``/1/3/``: digits and slashes only) written into the SQL rather than bound: psycopg
    prepares a statement after five runs, and PostgreSQL's generic plan of ``path LIKE $1 || '%'`` takes it for
    ~0.5 % of the units — a district (3,300 communes) was then read unit by unit (#19, ``bench/bench_http.py``).
    Anything else stays a bound value."""
    return literal_column(f"'{path}'", String()) if _PATH.fullmatch(path) else path


def unit_condition(principal: Principal, permission: Permission, unit: Any = OrgUnit) -> ColumnElement[bool]:
    """SQL condition on an ``OrgUnit`` (or alias) true for units the principal reaches with ``permission``."""
    parts: list[ColumnElement[bool]] = []
    for g in principal.grants_for(permission):
        if g.subtree:
            parts.append(unit.path.startswith(_path_prefix(g.unit_path)))
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
    if permission == P.frameworks_manage:
        # Managing: frameworks owned inside the caller's subtree; the shared (national) ones only from a root unit
        # (a province), never from a district — a district admin cannot rewrite the national PAR INDEX.
        managed = exists(
            select(owner.id).where(
                owner.id == Framework.owner_unit_id, unit_condition(principal, permission, owner)
            )
        )
        at_root = any(g.unit_path.count("/") == 2 for g in principal.grants_for(permission))
        shared = col(Framework.owner_unit_id).is_(None)
        return select(Framework).where(or_(shared, managed) if at_root else managed)
    if permission == P.frameworks_read and principal.has(P.frameworks_manage):
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


# Made once per process (#19): building the alias's column collection was ~5 % of a 20-row list's CPU; it only ever
# appears inside this uncorrelated sub-select, so sharing it between statements changes no SQL.
_DRAFT_ISSUER = aliased(OrgUnit)


def hidden_draft_plans(principal: Principal) -> SelectOfScalar[int]:
    """Ids of draft plans (dự thảo) the principal does not see: a draft's tasks and assignments reach the units only
    once the plan is issued (ban hành). The issuing side (who reaches the issuing unit with ``plans:read`` or
    ``plans:manage``: Phòng Nội vụ, the leaders, the province above) sees its drafts. Uncorrelated, so a ``NOT IN``
    on it is computed once per statement, not probed per assignment row.
    """
    from api.models import PlanStatus

    issuer = _DRAFT_ISSUER
    issuing_side = or_(
        unit_condition(principal, P.plans_read, issuer), unit_condition(principal, P.plans_manage, issuer)
    )
    stmt: Any = (
        select(col(Plan.id))
        .join(issuer, col(issuer.id) == col(Plan.issuing_unit_id))
        .where(col(Plan.status) == PlanStatus.draft, ~issuing_side)
    )
    return stmt  # type: ignore[no-any-return]


def closed_plan_ids() -> SelectOfScalar[int]:
    """Ids of closed plans (kết thúc): their work is done whoever looks; only ever intersected with a scoped select."""
    from api.models import PlanStatus

    stmt: Any = select(col(Plan.id)).where(col(Plan.status) == PlanStatus.closed)
    return stmt  # type: ignore[no-any-return]


def plan_released(principal: Principal, plan_id: Any) -> ColumnElement[bool]:
    """True when the plan ``plan_id`` (a column) is not a draft hidden from the principal."""
    return col(plan_id).not_in(hidden_draft_plans(principal))  # type: ignore[no-any-return]


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
    return select(Plan).where(or_(issued_in_scope, and_(has_work, plan_released(principal, Plan.id))))


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
    return select(Task).where(or_(plan_in_scope, and_(has_work, plan_released(principal, Task.plan_id))))


def get_task(
    session: Session, principal: Principal, task_id: int, permission: Permission = P.plans_read
) -> Task:
    stmt = visible_tasks(principal, permission).where(Task.id == task_id)
    return _first_or_404(session, stmt, "Nhiệm vụ", "Task")  # type: ignore[no-any-return]


def visible_assignments(
    principal: Principal, permission: Permission = P.assignments_read
) -> SelectOfScalar[Assignment]:
    """Assignments of units the caller reaches, on plans it may see (a draft plan's work stays with its issuer until
    ban hành). Joined to ``OrgUnit`` so filters by unit are free."""
    return (
        select(Assignment)
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .where(unit_condition(principal, permission), plan_released(principal, Assignment.plan_id))
    )


def get_assignment(
    session: Session, principal: Principal, assignment_id: int, permission: Permission = P.assignments_read
) -> Assignment:
    stmt = visible_assignments(principal, permission).where(Assignment.id == assignment_id)
    return _first_or_404(session, stmt, "Nhiệm vụ được giao", "Assignment")  # type: ignore[no-any-return]


def assignment_scope_condition(
    principal: Principal, permission: Permission = P.assignments_read, unit: Any = OrgUnit
) -> ColumnElement[bool]:
    """For aggregates that already join ``OrgUnit`` on the assignment's unit (draft plans hidden as above)."""
    return and_(unit_condition(principal, permission, unit), plan_released(principal, Assignment.plan_id))


# --- evidence -------------------------------------------------------------------------------------------


def visible_evidence(
    principal: Principal, permission: Permission = P.evidence_read, include_deleted: bool = False
) -> SelectOfScalar[Evidence]:
    """Evidence of units in reach; a plan's documents also to whoever sees the plan."""
    unit = aliased(OrgUnit)
    in_unit = exists(
        select(unit.id).where(unit.id == Evidence.unit_id, unit_condition(principal, permission, unit))
    )
    # Evidence of a draft plan's assignment stays with the issuing side, like the assignment itself.
    hidden_work = select(col(Assignment.id)).where(col(Assignment.plan_id).in_(hidden_draft_plans(principal)))
    by_unit = and_(
        in_unit,
        or_(col(Evidence.owner_type) != EvidenceOwner.assignment, col(Evidence.owner_id).not_in(hidden_work)),
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
    in (
        "unit_condition",
        "ancestor_condition",
        "unit_ids_subquery",
        "assignment_scope_condition",
        "hidden_draft_plans",
        "plan_released",
        "Select",
    )
]


# --- plans, tasks, assignments: helpers for callers that already passed a scoped get ----------------------
# (appended by the plans/assignments domain)


def task_assignments(task_ids: Any) -> SelectOfScalar[Assignment]:
    """Every assignment of the given tasks, whatever the unit.

    Only for keeping a plan's appendix consistent after the caller reached the task or plan with
    ``plans:manage`` (``get_task``/``get_plan``): a coordinator outside the manager's reach still gets its row.
    """
    return select(Assignment).where(col(Assignment.task_id).in_(task_ids))


def assignment_evidence_counts(assignment_ids: Any) -> Any:
    """``(assignment_id, n)`` of live evidence attached to the given (already reached) assignments."""
    from sqlalchemy import func

    return (
        select(col(Evidence.owner_id), func.count(col(Evidence.id)))
        .where(
            col(Evidence.owner_type) == EvidenceOwner.assignment,
            col(Evidence.owner_id).in_(assignment_ids),
            col(Evidence.deleted_at).is_(None),
        )
        .group_by(col(Evidence.owner_id))
    )


def assignment_evidence_since(assignment_id: int, since: Any) -> SelectOfScalar[Evidence]:
    """Live evidence attached to an (already reached) assignment after ``since`` (a returned item's review)."""
    stmt = select(Evidence).where(
        col(Evidence.owner_type) == EvidenceOwner.assignment,
        col(Evidence.owner_id) == assignment_id,
        col(Evidence.deleted_at).is_(None),
    )
    return stmt if since is None else stmt.where(col(Evidence.uploaded_at) > since)


def assignment_evidence_after_review() -> Any:
    """EXISTS: live evidence attached to the ``Assignment`` row of the enclosing query after its last review (what
    makes a returned item submittable again without a new giải trình, as :func:`assignment_evidence_since`)."""
    return exists(
        select(Evidence.id).where(
            col(Evidence.owner_type) == EvidenceOwner.assignment,
            col(Evidence.owner_id) == col(Assignment.id),
            col(Evidence.deleted_at).is_(None),
            or_(
                col(Assignment.reviewed_at).is_(None), col(Evidence.uploaded_at) > col(Assignment.reviewed_at)
            ),
        )
    )


def units_by_ids(unit_ids: Any) -> SelectOfScalar[OrgUnit]:
    """Units named by a task the caller already reached (codes and names of lead/coordinators are public)."""
    return select(OrgUnit).where(col(OrgUnit.id).in_(unit_ids))


def active_units_under(parent_id: int) -> SelectOfScalar[OrgUnit]:
    """Direct children of a unit (demo seeding and the ALL_DEPARTMENTS / ALL_COMMUNES aliases)."""
    return select(OrgUnit).where(col(OrgUnit.parent_id) == parent_id)


def mentionable_users(unit_ids: Any) -> Any:
    """``(user_id, username)`` of active users with a membership in the units involved in an assignment."""
    return (
        select(col(User.id), col(User.username))
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(col(Membership.unit_id).in_(unit_ids), col(User.is_active).is_(True))
        .distinct()
    )


def unit_head(unit_id: int, role: Role) -> Any:
    """``(full_name, position)`` of the active head of a unit (its ``role`` membership, the oldest first): the
    default signer of the unit's report, for whoever may open that report (checked by the caller)."""
    return (
        select(col(User.full_name), col(User.position))
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(
            col(Membership.unit_id) == unit_id, col(Membership.role) == role, col(User.is_active).is_(True)
        )
        .order_by(col(Membership.id))
        .limit(1)
    )


def assignment_history(
    session: Session, principal: Principal, assignment_id: int
) -> SelectOfScalar[AuditEvent]:
    """Audit events of one assignment, for whoever may read the assignment (404 otherwise)."""
    get_assignment(session, principal, assignment_id)
    return select(AuditEvent).where(
        col(AuditEvent.entity_type) == "assignment", col(AuditEvent.entity_id) == str(assignment_id)
    )


def plan_history(session: Session, principal: Principal, plan_id: int) -> SelectOfScalar[AuditEvent]:
    """Audit events of one plan (ban hành, sửa đổi with their reasons, kết thúc) for the issuing side: who reaches
    the issuing unit with ``plans:read``. The events name every unit's tasks, so a unit working on the plan reads
    what changed for it in its assignments' history instead (404 here)."""
    issuer = aliased(OrgUnit)
    stmt = (
        select(Plan)
        .join(issuer, col(issuer.id) == col(Plan.issuing_unit_id))
        .where(col(Plan.id) == plan_id, unit_condition(principal, P.plans_read, issuer))
    )
    _first_or_404(session, stmt, "Kế hoạch", "Plan")
    return select(AuditEvent).where(
        col(AuditEvent.entity_type) == "plan", col(AuditEvent.entity_id) == str(plan_id)
    )


# --- portal deliveries (appended by the portal domain) ---------------------------------------------------


def visible_delivery_attempts(
    principal: Principal, permission: Permission = P.reports_read
) -> SelectOfScalar[DeliveryAttempt]:
    """Attempts of deliveries in reach (a delivery's unit decides), joined to ``PortalDelivery``."""
    return (
        select(DeliveryAttempt)
        .join(PortalDelivery, col(PortalDelivery.id) == col(DeliveryAttempt.delivery_id))
        .join(OrgUnit, col(OrgUnit.id) == col(PortalDelivery.unit_id))
        .where(unit_condition(principal, permission))
    )


# --- imports: natural keys (appended by the imports domain) -------------------------------------------------


def import_units(principal: Principal, permission: Permission) -> SelectOfScalar[OrgUnit]:
    """Units an import may write into: reached with ``imports:run`` and with the kind's own permission."""
    return select(OrgUnit).where(
        unit_condition(principal, P.imports_run), unit_condition(principal, permission)
    )


def visible_import_runs(principal: Principal) -> Any:
    """Import history rows (with the unit's name) of the units the principal reaches with ``imports:run``."""
    from api.models.import_run import ImportRun

    return (
        select(ImportRun, col(OrgUnit.name))
        .join(OrgUnit, col(OrgUnit.id) == col(ImportRun.unit_id))
        .where(unit_condition(principal, P.imports_run))
    )


def units_by_codes(codes: Any) -> Any:
    """``(id, code, path, level, name)`` of units with these codes, wherever they are.

    Codes are global natural keys: an import must tell "no such unit" from "outside your scope" and must not
    create a second unit with a code used elsewhere. Callers only reveal that a code exists, never its data.
    """
    cols = (col(OrgUnit.id), col(OrgUnit.code), col(OrgUnit.path), col(OrgUnit.level), col(OrgUnit.name))
    return select(*cols).where(col(OrgUnit.code).in_(codes))  # type: ignore[call-overload]


def usernames_taken(usernames: Any) -> Any:
    """Which of these usernames exist at all (usernames are global natural keys)."""
    return select(col(User.username)).where(col(User.username).in_(usernames))


# --- reports: what a report covers, and report templates (appended by the reports domain) -------------------


def report_assignments(unit: OrgUnit, year: int, *, subtree: bool) -> SelectOfScalar[Assignment]:
    """Assignments a report covers: the unit's own (unit report) or its whole subtree's (aggregated report of the
    unit owning the period: province, district or commune), in the non-draft plans of the period's year. The
    aggregate counts only plans that reach the subtree through the owner (issued by the owner or above it): a
    commune's own plan to its offices rolls up into the commune's report, not into the province's.
    Joined to ``OrgUnit`` (the assignment's unit) and ``Plan``.

    Only for callers that already reached the report (``get_report``) or its unit with the report permission:
    the figures belong to the report, not to whoever looks at it, so they must not depend on the viewer.
    """
    from api.models import PlanStatus

    stmt = (
        select(Assignment)
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .join(Plan, col(Plan.id) == col(Assignment.plan_id))
        .where(col(Plan.year) == year, col(Plan.status) != PlanStatus.draft)
    )
    if subtree:
        owners = [int(i) for i in unit.path.strip("/").split("/") if i] or [unit.id or 0]
        return stmt.where(col(OrgUnit.path).startswith(unit.path), col(Plan.issuing_unit_id).in_(owners))
    return stmt.where(col(Assignment.unit_id) == unit.id)


def report_evidence(assignment_ids: Any) -> SelectOfScalar[Evidence]:
    """Live evidence (latest live version of each series) attached to assignments a report already covers."""
    newer = aliased(Evidence)
    return select(Evidence).where(
        col(Evidence.owner_type) == EvidenceOwner.assignment,
        col(Evidence.owner_id).in_(assignment_ids),
        col(Evidence.deleted_at).is_(None),
        ~exists(
            select(newer.id).where(
                newer.series_id == Evidence.series_id,
                newer.version_no > Evidence.version_no,
                col(newer.deleted_at).is_(None),
            )
        ),
    )


def period_unit_reports(period_id: int, district: OrgUnit) -> SelectOfScalar[Report]:
    """Unit-level reports of one period inside the owner's subtree (the aggregated report of the owner, at any
    level, rolls them up). Only after the caller reached the aggregated report with ``get_report``.
    """
    return (
        select(Report)
        .join(OrgUnit, col(OrgUnit.id) == col(Report.unit_id))
        .where(
            col(Report.period_id) == period_id,
            col(Report.level) == "unit",
            col(OrgUnit.path).startswith(district.path),
            col(OrgUnit.id) != district.id,
        )
    )


# --- carrying work across a reorganisation (api/org_units/transfer.py) -------------------------------------


def unit_successors(unit_id: int) -> Any:
    """Units that succeed this one: it merged into / was renamed to them, or they split from it. Only after the
    caller reached the unit with ``units:manage``; the successors themselves are checked the same way."""
    from api.models import SuccessionKind, UnitSuccession

    forward = select(col(UnitSuccession.to_unit_id)).where(
        col(UnitSuccession.from_unit_id) == unit_id,
        col(UnitSuccession.kind).in_([SuccessionKind.merged_into, SuccessionKind.renamed_to]),
    )
    split = select(col(UnitSuccession.from_unit_id)).where(
        col(UnitSuccession.to_unit_id) == unit_id, col(UnitSuccession.kind) == SuccessionKind.split_from
    )
    return select(OrgUnit).where(or_(col(OrgUnit.id).in_(forward), col(OrgUnit.id).in_(split)))


def unit_and_predecessors(unit_id: int) -> Any:
    """``SELECT unit_id``: the unit and every unit merged (or renamed) into it, transitively (a recursive CTE over
    ``unit_succession``; ``UNION`` stops on a cycle). Not a visibility rule: a caller always intersects it with
    the units in reach (the dashboards use it inside :func:`assignments_in_reach`), so a predecessor the caller
    does not reach is never counted."""
    from api.models import SuccessionKind, UnitSuccession

    kinds = [SuccessionKind.merged_into, SuccessionKind.renamed_to]
    preds = select(literal(unit_id).label("unit_id")).cte("unit_and_predecessors", recursive=True)
    link = aliased(UnitSuccession)
    preds = preds.union(
        select(col(link.from_unit_id)).where(
            col(link.to_unit_id) == preds.c.unit_id, col(link.kind).in_(kinds)
        )
    )
    return select(preds.c.unit_id)


def transferable_assignments(unit_id: int) -> SelectOfScalar[Assignment]:
    """A unit's assignments that are still open (not approved): what a transfer may move. Approved work is
    closed history and stays with the unit. Only after the caller reached the unit with ``units:manage``."""
    from api.models import AssignmentStatus

    return (
        select(Assignment)
        .where(col(Assignment.unit_id) == unit_id, col(Assignment.status) != AssignmentStatus.approved)
        .order_by(col(Assignment.id))
    )


def assignment_keys_of(unit_id: int, task_ids: Any) -> Any:
    """``(task_id, instance_key)`` of a unit's assignments of these tasks (to find what a successor already has)."""
    return select(col(Assignment.task_id), col(Assignment.instance_key)).where(
        col(Assignment.unit_id) == unit_id, col(Assignment.task_id).in_(task_ids)
    )


def task_units_of(task_ids: Any) -> Any:
    """Task-unit rows (chủ trì / phối hợp) of these tasks, and the tasks themselves, for a transfer."""
    from api.models import TaskUnit

    return select(TaskUnit).where(col(TaskUnit.task_id).in_(task_ids))


def tasks_by_ids(task_ids: Any) -> Any:
    return select(Task).where(col(Task.id).in_(task_ids))


def assignment_evidence(assignment_ids: Any) -> SelectOfScalar[Evidence]:
    """Every evidence row (all versions, deleted ones too) attached to these assignments."""
    return select(Evidence).where(
        col(Evidence.owner_type) == EvidenceOwner.assignment, col(Evidence.owner_id).in_(assignment_ids)
    )


def transferable_reports(unit_id: int) -> SelectOfScalar[Report]:
    """A unit's own reports that are not yet accepted (draft, submitted, returned): a transfer may move them."""
    from api.models import ReportStatus

    return select(Report).where(
        col(Report.unit_id) == unit_id,
        col(Report.level) == "unit",
        col(Report.status).in_([ReportStatus.draft, ReportStatus.submitted, ReportStatus.returned]),
    )


def reports_of_unit_in_periods(unit_id: int, period_ids: Any) -> Any:
    """``period_id`` of a unit's unit-level reports in these periods (a successor's own report blocks a move)."""
    return select(col(Report.period_id)).where(
        col(Report.unit_id) == unit_id, col(Report.level) == "unit", col(Report.period_id).in_(period_ids)
    )


def period_owners(period_ids: Any) -> Any:
    """``(period id, owner unit path)`` of these periods."""
    return (
        select(col(ReportingPeriod.id), col(OrgUnit.path))
        .join(OrgUnit, col(OrgUnit.id) == col(ReportingPeriod.owner_unit_id))
        .where(col(ReportingPeriod.id).in_(period_ids))
    )


def visible_report_templates(principal: Principal, permission: Permission = P.reports_read) -> Any:
    """Report templates owned by an ancestor-or-self of the caller's units, or inside its subtree (like periods).

    With ``reports:review`` (replace, delete) only templates of units the caller reaches with that permission.
    """
    from api.models import ReportTemplate

    owner = aliased(OrgUnit)
    reach = (
        unit_condition(principal, permission, owner)
        if permission != P.reports_read
        else or_(
            ancestor_condition(principal, permission, owner), unit_condition(principal, permission, owner)
        )
    )
    return select(ReportTemplate).where(
        exists(select(owner.id).where(owner.id == ReportTemplate.owner_unit_id, reach))
    )


def get_report_template(
    session: Session, principal: Principal, template_id: int, permission: Permission = P.reports_read
) -> Any:
    from api.models import ReportTemplate

    stmt = visible_report_templates(principal, permission).where(col(ReportTemplate.id) == template_id)
    return _first_or_404(session, stmt, "Mẫu báo cáo", "Report template")


def report_templates_of(owner_unit_id: int, name: str) -> Any:
    """The template a report's export uses (owned by the period's owner unit), for a caller that reached the report."""
    from api.models import ReportTemplate

    return select(ReportTemplate).where(
        col(ReportTemplate.owner_unit_id) == owner_unit_id, col(ReportTemplate.name) == name
    )


# --- user accounts (appended by the foundation) ---------------------------------------------------------


def is_top_level(principal: Principal, permission: Permission) -> bool:
    """Does the principal hold ``permission`` at a root unit (a province, path ``/<id>/``)?"""
    return any(g.unit_path.count("/") == 2 for g in principal.grants_for(permission))


def visible_accounts(principal: Principal, permission: Permission = P.users_read) -> SelectOfScalar[User]:
    """Users with a membership in a unit the principal reaches with ``permission``.

    A user with no membership belongs to no unit, hence to no district: only a top-level holder of
    ``users:manage`` sees it (otherwise any district admin could take over an account between posts).
    """
    unit = aliased(OrgUnit)
    in_scope = exists(
        select(Membership.id)
        .join(unit, col(unit.id) == col(Membership.unit_id))
        .where(Membership.user_id == User.id, unit_condition(principal, permission, unit))
    )
    cond: ColumnElement[bool] = in_scope
    if principal.has(permission) and is_top_level(principal, P.users_manage):
        cond = or_(in_scope, ~exists(select(Membership.id).where(Membership.user_id == User.id)))
    return select(User).where(cond)


def get_account(
    session: Session, principal: Principal, user_id: int, permission: Permission = P.users_read
) -> User:
    stmt = visible_accounts(principal, permission).where(User.id == user_id)
    return _first_or_404(session, stmt, "Người dùng", "User")  # type: ignore[no-any-return]


# --- assignments: the same scope as an IN filter, for aggregates and counts (appended by the dashboards domain) --


def assignments_in_reach(
    principal: Principal, permission: Permission = P.assignments_read
) -> SelectOfScalar[Assignment]:
    """The rows of :func:`visible_assignments`, filtered by ``unit_id IN (units in reach)`` instead of a join.

    Same rows (``assignment.unit_id`` is a NOT NULL foreign key to ``org_unit``). The unit list is computed once,
    so aggregates and counts read the index on ``assignment(unit_id, …)`` for the units in reach instead of
    joining and testing ``org_unit`` for every assignment row. Not joined to ``OrgUnit``.
    """
    return select(Assignment).where(
        col(Assignment.unit_id).in_(unit_ids_subquery(principal, permission)),
        plan_released(principal, Assignment.plan_id),
    )


def report_tasks(task_ids: Any) -> Any:
    """``(Task, plan number, plan symbol)`` of the tasks behind a report's assignments (district appendix)."""
    return (
        select(Task, col(Plan.number), col(Plan.symbol))
        .join(Plan, col(Plan.id) == col(Task.plan_id))
        .where(col(Task.id).in_(task_ids))
        .order_by(col(Plan.id), col(Task.order), col(Task.label))
    )


def report_task_units(task_ids: Any) -> Any:
    """``(task_id, role, unit name)`` of the lead and coordinating units of those tasks (names are public)."""
    from sqlalchemy import func

    from api.models import TaskUnit

    return (
        select(
            col(TaskUnit.task_id),
            col(TaskUnit.role),
            func.coalesce(col(OrgUnit.short_name), col(OrgUnit.name)),
        )
        .join(OrgUnit, col(OrgUnit.id) == col(TaskUnit.unit_id))
        .where(col(TaskUnit.task_id).in_(task_ids))
        .order_by(col(OrgUnit.path))
    )


# --- rows reached only through an object already fetched through this module ---------------------------------


def assignment_comment_rows(assignment_id: int) -> Any:
    """Comments of an assignment the caller already holds (``get_assignment``), with their authors' names."""
    from api.models import AssignmentComment

    return (
        select(AssignmentComment, col(User.full_name))
        .outerjoin(User, col(User.id) == col(AssignmentComment.author_id))
        .where(col(AssignmentComment.assignment_id) == assignment_id)
        .order_by(col(AssignmentComment.created_at), col(AssignmentComment.id))
    )


def task_node_rows(task_ids: list[int]) -> Any:
    """Criteria linked to tasks the caller already sees (``visible_tasks``): (task id, node, framework code)."""
    from api.models import TaskNode

    return (
        select(col(TaskNode.task_id), FrameworkNode, col(Framework.code))
        .join(FrameworkNode, col(FrameworkNode.id) == col(TaskNode.node_id))
        .join(Framework, col(Framework.id) == col(FrameworkNode.framework_id))
        .where(col(TaskNode.task_id).in_(task_ids))
        .order_by(col(FrameworkNode.path))
    )


def nodes_cloned_from(node_ids: set[int] | list[int], framework_ids: list[int] | None = None) -> Any:
    """Nodes whose ``cloned_from_id`` is one of ``node_ids`` (integrity checks and year-to-year mapping)."""
    stmt = select(FrameworkNode).where(col(FrameworkNode.cloned_from_id).in_(list(node_ids)))
    if framework_ids is not None:
        stmt = stmt.where(col(FrameworkNode.framework_id).in_(framework_ids))
    return stmt


# The user queries of this module; older names kept for callers.
visible_users = visible_accounts
get_user = get_account


# Index scoring lives in its own file of this module (rounds, sheets, scores, official results).
# CCHC activities (inspections, outreach, accountability) live in their own file of this module.
from api.authz.scope_activities import (  # noqa: E402, F401
    findings_of,
    follow_up_assignments,
    get_finding,
    get_inspection,
    get_inspection_plan,
    get_outreach,
    get_session,
    inspection_rows,
    outreach_rows,
    session_items,
    session_rows,
    summary_inspections,
    summary_outreach,
    summary_sessions,
    summary_severities,
    visible_inspection_plans,
    visible_inspections,
    visible_outreach,
    visible_sessions,
)
from api.authz.scope_scoring import (  # noqa: E402, F401
    candidate_units,
    get_round,
    get_round_readable,
    get_sheet,
    linkable_evidence,
    reaches_unit,
    round_frameworks,
    round_nodes,
    round_sheets,
    score_evidence_links,
    score_evidence_rows,
    sheet_evidence_candidates,
    sheet_round,
    sheet_scores,
    strictly_below_condition,
    visible_official_results,
    visible_rounds,
    visible_sheets,
)
