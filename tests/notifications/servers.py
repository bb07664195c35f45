"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd) and a webhook receiver."""

import hashlib
import hmac
import json
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

WEBHOOK_SECRET = "webhook-shared-secret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received: one parsed message per DATA, in order."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "451 try later": answer DATA with this instead of 250
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_with:
            return self.refuse_with
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def by_message_id(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.messages)


def start_smtp(mailbox: Mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@dataclass
class Hook:
    method: str
    key: str | None
    signature_ok: bool
    payload: dict[str, Any]


@dataclass
class WebhookReceiver:
    """Accepts each Idempotency-Key once (201), a repeat with 200; ``script`` answers first (e.g. [503])."""

    script: list[int] = field(default_factory=list)
    seen: list[Hook] = field(default_factory=list)
    accepted: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        ts, sig = h.headers.get("X-Parsipas-Timestamp", ""), h.headers.get("X-Parsipas-Signature", "")
        mac = hmac.new(WEBHOOK_SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        key = h.headers.get("Idempotency-Key")
        with self.lock:
            self.seen.append(
                Hook(h.command, key, hmac.compare_digest(sig, "sha256=" + mac), json.loads(body))
            )
            status = self.script.pop(0) if self.script else None
            if status is None:
                first = key is not None and self.accepted[key] == 0
                self.accepted[key or ""] += 1
                status = 201 if first else 200
        h.send_response(status)
        h.send_header("Content-Length", "0")
        h.end_headers()


def start_webhook(receiver: WebhookReceiver) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver.handle(self)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
