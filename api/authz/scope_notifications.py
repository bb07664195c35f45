"""Row visibility for notifications: who may be told about an object, and whose inbox a message is in.

Recipients are computed here, from the same grant rules as :mod:`api.authz.scope`: a user is told about an
assignment only if a membership gives them ``assignments:read`` on its unit (their own unit, or an ancestor for the
subtree roles) and the plan is issued (a draft plan's work stays with its issuer). Nothing is ever sent wider than
who may read the object. A message, once written, belongs to its recipient alone (the inbox is per user).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.assignments.buckets import days_between
from api.authz.permissions import ROLE_PERMISSIONS, SUBTREE_ROLES, Permission
from api.authz.principal import Principal
from api.models import (
    Assignment,
    AssignmentStatus,
    Membership,
    MessageStatus,
    NotificationChannel,
    NotificationMessage,
    NotificationPreference,
    NotificationSetting,
    OrgUnit,
    Plan,
    PlanStatus,
    Role,
    Task,
    UnitLevel,
    User,
)
from api.models.activity import Finding
from api.models.notification import NotificationTemplate
from api.models.report import (
    DeliveryStatus,
    PortalDelivery,
    Report,
    ReportingPeriod,
    ReportLevel,
    ReportStatus,
)
from api.models.scoring import (
    AssessmentRound,
    AssessmentSheet,
    RoundStatus,
    SheetStatus,
)

READER_ROLES = frozenset(r for r, perms in ROLE_PERMISSIONS.items() if Permission.assignments_read in perms)
# Roles working the unit's own assignments (told about returns, approvals and deadlines).
UNIT_WORKERS = frozenset({Role.unit_head, Role.unit_officer})


def _ancestor_of(unit: Any, member_unit: Any) -> Any:
    """``member_unit`` is ``unit`` or one of its ancestors (materialised path)."""
    return col(unit.path).startswith(col(member_unit.path))


def assignment_readers(assignment_id: int, roles: frozenset[Role] = READER_ROLES) -> Any:
    """``(user_id, role, unit_id of the membership, language)`` of active users who may read the assignment
    through a membership of one of ``roles``: own unit for any reader role, an ancestor for the subtree roles.
    Empty for an assignment of a draft plan."""
    unit, member_unit = aliased(OrgUnit), aliased(OrgUnit)
    roles = roles & READER_ROLES
    subtree = [r for r in roles if r in SUBTREE_ROLES]
    reach = col(Membership.unit_id) == col(Assignment.unit_id)
    if subtree:
        reach = sa.or_(reach, sa.and_(col(Membership.role).in_(subtree), _ancestor_of(unit, member_unit)))
    return (
        select(col(User.id), col(Membership.role), col(Membership.unit_id), col(User.language))
        .select_from(Assignment)
        .join(unit, col(unit.id) == col(Assignment.unit_id))
        .join(Plan, col(Plan.id) == col(Assignment.plan_id))
        .join(Membership, sa.true())
        .join(member_unit, col(member_unit.id) == col(Membership.unit_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            col(Assignment.id) == assignment_id,
            col(Plan.status) != PlanStatus.draft,
            col(Membership.role).in_(roles),
            col(User.is_active).is_(True),
            reach,
        )
    )


def assignment_params(assignment_id: int) -> Any:
    """``(Assignment, task label, task title, unit name, unit path)`` for one assignment (message parameters)."""
    return (
        sa.select(Assignment, col(Task.label), col(Task.title), col(OrgUnit.name), col(OrgUnit.path))
        .join(Task, col(Task.id) == col(Assignment.task_id))
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .where(col(Assignment.id) == assignment_id)
    )


def _candidates(today: date, horizon_days: int) -> Any:
    """Open assignments of issued plans with a deadline at most ``horizon_days`` ahead (or passed)."""
    return sa.and_(
        col(Assignment.status).not_in([AssignmentStatus.approved, AssignmentStatus.submitted]),
        col(Assignment.due_date).is_not(None),
        col(Assignment.due_date) <= today + timedelta(days=horizon_days),
        col(Plan.status) == PlanStatus.issued,
    )


@dataclass(frozen=True)
class DeadlineWindows:
    """Which days overdue (negative: before the deadline) can give an event today, over every district's N/M/K.
    A threshold gives its event on the day it is crossed and ``grace - 1`` days after (a day the job did not run
    is caught up); the weekly overdue reminder on days 1, 1 + repeat, … (and the grace after each)."""

    horizon: int  # max N
    head_min: int  # min M
    head_max: int  # max M + grace - 1
    district_min: int  # min K
    district_max: int  # max K + grace - 1
    repeat: int
    grace: int


def deadline_recipients(today: date, windows: DeadlineWindows) -> Any:
    """The day's deadline events in one statement (not per user): every open assignment of an issued plan whose
    deadline is within N days, or that crosses (within the grace) the weekly overdue mark or the unit head's
    escalation, with the unit's own head and officers; and, within the escalation window to Phòng Nội vụ, with the
    district admins of its ancestors. Columns: assignment id, unit id, due date, days overdue (negative before the
    deadline), task label, task title, unit name, unit path, user id, role, language."""
    raw_days = days_between(col(Assignment.due_date), sa.literal(today, sa.Date()))
    days = raw_days.label("days")
    w = windows
    own_window = sa.or_(
        sa.and_(raw_days >= -w.horizon, raw_days <= 0),
        sa.and_(raw_days >= 1, ((raw_days - 1) % w.repeat) < w.grace),
        sa.and_(raw_days >= w.head_min, raw_days <= w.head_max),
    )
    unit, member_unit = aliased(OrgUnit), aliased(OrgUnit)
    columns = (
        col(Assignment.id),
        col(Assignment.unit_id),
        col(Assignment.due_date),
        days,
        col(Task.label),
        col(Task.title),
        col(unit.name),
        col(unit.path),
        col(User.id),
        col(Membership.role),
        col(User.language),
        # a follow-up of an inspection (khắc phục sau kiểm tra): the message says so
        sa.exists().where(col(Finding.assignment_id) == col(Assignment.id)).label("follow_up"),
    )

    def base() -> Any:
        return (
            sa.select(*columns)
            .select_from(Assignment)
            .join(Plan, col(Plan.id) == col(Assignment.plan_id))
            .join(Task, col(Task.id) == col(Assignment.task_id))
            .join(unit, col(unit.id) == col(Assignment.unit_id))
        )

    own = (
        base()
        .join(Membership, col(Membership.unit_id) == col(Assignment.unit_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            _candidates(today, w.horizon),
            own_window,
            col(Membership.role).in_(UNIT_WORKERS),
            col(User.is_active).is_(True),
        )
    )
    district = (
        base()
        .join(Membership, col(Membership.role) == Role.district_admin)
        .join(member_unit, col(member_unit.id) == col(Membership.unit_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            _candidates(today, w.horizon),
            col(Assignment.due_date) <= today - timedelta(days=w.district_min),
            col(Assignment.due_date) >= today - timedelta(days=w.district_max),
            _ancestor_of(unit, member_unit),
            col(unit.id) != col(member_unit.id),
            col(User.is_active).is_(True),
        )
    )
    return sa.union_all(own, district)


# --- reporting periods, self-assessment rounds, deliveries to the province (the daily pass) -----------------------

# Units that report to a period's owner: active communes (and departments) below it.
REPORTED = (ReportStatus.submitted, ReportStatus.accepted, ReportStatus.approved)
SELF_EDITABLE_SHEETS = (SheetStatus.not_started, SheetStatus.in_progress, SheetStatus.returned)
PORTAL_ROLES = frozenset(r for r, perms in ROLE_PERMISSIONS.items() if Permission.portal_manage in perms)


@dataclass(frozen=True)
class DateWindows:
    """Days relative to a date (negative before it) that can give an event today: ``lead`` days before (the
    longest N or opening lead of any district), and after it on days 1, 1 + repeat, … within ``grace``."""

    lead: int
    repeat: int
    grace: int


def _days_window(days: Any, w: DateWindows) -> Any:
    return sa.or_(
        sa.and_(days >= -w.lead, days <= 0),
        sa.and_(days >= 1, ((days - 1) % w.repeat) < w.grace),
    )


def _not_reported(period: Any, unit: Any) -> Any:
    return ~sa.exists().where(
        col(Report.period_id) == col(period.id),
        col(Report.unit_id) == col(unit.id),
        col(Report.level) == ReportLevel.unit,
        col(Report.status).in_(REPORTED),
    )


def periods_in_window(today: date, w: DateWindows) -> Any:
    """``(period id, owner unit id, owner path)`` of the periods whose units' deadline can give an event today (a
    handful of rows: the period statements below then run once per owner, driven by its subtree's path prefix)."""
    return (
        sa.select(col(ReportingPeriod.id), col(ReportingPeriod.owner_unit_id), col(OrgUnit.path))
        .join(OrgUnit, col(OrgUnit.id) == col(ReportingPeriod.owner_unit_id))
        .where(
            col(ReportingPeriod.due_unit) >= today - timedelta(days=w.repeat * 60),
            col(ReportingPeriod.due_unit) <= today + timedelta(days=w.lead),
        )
    )


def _late_units(
    today: date, w: DateWindows, owner: tuple[int, str, list[int]], columns: Any
) -> tuple[Any, Any, Any]:
    """``(select of columns over the owner's periods → units below it that have not reported, unit alias, days
    past the units' deadline)``: the common part of the two period statements (its first columns are the period's
    id, name, due date and the days). ``owner`` is (owner unit id, its path, its period ids)."""
    owner_id, owner_path, period_ids = owner
    unit = aliased(OrgUnit)
    period = ReportingPeriod
    days = days_between(col(period.due_unit), sa.literal(today, sa.Date()))
    stmt = (
        sa.select(col(period.id), col(period.name), col(period.due_unit), days.label("days"), *columns(unit))
        .select_from(unit)
        .join(period, col(period.id).in_(period_ids))
        .where(
            col(unit.path).startswith(owner_path),
            col(unit.id) != owner_id,
            col(unit.level) == UnitLevel.commune,
            col(unit.is_active).is_(True),
            _not_reported(period, unit),
        )
    )
    return stmt, unit, days


def period_unit_recipients(today: date, w: DateWindows, owner: tuple[int, str, list[int]]) -> Any:
    """One statement: for every reporting period whose units' deadline is within the lead or overdue (weekly),
    the head and officers of each unit below its owner that has not submitted its report. Columns: period id,
    period name, due date, days past it, unit id, unit name, unit path, user id, role."""
    stmt, unit, days = _late_units(
        today,
        w,
        owner,
        lambda u: (col(u.id), col(u.name), col(u.path), col(User.id), col(Membership.role)),
    )
    return (
        stmt.join(Membership, col(Membership.unit_id) == col(unit.id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            _days_window(days, w),
            col(Membership.role).in_(UNIT_WORKERS),
            col(User.is_active).is_(True),
        )
    )


def period_district_counts(today: date, w: DateWindows, owner: tuple[int, str, list[int]]) -> Any:
    """One statement: per overdue period and Phòng Nội vụ account (district admins of an ancestor of the late
    units), how many units below it have not reported. Columns: period id, period name, due date, days past it,
    the admin's unit id and name, user id, count."""
    member_unit = aliased(OrgUnit)
    stmt, unit, days = _late_units(
        today,
        w,
        owner,
        lambda u: (
            col(member_unit.id),
            col(member_unit.name),
            col(User.id),
            sa.func.count(sa.distinct(col(u.id))),
        ),
    )
    period = ReportingPeriod
    return (
        stmt.join(Membership, col(Membership.role) == Role.district_admin)
        .join(member_unit, col(member_unit.id) == col(Membership.unit_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            col(period.due_unit) < today,
            days >= 1,
            ((days - 1) % w.repeat) < w.grace,
            _ancestor_of(unit, member_unit),
            col(unit.id) != col(member_unit.id),
            col(User.is_active).is_(True),
        )
        .group_by(
            col(period.id),
            col(period.name),
            col(period.due_unit),
            col(member_unit.id),
            col(member_unit.name),
            col(User.id),
        )
    )


def round_recipients(today: date, lead: int, grace: int) -> Any:
    """One statement: sheets of open rounds whose self-assessment opened within the grace, or closes within
    ``lead`` days while the sheet is still the unit's to fill, with the unit's head and officers. Columns: round
    id, round name, self start, self end, sheet id, sheet status, unit id, unit name, unit path, user id."""
    unit = aliased(OrgUnit)
    r, sheet = AssessmentRound, AssessmentSheet
    opened = sa.and_(col(r.self_start_date) <= today, col(r.self_start_date) > today - timedelta(days=grace))
    closing = sa.and_(
        col(r.self_end_date) >= today,
        col(r.self_end_date) <= today + timedelta(days=lead),
        col(sheet.status).in_(SELF_EDITABLE_SHEETS),
    )
    return (
        sa.select(
            col(r.id),
            col(r.name),
            col(r.self_start_date),
            col(r.self_end_date),
            col(sheet.id),
            col(sheet.status),
            col(unit.id),
            col(unit.name),
            col(unit.path),
            col(User.id),
        )
        .select_from(r)
        .join(sheet, col(sheet.round_id) == col(r.id))
        .join(unit, col(unit.id) == col(sheet.unit_id))
        .join(Membership, col(Membership.unit_id) == col(unit.id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            col(r.status) == RoundStatus.open,
            sa.or_(opened, closing),
            col(Membership.role).in_(UNIT_WORKERS),
            col(User.is_active).is_(True),
        )
    )


def failing_deliveries(since: Any) -> Any:
    """Deliveries to the province still not delivered, queued before ``since`` and tried at least once, with the
    accounts that manage the portal delivery of their unit (``portal:manage`` over it). Columns: delivery id,
    report id, period name, unit id, unit name, unit path, created at, attempts, status, user id."""
    unit, member_unit = aliased(OrgUnit), aliased(OrgUnit)
    d = PortalDelivery
    return (
        sa.select(
            col(d.id),
            col(d.report_id),
            col(ReportingPeriod.name),
            col(unit.id),
            col(unit.name),
            col(unit.path),
            col(d.created_at),
            col(d.attempts),
            col(d.status),
            col(User.id),
        )
        .select_from(d)
        .join(Report, col(Report.id) == col(d.report_id))
        .join(ReportingPeriod, col(ReportingPeriod.id) == col(Report.period_id))
        .join(unit, col(unit.id) == col(d.unit_id))
        .join(Membership, col(Membership.role).in_(PORTAL_ROLES))
        .join(member_unit, col(member_unit.id) == col(Membership.unit_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            col(d.status).in_([DeliveryStatus.pending, DeliveryStatus.sending, DeliveryStatus.failed]),
            col(d.attempts) >= 1,
            col(d.created_at) <= since,
            _ancestor_of(unit, member_unit),
            col(User.is_active).is_(True),
        )
    )


def unit_members(unit_id: int, roles: frozenset[Role]) -> Any:
    """``(user_id, role)`` of active accounts with one of ``roles`` at exactly ``unit_id`` (a report's or a
    sheet's own unit: who works it and may read it)."""
    return (
        sa.select(col(User.id), col(Membership.role))
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(
            col(Membership.unit_id) == unit_id,
            col(Membership.role).in_(roles & READER_ROLES),
            col(User.is_active).is_(True),
        )
    )


def report_params(report_id: int) -> Any:
    """``(period id, period name, unit name)`` of one report (message parameters)."""
    return (
        sa.select(col(ReportingPeriod.id), col(ReportingPeriod.name), col(OrgUnit.name))
        .select_from(Report)
        .join(ReportingPeriod, col(ReportingPeriod.id) == col(Report.period_id))
        .join(OrgUnit, col(OrgUnit.id) == col(Report.unit_id))
        .where(col(Report.id) == report_id)
    )


def sheet_params(sheet_id: int) -> Any:
    """``(round id, round name, self end date, unit name)`` of one sheet."""
    return (
        sa.select(
            col(AssessmentRound.id),
            col(AssessmentRound.name),
            col(AssessmentRound.self_end_date),
            col(OrgUnit.name),
        )
        .select_from(AssessmentSheet)
        .join(AssessmentRound, col(AssessmentRound.id) == col(AssessmentSheet.round_id))
        .join(OrgUnit, col(OrgUnit.id) == col(AssessmentSheet.unit_id))
        .where(col(AssessmentSheet.id) == sheet_id)
    )


def templates_with_paths() -> Any:
    """``(NotificationTemplate, unit path)`` of every district's own texts: a few rows, read once per job run or
    inbox page and matched to a message's unit by path (the nearest ancestor's text wins)."""
    return sa.select(NotificationTemplate, col(OrgUnit.path)).join(
        OrgUnit, col(OrgUnit.id) == col(NotificationTemplate.unit_id)
    )


def unit_templates(unit_id: int) -> SelectOfScalar[NotificationTemplate]:
    """The own texts of one unit the caller already reached with ``scope.get_unit`` (plans:manage)."""
    return select(NotificationTemplate).where(col(NotificationTemplate.unit_id) == unit_id)


def district_settings() -> SelectOfScalar[NotificationSetting]:
    """Every district's N/M/K (a handful of rows; the job matches them to units by path)."""
    return select(NotificationSetting)


def unit_paths(unit_ids: Any) -> Any:
    return select(col(OrgUnit.id), col(OrgUnit.path)).where(col(OrgUnit.id).in_(unit_ids))


def preferences_of(user_ids: Any) -> SelectOfScalar[NotificationPreference]:
    """Preferences of the recipients (the job reads them once per run, not per message)."""
    return select(NotificationPreference).where(col(NotificationPreference.user_id).in_(user_ids))


def recipient_emails(user_ids: Any) -> Any:
    return sa.select(
        col(User.id), col(User.email), col(User.full_name), col(User.username), col(User.language)
    ).where(col(User.id).in_(user_ids))


# --- the caller's own messages and preferences -----------------------------------------------------------------


def visible_inbox(principal: Principal) -> SelectOfScalar[NotificationMessage]:
    """The caller's in-app messages (a token, having no inbox, sees none)."""
    if principal.user_id is None:
        return select(NotificationMessage).where(sa.false())
    return select(NotificationMessage).where(
        col(NotificationMessage.user_id) == principal.user_id,
        col(NotificationMessage.channel) == NotificationChannel.inbox,
    )


def own_preferences(principal: Principal) -> SelectOfScalar[NotificationPreference]:
    return select(NotificationPreference).where(
        col(NotificationPreference.user_id) == (principal.user_id or 0)
    )


def visible_settings(principal: Principal, permission: Permission) -> Any:
    """``(NotificationSetting, unit)`` of units in reach with ``permission``."""
    from api.authz.scope import unit_condition

    return (
        select(NotificationSetting, OrgUnit)
        .join(OrgUnit, col(OrgUnit.id) == col(NotificationSetting.unit_id))
        .where(unit_condition(principal, permission))
    )


def parked_count(principal: Principal, permission: Permission) -> Any:
    """Messages that kept failing, about objects of units in reach (administrators see and retry them)."""
    from api.authz.scope import unit_condition

    return (
        select(sa.func.count())
        .select_from(NotificationMessage)
        .join(OrgUnit, col(OrgUnit.id) == col(NotificationMessage.unit_id))
        .where(col(NotificationMessage.status) == MessageStatus.parked, unit_condition(principal, permission))
    )


def parked_in_reach(principal: Principal, permission: Permission) -> Any:
    """Ids of parked messages about objects of units in reach (uncorrelated, for an UPDATE … WHERE id IN)."""
    from api.authz.scope import unit_ids_subquery

    return select(col(NotificationMessage.id)).where(
        col(NotificationMessage.status) == MessageStatus.parked,
        col(NotificationMessage.unit_id).in_(unit_ids_subquery(principal, permission)),
    )


# --- the delivery job (runs as the system, no principal) ------------------------------------------------------


def digest_members(digest_id: int) -> SelectOfScalar[NotificationMessage]:
    return (
        select(NotificationMessage)
        .where(col(NotificationMessage.digest_id) == digest_id)
        .order_by(col(NotificationMessage.id))
    )


def waiting_digests(today: date) -> Any:
    """``(user_id, digest date)`` with e-mails waiting for a digest of that day or earlier."""
    return (
        select(col(NotificationMessage.user_id), sa.func.max(col(NotificationMessage.digest_date)))
        .where(
            col(NotificationMessage.status) == MessageStatus.waiting_digest,
            col(NotificationMessage.digest_date) <= today,
        )
        .group_by(col(NotificationMessage.user_id))
    )


def digest_hours(user_ids: Any) -> Any:
    return select(col(NotificationPreference.user_id), col(NotificationPreference.digest_hour)).where(
        col(NotificationPreference.user_id).in_(user_ids), col(NotificationPreference.kind) == "*"
    )


def digest_by_key(key: str) -> SelectOfScalar[NotificationMessage]:
    return select(NotificationMessage).where(col(NotificationMessage.idempotency_key) == key)


def outbox_backlog() -> Any:
    """``(count, oldest created_at)`` of e-mails and webhook calls still to send (for ``/metrics``)."""
    return sa.select(sa.func.count(), sa.func.min(col(NotificationMessage.created_at))).where(
        col(NotificationMessage.status).in_([MessageStatus.pending, MessageStatus.sending])
    )
