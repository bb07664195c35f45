"""Demo CCHC activities of Bình Gia in 2024 (illustrative, not real records): the year's inspection plan, periodic
inspections of two communes in Quý III with findings and one follow-up assignment, an ad-hoc inspection, one
inspection in Quý II (outside the Quý III window), outreach outputs (articles, loa truyền thanh in Tày and Nùng, the
Chủ tịch's dialogue with citizens) and an accountability session in September with its follow-up.

Follow-ups are ordinary tasks of the district's issued 2024 plan (section created on demand), like the API makes
them. Idempotent: nothing is added when the district already has inspections that year.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from api.audit.service import record
from api.models import (
    Assignment,
    AssignmentStatus,
    DeadlineKind,
    OrgUnit,
    Plan,
    PlanSection,
    PlanStatus,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from api.models.activity import (
    AccountabilityItem,
    AccountabilitySession,
    Finding,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    OutreachKind,
    OutreachLanguage,
    OutreachOutput,
    SessionStatus,
    Severity,
)

DISTRICT = "LS.BG"
YEAR = 2024
FOLLOW_UP_SECTION = "Khắc phục sau kiểm tra CCHC"
SESSION_SECTION = "Thực hiện kết luận phiên giải trình"
TEAM = [
    "Hoàng Thị Lan – Phòng Nội vụ (Tổ trưởng)",
    "Vi Thị Hoa – Phòng Văn hóa và Thông tin",
    "Đại diện Văn phòng HĐND và UBND huyện",
]


def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _follow_up(
    session: Session,
    plan: Plan,
    unit: OrgUnit,
    *,
    section_title: str,
    prefix: str,
    title: str,
    product: str,
    due: date,
    reason: str,
    status: AssignmentStatus = AssignmentStatus.not_started,
    progress: int = 0,
) -> tuple[Task, Assignment]:
    section = session.exec(
        select(PlanSection).where(PlanSection.plan_id == plan.id, PlanSection.title == section_title)
    ).first()
    if section is None:
        taken = set(session.exec(select(PlanSection.label).where(PlanSection.plan_id == plan.id)).all())
        label = next(f"{prefix}{n or ''}" for n in range(1000) if f"{prefix}{n or ''}" not in taken)
        last = session.exec(select(func.max(PlanSection.order)).where(PlanSection.plan_id == plan.id)).one()
        section = PlanSection(plan_id=plan.id or 0, label=label, title=section_title, order=(last or 0) + 1)
        session.add(section)
        session.flush()
    labels = set(session.exec(select(Task.label).where(Task.plan_id == plan.id)).all())
    n = 1
    while f"{section.label}.{n}" in labels:
        n += 1
    task = Task(plan_id=plan.id or 0, section_id=section.id, label=f"{section.label}.{n}", order=n, title=title,
                product=product, deadline_kind=DeadlineKind.date, due_date=due, lead_unit_id=unit.id or 0)  # fmt: skip
    session.add(task)
    session.flush()
    session.add(TaskUnit(task_id=task.id or 0, unit_id=unit.id or 0, role=TaskUnitRole.lead))
    a = Assignment(task_id=task.id or 0, plan_id=plan.id or 0, unit_id=unit.id or 0, role=TaskUnitRole.lead,
                   due_date=due, status=status, progress=progress)  # fmt: skip
    session.add(a)
    session.flush()
    record(session, None, "task_added", "plan", plan.id, plan.issuing_unit_id,
           {"task": {"to": task.label}, "title": {"from": None, "to": title}}, reason)  # fmt: skip
    record(session, None, "plan_amended", "assignment", a.id, unit.id,
           {"assigned": {"from": None, "to": "lead"}, "due_date": {"from": None, "to": due.isoformat()}}, reason)  # fmt: skip
    return task, a


def _overdue_items(
    session: Session, plan: Plan, unit: OrgUnit, today: date, limit: int = 2
) -> list[AccountabilityItem]:
    rows = session.exec(
        select(Assignment, Task)
        .join(Task, col(Task.id) == col(Assignment.task_id))
        .where(
            Assignment.plan_id == plan.id,
            Assignment.unit_id == unit.id,
            col(Assignment.status) != AssignmentStatus.approved,
            col(Assignment.due_date) < today,
        )
        .order_by(col(Assignment.due_date), col(Assignment.id))
        .limit(limit)
    ).all()
    return [
        AccountabilityItem(
            session_id=0,
            assignment_id=a.id,
            order=i,
            label=f"Nhiệm vụ {t.label}: {t.title} (hạn {_vn(a.due_date)})"
            if a.due_date
            else f"Nhiệm vụ {t.label}: {t.title}",
            note="Chưa hoàn thành, đã quá hạn",
        )
        for i, (a, t) in enumerate(rows)
    ]


def seed_activities(session: Session, *, units: dict[str, OrgUnit], settings: Any) -> None:
    district = units.get(DISTRICT)
    if district is None:
        return
    if session.exec(
        select(Inspection.id).where(
            Inspection.owner_unit_id == district.id,
            col(Inspection.date).between(date(YEAR, 1, 1), date(YEAR, 12, 31)),
        )
    ).first():
        return
    u = {code: units.get(code) for code in ("LS.BG.X.HOATHAM", "LS.BG.X.TANVAN", "LS.BG.X.HONGPHONG",
                                            "LS.BG.X.BINHLA", "LS.BG.VHTT", "LS.BG.TTBG")}  # fmt: skip
    if any(v is None for v in u.values()):
        return
    hoatham, tanvan, hongphong, binhla = (u[c] for c in ("LS.BG.X.HOATHAM", "LS.BG.X.TANVAN", "LS.BG.X.HONGPHONG",
                                                          "LS.BG.X.BINHLA"))  # fmt: skip
    vhtt, ttbg = u["LS.BG.VHTT"], u["LS.BG.TTBG"]
    assert hoatham and tanvan and hongphong and binhla and vhtt and ttbg
    plan = session.exec(
        select(Plan).where(
            Plan.issuing_unit_id == district.id, Plan.year == YEAR, Plan.status == PlanStatus.issued
        )
    ).first()
    today = settings.today()
    did = district.id or 0

    iplan = InspectionPlan(
        owner_unit_id=did, year=YEAR, title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2024",
        decision_number="45/KH-UBND", decision_date=date(2024, 2, 20),
        note="Minh họa (demo): lịch kiểm tra theo tháng, lĩnh vực trọng tâm là TTHC, công vụ và chính quyền số.",
        items=[
            {"unit_id": binhla.id, "planned_month": 5, "areas": ["thu_tuc_hanh_chinh", "cong_vu"]},
            {"unit_id": hoatham.id, "planned_month": 8, "areas": ["thu_tuc_hanh_chinh", "chinh_quyen_so", "cong_vu"]},
            {"unit_id": tanvan.id, "planned_month": 8, "areas": ["thu_tuc_hanh_chinh", "to_chuc_bo_may"]},
            {"unit_id": vhtt.id, "planned_month": 11, "areas": ["chi_dao_dieu_hanh", "tai_chinh_cong"]},
        ],
    )  # fmt: skip
    session.add(iplan)
    session.flush()

    def inspection(
        unit: OrgUnit, day: date, kind: InspectionKind, areas: list[str], summary: str
    ) -> Inspection:
        ins = Inspection(plan_id=iplan.id if kind == InspectionKind.periodic else None, owner_unit_id=did,
                         unit_id=unit.id or 0, kind=kind, date=day, team=TEAM if kind == InspectionKind.periodic
                         else TEAM[:1], areas=areas, summary=summary)  # fmt: skip
        session.add(ins)
        session.flush()
        return ins

    def close(ins: Inspection, conclusion: str, day: date) -> None:
        ins.status, ins.conclusion = InspectionStatus.closed, conclusion
        ins.closed_at = datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)
        session.add(ins)

    # Quý II (outside the Quý III window): Bình La, closed.
    bl = inspection(binhla, date(2024, 5, 16), InspectionKind.periodic, ["thu_tuc_hanh_chinh", "cong_vu"],
                    "Kiểm tra việc giải quyết TTHC và thực thi công vụ tại UBND xã Bình La.")  # fmt: skip
    session.add(Finding(inspection_id=bl.id or 0, severity=Severity.low, area="cong_vu",
                        content="Sổ theo dõi giải quyết hồ sơ ghi chưa đầy đủ ngày trả kết quả."))  # fmt: skip
    close(
        bl,
        "UBND xã Bình La thực hiện tương đối tốt công tác CCHC; đã chấn chỉnh việc ghi sổ theo dõi.",
        date(2024, 6, 10),
    )

    # Quý III, periodic: Hoa Thám (finding with a follow-up assignment) and Tân Văn (closed).
    ht = inspection(hoatham, date(2024, 8, 20), InspectionKind.periodic,
                    ["thu_tuc_hanh_chinh", "chinh_quyen_so", "cong_vu"],
                    "Kiểm tra việc niêm yết, giải quyết TTHC tại Bộ phận một cửa, số hóa hồ sơ và kỷ cương hành chính.")  # fmt: skip
    f1 = Finding(inspection_id=ht.id or 0, severity=Severity.medium, area="thu_tuc_hanh_chinh",
                 content="Bộ phận một cửa niêm yết chưa đầy đủ, chưa cập nhật 12 TTHC mới công bố.")  # fmt: skip
    if plan is not None:
        task, a = _follow_up(
            session, plan, hoatham, section_title=FOLLOW_UP_SECTION, prefix="KP",
            title="Niêm yết đầy đủ, cập nhật kịp thời TTHC tại Bộ phận một cửa xã Hoa Thám",
            product="Báo cáo kết quả khắc phục kèm ảnh chụp bảng niêm yết", due=date(2024, 10, 31),
            reason=f"Bổ sung nhiệm vụ khắc phục sau kiểm tra ngày {_vn(ht.date)}",
            status=AssignmentStatus.in_progress, progress=50,
        )  # fmt: skip
        f1.task_id, f1.assignment_id = task.id, a.id
    session.add(f1)
    session.add(Finding(inspection_id=ht.id or 0, severity=Severity.low, area="chinh_quyen_so",
                        content="Tỷ lệ hồ sơ TTHC được số hóa kết quả mới đạt 55%."))  # fmt: skip
    tv = inspection(tanvan, date(2024, 8, 22), InspectionKind.periodic, ["thu_tuc_hanh_chinh", "to_chuc_bo_may"],
                    "Kiểm tra giải quyết TTHC, sắp xếp tổ chức bộ máy và bố trí công chức.")  # fmt: skip
    session.add(Finding(inspection_id=tv.id or 0, severity=Severity.low, area="thu_tuc_hanh_chinh",
                        content="Một số phiếu kiểm soát quá trình giải quyết hồ sơ thiếu chữ ký bàn giao."))  # fmt: skip
    close(
        tv,
        "Đạt yêu cầu; UBND xã Tân Văn đã chấn chỉnh phiếu kiểm soát ngay trong đợt kiểm tra.",
        date(2024, 9, 5),
    )

    # Quý III, ad-hoc: Hồng Phong, kỷ luật, kỷ cương hành chính.
    hp = inspection(hongphong, date(2024, 9, 18), InspectionKind.adhoc, ["cong_vu"],
                    "Kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương hành chính, giờ giấc làm việc.")  # fmt: skip
    session.add(Finding(inspection_id=hp.id or 0, severity=Severity.high, area="cong_vu",
                        content="02 công chức vắng mặt không có lý do trong giờ làm việc tại thời điểm kiểm tra."))  # fmt: skip

    # Outreach outputs (Phòng Văn hóa và Thông tin leads; the communes and the Trung tâm contribute).
    outreach = [
        (vhtt, date(2024, 4, 12), OutreachKind.article, OutreachLanguage.vi, "Tin bài về kết quả CCHC Quý I",
         "Cổng thông tin điện tử huyện", 3, None),
        (vhtt, date(2024, 7, 10), OutreachKind.article, OutreachLanguage.vi,
         "Chuyên mục “Cải cách hành chính” trên Cổng thông tin điện tử huyện", "Cổng thông tin điện tử huyện", 6, None),
        (vhtt, date(2024, 7, 25), OutreachKind.radio, OutreachLanguage.vi, "Chuyên mục phát thanh về dịch vụ công trực tuyến",
         "Đài truyền thanh huyện", 8, None),
        (vhtt, date(2024, 8, 5), OutreachKind.loudspeaker, OutreachLanguage.tay,
         "Tuyên truyền nộp hồ sơ trực tuyến bằng tiếng Tày", "Loa truyền thanh cơ sở các xã", 24, 4500),
        (vhtt, date(2024, 8, 6), OutreachKind.loudspeaker, OutreachLanguage.nung,
         "Tuyên truyền thanh toán trực tuyến phí, lệ phí bằng tiếng Nùng", "Loa truyền thanh cơ sở các xã", 18, 3200),
        (hoatham, date(2024, 8, 28), OutreachKind.loudspeaker, OutreachLanguage.tay,
         "Thông báo TTHC mới công bố bằng tiếng Tày", "Loa truyền thanh xã Hoa Thám", 6, 900),
        (vhtt, date(2024, 9, 10), OutreachKind.conference, OutreachLanguage.vi,
         "Hội nghị tuyên truyền CCHC cho cán bộ, công chức cấp xã", "Hội trường UBND huyện", 1, 150),
        (district, date(2024, 9, 25), OutreachKind.dialogue, OutreachLanguage.vi,
         "Đối thoại giữa Chủ tịch UBND huyện với nhân dân về giải quyết TTHC đất đai", "Xã Hoa Thám", 1, 120),
        (ttbg, date(2024, 9, 27), OutreachKind.leaflet, OutreachLanguage.vi,
         "Tờ rơi hướng dẫn nộp hồ sơ trực tuyến", "Bộ phận một cửa huyện", 500, None),
    ]  # fmt: skip
    for unit, day, kind, lang, title, medium, qty, aud in outreach:
        session.add(OutreachOutput(unit_id=unit.id or 0, date=day, kind=kind, language=lang, title=title,
                                   medium=medium, quantity=qty, audience=aud))  # fmt: skip

    # Accountability session (giải trình) of Tân Văn's head before the Chủ tịch, Quý III.
    ses = AccountabilitySession(
        owner_unit_id=did, unit_id=tanvan.id or 0, date=date(2024, 9, 12),
        chaired_by="Nguyễn Mạnh Tuấn – Chủ tịch UBND huyện", head_name="Lộc Văn Bình",
        head_title="Chủ tịch UBND xã Tân Văn",
        explanation="Xã thiếu công chức văn phòng – thống kê trong Quý II do điều động; đường truyền tại Bộ phận "
        "một cửa thường xuyên gián đoạn nên việc số hóa hồ sơ chậm.",
        explained_at=datetime(2024, 9, 12, 3, 30, tzinfo=UTC),
        conclusion="Yêu cầu UBND xã Tân Văn hoàn thành các nhiệm vụ quá hạn trước 30/11/2024; Phòng Nội vụ theo dõi, "
        "báo cáo kết quả trong báo cáo CCHC năm.",
        status=SessionStatus.held,
    )  # fmt: skip
    session.add(ses)
    session.flush()
    items = _overdue_items(session, plan, tanvan, today) if plan is not None else []
    items.append(AccountabilityItem(session_id=0, order=len(items), note="Theo báo cáo tháng 8/2024",
                                    label="Tỷ lệ hồ sơ TTHC được số hóa kết quả thấp"))  # fmt: skip
    for it in items:
        it.session_id = ses.id or 0
        session.add(it)
    if plan is not None:
        task, a = _follow_up(
            session, plan, tanvan, section_title=SESSION_SECTION, prefix="GT",
            title="Hoàn thành các nhiệm vụ CCHC quá hạn và nâng tỷ lệ số hóa hồ sơ TTHC",
            product="Báo cáo kết quả thực hiện kết luận phiên giải trình", due=date(2024, 11, 30),
            reason=f"Bổ sung nhiệm vụ theo kết luận phiên giải trình ngày {_vn(ses.date)}",
        )  # fmt: skip
        ses.follow_ups = [{"task_id": task.id, "assignment_id": a.id}]
        session.add(ses)
    session.flush()
