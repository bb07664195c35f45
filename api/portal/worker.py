"""The outbox worker: claim a due delivery, send it, record the attempt — never the same delivery twice at once.

Claiming (:func:`api.outbox.claim_next`, shared with notifications) is one short write transaction: pick the oldest due row (on PostgreSQL ``FOR UPDATE SKIP LOCKED``; on
SQLite the ``BEGIN IMMEDIATE`` of ``write_session`` serialises claimers), then ``UPDATE … SET status='sending',
locked_by=me, locked_until=now+lease WHERE id=:id AND <still due>`` and check the row count. The HTTP request
runs outside any transaction; a second short transaction records the attempt and the outcome. A worker that
dies mid-send leaves a ``sending`` row whose lease expires, and another worker sends it again with the same
``Idempotency-Key`` (the portal drops the duplicate).

Outcomes: 2xx → delivered. 3xx (never followed), 408/409/425/429, 5xx, time-outs and connection errors → retry
after an exponential back-off with full jitter (``uniform(0, min(cap, base·2^(n-1)))``, at least ``Retry-After``
when the portal sends one) until ``portal_max_attempts``, then failed. Other 4xx → failed at once (the request
itself is wrong; an operator fixes the configuration and retries by hand).
"""

import hashlib
import hmac
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col

from api import outbox
from api.audit.service import record
from api.config import Settings, get_settings
from api.db import get_engine, write_session
from api.models import DeliveryAttempt, DeliveryStatus, PortalDelivery
from api.outbox import Outbox
from api.portal.adapters import AdapterError, adapter_by_name

log = logging.getLogger("parsipas.portal")
RETRYABLE_4XX = frozenset({408, 409, 425, 429})
SIGNATURE_HEADER = "X-Parsipas-Signature"
TIMESTAMP_HEADER = "X-Parsipas-Timestamp"


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def lease_for(settings: Settings) -> timedelta:
    """How long a claim holds: well beyond one request (httpx's timeout applies per phase, not in total)."""
    return timedelta(seconds=max(60.0, settings.portal_timeout_seconds * 4))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>``: the timestamp is signed so it cannot be replayed."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff_seconds(attempts: int, settings: Settings, retry_after: float | None = None) -> float:
    """Full jitter: a uniform delay up to ``min(cap, base·2^(attempts-1))``, never below ``Retry-After``."""
    cap = settings.portal_backoff_cap_seconds
    ceiling = min(cap, settings.portal_backoff_base_seconds * 2 ** max(0, attempts - 1))
    delay = random.uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


@dataclass(frozen=True)
class Claim:
    id: int
    unit_id: int
    adapter: str
    idempotency_key: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retryable: bool
    status_code: int | None = None
    error: str | None = None
    duration_ms: int = 0
    remote_reference: str | None = None
    retry_after: float | None = None


OUTBOX = Outbox(PortalDelivery, DeliveryStatus.pending, DeliveryStatus.sending)


def _claim(row: PortalDelivery) -> Claim:
    return Claim(
        id=row.id or 0,
        unit_id=row.unit_id,
        adapter=row.adapter,
        idempotency_key=row.idempotency_key,
        payload=row.payload,
        attempts=row.attempts,
    )


def claim_next(
    engine: Engine, *, worker: str, settings: Settings, cutoff: datetime | None = None
) -> Claim | None:
    """Atomically take the oldest due delivery for ``worker`` (committed before returning), or None."""
    return outbox.claim_next(
        engine, OUTBOX, worker=worker, lease=lease_for(settings), load=_claim, cutoff=cutoff
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _remote_reference(response: httpx.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("reference", "id", "receipt", "remote_reference"):
            if data.get(key) not in (None, ""):
                return str(data[key])[:200]
    location = response.headers.get("location")
    return location[:200] if location else None


def _url(base: str, path: str) -> str:
    return base.rstrip("/") + path if path else base


def send(client: httpx.Client, settings: Settings, claim: Claim) -> Outcome:
    """One HTTP attempt for a claimed delivery; never raises for network or portal errors."""
    started = time.perf_counter()

    def elapsed() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        adapter = adapter_by_name(claim.adapter, settings)
        req = adapter.request(claim.payload, claim.idempotency_key)
    except AdapterError as exc:
        return Outcome(False, True, error=f"Lỗi adapter: {exc}", duration_ms=elapsed())
    headers = {"Content-Type": "application/json", **dict(req.headers)}
    headers["Idempotency-Key"] = claim.idempotency_key
    if settings.portal_token:
        headers["Authorization"] = f"Bearer {settings.portal_token}"
    if settings.portal_hmac_secret:
        timestamp = str(int(time.time()))
        headers[TIMESTAMP_HEADER] = timestamp
        headers[SIGNATURE_HEADER] = sign(settings.portal_hmac_secret, timestamp, req.body)
    try:
        response = client.request(
            req.method, _url(settings.portal_url or "", req.url_path), content=req.body, headers=headers
        )
    except httpx.TimeoutException as exc:
        error = f"Hết thời gian chờ ({settings.portal_timeout_seconds:g} s) / timeout: {type(exc).__name__}"
        return Outcome(False, True, error=error, duration_ms=elapsed())
    except httpx.HTTPError as exc:
        error = f"Lỗi kết nối / connection error: {type(exc).__name__}: {exc}"
        return Outcome(False, True, error=error[:1000], duration_ms=elapsed())
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(True, False, code, None, elapsed(), _remote_reference(response))
    if 300 <= code < 400:
        target = response.headers.get("location", "?")
        error = f"HTTP {code}: cổng chuyển hướng tới {target}, không đi theo / redirect not followed"
        return Outcome(False, True, code, error[:1000], elapsed())
    retryable = code >= 500 or code in RETRYABLE_4XX
    error = f"HTTP {code}: {response.text[:500]}"
    return Outcome(False, retryable, code, error, elapsed(), retry_after=_retry_after(response))


def finish(
    engine: Engine, *, worker: str, settings: Settings, claim: Claim, outcome: Outcome
) -> DeliveryStatus:
    """Record the attempt and move the delivery on (delivered, back to pending with a delay, or failed)."""
    now = datetime.now(UTC)
    with write_session(engine) as session:
        session.add(
            DeliveryAttempt(
                delivery_id=claim.id,
                at=now,
                status_code=outcome.status_code,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
                worker=worker,
            )
        )
        released: dict[str, Any] = {"locked_by": None, "locked_until": None}
        stmt = update(PortalDelivery).where(col(PortalDelivery.id) == claim.id)
        if outcome.ok:
            # The portal has it: true whoever holds the lease now.
            status = DeliveryStatus.delivered
            stmt = stmt.where(col(PortalDelivery.status) != DeliveryStatus.delivered).values(
                status=status,
                delivered_at=now,
                remote_reference=outcome.remote_reference,
                last_error=None,
                **released,
            )
        else:
            exhausted = claim.attempts >= settings.portal_max_attempts
            status = DeliveryStatus.pending if outcome.retryable and not exhausted else DeliveryStatus.failed
            if status == DeliveryStatus.pending:
                delay = backoff_seconds(claim.attempts, settings, outcome.retry_after)
                released["next_attempt_at"] = now + timedelta(seconds=delay)
            stmt = stmt.where(
                col(PortalDelivery.status) == DeliveryStatus.sending, col(PortalDelivery.locked_by) == worker
            ).values(status=status, last_error=outcome.error, **released)
        changed = session.exec(stmt.execution_options(synchronize_session=False)).rowcount == 1
        if not changed:
            log.warning("delivery %s: lease lost by %s, attempt recorded only", claim.id, worker)
        elif status != DeliveryStatus.pending:
            note = outcome.remote_reference if outcome.ok else outcome.error
            changes = {"status": {"from": "sending", "to": status.value}, "attempts": {"to": claim.attempts}}
            record(session, None, status.value, "portal_delivery", claim.id, claim.unit_id, changes, note)
        session.commit()
    return status


def make_client(settings: Settings) -> httpx.Client:
    return httpx.Client(timeout=settings.portal_timeout_seconds, follow_redirects=False)


def run_once(
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    worker: str | None = None,
    client: httpx.Client | None = None,
) -> int:
    """Send every delivery that is due when the run starts (each at most once per run); returns the count."""
    settings = settings or get_settings()
    engine = engine or get_engine(settings.database_url)
    worker = worker or new_worker_id()
    if not settings.portal_url:
        return 0
    own_client = client is None
    http = client or make_client(settings)
    cutoff = datetime.now(UTC)
    done = 0
    try:
        while (claim := claim_next(engine, worker=worker, settings=settings, cutoff=cutoff)) is not None:
            outcome = send(http, settings, claim)
            status = finish(engine, worker=worker, settings=settings, claim=claim, outcome=outcome)
            log.info("delivery %s attempt %s by %s: %s", claim.id, claim.attempts, worker, status.value)
            done += 1
    finally:
        if own_client:
            http.close()
    return done


def run_forever(
    stop_event: threading.Event,
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    worker: str | None = None,
) -> None:
    """Poll the outbox until ``stop_event`` is set; a database or adapter error never kills the loop."""
    settings = settings or get_settings()
    worker = worker or new_worker_id()
    with make_client(settings) as client:
        while not stop_event.is_set():
            try:
                n = run_once(engine=engine, settings=settings, worker=worker, client=client)
            except Exception:
                log.exception("portal delivery worker %s: run failed", worker)
                n = 0
            if n == 0:
                stop_event.wait(settings.portal_poll_seconds)


def start_background_worker(
    settings: Settings | None = None, engine: Engine | None = None
) -> Callable[[], None]:
    """Start ``run_forever`` in a daemon thread when ``PARSIPAS_PORTAL_URL`` is set; returns the stop function."""
    settings = settings or get_settings()
    if not settings.portal_url:
        return lambda: None
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever,
        args=(stop,),
        kwargs={"engine": engine, "settings": settings},
        name="parsipas-portal-worker",
        daemon=True,
    )
    thread.start()
    log.info("portal delivery worker started for %s", settings.portal_url)

    def _stop() -> None:
        stop.set()
        thread.join(timeout=settings.portal_timeout_seconds + 5)

    return _stop
