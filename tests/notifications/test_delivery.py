"""E-mail to a real SMTP server and a signed webhook to a real HTTP server: headers, encoding, retries, parking,
and exactly once per idempotency key under two workers and after a crash between send and record."""

import threading
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from typing import Any

from sqlmodel import Session, col, select

from api.models import MessageStatus, NotificationChannel, NotificationKind, NotificationMessage
from api.notifications import events, worker
from api.notifications.channels import message_id
from tests.notifications.factories import set_email, user_id

REASON = "Thiếu quyết định ban hành, đề nghị bổ sung"


def _event(
    session: Session,
    username: str,
    n: int = 0,
    kind: NotificationKind = NotificationKind.returned,
    unit: int | None = None,
) -> Any:
    return events.Event(
        key=f"assignment:{900 + n}:{kind.value}:v2",
        kind=kind,
        user_id=user_id(session, username),
        unit_id=unit,
        object_id=900 + n,
        params={
            "task_label": f"{n + 1}.",
            "task_title": "Rà soát, đơn giản hóa thủ tục hành chính",
            "unit_name": "UBND xã Hoa Thám",
            "due_date": "2024-10-10",
            "reason": REASON,
            "link": f"/assignments/{900 + n}",
        },
    )


def _rows(session: Session, channel: NotificationChannel) -> list[NotificationMessage]:
    session.expire_all()  # the workers wrote through their own sessions
    rows = session.exec(select(NotificationMessage).where(col(NotificationMessage.channel) == channel)).all()
    session.commit()
    return list(rows)


def test_email_and_webhook_carry_the_message_once(db, session, mailbox, webhook, notify_settings) -> None:
    settings = notify_settings()
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    events.enqueue(session, [_event(session, "canbo.hoatham")], settings=settings)
    session.commit()
    result = worker.run_once(engine=db, settings=settings, compute=False)
    assert result["processed"] == 2

    (mail,) = mailbox.messages
    (email_row,) = _rows(session, NotificationChannel.email)
    assert mail["To"] == "canbo.hoatham@binhgia.example"
    assert mail["Message-ID"] == message_id(email_row.idempotency_key)
    assert str(mail["X-Parsipas-Idempotency-Key"]).strip() == email_row.idempotency_key
    raw_subject = mail.get_all("Subject")[0]
    assert (
        str(make_header(decode_header(raw_subject)))
        == "Nhiệm vụ bị trả lại: 1. Rà soát, đơn giản hóa thủ tục hành chính"
    )
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert f"Lý do: {REASON}" in text and "https://parsipas.binhgia.example/assignments/900" in text
    assert 'href="https://parsipas.binhgia.example/assignments/900"' in html and "<!doctype html>" in html
    assert mail.get_body(("plain",)).get_content_charset() == "utf-8"

    (hook,) = webhook.seen
    (hook_row,) = _rows(session, NotificationChannel.webhook)
    assert hook.signature_ok and hook.key == hook_row.idempotency_key != email_row.idempotency_key
    assert hook.payload["kind"] == "returned" and hook.payload["recipient"]["username"] == "canbo.hoatham"
    assert REASON in hook.payload["text"] and hook.payload["link"].endswith("/assignments/900")
    assert {r.status for r in _rows(session, NotificationChannel.email) + [hook_row]} == {MessageStatus.sent}

    # computing the same event again writes nothing new, a second run sends nothing
    events.enqueue(session, [_event(session, "canbo.hoatham")], settings=settings)
    session.commit()
    assert worker.run_once(engine=db, settings=settings, compute=False)["processed"] == 0
    assert len(mailbox.messages) == 1 and len(webhook.seen) == 1


def test_english_recipient_and_no_address_means_no_email(db, session, mailbox, notify_settings) -> None:
    settings = notify_settings(notify_webhook_url=None)
    set_email(session, "canbo.hoatham", "officer@binhgia.example", language="en")
    set_email(session, "chutich.hoatham", None)
    events.enqueue(
        session, [_event(session, "canbo.hoatham"), _event(session, "chutich.hoatham", 1)], settings=settings
    )
    session.commit()
    worker.run_once(engine=db, settings=settings, compute=False)
    (mail,) = mailbox.messages
    assert str(mail["Subject"]).startswith("Assignment returned") and mail["To"] == "officer@binhgia.example"
    assert "Reason: " + REASON in mail.get_body(("plain",)).get_content()


def test_email_channel_off_without_smtp_settings(db, session, notify_settings) -> None:
    settings = notify_settings(smtp_host=None, notify_webhook_url=None)
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    events.enqueue(session, [_event(session, "canbo.hoatham")], settings=settings)
    session.commit()
    assert {r.channel for r in _rows(session, NotificationChannel.inbox)} == {NotificationChannel.inbox}
    assert (
        _rows(session, NotificationChannel.email) == [] and _rows(session, NotificationChannel.webhook) == []
    )


def test_preferences_are_honoured(db, session, client, auth, mailbox, webhook, notify_settings) -> None:
    settings = notify_settings()
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    officer = auth("canbo.hoatham")
    r = client.get("/api/v1/notifications/preferences", headers=officer)
    assert r.status_code == 200 and r.json()["digest_hour"] == 7
    body = {
        "digest_hour": 7,
        "kinds": [
            {"kind": "returned", "inbox": True, "email": False, "webhook": False, "digest": False},
            {"kind": "approved", "inbox": False, "email": True, "webhook": False, "digest": False},
        ],
    }
    assert client.put("/api/v1/notifications/preferences", headers=officer, json=body).status_code == 428
    r = client.put(
        "/api/v1/notifications/preferences", headers={**officer, "If-Match": r.headers["ETag"]}, json=body
    )
    assert r.status_code == 200, r.text
    kinds = {k["kind"]: k for k in r.json()["kinds"]}
    assert kinds["returned"]["email"] is False and kinds["approved"]["inbox"] is False
    events.enqueue(
        session,
        [_event(session, "canbo.hoatham"), _event(session, "canbo.hoatham", 1, NotificationKind.approved)],
        settings=settings,
    )
    session.commit()
    worker.run_once(engine=db, settings=settings, compute=False)
    got = {(m.kind.value, m.channel.value) for m in session.exec(select(NotificationMessage)).all()}
    session.commit()
    assert got == {("returned", "inbox"), ("approved", "email")}
    assert len(mailbox.messages) == 1 and webhook.seen == []
    assert str(mailbox.messages[0]["Subject"]).startswith("Nhiệm vụ đã được duyệt")


def test_daily_digest_groups_one_per_user_per_day(db, session, mailbox, notify_settings) -> None:
    from api.models import NotificationPreference

    settings = notify_settings(notify_webhook_url=None)
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    uid = user_id(session, "canbo.hoatham")
    session.add(NotificationPreference(user_id=uid, kind="*", digest=True, digest_hour=7))
    session.commit()
    local = timedelta(hours=7)  # Asia/Ho_Chi_Minh is UTC+7
    day1_0500 = datetime(2024, 10, 15, 5, tzinfo=UTC) - local
    events.enqueue(
        session,
        [_event(session, "canbo.hoatham", 0), _event(session, "canbo.hoatham", 1)],
        now=day1_0500,
        settings=settings,
    )
    session.commit()
    assert (
        worker.run_once(engine=db, settings=settings, compute=False, now=day1_0500 + timedelta(hours=1))[
            "digests"
        ]
        == 0
    )
    assert mailbox.messages == []
    at_0730 = day1_0500 + timedelta(hours=2, minutes=30)
    events.enqueue(
        session, [_event(session, "canbo.hoatham", 2)], now=at_0730, settings=settings
    )  # → tomorrow's
    session.commit()
    assert worker.run_once(engine=db, settings=settings, compute=False, now=at_0730)["digests"] == 1
    assert (
        worker.run_once(engine=db, settings=settings, compute=False, now=at_0730 + timedelta(hours=3))[
            "digests"
        ]
        == 0
    )
    (digest,) = mailbox.messages
    assert str(digest["Subject"]) == "Tổng hợp thông báo ngày 15/10/2024 (2)"
    text = digest.get_body(("plain",)).get_content()
    assert "/assignments/900" in text and "/assignments/901" in text and "/assignments/902" not in text
    day2 = at_0730 + timedelta(days=1)
    assert worker.run_once(engine=db, settings=settings, compute=False, now=day2)["digests"] == 1
    assert (
        len(mailbox.messages) == 2
        and "/assignments/902" in mailbox.messages[1].get_body(("plain",)).get_content()
    )
    assert str(mailbox.messages[1]["Subject"]) == "Tổng hợp thông báo ngày 16/10/2024 (1)"


def test_failures_retry_then_park(db, session, client, auth, mailbox, webhook, notify_settings) -> None:
    settings = notify_settings(notify_max_attempts=3)
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    mailbox.refuse_with = "554 5.7.1 rejected"  # permanent: parked at once
    webhook.script = [503, 503, 503]  # transient until the attempts run out
    events.enqueue(session, [_event(session, "canbo.hoatham")], settings=settings)
    session.commit()
    for _ in range(4):
        worker.run_once(engine=db, settings=settings, compute=False)
        session.exec(select(NotificationMessage)).all()
        for m in session.exec(
            select(NotificationMessage).where(col(NotificationMessage.status) == MessageStatus.pending)
        ).all():
            m.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)  # skip the back-off
            session.add(m)
        session.commit()
    (mail_row,) = _rows(session, NotificationChannel.email)
    (hook_row,) = _rows(session, NotificationChannel.webhook)
    assert (mail_row.status, mail_row.attempts) == (MessageStatus.parked, 1) and "554" in (
        mail_row.last_error or ""
    )
    assert (hook_row.status, hook_row.attempts) == (MessageStatus.parked, 3) and len(webhook.seen) == 3


def test_two_workers_send_each_key_once(db, session, mailbox, webhook, notify_settings) -> None:
    settings = notify_settings()
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    n = 12
    events.enqueue(session, [_event(session, "canbo.hoatham", i) for i in range(n)], settings=settings)
    session.commit()
    start = threading.Barrier(2)
    done: dict[str, int] = {}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            with worker.make_client(settings) as client:
                done[name] = worker.deliver_due(db, settings=settings, worker=name, client=client)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(done.values()) == 2 * n
    assert len(mailbox.messages) == n and set(mailbox.by_message_id().values()) == {1}
    assert len(webhook.seen) == n and set(webhook.accepted.values()) == {1}
    rows = _rows(session, NotificationChannel.email) + _rows(session, NotificationChannel.webhook)
    assert {(r.status, r.attempts) for r in rows} == {(MessageStatus.sent, 1)}


def test_crash_between_send_and_record_resends_with_the_same_key(
    db, session, mailbox, webhook, notify_settings
) -> None:
    """The worker dies after the server accepted and before it recorded: the lease expires, another worker sends
    again. The webhook receiver sees the same Idempotency-Key (and drops the repeat); the SMTP server sees a second
    copy with the same Message-ID, recognisable as the same message."""
    settings = notify_settings()
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    events.enqueue(session, [_event(session, "canbo.hoatham")], settings=settings)
    session.commit()
    with worker.make_client(settings) as client:
        for _ in range(2):
            claim = worker.claim_next(db, worker="doomed", settings=settings)
            assert claim is not None
            assert worker.send(db, client, settings, claim).ok  # ...and the process dies here
    for m in session.exec(
        select(NotificationMessage).where(col(NotificationMessage.status) == MessageStatus.sending)
    ).all():
        m.locked_until = datetime.now(UTC) - timedelta(seconds=1)  # the lease runs out
        session.add(m)
    session.commit()
    assert worker.run_once(engine=db, settings=settings, compute=False)["processed"] == 2
    assert len(mailbox.messages) == 2 and list(mailbox.by_message_id().values()) == [2]
    assert [h.key for h in webhook.seen][0] == webhook.seen[1].key and list(webhook.accepted.values()) == [2]
    rows = _rows(session, NotificationChannel.email) + _rows(session, NotificationChannel.webhook)
    assert {(r.status, r.attempts) for r in rows} == {(MessageStatus.sent, 2)}


def test_parked_messages_are_counted_and_retried_by_the_district(
    db, session, client, auth, webhook, notify_settings
) -> None:
    from tests.notifications.factories import HOATHAM, unit_id

    settings = notify_settings(smtp_host=None)
    webhook.script = [400]  # refused as malformed: parked at once
    events.enqueue(
        session, [_event(session, "canbo.hoatham", unit=unit_id(session, HOATHAM))], settings=settings
    )
    session.commit()
    worker.run_once(engine=db, settings=settings, compute=False)
    (row,) = _rows(session, NotificationChannel.webhook)
    assert row.status == MessageStatus.parked and row.attempts == 1
    assert client.get("/api/v1/notifications/settings", headers=auth("noivu")).json()["parked"] == 1
    assert client.post("/api/v1/notifications/retry-parked", headers=auth("canbo.hoatham")).status_code == 403
    assert client.post("/api/v1/notifications/retry-parked", headers=auth("noivu")).json() == {"updated": 1}
    assert client.get("/api/v1/notifications/settings", headers=auth("noivu")).json()["parked"] == 0
    worker.run_once(engine=db, settings=settings, compute=False)
    (row,) = _rows(session, NotificationChannel.webhook)
    assert (row.status, row.attempts) == (MessageStatus.sent, 1)
    assert [h.key for h in webhook.seen] == [row.idempotency_key] * 2  # the same key both times
