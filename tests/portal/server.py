"""A scripted provincial portal on loopback: a real HTTP server answering from a script, recording everything."""

import hashlib
import hmac
import json
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET = "portal-shared-secret-for-tests"
TOKEN = "portal-token-for-tests"
REDIRECT_PATH = "/elsewhere"


@dataclass
class Seen:
    method: str
    path: str
    key: str | None
    body: bytes
    signature_ok: bool
    authorized: bool
    action: str


@dataclass
class ScriptedPortal:
    """Answers in order from ``script`` (then ``accept`` forever): ``500``/``503``/``422``… (that status),
    ``timeout`` (sleep past the client's time-out), ``reset`` (RST after reading the request), ``redirect``
    (302 to ``/elsewhere``), ``accept`` (201 once per Idempotency-Key, 200 for a repeat)."""

    script: list[str] = field(default_factory=list)
    sleep_seconds: float = 2.0
    accept_delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)
    accepted: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def _next(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "accept"

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        key = h.headers.get("Idempotency-Key")
        ts, sig = h.headers.get("X-Parsipas-Timestamp", ""), h.headers.get("X-Parsipas-Signature", "")
        expected = (
            "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        action = "redirect-target" if h.path == REDIRECT_PATH else self._next()
        seen = Seen(
            h.command,
            h.path,
            key,
            body,
            bool(ts) and hmac.compare_digest(sig, expected),
            h.headers.get("Authorization") == f"Bearer {TOKEN}",
            action,
        )
        with self.lock:
            self.seen.append(seen)
        h.close_connection = True
        if action == "timeout":
            time.sleep(self.sleep_seconds)
            self._reply(h, 504, {"error": "too late"})
        elif action == "reset":
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
        elif action == "redirect":
            h.send_response(302)
            h.send_header("Location", self.url.rstrip("/") + REDIRECT_PATH)
            h.send_header("Content-Length", "0")
            h.end_headers()
        elif action == "accept":
            time.sleep(self.accept_delay)
            with self.lock:
                first = key is not None and self.accepted[key] == 0
                if first:
                    self.accepted[key] += 1
                reference = f"LS-{sum(self.accepted.values())}"
            self._reply(h, 201 if first else 200, {"reference": reference})
        elif action == "redirect-target":
            self._reply(h, 201, {"reference": "wrong-place"})
        else:
            self._reply(h, int(action), {"error": f"scripted {action}"})

    @staticmethod
    def _reply(h: BaseHTTPRequestHandler, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
        except OSError:
            pass  # the client gave up (time-out): nothing to answer to

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


def start(portal: ScriptedPortal) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            portal.handle(self)

        do_PUT = do_POST
        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    portal.url = f"http://127.0.0.1:{server.server_address[1]}/api/cchc/reports"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread
