"""Rate limits of the public form, in the database so that every worker shares them.

One fixed-window counter per key (``SurveyThrottle``), bumped by a single ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` (SQLite ≥ 3.35 and PostgreSQL): the row lock serialises concurrent bumps of one key, a new window
starts when the old one has passed. The bump belongs to the request's transaction, so a refused request (429,
rolled back) does not count; the refusal carries ``Retry-After`` (seconds to the end of the window), like the
login throttle of :mod:`api.auth.service`.
"""

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from api.errors import TooManyRequests
from api.models.survey import SurveyThrottle


def bump(session: Session, key: str, *, now: datetime, window_seconds: int) -> tuple[int, datetime]:
    """Count one more hit of ``key``; returns (hits in the current window, the window's start)."""
    table = SurveyThrottle.__table__  # type: ignore[attr-defined]
    ts = table.c.window_start.type
    now_lit = sa.literal(now, ts)
    expired = table.c.window_start <= sa.literal(now - timedelta(seconds=window_seconds), ts)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .values(key=key, window_start=now, count=1)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": sa.case((expired, 1), else_=table.c.count + 1),
                "window_start": sa.case((expired, now_lit), else_=table.c.window_start),
            },
        )
        .returning(table.c.count, table.c.window_start)
    )
    count, start = session.execute(stmt).one()
    return int(count), start


def check(session: Session, key: str, *, limit: int, now: datetime, window_seconds: int) -> None:
    """Bump ``key`` and refuse (429 with ``Retry-After``) past ``limit`` hits in the window."""
    count, start = bump(session, key, now=now, window_seconds=window_seconds)
    if count > limit:
        retry = max(1, math.ceil((start + timedelta(seconds=window_seconds) - now).total_seconds()))
        minutes = max(1, math.ceil(retry / 60))
        raise TooManyRequests(
            f"Thiết bị hoặc mạng này đã gửi quá nhiều phiếu. Vui lòng thử lại sau {minutes} phút.",
            "Too many answers from this device or address; retry later.",
            code="survey_rate_limited",
            headers={"Retry-After": str(retry)},
        )
