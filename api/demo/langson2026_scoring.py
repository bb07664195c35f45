"""The 2026 assessment round of the Lạng Sơn communes, appraised by Sở Nội vụ (Lạng Sơn 2026 demo).

The province owns the round: its 65 communes score themselves on the commune example framework (VD_CHI_SO_CCHC_XA,
unverified) and Sở Nội vụ appraises them, with no district in between. Sheets are built by the 2024 round's
functions (``api.scoring.seed``), then given the dates, people and words of 2026.
"""

from datetime import date

from sqlmodel import Session, col, select

from api.frameworks.document import natural_key
from api.models import (
    AppraisalState,
    AssessmentRound,
    AssessmentSheet,
    Framework,
    FrameworkNode,
    OrgUnit,
    RoundStatus,
    Score,
    SheetStatus,
    UnitKind,
    UnitLevel,
)
from api.scoring import seed as scoring_seed

YEAR = 2026
ROUND_NAME = "Đánh giá Chỉ số CCHC cấp xã năm 2026"
ST = SheetStatus
# A few named communes (the demo accounts' ones in editable / appraisable states); the others cycle through STATES.
PLAN: dict[str, tuple[SheetStatus, float, int]] = {
    "LS.X.BINHGIA": (ST.in_progress, 0.6, 7),
    "LS.X.HOANGVANTHU": (ST.submitted, 1, 8),
    "LS.P.TAMTHANH": (ST.returned, 1, 4),
}
STATES: tuple[tuple[SheetStatus, float, int], ...] = (
    (ST.not_started, 0, 5),
    (ST.in_progress, 0.4, 6),
    (ST.submitted, 1, 6),
    (ST.under_appraisal, 1, 5),
    (ST.appraised, 1, 7),
    (ST.approved, 1, 8),
    (ST.approved, 1, 4),
)


def communes(session: Session, province: OrgUnit) -> list[OrgUnit]:
    """The province's communes and wards in force in 2026 (the 65 of NQ 1672), by code."""
    rows = session.exec(
        select(OrgUnit).where(
            OrgUnit.parent_id == province.id,
            OrgUnit.level == UnitLevel.commune,
            OrgUnit.kind == UnitKind.people_committee,
        )
    ).all()
    return sorted(
        (u for u in rows if u.valid_to is None or u.valid_to >= date(YEAR, 1, 1)),
        key=lambda u: u.code,
    )


def seed_round(session: Session, *, province: OrgUnit) -> AssessmentRound | None:
    """Create the 2026 commune round of the province once (sheets in every state); returns it."""
    fw = session.exec(select(Framework).where(Framework.code == scoring_seed.FRAMEWORK_CODE)).first()
    if fw is None or fw.id is None:
        return None
    existing = session.exec(
        select(AssessmentRound).where(
            AssessmentRound.owner_unit_id == province.id,
            AssessmentRound.framework_id == fw.id,
            AssessmentRound.year == YEAR,
        )
    ).first()
    if existing is not None:
        return existing
    rnd = AssessmentRound(
        framework_id=fw.id,
        owner_unit_id=province.id or 0,
        year=YEAR,
        name=ROUND_NAME,
        self_start_date=date(2026, 9, 15),
        self_end_date=date(2026, 10, 31),
        appraisal_start_date=date(2026, 9, 15),
        appraisal_end_date=date(2026, 11, 30),
        status=RoundStatus.open,
        note=(
            "Dữ liệu mẫu: đợt đánh giá minh họa của tỉnh đối với 65 xã, phường trên bộ chỉ số ví dụ cấp xã (chưa "
            "xác minh); Sở Nội vụ thẩm định. Câu trả lời, điểm, giải trình và ý kiến thẩm định là giá trị minh họa."
        ),
    )
    session.add(rnd)
    session.flush()
    nodes = sorted(
        session.exec(select(FrameworkNode).where(FrameworkNode.framework_id == fw.id)).all(),
        key=lambda n: natural_key(n.code),
    )
    parents = {n.parent_id for n in nodes}
    leaves = [n for n in nodes if n.id not in parents and n.scoring_method != "survey"]
    users = scoring_seed._user_ids(session)
    units = communes(session, province)
    heads = scoring_seed._unit_heads(session, [u.id or 0 for u in units])
    for i, unit in enumerate(units):
        status, share, quality = PLAN.get(unit.code, STATES[i % len(STATES)])
        scoring_seed._sheet(
            session, rnd, unit, status, share, quality, leaves, users, heads.get(unit.id or 0)
        )
    _words_and_people_of_2026(session, rnd, units, users)
    session.flush()
    return rnd


def _words_and_people_of_2026(
    session: Session, rnd: AssessmentRound, units: list[OrgUnit], users: dict[str, int]
) -> None:
    """Dates of 2026, Sở Nội vụ as appraiser, the province's chairman as approver, the province in the texts."""
    by_id = {u.id: u for u in units}
    sonoivu, chairman = users.get("sonoivu"), users.get("chutich.tinh")
    sheets = session.exec(select(AssessmentSheet).where(AssessmentSheet.round_id == rnd.id)).all()
    for sheet in sheets:
        unit = by_id[sheet.unit_id]
        word = "phường" if "phường" in unit.name.lower() else "xã"
        day = scoring_seed._pick(unit.code, "day") % 10
        if sheet.submitted_at is not None:
            sheet.submitted_at = scoring_seed._at(date(YEAR, 10, 1 + day))
            sheet.signer_title = f"Chủ tịch UBND {word}"
            sheet.recommendations = (
                "Đề nghị UBND tỉnh, Sở Nội vụ hỗ trợ nâng cấp trang thiết bị công nghệ thông tin, tổ chức tập huấn "
                "kỹ năng số cho công chức và Tổ công nghệ số cộng đồng (dữ liệu mẫu)."
            )
        if sheet.return_reason or sheet.status == ST.returned:
            sheet.return_reason = (
                f"Một số tiêu chí tự chấm chưa có tài liệu kiểm chứng phù hợp; đề nghị {word} rà soát, chấm lại các "
                "tiêu chí được nêu và nộp lại trước ngày 25/10/2026 (Sở Nội vụ)."
            )
        if sheet.appraised_at is not None:
            sheet.appraised_at = scoring_seed._at(date(YEAR, 10, 11 + day % 3), 15)
            sheet.appraised_by_id = sonoivu
        if sheet.approved_at is not None:
            sheet.approved_at = scoring_seed._at(date(YEAR, 10, 14), 16)
            sheet.approved_by_id = chairman
        session.add(sheet)
    scores = session.exec(
        select(Score).where(
            col(Score.sheet_id).in_([s.id for s in sheets]), Score.appraisal_state != AppraisalState.pending
        )
    ).all()
    for score in scores:
        score.appraised_by_id = sonoivu
        session.add(score)
