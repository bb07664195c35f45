"""Shared column helpers for table models."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import Field
from sqlmodel.sql.sqltypes import UTCDateTime


def utcnow() -> datetime:
    """The app's clock: every timestamp it writes (history, uploads, comments, reports, audit events).

    In demo mode with an as-of date (``PARSIPAS_DEMO`` + ``PARSIPAS_AS_OF_DATE``) it is that date with the real
    local time of day, so "today" and what the app writes today fall on the same day and period figures
    (tài liệu kiểm chứng trong kỳ…) count the demo's own work. Otherwise the real instant. Security clocks
    (token expiry, sessions, login throttles) and the portal's retry schedule keep ``datetime.now(UTC)``.
    """
    from api.config import get_settings

    real = datetime.now(UTC)
    settings = get_settings()
    if settings.as_of_date is None or not settings.demos:
        return real
    local = real.astimezone(ZoneInfo(settings.timezone))
    return datetime.combine(settings.as_of_date, local.timetz()).astimezone(UTC)


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
