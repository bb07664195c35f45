from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlmodel import col

from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.db import SessionDep
from api.models import AuditEvent
from api.pagination import Page, PageDep, paginate

router = APIRouter(prefix="/audit-events", tags=["audit"])


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor_user_id: int | None
    actor_token_id: int | None
    actor_name: str | None
    action: str
    entity_type: str
    entity_id: str
    unit_id: int | None
    changes: dict[str, Any]
    note: str | None
    request_id: str | None


@router.get(
    "",
    response_model=Page[AuditEventRead],
    operation_id="audit-list",
    dependencies=[require(Permission.audit_read)],
)
def list_events(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    entity_type: Annotated[str | None, Query(max_length=60)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    actor_user_id: int | None = None,
    unit_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, object]:
    stmt = scope.visible_audit_events(principal)
    for column, value in (
        (AuditEvent.entity_type, entity_type),
        (AuditEvent.entity_id, entity_id),
        (AuditEvent.action, action),
        (AuditEvent.actor_user_id, actor_user_id),
        (AuditEvent.unit_id, unit_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(col(AuditEvent.at) >= since)
    if until is not None:
        stmt = stmt.where(col(AuditEvent.at) < until)
    return paginate(
        session,
        stmt,
        page,
        sort_fields={"at": AuditEvent.at, "id": AuditEvent.id},
        default_order=[col(AuditEvent.id).desc()],
    )
