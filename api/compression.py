"""gzip for JSON answers, and content ETags with 304 for the large read-only documents.

**Compression** (:class:`JsonCompressionMiddleware`): a response is gzipped only when the client accepts gzip,
its type is JSON (``application/json``, ``application/problem+json``, ``…+json``), it is one complete body of
at least ``MINIMUM_SIZE`` bytes, and it is not a download or a partial answer: no ``Content-Disposition``, no
``Content-Range``/``Range``, no ``Content-Encoding`` already, status not 206/304, not a streamed body. Evidence
downloads, exports (DOCX/XLSX/CSV/YAML) and the SPA's pre-compressed files are therefore never touched. Brotli
is not offered: no kept brotli library is installed. JSON responses carry ``Vary: Accept-Encoding``.

**Content ETags** (:class:`ContentETagMiddleware`): on the routes in ``CONTENT_ETAG_ROUTES`` (the plan appendix
and a framework's tree) a 200 answer gets ``ETag: W/"<sha256 of the body>"`` and ``Cache-Control: private,
no-cache``; a request whose ``If-None-Match`` holds that tag gets ``304 Not Modified`` without the body. The
document is still computed for every request, for its caller, so nothing stale or foreign can be served: what is
saved is the transfer (and the client's parsing). The tag is weak because it names the JSON, whatever its
transfer coding.
"""

import gzip
import hashlib
from collections.abc import Awaitable, Callable
from functools import partial

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.observability import route_template

MINIMUM_SIZE = 1024  # below about one packet compression buys nothing
COMPRESS_LEVEL = 5  # JSON shrinks ~8× at level 5; higher levels cost CPU for a few per cent
THREAD_THRESHOLD = 256 * 1024  # larger bodies are compressed off the event loop
CONTENT_ETAG_ROUTES = frozenset({"/api/v1/plans/{plan_id}/tasks", "/api/v1/frameworks/{framework_id}/nodes"})


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def _is_json(content_type: bytes | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))


def accepts_gzip(accept_encoding: str) -> bool:
    """``Accept-Encoding`` allows gzip (by name or ``*``) with a non-zero weight."""
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        weights[name.strip()] = q
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


async def _replay(send: Send, start: Message, body: bytes) -> None:
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


class JsonCompressionMiddleware:
    def __init__(self, app: ASGIApp, minimum_size: int = MINIMUM_SIZE, level: int = COMPRESS_LEVEL) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.level = level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "HEAD":
            await self.app(scope, receive, send)
            return
        request_headers = scope.get("headers") or []
        if _header(request_headers, b"range") is not None or not accepts_gzip(
            (_header(request_headers, b"accept-encoding") or b"").decode("latin-1")
        ):
            await self.app(scope, receive, self._vary_only(send))
            return
        state: dict[str, object] = {"start": None, "passthrough": False}

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not self._eligible(int(message["status"]), headers):
                    state["passthrough"] = True
                    await send(message)
                    return
                headers.append((b"vary", b"Accept-Encoding"))
                state["start"] = {**message, "headers": headers}
                return
            if message["type"] != "http.response.body" or state["passthrough"]:
                await send(message)
                return
            start = state["start"]
            assert isinstance(start, dict)
            if message.get("more_body", False):
                # A streamed JSON body: sent as it comes, uncompressed (only one-piece bodies are compressed).
                state["passthrough"] = True
                await send(start)
                await send(message)
                return
            body = message.get("body", b"")
            if len(body) < self.minimum_size:
                await _replay(send, start, body)
                return
            packed = await self._compress(body)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers += [(b"content-encoding", b"gzip"), (b"content-length", str(len(packed)).encode())]
            await _replay(send, {**start, "headers": headers}, packed)

        await self.app(scope, receive, wrapped)

    def _vary_only(self, send: Send) -> Callable[[Message], Awaitable[None]]:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if self._eligible(int(message["status"]), headers):
                    message = {**message, "headers": [*headers, (b"vary", b"Accept-Encoding")]}
            await send(message)

        return wrapped

    @staticmethod
    def _eligible(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
        if status in (204, 206, 304) or status < 200:
            return False
        names = {k.lower() for k, _ in headers}
        if names & {b"content-encoding", b"content-disposition", b"content-range"}:
            return False
        return _is_json(_header(headers, b"content-type"))

    async def _compress(self, body: bytes) -> bytes:
        if len(body) >= THREAD_THRESHOLD:
            return await anyio.to_thread.run_sync(partial(gzip.compress, body, self.level, mtime=0))
        return gzip.compress(body, self.level, mtime=0)


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


class ContentETagMiddleware:
    """Weak content ETags and 304 on the routes of ``CONTENT_ETAG_ROUTES`` (see the module docstring)."""

    def __init__(self, app: ASGIApp, routes: frozenset[str] = CONTENT_ETAG_ROUTES) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        if_none_match = (_header(scope.get("headers") or [], b"if-none-match") or b"").decode("latin-1")
        held: dict[str, object] = {"start": None, "passthrough": False, "chunks": []}

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if (
                    int(message["status"]) != 200
                    or route_template(scope) not in self.routes
                    or _header(headers, b"etag") is not None
                ):
                    held["passthrough"] = True
                    await send(message)
                else:
                    held["start"] = message
                return
            if message["type"] != "http.response.body" or held["passthrough"]:
                await send(message)
                return
            chunks = held["chunks"]
            assert isinstance(chunks, list)
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            start = held["start"]
            assert isinstance(start, dict)
            body = b"".join(chunks)
            tag = f'W/"{hashlib.sha256(body).hexdigest()[:40]}"'
            keep = [
                (k, v)
                for k, v in start["headers"]
                if k.lower() not in (b"etag", b"cache-control", b"content-length")
            ]
            extra = [(b"etag", tag.encode()), (b"cache-control", b"private, no-cache")]
            if if_none_match and (
                if_none_match.strip() == "*" or tag.removeprefix("W/") in _tags(if_none_match)
            ):
                not_modified = [(k, v) for k, v in keep if k.lower() != b"content-type"]
                await _replay(send, {**start, "status": 304, "headers": not_modified + extra}, b"")
                return
            headers = [*keep, *extra, (b"content-length", str(len(body)).encode())]
            await _replay(send, {**start, "headers": headers}, body)

        await self.app(scope, receive, wrapped)
