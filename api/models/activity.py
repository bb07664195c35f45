"""CCHC activities (issue 16): inspection plans, inspections and their findings, outreach outputs, accountability sessions.

A follow-up of a finding or of an accountability session is an ordinary assignment of the inspected / answering
unit (a task in the organising district's issued plan of the year); these rows only point at it.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, json_field, ts_field


class InspectionKind(StrEnum):
    periodic = "periodic"  # định kỳ
    adhoc = "adhoc"  # đột xuất


class InspectionStatus(StrEnum):
    open = "open"
    closed = "closed"


class Severity(StrEnum):
    low = "low"  # nhẹ
    medium = "medium"  # trung bình
    high = "high"  # nghiêm trọng


class OutreachKind(StrEnum):
    article = "article"
    radio = "radio"
    television = "television"
    loudspeaker = "loudspeaker"
    conference = "conference"
    dialogue = "dialogue"
    leaflet = "leaflet"
    online_post = "online_post"
    other = "other"


class OutreachLanguage(StrEnum):
    vi = "vi"
    tay = "tay"
    nung = "nung"
    other = "other"


class SessionStatus(StrEnum):
    scheduled = "scheduled"
    held = "held"
    closed = "closed"


class InspectionPlan(Versioned, SQLModel, table=True):
    """Kế hoạch kiểm tra CCHC of a year: which units are inspected in which month, on which lĩnh vực."""

    __tablename__ = "inspection_plan"

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    year: int = Field(index=True)
    title: str = Field(sa_type=sa.Text)
    decision_number: str | None = Field(default=None, max_length=120)
    decision_date: date | None = None
    note: str | None = Field(default=None, sa_type=sa.Text)
    # [{unit_id, planned_month, areas: [code]}]
    items: list[Any] = json_field(list)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class Inspection(Versioned, SQLModel, table=True):
    """Cuộc kiểm tra CCHC (định kỳ / đột xuất) of one unit by the organising unit."""

    __tablename__ = "inspection"
    __table_args__ = (sa.Index("ix_inspection_unit_date", "unit_id", "date"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int | None = Field(default=None, foreign_key="inspection_plan.id", index=True)
    owner_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    unit_id: int = Field(foreign_key="org_unit.id")
    kind: InspectionKind = enum_field(InspectionKind)
    date: date
    team: list[Any] = json_field(list)
    areas: list[Any] = json_field(list)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    status: InspectionStatus = enum_field(InspectionStatus, default=InspectionStatus.open)
    conclusion: str | None = Field(default=None, sa_type=sa.Text)
    close_reason: str | None = Field(default=None, sa_type=sa.Text)
    closed_at: datetime | None = ts_field()
    closed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class Finding(Versioned, SQLModel, table=True):
    """Tồn tại, hạn chế found by an inspection; its follow-up (khắc phục) is an assignment of the inspected unit."""

    __tablename__ = "finding"

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    content: str = Field(sa_type=sa.Text)
    severity: Severity = enum_field(Severity)
    area: str | None = Field(default=None, max_length=40)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class OutreachOutput(Versioned, SQLModel, table=True):
    """Sản phẩm tuyên truyền CCHC: articles, broadcasts (Vietnamese, Tày, Nùng), conferences, dialogues…"""

    __tablename__ = "outreach_output"
    __table_args__ = (sa.Index("ix_outreach_unit_date", "unit_id", "date"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="org_unit.id")
    date: date
    kind: OutreachKind = enum_field(OutreachKind)
    language: OutreachLanguage = enum_field(OutreachLanguage, default=OutreachLanguage.vi)
    title: str = Field(max_length=500)
    medium: str | None = Field(default=None, max_length=300)
    quantity: int = Field(default=1)
    audience: int | None = None
    note: str | None = Field(default=None, sa_type=sa.Text)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class AccountabilitySession(Versioned, SQLModel, table=True):
    """Phiên giải trình: the head of a unit answers to the Chủ tịch for late or weak work."""

    __tablename__ = "accountability_session"
    __table_args__ = (sa.Index("ix_accountability_unit_date", "unit_id", "date"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    unit_id: int = Field(foreign_key="org_unit.id")
    date: date
    chaired_by: str | None = Field(default=None, max_length=300)
    head_name: str | None = Field(default=None, max_length=200)
    head_title: str | None = Field(default=None, max_length=200)
    explanation: str | None = Field(default=None, sa_type=sa.Text)
    explained_at: datetime | None = ts_field()
    explained_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    conclusion: str | None = Field(default=None, sa_type=sa.Text)
    status: SessionStatus = enum_field(SessionStatus, default=SessionStatus.scheduled)
    # [{task_id, assignment_id}]: follow-up assignments decided at the session
    follow_ups: list[Any] = json_field(list)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class AccountabilityItem(SQLModel, table=True):
    """What the session is about: an assignment (late, weak) or a criterion (tiêu chí) with low scores."""

    __tablename__ = "accountability_item"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="accountability_session.id", index=True)
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id")
    node_id: int | None = Field(default=None, foreign_key="framework_node.id")
    label: str = Field(sa_type=sa.Text)
    note: str | None = Field(default=None, sa_type=sa.Text)
    order: int = Field(default=0)
