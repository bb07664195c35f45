from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, json_field, ts_field
from api.models.plan import TaskUnitRole


class AssignmentStatus(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    submitted = "submitted"
    approved = "approved"
    returned = "returned"


class Assignment(Versioned, SQLModel, table=True):
    """One unit's share of a task (per due instance for recurring tasks)."""

    __tablename__ = "assignment"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "unit_id", "instance_key"),
        # Scope (unit_id IN units in reach) + every input of the bucket and of the dashboard groupings: the
        # aggregates read this index only, in unit order, never the wide rows (also serves unit + status).
        sa.Index(
            "ix_assignment_unit_cover",
            "unit_id",
            "status",
            "due_date",
            "completed_date",
            "progress",
            "task_id",
            "plan_id",
        ),
        # A task's assignments by status (the appendix's counts, #19): read alone, in status order, with the unit
        # for the scope and the due instance (api/authz/scope_appendix.py: status_counts).
        sa.Index("ix_assignment_task_status", "task_id", "status", "unit_id", "instance_key"),
        # The default list order (due_date, id): ORDER BY … LIMIT reads the index in order, no sort.
        sa.Index("ix_assignment_due", "due_date", "id"),
        # The review queue (status = submitted, by due date): its count reads one status's range, not every row,
        # and its page that range in order (#19).
        sa.Index("ix_assignment_status_due", "status", "due_date", "id"),
        # The work list's counts per band (a district's or province's open work): every column they read, for the
        # work not yet approved only, so they are read from the index alone without the approved rows (#19).
        sa.Index(
            "ix_assignment_open_work",
            "unit_id",
            "plan_id",
            "status",
            "due_date",
            "task_id",
            postgresql_where=sa.text("status <> 'approved'"),
            sqlite_where=sa.text("status <> 'approved'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    role: TaskUnitRole = enum_field(TaskUnitRole)
    instance_key: str = Field(default="", max_length=20)  # "" or "2024-Q1", "2024-03"
    due_date: date | None = None
    status: AssignmentStatus = enum_field(AssignmentStatus, default=AssignmentStatus.not_started)
    progress: int = Field(default=0)
    result: str | None = Field(default=None, sa_type=sa.Text)
    completed_date: date | None = None
    explanation: str | None = Field(default=None, sa_type=sa.Text)
    return_reason: str | None = Field(default=None, sa_type=sa.Text)
    submitted_at: datetime | None = ts_field()
    submitted_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = ts_field()
    reviewed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class AssignmentComment(SQLModel, table=True):
    __tablename__ = "assignment_comment"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    body: str = Field(sa_type=sa.Text)
    mentions: list[Any] = json_field(list)
    created_at: datetime = created_at_field()
