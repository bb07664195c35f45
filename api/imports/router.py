"""HTTP of the imports: ``POST /imports/{kind}``, templates and exports. Rules live in ``service.py``."""

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from api.auth.deps import CurrentPrincipal, require
from api.authz.permissions import Permission
from api.config import Settings, get_settings
from api.db import SessionDep
from api.errors import PROBLEM, Problem, Unprocessable
from api.idempotency import IdempotencyDep
from api.imports import history, service, templates
from api.imports.parsing import Table, read_json, read_upload, too_large
from api.models.import_run import ImportOutcome
from api.pagination import Page, PageDep

router = APIRouter(prefix="/imports", tags=["imports"])
P = Permission
KindParam = Annotated[service.ImportKindName, "import kind"]

_ROW_SCHEMA = {
    "type": "object",
    # anyOf rather than a list of types: client generators (openapi-python-client) understand this form
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "null"},
            {"type": "array", "items": {}},
        ]
    },
    "description": "Một dòng: khóa là tiêu đề cột tiếng Việt hoặc khóa tiếng Anh / one row keyed by column",
}
_BODY = {
    "required": True,
    "content": {
        "application/json": {
            # Documented as objects only, the shape client generators handle (a bare array of rows is accepted
            # too, for older scripts): ``{"items": [row, …]}``, or a framework file for ``frameworks``.
            "schema": {
                "anyOf": [
                    {
                        "type": "object",
                        "title": "ImportRows",
                        "properties": {"items": {"type": "array", "items": _ROW_SCHEMA}},
                        "required": ["items"],
                    },
                    {
                        "type": "object",
                        "title": "FrameworkDocument",
                        "description": "Tệp bộ chỉ số (format_version, framework, nodes)",
                    },
                ],
                "description": "Các dòng cần nhập {items: [...]} (một mảng dòng cũng được nhận) / rows to import",
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


def _check_length(request: Request) -> None:
    """Refuse an oversized body before reading it (the stream is counted too, for chunked uploads)."""
    limit = _settings(request).import_max_mb * 1024 * 1024
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + 64 * 1024:  # multipart envelope allowance
        raise too_large(int(length) / 1024 / 1024, _settings(request).import_max_mb)


async def _read_body(request: Request, limit_mb: int) -> bytes:
    limit = limit_mb * 1024 * 1024 + 64 * 1024
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(size / 1024 / 1024, limit_mb)
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # lets request.form() parse what was already read
    return body


async def _read_table(
    request: Request, settings: Settings, sheet: str | None
) -> tuple[Table, str | None, str | None]:
    """The input as a table, and (for multipart) the sha256 of the uploaded file for Idempotency-Key and its name."""
    ctype = request.headers.get("content-type", "").lower()
    body = await _read_body(request, settings.import_max_mb)
    max_rows = settings.import_max_rows
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise Unprocessable(
                    "Thiếu tệp nhập: gửi tệp trong trường “file” (multipart/form-data).",
                    "Missing the multipart part 'file'.",
                    code="missing_file",
                )
            raw = await upload.read()
            if len(raw) > settings.import_max_mb * 1024 * 1024:
                raise too_large(len(raw) / 1024 / 1024, settings.import_max_mb)
            name, utype = upload.filename or "", upload.content_type or ""
        finally:
            await form.close()
        table = await run_in_threadpool(_parse, name, utype, raw, sheet, max_rows, settings.import_max_cells)
        return table, hashlib.sha256(raw).hexdigest(), name
    if len(body) > settings.import_max_mb * 1024 * 1024:
        raise too_large(len(body) / 1024 / 1024, settings.import_max_mb)
    if "json" in ctype or not ctype:
        ctype = "application/json"
    table = await run_in_threadpool(_parse, "", ctype, body, sheet, max_rows, settings.import_max_cells)
    return table, None, None


def _parse(name: str, ctype: str, raw: bytes, sheet: str | None, max_rows: int, max_cells: int) -> Table:
    with service.gc_paused():
        if ctype == "application/json":
            return read_json(raw, max_rows=max_rows)
        return read_upload(name, ctype, raw, sheet=sheet, max_rows=max_rows, max_cells=max_cells)


def _rejected(result: service.ImportResult, instance: str) -> JSONResponse:
    vi, en = service.rejected_summary(result)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": "Dữ liệu nhập không hợp lệ",
        "status": 422,
        "detail": vi,
        "detail_en": en,
        "code": "import_rejected",
        "instance": instance,
        **result.model_dump(mode="json"),
    }
    return JSONResponse(body, status_code=422, media_type=PROBLEM)


@router.post(
    "/{kind}",
    response_model=service.ImportResult,
    operation_id="imports-run",
    dependencies=[require(P.imports_run)],
    openapi_extra={"requestBody": _BODY},
    responses={
        413: {"model": Problem, "description": "Tệp quá lớn / file too large"},
        422: {"model": Problem, "description": "Lỗi theo dòng, không ghi gì / row errors, nothing written"},
    },
    summary="Nhập dữ liệu hàng loạt / bulk import",
)
async def run_import(
    kind: service.ImportKindName,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
    dry_run: Annotated[bool, Query(description="Chỉ kiểm tra, không ghi / validate only")] = False,
    sheet: Annotated[str | None, Query(max_length=100, description="Trang tính (XLSX) / sheet name")] = None,
    plan_id: Annotated[int | None, Query(description="Kế hoạch nhận nhiệm vụ (kind=tasks)")] = None,
) -> Response:
    """Import rows of ``kind`` from a JSON body or a multipart ``file`` (CSV, XLSX, or a framework YAML/JSON).

    All rows or none: with any row error the answer is 422 listing every error (row as seen in the sheet,
    header = row 1) and nothing is written. ``dry_run=true`` validates and reports the counts only.
    """
    _check_length(request)
    settings = _settings(request)
    kind_obj = service.get_kind(kind.value)
    await run_in_threadpool(service.check_allowed, principal, kind_obj)
    table, file_hash, file_name = await _read_table(request, settings, sheet)
    if file_hash:
        idem.add_fingerprint(file_hash)

    def work() -> Response:
        if (replayed := idem.replay(session, principal.key)) is not None:
            return replayed
        try:
            result = service.run_import(
                session,
                principal,
                kind=kind_obj,
                table=table,
                settings=settings,
                dry_run=dry_run,
                params={"plan_id": plan_id},
            )
        except service.ImportRejected as exc:
            session.rollback()
            _history(exc.result, ImportOutcome.rejected)
            return _rejected(exc.result, request.url.path)
        if dry_run:
            session.rollback()
        _history(result, ImportOutcome.succeeded)
        return idem.respond(session, principal.key, result, 200)

    def _history(result: service.ImportResult, outcome: ImportOutcome) -> None:
        # after the rollback of a refused or dry run: the history row is committed with the request either way
        history.record_run(
            session, principal, kind=kind.value, file_name=file_name, result=result, outcome=outcome
        )

    return await run_in_threadpool(work)


@router.get(
    "/history",
    response_model=Page[history.ImportRunRead],
    operation_id="imports-history",
    dependencies=[require(P.imports_run)],
    summary="Lịch sử nhập / import history",
)
def import_history(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    kind: Annotated[service.ImportKindName | None, Query(description="Loại dữ liệu nhập")] = None,
) -> dict[str, Any]:
    """Past import runs of the units in your reach, newest first: who, when, what (kind, file, dry run) and the
    outcome (rows created/updated/unchanged, the error count and the first errors of a refused file)."""
    titles = {name: kind_.title for name, kind_ in service.KINDS.items()}
    return history.list_runs(session, principal, page, kind=kind.value if kind else None, kind_titles=titles)


@router.get(
    "/{kind}/template.xlsx",
    operation_id="imports-template",
    dependencies=[require(P.imports_run)],
    response_class=Response,
    responses={200: {"content": {templates.XLSX_TYPE: {}}, "description": "Tệp mẫu / template"}},
    summary="Tệp mẫu nhập (XLSX) / import template",
)
def get_template(kind: service.ImportKindName, session: SessionDep, principal: CurrentPrincipal) -> Response:
    """Vietnamese headers, a sample row, dropdowns (units in your scope, roles, criteria codes)."""
    k = service.get_kind(kind.value)
    service.check_allowed(principal, k)
    data = templates.template_xlsx(session, principal, k)
    return templates.download(data, f"mau-nhap-{kind.value}.xlsx", templates.XLSX_TYPE)


@router.get(
    "/{kind}/export.xlsx",
    operation_id="imports-export-xlsx",
    dependencies=[require(P.imports_run)],
    response_class=Response,
    responses={200: {"content": {templates.XLSX_TYPE: {}}, "description": "Dữ liệu hiện có / current data"}},
    summary="Xuất dữ liệu theo mẫu nhập (XLSX) / export in the import layout",
)
def export_xlsx(
    kind: service.ImportKindName,
    session: SessionDep,
    principal: CurrentPrincipal,
    plan_id: Annotated[int | None, Query()] = None,
) -> Response:
    """The current data in the template's layout: edit it and import it back."""
    k = service.get_kind(kind.value)
    service.check_allowed(principal, k)
    data = templates.export_xlsx(session, principal, k, {"plan_id": plan_id})
    return templates.download(data, f"{kind.value}.xlsx", templates.XLSX_TYPE)


@router.get(
    "/{kind}/export.csv",
    operation_id="imports-export-csv",
    dependencies=[require(P.imports_run)],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "Dữ liệu hiện có / current data"}},
    summary="Xuất dữ liệu theo mẫu nhập (CSV UTF-8) / export in the import layout",
)
def export_csv(
    kind: service.ImportKindName,
    session: SessionDep,
    principal: CurrentPrincipal,
    plan_id: Annotated[int | None, Query()] = None,
) -> Response:
    """UTF-8 CSV with BOM (opens correctly in Excel), formula-like cells neutralised."""
    k = service.get_kind(kind.value)
    service.check_allowed(principal, k)
    data = templates.export_csv(session, principal, k, {"plan_id": plan_id})
    return templates.download(data, f"{kind.value}.csv", "text/csv; charset=utf-8")


routers = [router]
