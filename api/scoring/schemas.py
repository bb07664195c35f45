"""API shapes of assessment rounds (đợt đánh giá), sheets (phiếu tự đánh giá), scores and appraisal (thẩm định).

Points are exact decimals: ``Decimal`` in, ``Decimal`` out (serialised as strings, "0.75"), stored in thousandths.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.models import AppraisalState, EvidenceOwner, RoundStatus, SheetStatus


def _strip(v: str | None) -> str | None:
    if v is None:
        return None
    v = v.strip()
    return v or None


# --- rounds -------------------------------------------------------------------------------------------------


class RoundWindows(BaseModel):
    self_start_date: date | None = None
    self_end_date: date | None = None
    appraisal_start_date: date | None = None
    appraisal_end_date: date | None = None


class RoundCreate(RoundWindows):
    model_config = ConfigDict(extra="forbid")
    framework_id: int
    owner_unit_id: int = Field(description="Đơn vị tổ chức đánh giá (cần assessments:manage tại đó)")
    year: int = Field(ge=2000, le=2100)
    name: str = Field(min_length=1, max_length=300)
    self_start_date: date
    self_end_date: date
    appraisal_start_date: date
    appraisal_end_date: date
    unit_ids: list[int] | None = Field(
        default=None,
        max_length=5000,
        description="Đơn vị được đánh giá; mặc định: các đơn vị đang hoạt động dưới đơn vị tổ chức, "
        "đúng cấp/loại mà bộ chỉ số áp dụng",
    )
    note: str | None = Field(default=None, max_length=5000)


class RoundUpdate(RoundWindows):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=300)
    note: str | None = Field(default=None, max_length=5000)

    @model_validator(mode="after")
    def _no_null_required(self) -> "RoundUpdate":
        for name in ("name", *RoundWindows.model_fields):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} không được để trống")
        return self


class RoundPublish(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision_ref: str | None = Field(default=None, max_length=200, description="Số quyết định công bố")


class RoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    framework_id: int
    owner_unit_id: int
    year: int
    name: str
    self_start_date: date
    self_end_date: date
    appraisal_start_date: date
    appraisal_end_date: date
    status: RoundStatus
    published_at: datetime | None = None
    decision_ref: str | None = None
    note: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime | None = None
    framework_code: str | None = None
    framework_name: str | None = None
    owner_unit_name: str | None = None


class RoundDetail(RoundRead):
    sheet_counts: dict[SheetStatus, int] = Field(
        default_factory=dict, description="Số phiếu theo trạng thái (trong phạm vi người gọi)"
    )
    sheet_total: int = 0
    allowed_actions: list[str] = Field(default_factory=list, description="update, publish")


# --- sheets -------------------------------------------------------------------------------------------------


class SheetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    difficulties: str | None = Field(default=None, max_length=20_000, description="Khó khăn, vướng mắc")
    recommendations: str | None = Field(default=None, max_length=20_000, description="Kiến nghị, đề xuất")
    signer_title: str | None = Field(default=None, max_length=200)
    signer_name: str | None = Field(default=None, max_length=200)


class SheetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    round_id: int
    unit_id: int
    status: SheetStatus
    difficulties: str | None = None
    recommendations: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    return_reason: str | None = None
    reopen_reason: str | None = None
    submitted_at: datetime | None = None
    appraised_at: datetime | None = None
    approved_at: datetime | None = None
    version: int
    created_at: datetime
    updated_at: datetime | None = None
    unit_code: str | None = None
    unit_name: str | None = None
    round_name: str | None = None
    year: int | None = None
    scored: int | None = Field(default=None, description="Số tiêu chí đã tự chấm")
    scorable: int | None = Field(default=None, description="Số tiêu chí phải tự chấm của bộ chỉ số (trong danh sách)")
    self_total: Decimal | None = None
    appraised_total: Decimal | None = None


class EvidenceBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    filename: str
    doc_number: str | None = None
    issue_date: date | None = None
    owner_type: EvidenceOwner
    owner_id: int


class EvidenceCandidate(EvidenceBrief):
    source: Literal["assignment", "sheet"]
    issuing_body: str | None = None
    uploaded_at: datetime | None = None


class ScoreRead(BaseModel):
    option_index: int | None = None
    measured_value: str | None = None
    self_points: Decimal | None = None
    manual: bool = False
    comment: str | None = None
    explanation: str | None = Field(default=None, description="Giải trình")
    appraisal_state: AppraisalState
    appraised_points: Decimal | None = None
    appraisal_reason: str | None = None
    evidence: list[EvidenceBrief] = Field(default_factory=list)
    updated_at: datetime | None = None


class SheetNode(BaseModel):
    """One node of the framework tree in tree order, with its rule (scorable leaves) or subtotals (parents)."""

    id: int
    parent_id: int | None
    code: str
    title: str
    depth: int
    level_name: str | None = None
    max_points: Decimal | None = None
    scorable: bool
    scoring_method: str
    expected_evidence: str | None = None
    verified: bool = False
    rule: dict[str, Any] | None = None
    score: ScoreRead | None = None
    self_subtotal: Decimal | None = Field(default=None, description="Tổng điểm tự chấm của các tiêu chí con")
    appraised_subtotal: Decimal | None = Field(default=None, description="Tổng điểm thẩm định")
    scored: int = 0
    scorable_count: int = 0


class FrameworkBrief(BaseModel):
    id: int
    code: str
    name: str
    scale: Decimal | None = None


class SheetDetail(SheetRead):
    round: RoundRead
    framework: FrameworkBrief
    nodes: list[SheetNode]
    progress_scored: int
    progress_scorable: int
    max_total: Decimal | None = None
    allowed_actions: list[str] = Field(
        default_factory=list,
        description="edit, upload_evidence, submit, appraise, return, finish_appraisal, approve, reopen",
    )


# --- self-assessment ----------------------------------------------------------------------------------------


class ScoreWrite(BaseModel):
    """Tự chấm một tiêu chí thành phần: the answer the rule turns into points (or manual points with a comment)."""

    model_config = ConfigDict(extra="forbid")
    option_index: int | None = Field(default=None, ge=0, le=1000)
    measured_value: Decimal | None = Field(default=None, description="Giá trị đo được (ngưỡng, số lần trừ)")
    manual_points: Decimal | None = Field(default=None, description="Điểm nhập tay (cần ghi chú lý do)")
    comment: str | None = Field(default=None, max_length=5000)
    explanation: str | None = Field(default=None, max_length=20_000, description="Giải trình")
    evidence_ids: list[int] | None = Field(
        default=None, max_length=200, description="Tài liệu kiểm chứng (thay toàn bộ); bỏ trống = giữ nguyên"
    )

    _s = field_validator("comment", "explanation")(_strip)


# --- appraisal ----------------------------------------------------------------------------------------------


class AppraisalWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["accepted", "adjusted", "returned"]
    points: Decimal | None = Field(default=None, description="Điểm thẩm định (khi điều chỉnh)")
    reason: str | None = Field(default=None, max_length=5000)

    _s = field_validator("reason")(_strip)


class BulkAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")
    node_ids: list[int] | None = Field(
        default=None, max_length=5000, description="Bỏ trống: mọi tiêu chí chưa thẩm định"
    )


class ReturnSheet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=5000)

    _s = field_validator("reason")(_strip)


class ReopenSheet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=5000)
    to: Literal["under_appraisal", "in_progress"] = "under_appraisal"

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("Cần nêu lý do mở lại")
        return v.strip()
