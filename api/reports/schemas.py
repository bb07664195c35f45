"""API shapes of reporting periods, reports and report templates."""

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.models import PeriodKind, ReportLevel, ReportStatus

# Đề cương (outline) of a CCHC report: the narrative sections, in order (domain reference §3.2).
NARRATIVE_SECTIONS: dict[str, str] = {
    "ket_qua": "Kết quả nổi bật",
    "ton_tai_han_che": "Tồn tại, hạn chế",
    "nguyen_nhan": "Nguyên nhân",
    "phuong_huong": "Phương hướng, nhiệm vụ kỳ tới",
    "de_xuat_kien_nghi": "Đề xuất, kiến nghị",
}
TEMPLATE_NAMES = ("unit_report.docx", "district_report.docx")
TemplateName = Literal["unit_report.docx", "district_report.docx"]


# --- periods ------------------------------------------------------------------------------------------------


class PeriodGenerate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2000, le=2100)
    owner_unit_id: int | None = Field(default=None, description="Mặc định: đơn vị cấp huyện của người gọi")


class PeriodUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=120)
    data_from: date | None = None
    data_to: date | None = None
    due_unit: date | None = Field(default=None, description="Hạn đơn vị gửi huyện (Phòng Nội vụ)")
    due_district: date | None = Field(default=None, description="Hạn huyện gửi tỉnh (Sở Nội vụ)")
    due_province: date | None = Field(default=None, description="Hạn tỉnh gửi Bộ Nội vụ")

    @model_validator(mode="after")
    def _no_null_required(self) -> "PeriodUpdate":
        for name in ("name", "data_from", "data_to", "due_unit", "due_district"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} không được để trống")
        return self


class PeriodRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    owner_unit_id: int
    year: int
    kind: PeriodKind
    name: str
    data_from: date
    data_to: date
    due_unit: date
    due_district: date
    due_province: date | None
    version: int
    created_at: datetime
    updated_at: datetime | None = None
    due_dates_are_defaults: bool = Field(
        default=False,
        description="Hạn nộp vẫn là giá trị mặc định chưa xác minh ([B] domain.md §3.2); sửa bằng PATCH.",
    )
    unit_due_passed: bool = Field(
        default=False,
        description="Đã qua hạn nộp của đơn vị (theo ngày của hệ thống): báo cáo chưa gửi là quá hạn.",
    )
    district_due_passed: bool = Field(
        default=False, description="Đã qua hạn nộp báo cáo tổng hợp: báo cáo tổng hợp chưa gửi là quá hạn."
    )


# --- reports ------------------------------------------------------------------------------------------------


class Narrative(BaseModel):
    """Narrative sections; a section sent as null is cleared, one not sent is kept. Besides the five classic keys,
    any written section of the report's outline (its ``key``: the_che, khao_sat, …) is accepted."""

    model_config = ConfigDict(extra="allow")
    ket_qua: str | None = Field(default=None, max_length=50_000)
    ton_tai_han_che: str | None = Field(default=None, max_length=50_000)
    nguyen_nhan: str | None = Field(default=None, max_length=50_000)
    phuong_huong: str | None = Field(default=None, max_length=50_000)
    de_xuat_kien_nghi: str | None = Field(default=None, max_length=50_000)

    @model_validator(mode="after")
    def _extra_sections(self) -> "Narrative":
        for key, value in (self.model_extra or {}).items():
            if not re.fullmatch(r"[a-z][a-z0-9_]{1,59}", key):
                raise ValueError(f"Khóa mục không hợp lệ: {key[:60]}")
            if value is not None and (not isinstance(value, str) or len(value) > 50_000):
                raise ValueError(f"Nội dung mục {key} phải là văn bản, tối đa 50.000 ký tự")
        return self

    def sections(self) -> dict[str, str | None]:
        """The sections sent (classic and outline keys) with their texts."""
        out: dict[str, str | None] = {k: getattr(self, k) for k in self.model_fields_set if k in NARRATIVE_SECTIONS}
        out.update(self.model_extra or {})
        return out


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period_id: int
    unit_id: int = Field(description="Đơn vị báo cáo; là đơn vị định nghĩa kỳ → báo cáo tổng hợp của huyện")
    number: str | None = Field(default=None, max_length=60)
    title: str | None = Field(default=None, max_length=500)
    signer: str | None = Field(default=None, max_length=200)
    signer_title: str | None = Field(default=None, max_length=200)


class ReportUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    narrative: Narrative | None = None
    number: str | None = Field(default=None, max_length=60)
    title: str | None = Field(default=None, max_length=500)
    signer: str | None = Field(default=None, max_length=200)
    signer_title: str | None = Field(default=None, max_length=200)


class ReturnRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=5000)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("Cần nêu lý do trả lại")
        return v.strip()


class ReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    period_id: int
    unit_id: int
    level: ReportLevel
    status: ReportStatus
    number: str | None = None
    title: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    narrative: dict[str, Any] = Field(default_factory=dict)
    is_late: bool
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    return_reason: str | None = None
    frozen_at: datetime | None = None
    version: int
    created_at: datetime
    updated_at: datetime | None = None
    unit_code: str | None = None
    unit_name: str | None = None
    period_name: str | None = None


class ReportDetail(ReportRead):
    """One report with its figures: live (computed now, as of the cut-off) until accepted/approved, then frozen."""

    live: bool
    as_of: date | None = None
    figures: dict[str, Any] = Field(default_factory=dict)
    task_table: list[dict[str, Any]] = Field(default_factory=list)
    outline: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Các mục của báo cáo theo đề cương, theo thứ tự: key, number, title, fill (auto | written | "
        "heading | indicators), source, hint, depth, text (tự viết hoặc do đơn vị viết), auto_text (số liệu lĩnh vực)",
    )
    outline_info: dict[str, Any] = Field(
        default_factory=dict, description="Đề cương áp dụng: id, name, verified, source_note"
    )


# --- templates ----------------------------------------------------------------------------------------------


class TemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    owner_unit_id: int
    name: str
    sha256: str
    size: int = 0
    uploaded_by_id: int | None = None
    created_at: datetime
