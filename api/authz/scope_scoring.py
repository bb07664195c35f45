"""Row visibility of index scoring (rounds, sheets, scores, official results) — part of the scoping module.

Re-exported by :mod:`api.authz.scope`; callers write ``scope.visible_sheets(...)``. The rules:

- a unit's sheet and scores: the unit itself and whoever reaches it from above (appraisers, leaders, observers)
  with ``assessments:read`` — before and after publication alike;
- appraising and approving act only from a **strict** ancestor (a Phòng Nội vụ never appraises its own district's
  sheet, a leader never approves his own unit's);
- a round: whoever runs it (owner unit in reach) or is scored in it (a sheet of one of its units in reach);
- the ranking of a **published** round: every user under the unit that ran it (``results:read``);
- official results: like sheets, by the unit they belong to.
"""

from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.models import (
    AssessmentRound,
    AssessmentSheet,
    Evidence,
    EvidenceOwner,
    Framework,
    FrameworkNode,
    OfficialResult,
    OrgUnit,
    RoundStatus,
    Score,
    ScoreEvidence,
)

P = Permission


def _scope() -> Any:
    from api.authz import scope

    return scope


def strictly_below_condition(principal: Principal, permission: Permission, unit: Any = OrgUnit) -> Any:
    """True for units reached with ``permission`` through a subtree grant held at a strict ancestor."""
    parts: list[ColumnElement[bool]] = [
        and_(unit.path.startswith(g.unit_path), unit.id != g.unit_id)
        for g in principal.grants_for(permission)
        if g.subtree
    ]
    return or_(*parts) if parts else false()


def _unit_reach(principal: Principal, permission: Permission, unit: Any = OrgUnit) -> Any:
    if permission in (P.assessments_appraise, P.assessments_approve):
        return strictly_below_condition(principal, permission, unit)
    return _scope().unit_condition(principal, permission, unit)


# --- rounds ---------------------------------------------------------------------------------------------------


def visible_rounds(
    principal: Principal, permission: Permission = P.assessments_read
) -> SelectOfScalar[AssessmentRound]:
    """Rounds the caller runs (owner in reach) or is scored in (a sheet of a unit in reach).

    With ``assessments:manage`` only the rounds whose owner unit is in the caller's reach. With ``results:read``,
    published rounds run by an ancestor-or-self of the caller's units (the ranking is public below the owner).
    """
    sc = _scope()
    owner = aliased(OrgUnit)
    owner_reached = exists(
        select(owner.id).where(
            owner.id == AssessmentRound.owner_unit_id, sc.unit_condition(principal, permission, owner)
        )
    )
    if permission == P.assessments_manage:
        return select(AssessmentRound).where(owner_reached)
    if permission == P.results_read:
        under_owner = exists(
            select(owner.id).where(
                owner.id == AssessmentRound.owner_unit_id,
                or_(
                    sc.ancestor_condition(principal, permission, owner),
                    sc.unit_condition(principal, permission, owner),
                ),
            )
        )
        return select(AssessmentRound).where(AssessmentRound.status == RoundStatus.published, under_owner)
    unit = aliased(OrgUnit)
    scored = exists(
        select(AssessmentSheet.id)
        .join(unit, col(unit.id) == col(AssessmentSheet.unit_id))
        .where(AssessmentSheet.round_id == AssessmentRound.id, sc.unit_condition(principal, permission, unit))
    )
    return select(AssessmentRound).where(or_(owner_reached, scored))


def get_round(
    session: Session, principal: Principal, round_id: int, permission: Permission = P.assessments_read
) -> AssessmentRound:
    stmt = visible_rounds(principal, permission).where(AssessmentRound.id == round_id)
    return _scope()._first_or_404(session, stmt, "Đợt đánh giá", "Assessment round")  # type: ignore[no-any-return]


def get_round_readable(session: Session, principal: Principal, round_id: int) -> AssessmentRound:
    """A round reached either as a participant (``assessments:read``) or as a reader of its published results."""
    sc = _scope()
    ids = visible_rounds(principal, P.assessments_read).with_only_columns(col(AssessmentRound.id))
    if principal.has(P.results_read):
        published = visible_rounds(principal, P.results_read).with_only_columns(col(AssessmentRound.id))
        cond = or_(col(AssessmentRound.id).in_(ids), col(AssessmentRound.id).in_(published))
    else:
        cond = col(AssessmentRound.id).in_(ids)
    stmt = select(AssessmentRound).where(AssessmentRound.id == round_id, cond)
    return sc._first_or_404(session, stmt, "Đợt đánh giá", "Assessment round")  # type: ignore[no-any-return]


def candidate_units(owner: OrgUnit) -> SelectOfScalar[OrgUnit]:
    """Active units strictly under a round's owner (the caller already manages the owner)."""
    return select(OrgUnit).where(
        col(OrgUnit.path).startswith(owner.path), OrgUnit.id != owner.id, col(OrgUnit.is_active).is_(True)
    )


# --- sheets and scores ------------------------------------------------------------------------------------------


def visible_sheets(
    principal: Principal, permission: Permission = P.assessments_read
) -> SelectOfScalar[AssessmentSheet]:
    """Sheets of units in reach (appraise/approve: strictly below the caller), joined to ``OrgUnit``."""
    return (
        select(AssessmentSheet)
        .join(OrgUnit, col(OrgUnit.id) == col(AssessmentSheet.unit_id))
        .where(_unit_reach(principal, permission))
    )


def get_sheet(
    session: Session, principal: Principal, sheet_id: int, permission: Permission = P.assessments_read
) -> AssessmentSheet:
    stmt = visible_sheets(principal, permission).where(AssessmentSheet.id == sheet_id)
    return _scope()._first_or_404(session, stmt, "Phiếu chấm điểm", "Assessment sheet")  # type: ignore[no-any-return]


def round_sheets(round_id: int) -> Any:
    """``(sheet, unit)`` of every unit of a round the caller already reached as its owner or as a result reader."""
    return (
        select(AssessmentSheet, OrgUnit)
        .join(OrgUnit, col(OrgUnit.id) == col(AssessmentSheet.unit_id))
        .where(AssessmentSheet.round_id == round_id)
        .order_by(col(OrgUnit.path))
    )


def sheet_scores(sheet_ids: Any) -> SelectOfScalar[Score]:
    """Scores of sheets the caller already reached (``get_sheet`` / ``visible_sheets``)."""
    return select(Score).where(col(Score.sheet_id).in_(sheet_ids))


def round_nodes(framework_id: int) -> SelectOfScalar[FrameworkNode]:
    """Nodes of the framework of a round already reached (the round makes its framework readable)."""
    return select(FrameworkNode).where(FrameworkNode.framework_id == framework_id)


def score_evidence_rows(score_ids: Any) -> Any:
    """``(score_id, Evidence)`` cited by scores already reached; deleted evidence is left out."""
    return (
        select(col(ScoreEvidence.score_id), Evidence)
        .join(Evidence, col(Evidence.id) == col(ScoreEvidence.evidence_id))
        .where(col(ScoreEvidence.score_id).in_(score_ids), col(Evidence.deleted_at).is_(None))
        .order_by(col(Evidence.id))
    )


def score_evidence_links(score_ids: Any) -> SelectOfScalar[ScoreEvidence]:
    """Link rows of scores already reached (to replace a score's evidence list)."""
    return select(ScoreEvidence).where(col(ScoreEvidence.score_id).in_(score_ids))


# --- official results ---------------------------------------------------------------------------------------------


def visible_official_results(
    principal: Principal, permission: Permission = P.assessments_read
) -> SelectOfScalar[OfficialResult]:
    return (
        select(OfficialResult)
        .join(OrgUnit, col(OrgUnit.id) == col(OfficialResult.unit_id))
        .where(_scope().unit_condition(principal, permission))
    )


# --- self-assessment, appraisal and approval workflow (api/scoring/service.py, workflow.py, appraisal.py) -------


def reaches_unit(principal: Principal, permission: Permission, unit: OrgUnit) -> bool:
    """In Python, what :func:`visible_sheets` decides in SQL for one unit already loaded (``allowed_actions``)."""
    if permission in (P.assessments_appraise, P.assessments_approve):
        return any(
            g.subtree and unit.path.startswith(g.unit_path) and unit.id != g.unit_id
            for g in principal.grants_for(permission)
        )
    return principal.covers(permission, unit.id or 0, unit.path)


def sheet_round(round_id: int) -> SelectOfScalar[AssessmentRound]:
    """The round of a sheet already reached (``get_sheet``): reaching a sheet makes its round readable."""
    return select(AssessmentRound).where(AssessmentRound.id == round_id)


def round_frameworks(framework_ids: Any) -> SelectOfScalar[Framework]:
    """Frameworks of rounds already reached (a round makes its framework readable to whoever it scores)."""
    return select(Framework).where(col(Framework.id).in_(framework_ids))


def sheet_evidence_candidates(
    principal: Principal, sheet: AssessmentSheet, node_ids: Any
) -> SelectOfScalar[Evidence]:
    """Evidence a sheet's score may cite, newest version of each series, readable by the caller and belonging to the
    sheet's unit: documents of the unit's assignments whose task is linked to one of ``node_ids``, then the sheet's
    own uploads. Ordered assignments first."""
    from api.models import Assignment, TaskNode

    sc = _scope()
    linked_assignment = exists(
        select(Assignment.id)
        .join(TaskNode, col(TaskNode.task_id) == col(Assignment.task_id))
        .where(
            Assignment.id == Evidence.owner_id,
            Assignment.unit_id == sheet.unit_id,
            col(TaskNode.node_id).in_(node_ids),
        )
    )
    from_assignments = and_(col(Evidence.owner_type) == EvidenceOwner.assignment, linked_assignment)
    from_sheet = and_(col(Evidence.owner_type) == EvidenceOwner.sheet, col(Evidence.owner_id) == sheet.id)
    latest = (
        sc.visible_evidence(principal)
        .where(col(Evidence.unit_id) == sheet.unit_id)
        .with_only_columns(func.max(col(Evidence.id)))
        .group_by(col(Evidence.series_id))
    )
    return (
        sc.visible_evidence(principal)
        .where(
            col(Evidence.unit_id) == sheet.unit_id,
            or_(from_assignments, from_sheet),
            col(Evidence.id).in_(latest),
        )
        .order_by(
            case((col(Evidence.owner_type) == EvidenceOwner.sheet, 1), else_=0), col(Evidence.id).desc()
        )
    )


def linkable_evidence(
    principal: Principal, unit_id: int, evidence_ids: list[int]
) -> SelectOfScalar[Evidence]:
    """Live evidence the caller can read AND that belongs to ``unit_id`` (what a score of that unit may cite)."""
    return (
        _scope()
        .visible_evidence(principal)
        .where(col(Evidence.unit_id) == unit_id, col(Evidence.id).in_(evidence_ids))
    )


# --- results, ranking, official results, points at risk (api/scoring/results.py, official.py, risk.py) ----------


def results_public(principal: Principal, round_id: int) -> Any:
    """``SELECT 1`` when the round is published and the caller reads its ranking as a user under its owner."""
    return (
        visible_rounds(principal, P.results_read)
        .with_only_columns(col(AssessmentRound.id))
        .where(col(AssessmentRound.id) == round_id)
    )


def result_sheets(principal: Principal, round_id: int, *, everyone: bool) -> Any:
    """``(id, unit_id, status, unit_code, unit_name, in_round)`` of the sheets of a round reached already.

    ``everyone``: the round is published and the caller reads its ranking (:func:`results_public`): every unit.
    Otherwise only the sheets of units in the caller's reach (``assessments:read``): before publication a
    commune sees its own totals, never another's. ``in_round`` counts every sheet of the round (a number, no
    unit), so the caller knows whether the list is the whole round (ranks are only given for the whole round).
    """
    in_round = (
        select(func.count(col(AssessmentSheet.id)))
        .where(AssessmentSheet.round_id == round_id)
        .scalar_subquery()
    )
    base = (
        round_sheets(round_id)
        if everyone
        else visible_sheets(principal).where(col(AssessmentSheet.round_id) == round_id)
    )
    return base.with_only_columns(
        col(AssessmentSheet.id).label("id"),
        col(AssessmentSheet.unit_id).label("unit_id"),
        col(AssessmentSheet.status).label("status"),
        col(OrgUnit.code).label("unit_code"),
        col(OrgUnit.name).label("unit_name"),
        in_round.label("in_round"),
    ).order_by(None)


def framework_of(framework_id: int) -> SelectOfScalar[Framework]:
    """The framework of a round or of a framework already reached (a round makes its framework readable)."""
    return select(Framework).where(Framework.id == framework_id)


def nodes_of_frameworks(framework_ids: list[int]) -> SelectOfScalar[FrameworkNode]:
    """Nodes of frameworks already reached (a sheet's round and the previous year's)."""
    return select(FrameworkNode).where(col(FrameworkNode.framework_id).in_(framework_ids))


def previous_sheets(principal: Principal, unit_id: int, year: int, framework_ids: list[int]) -> Any:
    """``(AssessmentSheet, AssessmentRound)`` of the unit in rounds of ``year`` on one of ``framework_ids``;
    the unit is already reached (its current sheet), the scope applies again."""
    return (
        visible_sheets(principal)
        .join(AssessmentRound, col(AssessmentRound.id) == col(AssessmentSheet.round_id))
        .where(
            AssessmentSheet.unit_id == unit_id,
            AssessmentRound.year == year,
            col(AssessmentRound.framework_id).in_(framework_ids),
        )
        .add_columns(AssessmentRound)
    )


def official_results_of(unit_id: int, framework_ids: list[int], year: int) -> SelectOfScalar[OfficialResult]:
    """Official results of a unit already reached (its sheet), for the round's year and framework."""
    return select(OfficialResult).where(
        OfficialResult.unit_id == unit_id,
        col(OfficialResult.framework_id).in_(framework_ids),
        OfficialResult.year == year,
    )


def official_results_by_keys(principal: Principal, unit_ids: list[int], framework_ids: list[int]) -> Any:
    """Existing rows an import may update: units in the caller's ``assessments:manage`` reach."""
    return visible_official_results(principal, P.assessments_manage).where(
        col(OfficialResult.unit_id).in_(unit_ids), col(OfficialResult.framework_id).in_(framework_ids)
    )


def frameworks_by_codes(principal: Principal, codes: list[str]) -> SelectOfScalar[Framework]:
    """Readable frameworks named by code in an import."""
    return _scope().visible_frameworks(principal).where(col(Framework.code).in_(codes))


def official_result_rows(principal: Principal) -> Any:
    """``(OfficialResult, unit code, unit name, framework code, framework name, node title)`` in reach."""
    node: Any = aliased(FrameworkNode)
    return (
        visible_official_results(principal)
        .join(Framework, col(Framework.id) == col(OfficialResult.framework_id))
        .outerjoin(node, node.id == OfficialResult.node_id)
        .add_columns(
            col(OrgUnit.code), col(OrgUnit.name), col(Framework.code), col(Framework.name), node.title
        )
    )


def risk_units(principal: Principal, permission: Permission) -> SelectOfScalar[OrgUnit]:
    """Active units in reach whose points at risk are computed (the service narrows by applicability)."""
    return select(OrgUnit).where(
        _scope().unit_condition(principal, permission), col(OrgUnit.is_active).is_(True)
    )


def risk_links(framework_id: int) -> Any:
    """``(leaf_id, task_id)``: a task linked (``TaskNode``) to a leaf of the framework or to one of its
    ancestors covers that leaf (a task meant to raise a lĩnh vực covers its tiêu chí). Framework data only."""
    from api.models import TaskNode

    leaf: Any = aliased(FrameworkNode)
    linked: Any = aliased(FrameworkNode)
    child: Any = aliased(FrameworkNode)
    return (
        select(leaf.id.label("leaf_id"), col(TaskNode.task_id).label("task_id"))
        .join(linked, linked.framework_id == leaf.framework_id)
        .join(TaskNode, col(TaskNode.node_id) == linked.id)
        .where(
            leaf.framework_id == framework_id,
            leaf.path.startswith(linked.path),
            ~exists(select(child.id).where(child.parent_id == leaf.id)),
        )
        .distinct()
    )


def risk_assignments(unit_ids: Any, year: int) -> Any:
    """Assignments of units already in reach (:func:`risk_units`) on issued plans of ``year`` (a draft plan's tasks
    have not reached the units yet)."""
    from api.models import Assignment, Plan, PlanStatus

    return select(Assignment).where(
        col(Assignment.unit_id).in_(unit_ids),
        col(Assignment.plan_id).in_(
            select(Plan.id).where(Plan.year == year, col(Plan.status) != PlanStatus.draft)
        ),
    )


def assignment_has_evidence() -> Any:
    """EXISTS: live evidence attached to the ``Assignment`` row of the enclosing query."""
    from api.models import Assignment

    return exists(
        select(Evidence.id).where(
            col(Evidence.owner_type) == EvidenceOwner.assignment,
            col(Evidence.owner_id) == col(Assignment.id),
            col(Evidence.deleted_at).is_(None),
        )
    )


def risk_assignment_rows(principal: Principal, permission: Permission) -> Any:
    """``(Assignment, Task, OrgUnit)`` of units in reach, for the points-at-risk drill-down."""
    from api.models import Assignment, Task

    return (
        select(Assignment, Task, OrgUnit)
        .join(Task, col(Task.id) == col(Assignment.task_id))
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
        .where(_scope().unit_condition(principal, permission), col(OrgUnit.is_active).is_(True))
    )


def linked_frameworks(principal: Principal, permission: Permission, year: int) -> Any:
    """``(framework_id, links)`` of readable frameworks linked to tasks on which units in reach work in ``year``,
    most linked first (the default framework of the points at risk)."""
    from api.models import Assignment, Plan, TaskNode

    sc = _scope()
    tasks = (
        select(Assignment.task_id)
        .where(
            col(Assignment.unit_id).in_(sc.unit_ids_subquery(principal, permission)),
            col(Assignment.plan_id).in_(select(Plan.id).where(Plan.year == year)),
            sc.plan_released(principal, Assignment.plan_id),
        )
        .distinct()
    )
    readable = sc.visible_frameworks(principal).with_only_columns(col(Framework.id))
    return (
        select(col(FrameworkNode.framework_id), func.count())
        .join(TaskNode, col(TaskNode.node_id) == col(FrameworkNode.id))
        .where(col(TaskNode.task_id).in_(tasks), col(FrameworkNode.framework_id).in_(readable))
        .group_by(col(FrameworkNode.framework_id))
        .order_by(func.count().desc(), col(FrameworkNode.framework_id))
    )
