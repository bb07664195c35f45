"""Pure ASGI middleware: request ids, the client address (behind trusted proxies only), security headers, and
the access log line and latency metric of every request (:mod:`api.observability`)."""

import ipaddress
import time
import uuid
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.context import client_ip_var, request_id_var
from api.observability import log_request

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", CSP.encode()),
]


REQUEST_ID_KEY = "parsipas.request_id"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``PARSIPAS_TRUSTED_PROXIES`` entries: addresses or networks (``10.0.0.5``, ``10.0.0.0/8``, ``::1``)."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def client_address(peer: str | None, forwarded_for: str | None, networks: tuple[Network, ...]) -> str | None:
    """The client: the TCP peer, unless the peer is a trusted proxy; then the right-most ``X-Forwarded-For`` entry
    that is not itself a trusted proxy (entries left of it were written by the client and prove nothing)."""
    if not peer or not networks or not forwarded_for or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a garbled header from a trusted proxy: fall back to the proxy itself
    return hops[0] if hops else peer


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, trusted_proxies: Iterable[str] = ()) -> None:
        self.app = app
        self.networks = parse_networks(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = (
            incoming if 0 < len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        )
        token = request_id_var.set(rid)
        started = time.perf_counter()
        # Shared by every copy of the scope further in: the route template and the principal land here, and the
        # error handler of last resort (outside this middleware) finds the request id.
        scope.setdefault("state", {})
        scope[REQUEST_ID_KEY] = rid
        client = scope.get("client")
        peer = client[0] if client else None
        if self.networks and peer:
            forwarded = b",".join(v for k, v in scope.get("headers") or [] if k == b"x-forwarded-for")
            address = client_address(peer, forwarded.decode("latin-1"), self.networks)
            if address != peer:
                scope = {**scope, "client": (address, client[1] if client else 0)}
            peer = address
        ip_token = client_ip_var.set(peer)

        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                headers.append((b"x-request-id", rid.encode()))
                message["headers"] = headers
            await send(message)

        failed = True
        try:
            await self.app(scope, receive, send_wrapper)
            failed = False
        finally:
            log_request(scope, rid, status, started, failed=failed)
            request_id_var.reset(token)
            client_ip_var.reset(ip_token)
