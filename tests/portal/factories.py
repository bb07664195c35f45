"""Plain factories for the portal tests: an approved district report built directly through the session."""

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from api.models import OrgUnit, PeriodKind, Report, ReportingPeriod, ReportLevel, ReportStatus

FIGURES: dict[str, Any] = {
    "as_of": "2024-03-14",
    "total": 12,
    "buckets": {"completed_on_time": 5, "completed_late": 1, "in_progress": 4, "overdue": 2},
    "by_field": [
        {
            "code": "TTHC",
            "name": "Cải cách thủ tục hành chính",
            "total": 7,
            "buckets": {"completed_on_time": 3},
        },
        {"code": "CQS", "name": "Chính quyền số", "total": 5, "buckets": {"overdue": 2}},
    ],
    "completed_in_window": 6,
    "evidence_in_window": 9,
}
TASK_TABLE: list[dict[str, Any]] = [
    {
        "task": "Rà soát, đơn giản hóa TTHC",
        "unit": "Phòng Nội vụ",
        "product": "Báo cáo rà soát",
        "status": "approved",
        "bucket": "completed_on_time",
        "result": "Đã hoàn thành",
        "evidence": [{"title": "Quyết định 12/QĐ-UBND", "effective_date": "2024-02-01"}],
    }
]


def unit_by_code(session: Session, code: str) -> OrgUnit:
    return session.exec(select(OrgUnit).where(col(OrgUnit.code) == code)).one()


def approved_report(
    session: Session,
    *,
    unit_id: int,
    year: int = 2024,
    kind: PeriodKind = PeriodKind.q1,
    status: ReportStatus = ReportStatus.approved,
) -> Report:
    """Get or create the period (owned by the unit) and the unit's district-level report, approved (flushed)."""
    period = session.exec(
        select(ReportingPeriod).where(
            col(ReportingPeriod.owner_unit_id) == unit_id,
            col(ReportingPeriod.year) == year,
            col(ReportingPeriod.kind) == kind,
        )
    ).first()
    if period is None:
        period = ReportingPeriod(
            owner_unit_id=unit_id,
            year=year,
            kind=kind,
            name=f"Báo cáo CCHC {kind.value} năm {year}",
            data_from=date(year - 1, 12, 15),
            data_to=date(year, 3, 14),
            due_unit=date(year, 3, 6),
            due_district=date(year, 3, 12),
        )
        session.add(period)
        session.flush()
    report = session.exec(
        select(Report).where(
            col(Report.period_id) == period.id,
            col(Report.unit_id) == unit_id,
            col(Report.level) == ReportLevel.district,
        )
    ).first()
    if report is None:
        now = datetime.now(UTC)
        report = Report(
            period_id=period.id or 0,
            unit_id=unit_id,
            level=ReportLevel.district,
            status=status,
            number="125/BC-UBND",
            title=f"Báo cáo kết quả công tác cải cách hành chính {kind.value} năm {year}",
            signer="Nguyễn Mạnh Tuấn",
            signer_title="Chủ tịch",
            narrative={
                "ket_qua": "Đạt kết quả tích cực.",
                "ton_tai_han_che": "Còn chậm.",
                "de_xuat_kien_nghi": None,
            },
            figures=FIGURES,
            task_table=TASK_TABLE,
            frozen_at=now,
            reviewed_at=now,
        )
        session.add(report)
        session.flush()
    return report
