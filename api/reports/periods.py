"""Kỳ báo cáo: the four CCHC reporting periods of a year, their data cut-off windows and due dates.

Windows [V] Văn bản 581/BNV-CCHC (domain reference §3.2): Quý I 15/12 (previous year) – 14/3; 6 tháng 15/12 – 14/6;
Quý III 15/6 – 14/9 (NOT cumulative); năm 15/12 – 14/12.

Due dates: only the ministry's "no later than the 20th of the last month" is verified. The internal deadlines
(units → district around the 5th–8th, district → province around the 10th–12th) are background knowledge
([B] in domain.md §3.2) — they are DEFAULTS, generated once and editable per period by the district admin.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col

from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import FieldError, Unprocessable
from api.models import OrgUnit, PeriodKind, ReportingPeriod, UnitKind
from api.models.base import utcnow
from api.reports.schemas import PeriodUpdate

P = Permission
AUDIT_FIELDS = [
    "owner_unit_id",
    "year",
    "kind",
    "name",
    "data_from",
    "data_to",
    "due_unit",
    "due_district",
    "due_province",
]

# [B] default day of the last month of the period for each level's deadline (configurable per period).
DEFAULT_DUE_DAY_UNIT = 6
DEFAULT_DUE_DAY_DISTRICT = 11
DEFAULT_DUE_DAY_PROVINCE = 20  # [V] 581/BNV-CCHC: the ministry's deadline


def unit_due_rule_text(day: int = DEFAULT_DUE_DAY_UNIT) -> str:
    """The units' due-day rule in words, as plans cite it ("chậm nhất ngày 06 của tháng cuối kỳ báo cáo"): the demo
    plan's text is filled from the same constant as the periods' default ``due_unit``, so the two cannot differ."""
    return f"chậm nhất ngày {day:02d} của tháng cuối kỳ báo cáo"


# Placeholders a seeded plan text may use (api/plans/seed.py fills them).
PLAN_TEXT_PLACEHOLDERS = {"han_bao_cao_don_vi": unit_due_rule_text}


@dataclass(frozen=True)
class Window:
    kind: PeriodKind
    name: str
    data_from: date
    data_to: date
    due_month: int  # the period's last month, in which the deadlines fall


def windows(year: int) -> list[Window]:
    """The four cut-off windows of ``year`` (581/BNV-CCHC)."""
    prev_dec15 = date(year - 1, 12, 15)
    return [
        Window(PeriodKind.q1, f"Quý I năm {year}", prev_dec15, date(year, 3, 14), 3),
        Window(PeriodKind.h1, f"6 tháng đầu năm {year}", prev_dec15, date(year, 6, 14), 6),
        Window(PeriodKind.q3, f"Quý III năm {year}", date(year, 6, 15), date(year, 9, 14), 9),
        Window(PeriodKind.year, f"Năm {year}", prev_dec15, date(year, 12, 14), 12),
    ]


def default_due_dates(year: int, month: int) -> tuple[date, date, date]:
    return (
        date(year, month, DEFAULT_DUE_DAY_UNIT),
        date(year, month, DEFAULT_DUE_DAY_DISTRICT),
        date(year, month, DEFAULT_DUE_DAY_PROVINCE),
    )


def has_default_due_dates(period: ReportingPeriod) -> bool:
    month = {w.kind: w.due_month for w in windows(period.year)}[PeriodKind(period.kind)]
    return (period.due_unit, period.due_district, period.due_province) == default_due_dates(
        period.year, month
    )


def owner_unit_for(session: Session, principal: Principal, owner_unit_id: int | None) -> OrgUnit:
    """The unit that defines periods: the given one, or the caller's only reviewing unit; at any level, as long as
    it is a people's committee (a province runs its plan straight to its communes since 01/7/2025)."""
    if owner_unit_id is not None:
        unit = scope.get_unit(session, principal, owner_unit_id, P.reports_review)
    else:
        grants = principal.grants_for(P.reports_review)
        ids = sorted({g.unit_id for g in grants})
        if len(ids) != 1:
            msg = "Hãy chọn đơn vị (owner_unit_id) định nghĩa kỳ báo cáo."
            raise Unprocessable(
                msg,
                "owner_unit_id is required.",
                errors=[FieldError(field="owner_unit_id", code="required", message=msg)],
            )
        unit = scope.get_unit(session, principal, ids[0], P.reports_review)
    if unit.kind != UnitKind.people_committee:
        msg = "Chỉ UBND (tỉnh, xã; huyện trước 01/7/2025) định nghĩa kỳ báo cáo."
        raise Unprocessable(
            msg,
            "Only a people's committee (province, commune, or a district of the past) defines reporting periods.",
            code="not_a_district",
            errors=[FieldError(field="owner_unit_id", code="not_a_district", message=msg)],
        )
    return unit


def generate(session: Session, principal: Principal, *, owner: OrgUnit, year: int) -> list[ReportingPeriod]:
    """Create the missing periods of ``year`` for ``owner``; existing ones (perhaps edited) are kept."""
    existing = {
        p.kind: p
        for p in session.exec(
            scope.visible_periods(principal).where(
                col(ReportingPeriod.owner_unit_id) == owner.id, col(ReportingPeriod.year) == year
            )
        ).all()
    }
    out: list[ReportingPeriod] = []
    for w in windows(year):
        period = existing.get(w.kind)
        if period is None:
            due_unit, due_district, due_province = default_due_dates(year, w.due_month)
            period = ReportingPeriod(
                owner_unit_id=owner.id or 0,
                year=year,
                kind=w.kind,
                name=w.name,
                data_from=w.data_from,
                data_to=w.data_to,
                due_unit=due_unit,
                due_district=due_district,
                due_province=due_province,
            )
            session.add(period)
            session.flush()
            record_create(session, principal, "reporting_period", period, owner.id, AUDIT_FIELDS)
        out.append(period)
    return out


def _check(period: ReportingPeriod) -> None:
    errors: list[FieldError] = []
    if period.data_to < period.data_from:
        errors.append(
            FieldError(
                field="data_to",
                code="before_start",
                message="Ngày chốt số liệu phải sau ngày bắt đầu",
                message_en="data_to must not be before data_from",
            )
        )
    if period.due_district < period.due_unit:
        errors.append(
            FieldError(
                field="due_district",
                code="order",
                message="Hạn gửi báo cáo tổng hợp phải sau hạn của đơn vị",
                message_en="due_district must not be before due_unit",
            )
        )
    if period.due_province is not None and period.due_province < period.due_district:
        errors.append(
            FieldError(
                field="due_province",
                code="order",
                message="Hạn gửi cấp trên phải sau hạn gửi báo cáo tổng hợp",
                message_en="due_province must not be before due_district",
            )
        )
    if errors:
        raise Unprocessable("Ngày của kỳ báo cáo không hợp lệ.", "Invalid period dates.", errors=errors)


def update(
    session: Session, principal: Principal, *, period: ReportingPeriod, data: PeriodUpdate
) -> ReportingPeriod:
    """Sửa kỳ báo cáo (district admin of the owner unit): name, window, due dates."""
    before = snapshot(period, AUDIT_FIELDS)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(period, key, value)
    _check(period)
    period.updated_at = utcnow()
    session.add(period)
    session.flush()
    record(
        session,
        principal,
        "update",
        "reporting_period",
        period.id,
        period.owner_unit_id,
        diff(before, snapshot(period, AUDIT_FIELDS)),
    )
    return period
