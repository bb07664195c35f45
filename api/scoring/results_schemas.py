"""API shapes of results, ranking, official results and points at risk.

Points and percentages are exact decimals (``Decimal``: JSON strings such as ``"12.75"``), never floats.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from api.models import SheetStatus


class BandRead(BaseModel):
    """Nhóm xếp loại of the framework: ``min_percent`` inclusive, ``max_percent`` exclusive."""

    code: str
    name: str
    verified: bool
    min_percent: Decimal | None = None
    max_percent: Decimal | None = None


class AreaHeader(BaseModel):
    """A lĩnh vực (top-level node) of the round's framework: a column of the ranking."""

    node_id: int
    code: str
    title: str
    title_en: str | None = None
    max_points: Decimal | None = None


class UnitResult(BaseModel):
    sheet_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    status: SheetStatus
    ranked: bool = Field(description="Đã nộp trở lên: được xếp hạng / submitted or later")
    rank: int | None = Field(default=None, description="Bằng điểm cùng hạng, hạng sau bỏ qua (1, 1, 3)")
    self_points: Decimal
    appraised_points: Decimal
    max_points: Decimal | None = None
    percent: Decimal | None = None
    band: BandRead | None = None
    scored: int = Field(description="Số tiêu chí đã chấm / criteria scored")
    area_points: list[Decimal | None] = Field(
        description="Điểm sau thẩm định theo lĩnh vực, cùng thứ tự với ``areas`` của đợt / per lĩnh vực"
    )
    area_percent: list[Decimal | None] = Field(description="Tỷ lệ % theo lĩnh vực, cùng thứ tự với ``areas``")


class RoundResults(BaseModel):
    """Kết quả và xếp hạng của một đợt đánh giá."""

    round_id: int
    round_name: str
    year: int
    framework_id: int
    framework_code: str
    framework_name: str
    round_status: str
    published: bool
    complete: bool = Field(
        description="Danh sách gồm mọi đơn vị của đợt; nếu không, không xếp hạng / every unit of the round listed"
    )
    units_in_round: int
    max_points: Decimal | None = None
    scorable: int = Field(description="Số tiêu chí chấm điểm của bộ chỉ số / scorable criteria")
    bands: list[BandRead]
    areas: list[AreaHeader]
    units: list[UnitResult] = Field(description="Một trang của bảng xếp hạng, theo thứ tự xếp hạng / one page")
    total: int = Field(description="Số đơn vị trong phạm vi xem / units in view (every page)")
    limit: int
    offset: int


class OfficialPoints(BaseModel):
    points: Decimal | None = None
    percent: Decimal | None = None
    rank: int | None = None
    source: str | None = None
    gap: Decimal | None = Field(default=None, description="Điểm chính thức − điểm sau thẩm định")


class PreviousPoints(BaseModel):
    node_id: int | None = None
    points: Decimal | None = None
    percent: Decimal | None = None
    change: Decimal | None = Field(default=None, description="Điểm năm nay − năm trước")
    percent_change: Decimal | None = Field(default=None, description="Điểm phần trăm thay đổi")


class NodeResult(BaseModel):
    node_id: int | None = Field(description="None: toàn bộ chỉ số / the whole index")
    parent_id: int | None = None
    code: str
    title: str
    title_en: str | None = None
    depth: int
    level_name: str | None = None
    leaf: bool
    max_points: Decimal | None = None
    self_points: Decimal | None = None
    appraised_points: Decimal | None = None
    percent: Decimal | None = None
    official: OfficialPoints | None = None
    previous: PreviousPoints | None = None


class PreviousSheet(BaseModel):
    sheet_id: int
    round_id: int
    round_name: str
    year: int
    framework_id: int


class SheetResults(BaseModel):
    """Kết quả của một phiếu: theo từng cấp, so với kết quả chính thức và năm trước."""

    sheet_id: int
    round_id: int
    round_name: str
    year: int
    unit_id: int
    unit_name: str
    status: SheetStatus
    framework_id: int
    framework_name: str
    band: BandRead | None = None
    total: NodeResult
    nodes: list[NodeResult]
    previous_sheet: PreviousSheet | None = None
    weakest: list[NodeResult] = Field(description="Tiêu chí có tỷ lệ điểm thấp nhất: ưu tiên năm sau")


class OfficialResultRead(BaseModel):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    framework_id: int
    framework_code: str
    framework_name: str
    year: int
    node_id: int | None = None
    node_code: str = Field(description="'' = toàn bộ chỉ số / the whole index")
    node_title: str | None = None
    points: Decimal | None = None
    percent: Decimal | None = None
    rank: int | None = None
    source: str | None = None
    created_at: datetime


RiskClass = Literal["secured", "at_risk", "in_progress", "not_covered"]


class RiskFigures(BaseModel):
    """Điểm (hoặc số tiêu chí) theo nhóm: chắc chắn / có nguy cơ / đang thực hiện trong hạn / chưa có nhiệm vụ."""

    max: Decimal
    secured: Decimal
    at_risk: Decimal
    in_progress: Decimal
    not_covered: Decimal
    projected_now: Decimal | None = Field(
        default=None, description="% nếu không có gì thay đổi (chỉ điểm chắc chắn)"
    )
    projected_if_done: Decimal | None = Field(
        default=None,
        description="% nếu mọi nhiệm vụ đang mở hoàn thành (chắc chắn + nguy cơ + đang thực hiện)",
    )


class RiskNode(BaseModel):
    node_id: int
    parent_id: int | None = None
    top_id: int
    code: str
    title: str
    title_en: str | None = None
    leaf: bool
    max_points: Decimal | None = None
    figures: RiskFigures
    units: dict[str, int] = Field(description="Số đơn vị theo nhóm (tiêu chí lá) / units per class (leaves)")


class RiskUnit(BaseModel):
    unit_id: int
    unit_code: str
    unit_name: str
    figures: RiskFigures


class PointsAtRisk(BaseModel):
    """Điểm chắc chắn / có nguy cơ / chưa có nhiệm vụ theo tiêu chí, lĩnh vực và toàn bộ, tại ngày tham chiếu."""

    framework_id: int
    framework_code: str
    framework_name: str
    as_of: date
    year: int
    measure: Literal["points", "criteria"] = Field(
        description="'criteria': điểm tối đa chưa rõ, đếm số tiêu chí thay cho điểm / max points unknown"
    )
    unit_id: int | None = None
    units_count: int
    total: RiskFigures
    areas: list[RiskNode]
    nodes: list[RiskNode]
    units: list[RiskUnit]


class RiskAssignment(BaseModel):
    assignment_id: int
    task_id: int
    task_label: str
    task_title: str
    plan_id: int
    unit_id: int
    unit_name: str
    status: str
    due_date: date | None = None
    completed_date: date | None = None
    bucket: str
    evidence: bool
    risk: RiskClass = Field(description="Đóng góp của nhiệm vụ: secured / at_risk / in_progress")
