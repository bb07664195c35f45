"""API shapes of the delivery outbox (``/portal-deliveries``)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.models.report import DeliveryStatus


class DeliveryAttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int | None
    worker: str | None


class PortalDeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    report_id: int
    unit_id: int
    adapter: str
    idempotency_key: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    locked_by: str | None
    locked_until: datetime | None
    last_error: str | None
    remote_reference: str | None
    delivered_at: datetime | None
    created_at: datetime
    portal_configured: bool = Field(
        default=False,
        description="Cổng tiếp nhận của tỉnh đã được cấu hình (PARSIPAS_PORTAL_URL) chưa: chưa cấu hình thì báo cáo "
        "chưa được gửi, dù đang ở trạng thái chờ gửi.",
    )


class PortalDeliveryDetail(PortalDeliveryRead):
    payload: dict[str, Any]
    attempt_log: list[DeliveryAttemptRead]
