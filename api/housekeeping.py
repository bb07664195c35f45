"""Housekeeping: rows that only matter for a while are deleted once they no longer can.

- ``idempotency_record``: a create or import replayed with the same ``Idempotency-Key`` returns the first answer
  for ``idempotency_retention_days`` (default 7); after that the key is forgotten (a script retrying a week-old
  request is not a retry).
- ``survey_throttle``: a public-form counter whose window has ended counts nothing (the next bump starts a new
  window), so it is deleted; at volume that is two rows per answer that would otherwise stay for ever.

Run hourly by the notification scheduler (``parsipas serve``, ``parsipas notify``) and by ``parsipas housekeeping``.
Both deletes are single statements on indexed or key columns; they use the wall clock, not the demo's as-of date.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.config import Settings
from api.models.audit import IdempotencyRecord
from api.models.survey import SurveyThrottle


def purge_expired(engine: Engine, settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """Delete expired idempotency records and ended throttle windows; returns the rows deleted per table."""
    now = now or datetime.now(UTC)
    keep_from = now - timedelta(days=settings.idempotency_retention_days)
    ended = now - timedelta(seconds=settings.survey_window_seconds)
    idem = IdempotencyRecord.__table__  # type: ignore[attr-defined]
    throttle = SurveyThrottle.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        a = conn.execute(sa.delete(idem).where(idem.c.created_at < keep_from)).rowcount
        b = conn.execute(sa.delete(throttle).where(throttle.c.window_start <= ended)).rowcount
    return {"idempotency_record": int(a or 0), "survey_throttle": int(b or 0)}
