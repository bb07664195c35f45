"""Writing the audit trail (nhật ký): append-only events with before/after of changed fields."""

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session

from api.authz.principal import Principal
from api.context import request_id_var
from api.models import AuditEvent

SECRET_FIELDS = {
    "password",
    "password_hash",
    "token",
    "token_hash",
    "secret",
    "refresh_token",
    "access_token",
}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    data = obj.model_dump() if hasattr(obj, "model_dump") else dict(obj)
    if fields is not None:
        data = {k: data.get(k) for k in fields}
    return {k: _plain(v) for k, v in data.items()}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Changed fields only, secrets masked: ``{field: {"from": …, "to": …}}``."""
    out: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        if key in ("version", "updated_at", "created_at"):
            continue
        b, a = before.get(key), after.get(key)
        if b != a:
            if key in SECRET_FIELDS:
                b, a = ("***" if b else None), ("***" if a else None)
            out[key] = {"from": b, "to": a}
    return out


def record(
    session: Session,
    principal: Principal | None,
    action: str,
    entity_type: str,
    entity_id: Any,
    unit_id: int | None,
    changes: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction."""
    event = AuditEvent(
        actor_user_id=principal.user_id if principal else None,
        actor_token_id=principal.token_id if principal else None,
        actor_name=principal.name if principal else "system",
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        unit_id=unit_id,
        changes=changes or {},
        note=note,
        request_id=request_id_var.get(),
    )
    session.add(event)
    return event


def record_create(
    session: Session,
    principal: Principal | None,
    entity_type: str,
    obj: Any,
    unit_id: int | None,
    fields: list[str] | None = None,
) -> AuditEvent:
    return record(session, principal, "create", entity_type, obj.id, unit_id, diff({}, snapshot(obj, fields)))
