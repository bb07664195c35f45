"""Small helpers shared by the portal tests."""

import time

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.config import Settings
from api.models import DeliveryAttempt, DeliveryStatus, PortalDelivery
from api.portal.worker import run_once


def reload(engine: sa.Engine, delivery_id: int) -> PortalDelivery:
    with Session(engine) as s:
        return s.exec(select(PortalDelivery).where(col(PortalDelivery.id) == delivery_id)).one()


def attempts_of(engine: sa.Engine, delivery_id: int) -> list[DeliveryAttempt]:
    with Session(engine) as s:
        stmt = select(DeliveryAttempt).where(col(DeliveryAttempt.delivery_id) == delivery_id)
        return list(s.exec(stmt.order_by(col(DeliveryAttempt.id))).all())


def drive(
    engine: sa.Engine, settings: Settings, delivery_id: int, *, worker: str = "w-test", seconds: float = 20
) -> PortalDelivery:
    """Run the worker (as cron would, again and again) until the delivery is delivered or failed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run_once(engine=engine, settings=settings, worker=worker)
        d = reload(engine, delivery_id)
        if d.status in (DeliveryStatus.delivered, DeliveryStatus.failed):
            return d
        time.sleep(0.005)
    raise AssertionError(
        f"delivery {delivery_id} still {reload(engine, delivery_id).status} after {seconds}s"
    )
