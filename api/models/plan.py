from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, ts_field


class PlanStatus(StrEnum):
    draft = "draft"
    issued = "issued"
    closed = "closed"


class DeadlineKind(StrEnum):
    date = "date"
    period = "period"
    recurring = "recurring"


class Recurrence(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    continuous = "continuous"


class Priority(StrEnum):
    high = "high"
    normal = "normal"
    low = "low"


class TaskUnitRole(StrEnum):
    lead = "lead"
    coordinating = "coordinating"


class Plan(Versioned, SQLModel, table=True):
    """Kế hoạch: a plan issued by a unit, whose appendix (Phụ lục) lists the tasks."""

    __tablename__ = "plan"
    __table_args__ = (sa.UniqueConstraint("issuing_unit_id", "year", "number", "symbol"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40)
    symbol: str = Field(default="KH-UBND", max_length=60)
    title: str = Field(sa_type=sa.Text)
    issuing_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    issue_date: date | None = None
    signer: str | None = Field(default=None, max_length=200)
    signer_title: str | None = Field(default=None, max_length=200)
    year: int = Field(index=True)
    status: PlanStatus = enum_field(PlanStatus, default=PlanStatus.draft)
    parent_plan_id: int | None = Field(default=None, foreign_key="plan.id")
    parent_plan_text: str | None = Field(default=None, sa_type=sa.Text)
    note: str | None = Field(default=None, sa_type=sa.Text)
    cloned_from_id: int | None = Field(default=None, foreign_key="plan.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class PlanFramework(SQLModel, table=True):
    __tablename__ = "plan_framework"

    plan_id: int = Field(foreign_key="plan.id", primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", primary_key=True)


class PlanSection(SQLModel, table=True):
    """A heading of the appendix ("I", "I.3"): groups tasks, usually by lĩnh vực."""

    __tablename__ = "plan_section"
    __table_args__ = (sa.UniqueConstraint("plan_id", "label"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="plan_section.id")
    label: str = Field(max_length=40)
    title: str = Field(sa_type=sa.Text)
    order: int = Field(default=0)


class Task(Versioned, SQLModel, table=True):
    """Nhiệm vụ, giải pháp: one row of the plan's appendix."""

    __tablename__ = "task"
    __table_args__ = (sa.UniqueConstraint("plan_id", "label"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    section_id: int | None = Field(default=None, foreign_key="plan_section.id", index=True)
    label: str = Field(max_length=40)
    order: int = Field(default=0)
    title: str = Field(sa_type=sa.Text)
    description: str | None = Field(default=None, sa_type=sa.Text)
    product: str | None = Field(default=None, sa_type=sa.Text)
    deadline_kind: DeadlineKind = enum_field(DeadlineKind, default=DeadlineKind.date)
    due_date: date | None = None
    period_code: str | None = Field(default=None, max_length=4)  # Q1..Q4, H1, H2, Y
    period_year: int | None = None
    recurrence: Recurrence | None = enum_field(Recurrence, default=None, nullable=True)
    report_rhythm: Recurrence | None = enum_field(Recurrence, default=None, nullable=True)
    deadline_text: str | None = Field(default=None, max_length=200)
    lead_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    priority: Priority = enum_field(Priority, default=Priority.normal)
    target: str | None = Field(default=None, sa_type=sa.Text)
    cloned_from_id: int | None = Field(default=None, foreign_key="task.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class TaskUnit(SQLModel, table=True):
    """Chủ trì (lead) or phối hợp (coordinating) unit of a task."""

    __tablename__ = "task_unit"

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    unit_id: int = Field(foreign_key="org_unit.id", primary_key=True, index=True)
    role: TaskUnitRole = enum_field(TaskUnitRole)


class TaskNode(SQLModel, table=True):
    """The criteria (framework nodes) a task should raise."""

    __tablename__ = "task_node"

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    node_id: int = Field(foreign_key="framework_node.id", primary_key=True, index=True)
