"""Health probes (no authentication) and the Prometheus endpoint.

- ``GET /api/v1/health``: the application and its database (kept for existing monitors).
- ``GET /api/v1/health/live``: the process answers (no I/O): a failing liveness probe means restart it.
- ``GET /api/v1/health/ready``: database reachable, migrations at head, evidence storage writable; 503
  problem+json listing each failed check in ``errors`` otherwise (take the instance out of rotation).
- ``GET /metrics``: Prometheus text format (:mod:`api.observability`), bearer ``PARSIPAS_METRICS_TOKEN``; 404
  while no token is configured, 401 to a missing or wrong token.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import text

from api import __version__
from api.errors import FieldError, Problem, problem_response
from api.observability import check_database, check_storage, metrics_token_ok, render_metrics

router = APIRouter(tags=["health"])
metrics_router = APIRouter()


class Health(BaseModel):
    status: str
    database: str
    version: str


class Live(BaseModel):
    status: str
    version: str


class Ready(BaseModel):
    status: str
    checks: dict[str, str]
    version: str


@router.get(
    "/health",
    response_model=Health,
    operation_id="health-get",
    responses={503: {"model": Health, "description": "Cơ sở dữ liệu không sẵn sàng"}},
)
def health(request: Request) -> JSONResponse:
    """Status of the application and its database (no authentication)."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db, code = "ok", 200
    except Exception:
        db, code = "unavailable", 503
    body = Health(status="ok" if code == 200 else "degraded", database=db, version=__version__)
    return JSONResponse(body.model_dump(), status_code=code)


@router.get("/health/live", response_model=Live, operation_id="health-live")
async def live() -> Live:
    """Liveness: the process is up and serving (no database access)."""
    return Live(status="ok", version=__version__)


_FAILED = {
    "database": ("Không kết nối được cơ sở dữ liệu.", "The database is unreachable."),
    "migrations": (
        "Cơ sở dữ liệu chưa được nâng cấp lên phiên bản mới nhất (chạy parsipas migrate).",
        "Database migrations are not at head (run parsipas migrate).",
    ),
    "storage": ("Kho lưu tài liệu kiểm chứng không ghi được.", "The evidence storage is not writable."),
}


@router.get(
    "/health/ready",
    response_model=Ready,
    operation_id="health-ready",
    responses={503: {"model": Problem, "description": "Chưa sẵn sàng phục vụ / not ready"}},
)
def ready(request: Request) -> Response:
    """Readiness: the database answers, its migrations are at head and the evidence storage takes a write."""
    from api.evidence.router import get_storage

    reachable, migrated = check_database(request.app.state.engine)
    checks = {
        "database": reachable,
        "migrations": migrated,
        "storage": check_storage(lambda: get_storage(request)),
    }
    if all(checks.values()):
        return JSONResponse(
            Ready(status="ok", checks=dict.fromkeys(checks, "ok"), version=__version__).model_dump()
        )
    errors = [
        FieldError(
            field=name, code=f"{name}_not_ready", message=_FAILED[name][0], message_en=_FAILED[name][1]
        )
        for name, ok in checks.items()
        if not ok
    ]
    return problem_response(
        503,
        "not_ready",
        "Chưa sẵn sàng",
        "Máy chủ chưa sẵn sàng phục vụ: " + "; ".join(e.message for e in errors),
        "Not ready: " + ", ".join(str(e.field) for e in errors),
        errors,
        headers={"Cache-Control": "no-store"},
        instance=request.url.path,
    )


@metrics_router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus metrics for the operator's scraper (not part of the API document)."""
    token: str | None = request.app.state.settings.metrics_token
    if not token:
        return problem_response(
            404,
            "http_404",
            "Không tìm thấy",
            "Không tìm thấy địa chỉ yêu cầu.",
            "Not found.",
            instance="/metrics",
        )
    if not metrics_token_ok(token, request.headers.get("authorization")):
        return problem_response(
            401,
            "unauthorized",
            "Chưa đăng nhập",
            "Cần mã truy cập số liệu giám sát (Bearer).",
            "A metrics bearer token is required.",
            headers={"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"},
            instance="/metrics",
        )
    return Response(
        render_metrics(request.app.state.engine),
        media_type="text/plain; version=0.0.4; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )
