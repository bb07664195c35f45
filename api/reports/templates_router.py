"""HTTP routes of the report templates (mẫu báo cáo DOCX a district admin may replace)."""

import hashlib
import re
import unicodedata
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from sqlmodel import col

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.db import SessionDep
from api.errors import PayloadTooLarge
from api.etag import require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import ReportLevel, ReportTemplate
from api.pagination import Page, PageDep, paginate
from api.reports import export_docx, periods, template_store
from api.reports.schemas import TemplateName, TemplateRead

router = APIRouter(prefix="/report-templates", tags=["report_templates"])
P = Permission
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SORT = {"id": ReportTemplate.id, "name": ReportTemplate.name, "created_at": ReportTemplate.created_at}


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the RFC 5987 ``filename*`` (UTF-8)."""
    plain = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = re.sub(r'[^\x20-\x7e]|["\\]', "_", plain) or "download"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _read(t: ReportTemplate) -> TemplateRead:
    out = TemplateRead.model_validate(t)
    out.size = len(t.content or b"")
    return out


@router.post(
    "",
    status_code=201,
    response_model=TemplateRead,
    operation_id="report_templates-upload",
    dependencies=[require(P.reports_review)],
)
async def upload_template(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
    file: Annotated[UploadFile, File(description="Văn bản Word (.docx) có {{NOI_DUNG}}")],
    name: Annotated[TemplateName, Form(description="unit_report.docx | district_report.docx")],
    owner_unit_id: Annotated[int | None, Form()] = None,
) -> Response:
    """Thay mẫu báo cáo của đơn vị (mặc định: đơn vị cấp huyện của người gọi)."""
    content = await file.read(template_store.MAX_BYTES + 1)
    if len(content) > template_store.MAX_BYTES:
        raise PayloadTooLarge(
            "Tệp mẫu vượt quá 10 MB.", "Template larger than 10 MB.", code="template_too_large"
        )
    idem.add_fingerprint(f"{name}|{owner_unit_id}|{hashlib.sha256(content).hexdigest()}")
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    owner = periods.owner_unit_for(session, principal, owner_unit_id)
    t = template_store.upload(session, principal, owner_unit_id=owner.id or 0, name=name, content=content)
    return idem.respond(session, principal.key, _read(t), 201, {"ETag": template_store.etag(t)})


@router.get(
    "",
    response_model=Page[TemplateRead],
    operation_id="report_templates-list",
    dependencies=[require(P.reports_read)],
)
def list_templates(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, owner_unit_id: int | None = None
) -> dict[str, object]:
    stmt = scope.visible_report_templates(principal)
    if owner_unit_id is not None:
        stmt = stmt.where(col(ReportTemplate.owner_unit_id) == owner_unit_id)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT,
        default_order=[col(ReportTemplate.id)],
        transform=lambda rows: [_read(t) for t in rows],
    )


@router.get(
    "/default",
    response_class=Response,
    operation_id="report_templates-default",
    dependencies=[require(P.reports_read)],
    responses={200: {"content": {DOCX: {}}, "description": "Mẫu mặc định theo Nghị định 30/2020/NĐ-CP"}},
)
def default_template(level: Annotated[ReportLevel, Query()] = ReportLevel.unit) -> Response:
    """Tải mẫu mặc định (có các trường {{…}}) để sửa rồi tải lên thay thế."""
    name = template_store.template_name(level)
    return Response(
        export_docx.skeleton_bytes(),
        media_type=DOCX,
        headers={"Content-Disposition": content_disposition(name)},
    )


@router.get(
    "/placeholders",
    response_model=dict[str, str],
    operation_id="report_templates-placeholders",
    dependencies=[require(P.reports_read)],
)
def placeholders() -> dict[str, Any]:
    """Các trường {{…}} dùng được trong mẫu."""
    return dict(template_store.PLACEHOLDERS)


@router.get(
    "/{template_id}",
    response_model=TemplateRead,
    operation_id="report_templates-get",
    dependencies=[require(P.reports_read)],
)
def get_template(
    template_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> TemplateRead:
    t = scope.get_report_template(session, principal, template_id)
    set_etag(response, template_store.etag(t))
    return _read(t)


@router.get(
    "/{template_id}/content",
    response_class=Response,
    operation_id="report_templates-download",
    dependencies=[require(P.reports_read)],
    responses={200: {"content": {DOCX: {}}, "description": "Tệp mẫu"}},
)
def download_template(template_id: int, session: SessionDep, principal: CurrentPrincipal) -> Response:
    t = scope.get_report_template(session, principal, template_id)
    return Response(
        bytes(t.content),
        media_type=DOCX,
        headers={"Content-Disposition": content_disposition(t.name), "ETag": template_store.etag(t)},
    )


@router.delete(
    "/{template_id}",
    status_code=204,
    operation_id="report_templates-delete",
    dependencies=[require(P.reports_review)],
)
def delete_template(
    template_id: int, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Xóa mẫu đã tải lên: báo cáo quay về mẫu mặc định theo Nghị định 30."""
    t = scope.get_report_template(session, principal, template_id, P.reports_review)
    require_if_match(request, template_store.etag(t))
    template_store.delete(session, principal, template=t)
    return Response(status_code=204)
