from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import created_at_field, enum_field, ts_field


class EvidenceOwner(StrEnum):
    assignment = "assignment"
    plan = "plan"
    report = "report"
    sheet = "sheet"  # phiếu tự đánh giá (assessment sheet)
    inspection = "inspection"  # biên bản, kết luận kiểm tra CCHC (issue 16)
    outreach = "outreach"  # sản phẩm tuyên truyền (issue 16)
    accountability = "accountability"  # biên bản phiên giải trình (issue 16)


class Evidence(SQLModel, table=True):
    """Tài liệu kiểm chứng: one version of an uploaded document. Versions share a ``series_id``."""

    __tablename__ = "evidence"
    __table_args__ = (
        sa.Index("ix_evidence_owner", "owner_type", "owner_id"),
        sa.UniqueConstraint("series_id", "version_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    series_id: str = Field(max_length=36, index=True)
    version_no: int = Field(default=1)
    owner_type: EvidenceOwner = enum_field(EvidenceOwner)
    owner_id: int
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    title: str = Field(max_length=500)
    doc_number: str | None = Field(default=None, max_length=120)
    issue_date: date | None = None
    issuing_body: str | None = Field(default=None, max_length=300)
    effective_from: date | None = None
    effective_to: date | None = None
    description: str | None = Field(default=None, sa_type=sa.Text)
    filename: str = Field(max_length=255)
    mime: str = Field(max_length=120)
    size: int = Field(sa_type=sa.BigInteger)
    sha256: str = Field(max_length=64, index=True)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    uploaded_at: datetime = created_at_field()
    deleted_at: datetime | None = ts_field()
    deleted_by_id: int | None = Field(default=None, foreign_key="user_account.id")
