"""Import history (issue 18): one row per import run with who, when, kind, dry-run or not, and the outcome."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import created_at_field, enum_field, json_field

# The error list kept with a run is bounded: the count is exact, the list holds the first ones (row order).
KEPT_ERRORS = 50


class ImportOutcome(StrEnum):
    succeeded = "succeeded"  # written (or, for a dry run, would be written)
    rejected = "rejected"  # row errors: nothing written


class ImportRun(SQLModel, table=True):
    """What one ``POST /imports/{kind}`` did: written in its own transaction even when the import was refused
    or was a dry run (their writes are rolled back, the history row is not). Replays of an Idempotency-Key add
    nothing (the first answer is returned, no import ran)."""

    __tablename__ = "import_run"
    __table_args__ = (sa.Index("ix_import_run_unit_at", "unit_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    unit_id: int = Field(foreign_key="org_unit.id")
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_token_id: int | None = Field(default=None, foreign_key="api_token.id")
    actor_name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    file_name: str | None = Field(default=None, max_length=255)
    dry_run: bool = False
    outcome: ImportOutcome = enum_field(ImportOutcome, nullable=False)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = json_field(list)
    request_id: str | None = Field(default=None, max_length=64)
