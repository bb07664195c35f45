"""Evidence rules: who may attach a document where, versions of a series, soft delete and restore.

Every query starts from ``api.authz.scope``. Services flush, never commit. The blob itself is written by the
router through :mod:`api.evidence.upload` (streamed) and committed to storage only after these checks.
"""

import hashlib
import json
import re
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from api.audit.service import record, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import Settings
from api.errors import Conflict, FieldError, NotFound, Unprocessable, UnsupportedMediaType
from api.evidence.schemas import EvidenceCreate, EvidenceUpdate
from api.evidence.sniff import DetectedType
from api.evidence.storage import Storage, StoredBlob, make_storage
from api.models import Assignment, AssignmentStatus, Evidence, EvidenceOwner, Plan
from api.models.base import utcnow
from api.models.plan import PlanStatus

P = Permission
META_FIELDS = [
    "title",
    "doc_number",
    "issue_date",
    "issuing_body",
    "effective_from",
    "effective_to",
    "description",
]
_EXTENSIONS: dict[str, set[str]] = {
    "pdf": {"pdf"},
    "jpg": {"jpg", "jpeg", "jpe"},
    "png": {"png"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "zip": {"zip"},
}


def storage_from_settings(settings: Settings) -> Storage:
    """The configured evidence store (local: ``<data_dir>/evidence``; s3: the ``s3_*`` settings)."""
    if settings.storage_backend == "s3":
        return make_storage(
            "s3",
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            prefix=settings.s3_prefix,
            spool_dir=Path(settings.data_dir) / "evidence-spool",
        )
    return make_storage("local", root=Path(settings.data_dir) / "evidence")


def etag(ev: Evidence) -> str:
    """Evidence rows carry no version column: the ETag is a digest of the editable state."""
    state = json.dumps(
        [snapshot(ev, META_FIELDS), ev.deleted_at.isoformat() if ev.deleted_at else None], sort_keys=True
    )
    return f'"evidence-{ev.id}-{hashlib.sha256(state.encode()).hexdigest()[:16]}"'


# --- owners ---------------------------------------------------------------------------------------------


def _read_only() -> Conflict:
    return Conflict(
        "Nhiệm vụ đã được duyệt nên tài liệu kiểm chứng chỉ được xem, không được thay đổi.",
        "The assignment is approved: its evidence is read-only.",
        code="assignment_read_only",
    )


def _plan_closed() -> Conflict:
    return Conflict(
        "Kế hoạch đã kết thúc nên tài liệu kiểm chứng chỉ được xem, không được xóa, thay thế hay tải thêm.",
        "The plan is closed: its evidence is read-only.",
        code="plan_closed",
    )


def owner_refusal(session: Session, owner_type: EvidenceOwner, owner_id: int) -> Conflict | None:
    """Why the documents of this owner may not change now (None = editable).

    An approved assignment and a submitted assessment sheet are frozen (the review was given on them), and so is
    everything of a closed plan. The owner itself was already reached through the scope module.
    """
    if owner_type == EvidenceOwner.assignment:
        a = session.get(Assignment, owner_id)
        if a is None:
            return None
        if a.status == AssignmentStatus.approved:
            return _read_only()
        owner_type, owner_id = EvidenceOwner.plan, a.plan_id
    if owner_type == EvidenceOwner.plan:
        plan = session.get(Plan, owner_id)
        return _plan_closed() if plan is not None and plan.status == PlanStatus.closed else None
    if owner_type == EvidenceOwner.sheet:
        from api.models import AssessmentSheet
        from api.scoring.service import SELF_EDITABLE

        sheet = session.get(AssessmentSheet, owner_id)
        if sheet is not None and sheet.status not in SELF_EDITABLE:
            return Conflict(
                "Phiếu chấm điểm đã nộp nên tài liệu kiểm chứng của phiếu chỉ được xem, không được thay đổi.",
                "The assessment sheet is submitted: its evidence is read-only.",
                code="sheet_read_only",
            )
    return None


def authorize_upload(
    session: Session, principal: Principal, *, owner_type: EvidenceOwner, owner_id: int
) -> int:
    """Check the caller may attach evidence to this owner; return the owner's unit id (404/409 otherwise)."""
    if owner_type == EvidenceOwner.assignment:
        a = scope.get_assignment(session, principal, owner_id, P.evidence_upload)
        unit_id = a.unit_id
    elif owner_type == EvidenceOwner.plan:
        plan = scope.get_plan(session, principal, owner_id, P.plans_manage)
        unit_id = plan.issuing_unit_id
    elif owner_type == EvidenceOwner.sheet:
        from api.scoring.workflow import sheet_upload_unit

        return sheet_upload_unit(session, principal, owner_id)
    elif owner_type in (EvidenceOwner.inspection, EvidenceOwner.outreach, EvidenceOwner.accountability):
        from api.activities.service import evidence_upload_unit

        return evidence_upload_unit(session, principal, owner_type, owner_id)
    else:
        raise NotFound("Đối tượng", "Owner")
    if (refusal := owner_refusal(session, owner_type, owner_id)) is not None:
        raise refusal
    return unit_id


def ensure_editable(session: Session, ev: Evidence) -> None:
    """Refuse (409) a change to a document whose owner is frozen (see :func:`owner_refusal`)."""
    if (refusal := owner_refusal(session, ev.owner_type, ev.owner_id)) is not None:
        raise refusal


def owner_list(
    principal: Principal,
    *,
    owner_type: EvidenceOwner,
    owner_id: int,
    all_versions: bool = False,
    include_deleted: bool = False,
) -> SelectOfScalar[Evidence]:
    """Documents of one owner, by default only the latest (live) version of each series."""
    base = scope.visible_evidence(principal, include_deleted=include_deleted).where(
        col(Evidence.owner_type) == owner_type, col(Evidence.owner_id) == owner_id
    )
    if all_versions:
        return base
    latest = (
        scope.visible_evidence(principal, include_deleted=include_deleted)
        .where(col(Evidence.owner_type) == owner_type, col(Evidence.owner_id) == owner_id)
        .with_only_columns(func.max(col(Evidence.id)))
        .group_by(col(Evidence.series_id))
    )
    return base.where(col(Evidence.id).in_(latest))


def versions(session: Session, principal: Principal, ev: Evidence) -> list[Evidence]:
    """Every version of ``ev``'s series the caller may see, newest first (deleted ones for restorers)."""
    stmt = scope.visible_evidence(principal, include_deleted=principal.has(P.evidence_restore)).where(
        col(Evidence.series_id) == ev.series_id
    )
    return list(session.exec(stmt.order_by(col(Evidence.version_no).desc())).all())


# --- create ---------------------------------------------------------------------------------------------


def clean_filename(name: str | None, detected: DetectedType) -> str:
    """Base name only, no control characters, NFC; its extension must match the content (else 415)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().strip(".").strip()
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:
        stem, ext = base, ""
    ext_l = ext.lower()
    allowed = _EXTENSIONS.get(detected.extension, {detected.extension})
    if ext_l and ext_l not in allowed:
        raise UnsupportedMediaType(
            f"Tên tệp có đuôi .{ext_l} nhưng nội dung là {detected.label}. Hãy kiểm tra lại tệp.",
            f"The file name ends in .{ext_l} but the content is {detected.mime}.",
            code="evidence_type_mismatch",
        )
    stem = (stem or "tai-lieu")[:200]
    return f"{stem}.{ext_l or detected.extension}"


def _series_owner_check(
    session: Session, principal: Principal, series_id: str, owner_type: EvidenceOwner, owner_id: int
) -> int:
    """Next version number of ``series_id``, which must belong to the same owner."""
    stmt = scope.visible_evidence(principal, include_deleted=True).where(col(Evidence.series_id) == series_id)
    rows = list(session.exec(stmt).all())
    if not rows or any(r.owner_type != owner_type or r.owner_id != owner_id for r in rows):
        raise Unprocessable(
            "Không tìm thấy bộ tài liệu (series_id) để thêm phiên bản mới cho đối tượng này.",
            "Unknown series_id for this owner.",
            errors=[
                FieldError(
                    field="series_id",
                    code="unknown_series",
                    message="Bộ tài liệu không tồn tại",
                    message_en="Unknown series",
                )
            ],
        )
    return max(r.version_no for r in rows) + 1


def check_series(
    session: Session, principal: Principal, data: EvidenceCreate, owner_type: EvidenceOwner, owner_id: int
) -> None:
    if data.series_id:
        _series_owner_check(session, principal, data.series_id, owner_type, owner_id)


def create(
    session: Session,
    principal: Principal,
    *,
    owner_type: EvidenceOwner,
    owner_id: int,
    unit_id: int,
    data: EvidenceCreate,
    filename: str,
    mime: str,
    blob: StoredBlob,
) -> Evidence:
    """Insert one version (a new series unless ``data.series_id``) and its audit event, then flush."""
    if data.series_id:
        series_id = data.series_id
        version_no = _series_owner_check(session, principal, series_id, owner_type, owner_id)
    else:
        series_id, version_no = str(uuid.uuid4()), 1
    ev = Evidence(
        series_id=series_id,
        version_no=version_no,
        owner_type=owner_type,
        owner_id=owner_id,
        unit_id=unit_id,
        filename=filename,
        mime=mime,
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=principal.user_id,
        **data.model_dump(include=set(META_FIELDS)),
    )
    session.add(ev)
    session.flush()
    record(
        session,
        principal,
        "evidence.upload",
        "evidence",
        ev.id,
        unit_id,
        changes={
            k: {"from": None, "to": v}
            for k, v in snapshot(
                ev,
                ["series_id", "version_no", "owner_type", "owner_id", "filename", "mime", "size", "sha256"],
            ).items()
        },
    )
    session.flush()
    return ev


# --- edit, delete, restore ------------------------------------------------------------------------------


def update(session: Session, principal: Principal, ev: Evidence, data: EvidenceUpdate) -> Evidence:
    ensure_editable(session, ev)
    changes = data.model_dump(exclude_unset=True)
    if "title" in changes and not changes["title"]:
        raise Unprocessable("Tiêu đề không được để trống.", "Title must not be empty.")
    before = snapshot(ev, META_FIELDS)
    for key, value in changes.items():
        setattr(ev, key, value)
    if ev.effective_from and ev.effective_to and ev.effective_to < ev.effective_from:
        raise Unprocessable(
            "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
            "effective_to must not be before effective_from.",
            errors=[
                FieldError(
                    field="effective_to",
                    code="invalid_period",
                    message="Hiệu lực đến ngày không được trước ngày “Hiệu lực từ ngày”.",
                    message_en="Effective to must not be before “Effective from”.",
                )
            ],
        )
    after = snapshot(ev, META_FIELDS)
    delta: dict[str, Any] = {
        k: {"from": before[k], "to": after[k]} for k in META_FIELDS if before[k] != after[k]
    }
    if delta:
        record(session, principal, "evidence.update", "evidence", ev.id, ev.unit_id, changes=delta)
    session.flush()
    return ev


def soft_delete(session: Session, principal: Principal, ev: Evidence, note: str | None = None) -> None:
    ensure_editable(session, ev)
    ev.deleted_at = utcnow()
    ev.deleted_by_id = principal.user_id
    record(
        session,
        principal,
        "evidence.delete",
        "evidence",
        ev.id,
        ev.unit_id,
        changes={"deleted_at": {"from": None, "to": ev.deleted_at.isoformat()}},
        note=note,
    )
    session.flush()


def restore(session: Session, principal: Principal, ev: Evidence) -> Evidence:
    if ev.deleted_at is None:
        raise Conflict("Tài liệu này chưa bị xóa.", "The evidence is not deleted.", code="not_deleted")
    ensure_editable(session, ev)
    was = ev.deleted_at.isoformat()
    ev.deleted_at = None
    ev.deleted_by_id = None
    record(
        session,
        principal,
        "evidence.restore",
        "evidence",
        ev.id,
        ev.unit_id,
        changes={"deleted_at": {"from": was, "to": None}},
    )
    session.flush()
    return ev
