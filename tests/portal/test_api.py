"""/api/v1/portal-deliveries: list (scoped, status filter), detail with attempts, retry."""

from sqlmodel import col, select

from api.models import AuditEvent, DeliveryStatus
from api.portal.service import enqueue_delivery
from tests.portal.factories import approved_report, unit_by_code
from tests.portal.helpers import drive, reload

BASE = "/api/v1/portal-deliveries"


def _failed_delivery(db, session, portal, settings):  # type: ignore[no-untyped-def]
    portal.script = ["500", "500"]
    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    delivery = enqueue_delivery(session, report=report, principal=None, settings=settings)
    session.commit()
    assert drive(db, settings, delivery.id).status == DeliveryStatus.failed
    return delivery


def test_list_get_and_retry(db, session, client, auth, portal, portal_settings):
    settings = portal_settings(portal_max_attempts=2)
    delivery = _failed_delivery(db, session, portal, settings)
    noivu = auth("noivu")

    r = client.get(BASE, headers=noivu, params={"status": "failed"})
    assert r.status_code == 200
    assert [d["id"] for d in r.json()["items"]] == [delivery.id] and r.json()["total"] == 1
    assert client.get(BASE, headers=noivu, params={"status": "delivered"}).json()["total"] == 0
    assert client.get(BASE, headers=noivu, params={"status": "bogus"}).status_code == 422

    r = client.get(f"{BASE}/{delivery.id}", headers=auth("chutich"))
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "failed" and body["attempts"] == 2
    assert [a["status_code"] for a in body["attempt_log"]] == [500, 500]
    assert body["payload"]["unit"]["code"] == "LS.BG"
    assert body["idempotency_key"] == delivery.idempotency_key

    # a leader reads but may not retry; a commune head does not see the district's deliveries
    assert client.post(f"{BASE}/{delivery.id}/retry", headers=auth("chutich")).status_code == 403
    assert client.get(f"{BASE}/{delivery.id}", headers=auth("chutich.hoatham")).status_code == 404
    assert client.get(BASE, headers=auth("chutich.hoatham")).json()["total"] == 0

    r = client.post(f"{BASE}/{delivery.id}/retry", headers=noivu)
    assert r.status_code == 200
    assert r.json()["status"] == "pending" and r.json()["attempts"] == 0
    again = client.post(f"{BASE}/{delivery.id}/retry", headers=noivu)  # idempotent
    assert again.status_code == 200 and again.json()["status"] == "pending"
    events = session.exec(
        select(AuditEvent).where(
            col(AuditEvent.entity_type) == "portal_delivery", col(AuditEvent.action) == "retry"
        )
    ).all()
    assert len(events) == 1 and events[0].changes["status"] == {"from": "failed", "to": "pending"}
    session.commit()  # end the test's transaction (kept objects loaded) so the worker can write on SQLite

    final = drive(db, settings, delivery.id)  # the portal accepts now, with the very same key
    assert final.status == DeliveryStatus.delivered
    assert {s.key for s in portal.seen} == {delivery.idempotency_key} and len(portal.seen) == 3

    r = client.post(f"{BASE}/{delivery.id}/retry", headers=noivu)
    assert r.status_code == 409 and r.json()["code"] == "delivery_already_delivered"
    assert reload(db, delivery.id).status == DeliveryStatus.delivered


def test_unknown_delivery_is_404(client, auth):
    assert client.get(f"{BASE}/999999", headers=auth("noivu")).status_code == 404
    assert client.post(f"{BASE}/999999/retry", headers=auth("noivu")).status_code == 404
    assert client.get(BASE).status_code == 401


def test_deliveries_say_whether_the_portal_is_configured(db, session, client, auth):  # type: ignore[no-untyped-def]
    """Without PARSIPAS_PORTAL_URL nothing is sent: every delivery says so (the SPA shows it instead of 'Chờ gửi')."""
    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    settings = client.app.state.settings
    delivery = enqueue_delivery(session, report=report, principal=None, settings=settings)
    session.commit()
    noivu = auth("noivu")
    try:
        _check_configured_flag(client, noivu, settings, report.id, delivery.id)
    finally:
        client.app.state.settings = settings


def _check_configured_flag(client, noivu, settings, report_id, delivery_id):  # type: ignore[no-untyped-def]
    client.app.state.settings = settings.model_copy(update={"portal_url": None})
    listed = client.get(BASE, headers=noivu, params={"report_id": report_id}).json()["items"]
    assert [(d["id"], d["status"], d["portal_configured"]) for d in listed] == [
        (delivery_id, "pending", False)
    ]
    assert client.get(f"{BASE}/{delivery_id}", headers=noivu).json()["portal_configured"] is False
    assert client.post(f"{BASE}/{delivery_id}/retry", headers=noivu).json()["portal_configured"] is False
    configured = settings.model_copy(update={"portal_url": "https://cong.langson.example/api"})
    client.app.state.settings = configured
    assert client.get(f"{BASE}/{delivery_id}", headers=noivu).json()["portal_configured"] is True
    listed = client.get(BASE, headers=noivu, params={"report_id": report_id}).json()["items"]
    assert listed[0]["portal_configured"] is True
