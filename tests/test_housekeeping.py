"""Housekeeping (api/housekeeping.py): expired idempotency records and ended survey throttle windows are deleted,
live ones are kept, and a throttle key whose row was purged starts a fresh window."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from api.config import get_settings
from api.housekeeping import purge_expired
from api.models.audit import IdempotencyRecord
from api.models.survey import SurveyThrottle
from api.surveys import throttle

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def _record(key: str, created: datetime) -> IdempotencyRecord:
    return IdempotencyRecord(
        principal="user:1", key=key, method="POST", path="/api/v1/plans", request_hash="0" * 64,
        status_code=201, response_body="{}", response_headers={}, created_at=created,
    )  # fmt: skip


def test_purge_keeps_what_can_still_matter(db: sa.Engine) -> None:
    settings = get_settings().model_copy(
        update={"idempotency_retention_days": 7, "survey_window_seconds": 3600}
    )
    with Session(db) as s:
        s.add(_record("old", NOW - timedelta(days=8)))
        s.add(_record("recent", NOW - timedelta(days=6)))
        s.add(SurveyThrottle(key="ended", window_start=NOW - timedelta(hours=2), count=9))
        s.add(SurveyThrottle(key="live", window_start=NOW - timedelta(minutes=10), count=4))
        s.commit()
    done = purge_expired(db, settings, now=NOW)
    assert done == {"idempotency_record": 1, "survey_throttle": 1}
    with Session(db) as s:
        keys = set(s.scalars(sa.select(IdempotencyRecord.key)))
        assert "recent" in keys and "old" not in keys
        left = {t.key: t.count for t in s.scalars(sa.select(SurveyThrottle))}
        assert left == {"live": 4}
    # a second run finds nothing more
    assert purge_expired(db, settings, now=NOW) == {"idempotency_record": 0, "survey_throttle": 0}


def test_a_purged_throttle_key_starts_a_new_window(db: sa.Engine) -> None:
    settings = get_settings().model_copy(update={"survey_window_seconds": 3600})
    with Session(db) as s:
        s.add(SurveyThrottle(key="device", window_start=NOW - timedelta(hours=3), count=10))
        s.commit()
    purge_expired(db, settings, now=NOW)
    with Session(db) as s:
        hits = throttle.bump(s, ["device"], now=NOW, window_seconds=3600)
        s.commit()
    assert hits["device"][0] == 1
