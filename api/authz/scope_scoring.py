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

from sqlalchemy import ColumnElement, and_, exists, false, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.models import (
    AssessmentRound,
    AssessmentSheet,
    Evidence,
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
