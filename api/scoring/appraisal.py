"""Thẩm định: the appraisal team (a district admin strictly above the assessed unit) checks every self-score.

Per node it accepts the self-score, adjusts it (exact points within the rule's bounds, with a reason) or returns it
(with a reason, the unit scores it again). The first appraisal action moves a submitted sheet to đang thẩm định; a
sheet is returned to the unit (bị trả lại) when some node is returned or a reason is given; it is finished (đã thẩm
định) when every scorable node is accepted or adjusted. All inside the round's appraisal window.
"""

from datetime import date

from sqlmodel import Session

from api.audit.service import diff, record, snapshot
from api.authz.principal import Principal
from api.errors import Conflict, FieldError
from api.models import AppraisalState, AssessmentSheet, Score, SheetStatus
from api.models.base import utcnow
from api.scoring.rules import RuleError, evaluate
from api.scoring.schemas import AppraisalWrite
from api.scoring.service import (
    APPRAISABLE,
    SHEET_AUDIT,
    SheetState,
    audit_sheet,
    dmy,
    ensure_round_open,
    field_error,
    invalid,
    load,
    node_of,
    refuse,
    touch,
    within,
)
from api.scoring.workflow import SCORE_AUDIT

S = SheetStatus
A = AppraisalState


def _open(
    session: Session, principal: Principal, sheet: AssessmentSheet, today: date, vi: str, en: str
) -> SheetState:
    """Load the sheet for an appraisal action: round open, sheet submitted or under appraisal, inside the
    appraisal window. A submitted sheet moves to đang thẩm định."""
    state = load(session, sheet)
    rnd = state.round
    ensure_round_open(rnd)
    if sheet.status not in APPRAISABLE:
        raise refuse(sheet, vi, en)
    if not within(today, rnd.appraisal_start_date, rnd.appraisal_end_date):
        raise Conflict(
            f"Ngoài thời gian thẩm định của đợt (từ {dmy(rnd.appraisal_start_date)} đến "
            f"{dmy(rnd.appraisal_end_date)}).",
            "Outside the round's appraisal window.",
            code="appraisal_window_closed",
        )
    if sheet.status == S.submitted:
        before = snapshot(sheet, SHEET_AUDIT)
        sheet.status = S.under_appraisal
        audit_sheet(session, principal, "appraisal_start", sheet, before)
    return state


def _scored(state: SheetState, node_id: int) -> Score:
    node = node_of(state, node_id)
    score = state.scores.get(node.id or 0)
    if score is None or score.self_points_milli is None:
        raise Conflict(
            f"Tiêu chí {node.code} chưa được đơn vị tự chấm.",
            f"Criterion {node.code} has no self-score.",
            code="not_scored",
        )
    return score


def _record(
    session: Session, principal: Principal, sheet: AssessmentSheet, score: Score, before: dict
) -> None:  # type: ignore[type-arg]
    record(session, principal, "appraise", "score", score.id, sheet.unit_id,
           diff(before, snapshot(score, SCORE_AUDIT)), f"phiếu {sheet.id}")  # fmt: skip


def _accept(principal: Principal, score: Score, reason: str | None) -> None:
    score.appraisal_state = A.accepted
    score.appraised_points_milli = score.self_points_milli
    score.appraisal_reason = reason
    score.appraised_by_id = principal.user_id
    score.updated_at = utcnow()


def appraise_node(
    session: Session,
    principal: Principal,
    *,
    sheet: AssessmentSheet,
    node_id: int,
    data: AppraisalWrite,
    today: date,
) -> None:
    """Công nhận / điều chỉnh (exact points within the rule's bounds, never clamped) / trả lại one node."""
    state = _open(session, principal, sheet, today, "thẩm định", "appraise")
    score = _scored(state, node_id)
    node = node_of(state, node_id)
    errors: list[FieldError] = []
    milli: int | None = None
    if data.state in ("adjusted", "returned") and not data.reason:
        errors.append(
            field_error(
                "reason",
                "reason_required",
                "Điều chỉnh điểm hoặc trả lại tiêu chí phải nêu lý do.",
                "A reason is required to adjust or return a criterion.",
            )
        )
    if data.state == "adjusted":
        if data.points is None:
            errors.append(
                field_error(
                    "points", "points_required", "Hãy nhập điểm thẩm định.", "Enter the appraised points."
                )
            )
        else:
            try:
                milli, _ = evaluate(state.rule(node), manual_points=data.points)
            except RuleError as exc:
                errors.append(field_error("points", "rule", exc.vi, exc.en))
    if errors:
        raise invalid(errors, errors[0].message)
    before = snapshot(score, SCORE_AUDIT)
    if data.state == "accepted":
        _accept(principal, score, data.reason)
    else:
        score.appraisal_state = A(data.state)
        score.appraised_points_milli = milli
        score.appraisal_reason = data.reason
        score.appraised_by_id = principal.user_id
        score.updated_at = utcnow()
    touch(sheet)
    session.flush()
    _record(session, principal, sheet, score, before)


def accept_many(
    session: Session, principal: Principal, *, sheet: AssessmentSheet, node_ids: list[int] | None, today: date
) -> int:
    """Công nhận hàng loạt: the listed nodes, or every node still pending. Returns how many were accepted."""
    state = _open(session, principal, sheet, today, "thẩm định", "appraise")
    if node_ids is None:
        targets = [
            s
            for n in state.scorable()
            if (s := state.scores.get(n.id or 0)) is not None
            and s.self_points_milli is not None
            and s.appraisal_state == A.pending
        ]
    else:
        targets = [_scored(state, nid) for nid in dict.fromkeys(node_ids)]
    for score in targets:
        before = snapshot(score, SCORE_AUDIT)
        _accept(principal, score, None)
        session.flush()
        _record(session, principal, sheet, score, before)
    touch(sheet)
    session.flush()
    return len(targets)


def return_sheet(
    session: Session, principal: Principal, *, sheet: AssessmentSheet, reason: str | None, today: date
) -> None:
    """Trả lại phiếu cho đơn vị (bị trả lại): some node returned, or a reason for the whole sheet."""
    state = _open(session, principal, sheet, today, "trả lại phiếu", "return")
    returned = [
        n.code
        for n in state.scorable()
        if (s := state.scores.get(n.id or 0)) and s.appraisal_state == A.returned
    ]
    if not returned and not reason:
        raise invalid(
            [
                field_error(
                    "reason",
                    "reason_required",
                    "Trả lại phiếu cần lý do, hoặc ít nhất một tiêu chí được trả lại kèm lý do.",
                    "A reason, or at least one returned criterion, is required.",
                )
            ],
            "Trả lại phiếu cần lý do, hoặc ít nhất một tiêu chí được trả lại kèm lý do.",
        )
    before = snapshot(sheet, SHEET_AUDIT)
    summary = f"Các tiêu chí cần chấm lại: {', '.join(returned)}." if returned else ""
    sheet.status = S.returned
    sheet.return_reason = " ".join(p for p in (reason, summary) if p)
    session.flush()
    audit_sheet(session, principal, "return", sheet, before, sheet.return_reason)
    from api.notifications.events import on_sheet_returned  # the unit's inbox entry commits with the return

    on_sheet_returned(session, sheet=sheet, actor_user_id=principal.user_id, reason=sheet.return_reason)


def finish(session: Session, principal: Principal, *, sheet: AssessmentSheet, today: date) -> None:
    """Kết thúc thẩm định: every scorable node accepted or adjusted → đã thẩm định (a 422 lists the others)."""
    state = _open(session, principal, sheet, today, "kết thúc thẩm định", "finish appraising")
    errors: list[FieldError] = []
    for node in state.scorable():
        score = state.scores.get(node.id or 0)
        if score is None or score.appraisal_state not in (A.accepted, A.adjusted):
            state_vi = (
                "đã trả lại"
                if score is not None and score.appraisal_state == A.returned
                else "chưa thẩm định"
            )
            errors.append(
                field_error(
                    f"nodes.{node.code}",
                    "not_appraised",
                    f"Tiêu chí {node.code} {state_vi}.",
                    f"Criterion {node.code} is not accepted or adjusted.",
                )
            )
    if errors:
        raise invalid(
            errors, f"Chưa thể kết thúc thẩm định: còn {len(errors)} tiêu chí chưa công nhận hoặc điều chỉnh."
        )
    before = snapshot(sheet, SHEET_AUDIT)
    sheet.status = S.appraised
    sheet.appraised_at = utcnow()
    sheet.appraised_by_id = principal.user_id
    sheet.return_reason = None
    session.flush()
    audit_sheet(session, principal, "finish_appraisal", sheet, before)
