"""``parsipas deliver --once`` for cron, and the worker thread that ``parsipas serve`` starts."""

import time

import pytest
from typer.testing import CliRunner

from api.config import get_settings
from api.models import DeliveryStatus
from api.portal.service import enqueue_delivery
from api.portal.worker import start_background_worker
from tests.portal.factories import approved_report, unit_by_code
from tests.portal.helpers import reload
from tests.portal.server import SECRET, TOKEN


@pytest.fixture
def env_settings(monkeypatch):  # type: ignore[no-untyped-def]
    def apply(**values: str) -> None:
        for k, v in values.items():
            monkeypatch.setenv(f"PARSIPAS_{k.upper()}", v)
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


def _delivery(session, settings):  # type: ignore[no-untyped-def]
    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    d = enqueue_delivery(session, report=report, principal=None, settings=settings)
    session.commit()
    return d


def test_deliver_once(db, session, portal, portal_settings, env_settings):
    from api.cli import app

    delivery = _delivery(session, portal_settings())
    env_settings(
        portal_url=portal.url, portal_token=TOKEN, portal_hmac_secret=SECRET, portal_timeout_seconds="2"
    )
    result = CliRunner().invoke(app, ["deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert reload(db, delivery.id).status == DeliveryStatus.delivered
    assert portal.accepted == {delivery.idempotency_key: 1} and portal.seen[0].signature_ok


def test_deliver_refuses_without_portal_url(db, env_settings):
    from api.cli import app

    env_settings(portal_url="")
    result = CliRunner().invoke(app, ["deliver", "--once"])
    assert result.exit_code == 2


def test_background_worker_thread(db, session, portal, portal_settings):
    settings = portal_settings()
    portal.script = ["503"]
    delivery = _delivery(session, settings)
    stop = start_background_worker(settings, engine=db)
    try:
        deadline = time.monotonic() + 15
        while reload(db, delivery.id).status != DeliveryStatus.delivered and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop()
    assert reload(db, delivery.id).status == DeliveryStatus.delivered
    assert [s.action for s in portal.seen] == ["503", "accept"]
    assert start_background_worker(portal_settings(portal_url=None))() is None  # not configured: no thread
