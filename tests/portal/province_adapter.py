"""A province's own format plugged through PARSIPAS_PORTAL_ADAPTER (used by test_adapters.py)."""

import json
from typing import Any

from api.portal.adapters import PortalRequest


class ProvinceAdapter:
    name = "lgsp-langson-test"

    def build_payload(self, report: Any, period: Any, unit: Any, links: Any) -> dict[str, Any]:
        return {
            "maDonVi": unit.code,
            "kyBaoCao": f"{period.kind.value}/{period.year}",
            "soHieu": report.number,
        }

    def request(self, payload: dict[str, Any], idempotency_key: str) -> PortalRequest:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return PortalRequest(
            "PUT", f"/lgsp/{idempotency_key}", {"Content-Type": "application/vnd.lgsp+json"}, body
        )
