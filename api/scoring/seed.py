"""Demo: the 2024 commune index round of huyện Bình Gia, with sheets in every state (idempotent).

Round "Đánh giá Chỉ số CCHC cấp xã năm 2024", run by UBND huyện Bình Gia (Phòng Nội vụ appraises, the Chủ tịch
approves), on the example commune framework ``VD_CHI_SO_CCHC_XA``, over the 19 communes of 2024. The demo's
today is 15/10/2024: the self-scoring window (16/09–31/10) is open, appraisal (16/09–30/11) has started for the
communes that submitted early. Every answer is illustrative and every point is computed by the node's rule
(:func:`api.scoring.rules.evaluate`). The demo has no evidence files, so each score carries a giải trình.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from api.demo.seed import load_yaml
from api.frameworks.document import natural_key
from api.models import (
    AppraisalState,
    AssessmentRound,
    AssessmentSheet,
    Framework,
    FrameworkNode,
    Membership,
    OrgUnit,
    Plan,
    Role,
    RoundStatus,
    Score,
    SheetStatus,
    Task,
    TaskNode,
    UnitLevel,
    User,
)
from api.scoring.rules import Rule, evaluate, rule_of

FRAMEWORK_CODE = "VD_CHI_SO_CCHC_XA"
EXAMPLE_FRAMEWORKS = ("VD_CHI_SO_CCHC_XA", "VD_CHI_SO_CCHC_HUYEN")
ROUND_NAME = "Đánh giá Chỉ số CCHC cấp xã năm 2024"
YEAR = 2024
ST = SheetStatus

# Commune → (sheet status, share of leaves scored, quality 0..9: how often the unit reaches the best level).
# Hoa Thám and Tân Văn (the demo accounts' communes) sit in editable / appraisable states.
PLAN: dict[str, tuple[SheetStatus, float, int]] = {
    "LS.BG.X.BINHLA": (ST.not_started, 0, 5),
    "LS.BG.X.HONGTHAI": (ST.not_started, 0, 5),
    "LS.BG.X.HOATHAM": (ST.in_progress, 0.6, 7),
    "LS.BG.X.HOABINH": (ST.in_progress, 0.3, 5),
    "LS.BG.X.MINHKHAI": (ST.in_progress, 1, 6),
    "LS.BG.X.QUANGTRUNG": (ST.returned, 1, 4),
    "LS.BG.X.TANVAN": (ST.submitted, 1, 8),
    "LS.BG.X.HUNGDAO": (ST.submitted, 1, 6),
    "LS.BG.X.THIENHOA": (ST.submitted, 1, 3),
    "LS.BG.X.HONGPHONG": (ST.under_appraisal, 1, 7),
    "LS.BG.X.QUYHOA": (ST.under_appraisal, 1, 5),
    "LS.BG.X.TANHOA": (ST.under_appraisal, 1, 4),
    "LS.BG.TTBG": (ST.appraised, 1, 9),
    "LS.BG.X.THIENLONG": (ST.appraised, 1, 6),
    "LS.BG.X.VINHYEN": (ST.appraised, 1, 3),
    "LS.BG.X.HOANGVANTHU": (ST.approved, 1, 8),
    "LS.BG.X.MONGAN": (ST.approved, 1, 6),
    "LS.BG.X.THIENTHUAT": (ST.approved, 1, 5),
    "LS.BG.X.YENLO": (ST.approved, 1, 2),
}

_APPRAISED = (ST.under_appraisal, ST.appraised, ST.approved)


def _pick(*parts: str) -> int:
    """A stable number 0..99 for a combination of keys (deterministic demo data)."""
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16) % 100


def _at(d: date, hour: int = 9) -> datetime:
    return datetime.combine(d, time(hour, 0), tzinfo=UTC)


@dataclass(frozen=True)
class Answer:
    option_index: int | None = None
    measured_value: str | None = None
    manual_points: str | None = None


def _answer(rule: Rule, k: int, quality: int) -> Answer:
    """An answer of a unit of the given quality: mostly the best level, sometimes the next, rarely the worst."""
    best = k < 55 + 5 * quality  # quality 9 → 100 %, quality 2 → 65 %
    worst = not best and k % 3 == 0
    if rule.kind == "options":
        n = len(rule.options)
        return Answer(option_index=0 if best else (n - 1 if worst else min(1, n - 1)))
    if rule.kind == "thresholds":
        steps = rule.steps  # highest first
        if best:
            value = (
                steps[0].min_value + (k % 3)
                if rule.value_unit != "%"
                else min(steps[0].min_value + k % 3, 100)
            )
        elif worst or len(steps) == 1:
            value = max(steps[-1].min_value - 7, 0)
        else:
            value = steps[1].min_value + Decimal(k % 4) / 2
        return Answer(measured_value=str(value))
    if rule.kind == "deduction":
        return Answer(measured_value="0" if best else ("2" if worst else "1"))
    assert rule.max_milli is not None
    if best:
        return Answer(manual_points=str(rule.max_milli / 1000))
    return Answer(manual_points=str((rule.max_milli // 2) / 1000 if worst else (rule.max_milli - 500) / 1000))


def _explanation(node: FrameworkNode) -> str:
    what = node.expected_evidence or "tài liệu liên quan"
    return (
        f"Tài liệu kiểm chứng ({what[0].lower()}{what[1:]}) lưu bản giấy tại Văn phòng UBND xã, chưa số hóa "
        "để đính kèm (dữ liệu mẫu)."
    )


def _user_ids(session: Session) -> dict[str, int]:
    rows = session.exec(select(User.username, User.id)).all()
    return {name: uid for name, uid in rows if uid is not None}


def _unit_heads(session: Session, unit_ids: list[int]) -> dict[int, int]:
    """Unit → a user holding ``unit_head`` there (the demo accounts of Hoa Thám and Tân Văn)."""
    rows = session.exec(
        select(Membership.unit_id, Membership.user_id).where(
            col(Membership.unit_id).in_(unit_ids), Membership.role == Role.unit_head
        )
    ).all()
    return {u: uid for u, uid in rows}


def seed_round(session: Session, *, units: dict[str, OrgUnit], settings: Any) -> AssessmentRound | None:
    """Create the 2024 commune round once; also link the plan's tasks to the example frameworks' nodes."""
    district = units.get("LS.BG")
    fw = session.exec(select(Framework).where(Framework.code == FRAMEWORK_CODE)).first()
    if district is None or fw is None or fw.id is None:
        return None
    link_example_criteria(session)
    existing = session.exec(
        select(AssessmentRound).where(
            AssessmentRound.owner_unit_id == district.id,
            AssessmentRound.framework_id == fw.id,
            AssessmentRound.year == YEAR,
        )
    ).first()
    if existing is not None:
        return existing
    rnd = AssessmentRound(
        framework_id=fw.id,
        owner_unit_id=district.id or 0,
        year=YEAR,
        name=ROUND_NAME,
        self_start_date=date(2024, 9, 16),
        self_end_date=date(2024, 10, 31),
        appraisal_start_date=date(2024, 9, 16),
        appraisal_end_date=date(2024, 11, 30),
        status=RoundStatus.open,
        note=(
            "Dữ liệu mẫu: đợt đánh giá minh họa trên bộ chỉ số ví dụ cấp xã (chưa xác minh); các câu trả lời, "
            "điểm, giải trình và ý kiến thẩm định là giá trị minh họa."
        ),
    )
    session.add(rnd)
    session.flush()
    nodes = sorted(
        session.exec(select(FrameworkNode).where(FrameworkNode.framework_id == fw.id)).all(),
        key=lambda n: natural_key(n.code),  # hierarchical codes: natural order is tree order
    )
    parents = {n.parent_id for n in nodes}
    leaves = [n for n in nodes if n.id not in parents and n.scoring_method != "survey"]
    users = _user_ids(session)
    communes = [
        u
        for u in units.values()
        if u.parent_id == district.id
        and u.level == UnitLevel.commune
        and (u.valid_to is None or u.valid_to >= date(YEAR, 1, 1))
        and (u.valid_from is None or u.valid_from <= date(YEAR, 12, 31))
    ]
    heads = _unit_heads(session, [u.id or 0 for u in communes])
    for unit in sorted(communes, key=lambda u: u.code):
        status, share, quality = PLAN.get(unit.code, (ST.not_started, 0, 5))
        _sheet(session, rnd, unit, status, share, quality, leaves, users, heads.get(unit.id or 0))
    session.flush()
    return rnd


def _sheet(
    session: Session,
    rnd: AssessmentRound,
    unit: OrgUnit,
    status: SheetStatus,
    share: float,
    quality: int,
    leaves: list[FrameworkNode],
    users: dict[str, int],
    head_id: int | None,
) -> None:
    sheet = AssessmentSheet(round_id=rnd.id or 0, unit_id=unit.id or 0, status=status)
    officer = users.get(f"canbo.{unit.code.rsplit('.', 1)[-1].lower()}")
    order = _pick(unit.code, "day") % 10
    if status not in (ST.not_started, ST.in_progress):
        name = unit.short_name or unit.name
        sheet.difficulties = (
            f"{name} có nhiều thôn vùng sâu, vùng xa; hạ tầng mạng và trang thiết bị tại Bộ phận Một cửa còn hạn "
            "chế; tỷ lệ người dân sử dụng dịch vụ công trực tuyến chưa cao (dữ liệu mẫu)."
        )
        sheet.recommendations = (
            "Đề nghị UBND huyện hỗ trợ nâng cấp trang thiết bị công nghệ thông tin, tổ chức tập huấn kỹ năng số "
            "cho công chức và Tổ công nghệ số cộng đồng (dữ liệu mẫu)."
        )
        sheet.signer_title = "Chủ tịch UBND xã" if unit.code != "LS.BG.TTBG" else "Chủ tịch UBND thị trấn"
        sheet.submitted_at = _at(date(2024, 10, 1 + order))
        sheet.submitted_by_id = head_id
    if status == ST.returned:
        sheet.return_reason = (
            "Một số tiêu chí tự chấm chưa có tài liệu kiểm chứng phù hợp; đề nghị xã rà soát, chấm lại các tiêu "
            "chí được nêu và nộp lại trước ngày 25/10/2024."
        )
    if status in (ST.appraised, ST.approved):
        sheet.appraised_at = _at(date(2024, 10, 11 + order % 3), 15)
        sheet.appraised_by_id = users.get("noivu")
    if status == ST.approved:
        sheet.approved_at = _at(date(2024, 10, 14), 16)
        sheet.approved_by_id = users.get("chutich")
    session.add(sheet)
    session.flush()
    if share <= 0:
        return
    scored = [n for n in leaves if share >= 1 or _pick(unit.code, n.code, "scored") < share * 100]
    returned_left = 3 if status == ST.returned else 0
    for n in scored:
        rule = rule_of(n.scoring, n.formula, n.max_points)
        k = _pick(unit.code, n.code)
        ans = _answer(rule, k, quality)
        milli, computed = evaluate(
            rule,
            option_index=ans.option_index,
            measured_value=ans.measured_value,
            manual_points=ans.manual_points,
        )
        score = Score(
            sheet_id=sheet.id or 0,
            node_id=n.id or 0,
            option_index=ans.option_index,
            measured_value=ans.measured_value,
            self_points_milli=milli,
            manual=not computed,
            comment="Chấm theo mức độ thực hiện thực tế trong năm (dữ liệu mẫu)." if not computed else None,
            explanation=_explanation(n),
            updated_by_id=officer or head_id,
        )
        if status == ST.returned and returned_left and milli > 0 and k % 4 == 0:
            score.appraisal_state = AppraisalState.returned
            score.appraisal_reason = (
                "Chưa có tài liệu chứng minh mức điểm tự chấm; đề nghị bổ sung hoặc chấm lại."
            )
            score.appraised_by_id = users.get("noivu")
            returned_left -= 1
        elif status in _APPRAISED:
            _appraise(score, rule, k, status, users.get("noivu"))
        session.add(score)
    session.flush()


def _appraise(score: Score, rule: Rule, k: int, status: SheetStatus, appraiser: int | None) -> None:
    """Under appraisal: about two thirds of the nodes done; appraised/approved: all. ~1 in 7 adjusted down."""
    if status == ST.under_appraisal and k % 3 == 2:
        return  # still pending
    self_milli = score.self_points_milli or 0
    score.appraised_by_id = appraiser
    if k % 7 == 3 and self_milli > rule.min_milli:
        lower = [o.milli for o in rule.options if o.milli < self_milli] or [
            s.milli for s in rule.steps if s.milli < self_milli
        ]
        score.appraisal_state = AppraisalState.adjusted
        score.appraised_points_milli = max(lower) if lower else max(rule.min_milli, self_milli - 500)
        score.appraisal_reason = (
            "Tài liệu kiểm chứng chưa chứng minh đầy đủ mức điểm tự chấm; tổ thẩm định điều chỉnh theo kết quả "
            "kiểm tra thực tế (dữ liệu mẫu)."
        )
    else:
        score.appraisal_state = AppraisalState.accepted
        score.appraised_points_milli = self_milli


def link_example_criteria(session: Session) -> int:
    """Add the demo plan's links to the example frameworks' nodes that are missing (a database seeded before
    they existed gets them too); returns how many were added."""
    data = load_yaml("plan_binh_gia_2024.yaml")
    p = data["plan"]
    plan = session.exec(select(Plan).where(Plan.year == p["year"], Plan.number == str(p["number"]))).first()
    if plan is None:
        return 0
    nodes = {
        (code, n.code): n.id or 0
        for n, code in session.execute(
            select(FrameworkNode, col(Framework.code))
            .join(Framework, col(Framework.id) == col(FrameworkNode.framework_id))
            .where(col(Framework.code).in_(EXAMPLE_FRAMEWORKS))
        ).all()
    }
    tasks = {t.label: t.id for t in session.exec(select(Task).where(Task.plan_id == plan.id)).all()}
    have = set(
        session.exec(
            select(TaskNode.task_id, TaskNode.node_id).where(col(TaskNode.task_id).in_(list(tasks.values())))
        ).all()
    )
    added = 0
    for t in data["tasks"]:
        task_id = tasks.get(t["label"])
        for c in t.get("criteria", []):
            node_id = nodes.get((c["framework"], str(c["node"])))
            if task_id is None or node_id is None or (task_id, node_id) in have:
                continue
            session.add(TaskNode(task_id=task_id, node_id=node_id))
            have.add((task_id, node_id))
            added += 1
    session.flush()
    return added
