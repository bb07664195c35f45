"""Assessment rounds (đợt đánh giá): open, edit, publish.

A round scores one published framework version for one year over a set of units: one ``not_started`` sheet per
unit. Publication (công bố) needs every submitted sheet approved; it publishes the approved sheets and locks the
round. Every query starts from ``api.authz.scope``; services flush, never commit.
"""

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col

from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError
from api.models import (
    AssessmentRound,
    AssessmentSheet,
    Framework,
    FrameworkStatus,
    OrgUnit,
    RoundStatus,
    SheetStatus,
)
from api.models.base import utcnow
from api.scoring.schemas import RoundCreate, RoundDetail, RoundUpdate
from api.scoring.service import (
    SHEET_AUDIT,
    STATUS_VI,
    audit_sheet,
    ensure_round_open,
    field_error,
    invalid,
    round_reads,
)

P = Permission
S = SheetStatus
ROUND_AUDIT = [
    "framework_id",
    "owner_unit_id",
    "year",
    "name",
    "self_start_date",
    "self_end_date",
    "appraisal_start_date",
    "appraisal_end_date",
    "status",
    "decision_ref",
    "note",
]


def _check_windows(w: Any, errors: list[FieldError]) -> None:
    if w.self_start_date > w.self_end_date:
        errors.append(
            field_error(
                "self_end_date",
                "window_order",
                "Ngày kết thúc tự chấm phải sau ngày bắt đầu.",
                "The self-scoring window ends before it starts.",
            )
        )
    if w.appraisal_start_date > w.appraisal_end_date:
        errors.append(
            field_error(
                "appraisal_end_date",
                "window_order",
                "Ngày kết thúc thẩm định phải sau ngày bắt đầu.",
                "The appraisal window ends before it starts.",
            )
        )
    if w.appraisal_start_date < w.self_start_date:
        errors.append(
            field_error(
                "appraisal_start_date",
                "window_order",
                "Thời gian thẩm định không được bắt đầu trước thời gian tự chấm.",
                "Appraisal cannot start before self-scoring.",
            )
        )


def _applicable_units(owner: OrgUnit, fw: Framework) -> Any:
    stmt = scope.candidate_units(owner)
    rule = fw.applicability or {}
    if rule.get("levels"):
        stmt = stmt.where(col(OrgUnit.level).in_(rule["levels"]))
    if rule.get("kinds"):
        stmt = stmt.where(col(OrgUnit.kind).in_(rule["kinds"]))
    return stmt.order_by(col(OrgUnit.path))


def create_round(session: Session, principal: Principal, *, data: RoundCreate) -> AssessmentRound:
    """Mở đợt đánh giá: one ``not_started`` sheet per unit scored (explicit list or the framework's applicability)."""
    owner = scope.get_unit(session, principal, data.owner_unit_id, P.assessments_manage)
    fw = scope.get_framework(session, principal, data.framework_id)
    errors: list[FieldError] = []
    if fw.status != FrameworkStatus.published:
        errors.append(
            field_error(
                "framework_id",
                "framework_not_published",
                "Bộ chỉ số chưa được ban hành (công bố) nên chưa dùng để chấm điểm được.",
                "The framework is not published.",
            )
        )
    if data.year < fw.valid_from_year or (fw.valid_to_year is not None and data.year > fw.valid_to_year):
        until = fw.valid_to_year or "nay"
        errors.append(
            field_error(
                "year",
                "year_outside_framework",
                f"Năm {data.year} nằm ngoài thời gian áp dụng của bộ chỉ số ({fw.valid_from_year}–{until}).",
                "The year is outside the framework's validity.",
            )
        )
    _check_windows(data, errors)
    stmt = _applicable_units(owner, fw)
    if data.unit_ids is not None:
        wanted = list(dict.fromkeys(data.unit_ids))
        found = {u.id: u for u in session.exec(stmt.where(col(OrgUnit.id).in_(wanted))).all()}
        for i, uid in enumerate(data.unit_ids):
            if uid not in found:
                errors.append(
                    field_error(
                        f"unit_ids.{i}",
                        "unit_not_applicable",
                        f"Đơn vị {uid} không thuộc đơn vị tổ chức đánh giá, đã ngừng hoạt động hoặc không "
                        "thuộc cấp/loại đơn vị mà bộ chỉ số áp dụng.",
                        f"Unit {uid} is not an active unit under the owner matching the framework's applicability.",
                    )
                )
        units = [found[u] for u in wanted if u in found]
    else:
        units = list(session.exec(stmt).all())
    if not units and not any(e.field and e.field.startswith("unit_ids.") for e in errors):
        errors.append(
            field_error(
                "unit_ids",
                "no_units",
                "Không có đơn vị nào để đánh giá (theo cấp/loại đơn vị mà bộ chỉ số áp dụng).",
                "No unit to score.",
            )
        )
    if errors:
        raise invalid(errors)
    existing = session.exec(
        scope.visible_rounds(principal, P.assessments_manage).where(
            AssessmentRound.framework_id == fw.id,
            AssessmentRound.owner_unit_id == owner.id,
            AssessmentRound.year == data.year,
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"Đơn vị đã có đợt đánh giá năm {data.year} theo bộ chỉ số này (mã {existing.id}).",
            f"A round already exists for this framework, owner and year (id {existing.id}).",
            code="round_exists",
        )
    rnd = AssessmentRound(
        framework_id=fw.id or 0,
        owner_unit_id=owner.id or 0,
        created_by_id=principal.user_id,
        **data.model_dump(exclude={"framework_id", "owner_unit_id", "unit_ids"}),
    )
    session.add(rnd)
    session.flush()
    for u in units:
        session.add(AssessmentSheet(round_id=rnd.id or 0, unit_id=u.id or 0))
    session.flush()
    event = record_create(session, principal, "assessment_round", rnd, rnd.owner_unit_id, ROUND_AUDIT)
    event.note = f"{len(units)} đơn vị: " + ", ".join(u.code for u in units[:50])
    return rnd


def round_list(principal: Principal, *, year: int | None, status: RoundStatus | None) -> Any:
    stmt = scope.visible_rounds(principal)
    if year is not None:
        stmt = stmt.where(AssessmentRound.year == year)
    if status is not None:
        stmt = stmt.where(AssessmentRound.status == status)
    return stmt


def round_detail(session: Session, principal: Principal, rnd: AssessmentRound) -> RoundDetail:
    base = round_reads(session, [rnd])[0]
    counts_stmt = (
        scope.visible_sheets(principal)
        .where(AssessmentSheet.round_id == rnd.id)
        .with_only_columns(col(AssessmentSheet.status), func.count())
        .group_by(col(AssessmentSheet.status))
    )
    counts = {S(status): int(n) for status, n in session.execute(counts_stmt).all()}
    actions = []
    owner = session.exec(scope.units_by_ids([rnd.owner_unit_id])).one()
    if rnd.status == RoundStatus.open and scope.reaches_unit(principal, P.assessments_manage, owner):
        actions.append("update")
        if not any(counts.get(s) for s in (S.submitted, S.under_appraisal, S.appraised)):
            actions.append("publish")
    return RoundDetail(
        **base.model_dump(), sheet_counts=counts, sheet_total=sum(counts.values()), allowed_actions=actions
    )


def update_round(session: Session, principal: Principal, *, rnd: AssessmentRound, data: RoundUpdate) -> None:
    ensure_round_open(rnd)
    before = snapshot(rnd, ROUND_AUDIT)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(rnd, key, value)
    errors: list[FieldError] = []
    _check_windows(rnd, errors)
    if errors:
        raise invalid(errors)
    rnd.updated_at = utcnow()
    session.flush()
    record(session, principal, "update", "assessment_round", rnd.id, rnd.owner_unit_id,
           diff(before, snapshot(rnd, ROUND_AUDIT)))  # fmt: skip


def publish_round(
    session: Session, principal: Principal, *, rnd: AssessmentRound, decision_ref: str | None
) -> None:
    """Công bố: every submitted sheet must be approved; approved sheets become published; everything is locked.

    Sheets never submitted (chưa chấm, đang tự chấm, bị trả lại) stay as they are: the ranking shows them as not
    submitted."""
    ensure_round_open(rnd)
    rows = session.exec(scope.round_sheets(rnd.id or 0)).all()
    blocking = [(s, u) for s, u in rows if s.status in (S.submitted, S.under_appraisal, S.appraised)]
    if blocking:
        names = ", ".join(f"{u.name} ({STATUS_VI[s.status]})" for s, u in blocking[:20])
        raise Conflict(
            f"Chưa thể công bố: còn {len(blocking)} phiếu đã nộp nhưng chưa được phê duyệt: {names}.",
            f"Cannot publish: {len(blocking)} submitted sheet(s) are not approved yet.",
            code="round_not_ready",
        )
    before = snapshot(rnd, ROUND_AUDIT)
    now = utcnow()
    for sheet, _unit in rows:
        if sheet.status == S.approved:
            sb = snapshot(sheet, SHEET_AUDIT)
            sheet.status = S.published
            sheet.updated_at = now
            audit_sheet(session, principal, "publish", sheet, sb)
    rnd.status = RoundStatus.published
    rnd.published_at = now
    rnd.published_by_id = principal.user_id
    rnd.decision_ref = decision_ref or rnd.decision_ref
    rnd.updated_at = now
    session.flush()
    record(session, principal, "publish", "assessment_round", rnd.id, rnd.owner_unit_id,
           diff(before, snapshot(rnd, ROUND_AUDIT)))  # fmt: skip
