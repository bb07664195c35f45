"""API shapes of index frameworks (bộ chỉ số) and their nodes (lĩnh vực, tiêu chí, tiêu chí thành phần).

The file format itself (import / export) is defined by :mod:`api.frameworks.library` and published as JSON Schema
at ``GET /frameworks/schema.json``; these are the shapes of the other routes.
"""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.frameworks.library import RankingBand
from api.models.framework import FrameworkKind, FrameworkStatus, ScoringMethod

FRAMEWORK_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_.-]*$"


class RankingBandRead(BaseModel):
    """Nhóm xếp loại: ``min_percent`` inclusive, ``max_percent`` exclusive, ``None`` = open end."""

    code: str
    name: str
    min_percent: float | None = None
    max_percent: float | None = None
    verified: bool
    note: str | None = None


class FrameworkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str | None
    kind: FrameworkKind
    valid_from_year: int
    valid_to_year: int | None
    issuing_document: str | None
    status: FrameworkStatus
    scale: float
    root_sum_equals_scale: bool
    ranking_bands: list[RankingBandRead]
    applicability: dict[str, Any] = Field(
        default_factory=dict,
        description="Đơn vị áp dụng: {levels, kinds} (rỗng = mọi đơn vị) / which unit levels and kinds it scores",
    )
    provenance: str | None
    owner_unit_id: int | None
    cloned_from_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime | None
    node_count: int = 0
    unverified_node_count: int = Field(
        default=0, description="Mục chưa xác minh (giá trị tạm) / nodes flagged verified=false"
    )
    linked_node_count: int = Field(default=0, description="Mục đã gắn với nhiệm vụ / nodes linked to tasks")
    locked: bool = Field(
        default=False,
        description="Đã ban hành và đã có liên kết: chỉ thay được giá trị tạm (verified=false) / "
        "published with links: only provisional (unverified) values may still be replaced",
    )


class FrameworkNodeRead(BaseModel):
    """One node. ``verified=false`` means the value is provisional (see ``source_note``), never official."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    framework_id: int
    parent_id: int | None
    parent_code: str | None = None
    path: str
    depth: int
    code: str
    title: str
    title_en: str | None
    order: int
    level_name: str | None
    max_points: float | None
    scoring_method: ScoringMethod
    scoring_rule: str | None
    formula: dict[str, Any] | None
    scoring: dict[str, Any] | None = Field(
        default=None, description="Cách chấm điểm dạng dữ liệu / the scoring rule as data (api.scoring.rules)"
    )
    expected_evidence: str | None
    children_sum: bool
    verified: bool
    source_note: str | None
    cloned_from_id: int | None


class FrameworkTree(BaseModel):
    """The whole tree, flat, in tree order (depth first; siblings by ``order`` then code, "1.2" before "1.10").

    Nest it client-side with ``parent_id`` (or ``parent_code``); ``depth`` is 0 for top-level nodes.
    """

    framework: FrameworkRead
    nodes: list[FrameworkNodeRead]


class NodeBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    title: str
    max_points: float | None
    verified: bool


class LinkedTaskRead(BaseModel):
    """A task (nhiệm vụ) of a plan that works on this criterion, among the tasks the caller may see."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    label: str
    title: str
    product: str | None
    due_date: date | None
    deadline_text: str | None
    lead_unit_id: int


class FrameworkNodeDetail(FrameworkNodeRead):
    framework_code: str
    ancestors: list[NodeBrief] = Field(description="Từ gốc xuống / from the root down")
    children: list[NodeBrief]
    tasks: list[LinkedTaskRead]


class NodeSearchHit(FrameworkNodeRead):
    framework_code: str
    framework_name: str


class FrameworkUpdate(BaseModel):
    """Metadata of a draft (or not yet linked) framework; nodes change through import."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    valid_from_year: int | None = Field(default=None, ge=1990, le=2100)
    valid_to_year: int | None = Field(default=None, ge=1990, le=2100)
    issuing_document: str | None = Field(default=None, max_length=500)
    scale: float | None = Field(default=None, gt=0)
    root_sum_equals_scale: bool | None = None
    ranking_bands: list[RankingBand] | None = None
    provenance: str | None = Field(default=None, min_length=1)


class FrameworkCloneRequest(BaseModel):
    """Next version (e.g. next year's) as a draft: same tree, new code and validity."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=FRAMEWORK_CODE_PATTERN, max_length=80)
    valid_from_year: int = Field(ge=1990, le=2100)
    valid_to_year: int | None = Field(default=None, ge=1990, le=2100)
    name: str | None = Field(default=None, min_length=1, max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    issuing_document: str | None = Field(default=None, max_length=500)
    provenance: str | None = Field(default=None, min_length=1)


class NodeMapping(BaseModel):
    code: str
    old_id: int
    new_id: int


class FrameworkCloneResult(BaseModel):
    framework: FrameworkRead
    node_map: list[NodeMapping] = Field(description="Mục cũ → mục mới / old node id → new node id")


class FrameworkImportResult(BaseModel):
    """What an import did (or, with ``dry_run``, would do)."""

    dry_run: bool
    action: Literal["create", "replace", "unchanged"]
    code: str
    framework: FrameworkRead | None = Field(description="None in a dry run that would create the framework")
    nodes_created: int
    nodes_updated: int
    nodes_deleted: int
    nodes_unchanged: int
    unverified_codes: list[str] = Field(
        description="Mục mang giá trị tạm (verified=false) / nodes whose values are provisional"
    )
