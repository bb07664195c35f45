"""Fixtures: a real SMTP server and a real webhook receiver on loopback, and settings pointing at them."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from api.config import Settings, get_settings
from tests.notifications.servers import (
    WEBHOOK_SECRET,
    Mailbox,
    WebhookReceiver,
    start_smtp,
    start_webhook,
)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    controller = start_smtp(box)
    box.port = controller.port  # type: ignore[attr-defined]
    yield box
    controller.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    server, thread = start_webhook(receiver)
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def notify_settings(mailbox: Mailbox, webhook: WebhookReceiver) -> Callable[..., Settings]:
    """Settings with both outbound channels on (plain SMTP on loopback), tiny back-offs; override by keyword."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "smtp_host": "127.0.0.1",
            "smtp_port": mailbox.port,  # type: ignore[attr-defined]
            "smtp_security": "none",
            "smtp_timeout_seconds": 5.0,
            "smtp_from": "parsipas Bình Gia <noreply@binhgia.example>",
            "notify_webhook_url": webhook.url,
            "notify_webhook_secret": WEBHOOK_SECRET,
            "notify_links_base_url": "https://parsipas.binhgia.example",
            "portal_backoff_base_seconds": 0.002,
            "portal_backoff_cap_seconds": 0.01,
            "notify_max_attempts": 3,
        }
        values.update(overrides)
        return get_settings().model_copy(update=values)

    return make
