"""Several workers at once never send the same delivery twice (file SQLite and PostgreSQL)."""

import threading

from sqlmodel import Session, col, func, select

from api.models import DeliveryAttempt, DeliveryStatus, PortalDelivery
from api.portal.service import enqueue_delivery
from api.portal.worker import claim_next, run_once
from tests.portal.factories import approved_report, unit_by_code

N = 24


def test_two_workers_deliver_a_batch_exactly_once(db, session, portal, portal_settings):
    portal.accept_delay = 0.02  # keep both workers busy at the same time
    settings = portal_settings()
    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    keys = {
        enqueue_delivery(session, report=report, principal=None, settings=settings).idempotency_key
        for _ in range(N)
    }
    session.commit()
    start = threading.Barrier(2)
    done: dict[str, int] = {}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            total = 0
            while (n := run_once(engine=db, settings=settings, worker=name)) > 0:
                total += n
            done[name] = total
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert len(portal.seen) == N  # not one request more than deliveries
    assert portal.accepted == dict.fromkeys(keys, 1)
    assert sum(done.values()) == N
    assert all(n > 0 for n in done.values()), done  # both really worked concurrently
    with Session(db) as s:
        rows = s.exec(select(PortalDelivery)).all()
        assert {r.status for r in rows} == {DeliveryStatus.delivered} and {r.attempts for r in rows} == {1}
        per_delivery = s.exec(
            select(DeliveryAttempt.delivery_id, func.count()).group_by(col(DeliveryAttempt.delivery_id))
        ).all()
        assert len(per_delivery) == N and {c for _, c in per_delivery} == {1}
        workers = set(s.exec(select(DeliveryAttempt.worker).distinct()).all())
        assert workers == {"worker-1", "worker-2"}


def test_only_one_of_many_claimers_gets_a_row(db, session, portal_settings):
    settings = portal_settings()
    report = approved_report(session, unit_id=unit_by_code(session, "LS.BG").id)
    delivery = enqueue_delivery(session, report=report, principal=None, settings=settings)
    session.commit()
    start = threading.Barrier(8)
    got: dict[str, object] = {}

    def claim(name: str) -> None:
        start.wait()
        got[name] = claim_next(db, worker=name, settings=settings)

    threads = [threading.Thread(target=claim, args=(f"c{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    winners = [name for name, c in got.items() if c is not None]
    assert len(got) == 8 and len(winners) == 1
    session.expire_all()
    row = session.get(PortalDelivery, delivery.id)
    assert row.status == DeliveryStatus.sending and row.attempts == 1 and row.locked_by == winners[0]
