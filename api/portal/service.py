"""Gửi báo cáo lên cổng tỉnh: the transactional outbox and the operator's view of it.

An approved report is not sent from the request that approves it. ``enqueue_delivery`` writes an outbox row
(``PortalDelivery``) in the caller's transaction, so the approval and the promise to deliver commit or roll back
together; a worker (``api.portal.worker``) sends it later, retrying with the same ``Idempotency-Key``.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col

from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import Settings, get_settings
from api.errors import Conflict
from api.models import (
    DeliveryAttempt,
    DeliveryStatus,
    OrgUnit,
    PortalDelivery,
    Report,
    ReportingPeriod,
    ReportStatus,
)
from api.portal.adapters import configured_adapter
from api.reports.exchange import ReportLinks

P = Permission
AUDIT_FIELDS = ["report_id", "unit_id", "adapter", "idempotency_key", "status", "attempts", "next_attempt_at"]


def enqueue_delivery(
    session: Session, *, report: Report, principal: Principal | None, settings: Settings | None = None
) -> PortalDelivery:
    """Write the outbox row for an approved report in the caller's transaction (flush, no commit).

    The payload is built now, from the frozen report, with the configured adapter; the idempotency key is a
    fresh uuid4 that every retry of this delivery reuses, so the portal can drop duplicates.
    """
    settings = settings or get_settings()
    if report.status != ReportStatus.approved:
        raise Conflict(
            "Chỉ gửi lên cổng tỉnh báo cáo đã được phê duyệt.",
            "Only an approved report can be delivered to the provincial portal.",
            code="report_not_approved",
        )
    if report.id is None:
        session.flush()
    period = session.get(ReportingPeriod, report.period_id)
    unit = session.get(OrgUnit, report.unit_id)
    if period is None or unit is None or report.id is None:  # pragma: no cover - foreign keys forbid it
        raise Conflict("Báo cáo thiếu kỳ hoặc đơn vị.", "Report without period or unit.")
    adapter = configured_adapter(settings)
    links = ReportLinks.for_report(report.id, settings.portal_links_base_url)
    delivery = PortalDelivery(
        report_id=report.id,
        unit_id=report.unit_id,
        adapter=adapter.name,
        idempotency_key=uuid.uuid4().hex,
        payload=adapter.build_payload(report, period, unit, links),
        status=DeliveryStatus.pending,
        attempts=0,
        next_attempt_at=datetime.now(UTC),
    )
    session.add(delivery)
    session.flush()
    record_create(session, principal, "portal_delivery", delivery, delivery.unit_id, AUDIT_FIELDS)
    return delivery


def list_query(
    principal: Principal,
    *,
    status: DeliveryStatus | None = None,
    report_id: int | None = None,
    unit_id: int | None = None,
) -> Any:
    """Deliveries the principal may read (reports:read over the delivery's unit), filtered."""
    stmt = scope.visible_deliveries(principal, P.reports_read)
    if status is not None:
        stmt = stmt.where(col(PortalDelivery.status) == status)
    if report_id is not None:
        stmt = stmt.where(col(PortalDelivery.report_id) == report_id)
    if unit_id is not None:
        stmt = stmt.where(col(PortalDelivery.unit_id) == unit_id)
    return stmt


def get_delivery_with_attempts(
    session: Session, *, principal: Principal, delivery_id: int
) -> tuple[PortalDelivery, list[DeliveryAttempt]]:
    """One delivery (404 outside the scope) and its attempts, oldest first: two statements."""
    delivery = scope.get_delivery(session, principal, delivery_id, P.reports_read)
    stmt = (
        scope.visible_delivery_attempts(principal, P.reports_read)
        .where(col(DeliveryAttempt.delivery_id) == delivery_id)
        .order_by(col(DeliveryAttempt.id))
    )
    return delivery, list(session.exec(stmt).all())


def retry_delivery(session: Session, *, principal: Principal, delivery_id: int) -> PortalDelivery:
    """Gửi lại: a failed delivery goes back to pending, due now, with a fresh attempt budget.

    Idempotent: a pending delivery is only made due now, one being sent is left alone; a delivered one is a
    409 (the portal already has it). The idempotency key never changes.
    """
    delivery = scope.get_delivery(session, principal, delivery_id, P.portal_manage)
    if delivery.status == DeliveryStatus.delivered:
        raise Conflict(
            "Báo cáo này đã được gửi thành công lên cổng tỉnh, không cần gửi lại.",
            "This delivery has already been accepted by the portal.",
            code="delivery_already_delivered",
        )
    if delivery.status == DeliveryStatus.sending:
        return delivery
    now = datetime.now(UTC)
    before = snapshot(delivery, AUDIT_FIELDS)
    if delivery.status == DeliveryStatus.failed:
        delivery.status = DeliveryStatus.pending
        delivery.attempts = 0
        delivery.next_attempt_at = now
    elif delivery.next_attempt_at > now:
        delivery.next_attempt_at = now
    else:
        return delivery
    session.add(delivery)
    session.flush()
    record(
        session,
        principal,
        "retry",
        "portal_delivery",
        delivery.id,
        delivery.unit_id,
        diff(before, snapshot(delivery, AUDIT_FIELDS)),
    )
    return delivery
