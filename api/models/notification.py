"""Đôn đốc: notification messages (the outbox), per-user preferences and per-district reminder settings."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, json_field, ts_field


class NotificationKind(StrEnum):
    returned = "returned"  # trả lại (with the reason)
    approved = "approved"
    commented = "commented"
    mentioned = "mentioned"
    due_soon = "due_soon"  # sắp đến hạn (N days)
    overdue = "overdue"  # quá hạn, then weekly while overdue
    escalated_head = "escalated_head"  # M days overdue → the unit head
    escalated_district = "escalated_district"  # K days overdue → Phòng Nội vụ
    digest = "digest"  # the daily e-mail that groups the others
    # Reports (báo cáo định kỳ): the period opens / is due / is overdue for a unit that has not reported yet
    # (and Phòng Nội vụ is told how many units are late); a unit's report returned (with the reason) or accepted.
    period_open = "period_open"
    period_due = "period_due"
    period_overdue = "period_overdue"
    period_late_units = "period_late_units"  # to Phòng Nội vụ: how many units below have not reported
    report_returned = "report_returned"
    report_accepted = "report_accepted"
    # Self-assessment (tự đánh giá, chấm điểm): the round opens, closes in N days, a sheet is returned.
    round_open = "round_open"
    round_closing = "round_closing"
    sheet_returned = "sheet_returned"
    # Delivery of a report to the province failing longer than the district's threshold (to its administrators).
    delivery_failing = "delivery_failing"


class NotificationChannel(StrEnum):
    inbox = "inbox"
    email = "email"
    webhook = "webhook"


class MessageStatus(StrEnum):
    pending = "pending"  # due at next_attempt_at
    sending = "sending"  # claimed by a worker until locked_until
    sent = "sent"  # delivered (inbox rows are born sent)
    waiting_digest = "waiting_digest"  # an e-mail folded into the user's next daily digest
    digested = "digested"  # part of a digest message (digest_id)
    parked = "parked"  # kept failing: visible to administrators, retried by hand


class NotificationMessage(SQLModel, table=True):
    """One row per (event, recipient, channel): the inbox entry or the outbox row of one e-mail or webhook call.

    ``idempotency_key`` is derived from (event key, recipient, channel), so computing the same event twice inserts
    nothing and every retry of a send carries the same key (the e-mail's Message-ID, the webhook's header).
    """

    __tablename__ = "notification_message"
    __table_args__ = (
        sa.Index("ix_notification_message_inbox", "user_id", "channel", "read_at", "id"),
        sa.Index("ix_notification_message_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    event_key: str = Field(max_length=200, index=True)
    kind: NotificationKind = enum_field(NotificationKind)
    channel: NotificationChannel = enum_field(NotificationChannel)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="org_unit.id")  # the object's unit
    object_type: str = Field(default="assignment", max_length=40)
    object_id: int | None = None
    # Template variables (task label and title, unit name, dates, reason…), rendered in the recipient's language.
    params: dict[str, Any] = json_field(dict)
    status: MessageStatus = enum_field(MessageStatus, default=MessageStatus.pending)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = created_at_field()
    locked_until: datetime | None = ts_field()
    locked_by: str | None = Field(default=None, max_length=80)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    sent_at: datetime | None = ts_field()
    read_at: datetime | None = ts_field()
    digest_date: date | None = None  # waiting_digest rows: the local day of the digest that carries them
    digest_id: int | None = Field(default=None, foreign_key="notification_message.id")
    created_at: datetime = created_at_field()


class NotificationPreference(Versioned, SQLModel, table=True):
    """A user's choice for one event kind (``kind = "*"`` holds the defaults and the digest hour)."""

    __tablename__ = "notification_preference"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=40)
    inbox: bool = Field(default=True)
    email: bool = Field(default=True)
    webhook: bool = Field(default=True)  # used only when a webhook is configured
    digest: bool = Field(default=False)  # e-mail in the daily digest instead of at once
    digest_hour: int = Field(default=7)  # local hour (Asia/Ho_Chi_Minh) of the digest, on the "*" row
    version: int = Field(default=1)
    updated_at: datetime | None = ts_field()


class NotificationSetting(Versioned, SQLModel, table=True):
    """Per district: remind N days before the deadline, escalate to the unit head after M days overdue and to
    Phòng Nội vụ after K days."""

    __tablename__ = "notification_setting"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="org_unit.id", unique=True)
    due_soon_days: int = Field(default=3)
    escalate_head_days: int = Field(default=3)
    escalate_district_days: int = Field(default=7)
    report_open_days: int = Field(
        default=10
    )  # the reporting window opens this many days before units' deadline
    delivery_failing_hours: int = Field(
        default=24
    )  # tell the administrators after this long without delivery
    version: int = Field(default=1)
    updated_at: datetime | None = ts_field()


class NotificationTemplate(Versioned, SQLModel, table=True):
    """A district's own wording of one kind of message in one language (subject, plain text, optional HTML), in
    place of the shipped Vietnamese/English text. Placeholders are ``{task}``, ``{unit}``… (validated before it is
    stored: an unknown placeholder is refused); the district's units get it (the nearest ancestor's wins)."""

    __tablename__ = "notification_template"
    __table_args__ = (sa.UniqueConstraint("unit_id", "kind", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    kind: NotificationKind = enum_field(NotificationKind)
    language: str = Field(max_length=8)  # "vi" | "en"
    subject: str = Field(max_length=300)
    text: str = Field(sa_type=sa.Text)
    html: str | None = Field(default=None, sa_type=sa.Text)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()
