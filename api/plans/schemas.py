from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.models.plan import DeadlineKind, PlanStatus, Priority, Recurrence, TaskUnitRole
from api.plans.deadlines import PERIOD_CODES


class PlanBase(BaseModel):
    number: str = Field(min_length=1, max_length=40)
    symbol: str = Field(default="KH-UBND", min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=2000)
    issue_date: date | None = None
    signer: str | None = Field(default=None, max_length=200)
    signer_title: str | None = Field(default=None, max_length=200)
    year: int = Field(ge=2000, le=2100)
    parent_plan_id: int | None = None
    parent_plan_text: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=10000)


class PlanCreate(PlanBase):
    issuing_unit_id: int
    framework_ids: list[int] = Field(default_factory=list, max_length=20)


class PlanUpdate(BaseModel):
    number: str | None = Field(default=None, min_length=1, max_length=40)
    symbol: str | None = Field(default=None, min_length=1, max_length=60)
    title: str | None = Field(default=None, min_length=1, max_length=2000)
    issue_date: date | None = None
    signer: str | None = Field(default=None, max_length=200)
    signer_title: str | None = Field(default=None, max_length=200)
    parent_plan_id: int | None = None
    parent_plan_text: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=10000)
    framework_ids: list[int] | None = Field(default=None, max_length=20)


class PlanIssue(BaseModel):
    """Ban hành: the number and date the plan is issued under, and optionally its signed document (an evidence
    already uploaded to the plan, ``POST /plans/{id}/evidence``). Omitted fields keep the draft's values."""

    number: str | None = Field(default=None, min_length=1, max_length=40)
    symbol: str | None = Field(default=None, min_length=1, max_length=60)
    issue_date: date | None = None
    signer: str | None = Field(default=None, max_length=200)
    signer_title: str | None = Field(default=None, max_length=200)
    document_id: int | None = None


class PlanAmend(PlanUpdate):
    """Sửa đổi, bổ sung an issued plan: the header fields to change and the reason, kept in the audit trail."""

    reason: str = Field(min_length=1, max_length=5000)
    document_id: int | None = None


class PlanRead(PlanBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    issuing_unit_id: int
    status: PlanStatus
    cloned_from_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime | None
    framework_ids: list[int] = []
    display_number: str = ""


class PlanClone(BaseModel):
    """Next year from last year: ``target_framework_ids`` maps node links through ``cloned_from_id``."""

    year: int | None = Field(default=None, ge=2000, le=2100)
    number: str | None = Field(default=None, min_length=1, max_length=40)
    title: str | None = Field(default=None, min_length=1, max_length=2000)
    target_framework_ids: list[int] | None = Field(default=None, max_length=20)


class SectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    parent_id: int | None
    label: str
    title: str
    order: int


class SectionCreate(BaseModel):
    """A heading of the appendix ("I", "II.1"). On an issued plan, ``reason`` (lý do sửa đổi) is required."""

    label: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=2000)
    order: int | None = Field(default=None, ge=0, le=100000)
    parent_id: int | None = None
    reason: str | None = Field(default=None, max_length=5000)


class SectionUpdate(BaseModel):
    label: str | None = Field(default=None, min_length=1, max_length=40)
    title: str | None = Field(default=None, min_length=1, max_length=2000)
    order: int | None = Field(default=None, ge=0, le=100000)
    parent_id: int | None = None
    reason: str | None = Field(default=None, max_length=5000)


class TaskFields(BaseModel):
    section_id: int | None = None
    label: str | None = Field(default=None, min_length=1, max_length=40)
    order: int | None = None
    title: str | None = Field(default=None, min_length=1, max_length=4000)
    description: str | None = Field(default=None, max_length=10000)
    product: str | None = Field(default=None, max_length=4000)
    deadline_kind: DeadlineKind | None = None
    due_date: date | None = None
    period_code: str | None = Field(default=None, max_length=4)
    period_year: int | None = Field(default=None, ge=2000, le=2100)
    recurrence: Recurrence | None = None
    report_rhythm: Recurrence | None = None
    deadline_text: str | None = Field(default=None, max_length=200)
    lead_unit_id: int | None = None
    coordinating_unit_ids: list[int] | None = Field(default=None, max_length=500)
    node_ids: list[int] | None = Field(default=None, max_length=50)
    priority: Priority | None = None
    target: str | None = Field(default=None, max_length=4000)
    reason: str | None = Field(
        default=None,
        max_length=5000,
        description="Lý do sửa đổi, bổ sung: required once the plan is issued (kept in the plan's and the affected "
        "assignments' history); ignored on a draft.",
    )

    @model_validator(mode="after")
    def _period(self) -> "TaskFields":
        if self.period_code is not None and self.period_code.upper() not in PERIOD_CODES:
            raise ValueError(f"period_code phải là một trong {', '.join(PERIOD_CODES)}")
        return self


class TaskCreate(TaskFields):
    label: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=4000)
    deadline_kind: DeadlineKind = DeadlineKind.date
    lead_unit_id: int
    coordinating_unit_ids: list[int] = Field(default_factory=list, max_length=500)
    node_ids: list[int] = Field(default_factory=list, max_length=50)
    priority: Priority = Priority.normal


class TaskUpdate(TaskFields):
    pass


class UnitRef(BaseModel):
    id: int
    code: str
    name: str


class NodeRef(BaseModel):
    id: int
    code: str
    title: str
    framework_id: int
    framework_code: str


class UnitStatus(BaseModel):
    assignment_id: int
    unit_id: int
    unit_code: str
    role: TaskUnitRole
    instance_key: str
    due_date: date | None
    status: str
    progress: int
    bucket: str


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    section_id: int | None
    label: str
    order: int
    title: str
    description: str | None
    product: str | None
    deadline_kind: DeadlineKind
    due_date: date | None
    period_code: str | None
    period_year: int | None
    recurrence: Recurrence | None
    report_rhythm: Recurrence | None
    deadline_text: str | None
    lead_unit_id: int
    priority: Priority
    target: str | None
    cloned_from_id: int | None
    version: int
    lead_unit: UnitRef | None = None
    coordinating_units: list[UnitRef] = []
    nodes: list[NodeRef] = []
    units: list[UnitStatus] = []


class TaskUnitStatus(UnitStatus):
    """One row of a task's unit list (``GET /tasks/{task_id}/units``): a unit's status, with its name."""

    unit_name: str


# Units listed per task in the appendix (``units_limit``): every unit of a district's task (Bình Gia: at most 36,
# the lead and 35 coordinators) fits the default; a task of 3,300 communes is summarised, its full list paged by
# ``GET /tasks/{task_id}/units``.
APPENDIX_UNITS_DEFAULT = 50
APPENDIX_UNITS_MAX = 500


class AppendixTask(TaskRead):
    """A task of the appendix. ``units`` (each unit's status, every due instance of it) and
    ``coordinating_units`` hold at most ``units_limit`` units each, in unit-code order; the counts are of all."""

    units_total: int = Field(description="Số đơn vị có nhiệm vụ được giao (trong phạm vi người xem) / units")
    units_truncated: bool = Field(
        description="``units`` chỉ liệt kê một phần / only the first units are listed"
    )
    status_counts: dict[str, int] = Field(
        description="Số nhiệm vụ được giao (đơn vị × kỳ) theo trạng thái, của tất cả đơn vị / rows by status"
    )
    coordinating_total: int = Field(description="Số đơn vị phối hợp / coordinating units")
    coordinating_truncated: bool = False


class Appendix(BaseModel):
    """Phụ lục: the plan's sections and tasks, each with a summary of its units' statuses and the first
    ``units_limit`` units (the rest: ``GET /tasks/{task_id}/units``)."""

    plan: PlanRead
    sections: list[SectionRead]
    tasks: list[AppendixTask]
    units_limit: int = APPENDIX_UNITS_DEFAULT


class AppendixDocument(BaseModel):
    """The appendix as issued, for the DOCX (``plan_appendix_docx``): every task the caller sees with its lead and
    every coordinator; no statuses (the paper has none)."""

    plan: PlanRead
    sections: list[SectionRead]
    tasks: list[TaskRead]
