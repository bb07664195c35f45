"""Rate limits of the public form, in the database so that every worker shares them.

One fixed-window counter per key (``SurveyThrottle``), bumped by a single ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` (SQLite ≥ 3.35 and PostgreSQL): the row lock serialises concurrent bumps of one key, a new window
starts when the old one has passed. The bump belongs to the request's transaction, so a refused request (429,
rolled back) does not count; the refusal carries ``Retry-After`` (seconds to the end of the window), like the
login throttle of :mod:`api.auth.service`. The public form on PostgreSQL bumps the same rows inside its one
statement per answer (:data:`api.surveys.intake._SUBMIT_PG`) and refuses with :func:`refuse_over`.
"""

import math
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from api.errors import TooManyRequests

_TS = UTCDateTime()


@cache
def _bump_statement(n: int) -> sa.TextualSelect:
    """The upsert of ``n`` keys (the same text for SQLite and PostgreSQL), built once per key count."""
    values = ", ".join(f"(:k{i}, :now, 1)" for i in range(n))
    return (
        sa.text(
            f"INSERT INTO survey_throttle (key, window_start, count) VALUES {values}"  # noqa: S608 (placeholders)
            " ON CONFLICT (key) DO UPDATE SET"
            " count = CASE WHEN survey_throttle.window_start <= :expired THEN 1 ELSE survey_throttle.count + 1 END,"
            " window_start = CASE WHEN survey_throttle.window_start <= :expired THEN :now"
            " ELSE survey_throttle.window_start END"
            " RETURNING key, count, window_start"
        )
        .bindparams(sa.bindparam("now", type_=_TS), sa.bindparam("expired", type_=_TS))
        .columns(sa.column("key", sa.String), sa.column("count", sa.Integer), sa.column("window_start", _TS))
    )


def bump(
    session: Session | sa.Connection, keys: list[str], *, now: datetime, window_seconds: int
) -> dict[str, tuple[int, datetime]]:
    """Count one more hit of each key (one statement, rows in the given order so that concurrent requests lock
    shared rows in the same order); returns key → (hits in the current window, the window's start)."""
    params: dict[str, object] = {f"k{i}": k for i, k in enumerate(keys)}
    params["now"] = now
    params["expired"] = now - timedelta(seconds=window_seconds)
    rows = session.execute(_bump_statement(len(keys)), params).all()
    return {k: (int(c), start) for k, c, start in rows}


def check(
    session: Session | sa.Connection, limits: dict[str, int], *, now: datetime, window_seconds: int
) -> None:
    """Bump every key of ``limits`` (key → allowed hits in the window) and refuse (429 with ``Retry-After``) when
    one is past its limit."""
    if not limits:
        return
    counts = bump(session, list(limits), now=now, window_seconds=window_seconds)
    refuse_over(counts, limits, now=now, window_seconds=window_seconds)


def refuse_over(
    counts: dict[str, tuple[int, datetime]], limits: dict[str, int], *, now: datetime, window_seconds: int
) -> None:
    """429 with ``Retry-After`` when a bumped key (key → hits, window start) is past its limit."""
    ends = [
        counts[k][1] + timedelta(seconds=window_seconds)
        for k, limit in limits.items()
        if k in counts and counts[k][0] > limit
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
