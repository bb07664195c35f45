"""``parsipas notify --once`` for cron, and the notification backlog on ``/metrics``."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.config import get_settings
from api.models import MessageStatus, NotificationChannel, NotificationMessage
from api.notifications import events
from tests.notifications.factories import close_other_work, set_email
from tests.notifications.test_delivery import _event


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def apply(**values: object) -> None:
        for k, v in values.items():
            monkeypatch.setenv(f"PARSIPAS_{k.upper()}", str(v))
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


def test_notify_once_sends_what_is_due(db, session: Session, mailbox, webhook, notify_settings, env) -> None:  # type: ignore[no-untyped-def]
    from api.cli import app

    settings = notify_settings()
    close_other_work(session)  # the run also computes the day's deadlines: keep the demo's quiet
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    events.enqueue(session, [_event(session, "canbo.hoatham")], settings=settings)
    session.commit()
    env(
        database_url=str(db.url.render_as_string(hide_password=False)),
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,
        smtp_security="none",
        notify_webhook_url=webhook.url,
        notify_webhook_secret="webhook-shared-secret-for-tests",
    )
    result = CliRunner().invoke(app, ["notify", "--once"])
    assert result.exit_code == 0, result.output
    assert "Đã tính 0 thông báo" in result.output and "xử lý 2 lượt gửi" in result.output
    assert len(mailbox.messages) == 1 and len(webhook.seen) == 1 and webhook.seen[0].signature_ok
    rows = session.exec(
        select(NotificationMessage).where(col(NotificationMessage.channel) != NotificationChannel.inbox)
    ).all()
    assert {r.status for r in rows} == {MessageStatus.sent}
    session.commit()


def test_notify_once_says_which_channels_are_off(db, session: Session, env) -> None:  # type: ignore[no-untyped-def]
    from api.cli import app

    close_other_work(session)
    env(database_url=str(db.url.render_as_string(hide_password=False)))
    result = CliRunner().invoke(app, ["notify", "--once"])
    assert result.exit_code == 0, result.output
    assert "Kênh thư điện tử đang tắt" in result.output and "Webhook đang tắt" in result.output


def test_backlog_on_metrics(db, session: Session, notify_settings) -> None:  # type: ignore[no-untyped-def]
    from api.main import create_app

    settings = notify_settings(smtp_host=None)
    events.enqueue(
        session, [_event(session, "canbo.hoatham"), _event(session, "chutich.hoatham", 1)], settings=settings
    )
    session.commit()
    token = "metrics-token-for-the-notification-test-0123456789"
    with TestClient(create_app(settings.model_copy(update={"metrics_token": token}), db)) as c:
        body = c.get("/metrics", headers={"Authorization": f"Bearer {token}"}).text
    assert (
        'parsipas_outbox_depth{outbox="notification"} 2.0' in body
    )  # two webhook calls; inbox rows are not a backlog
