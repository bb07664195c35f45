"""Delivery against a real HTTP server on loopback: errors, time-outs, resets and redirects before success."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from api.errors import Conflict
from api.models import AuditEvent, DeliveryStatus, PortalDelivery, ReportStatus
from api.portal.service import enqueue_delivery
from api.portal.worker import backoff_seconds, run_once
from tests.portal.factories import approved_report, unit_by_code
from tests.portal.helpers import attempts_of, drive, reload
from tests.portal.server import REDIRECT_PATH


def _enqueue(session, settings):  # type: ignore[no-untyped-def]
    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    delivery = enqueue_delivery(session, report=report, principal=None, settings=settings)
    session.commit()
    return delivery


def test_arrives_exactly_once_through_500_503_timeout_reset_redirect(db, session, portal, portal_settings):
    portal.script = ["500", "503", "timeout", "reset", "redirect", "accept"]
    settings = portal_settings()
    delivery = _enqueue(session, settings)

    final = drive(db, settings, delivery.id)

    assert final.status == DeliveryStatus.delivered
    assert final.attempts == 6
    assert final.remote_reference == "LS-1"
    assert final.locked_by is None and final.delivered_at is not None
    main = portal.requests_to("/api/cchc/reports")
    assert [s.action for s in main] == ["500", "503", "timeout", "reset", "redirect", "accept"]
    # exactly once, always the same key, same bytes, signed and authorised every time
    assert portal.accepted == {delivery.idempotency_key: 1}
    assert {s.key for s in main} == {delivery.idempotency_key}
    assert len({s.body for s in main}) == 1
    assert all(s.signature_ok for s in main) and all(s.authorized for s in main)
    assert all(s.method == "POST" for s in main)
    assert portal.requests_to(REDIRECT_PATH) == []  # the redirect was never followed
    sent = json.loads(main[0].body)
    assert sent["unit"]["code"] == "LS.BG" and sent["document_version"] == "parsipas.report.v1"

    attempts = attempts_of(db, delivery.id)
    assert [a.status_code for a in attempts] == [500, 503, None, None, 302, 201]
    errors = [a.error or "" for a in attempts]
    assert "HTTP 500" in errors[0] and "HTTP 503" in errors[1]
    assert "timeout" in errors[2]
    assert "connection error" in errors[3]
    assert "302" in errors[4] and REDIRECT_PATH in errors[4]
    assert attempts[5].error is None
    assert all(a.worker == "w-test" and a.duration_ms is not None for a in attempts)
    assert attempts[2].duration_ms >= 450  # waited for the client time-out (0.5 s), not the server's 2 s
    assert attempts[2].duration_ms < 1900


def test_gives_up_after_max_attempts_and_audits(db, session, portal, portal_settings):
    portal.script = ["500"] * 10
    settings = portal_settings(portal_max_attempts=3)
    delivery = _enqueue(session, settings)

    final = drive(db, settings, delivery.id)

    assert final.status == DeliveryStatus.failed
    assert final.attempts == 3
    assert "HTTP 500" in (final.last_error or "")
    assert len(portal.seen) == 3 and portal.accepted == {}
    session.expire_all()
    events = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.entity_type) == "portal_delivery", col(AuditEvent.entity_id) == str(delivery.id))
        .order_by(col(AuditEvent.id))  # without it PostgreSQL may return them in any order
    ).all()
    assert [e.action for e in events] == ["create", "failed"]


def test_client_error_fails_at_once(db, session, portal, portal_settings):
    portal.script = ["422"]
    settings = portal_settings()
    delivery = _enqueue(session, settings)

    final = drive(db, settings, delivery.id)

    assert final.status == DeliveryStatus.failed and final.attempts == 1
    assert final.last_error.startswith("HTTP 422")


def test_429_is_retried(db, session, portal, portal_settings):
    portal.script = ["429", "accept"]
    settings = portal_settings()
    delivery = _enqueue(session, settings)
    assert drive(db, settings, delivery.id).status == DeliveryStatus.delivered
    assert [a.status_code for a in attempts_of(db, delivery.id)] == [429, 201]


def test_failure_is_rescheduled_with_backoff(db, session, portal, portal_settings):
    portal.script = ["503"]
    settings = portal_settings(portal_backoff_base_seconds=100, portal_backoff_cap_seconds=100)
    delivery = _enqueue(session, settings)

    assert run_once(engine=db, settings=settings, worker="w") == 1
    d = reload(db, delivery.id)
    assert d.status == DeliveryStatus.pending and d.attempts == 1 and d.locked_by is None
    assert datetime.now(UTC) < d.next_attempt_at < datetime.now(UTC) + timedelta(seconds=101)
    # not due yet: a second run sends nothing
    assert run_once(engine=db, settings=settings, worker="w") == 0
    assert len(portal.seen) == 1


def test_backoff_is_full_jitter_capped_and_honours_retry_after(portal_settings):
    s = portal_settings(portal_backoff_base_seconds=2.0, portal_backoff_cap_seconds=3600.0)
    samples = [backoff_seconds(3, s) for _ in range(500)]
    assert all(0 <= x <= 8.0 for x in samples) and max(samples) > 4.0 and min(samples) < 2.0
    assert all(backoff_seconds(30, s) <= 3600.0 for _ in range(100))
    assert backoff_seconds(1, s, retry_after=30) >= 30


def test_stale_lease_is_taken_over_with_the_same_key(db, session, portal, portal_settings):
    """A worker died while sending: once its lease expires another worker sends again, same key."""
    settings = portal_settings()
    delivery = _enqueue(session, settings)
    row = session.get(PortalDelivery, delivery.id)
    row.status = DeliveryStatus.sending
    row.locked_by = "dead-worker"
    row.locked_until = datetime.now(UTC) + timedelta(minutes=5)
    row.attempts = 1
    session.commit()

    assert run_once(engine=db, settings=settings, worker="w2") == 0  # lease still held

    row.locked_until = datetime.now(UTC) - timedelta(seconds=1)
    session.commit()
    final = drive(db, settings, delivery.id, worker="w2")
    assert final.status == DeliveryStatus.delivered and final.attempts == 2
    assert [s.key for s in portal.seen] == [delivery.idempotency_key]


def test_outbox_row_belongs_to_the_callers_transaction(db, session, portal_settings):
    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    session.commit()
    enqueue_delivery(session, report=report, principal=None, settings=portal_settings())
    session.rollback()  # the approval failed: no promise to deliver either
    assert session.exec(select(PortalDelivery)).all() == []

    d1 = enqueue_delivery(session, report=report, principal=None, settings=portal_settings())
    session.commit()
    assert d1.status == DeliveryStatus.pending and d1.attempts == 0 and len(d1.idempotency_key) == 32
    assert d1.payload["report"]["id"] == report.id
    assert d1.payload["links"]["docx"] == (
        f"https://parsipas.binhgia.example/api/v1/reports/{report.id}/export?format=docx"
    )


def test_only_approved_reports_are_enqueued(db, session, portal_settings):
    unit = unit_by_code(session, "LS.BG")
    report = approved_report(session, unit_id=unit.id, status=ReportStatus.submitted)
    with pytest.raises(Conflict):
        enqueue_delivery(session, report=report, principal=None, settings=portal_settings())


def test_nothing_is_sent_without_a_portal_url(db, session, portal, portal_settings):
    delivery = _enqueue(session, portal_settings())
    assert run_once(engine=db, settings=portal_settings(portal_url=None)) == 0
    assert reload(db, delivery.id).status == DeliveryStatus.pending and portal.seen == []
