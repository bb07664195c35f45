"""Row visibility of the SIPAS survey (surveys, desks, responses, official results) — part of the scoping module.

Re-exported through :mod:`api.authz.scope` callers as ``scope_survey.<name>``. The rules:

- a survey: the shipped defaults (no owner) and those owned by an ancestor-or-self or a descendant of the caller's
  units (``surveys:read``); drafts only to whoever may manage there; editing (``surveys:manage``) only the surveys
  owned by a unit in the caller's reach;
- a collection point (desk) and its responses: by the desk's unit — a commune's people see their own desks, the
  district's roles their whole subtree (``surveys:read``, ``surveys:manage``, ``surveys:enter``);
- official SIPAS results: by the unit they belong to;
- the public form has no principal: the desk is found by the id in its token, which the caller then verifies
  (:func:`public_point`), and nothing else is selected for it but the survey's questions.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, exists, false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.models import Assignment, OrgUnit, Task, TaskNode
from api.models.survey import (
    CollectionPoint,
    SipasOfficialResult,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)

P = Permission


def _scope() -> Any:
    from api.authz import scope

    return scope


# --- surveys ----------------------------------------------------------------------------------------------


def _survey_condition(principal: Principal, permission: Permission) -> ColumnElement[bool]:
    sc = _scope()
    owner = aliased(OrgUnit)
    if permission == P.surveys_manage:
        return exists(
            select(owner.id).where(
                owner.id == Survey.owner_unit_id, sc.unit_condition(principal, P.surveys_manage, owner)
            )
        )
    related = exists(
        select(owner.id).where(
            owner.id == Survey.owner_unit_id,
            or_(
                sc.unit_condition(principal, permission, owner),
                sc.ancestor_condition(principal, permission, owner),
            ),
        )
    )
    managed = exists(
        select(owner.id).where(
            owner.id == Survey.owner_unit_id, sc.unit_condition(principal, P.surveys_manage, owner)
        )
    )
    shared = and_(col(Survey.owner_unit_id).is_(None), col(Survey.status) != SurveyStatus.draft.value)
    return or_(shared, and_(related, or_(col(Survey.status) != SurveyStatus.draft.value, managed)))


def visible_surveys(principal: Principal, permission: Permission = P.surveys_read) -> SelectOfScalar[Survey]:
    if not principal.has(permission):
        return select(Survey).where(false())
    return select(Survey).where(_survey_condition(principal, permission))


def get_survey(
    session: Session, principal: Principal, survey_id: int, permission: Permission = P.surveys_read
) -> Survey:
    stmt = visible_surveys(principal, permission).where(Survey.id == survey_id)
    return _scope()._first_or_404(session, stmt, "Phiếu khảo sát", "Survey")  # type: ignore[no-any-return]


def survey_questions(survey_ids: list[int]) -> SelectOfScalar[SurveyQuestion]:
    """Questions of surveys the caller already reached, in order."""
    return (
        select(SurveyQuestion)
        .where(col(SurveyQuestion.survey_id).in_(survey_ids))
        .order_by(col(SurveyQuestion.survey_id), col(SurveyQuestion.order), col(SurveyQuestion.id))
    )


def surveys_by_ids(survey_ids: list[int]) -> SelectOfScalar[Survey]:
    """Surveys of desks the caller already reached (a desk may use a survey owned above the caller)."""
    return select(Survey).where(col(Survey.id).in_(survey_ids))


def survey_versions(code: str) -> Any:
    """Highest version number of a survey code (natural key across owners: codes are global)."""
    return select(func.max(Survey.version)).where(Survey.code == code)


def default_survey() -> SelectOfScalar[Survey]:
    """The shipped default (no owner), newest published version first."""
    return (
        select(Survey)
        .where(col(Survey.owner_unit_id).is_(None), Survey.status == SurveyStatus.published)
        .order_by(col(Survey.version).desc())
    )


def points_using(survey_id: int) -> Any:
    return select(func.count()).select_from(CollectionPoint).where(CollectionPoint.survey_id == survey_id)


# --- collection points ------------------------------------------------------------------------------------


def visible_points(
    principal: Principal, permission: Permission = P.surveys_read
) -> SelectOfScalar[CollectionPoint]:
    """Desks of units in reach, joined to ``OrgUnit`` (filters by unit are free)."""
    return (
        select(CollectionPoint)
        .join(OrgUnit, col(OrgUnit.id) == col(CollectionPoint.unit_id))
        .where(_scope().unit_condition(principal, permission))
    )


def get_point(
    session: Session, principal: Principal, point_id: int, permission: Permission = P.surveys_read
) -> CollectionPoint:
    stmt = visible_points(principal, permission).where(CollectionPoint.id == point_id)
    return _scope()._first_or_404(session, stmt, "Điểm khảo sát", "Collection point")  # type: ignore[no-any-return]


def point_rows(point_ids: list[int]) -> Any:
    """(point, unit name, survey name) of desks already reached."""
    return (
        select(CollectionPoint, OrgUnit.name, Survey.name)
        .join(OrgUnit, col(OrgUnit.id) == col(CollectionPoint.unit_id))
        .join(Survey, col(Survey.id) == col(CollectionPoint.survey_id))
        .where(col(CollectionPoint.id).in_(point_ids))
    )


def point_code_taken(code: str) -> Any:
    """Desk codes are global natural keys (they name the desk in paper-form imports)."""
    return select(CollectionPoint.id).where(CollectionPoint.code == code)


def points_by_codes(principal: Principal, codes: list[str], permission: Permission) -> Any:
    return visible_points(principal, permission).where(col(CollectionPoint.code).in_(codes))


# --- the public form (no principal: the token is the credential) -----------------------------------------


def public_point(point_id: int) -> Any:
    """(point, unit name, survey) of an active desk whose survey is published; the caller checks the token."""
    return (
        select(CollectionPoint, OrgUnit.name, Survey)
        .join(OrgUnit, col(OrgUnit.id) == col(CollectionPoint.unit_id))
        .join(Survey, col(Survey.id) == col(CollectionPoint.survey_id))
        .where(
            CollectionPoint.id == point_id,
            col(CollectionPoint.active).is_(True),
            Survey.status == SurveyStatus.published,
        )
    )


def live_checks(
    point_id: int,
    burst_since: datetime,
    client_hash: str | None,
    answers_hash: str,
    duplicate_since: datetime,
) -> Any:
    """One row: answers at the desk since ``burst_since`` (burst flag), and whether the same device sent the same
    answers since ``duplicate_since`` (duplicate flag; false without a device id)."""
    recent = recent_at_point(point_id, burst_since).scalar_subquery()
    if client_hash is None:
        return select(recent, sa.false())
    return select(recent, exists(same_answers_since(client_hash, answers_hash, duplicate_since)))


def recent_at_point(point_id: int, since: datetime) -> Any:
    """How many answers the desk received since ``since`` (burst flag)."""
    return (
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.point_id == point_id, col(SurveyResponse.submitted_at) >= since)
    )


def same_answers_since(client_hash: str, answers_hash: str, since: datetime) -> Any:
    """An earlier response of the same device with the same answers since ``since`` (duplicate flag)."""
    return (
        select(SurveyResponse.id)
        .where(
            SurveyResponse.client_hash == client_hash,
            col(SurveyResponse.submitted_at) >= since,
            SurveyResponse.answers_hash == answers_hash,
        )
        .limit(1)
    )


# --- responses and their aggregates -----------------------------------------------------------------------


def _answers(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(SurveyAnswer)
        .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
        .join(SurveyQuestion, col(SurveyQuestion.id) == col(SurveyAnswer.question_id))
        .join(OrgUnit, col(OrgUnit.id) == col(SurveyResponse.unit_id))
    )


def _responses(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(SurveyResponse)
        .join(OrgUnit, col(OrgUnit.id) == col(SurveyResponse.unit_id))
    )


def answers_in_reach(principal: Principal, *columns: Any) -> Any:
    """``SELECT columns`` over answers ⋈ responses ⋈ questions ⋈ the desk's unit, limited to desks in reach."""
    return _answers(*columns).where(_scope().unit_condition(principal, P.surveys_read))


def responses_in_reach(principal: Principal, *columns: Any) -> Any:
    """``SELECT columns`` over responses ⋈ the desk's unit, limited to desks in reach."""
    return _responses(*columns).where(_scope().unit_condition(principal, P.surveys_read))


# --- a periodic report's own scope (the report was reached already; issue 20) ------------------------------
# A unit's report reads only the answers of its own desks; the district's report those of every desk of its
# subtree. Nothing here widens the reach: the caller got the report (and its unit) through ``scope``.


def report_units(unit: OrgUnit, subtree: bool) -> ColumnElement[bool]:
    return col(OrgUnit.path).startswith(unit.path) if subtree else col(OrgUnit.id) == unit.id


def report_answers(unit: OrgUnit, subtree: bool, *columns: Any) -> Any:
    return _answers(*columns).where(report_units(unit, subtree))


def report_responses(unit: OrgUnit, subtree: bool, *columns: Any) -> Any:
    return _responses(*columns).where(report_units(unit, subtree))


def report_official(unit: OrgUnit, subtree: bool) -> Any:
    """(result, unit code, unit name) of the report's own unit (and, for the district, its subtree)."""
    return (
        select(SipasOfficialResult, OrgUnit.code, OrgUnit.name)
        .join(OrgUnit, col(OrgUnit.id) == col(SipasOfficialResult.unit_id))
        .where(report_units(unit, subtree))
    )


def nodes_by_ids(node_ids: list[int]) -> Any:
    """Framework nodes the questions of answers already reached link to (their ``max_points`` are the weights)."""
    from api.models import FrameworkNode

    return select(FrameworkNode).where(col(FrameworkNode.id).in_(node_ids))


def units_with_names(unit_ids: list[int]) -> Any:
    return select(OrgUnit.id, OrgUnit.name, OrgUnit.code).where(col(OrgUnit.id).in_(unit_ids))


# --- official results -------------------------------------------------------------------------------------


def visible_official(
    principal: Principal, permission: Permission = P.surveys_read
) -> SelectOfScalar[SipasOfficialResult]:
    return (
        select(SipasOfficialResult)
        .join(OrgUnit, col(OrgUnit.id) == col(SipasOfficialResult.unit_id))
        .where(_scope().unit_condition(principal, permission))
    )


def official_rows(principal: Principal, permission: Permission = P.surveys_read) -> Any:
    """(result, unit code, unit name) in reach."""
    return (
        select(SipasOfficialResult, OrgUnit.code, OrgUnit.name)
        .join(OrgUnit, col(OrgUnit.id) == col(SipasOfficialResult.unit_id))
        .where(_scope().unit_condition(principal, permission))
    )


# --- plan tasks linked to the SIPAS nodes -----------------------------------------------------------------


def linked_task_buckets(principal: Principal, node_ids: list[int], today: date) -> Any:
    """(node id, task id, label, title, plan id, bucket, assignments) of the caller's visible work on tasks linked
    to ``node_ids`` — the buckets of :mod:`api.assignments.buckets`, the one definition."""
    return _linked(node_ids, today, _scope().assignment_scope_condition(principal))


def report_linked_task_buckets(unit: OrgUnit, subtree: bool, node_ids: list[int], today: date) -> Any:
    """:func:`linked_task_buckets` limited to the assignments of a report's own unit (or subtree)."""
    return _linked(node_ids, today, report_units(unit, subtree))


def _linked(node_ids: list[int], today: date, condition: Any) -> Any:
    from api.assignments.buckets import bucket_expr

    bucket = bucket_expr(today).label("bucket")
    return (
        select(  # type: ignore[call-overload]
            col(TaskNode.node_id),
            col(Task.id),
            col(Task.label),
            col(Task.title),
            col(Task.plan_id),
            bucket,
            func.count(col(Assignment.id)),
        )
        .select_from(Assignment)
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .join(Task, col(Task.id) == col(Assignment.task_id))
        .join(TaskNode, col(TaskNode.task_id) == col(Task.id))
        .where(col(TaskNode.node_id).in_(node_ids), condition)
        .group_by(TaskNode.node_id, Task.id, Task.label, Task.title, Task.plan_id, bucket)
        .order_by(col(TaskNode.node_id), col(Task.id))
    )


def date_between(column: Any, start: date | None, end: date | None) -> ColumnElement[bool]:
    parts = []
    if start is not None:
        parts.append(column >= start)
    if end is not None:
        parts.append(column <= end)
    return and_(sa.true(), *parts)
