"""Mẫu báo cáo: DOCX templates a district admin uploads to replace the shipped ND 30 layout.

A template is a normal .docx with ``{{placeholders}}`` (see :data:`PLACEHOLDERS`) and a paragraph holding only
``{{NOI_DUNG}}`` where the generated body goes; optional anchors ``{{NOI_NHAN}}`` (recipients) and ``{{PHU_LUC}}``
(the appendix; without it the appendix follows on a new landscape page). Uploads are checked before they are
stored: a real zip of bounded expanded size that python-docx opens, with the body anchor.
"""

import hashlib
import zipfile
from io import BytesIO

from docx import Document
from sqlmodel import Session, col

from api.audit.service import record
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import FieldError, Unprocessable
from api.models import ReportLevel, ReportTemplate
from api.models.base import utcnow
from api.reports import docx_kit
from api.reports.service import Context

P = Permission
MAX_BYTES = 10 * 1024 * 1024
MAX_EXPANDED_BYTES = 60 * 1024 * 1024
PLACEHOLDERS = {
    "co_quan_chu_quan": "Tên cơ quan chủ quản (chữ in hoa; trống với UBND)",
    "ten_co_quan": "Tên cơ quan ban hành (chữ in hoa)",
    "ten_don_vi": "Tên đơn vị báo cáo",
    "so_bao_cao": "Số, ký hiệu (vd. 12/BC-UBND)",
    "ky_hieu": "Ký hiệu (vd. BC-UBND)",
    "dia_danh": "Địa danh (vd. Bình Gia)",
    "ngay": "ngày … tháng … năm …",
    "ngay_ngan": "dd/m/yyyy",
    "nam": "Năm của kỳ báo cáo",
    "ten_loai": "BÁO CÁO",
    "ky_bao_cao": "Quý I năm 2024 / 6 tháng đầu năm 2024 / Quý III năm 2024 / năm 2024",
    "trich_yeu": "Trích yếu",
    "tu_ngay": "Ngày bắt đầu số liệu",
    "den_ngay": "Ngày chốt số liệu",
    "quyen_han": "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH …",
    "nguoi_ky": "Họ tên người ký",
    "chuc_vu": "Chức vụ người ký",
    "NOI_DUNG": "(đoạn riêng) nội dung báo cáo",
    "NOI_NHAN": "(đoạn riêng, tùy chọn) danh sách nơi nhận",
    "PHU_LUC": "(đoạn riêng, tùy chọn) phụ lục kết quả thực hiện nhiệm vụ",
}


def template_name(level: ReportLevel | str) -> str:
    return "district_report.docx" if level == ReportLevel.district else "unit_report.docx"


def etag(t: ReportTemplate) -> str:
    return f'"report_template-{t.id}-{t.sha256[:16]}"'


def _bad(message: str, message_en: str, code: str = "invalid_template") -> Unprocessable:
    return Unprocessable(
        message,
        message_en,
        code=code,
        errors=[FieldError(field="file", code=code, message=message, message_en=message_en)],
    )


def validate(content: bytes) -> None:
    """Refuse anything that is not a .docx python-docx can open with the ``{{NOI_DUNG}}`` anchor."""
    if not content:
        raise _bad("Tệp mẫu rỗng.", "Empty file.")
    if len(content) > MAX_BYTES:
        raise _bad("Tệp mẫu vượt quá 10 MB.", "Template larger than 10 MB.", "template_too_large")
    try:
        with zipfile.ZipFile(BytesIO(content)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_EXPANDED_BYTES:
                raise _bad("Tệp mẫu giải nén quá lớn.", "Template expands too much.", "template_too_large")
            if "word/document.xml" not in z.namelist():
                raise _bad("Tệp không phải văn bản Word (.docx).", "Not a .docx document.")
        doc = Document(BytesIO(content))
    except Unprocessable:
        raise
    except Exception:  # python-docx/lxml raise many kinds on a broken package
        raise _bad(
            "Không mở được tệp: hãy tải lên văn bản Word (.docx) hợp lệ.", "Cannot open the file as .docx."
        ) from None
    if docx_kit.find_anchor(doc, docx_kit.BODY_ANCHOR) is None:
        raise _bad(
            "Mẫu phải có một đoạn chỉ chứa {{NOI_DUNG}} (vị trí nội dung báo cáo).",
            "The template needs a paragraph containing only {{NOI_DUNG}}.",
            "template_anchor_missing",
        )


def upload(
    session: Session, principal: Principal, *, owner_unit_id: int, name: str, content: bytes
) -> ReportTemplate:
    """Store (or replace) the owner unit's template ``name``."""
    unit = scope.get_unit(session, principal, owner_unit_id, P.reports_review)
    validate(content)
    digest = hashlib.sha256(content).hexdigest()
    existing = session.exec(scope.report_templates_of(unit.id or 0, name)).first()
    if existing is not None:
        before = existing.sha256
        existing.content, existing.sha256 = content, digest
        existing.uploaded_by_id, existing.created_at = principal.user_id, utcnow()
        t: ReportTemplate = existing
        action, changes = "replace", {"sha256": {"from": before, "to": digest}}
    else:
        t = ReportTemplate(
            owner_unit_id=unit.id or 0,
            name=name,
            content=content,
            sha256=digest,
            uploaded_by_id=principal.user_id,
        )
        action, changes = (
            "create",
            {"name": {"from": None, "to": name}, "sha256": {"from": None, "to": digest}},
        )
    session.add(t)
    session.flush()
    record(session, principal, action, "report_template", t.id, t.owner_unit_id, changes)
    return t


def delete(session: Session, principal: Principal, *, template: ReportTemplate) -> None:
    record(
        session,
        principal,
        "delete",
        "report_template",
        template.id,
        template.owner_unit_id,
        {"name": {"from": template.name, "to": None}, "sha256": {"from": template.sha256, "to": None}},
    )
    session.delete(template)
    session.flush()


def for_report(session: Session, ctx: Context) -> bytes | None:
    """The uploaded template of the period's owner unit for this report's level, if any."""
    t = session.exec(
        scope.report_templates_of(ctx.period.owner_unit_id, template_name(ctx.report.level)).order_by(
            col(ReportTemplate.id)
        )
    ).first()
    return bytes(t.content) if t is not None else None
