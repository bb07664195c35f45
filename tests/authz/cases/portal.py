"""Matrix rows for /portal-deliveries. The own delivery carries the district report of LS.BG (so commune actors,
who hold reports:read for Hoa Thám only, do not reach it: 404); the foreign one the report of district XX.D.
Readers: reports:read; retry: portal:manage (district_admin, token). The own delivery is ``failed`` so a retry
answers 200."""

from typing import Any

from tests.authz.spec import DISTRICT_ADMINS, READERS, Case, Req

V1 = "/api/v1"
DISTRICT_READERS = frozenset({"district_admin", "leader", "observer", "token"})


def _failed_delivery(w: Any, unit_id: int) -> int:
    from api.models import DeliveryStatus, PeriodKind
    from api.portal.service import enqueue_delivery
    from tests.portal.factories import approved_report

    report = approved_report(w.session, unit_id=unit_id, year=2023, kind=PeriodKind.year)
    delivery = enqueue_delivery(w.session, report=report, principal=None)
    delivery.status = DeliveryStatus.failed
    delivery.attempts = 12
    delivery.last_error = "HTTP 500: matrix"
    w.session.add(delivery)
    w.session.flush()
    return delivery.id


def setup(w: Any) -> None:
    w.ids["own_portal_delivery"] = _failed_delivery(w, w.ids["own_district"])
    w.ids["foreign_portal_delivery"] = _failed_delivery(w, w.ids["foreign_district"])
    w.session.commit()


def _get(key: str) -> Any:
    return lambda w, a: Req("GET", f"{V1}/portal-deliveries/{w.ids[key]}")


def _retry(key: str) -> Any:
    return lambda w, a: Req("POST", f"{V1}/portal-deliveries/{w.ids[key]}/retry")


CASES = [
    Case("portal-list", own=lambda w, a: Req("GET", f"{V1}/portal-deliveries", params={"limit": 500}),
         allowed=READERS, list_foreign_ids=lambda w: {w.ids["foreign_portal_delivery"]},
         note="commune actors get 200 with no row: the district's deliveries are outside their reach"),
    Case("portal-get", own=_get("own_portal_delivery"), foreign=_get("foreign_portal_delivery"),
         allowed=DISTRICT_READERS),
    Case("portal-retry", own=_retry("own_portal_delivery"), foreign=_retry("foreign_portal_delivery"),
         allowed=DISTRICT_ADMINS),
]  # fmt: skip
