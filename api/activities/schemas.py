"""Request and response shapes of the CCHC activities (see /tmp/wave_contract.md section A)."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.models.activity import (
    InspectionKind,
    InspectionStatus,
    OutreachKind,
    OutreachLanguage,
    SessionStatus,
    Severity,
)

AreaCode = Literal[
    "chi_dao_dieu_hanh",
    "the_che",
    "thu_tuc_hanh_chinh",
    "to_chuc_bo_may",
    "cong_vu",
    "tai_chinh_cong",
    "chinh_quyen_so",
]
Text = Field(default=None, max_length=10000)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _strip_list(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


class AreaRead(BaseModel):
    code: str
    name: str


# --- inspection plans ------------------------------------------------------------------------------------------


class InspectionPlanItem(_In):
    unit_id: int
    planned_month: int = Field(ge=1, le=12)
    areas: list[AreaCode] = Field(default_factory=list, max_length=7)


class InspectionPlanItemRead(BaseModel):
    unit_id: int
    unit_name: str
    planned_month: int
    areas: list[str]


class InspectionPlanCreate(_In):
    owner_unit_id: int | None = None
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=2000)
    decision_number: str | None = Field(default=None, max_length=120)
    decision_date: dt.date | None = None
    note: str | None = Text
    items: list[InspectionPlanItem] = Field(default_factory=list, max_length=500)


class InspectionPlanUpdate(_In):
    title: str | None = Field(default=None, min_length=1, max_length=2000)
    decision_number: str | None = Field(default=None, max_length=120)
    decision_date: dt.date | None = None
    note: str | None = Text
    items: list[InspectionPlanItem] | None = Field(default=None, max_length=500)


class InspectionPlanRead(BaseModel):
    id: int
    owner_unit_id: int
    year: int
    title: str
    decision_number: str | None
    decision_date: dt.date | None
    note: str | None
    items: list[InspectionPlanItemRead]
    allowed_actions: list[str] = []


# --- inspections and findings ----------------------------------------------------------------------------------


class FollowUpCreate(_In):
    title: str = Field(min_length=1, max_length=4000)
    product: str | None = Field(default=None, max_length=4000)
    deadline: dt.date


class FollowUpRead(BaseModel):
    assignment_id: int
    task_id: int
    title: str
    deadline: dt.date | None
    status: str
    bucket: str


class FindingCreate(_In):
    content: str = Field(min_length=1, max_length=10000)
    severity: Severity
    area: AreaCode | None = None
    follow_up: FollowUpCreate | None = None


class FindingUpdate(_In):
    content: str | None = Field(default=None, min_length=1, max_length=10000)
    severity: Severity | None = None
    area: AreaCode | None = None
    follow_up: FollowUpCreate | None = Field(
        default=None, description="Giao việc khắc phục cho một tồn tại chưa có (một lần)."
    )


class FindingRead(BaseModel):
    id: int
    inspection_id: int
    content: str
    severity: Severity
    area: str | None
    follow_up: FollowUpRead | None
    allowed_actions: list[str] = []


class InspectionCreate(_In):
    plan_id: int | None = None
    owner_unit_id: int | None = None
    unit_id: int
    kind: InspectionKind
    date: dt.date
    team: list[str] = Field(default_factory=list, max_length=50)
    areas: list[AreaCode] = Field(default_factory=list, max_length=7)
    summary: str | None = Text

    _team = field_validator("team")(_strip_list)


class InspectionUpdate(_In):
    plan_id: int | None = None
    kind: InspectionKind | None = None
    date: dt.date | None = None
    team: list[str] | None = Field(default=None, max_length=50)
    areas: list[AreaCode] | None = Field(default=None, max_length=7)
    summary: str | None = Text


class InspectionClose(_In):
    conclusion: str = Field(min_length=1, max_length=10000)
    force: bool = False
    reason: str | None = Field(default=None, max_length=5000)


class InspectionRead(BaseModel):
    id: int
    plan_id: int | None
    owner_unit_id: int
    unit_id: int
    unit_name: str
    kind: InspectionKind
    date: dt.date
    team: list[str]
    areas: list[str]
    summary: str | None
    status: InspectionStatus
    conclusion: str | None
    close_reason: str | None
    closed_at: dt.datetime | None
    findings: list[FindingRead]
    evidence_count: int = 0
    allowed_actions: list[str] = []


# --- outreach -------------------------------------------------------------------------------------------------


class OutreachCreate(_In):
    unit_id: int
    date: dt.date
    kind: OutreachKind
    language: OutreachLanguage = OutreachLanguage.vi
    title: str = Field(min_length=1, max_length=500)
    medium: str | None = Field(default=None, max_length=300)
    quantity: int = Field(default=1, ge=1, le=1_000_000)
    audience: int | None = Field(default=None, ge=0, le=100_000_000)
    note: str | None = Text


class OutreachUpdate(_In):
    date: dt.date | None = None
    kind: OutreachKind | None = None
    language: OutreachLanguage | None = None
    title: str | None = Field(default=None, min_length=1, max_length=500)
    medium: str | None = Field(default=None, max_length=300)
    quantity: int | None = Field(default=None, ge=1, le=1_000_000)
    audience: int | None = Field(default=None, ge=0, le=100_000_000)
    note: str | None = Text


class OutreachRead(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    date: dt.date
    kind: OutreachKind
    language: OutreachLanguage
    title: str
    medium: str | None
    quantity: int
    audience: int | None
    note: str | None
    allowed_actions: list[str] = []


# --- accountability -------------------------------------------------------------------------------------------


class ItemIn(_In):
    assignment_id: int | None = None
    node_id: int | None = None
    label: str | None = Field(
        default=None, max_length=2000, description="Nội dung khi không chọn việc/tiêu chí"
    )
    note: str | None = Field(default=None, max_length=5000)


class ItemRead(BaseModel):
    id: int
    assignment_id: int | None
    node_id: int | None
    label: str
    note: str | None


class SessionCreate(_In):
    owner_unit_id: int | None = None
    unit_id: int
    date: dt.date
    chaired_by: str | None = Field(default=None, max_length=300)
    head_name: str | None = Field(default=None, max_length=200)
    head_title: str | None = Field(default=None, max_length=200)
    status: SessionStatus = SessionStatus.scheduled
    items: list[ItemIn] = Field(default_factory=list, max_length=100)


class SessionUpdate(_In):
    date: dt.date | None = None
    chaired_by: str | None = Field(default=None, max_length=300)
    head_name: str | None = Field(default=None, max_length=200)
    head_title: str | None = Field(default=None, max_length=200)
    status: SessionStatus | None = None
    conclusion: str | None = Text
    items: list[ItemIn] | None = Field(default=None, max_length=100)


class ExplanationIn(_In):
    explanation: str = Field(min_length=1, max_length=20000)


class SessionFollowUpRead(BaseModel):
    assignment_id: int
    task_id: int
    title: str
    deadline: dt.date | None
    status: str
    bucket: str


class SessionRead(BaseModel):
    id: int
    owner_unit_id: int
    unit_id: int
    unit_name: str
    date: dt.date
    chaired_by: str | None
    head_name: str | None
    head_title: str | None
    items: list[ItemRead]
    explanation: str | None
    explained_at: dt.datetime | None
    conclusion: str | None
    status: SessionStatus
    follow_ups: list[SessionFollowUpRead]
    evidence_count: int = 0
    allowed_actions: list[str] = []
