from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.models import AssignmentStatus, TaskUnitRole


class AssignmentUpdate(BaseModel):
    """What the unit enters (cán bộ): progress, result, completion date, giải trình."""

    progress: int | None = Field(default=None, ge=0, le=100)
    result: str | None = Field(default=None, max_length=20000)
    completed_date: date | None = None
    explanation: str | None = Field(default=None, max_length=20000)


class SubmitRequest(BaseModel):
    explanation: str | None = Field(default=None, max_length=20000)
    completed_date: date | None = None


class ApproveRequest(BaseModel):
    """``confirm_complete``: the reviewer knowingly records an item below 100 % as completed (100 %)."""

    confirm_complete: bool = False


class ReasonRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=5000)


class BulkReview(BaseModel):
    """Duyệt / trả lại nhiều kết quả với một lý do chung. ``atomic``: all or nothing (any refusal → 409)."""

    ids: list[int] = Field(min_length=1, max_length=500)
    action: Literal["approve", "return"]
    reason: str | None = Field(default=None, max_length=5000)
    confirm_complete: bool = False
    atomic: bool = False


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    task_id: int
    plan_id: int
    unit_id: int
    role: TaskUnitRole
    instance_key: str
    due_date: date | None
    status: AssignmentStatus
    progress: int
    result: str | None
    completed_date: date | None
    explanation: str | None
    return_reason: str | None
    submitted_at: datetime | None
    submitted_by_id: int | None
    reviewed_at: datetime | None
    reviewed_by_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime | None
    task_label: str = ""
    task_title: str = ""
    product: str | None = None
    deadline_text: str | None = None
    unit_code: str = ""
    unit_name: str = ""
    bucket: str = ""
    days_overdue: int | None = None
    due_soon: bool = False
    days_waiting: int | None = None  # chờ duyệt: whole days since the submission (local day), while submitted


class BulkItemResult(BaseModel):
    """One id of a bulk review: done, or refused with the reason (``code``, Vietnamese ``detail``)."""

    id: int
    ok: bool
    code: str | None = None
    detail: str | None = None
    detail_en: str | None = None


class BulkResult(BaseModel):
    items: list[AssignmentRead]
    results: list[BulkItemResult] = []
    done: int = 0
    refused: int = 0


class CommentCreate(BaseModel):
    body: str = Field(min_length=1, max_length=10000)
    mentions: list[str] = Field(default_factory=list, max_length=50)


class CommentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    assignment_id: int
    author_id: int | None
    author_name: str | None = None
    body: str
    mentions: list[Any]
    created_at: datetime


class HistoryEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_name: str | None
    action: str
    changes: dict[str, Any]
    note: str | None
