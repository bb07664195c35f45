"""Shared column helpers for table models."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import Field
from sqlmodel.sql.sqltypes import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


def ts_field(nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime(), nullable=nullable)


def enum_field(enum: type[StrEnum], default: Any = None, **kw: Any) -> Any:
    """Enums are stored as plain strings (portable across SQLite and PostgreSQL, no native enum types)."""
    length = max(len(m.value) for m in enum)
    sa_type = sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
    )
    return Field(default=default, sa_type=sa_type, **kw)


def json_field(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=sa.JSON, nullable=False)


class Versioned:
    """Optimistic locking: ``version`` is bumped on every UPDATE, which is also ``WHERE version = :old``.

    The ETag of a versioned row is its version; a concurrent edit raises StaleDataError (→ 412).
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
