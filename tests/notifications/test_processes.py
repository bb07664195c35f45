"""Exactly once across operating-system processes: two ``parsipas notify --once`` workers started at the same time
against one outbox (SQLite file or PostgreSQL), a real SMTP server (aiosmtpd) and a real webhook receiver; then a
worker killed between the send and its record (``os._exit`` through the test hook) and a second one taking over.

What holds (see ``api.notifications.channels``):
- webhook: every key reaches the receiver; a resend after the kill carries the same ``Idempotency-Key``, so the
  receiver accepts it once (201) and answers the repeat 200;
- SMTP: one message per key while nobody dies; after a kill between the server's 250 and our commit, the one
  resend has the same ``Message-ID`` and ``X-Parsipas-Idempotency-Key``: the duplicate is recognisable, and a
  store deduplicating on Message-ID keeps one.
"""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from api.models import MessageStatus, NotificationChannel, NotificationMessage
from api.notifications import events
from api.notifications.channels import KEY_HEADER
from api.notifications.worker import CRASH_EXIT_CODE
from tests.notifications.factories import close_other_work, set_email, user_id
from tests.notifications.servers import WEBHOOK_SECRET

ROOT = Path(__file__).resolve().parents[2]
CODE = "from api.cli import app; app(['notify', '--once'])"


def _env(db: Any, mailbox: Any, webhook: Any, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARSIPAS_TEST_CRASH")}
    env.update(
        PARSIPAS_ENV="test",
        PARSIPAS_DATABASE_URL=db.url.render_as_string(hide_password=False),
        PARSIPAS_SMTP_HOST="127.0.0.1",
        PARSIPAS_SMTP_PORT=str(mailbox.port),
        PARSIPAS_SMTP_SECURITY="none",
        PARSIPAS_NOTIFY_WEBHOOK_URL=webhook.url,
        PARSIPAS_NOTIFY_WEBHOOK_SECRET=WEBHOOK_SECRET,
        **extra,
    )
    return env


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CODE],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _events(session: Session, prefix: str, n: int, username: str) -> list[events.Event]:
    uid = user_id(session, username)
    return [
        events.Event(
            f"{prefix}:{i}",
            events.K.returned,
            uid,
            None,
            9000 + i,
            {
                "task_label": f"{i}.",
                "task_title": "Đơn giản hóa TTHC",
                "unit_name": "UBND xã Hoa Thám",
                "reason": "Bổ sung tài liệu",
                "link": f"/assignments/{9000 + i}",
            },
        )  # fmt: skip
        for i in range(n)
    ]


def key_of(mail: Any) -> str:
    return "".join(str(mail[KEY_HEADER]).split())  # a long header may come back folded


def _keys(session: Session, prefix: str, channel: NotificationChannel) -> set[str]:
    rows = session.exec(
        select(NotificationMessage).where(
            col(NotificationMessage.event_key).startswith(prefix), col(NotificationMessage.channel) == channel
        )
    ).all()
    session.commit()
    return {r.idempotency_key for r in rows}


def test_two_worker_processes_send_each_key_once(db, session, mailbox, webhook, notify_settings) -> None:  # type: ignore[no-untyped-def]
    close_other_work(session)  # the runs also compute the day: keep the demo's deadlines quiet
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    events.enqueue(session, _events(session, "proc", 12, "canbo.hoatham"), settings=notify_settings())
    session.commit()
    email_keys = _keys(session, "proc:", NotificationChannel.email)
    hook_keys = _keys(session, "proc:", NotificationChannel.webhook)
    assert len(email_keys) == len(hook_keys) == 12

    env = _env(db, mailbox, webhook)
    workers = [_start(env), _start(env)]
    outputs = [w.communicate(timeout=180) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    mine = [m for m in mailbox.messages if key_of(m) in email_keys]
    per_key = {k: sum(1 for m in mine if key_of(m) == k) for k in email_keys}
    assert set(per_key.values()) == {1}, (len(mailbox.messages), outputs)  # one SMTP message per key
    assert len({str(m["Message-ID"]) for m in mine}) == 12
    hooks = [h for h in webhook.seen if h.key in hook_keys]
    assert sorted(h.key for h in hooks) == sorted(hook_keys)  # each key posted exactly once
    assert all(h.signature_ok for h in hooks)
    session.expire_all()
    rows = session.exec(
        select(NotificationMessage).where(
            col(NotificationMessage.event_key).startswith("proc:"),
            col(NotificationMessage.channel) != NotificationChannel.inbox,
        )
    ).all()
    assert {r.status for r in rows} == {MessageStatus.sent} and {r.attempts for r in rows} == {1}
    session.commit()


def test_a_worker_killed_between_send_and_record(db, session, mailbox, webhook, notify_settings) -> None:  # type: ignore[no-untyped-def]
    close_other_work(session)
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    set_email(session, "chutich.hoatham", None)  # webhook only: the second kill lands on a webhook call
    settings = notify_settings()
    events.enqueue(session, _events(session, "kill-mail", 1, "canbo.hoatham"), settings=settings)
    events.enqueue(session, _events(session, "kill-hook", 1, "chutich.hoatham"), settings=settings)
    session.commit()
    (mail_key,) = _keys(session, "kill-mail:", NotificationChannel.email)
    (hook_key,) = _keys(session, "kill-hook:", NotificationChannel.webhook)
    crash_env = _env(db, mailbox, webhook, PARSIPAS_TEST_CRASH_AFTER_SEND="1")

    def run(env: dict[str, str]) -> int:
        proc = _start(env)
        proc.communicate(timeout=180)
        return proc.returncode

    def expire_leases() -> None:
        """What time does to a dead worker's claim (the lease is a minute or more): it runs out."""
        session.execute(
            update(NotificationMessage)
            .where(col(NotificationMessage.status) == MessageStatus.sending)
            .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
        session.commit()

    # kill after each send until nothing of ours is left unsent (e-mail first: lower id), then a clean run
    killed = 0
    while killed < 10:
        pending = session.exec(
            select(NotificationMessage).where(
                col(NotificationMessage.idempotency_key).in_([mail_key, hook_key]),
                col(NotificationMessage.status) != MessageStatus.sent,
            )
        ).all()
        session.commit()
        if not pending:
            break
        code = run(crash_env)
        if code == 0:
            break
        assert code == CRASH_EXIT_CODE
        killed += 1
        expire_leases()
    assert killed >= 2  # both of our messages were sent once by a process that died before recording
    assert run(_env(db, mailbox, webhook)) == 0

    # webhook: the same Idempotency-Key reached the receiver again and was accepted once
    hooks = [h for h in webhook.seen if h.key == hook_key]
    assert len(hooks) == 2 and all(h.signature_ok for h in hooks)
    assert webhook.accepted[hook_key] == 2  # received twice; the receiver's first answer 201, then 200
    assert len({h.payload["idempotency_key"] for h in hooks}) == 1
    # SMTP: the resend is the same message (Message-ID and key header): a recognisable duplicate, never a new one
    mails = [m for m in mailbox.messages if key_of(m) == mail_key]
    assert len(mails) == 2
    assert len({str(m["Message-ID"]) for m in mails}) == 1 and str(mails[0]["Message-ID"]).startswith(
        f"<{mail_key[:40]}@"
    )
    session.expire_all()
    for key in (mail_key, hook_key):
        row = session.exec(
            select(NotificationMessage).where(col(NotificationMessage.idempotency_key) == key)
        ).one()
        assert row.status == MessageStatus.sent and row.attempts == 2 and row.locked_by is None
    session.commit()
