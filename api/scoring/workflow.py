"""Self-assessment (tự đánh giá, chấm điểm) and the sheet's life after appraisal: submit, approve, reopen.

chưa chấm → (first score) đang tự chấm → (unit head submits: every scorable node scored, and no evidence ⇒
giải trình) đã nộp → đang thẩm định → đã thẩm định (:mod:`api.scoring.appraisal`) → (leader, strictly above)
đã phê duyệt → (the round is published) công bố. An appraiser returns a sheet (bị trả lại: the unit scores again);
an appraiser or the round's manager reopens an appraised or approved sheet with a reason until publication.

Concurrency: every write names the sheet's ETag in ``If-Match`` — also score writes, which bump the sheet's
version — so a submit, an appraisal or an approval always acts on the scores its author saw.
"""

from datetime import date

from sqlmodel import Session

from api.audit.service import diff, record, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, Forbidden, NotFound
from api.models import AppraisalState, AssessmentRound, AssessmentSheet, Score, ScoreEvidence, SheetStatus
from api.models.base import utcnow
from api.scoring.points import from_milli
from api.scoring.rules import RuleError, evaluate
from api.scoring.schemas import ScoreWrite
from api.scoring.service import (
    SELF_EDITABLE,
    SHEET_AUDIT,
    SheetState,
    audit_sheet,
    dmy,
    ensure_round_open,
    field_error,
    invalid,
    load,
    may_reopen,
    node_of,
    refuse,
    touch,
    within,
)

P = Permission
S = SheetStatus
SCORE_AUDIT = [
    "node_id",
    "option_index",
    "measured_value",
    "self_points_milli",
    "manual",
    "comment",
    "explanation",
    "appraisal_state",
    "appraised_points_milli",
    "appraisal_reason",
]


def check_self_editable(
    rnd: AssessmentRound, sheet: AssessmentSheet, today: date | None, action_vi: str, action_en: str
) -> None:
    """The unit may change its sheet: round open, status chưa chấm / đang tự chấm / bị trả lại, inside the
    self-scoring window (``today=None`` skips the window)."""
    ensure_round_open(rnd)
    if sheet.status not in SELF_EDITABLE:
        raise refuse(sheet, action_vi, action_en)
    if today is not None and not within(today, rnd.self_start_date, rnd.self_end_date):
        raise Conflict(
            f"Ngoài thời gian tự chấm điểm của đợt (từ {dmy(rnd.self_start_date)} đến {dmy(rnd.self_end_date)}).",
            "Outside the round's self-scoring window.",
            code="self_window_closed",
        )


def ensure_self_editable(
    session: Session, sheet: AssessmentSheet, today: date | None, action_vi: str, action_en: str
) -> None:
    rnd = session.exec(scope.sheet_round(sheet.round_id)).one()
    check_self_editable(rnd, sheet, today, action_vi, action_en)


def sheet_upload_unit(session: Session, principal: Principal, sheet_id: int) -> int:
    """Who may upload evidence to a sheet (``EvidenceOwner.sheet``): assessments:edit and evidence:upload on the
    sheet's unit, while the unit may still change its sheet. Returns the unit id the evidence belongs to."""
    sheet = scope.get_sheet(session, principal, sheet_id, P.assessments_edit)
    unit = session.exec(scope.units_by_ids([sheet.unit_id])).one()
    if not scope.reaches_unit(principal, P.evidence_upload, unit):
        raise NotFound("Phiếu chấm điểm", "Assessment sheet")
    ensure_self_editable(session, sheet, None, "tải tài liệu lên", "upload evidence to")
    return sheet.unit_id


def _start(session: Session, principal: Principal, sheet: AssessmentSheet) -> None:
    if sheet.status == S.not_started:
        before = snapshot(sheet, SHEET_AUDIT)
        sheet.status = S.in_progress
        audit_sheet(session, principal, "start", sheet, before)


def _score_snapshot(score: Score, evidence_ids: list[int]) -> dict[str, object]:
    return {**snapshot(score, SCORE_AUDIT), "evidence_ids": sorted(evidence_ids)}


def put_score(
    session: Session,
    principal: Principal,
    *,
    sheet: AssessmentSheet,
    node_id: int,
    data: ScoreWrite,
    today: date,
) -> None:
    """Tự chấm one node: the rule computes the points from the chosen option or the measured value (never
    clamped: an answer the rule cannot take is a 422 on its field); ``manual_points`` override the rule only with
    a comment saying why. Fields not sent keep their value; ``evidence_ids`` replaces the cited evidence, which must
    be readable by the caller and belong to the sheet's unit. A changed answer sends the node back to appraisal."""
    state = load(session, sheet)
    check_self_editable(state.round, sheet, today, "chấm điểm", "score")
    node = node_of(state, node_id)
    rule = state.rule(node)
    sent = data.model_fields_set
    score = state.scores.get(node.id or 0)
    links = list(session.exec(scope.score_evidence_links([score.id]))) if score is not None else []
    before = _score_snapshot(score, [x.evidence_id for x in links]) if score is not None else {}
    errors: list[FieldError] = []

    answer_sent = bool(sent & {"option_index", "measured_value", "manual_points"})
    milli: int | None = None
    computed = True
    if answer_sent or score is None or score.self_points_milli is None:
        try:
            milli, computed = evaluate(
                rule,
                option_index=data.option_index,
                measured_value=data.measured_value,
                manual_points=data.manual_points,
            )
        except RuleError as exc:
            errors.append(field_error(exc.field, "rule", exc.vi, exc.en))

    evidence_ids = list(dict.fromkeys(data.evidence_ids or []))
    if data.evidence_ids is not None and evidence_ids:
        found = {e.id for e in session.exec(scope.linkable_evidence(principal, sheet.unit_id, evidence_ids))}
        for i, eid in enumerate(data.evidence_ids):
            if eid not in found:
                errors.append(
                    field_error(
                        f"evidence_ids.{i}",
                        "evidence_not_linkable",
                        f"Tài liệu {eid} không tồn tại, đã bị xóa hoặc không thuộc đơn vị được đánh giá.",
                        f"Evidence {eid} is not a live document of the assessed unit.",
                    )
                )
    comment = data.comment if "comment" in sent else (score.comment if score else None)
    manual = (not computed) if milli is not None else bool(score and score.manual)
    if manual and rule.kind != "manual" and not comment:
        errors.append(
            field_error(
                "comment",
                "comment_required",
                "Điểm nhập tay (không theo cách chấm của tiêu chí) phải kèm ghi chú nêu lý do.",
                "Manual points need a comment explaining why.",
            )
        )
    if errors:
        raise invalid(errors, errors[0].message if len(errors) == 1 else "Dữ liệu chấm điểm chưa hợp lệ.")

    if score is None:
        score = Score(sheet_id=sheet.id or 0, node_id=node.id or 0)
        session.add(score)
    if milli is not None:
        changed = milli != score.self_points_milli or (
            answer_sent
            and (data.option_index, _text(data.measured_value)) != (score.option_index, score.measured_value)
        )
        score.option_index = data.option_index if data.manual_points is None else None
        score.measured_value = _text(data.measured_value) if data.manual_points is None else None
        score.self_points_milli = milli
        score.manual = manual
        if changed and score.appraisal_state != AppraisalState.pending:
            score.appraisal_state = AppraisalState.pending
            score.appraised_points_milli = None
    score.comment = comment
    if "explanation" in sent:
        score.explanation = data.explanation
    score.updated_by_id = principal.user_id
    score.updated_at = utcnow()
    session.flush()
    if data.evidence_ids is not None:
        keep = set(evidence_ids)
        for link in links:
            if link.evidence_id not in keep:
                session.delete(link)
        have = {x.evidence_id for x in links}
        for eid in evidence_ids:
            if eid not in have:
                session.add(ScoreEvidence(score_id=score.id or 0, evidence_id=eid))
        current = evidence_ids
    else:
        current = [x.evidence_id for x in links]
    _start(session, principal, sheet)
    touch(sheet)
    session.flush()
    record(session, principal, "self_score", "score", score.id, sheet.unit_id,
           diff(before, _score_snapshot(score, current)), f"phiếu {sheet.id}, tiêu chí {node.code}")  # fmt: skip


def _text(value: object) -> str | None:
    return None if value is None else format(value, "f")


def submit(session: Session, principal: Principal, *, sheet: AssessmentSheet, today: date) -> None:
    """Nộp phiếu (unit head): every scorable node scored, and a node without evidence needs its giải trình.
    A 422 lists every offending node."""
    state = load(session, sheet)
    if sheet.status == S.not_started:
        raise Conflict(
            "Phiếu chưa chấm tiêu chí nào nên chưa nộp được.",
            "Nothing is scored yet: the sheet cannot be submitted.",
            code="invalid_transition",
        )
    check_self_editable(state.round, sheet, today, "nộp phiếu", "submit")
    errors: list[FieldError] = []
    for node in state.scorable():
        score = state.scores.get(node.id or 0)
        if score is None or score.self_points_milli is None:
            errors.append(
                field_error(
                    f"nodes.{node.code}",
                    "not_scored",
                    f"Tiêu chí {node.code} chưa được chấm điểm.",
                    f"Criterion {node.code} is not scored.",
                )
            )
        elif not state.evidence.get(score.id or 0) and not (score.explanation or "").strip():
            errors.append(
                field_error(
                    f"nodes.{node.code}",
                    "explanation_required",
                    f"Tiêu chí {node.code} không có tài liệu kiểm chứng nên phải có giải trình.",
                    f"Criterion {node.code} has no evidence: an explanation is required.",
                )
            )
    if errors:
        codes = ", ".join(e.field.removeprefix("nodes.") for e in errors[:30] if e.field)
        more = "…" if len(errors) > 30 else ""
        raise invalid(errors, f"Chưa thể nộp phiếu: {len(errors)} tiêu chí chưa đạt yêu cầu ({codes}{more}).")
    before = snapshot(sheet, SHEET_AUDIT)
    for score in state.scores.values():
        if score.appraisal_state == AppraisalState.returned:
            score.appraisal_state = AppraisalState.pending  # the appraiser looks at it again
    sheet.status = S.submitted
    sheet.submitted_at = utcnow()
    sheet.submitted_by_id = principal.user_id
    session.flush()
    audit_sheet(session, principal, "submit", sheet, before, f"tự chấm: {from_milli(_total(state))} điểm")


def _total(state: SheetState) -> int:
    return sum(s.self_points_milli or 0 for s in state.scores.values())


def approve(session: Session, principal: Principal, *, sheet: AssessmentSheet) -> None:
    """Phê duyệt (leader strictly above the unit): đã thẩm định → đã phê duyệt; locked from then on."""
    ensure_round_open(session.exec(scope.sheet_round(sheet.round_id)).one())
    if sheet.status != S.appraised:
        raise refuse(sheet, "phê duyệt", "approve")
    before = snapshot(sheet, SHEET_AUDIT)
    sheet.status = S.approved
    sheet.approved_at = utcnow()
    sheet.approved_by_id = principal.user_id
    session.flush()
    audit_sheet(session, principal, "approve", sheet, before)


def reopen(session: Session, principal: Principal, *, sheet: AssessmentSheet, reason: str, to: str) -> None:
    """Mở lại (appraiser strictly above, or the round's manager), with a reason: đã thẩm định / đã phê duyệt →
    đang thẩm định, or → đang tự chấm so the unit scores again. Refused once the round is published."""
    state = load(session, sheet)
    if not may_reopen(principal, state):
        raise Forbidden(
            "Chỉ tổ thẩm định cấp trên hoặc đơn vị tổ chức đợt đánh giá được mở lại phiếu.",
            "Only an appraiser above the unit or the round's manager may reopen a sheet.",
            code="missing_permission",
        )
    ensure_round_open(state.round)
    if sheet.status not in (S.appraised, S.approved):
        raise refuse(sheet, "mở lại", "reopen")
    before = snapshot(sheet, SHEET_AUDIT)
    sheet.status = S.under_appraisal if to == "under_appraisal" else S.in_progress
    sheet.reopen_reason = reason
    sheet.approved_at = None
    sheet.approved_by_id = None
    sheet.appraised_at = None
    sheet.appraised_by_id = None
    session.flush()
    audit_sheet(session, principal, "reopen", sheet, before, reason)
