"""``create_app()``: routers, error handlers, middleware, the SPA and stable operation ids."""

import mimetypes
import re
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.convertors import PathConvertor, register_url_convertor

from api import __version__
from api.audit.router import router as audit_router
from api.auth.deps import get_principal
from api.auth.router import public_router as auth_public_router
from api.auth.router import router as auth_router
from api.auth.tokens_router import router as tokens_router
from api.compression import ContentETagMiddleware, JsonCompressionMiddleware
from api.config import Settings, get_settings
from api.db import get_engine
from api.edge import EdgeMiddleware, upload_matcher
from api.errors import Problem, install_error_handlers, problem_response
from api.health import metrics_router
from api.health import router as health_router
from api.middleware import CSP, RequestContextMiddleware
from api.observability import record_route
from api.org_units.router import router as org_units_router
from api.routing_index import index_routes
from api.users.router import router as users_router

API_PREFIX = "/api/v1"
API_DESCRIPTION = """
**Văn bản / text.** Mọi chuỗi gửi lên (JSON, tham số truy vấn, ô của tệp nhập) được chuẩn hóa Unicode NFC. Chuỗi có
ký tự điều khiển C0/C1 (trừ tab, xuống dòng, CR), ký tự không hợp lệ trong XML (U+FFFE, U+FFFF, surrogate lẻ) hoặc
ký tự điều khiển chiều văn bản (U+202A–U+202E, U+2066–U+2069) bị **từ chối** (422, lỗi theo trường `invalid_text`),
không bị xóa âm thầm. Every string sent (JSON, query parameters, import cells) is normalised to NFC; a string holding
a C0/C1 control other than tab/LF/CR, a non-XML character or a bidi override/isolate is refused with a field error
(422 `invalid_text`), never silently stripped. Exports drop such characters from older rows.

**Kích thước / sizes.** JSON bodies: `PARSIPAS_MAX_BODY_KB` (default 1024 KB), `/auth/…`: `PARSIPAS_AUTH_MAX_BODY_KB`
(16 KB), nesting ≤ 64 levels; larger → 413 problem+json. Uploads (multipart): their own caps.
"""
ROOT = Path(__file__).resolve().parent.parent

PROTECTED_ROUTERS: list[APIRouter] = [
    auth_router,
    org_units_router,
    users_router,
    tokens_router,
    audit_router,
]


def _optional_routers() -> list[APIRouter]:
    """Domain routers registered here as they are built."""
    routers: list[APIRouter] = []
    import importlib

    for module in (
        "api.frameworks.router",
        "api.plans.router",
        "api.assignments.work_router",  # /assignments/work before /assignments/{id}
        "api.assignments.router",
        "api.evidence.router",
        "api.dashboards.router",
        "api.reports.router",
        "api.portal.router",
        "api.imports.router",
        "api.scoring.results_router",
        "api.scoring.router",
        "api.scoring.exports_router",
        "api.notifications.router",
        "api.activities.router",  # CCHC activities: inspections, outreach, accountability (issue 16)
        "api.reports.outline_router",  # report outlines and indicator values (issue 16)
        "api.surveys.router",  # SIPAS survey: definitions, desks, paper entry, results (issue 20)
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        routers.extend(getattr(mod, "routers", [mod.router]))
    return routers


def _public_routers() -> list[APIRouter]:
    """Routers that take no login (the public survey form): each carries its own limits."""
    import importlib

    try:
        mod = importlib.import_module("api.surveys.public_router")
    except ModuleNotFoundError as exc:
        if exc.name and "api.surveys.public_router".startswith(exc.name):
            return []
        raise
    return list(getattr(mod, "routers", [mod.router]))


def _operation_id(route: APIRoute) -> str:
    if route.operation_id:
        return route.operation_id
    tag = route.tags[0] if route.tags else "api"
    return f"{tag}-{route.name}"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.effective_secret()  # refuse to start with a placeholder secret outside dev/demo
    app = FastAPI(
        title="parsipas",
        summary="Theo dõi kế hoạch nâng cao PAR INDEX và SIPAS / PAR INDEX & SIPAS improvement plans",
        description=API_DESCRIPTION,
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        responses={422: {"model": Problem, "description": "Dữ liệu không hợp lệ"}},
        dependencies=[Depends(record_route)],  # route template for the access log and metrics
    )
    app.state.settings = settings
    app.state.engine = engine or get_engine(settings.database_url)

    install_error_handlers(app)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        return problem_response(
            412,
            "precondition_failed",
            "Dữ liệu đã thay đổi",
            "Bản ghi đã được người khác cập nhật cùng lúc. Hãy tải lại rồi sửa tiếp.",
            "Concurrent update detected.",
            instance=request.url.path,
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        return problem_response(
            409,
            "conflict",
            "Xung đột dữ liệu",
            "Dữ liệu trùng hoặc mâu thuẫn với dữ liệu đã có (có thể do gửi hai lần cùng lúc).",
            "Integrity conflict (duplicate or concurrent request).",
            instance=request.url.path,
        )

    # Every router is included in the app itself (one level): FastAPI matches a request by walking the included
    # routers, and each level walks its whole subtree again to hand the request down, so nesting ``/api/v1`` and
    # the protected group as routers of their own cost three walks over ~200 routes per request.
    for r in [health_router, auth_public_router, *_public_routers()]:
        app.include_router(r, prefix=API_PREFIX)
    protected_responses: dict[int | str, dict[str, Any]] = {
        401: {"model": Problem, "description": "Chưa đăng nhập"},
        403: {"model": Problem, "description": "Không có quyền"},
        404: {"model": Problem, "description": "Không tìm thấy"},
    }
    for r in [*PROTECTED_ROUTERS, *_optional_routers()]:
        app.include_router(
            r, prefix=API_PREFIX, dependencies=[Depends(get_principal)], responses=protected_responses
        )
    app.include_router(metrics_router)  # /metrics, before the SPA's catch-all

    app.add_middleware(
        EdgeMiddleware,
        max_body=settings.max_body_kb * 1024,
        auth_max_body=settings.auth_max_body_kb * 1024,
        is_upload=upload_matcher(app),
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "X-Request-ID"],
        )
    app.add_middleware(ContentETagMiddleware)  # 304 on the plan appendix and framework trees
    app.add_middleware(JsonCompressionMiddleware)  # gzip JSON; never downloads or ranges
    app.add_middleware(RequestContextMiddleware, trusted_proxies=settings.trusted_proxies)
    _mount_docs_and_spa(app, settings)
    _document_errors(app)
    _freeze_routes(app.router)
    index_routes(app.router.routes)
    return app


def _freeze_routes(router: APIRouter) -> None:
    """FastAPI 0.165 includes routers lazily: at every request each included router on the way asks the whole tree
    below it whether routes were added since it last looked (``APIRouter._get_routes_version``: ~150 calls for
    ``/me``, about 15 % of its time in process). This app adds no route once built, so each router's answer is
    computed once here and kept (its own routes and any later include still change it: FastAPI bumps
    ``_routes_version`` on those, which the kept answer ignores — so nothing may be added after ``create_app``).
    Without that private method (another FastAPI version) nothing is changed."""
    if not hasattr(router, "_get_routes_version"):
        return
    included = [
        r.original_router
        for r in router.routes
        if hasattr(r, "original_router") and isinstance(r.original_router, APIRouter)
    ]
    for child in included:
        _freeze_routes(child)
    version = router._get_routes_version()
    router._get_routes_version = lambda seen=None: version  # type: ignore[method-assign]


_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_WRITE_ERRORS = {
    "409": "Xung đột dữ liệu (trùng hoặc gửi hai lần cùng lúc) / conflict",
    "412": "Dữ liệu đã thay đổi (ETag cũ) / stale ETag or concurrent update",
}
_IF_MATCH_ERROR = {"428": "Thiếu If-Match / If-Match required"}


def _document_errors(app: FastAPI) -> None:
    """Make the OpenAPI document say what the error handlers do: every 4xx/5xx is ``application/problem+json``
    with the ``Problem`` schema; a request body may be unreadable (400), an upload too large or of a refused type
    (413/415); writes may answer 409 (integrity) and 412 (stale version, raised for any versioned row); edits and
    state transitions (PATCH/PUT/DELETE, POST on an object) may answer 428."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for path, item in schema.get("paths", {}).items():
            for method, op in item.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                responses: dict[str, Any] = op["responses"]
                body_types = op.get("requestBody", {}).get("content", {})
                if body_types:
                    responses.setdefault(
                        "400", {"description": "Không đọc được nội dung gửi lên / unreadable body"}
                    )
                if "multipart/form-data" in body_types:
                    responses.setdefault("413", {"description": "Tệp quá lớn / payload too large"})
                    responses.setdefault(
                        "415", {"description": "Loại tệp không được phép / unsupported type"}
                    )
                if method in ("post", "put", "patch", "delete") and "401" in responses:
                    for code, text in _WRITE_ERRORS.items():
                        responses.setdefault(code, {"description": text})
                    if method != "post" or "{" in path:
                        for code, text in _IF_MATCH_ERROR.items():
                            responses.setdefault(code, {"description": text})
                for code, resp in responses.items():
                    _binary_schemas(resp)
                    if not code.isdigit() or int(code) < 400:
                        continue
                    content = resp.get("content") or {}
                    body = content.get("application/json", {}).get("schema")
                    if not content or body == _PROBLEM_REF or "HTTPValidationError" in str(body):
                        resp["content"] = {"application/problem+json": {"schema": dict(_PROBLEM_REF)}}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _binary_schemas(response: dict[str, Any]) -> None:
    """A file answer (DOCX, XLSX, PDF, CSV…) documented without a schema gets ``{type: string, format: binary}``,
    so that generated clients return its bytes instead of dropping the response."""
    for media_type, media in (response.get("content") or {}).items():
        if "json" not in media_type and isinstance(media, dict) and not media.get("schema"):
            media["schema"] = {"type": "string", "format": "binary"}


def _mount_docs_and_spa(app: FastAPI, settings: Settings) -> None:
    dist = settings.frontend_dist or ROOT / "frontend" / "dist"

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title="parsipas API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/favicon.svg",
        )
        # Swagger UI starts from one inline script: that script alone runs, by a nonce new on every response.
        nonce = secrets.token_urlsafe(18)
        html = bytes(page.body).decode().replace("<script>", f'<script nonce="{nonce}">')
        csp = CSP.replace("script-src 'self'", f"script-src 'self' 'nonce-{nonce}'")
        return HTMLResponse(html, headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})

    # Every path outside /api: /api/… never reaches this route (see _SpaPath), so the router answers there as for
    # any path: 405 with Allow when a route has the path under other methods, else a problem+json 404.
    @app.api_route("/{full_path:spa}", methods=["GET", "HEAD"], include_in_schema=False)
    def spa(full_path: str, request: Request) -> Any:
        root = dist.resolve()
        candidate = (root / full_path).resolve()
        found = bool(full_path) and candidate.is_file() and candidate.is_relative_to(root)
        # a missing /assets/… file (a hashed chunk of an older build, after a deployment): a JSON 404, not the HTML
        # shell under a script's URL (the page reloads itself, see frontend/src/main.tsx)
        if full_path.startswith("assets/") and not found:
            return problem_response(
                404,
                "http_404",
                "Không tìm thấy",
                "Không tìm thấy địa chỉ yêu cầu.",
                "Not found.",
                instance="/" + full_path,
            )
        if found:
            cache = "public, max-age=31536000, immutable" if "/assets/" in f"/{full_path}" else "no-cache"
            return _static(request, candidate, cache)
        # the public survey form behind a desk's QR code (issue 20): its own small page, no login; the browser
        # fetches the desk's form (JSON) at once, alongside the page's script, instead of after it has run
        desk = full_path.removeprefix("khao-sat/") if full_path.startswith("khao-sat/") else None
        index = root / ("survey.html" if desk is not None else "index.html")
        if index.is_file():
            response = _static(request, index, "no-cache")
            if desk and _DESK_TOKEN.fullmatch(desk):
                response.headers["Link"] = (
                    f"<{API_PREFIX}/public/survey/{desk}>; rel=preload; as=fetch; crossorigin"
                )
            return response
        return HTMLResponse(_PLACEHOLDER, headers={"Cache-Control": "no-cache"})


_DESK_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,120}")


class _SpaPath(PathConvertor):
    """``{…:spa}``: any path (``:path``) except ``api`` and ``api/…``. The SPA's catch-all matching those took every
    GET or HEAD there for itself: a POST-only address read with GET answered 404 instead of 405, and an unknown
    address under any other method 405 instead of 404."""

    regex = r"(?!api(?:/|$)).*"


register_url_convertor("spa", _SpaPath())


def _accepts(request: Request, coding: str) -> bool:
    """Whether ``Accept-Encoding`` allows ``coding`` (by name, else by ``*``) with a non-zero ``q``."""
    weights: dict[str, float] = {}
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        name, _, params = part.strip().partition(";")
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        weights[name.strip()] = q
    return weights.get(coding, weights.get("*", 0.0)) > 0


def _static(request: Request, path: Path, cache: str) -> Response:
    """Serve a built file, or its pre-compressed sibling (made at build time by ``frontend/scripts/compress.mjs``):
    ``.br`` when the client accepts brotli, else ``.gz`` when it accepts gzip. Answers 304 to a matching
    ``If-None-Match`` (index.html is ``no-cache``: revalidated on every load, re-sent only when a build changed it)."""
    headers = {"Cache-Control": cache, "Vary": "Accept-Encoding"}
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    chosen = path
    for coding, suffix in (("br", ".br"), ("gzip", ".gz")):
        packed = path.with_name(path.name + suffix)
        if packed.is_file() and _accepts(request, coding):
            chosen, headers["Content-Encoding"] = packed, coding
            break
    response = FileResponse(chosen, media_type=media_type, headers=headers, stat_result=chosen.stat())
    etag = response.headers["etag"]
    if etag in {t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")}:
        keep = {"etag": etag, "cache-control": cache, "vary": "Accept-Encoding"}
        return Response(status_code=304, headers=keep)
    return response


_PLACEHOLDER = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>parsipas</title></head>
<body><h1>parsipas</h1><p>Giao diện web chưa được xây dựng (chạy <code>make run</code>).
Tài liệu API: <a href="/api/docs">/api/docs</a>.</p>
<p lang="en">The web app is not built yet. API reference: <a href="/api/docs">/api/docs</a>.</p></body></html>"""
