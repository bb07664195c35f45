"""The report-outline part of the scoping module: report outlines (đề cương), their indicators and the values units
entered on their reports. Like :mod:`api.authz.scope_scoring`, every select of these tables lives here.

An outline is readable by anyone with ``reports:read`` when it is a shipped default (no owner) or owned by an
ancestor-or-self of the caller's units or a unit in the caller's subtree (like report templates); it is changed
with ``reports:review`` over its owner. Indicator values are reached through their report
(:func:`api.authz.scope.get_report` first), so the functions taking a report or period id expect that check done.
"""

from typing import Any

from sqlalchemy import exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.authz.scope import _first_or_404, ancestor_condition, unit_condition
from api.models import OrgUnit, Report, ReportLevel, User
from api.models.report_outline import Indicator, IndicatorValue, ReportOutline

P = Permission


def visible_outlines(
    principal: Principal, permission: Permission = P.reports_read
) -> SelectOfScalar[ReportOutline]:
    """Shipped defaults and the outlines of units in reach (read: also those of the caller's ancestors).

    With a permission other than ``reports:read`` (edit, copy) only outlines owned by units the caller reaches with
    it: a shipped default is never changed in place."""
    owner = aliased(OrgUnit)
    if permission == P.reports_read:
        if not principal.grants_for(permission):
            return select(ReportOutline).where(col(ReportOutline.id).is_(None))
        reach = or_(
            ancestor_condition(principal, permission, owner), unit_condition(principal, permission, owner)
        )
        owned = exists(select(owner.id).where(owner.id == ReportOutline.owner_unit_id, reach))
        return select(ReportOutline).where(or_(col(ReportOutline.owner_unit_id).is_(None), owned))
    mine = unit_condition(principal, permission, owner)
    return select(ReportOutline).where(
        exists(select(owner.id).where(owner.id == ReportOutline.owner_unit_id, mine))
    )


def get_outline(
    session: Session, principal: Principal, outline_id: int, permission: Permission = P.reports_read
) -> ReportOutline:
    stmt = visible_outlines(principal, permission).where(col(ReportOutline.id) == outline_id)
    return _first_or_404(session, stmt, "Đề cương báo cáo", "Report outline")  # type: ignore[no-any-return]


def outline_indicators(outline_ids: Any) -> SelectOfScalar[Indicator]:
    """Indicators of outlines the caller already reached, in table order."""
    return (
        select(Indicator)
        .where(col(Indicator.outline_id).in_(outline_ids))
        .order_by(col(Indicator.outline_id), col(Indicator.order), col(Indicator.id))
    )


def outlines_for_report(owner_unit_id: int, level: ReportLevel) -> SelectOfScalar[ReportOutline]:
    """Candidate outlines of a report the caller reached: the period owner's own and the shipped defaults of its
    level (the caller picks by owner, then unit kind)."""
    return (
        select(ReportOutline)
        .where(
            col(ReportOutline.level) == level,
            or_(
                col(ReportOutline.owner_unit_id).is_(None), col(ReportOutline.owner_unit_id) == owner_unit_id
            ),
        )
        .order_by(col(ReportOutline.id))
    )


def report_values(report_id: int) -> Any:
    """(value row, indicator code) entered on a report the caller reached."""
    return (
        select(IndicatorValue, col(Indicator.code))
        .join(Indicator, col(Indicator.id) == col(IndicatorValue.indicator_id))
        .where(col(IndicatorValue.report_id) == report_id)
    )


def period_unit_values(period_id: int, district: OrgUnit) -> Any:
    """(unit id, indicator code, value) entered on the unit-level reports of one period in the owner's subtree, for
    the aggregated report the caller reached (see :func:`api.authz.scope.period_unit_reports`)."""
    return (
        select(col(IndicatorValue.unit_id), col(Indicator.code), col(IndicatorValue.value))
        .join(Indicator, col(Indicator.id) == col(IndicatorValue.indicator_id))
        .join(Report, col(Report.id) == col(IndicatorValue.report_id))
        .join(OrgUnit, col(OrgUnit.id) == col(Report.unit_id))
        .where(
            col(Report.period_id) == period_id,
            col(Report.level) == ReportLevel.unit,
            col(OrgUnit.path).startswith(district.path),
            col(OrgUnit.id) != district.id,
            col(IndicatorValue.value).is_not(None),
        )
    )


def subtree_unit_ids(unit: OrgUnit) -> Any:
    """Ids of a unit reached by the caller and every unit under it (the aggregated report's activities)."""
    return select(col(OrgUnit.id)).where(col(OrgUnit.path).startswith(unit.path))


def shipped_outlines() -> SelectOfScalar[ReportOutline]:
    """The shipped defaults (seeding checks what exists)."""
    return select(ReportOutline).where(col(ReportOutline.owner_unit_id).is_(None))


def values_of_indicators(indicator_ids: Any) -> Any:
    """How many values were entered against these indicators (of an outline the caller may edit)."""
    return select(func.count(col(IndicatorValue.id))).where(
        col(IndicatorValue.indicator_id).in_(indicator_ids)
    )


def user_names(user_ids: Any) -> Any:
    """(id, full name) of the people who entered values on a report the caller reached."""
    return select(col(User.id), col(User.full_name)).where(col(User.id).in_(list(user_ids)))
