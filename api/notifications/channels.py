"""The two outbound channels: e-mail over SMTP (smtplib) and a signed webhook (like the portal delivery).

Both return the portal worker's :class:`~api.portal.worker.Outcome` and never raise for network or server errors.

**What "exactly once" means per channel.** The worker claims a message, sends it, then records the outcome
(``api.notifications.worker``). A crash after the send and before the record leaves a claim whose lease expires;
the message is then sent again, with the same idempotency key. So:

- *Webhook*: every attempt carries ``Idempotency-Key: <key>`` (and the HMAC signature over timestamp + body): the
  receiver drops the repeat, so the effect is exactly once end to end, as for the portal.
- *SMTP* has no idempotency in the protocol: a server that accepted the first copy cannot refuse the second. The
  guarantee is *at most one send per claim* (two workers never send the same key concurrently) and, after a crash
  in the window between the server's ``250`` and our commit, a resend that is **recognisable**: its ``Message-ID``
  is derived from the key (its first 40 hex digits, ``<…@parsipas>``), the same on every attempt, and carried again in
  ``X-Parsipas-Idempotency-Key``; mail stores and clients that deduplicate on Message-ID show it once. That window
  is the only way a second copy can exist. Nothing on our side can close it: the 250 and our commit cannot be one
  atomic step, and skipping the resend would lose the mail when the crash came *before* the 250 — so SMTP is at
  least once, with a recognisable duplicate, and exactly once whenever no worker dies in that window.

``tests/notifications/test_processes.py`` shows both with real processes: two ``parsipas notify --once`` at once
(one message per key at the SMTP server, one POST per key at the webhook) and a worker killed between send and
record (``PARSIPAS_TEST_CRASH_AFTER_SEND``, honoured only with ``PARSIPAS_ENV=test``), then another taking over.
"""

import json
import smtplib
import ssl
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import httpx

from api.config import Settings
from api.notifications.templates import Rendered
from api.portal.worker import RETRYABLE_4XX, SIGNATURE_HEADER, TIMESTAMP_HEADER, Outcome, sign

KEY_HEADER = "X-Parsipas-Idempotency-Key"


def message_id(key: str) -> str:
    return f"<{key[:40]}@parsipas>"  # 160 bits of the key: short enough never to be folded


def build_email(settings: Settings, *, to: str, rendered: Rendered, key: str) -> EmailMessage:
    """A multipart/alternative message (plain text + HTML, UTF-8; the subject RFC 2047-encoded)."""
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = settings.smtp_from
    msg["To"] = to
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id(key)
    msg[KEY_HEADER] = key
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(rendered.text, charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return msg


def send_email(settings: Settings, msg: EmailMessage) -> Outcome:
    """One SMTP transaction (SSL, STARTTLS or plain, with login when a user name is set)."""
    started = time.perf_counter()

    def elapsed() -> int:
        return int((time.perf_counter() - started) * 1000)

    host, port, timeout = settings.smtp_host or "", settings.smtp_port, settings.smtp_timeout_seconds
    try:
        client: smtplib.SMTP
        if settings.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                client.login(settings.smtp_username, settings.smtp_password or "")
            client.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        permanent = all(code >= 500 for code in codes)
        return Outcome(False, not permanent, codes[0] if codes else None, f"SMTP: {exc}"[:1000], elapsed())
    except smtplib.SMTPResponseException as exc:
        error = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:1000]
        return Outcome(False, exc.smtp_code < 500, exc.smtp_code, error, elapsed())
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(
            False, True, None, f"Lỗi kết nối SMTP / SMTP error: {type(exc).__name__}: {exc}"[:1000], elapsed()
        )
    return Outcome(True, False, 250, None, elapsed())


def webhook_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def send_webhook(client: httpx.Client, settings: Settings, *, payload: dict[str, Any], key: str) -> Outcome:
    """POST the message as JSON with ``Idempotency-Key`` and the portal's HMAC signature headers."""
    started = time.perf_counter()
    body = webhook_body(payload)
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key}
    if settings.notify_webhook_secret:
        timestamp = str(int(time.time()))
        headers[TIMESTAMP_HEADER] = timestamp
        headers[SIGNATURE_HEADER] = sign(settings.notify_webhook_secret, timestamp, body)
    try:
        response = client.post(settings.notify_webhook_url or "", content=body, headers=headers)
    except httpx.HTTPError as exc:
        error = f"Lỗi kết nối / connection error: {type(exc).__name__}: {exc}"[:1000]
        return Outcome(False, True, error=error, duration_ms=int((time.perf_counter() - started) * 1000))
    code = response.status_code
    elapsed = int((time.perf_counter() - started) * 1000)
    if 200 <= code < 300:
        return Outcome(True, False, code, None, elapsed)
    retryable = code >= 500 or code in RETRYABLE_4XX or 300 <= code < 400
    return Outcome(False, retryable, code, f"HTTP {code}: {response.text[:500]}", elapsed)
