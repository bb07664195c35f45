from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, json_field, ts_field


class PeriodKind(StrEnum):
    q1 = "q1"  # Quý I
    h1 = "h1"  # 6 tháng
    q3 = "q3"  # Quý III (not cumulative)
    year = "year"  # Năm


class ReportLevel(StrEnum):
    unit = "unit"  # a department's or commune's report to the district
    district = "district"  # the district's aggregate report to the province


class ReportStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    accepted = "accepted"  # unit report accepted by Phòng Nội vụ (frozen)
    approved = "approved"  # district report approved by a leader (frozen, delivered)


class DeliveryStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    delivered = "delivered"
    failed = "failed"  # gave up after the maximum number of attempts; retryable by hand


class ReportingPeriod(Versioned, SQLModel, table=True):
    """Kỳ báo cáo: a period with its data cut-off window and a due date per level (editable per year)."""

    __tablename__ = "reporting_period"
    __table_args__ = (sa.UniqueConstraint("owner_unit_id", "year", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    year: int
    kind: PeriodKind = enum_field(PeriodKind)
    name: str = Field(max_length=120)
    data_from: date
    data_to: date
    due_unit: date  # units → district (Phòng Nội vụ)
    due_district: date  # district → province (Sở Nội vụ)
    due_province: date | None = None  # province → ministry
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class Report(Versioned, SQLModel, table=True):
    """Báo cáo CCHC of one unit (or the district aggregate) for one period."""

    __tablename__ = "report"
    __table_args__ = (sa.UniqueConstraint("period_id", "unit_id", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="reporting_period.id", index=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    level: ReportLevel = enum_field(ReportLevel)
    status: ReportStatus = enum_field(ReportStatus, default=ReportStatus.draft)
    number: str | None = Field(default=None, max_length=60)  # "…/BC-UBND"
    title: str | None = Field(default=None, max_length=500)
    signer: str | None = Field(default=None, max_length=200)
    signer_title: str | None = Field(default=None, max_length=200)
    narrative: dict[str, Any] = json_field(dict)
    # Frozen copies, filled when the report is accepted/approved; live figures are computed until then.
    figures: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    task_table: list[Any] | None = Field(default=None, sa_type=sa.JSON)
    frozen_at: datetime | None = ts_field()
    is_late: bool = Field(default=False)
    submitted_at: datetime | None = ts_field()
    submitted_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = ts_field()
    reviewed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    return_reason: str | None = Field(default=None, sa_type=sa.Text)
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class ReportTemplate(SQLModel, table=True):
    """A district's replacement for a shipped export template (DOCX), stored in the database."""

    __tablename__ = "report_template"
    __table_args__ = (sa.UniqueConstraint("owner_unit_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    name: str = Field(max_length=80)  # e.g. "unit_report.docx", "district_report.docx"
    content: bytes = Field(sa_type=sa.LargeBinary)
    sha256: str = Field(max_length=64)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = created_at_field()


class PortalDelivery(SQLModel, table=True):
    """Transactional outbox row: written with the approval, sent by a worker, never twice."""

    __tablename__ = "portal_delivery"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    adapter: str = Field(default="parsipas-v1", max_length=60)
    idempotency_key: str = Field(max_length=64, unique=True)
    payload: dict[str, Any] = json_field(dict)
    status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.pending)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = created_at_field()
    locked_until: datetime | None = ts_field()
    locked_by: str | None = Field(default=None, max_length=80)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    remote_reference: str | None = Field(default=None, max_length=200)
    delivered_at: datetime | None = ts_field()
    created_at: datetime = created_at_field()


class DeliveryAttempt(SQLModel, table=True):
    __tablename__ = "delivery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="portal_delivery.id", index=True)
    at: datetime = created_at_field()
    status_code: int | None = None
    error: str | None = Field(default=None, sa_type=sa.Text)
    duration_ms: int | None = None
    worker: str | None = Field(default=None, max_length=80)
