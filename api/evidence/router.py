"""Evidence routes (HTTP only): streamed upload, lists, metadata, soft delete/restore and streamed download.

Upload order: size check from ``Content-Length`` → permission and owner scope → the write transaction is
released (on SQLite a write transaction holds the database lock, and an upload over a slow link may take
minutes) → body streamed to a temp file → metadata validated, Idempotency-Key replay checked (its fingerprint
includes the file's SHA-256, only known now), owner re-checked → type sniffed from the bytes → blob committed →
row and audit event inserted in the request's transaction. If that transaction then fails, the blob stays as an
orphan (content-addressed, harmless; ``parsipas verify-storage`` lists it), never a row without its blob.
"""

import json
import re
import unicodedata
from typing import Annotated, Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from api import search
from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.db import SessionDep
from api.errors import AppError, FieldError, Forbidden, Problem, Unprocessable, UnsupportedMediaType
from api.etag import require_if_match, set_etag
from api.evidence import reads, service, sniff, upload
from api.evidence.schemas import (
    AcceptedFiles,
    AcceptedType,
    EvidenceCreate,
    EvidenceDetail,
    EvidenceRead,
    EvidenceUpdate,
    EvidenceUploaded,
)
from api.evidence.storage import Storage, StorageError
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import Idempotency
from api.models import Evidence, EvidenceOwner
from api.pagination import Page, PageDep, PageParams, apply_sort

router = APIRouter(tags=["evidence"])
P = Permission
SORT = {"id": Evidence.id, "title": Evidence.title, "uploaded_at": Evidence.uploaded_at}
_UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": EvidenceUploaded,
        "description": "Tệp giống hệt (cùng SHA-256) vừa được tải lên đối tượng này: trả lại tài liệu đó "
        "(duplicate_of), không lưu thêm",
    },
    409: {
        "model": Problem,
        "description": "Nhiệm vụ đã duyệt, phiếu đã nộp hoặc kế hoạch đã kết thúc (chỉ đọc)",
    },
    413: {"model": Problem, "description": "Tệp quá lớn"},
    415: {"model": Problem, "description": "Loại tệp không được phép"},
}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "title"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        **{
                            k: {
                                "type": "string",
                                **({"format": "date"} if "date" in k or "effective" in k else {}),
                            }
                            for k in ["title", *service.META_FIELDS[1:], "series_id"]
                        },
                    },
                }
            }
        },
    }
}


def get_storage(request: Request) -> Storage:
    """The app's evidence store, built once from its settings and cached on ``app.state``."""
    storage: Storage | None = getattr(request.app.state, "evidence_storage", None)
    if storage is None:
        storage = service.storage_from_settings(request.app.state.settings)
        request.app.state.evidence_storage = storage
    return storage


def _storage_error(exc: StorageError) -> AppError:
    err = AppError(exc.message, exc.message_en, code=exc.code)
    err.status = exc.status if exc.status != 404 else 500  # a row whose blob is gone is a server fault
    return err


# --- upload ---------------------------------------------------------------------------------------------


# The upload form's fields as people read them: an error names the field, in the officer's words.
_FIELD_NAMES = {
    "title": ("Tiêu đề", "Title"),
    "doc_number": ("Số/ký hiệu", "Document number"),
    "issue_date": ("Ngày ban hành", "Issue date"),
    "issuing_body": ("Cơ quan ban hành", "Issuing body"),
    "effective_from": ("Hiệu lực từ ngày", "Effective from"),
    "effective_to": ("Hiệu lực đến ngày", "Effective to"),
    "description": ("Mô tả", "Description"),
    "series_id": ("Tài liệu được thay bản mới", "Document to replace"),
}


def _field_error(e: Any) -> FieldError:
    field = ".".join(str(p) for p in e["loc"]) or None
    vi, en = _FIELD_NAMES.get(field or "", (field or "", field or ""))
    kind = str(e["type"])
    if kind == "invalid_period":
        message = f"{vi} không được trước ngày “{_FIELD_NAMES['effective_from'][0]}”."
        message_en = f"{en} must not be before “Effective from”."
    elif kind in ("missing", "string_too_short") or (kind == "string_type" and e.get("input") is None):
        message, message_en = f"Chưa nhập {vi.lower()} (bắt buộc).", f"{en} is required."
    elif kind == "string_too_long":
        limit = (e.get("ctx") or {}).get("max_length")
        message, message_en = f"{vi} dài quá {limit} ký tự.", f"{en} is longer than {limit} characters."
    elif kind.startswith("date"):
        message, message_en = f"{vi}: ngày không hợp lệ.", f"{en}: invalid date."
    else:
        message, message_en = f"{vi}: giá trị không hợp lệ.", f"{en}: invalid value."
    return FieldError(field=field, code=kind, message=message, message_en=message_en)


def _metadata(fields: dict[str, str]) -> EvidenceCreate:
    try:
        return EvidenceCreate.model_validate({k: (v if v.strip() else None) for k, v in fields.items()})
    except ValidationError as exc:
        errors = [_field_error(e) for e in exc.errors()]
        raise Unprocessable(
            "Thông tin tài liệu không hợp lệ; xem lỗi theo từng trường.", "Invalid metadata.", errors=errors
        ) from None


def _finish_upload(
    request: Request,
    session: Session,
    principal: Principal,
    received: upload.ReceivedUpload,
    owner_type: EvidenceOwner,
    owner_id: int,
) -> Response:
    writer = received.writer
    if writer is None:
        raise Unprocessable(
            "Thiếu tệp đính kèm (trường “file”).",
            "Missing the 'file' part.",
            errors=[FieldError(field="file", code="missing", message="Thiếu tệp", message_en="Missing file")],
        )
    data = _metadata(received.fields)
    temp = writer.temp_path()
    assert temp is not None
    digest = writer.sha256
    idem = Idempotency(request, request.headers.get(IDEMPOTENCY_HEADER), "")
    idem.add_fingerprint(
        json.dumps(
            [digest, received.filename, data.model_dump(mode="json")], sort_keys=True, ensure_ascii=False
        )
    )
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    unit_id = service.authorize_upload(session, principal, owner_type=owner_type, owner_id=owner_id)
    service.check_series(session, principal, data, owner_type, owner_id)
    same = reads.duplicate_of(
        session, principal, owner_type=owner_type, owner_id=owner_id, sha256=digest, series_id=data.series_id
    )
    if (
        same is not None
    ):  # the file just uploaded here again: answer with it, store nothing (temp file dropped)
        body = EvidenceUploaded(**reads.read(session, principal, same).model_dump(), duplicate_of=same.id)
        headers = {"ETag": service.etag(same), "Content-Location": f"/api/v1/evidence/{same.id}"}
        return idem.respond(session, principal.key, body, 200, headers)
    try:
        detected = sniff.detect(temp)
    except sniff.UnsupportedType as exc:
        raise UnsupportedMediaType(exc.message, exc.message_en, code=exc.code) from None
    filename = service.clean_filename(received.filename, detected)
    try:
        blob = writer.commit()
    except StorageError as exc:
        raise _storage_error(exc) from None
    ev = service.create(
        session,
        principal,
        owner_type=owner_type,
        owner_id=owner_id,
        unit_id=unit_id,
        data=data,
        filename=filename,
        mime=detected.mime,
        blob=blob,
    )
    body = EvidenceUploaded(**reads.read(session, principal, ev).model_dump())
    return idem.respond(session, principal.key, body, 201, {"ETag": service.etag(ev)})


async def _upload(
    request: Request, session: Session, principal: Principal, owner_type: EvidenceOwner, owner_id: int
) -> Response:
    settings = request.app.state.settings
    max_bytes = settings.max_upload_mb * upload.MIB
    upload.check_content_length(request, max_bytes)
    upload.boundary_of(request)
    await anyio.to_thread.run_sync(
        lambda: service.authorize_upload(session, principal, owner_type=owner_type, owner_id=owner_id)
    )
    await anyio.to_thread.run_sync(session.rollback)  # release the write lock while the body streams in
    storage = get_storage(request)
    received = await upload.receive(request, storage=storage, max_bytes=max_bytes)
    try:
        return await anyio.to_thread.run_sync(
            _finish_upload, request, session, principal, received, owner_type, owner_id
        )
    finally:
        await anyio.to_thread.run_sync(received.abort)


@router.post(
    "/assignments/{assignment_id}/evidence",
    status_code=201,
    response_model=EvidenceUploaded,
    operation_id="evidence-upload_assignment",
    dependencies=[require(P.evidence_upload)],
    responses=_UPLOAD_RESPONSES,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_assignment(
    assignment_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Upload a document (multipart ``file`` + metadata) for an assignment; ``series_id`` = new version."""
    return await _upload(request, session, principal, EvidenceOwner.assignment, assignment_id)


@router.post(
    "/plans/{plan_id}/evidence",
    status_code=201,
    response_model=EvidenceUploaded,
    operation_id="evidence-upload_plan",
    dependencies=[require(P.evidence_upload)],
    responses=_UPLOAD_RESPONSES,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_plan(
    plan_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Upload a document for a plan (needs plans:manage on the issuing unit)."""
    return await _upload(request, session, principal, EvidenceOwner.plan, plan_id)


@router.post(
    "/assessment-sheets/{sheet_id}/evidence",
    status_code=201,
    response_model=EvidenceUploaded,
    operation_id="evidence-upload_sheet",
    dependencies=[require(P.evidence_upload), require(P.assessments_edit)],
    responses=_UPLOAD_RESPONSES,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_sheet(
    sheet_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Upload a document to an assessment sheet (tài liệu kiểm chứng of the self-assessment, while the unit may
    still edit its sheet); cite it from a score with ``evidence_ids``."""
    return await _upload(request, session, principal, EvidenceOwner.sheet, sheet_id)


# --- lists and metadata ---------------------------------------------------------------------------------


def _list(
    session: Session,
    principal: Principal,
    page: PageParams,
    owner_type: EvidenceOwner,
    owner_id: int,
    all_versions: bool,
    include_deleted: bool,
    q: str | None = None,
) -> dict[str, object]:
    stmt = service.owner_list(
        principal,
        owner_type=owner_type,
        owner_id=owner_id,
        all_versions=all_versions,
        include_deleted=include_deleted and principal.has(P.evidence_restore),
    )
    hit = search.matches(q, col(Evidence.title), col(Evidence.doc_number), col(Evidence.filename))
    if hit is not None:
        stmt = stmt.where(hit)
    # Same contract as api.pagination.paginate, whose count currently returns a Row (int(Row) fails);
    # counted here with sqlmodel's scalar select until that is fixed.
    total = session.exec(select(func.count()).select_from(stmt.order_by(None).subquery())).one()
    ordered = (
        apply_sort(stmt, page.sort, SORT, [col(Evidence.id).desc()]).limit(page.limit).offset(page.offset)
    )
    items = reads.reads(session, principal, session.exec(ordered).all())
    return {"items": items, "total": int(total), "limit": page.limit, "offset": page.offset}


@router.get("/evidence/accepted", response_model=AcceptedFiles, operation_id="evidence-accepted")
def accepted(request: Request) -> AcceptedFiles:
    """Loại tệp và dung lượng tối đa được nhận làm tài liệu kiểm chứng (nội dung được kiểm tra, không theo đuôi tên
    tệp). / The file types accepted as evidence (checked from the content) and the size limit."""
    return AcceptedFiles(
        types=[AcceptedType(extension=t.extension, mime=t.mime, label=t.label) for t in sniff.ALLOWED_TYPES],
        names=sniff.ALLOWED_NAMES,
        max_mb=request.app.state.settings.max_upload_mb,
    )


@router.get(
    "/assignments/{assignment_id}/evidence",
    response_model=Page[EvidenceRead],
    operation_id="evidence-list_assignment",
    dependencies=[require(P.evidence_read)],
)
def list_assignment(
    assignment_id: int,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    all_versions: bool = False,
    include_deleted: Annotated[bool, Query(description="also deleted ones (restorers only)")] = False,
    q: Annotated[
        str | None, Query(max_length=100, description="Tìm theo tiêu đề, số/ký hiệu, tên tệp")
    ] = None,
) -> dict[str, object]:
    scope.get_assignment(session, principal, assignment_id)
    return _list(
        session, principal, page, EvidenceOwner.assignment, assignment_id, all_versions, include_deleted, q
    )


@router.get(
    "/plans/{plan_id}/evidence",
    response_model=Page[EvidenceRead],
    operation_id="evidence-list_plan",
    dependencies=[require(P.evidence_read)],
)
def list_plan(
    plan_id: int,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    all_versions: bool = False,
    include_deleted: Annotated[bool, Query(description="also deleted ones (restorers only)")] = False,
    q: Annotated[
        str | None, Query(max_length=100, description="Tìm theo tiêu đề, số/ký hiệu, tên tệp")
    ] = None,
) -> dict[str, object]:
    scope.get_plan(session, principal, plan_id)
    return _list(session, principal, page, EvidenceOwner.plan, plan_id, all_versions, include_deleted, q)


def _detail(session: Session, principal: Principal, ev: Evidence) -> EvidenceDetail:
    versions = service.versions(session, principal, ev)
    read = reads.reads(session, principal, [ev, *versions])
    return EvidenceDetail(**read[0].model_dump(), versions=read[1:])


def _get_any(session: Session, principal: Principal, evidence_id: int) -> Evidence:
    """Restorers also reach deleted rows (to look at them before restoring)."""
    return scope.get_evidence(
        session, principal, evidence_id, include_deleted=principal.has(P.evidence_restore)
    )


@router.get(
    "/evidence/{evidence_id}",
    response_model=EvidenceDetail,
    operation_id="evidence-get",
    dependencies=[require(P.evidence_read)],
)
def get_evidence(
    evidence_id: int, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> EvidenceDetail:
    ev = _get_any(session, principal, evidence_id)
    set_etag(response, service.etag(ev))
    return _detail(session, principal, ev)


@router.patch(
    "/evidence/{evidence_id}",
    response_model=EvidenceDetail,
    operation_id="evidence-update",
    dependencies=[require(P.evidence_upload)],
)
def update_evidence(
    evidence_id: int,
    body: EvidenceUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> EvidenceDetail:
    ev = scope.get_evidence(session, principal, evidence_id, P.evidence_upload)
    require_if_match(request, service.etag(ev))
    service.update(session, principal, ev, body)
    set_etag(response, service.etag(ev))
    return _detail(session, principal, ev)


@router.delete(
    "/evidence/{evidence_id}",
    status_code=204,
    response_class=Response,
    operation_id="evidence-delete",
    responses={
        403: {"model": Problem, "description": "Không có quyền xóa tài liệu này"},
        409: {"model": Problem, "description": "Nhiệm vụ đã duyệt, phiếu đã nộp hoặc kế hoạch đã kết thúc"},
    },
)
def delete_evidence(
    evidence_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Soft delete while the owner is editable (kept in storage and in the audit trail; a district admin can
    restore it). ``evidence:delete`` deletes any document in reach; an uploader without it only their own."""
    if not (principal.has(P.evidence_delete) or principal.has(P.evidence_upload)):
        raise Forbidden(
            "Bạn không có quyền thực hiện thao tác này.",
            "Missing permission evidence:delete.",
            code="missing_permission",
        )
    ev = reads.get_deletable(session, principal, evidence_id)
    if request.headers.get("if-match"):
        require_if_match(request, service.etag(ev))
    service.soft_delete(session, principal, ev)
    return Response(status_code=204)


@router.post(
    "/evidence/{evidence_id}/restore",
    response_model=EvidenceDetail,
    operation_id="evidence-restore",
    dependencies=[require(P.evidence_restore)],
)
def restore_evidence(
    evidence_id: int, request: Request, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> EvidenceDetail:
    ev = scope.get_evidence(session, principal, evidence_id, P.evidence_restore, include_deleted=True)
    if request.headers.get("if-match"):
        require_if_match(request, service.etag(ev))
    service.restore(session, principal, ev)
    set_etag(response, service.etag(ev))
    return _detail(session, principal, ev)


# --- download -------------------------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the RFC 5987 ``filename*`` carrying the real (UTF-8) name."""
    ascii_name = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(ch for ch in ascii_name if not unicodedata.combining(ch))
    ascii_name = re.sub(r'[^\x20-\x7e]|["\\]', "_", ascii_name) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """A single ``bytes=`` range as (start, end inclusive); ``None`` = serve the whole file; ValueError = 416."""
    if "," in header:
        return None  # multiple ranges: answer with the whole file (allowed by RFC 9110)
    m = _RANGE.fullmatch(header.strip())
    if not m or (not m[1] and not m[2]):
        raise ValueError(header)
    if not m[1]:  # suffix: the last N bytes
        n = int(m[2])
        if n == 0 or size == 0:
            raise ValueError(header)
        return max(size - n, 0), size - 1
    start = int(m[1])
    end = int(m[2]) if m[2] else size - 1
    if start >= size or end < start:
        raise ValueError(header)
    return start, min(end, size - 1)


@router.get(
    "/evidence/{evidence_id}/content",
    response_class=StreamingResponse,
    operation_id="evidence-download",
    dependencies=[require(P.evidence_read)],
    responses={
        # The stored file's sniffed type (api/evidence/sniff.py), or octet-stream for an unknown older row.
        200: {
            "content": {t: {} for t in ("application/octet-stream", *(d.mime for d in sniff.ALLOWED_TYPES))},
            "description": "Nội dung tệp",
        },
        206: {
            "content": {t: {} for t in ("application/octet-stream", *(d.mime for d in sniff.ALLOWED_TYPES))},
            "description": "Một khoảng byte",
        },
        304: {"description": "Không đổi (If-None-Match)"},
        416: {"model": Problem, "description": "Khoảng byte không hợp lệ"},
    },
)
def download(
    evidence_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Stream the file; ETag = its SHA-256, single byte ranges, If-None-Match."""
    ev = scope.get_evidence(session, principal, evidence_id)
    tag = f'"{ev.sha256}"'
    headers = {
        "ETag": tag,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": content_disposition(ev.filename),
        "Cache-Control": "private, no-cache",
    }
    inm = request.headers.get("if-none-match")
    if inm and (inm.strip() == "*" or tag in [t.strip().removeprefix("W/") for t in inm.split(",")]):
        return Response(status_code=304, headers=headers)
    storage = get_storage(request)
    size = ev.size
    start, end, status = 0, size - 1, 200
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if range_header and (not if_range or if_range.strip() == tag):
        try:
            parsed = _parse_range(range_header, size)
        except ValueError:
            return Response(
                json.dumps(
                    Problem(
                        title="Khoảng byte không hợp lệ",
                        status=416,
                        detail="Khoảng byte yêu cầu nằm ngoài tệp.",
                        detail_en="Requested range not satisfiable.",
                        code="range_not_satisfiable",
                        instance=request.url.path,
                    ).model_dump(mode="json"),
                    ensure_ascii=False,
                ),
                status_code=416,
                media_type="application/problem+json",
                headers={**headers, "Content-Range": f"bytes */{size}"},
            )
        if parsed is not None:
            start, end = parsed
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1 if size else 0)
    if size == 0:
        return Response(b"", status_code=200, headers=headers, media_type=ev.mime)
    try:
        chunks = storage.open_range(ev.sha256, start, end)
    except StorageError as exc:
        raise _storage_error(exc) from None
    return StreamingResponse(chunks, status_code=status, headers=headers, media_type=ev.mime)
