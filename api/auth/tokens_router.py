"""API tokens for scripts and integrations: created by admins, shown once, stored hashed, revocable."""

from datetime import UTC, datetime

from fastapi import APIRouter, Response
from sqlmodel import col

from api.audit.service import record
from api.auth import security, service
from api.auth.deps import CurrentPrincipal, require
from api.auth.schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenRead
from api.authz import scope
from api.authz.permissions import PERMISSION_LABELS, Permission
from api.db import SessionDep
from api.errors import FieldError, Unprocessable
from api.idempotency import IdempotencyDep
from api.models import ApiToken
from api.org_units.levels import LEVEL_VI
from api.pagination import Page, PageDep, paginate

router = APIRouter(prefix="/api-tokens", tags=["api-tokens"])
P = Permission


@router.get(
    "",
    response_model=Page[ApiTokenRead],
    operation_id="api_tokens-list",
    dependencies=[require(P.tokens_manage)],
)
def list_tokens(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> dict[str, object]:
    return paginate(
        session,
        scope.visible_api_tokens(principal),
        page,
        sort_fields={"id": ApiToken.id, "name": ApiToken.name},
        default_order=[col(ApiToken.id)],
    )


@router.post(
    "",
    status_code=201,
    response_model=ApiTokenCreated,
    operation_id="api_tokens-create",
    dependencies=[require(P.tokens_manage)],
)
def create_token(
    body: ApiTokenCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    unit = scope.get_unit(session, principal, body.unit_id, P.tokens_manage)
    grant = service.token_grant(unit, [p.value for p in body.permissions])
    # Within the ceiling of the unit's level, and never more than the creator itself holds there.
    refused = sorted(
        p.value
        for p in set(body.permissions)
        if p not in grant.permissions or not principal.covers(p, unit.id or 0, unit.path)
    )
    if refused:
        names = [PERMISSION_LABELS.get(Permission(p), p) for p in refused]
        raise Unprocessable(
            f"Không thể cấp các quyền “{'”, “'.join(names)}” cho mã truy cập của {unit.name} "
            f"(vượt quá quyền của một đơn vị cấp {LEVEL_VI[unit.level]} hoặc quyền của chính bạn tại đơn vị này).",
            "These permissions exceed what a token for this unit may hold, or what you hold there.",
            code="permission_not_grantable",
            errors=[
                FieldError(field="permissions", code="not_grantable", message=f"Không cấp được quyền “{n}”.")
                for n in names
            ],
        )
    plain = security.new_opaque_token(service.TOKEN_PREFIX)
    token = ApiToken(
        name=body.name,
        prefix=plain[:10],
        token_hash=security.sha256_hex(plain),
        unit_id=unit.id or 0,
        permissions=sorted(p.value for p in body.permissions),
        created_by_id=principal.user_id,
        expires_at=body.expires_at,
    )
    session.add(token)
    session.flush()
    record(
        session,
        principal,
        "create",
        "api_token",
        token.id,
        unit.id,
        {
            "name": {"from": None, "to": token.name},
            "permissions": {"from": None, "to": token.permissions},
            "token": {"from": None, "to": "***"},
        },
    )
    out = ApiTokenCreated(
        **ApiTokenRead.model_validate(token, from_attributes=True).model_dump(), token=plain
    )
    # The plain token is never stored: a replay answers the same token metadata with an empty ``token``.
    return idem.respond(session, principal.key, out, 201, stored_content=out.model_copy(update={"token": ""}))


@router.post(
    "/{token_id}/revoke",
    response_model=ApiTokenRead,
    operation_id="api_tokens-revoke",
    dependencies=[require(P.tokens_manage)],
)
def revoke_token(token_id: int, session: SessionDep, principal: CurrentPrincipal) -> ApiToken:
    token = scope.get_api_token(session, principal, token_id)
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        session.add(token)
        session.flush()
        record(session, principal, "revoke", "api_token", token.id, token.unit_id)
    return token
