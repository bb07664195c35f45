"""The adapter boundary: a province plugs its own format with PARSIPAS_PORTAL_ADAPTER=module:Class."""

import json

import pytest

from api.portal.adapters import AdapterError, PortalAdapter, configured_adapter
from api.portal.service import enqueue_delivery
from tests.portal.factories import approved_report, unit_by_code
from tests.portal.helpers import drive


def test_province_adapter_builds_and_sends_its_own_format(db, session, portal, portal_settings):
    settings = portal_settings(portal_adapter="tests.portal.province_adapter:ProvinceAdapter")
    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    delivery = enqueue_delivery(session, report=report, principal=None, settings=settings)
    session.commit()
    assert delivery.adapter == "lgsp-langson-test"
    assert delivery.payload == {"maDonVi": "LS.BG", "kyBaoCao": "q1/2024", "soHieu": "125/BC-UBND"}

    # the stored row names its adapter: later sends use it even if the setting is back to the default name
    final = drive(
        db, portal_settings(portal_adapter="tests.portal.province_adapter:ProvinceAdapter"), delivery.id
    )

    assert final.status.value == "delivered"
    (seen,) = portal.seen
    assert seen.method == "PUT" and seen.path == f"/api/cchc/reports/lgsp/{delivery.idempotency_key}"
    assert seen.key == delivery.idempotency_key and seen.signature_ok and seen.authorized
    assert json.loads(seen.body)["maDonVi"] == "LS.BG"


def test_default_adapter_and_bad_specs(portal_settings):
    assert configured_adapter(portal_settings()).name == "parsipas-v1"
    assert isinstance(configured_adapter(portal_settings()), PortalAdapter)
    for spec in ("no-such-adapter", "tests.portal.nowhere:X", "tests.portal.province_adapter:Missing"):
        with pytest.raises(AdapterError):
            configured_adapter(portal_settings(portal_adapter=spec))
