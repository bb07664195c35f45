"""The database outbox's claim, shared by the portal delivery (``portal_delivery``) and notifications
(``notification_message``).

An outbox row has ``status``, ``attempts``, ``next_attempt_at``, ``locked_until`` and ``locked_by``. A row is *due*
when it is pending and its ``next_attempt_at`` has come (up to ``cutoff``: a run sends what was due when it started),
or when it is being sent but its lease has expired (the worker that held it died).

Claiming is one short write transaction: pick the oldest due row (on PostgreSQL ``FOR UPDATE SKIP LOCKED``, so
concurrent claimers skip each other's rows instead of waiting; on SQLite the ``BEGIN IMMEDIATE`` of
:func:`api.db.write_session` serialises claimers), then ``UPDATE … SET status='sending', locked_by=me,
locked_until=now+lease, attempts=attempts+1 WHERE id=:id AND <still due>`` and check that exactly one row changed.
The claim is committed before the caller sends anything; the send runs outside any transaction and the caller
records the outcome in a second transaction (guarded by ``locked_by``).

This runs as the system, with no principal: it only ever touches due rows of the one outbox table it is given.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from api.db import write_session

T = TypeVar("T")


@dataclass(frozen=True)
class Outbox:
    """One outbox table and the values of its status column."""

    model: Any  # the SQLModel table class
    pending: Any
    sending: Any

    def due(self, cutoff: datetime, now: datetime) -> Any:
        m = self.model
        return or_(
            and_(col(m.status) == self.pending, col(m.next_attempt_at) <= cutoff),
            and_(col(m.status) == self.sending, col(m.locked_until) < now),
        )


def claim_next(
    engine: Engine,
    outbox: Outbox,
    *,
    worker: str,
    lease: timedelta,
    load: Callable[[Any], T],
    cutoff: datetime | None = None,
) -> T | None:
    """Atomically take the oldest due row of ``outbox`` for ``worker`` and return ``load(row)`` (read after the
    claim, committed before returning), or None when nothing is due."""
    m = outbox.model
    with write_session(engine) as session:
        now = datetime.now(UTC)
        due = outbox.due(cutoff or now, now)
        pick = select(col(m.id)).where(due).order_by(col(m.id)).limit(1)
        if engine.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        row_id = session.execute(pick).scalar()
        if row_id is None:
            session.rollback()
            return None
        result = session.execute(
            update(m)
            .where(col(m.id) == row_id, due)
            .values(
                status=outbox.sending,
                locked_by=worker,
                locked_until=now + lease,
                attempts=col(m.attempts) + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            return None
        row = session.get(m, row_id)
        claimed = load(row)
        session.commit()
        return claimed
