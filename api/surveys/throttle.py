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


def bump(
    session: Session, keys: list[str], *, now: datetime, window_seconds: int
) -> dict[str, tuple[int, datetime]]:
    """Count one more hit of each key (one statement, rows in the given order so that concurrent requests lock
    shared rows in the same order); returns key → (hits in the current window, the window's start)."""
    table = SurveyThrottle.__table__  # type: ignore[attr-defined]
    ts = table.c.window_start.type
    now_lit = sa.literal(now, ts)
    expired = table.c.window_start <= sa.literal(now - timedelta(seconds=window_seconds), ts)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .values([{"key": k, "window_start": now, "count": 1} for k in keys])
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": sa.case((expired, 1), else_=table.c.count + 1),
                "window_start": sa.case((expired, now_lit), else_=table.c.window_start),
            },
        )
        .returning(table.c.key, table.c.count, table.c.window_start)
    )
    return {k: (int(c), start) for k, c, start in session.execute(stmt).all()}


def check(session: Session, limits: dict[str, int], *, now: datetime, window_seconds: int) -> None:
    """Bump every key of ``limits`` (key → allowed hits in the window) and refuse (429 with ``Retry-After``) when
    one is past its limit."""
    if not limits:
        return
    counts = bump(session, list(limits), now=now, window_seconds=window_seconds)
    ends = [
        counts[k][1] + timedelta(seconds=window_seconds)
        for k, limit in limits.items()
        if counts[k][0] > limit
    ]
    if ends:
        retry = max(1, math.ceil((max(ends) - now).total_seconds()))
        minutes = max(1, math.ceil(retry / 60))
        raise TooManyRequests(
            f"Thiết bị hoặc mạng này đã gửi quá nhiều phiếu. Vui lòng thử lại sau {minutes} phút.",
            "Too many answers from this device or address; retry later.",
            code="survey_rate_limited",
            headers={"Retry-After": str(retry)},
        )
