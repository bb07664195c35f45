"""Request bodies at the edge, before any route runs: size limits and the text policy (:mod:`api.text`).

Every route except the uploads has its body read here, counting bytes as they arrive (``Content-Length`` is
believed only to refuse early; a chunked body is cut off at the limit): a larger body is a 413 problem+json and
the rest is never read. Limits: ``PARSIPAS_AUTH_MAX_BODY_KB`` for ``/api/v1/auth/…`` and ``/api/v1/public/…`` (no one is logged in),
``PARSIPAS_MAX_BODY_KB`` for the rest. The upload routes — those whose body is ``multipart/form-data`` (evidence,
imports, framework files, report templates) — stream their own bodies under their own caps
(``PARSIPAS_MAX_UPLOAD_MB``, ``PARSIPAS_IMPORT_MAX_MB``) and are passed through untouched.

A JSON body (or a body sent without a type, which FastAPI reads as JSON) is then parsed once with its nesting
bounded, every string in it (keys too) checked against the text policy and normalised to NFC; the route receives
the normalised body. A refused string is a 422 naming its field (``narrative.ket_qua``, ``items.3.name``). Query
strings and the path are checked the same way (they are not rewritten).

``HEAD`` is answered as ``GET`` without the body (RFC 9110 §9.3.2) on every route: FastAPI's routes declare GET
alone, so the request is passed further in as GET and the body of the answer is dropped here; the middlewares
outside still see HEAD (the access log says HEAD; no gzip, no content ETag). A 405 names in ``Allow`` every method
some route takes at that path (Starlette names only the first route's), with HEAD wherever GET is.
"""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import text
from api.errors import FieldError, problem_response

MAX_JSON_DEPTH = 64
AUTH_PREFIX = "/api/v1/auth/"
PUBLIC_PREFIX = "/api/v1/public/"  # the public survey form: small bodies too

UploadMatcher = Callable[[str, str], bool]


def upload_matcher(app: Any) -> UploadMatcher:
    """``(method, path) → is an upload route``, built on first use from the app's routes: a route is an upload
    when its documented or declared body is ``multipart/form-data``."""
    patterns: list[tuple[set[str], re.Pattern[str]]] | None = None

    def build() -> list[tuple[set[str], re.Pattern[str]]]:
        from fastapi.routing import APIRoute, iter_route_contexts

        found = []
        for ctx in iter_route_contexts(app.routes):
            route = ctx.original_route
            if not isinstance(route, APIRoute) or ctx.path is None:
                continue
            documented = (route.openapi_extra or {}).get("requestBody", {}).get("content", {})
            info = type(route.body_field.field_info).__name__ if route.body_field is not None else ""
            if "multipart/form-data" in documented or info in ("File", "Form"):
                found.append((set(ctx.methods or ()), compile_path(ctx.path)[0]))
        return found

    def matches(method: str, path: str) -> bool:
        nonlocal patterns
        if patterns is None:
            patterns = build()
        return any(method in methods and regex.match(path) for methods, regex in patterns)

    return matches


class _TooDeep(Exception):
    pass


def _walk(data: Any) -> Iterator[tuple[str, str, Any, Any]]:
    """Every string of a JSON value as ``(field path, string, container, key)``, iteratively; raises
    :class:`_TooDeep` past ``MAX_JSON_DEPTH``."""
    stack: list[tuple[str, Any, Any, Any, int]] = [("", data, None, None, 0)]
    while stack:
        path, value, parent, key, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _TooDeep
        if isinstance(value, str):
            yield path, value, parent, key
        elif isinstance(value, dict):
            for k, v in list(value.items()):
                sub = f"{path}.{k}" if path else str(k)
                yield sub, k, value, _KEY
                stack.append((sub, v, value, k, depth + 1))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                stack.append((f"{path}.{i}" if path else str(i), v, value, i, depth + 1))


_KEY = object()  # marks a dict key in _walk's output


def _refusal(errors: list[FieldError], path: str) -> Any:
    return problem_response(
        422,
        "invalid_text",
        "Dữ liệu không hợp lệ",
        "Có giá trị chứa ký tự không được phép; xem danh sách lỗi theo từng trường.",
        "A value holds a character that is not allowed; see the field errors.",
        errors,
        instance=path,
    )


def _field_error(field: str, problem: text.TextProblem) -> FieldError:
    return FieldError(field=field, code=problem.code, message=problem.message, message_en=problem.message_en)


def check_query_and_path(scope: Scope) -> list[FieldError]:
    errors = []
    if problem := text.problem(scope.get("path", "")):
        errors.append(_field_error("path", problem))
    raw = scope.get("query_string", b"")
    if raw:
        # Bytes that are not UTF-8 (raw or percent-encoded, e.g. a lone surrogate's %ED%A0%80) become lone
        # surrogates here, which the policy refuses, rather than U+FFFD silently put in their place.
        query = raw.decode("utf-8", "surrogateescape")
        for k, v in parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="surrogateescape"):
            if (problem := text.problem(k) or text.problem(v)) is not None:
                errors.append(_field_error(k, problem))
    return errors


def police_json(body: bytes) -> tuple[bytes, list[FieldError]]:
    """The body with every string in NFC, or the field errors that refuse it. Undecodable JSON is left to
    the route (its own 422/400 with the usual message)."""
    too_deep = [
        FieldError(
            field="body",
            code="json_too_deep",
            message=f"Nội dung JSON lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp).",
            message_en=f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.",
        )
    ]
    try:
        data = json.loads(body)
        strings = list(_walk(data))
    except (RecursionError, _TooDeep):
        return body, too_deep
    except ValueError:
        return body, []
    errors: list[FieldError] = []
    changed = False
    for field, value, parent, key in strings:
        if (problem := text.problem(value)) is not None:
            errors.append(_field_error(field, problem))
            continue
        normal = text.normalise(value)
        if normal != value:
            changed = True
            if key is _KEY:
                parent[normal] = parent.pop(value)
            elif isinstance(parent, dict) and key not in parent:  # its key was renormalised just before
                parent[text.normalise(key)] = normal
            else:
                parent[key] = normal
    if errors or not changed:
        return body, errors
    return json.dumps(data, ensure_ascii=False).encode(), []


def _is_json(headers: dict[bytes, bytes]) -> bool:
    ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return not ctype or ctype == b"application/json" or ctype.endswith(b"+json")


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, max_body: int, auth_max_body: int, is_upload: UploadMatcher) -> None:
        self.app = app
        self.max_body = max_body
        self.auth_max_body = auth_max_body
        self.is_upload = is_upload
        # every route's methods and path pattern, for Allow: built on the first 405
        self._routes: list[tuple[frozenset[str], re.Pattern[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if errors := check_query_and_path(scope):
            await _refusal(errors, path.encode("ascii", "backslashreplace").decode())(scope, receive, send)
            return
        method: str = scope.get("method", "GET")
        if method == "HEAD":
            method = "GET"
            scope = {**scope, "method": method}
            send = _headers_only(send)
        send = self._full_allow(scope, send)
        if self.is_upload(method, path):
            await self.app(scope, receive, send)
            return
        limit = self.auth_max_body if path.startswith((AUTH_PREFIX, PUBLIC_PREFIX)) else self.max_body
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit, path)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(limit, path)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and _is_json(headers):
            new_body, errors = police_json(body)
            if errors:
                await _refusal(errors, path)(scope, receive, send)
                return
            if new_body is not body:
                body = new_body
                scope = dict(scope)
                scope["headers"] = [
                    (k, str(len(body)).encode() if k == b"content-length" else v)
                    for k, v in scope.get("headers") or []
                ]
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _full_allow(self, scope: Scope, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = self._methods_at(scope)
                if allowed:
                    value = ", ".join(sorted(allowed)).encode()
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                    message = {**message, "headers": [*headers, (b"allow", value)]}
            await send(message)

        return wrapped

    def _methods_at(self, scope: Scope) -> set[str]:
        """Every method a route of the app takes at the request's path (HEAD wherever GET is)."""
        if self._routes is None:
            from fastapi.routing import iter_route_contexts

            app = scope.get("app")
            found = []
            for ctx in iter_route_contexts(getattr(app, "routes", [])):
                if ctx.path is not None and ctx.methods:
                    found.append((frozenset(ctx.methods), compile_path(ctx.path)[0]))
            self._routes = found
        path = scope.get("path", "")
        allowed = {m for methods, regex in self._routes if regex.match(path) for m in methods}
        if "GET" in allowed:
            allowed.add("HEAD")
        return allowed


def _headers_only(send: Send) -> Send:
    """``send`` for a HEAD answered as GET: the status and headers (``Content-Length`` included), no body."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return wrapped


def _too_large(limit: int, path: str) -> Any:
    kb = max(1, limit // 1024)
    return problem_response(
        413,
        "payload_too_large",
        "Nội dung quá lớn",
        f"Nội dung gửi lên vượt quá giới hạn {kb} KB cho địa chỉ này.",
        f"The request body exceeds the {kb} KB limit of this endpoint.",
        instance=path,
    )
