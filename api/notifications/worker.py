"""The notification job: compute the day's events, fold digests, then claim → send → record each due message.

The outbox pattern of the portal delivery (the claim of :mod:`api.outbox`), on ``notification_message``: a claim is one short
write transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) that moves a due row to
``sending`` with a lease; the send runs outside any transaction; a second transaction records the outcome. Two
workers never hold the same message; a worker that dies mid-send leaves a lease that expires, and the message is
sent again with the same idempotency key (see :mod:`api.notifications.channels` for what that means per channel).
Failures retry with the portal's full-jitter back-off; after ``notify_max_attempts`` (or a permanent refusal) the
message is ``parked``, counted on the administrators' settings page.
"""

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from api import outbox
from api.authz import scope_notifications as scope_n
from api.config import Settings, get_settings
from api.db import get_engine, write_session
from api.housekeeping import purge_expired
from api.models import MessageStatus, NotificationChannel, NotificationKind, NotificationMessage
from api.notifications import channels, events, templates
from api.notifications.custom import TemplateBook
from api.outbox import Outbox
from api.portal.worker import Outcome, backoff_seconds, new_worker_id

log = logging.getLogger("parsipas.notifications")
M = NotificationMessage


def lease_for(settings: Settings) -> timedelta:
    return timedelta(
        seconds=max(60.0, settings.smtp_timeout_seconds * 4, settings.portal_timeout_seconds * 2)
    )


@dataclass(frozen=True)
class Claim:
    id: int
    idempotency_key: str
    event_key: str
    kind: NotificationKind
    channel: NotificationChannel
    user_id: int
    unit_id: int | None
    object_type: str
    object_id: int | None
    params: dict[str, Any]
    attempts: int
    created_at: datetime


OUTBOX = Outbox(M, MessageStatus.pending, MessageStatus.sending)


def _claim(row: NotificationMessage) -> Claim:
    return Claim(
        row.id or 0, row.idempotency_key, row.event_key, row.kind, row.channel, row.user_id, row.unit_id,
        row.object_type, row.object_id, dict(row.params), row.attempts, row.created_at,
    )  # fmt: skip


def claim_next(
    engine: Engine, *, worker: str, settings: Settings, cutoff: datetime | None = None
) -> Claim | None:
    """Atomically take the oldest due message for ``worker`` (committed before returning), or None."""
    return outbox.claim_next(
        engine, OUTBOX, worker=worker, lease=lease_for(settings), load=_claim, cutoff=cutoff
    )


def _base_url(settings: Settings) -> str | None:
    return settings.notify_links_base_url or settings.portal_links_base_url


def _recipient(session: Session, user_id: int) -> tuple[str | None, str, str | None]:
    """(e-mail, username, language) of the recipient."""
    row = session.execute(scope_n.recipient_emails([user_id])).first()
    if row is None:
        return None, "", None
    _, email, _name, username, language = row
    return email, username, language


def _render(
    session: Session, claim: Claim, language: str | None, settings: Settings
) -> templates.Rendered | None:
    base = _base_url(settings)
    book = TemplateBook(session)
    if claim.kind != NotificationKind.digest:
        book.load_paths(session, [claim.unit_id])
        return templates.render(
            claim.kind, claim.params, language, base, book.override(claim.unit_id, claim.kind, language)
        )
    members = session.exec(scope_n.digest_members(claim.id)).all()
    if not members:
        return None
    book.load_paths(session, (m.unit_id for m in members))
    items = [(m.kind, m.params, book.override(m.unit_id, m.kind, language)) for m in members]
    return templates.render_digest(claim.params.get("day", ""), items, language, base)


def send(engine: Engine, client: httpx.Client, settings: Settings, claim: Claim) -> Outcome:
    """One attempt on the claimed message's channel; never raises for network or server errors."""
    with Session(engine) as session:
        email, username, language = _recipient(session, claim.user_id)
        rendered = _render(session, claim, language, settings)
    if rendered is None:
        return Outcome(True, False, error="empty digest")
    if claim.channel == NotificationChannel.email:
        if not events.email_enabled(settings):
            return Outcome(False, True, error="Kênh thư điện tử chưa được cấu hình / e-mail channel is off")
        if not email:
            return Outcome(
                False, False, error="Người nhận không có địa chỉ thư / recipient has no e-mail address"
            )
        msg = channels.build_email(settings, to=email, rendered=rendered, key=claim.idempotency_key)
        return channels.send_email(settings, msg)
    if not events.webhook_enabled(settings):
        return Outcome(False, True, error="Webhook chưa được cấu hình / webhook is off")
    payload = {
        "schema": "parsipas.notification.v1",
        "idempotency_key": claim.idempotency_key,
        "event": claim.event_key,
        "kind": claim.kind.value,
        "recipient": {"username": username, "language": templates.lang_of(language)},
        "title": rendered.subject,
        "text": rendered.text,
        "link": rendered.link,
        "object": {"type": claim.object_type, "id": claim.object_id},
        "created_at": claim.created_at.isoformat(),
    }
    return channels.send_webhook(client, settings, payload=payload, key=claim.idempotency_key)


def finish(
    engine: Engine, *, worker: str, settings: Settings, claim: Claim, outcome: Outcome
) -> MessageStatus:
    """Record the outcome: sent, back to pending after a back-off, or parked."""
    now = datetime.now(UTC)
    released: dict[str, Any] = {"locked_by": None, "locked_until": None}
    stmt = update(M).where(col(M.id) == claim.id)
    if outcome.ok:
        status = MessageStatus.sent
        stmt = stmt.where(col(M.status) != MessageStatus.sent).values(
            status=status, sent_at=now, last_error=outcome.error, **released
        )
    else:
        exhausted = claim.attempts >= settings.notify_max_attempts
        status = MessageStatus.pending if outcome.retryable and not exhausted else MessageStatus.parked
        if status == MessageStatus.pending:
            released["next_attempt_at"] = now + timedelta(seconds=backoff_seconds(claim.attempts, settings))
        stmt = stmt.where(col(M.status) == MessageStatus.sending, col(M.locked_by) == worker).values(
            status=status, last_error=outcome.error, **released
        )
    with write_session(engine) as session:
        changed = session.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1  # type: ignore[attr-defined]
        session.commit()
    if not changed:
        log.warning("notification %s: lease lost by %s", claim.id, worker)
    return status


# --- digests ------------------------------------------------------------------------------------------------------


def build_digests(session: Session, *, now: datetime, settings: Settings) -> int:
    """Fold each user's waiting e-mails into one digest message per user and local day, once the user's hour has
    come (the key ``digest:<user>:<day>`` makes it one per day whoever builds it). Returns digests written."""
    local = events.local_now(now, settings)
    today = local.date()
    waiting = session.execute(scope_n.waiting_digests(today)).all()
    if not waiting:
        return 0
    hours = dict(session.execute(scope_n.digest_hours([u for u, _ in waiting])).all())
    built = 0
    for user_id, day in waiting:
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        if day == today and local.hour < hours.get(user_id, 7):
            continue
        event_key = f"digest:{user_id}:{day.isoformat()}"
        key = events.message_key(event_key, user_id, NotificationChannel.email)
        events._insert_ignore(
            session,
            [
                {
                    "idempotency_key": key, "event_key": event_key, "kind": NotificationKind.digest.value,
                    "channel": NotificationChannel.email.value, "user_id": user_id, "unit_id": None,
                    "object_type": "digest", "object_id": None, "params": {"day": day.isoformat(), "link": "/notifications"},
                    "status": MessageStatus.pending.value, "attempts": 0, "next_attempt_at": now,
                    "created_at": now,
                }
            ],
        )  # fmt: skip
        digest = session.exec(scope_n.digest_by_key(key)).one()
        if digest.status != MessageStatus.pending:
            continue  # already sent: later messages wait for the next day's digest
        session.execute(
            update(M)
            .where(
                col(M.user_id) == user_id,
                col(M.status) == MessageStatus.waiting_digest,
                col(M.digest_date) <= day,
            )
            .values(status=MessageStatus.digested, digest_id=digest.id)
            .execution_options(synchronize_session=False)
        )
        built += 1
    return built


def prepare(engine: Engine, *, now: datetime, settings: Settings, compute: bool = True) -> tuple[int, int]:
    """The day's deadline events and the digests that are due, in one write transaction."""
    with write_session(engine) as session:
        offered = events.compute_daily(session, now=now, settings=settings) if compute else 0
        digests = build_digests(session, now=now, settings=settings)
        session.commit()
    return offered, digests


def make_client(settings: Settings) -> httpx.Client:
    return httpx.Client(timeout=settings.portal_timeout_seconds, follow_redirects=False)


CRASH_EXIT_CODE = 75


def _crash_after_send(settings: Settings) -> bool:
    """Test hook, honoured only with ``PARSIPAS_ENV=test``: ``PARSIPAS_TEST_CRASH_AFTER_SEND=1`` ends the process
    right after the first successful send of a message's first attempt and before its record (``os._exit``: no clean-up, no commit) — the
    window in which a real crash leaves a sent message with an unexpired lease."""
    return settings.env == "test" and os.environ.get("PARSIPAS_TEST_CRASH_AFTER_SEND") == "1"


def deliver_due(
    engine: Engine, *, settings: Settings, worker: str, client: httpx.Client, cutoff: datetime | None = None
) -> int:
    """Send every message due when the run starts (each at most once per run); returns the count."""
    cutoff = cutoff or datetime.now(UTC)
    done = 0
    crash = _crash_after_send(settings)
    while (claim := claim_next(engine, worker=worker, settings=settings, cutoff=cutoff)) is not None:
        outcome = send(engine, client, settings, claim)
        if crash and outcome.ok and claim.attempts == 1:
            os._exit(CRASH_EXIT_CODE)  # the test's kill: sent, never recorded
        status = finish(engine, worker=worker, settings=settings, claim=claim, outcome=outcome)
        log.info(
            "notification %s (%s) attempt %s by %s: %s",
            claim.id,
            claim.channel,
            claim.attempts,
            worker,
            status,
        )
        done += 1
    return done


def run_once(
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    worker: str | None = None,
    client: httpx.Client | None = None,
    now: datetime | None = None,
    compute: bool = True,
) -> dict[str, int]:
    """``parsipas notify --once``: compute the day's events, build due digests, send what is due."""
    settings = settings or get_settings()
    engine = engine or get_engine(settings.database_url)
    now = now or events.reference_now(settings)
    offered, digests = prepare(engine, now=now, settings=settings, compute=compute)
    if compute:  # hourly: forget expired idempotency keys and ended public-form throttle windows
        purge_expired(engine, settings)
    own = client is None
    http = client or make_client(settings)
    try:
        sent = deliver_due(engine, settings=settings, worker=worker or new_worker_id(), client=http)
    finally:
        if own:
            http.close()
    return {"offered": offered, "digests": digests, "processed": sent}


def run_forever(
    stop_event: threading.Event, *, engine: Engine | None = None, settings: Settings | None = None
) -> None:
    """The scheduler of ``parsipas serve``: deadline events once an hour (and at each new local day), digests and
    sends every ``notify_poll_seconds``; an error never kills the loop."""
    settings = settings or get_settings()
    worker = new_worker_id()
    last_compute: tuple[date, int] | None = None
    with make_client(settings) as client:
        while not stop_event.is_set():
            try:
                now = events.reference_now(settings)
                local = events.local_now(datetime.now(UTC), settings)
                slot = (local.date(), local.hour)
                run_once(engine=engine, settings=settings, worker=worker, client=client, now=now,
                         compute=slot != last_compute)  # fmt: skip
                last_compute = slot
            except Exception:
                log.exception("notification worker %s: run failed", worker)
            stop_event.wait(settings.notify_poll_seconds)


def start_background_worker(
    settings: Settings | None = None, engine: Engine | None = None
) -> Callable[[], None]:
    """Start ``run_forever`` in a daemon thread (the inbox needs no configuration); returns the stop function."""
    settings = settings or get_settings()
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever, args=(stop,), kwargs={"engine": engine, "settings": settings},
        name="parsipas-notification-worker", daemon=True,
    )  # fmt: skip
    thread.start()
    log.info("notification worker started")

    def _stop() -> None:
        stop.set()
        thread.join(timeout=settings.smtp_timeout_seconds + 5)

    return _stop
