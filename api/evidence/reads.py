"""What the SPA reads about a document: its uploader's name, the actions the caller may take now, and whether an
upload repeats the one just made (same SHA-256 on the same owner).

A bounded number of statements per call whatever the number of rows: one for the names, one per owner for its
state, one per permission for the rows in reach.
"""

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col

from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.authz.scope_evidence import deletable_evidence, uploader_names
from api.errors import AppError, Forbidden
from api.evidence.schemas import EvidenceRead
from api.evidence.service import authorize_upload, owner_refusal
from api.models import Evidence, EvidenceOwner

P = Permission


def _ids(session: Session, stmt: Any, ids: list[int]) -> set[int]:
    rows = session.execute(stmt.where(col(Evidence.id).in_(ids)).with_only_columns(col(Evidence.id))).all()
    return {int(r[0]) for r in rows}


def _may_upload_to(session: Session, principal: Principal, owner: tuple[EvidenceOwner, int]) -> bool:
    if not principal.has(P.evidence_upload):
        return False
    try:
        authorize_upload(session, principal, owner_type=owner[0], owner_id=owner[1])
    except AppError:
        return False
    return True


def allowed_actions(session: Session, principal: Principal, rows: Sequence[Evidence]) -> dict[int, list[str]]:
    """``update``, ``replace``, ``delete`` (live rows) and ``restore`` (deleted ones), exactly when the API would
    accept them: the permission, the row in reach and the owner still editable."""
    ids = [r.id for r in rows if r.id is not None]
    if not ids:
        return {}
    owners = {(r.owner_type, r.owner_id) for r in rows}
    editable = {o for o in owners if owner_refusal(session, o[0], o[1]) is None}
    uploadable = {o for o in owners if o in editable and _may_upload_to(session, principal, o)}
    updatable = (
        _ids(session, scope.visible_evidence(principal, P.evidence_upload), ids)
        if principal.has(P.evidence_upload)
        else set()
    )
    deletable = (
        _ids(session, deletable_evidence(principal), ids)
        if principal.has(P.evidence_delete) or principal.has(P.evidence_upload)
        else set()
    )
    restorable = (
        _ids(session, scope.visible_evidence(principal, P.evidence_restore, include_deleted=True), ids)
        if principal.has(P.evidence_restore)
        else set()
    )
    out: dict[int, list[str]] = {}
    for r in rows:
        owner, acts = (r.owner_type, r.owner_id), []
        if owner in editable and r.id is not None:
            if r.deleted_at is None:
                acts += ["update"] if r.id in updatable else []
                acts += ["replace"] if owner in uploadable else []
                acts += ["delete"] if r.id in deletable else []
            elif r.id in restorable:
                acts.append("restore")
        out[r.id or 0] = acts
    return out


def reads(session: Session, principal: Principal, rows: Sequence[Evidence]) -> list[EvidenceRead]:
    """``EvidenceRead`` of rows the caller already reached, with the uploader's name and the allowed actions."""
    user_ids = {r.uploaded_by_id for r in rows if r.uploaded_by_id is not None}
    names = dict(session.execute(uploader_names(user_ids)).all()) if user_ids else {}
    actions = allowed_actions(session, principal, rows)
    return [
        EvidenceRead.model_validate(r).model_copy(
            update={
                "uploaded_by_name": names.get(r.uploaded_by_id),
                "allowed_actions": actions.get(r.id or 0, []),
            }
        )
        for r in rows
    ]


def read(session: Session, principal: Principal, ev: Evidence) -> EvidenceRead:
    return reads(session, principal, [ev])[0]


def get_deletable(session: Session, principal: Principal, evidence_id: int) -> Evidence:
    """The document to delete: 404 out of reach, 403 when only readable (an officer and another's upload)."""
    ev = scope.get_evidence(session, principal, evidence_id)
    stmt = deletable_evidence(principal).where(col(Evidence.id) == evidence_id)
    if session.exec(stmt).first() is None:
        raise Forbidden(
            "Chỉ người đã tải tài liệu lên, thủ trưởng đơn vị hoặc Phòng Nội vụ được xóa tài liệu này.",
            "Only the uploader, the unit head or the district office may delete this document.",
            code="evidence_delete_forbidden",
        )
    return ev


def duplicate_of(
    session: Session,
    principal: Principal,
    *,
    owner_type: EvidenceOwner,
    owner_id: int,
    sha256: str,
    series_id: str | None,
) -> Evidence | None:
    """The document this upload repeats: the owner's latest live upload, or the latest live version of the series
    being replaced, when it has the same content (SHA-256). Then nothing new is stored."""
    base = scope.visible_evidence(principal).where(
        col(Evidence.owner_type) == owner_type, col(Evidence.owner_id) == owner_id
    )
    candidates = [session.exec(base.order_by(col(Evidence.id).desc()).limit(1)).first()]
    if series_id:
        stmt = base.where(col(Evidence.series_id) == series_id).order_by(col(Evidence.version_no).desc())
        candidates.append(session.exec(stmt.limit(1)).first())
    return next((c for c in candidates if c is not None and c.sha256 == sha256), None)
