from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import created_at_field, json_field


class AuditEvent(SQLModel, table=True):
    """Append-only record of every create, update, delete and state change (nhật ký)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    actor_token_id: int | None = Field(default=None, foreign_key="api_token.id")
    actor_name: str | None = Field(default=None, max_length=200)
    action: str = Field(max_length=60, index=True)
    entity_type: str = Field(max_length=60)
    entity_id: str = Field(max_length=64)
    unit_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)
    changes: dict[str, Any] = json_field(dict)
    note: str | None = Field(default=None, sa_type=sa.Text)
    request_id: str | None = Field(default=None, max_length=64)

    __table_args__ = (sa.Index("ix_audit_event_entity", "entity_type", "entity_id"),)


class IdempotencyRecord(SQLModel, table=True):
    """Stored first response of a create or import sent with an ``Idempotency-Key`` (per principal)."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("principal", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    principal: str = Field(max_length=80)
    key: str = Field(max_length=200)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_body: str = Field(sa_type=sa.Text)
    response_headers: dict[str, Any] = json_field(dict)
    created_at: datetime = created_at_field()
