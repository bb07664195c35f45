from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, json_field, ts_field


class FrameworkKind(StrEnum):
    par_index = "par_index"
    sipas = "sipas"
    local_index = "local_index"


class FrameworkStatus(StrEnum):
    draft = "draft"
    published = "published"
    retired = "retired"


class ScoringMethod(StrEnum):
    self_assessed = "self_assessed"
    survey = "survey"
    formula = "formula"


class Framework(Versioned, SQLModel, table=True):
    """Bộ chỉ số: a versioned set of criteria (PAR INDEX, SIPAS, a province's own index)."""

    __tablename__ = "framework"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    kind: FrameworkKind = enum_field(FrameworkKind)
    valid_from_year: int
    valid_to_year: int | None = None
    issuing_document: str | None = Field(default=None, max_length=500)
    status: FrameworkStatus = enum_field(FrameworkStatus, default=FrameworkStatus.draft)
    scale: float = Field(default=100)
    root_sum_equals_scale: bool = Field(default=False)
    ranking_bands: list[dict[str, Any]] = json_field(list)
    # Which units this version scores: {"levels": [...], "kinds": [...]} (empty list = any); years are
    # valid_from_year..valid_to_year.
    applicability: dict[str, Any] = json_field(dict)
    provenance: str | None = Field(default=None, sa_type=sa.Text)
    owner_unit_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)
    cloned_from_id: int | None = Field(default=None, foreign_key="framework.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class FrameworkNode(SQLModel, table=True):
    """Lĩnh vực / tiêu chí / tiêu chí thành phần (or SIPAS part / yếu tố / question)."""

    __tablename__ = "framework_node"
    __table_args__ = (sa.UniqueConstraint("framework_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="framework_node.id", index=True)
    path: str = Field(default="/", max_length=512, index=True)
    depth: int = Field(default=0)
    code: str = Field(max_length=40)
    title: str = Field(sa_type=sa.Text)
    title_en: str | None = Field(default=None, sa_type=sa.Text)
    title_folded: str = Field(default="", sa_type=sa.Text)
    order: int = Field(default=0)
    level_name: str | None = Field(default=None, max_length=80)
    max_points: float | None = None
    scoring_method: ScoringMethod = enum_field(ScoringMethod, default=ScoringMethod.self_assessed)
    scoring_rule: str | None = Field(default=None, sa_type=sa.Text)
    formula: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    # The scoring rule as data the UI applies (options / thresholds / deduction / manual): api.scoring.rules.
    scoring: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    expected_evidence: str | None = Field(default=None, sa_type=sa.Text)
    children_sum: bool = Field(default=True)
    verified: bool = Field(default=False)
    source_note: str | None = Field(default=None, sa_type=sa.Text)
    cloned_from_id: int | None = Field(default=None, foreign_key="framework_node.id")
