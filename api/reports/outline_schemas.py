"""API shapes of report outlines (đề cương), their indicators (biểu số liệu) and the values entered on a report."""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.models import ReportLevel
from api.models.report_outline import Rollup

Fill = Literal["auto", "written", "heading", "indicators"]
KEY = r"^[a-z][a-z0-9_]{1,59}$"
CODE = r"^[A-Z][A-Z0-9_]{0,39}$"
# What an ``auto`` section is written from, and what a computed indicator is computed from.
AUTO_SOURCES = (
    "plan_progress",
    "plan_tasks",
    "unit_reports",
    "inspections",
    "outreach",
    "accountability",
    "survey",  # the desks' own satisfaction survey; also on a written section (figures above the unit's text)
)
COMPUTED_SOURCES = (
    "plan_tasks",
    "plan_assignments",
    "plan_done",
    "outreach_entries",
    "outreach_quantity",
    "outreach_audience",
    "inspections",
    "units_inspected",
    "findings",
    "accountability_sessions",
    "survey_satisfaction",  # on an entered indicator: computed from the survey when the period has answers
    "share",
)


class OutlineSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=KEY, description="Khóa mục; mục viết lưu nội dung trong narrative của báo cáo")
    number: str = Field(min_length=1, max_length=10, description="Số mục: I, 1, a, Biểu")
    title: str = Field(min_length=1, max_length=300)
    fill: Fill = Field(
        description="auto: hệ thống tự viết; written: đơn vị viết; heading: tiêu đề; indicators: biểu"
    )
    source: str | None = Field(
        default=None, max_length=60, description="auto: nguồn dữ liệu; written: area:<mã>"
    )
    hint: str = Field(default="", max_length=1000)


class IndicatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int | None = Field(default=None, description="Bỏ qua: chỉ tiêu được nhận biết theo mã (code)")
    code: str = Field(pattern=CODE)
    section_key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=500)
    unit_of_measure: str = Field(min_length=1, max_length=40)
    computed: bool = False
    source: str | None = Field(default=None, max_length=60)
    rollup: Rollup = Rollup.sum
    numerator_code: str | None = Field(default=None, pattern=CODE)
    denominator_code: str | None = Field(default=None, pattern=CODE)
    order: int = Field(default=0, ge=0, le=10_000)


class IndicatorRead(IndicatorIn):
    model_config = ConfigDict(from_attributes=True, extra="ignore")
    id: int


class OutlineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    level: ReportLevel
    unit_kind: str | None = None
    owner_unit_id: int | None = None
    based_on_id: int | None = None
    code: str
    name: str
    verified: bool
    source_note: str | None = None
    version: int
    sections: list[dict[str, Any]] = Field(default_factory=list)
    indicators: list[IndicatorRead] = Field(default_factory=list)
    allowed_actions: list[str] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime | None = None


class OutlineCopy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    owner_unit_id: int | None = Field(default=None, description="Mặc định: đơn vị cấp huyện của người gọi")
    name: str | None = Field(default=None, min_length=1, max_length=300)


class OutlineUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=300)
    source_note: str | None = Field(default=None, max_length=5000)
    sections: list[OutlineSection] | None = Field(default=None, min_length=1, max_length=80)
    indicators: list[IndicatorIn] | None = Field(default=None, max_length=200)


class MissingUnit(BaseModel):
    unit_id: int
    unit_name: str


class IndicatorItem(BaseModel):
    indicator_id: int | None
    code: str
    section_key: str
    name: str
    unit_of_measure: str
    computed: bool
    source: str | None = None
    rollup: Rollup
    value: str | None = Field(
        default=None, description="Số thập phân dạng chuỗi (dấu chấm), null = chưa nhập"
    )
    note: str | None = None
    editable: bool = False
    source_text: str | None = Field(
        default=None,
        description="Nguồn số liệu khi khác thường lệ, vd. “Tính từ khảo sát, n = 245 phiếu …” (tiếng Việt)",
    )
    units_entered: int | None = None
    units_expected: int | None = None
    missing_units: list[MissingUnit] = Field(default_factory=list)
    entered_by: str | None = None
    entered_at: datetime | None = None


class ReportIndicators(BaseModel):
    report_id: int
    outline_id: int | None
    outline_name: str
    verified: bool
    source_note: str | None = None
    live: bool
    items: list[IndicatorItem]
    etag: str
    allowed_actions: list[str] = Field(default_factory=list)


class IndicatorValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator_id: int
    value: str | None = Field(default=None, max_length=30, description="Số, dấu chấm hoặc dấu phẩy thập phân")
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("value", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError("Giá trị phải là số")
        if isinstance(v, int | float):
            return str(v)
        return v

    def number(self) -> Decimal | None:
        if self.value is None or not self.value.strip():
            return None
        text = self.value.strip().replace(" ", "")
        if "," in text:  # Vietnamese writing: 1.234,5
            text = text.replace(".", "").replace(",", ".")
        try:
            d = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
        if not d.is_finite():
            raise ValueError(text)
        return d


class IndicatorValuesPut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: list[IndicatorValueIn] = Field(min_length=1, max_length=200)
