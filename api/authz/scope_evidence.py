"""The evidence part of the scoping module: who may delete a document, and the names of its uploaders.

Like :mod:`api.authz.scope_scoring`, every select of a scoped table for evidence beyond
:func:`api.authz.scope.visible_evidence` lives here.
"""

from typing import Any

from sqlalchemy import false
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.authz.scope import visible_evidence
from api.models import Evidence, User

P = Permission


def deletable_evidence(principal: Principal, include_deleted: bool = False) -> SelectOfScalar[Evidence]:
    """Documents the caller may (soft) delete: every one in reach of ``evidence:delete`` (thủ trưởng, Phòng Nội
    vụ); without it, an uploader (công chức) withdraws only what they uploaded themselves."""
    if principal.has(P.evidence_delete):
        return visible_evidence(principal, P.evidence_delete, include_deleted)
    own = visible_evidence(principal, P.evidence_upload, include_deleted)
    if principal.user_id is None or not principal.has(P.evidence_upload):
        return own.where(false())
    return own.where(col(Evidence.uploaded_by_id) == principal.user_id)


def uploader_names(user_ids: Any) -> Any:
    """(id, full name) of the users who uploaded documents the caller already reached."""
    return select(col(User.id), col(User.full_name)).where(col(User.id).in_(user_ids))
