from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from api.auth import schemas, service
from api.auth.deps import CurrentPrincipal
from api.auth.passwords import check_password
from api.auth.security import hash_password, verify_password
from api.authz.permissions import Permission
from api.config import Settings, get_settings
from api.db import SessionDep
from api.errors import FieldError, NotFound, Unprocessable
from api.models import User
from api.org_units.levels import owner_unit, role_label

public_router = APIRouter(prefix="/auth", tags=["auth"])
router = APIRouter(tags=["auth"])


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def _credentials(request: Request) -> tuple[str, str]:
    """Accept JSON ``{username, password}`` or the OAuth2 password form."""
    ctype = request.headers.get("content-type", "")
    data: Any
    if ctype.startswith("application/x-www-form-urlencoded") or ctype.startswith("multipart/form-data"):
        form = await request.form()
        data = {"username": form.get("username"), "password": form.get("password")}
    else:
        try:
            data = await request.json()
        except Exception as exc:
            raise Unprocessable("Nội dung đăng nhập không hợp lệ.", "Invalid login body.") from exc
    if not isinstance(data, dict):
        raise Unprocessable("Nội dung đăng nhập không hợp lệ.", "Invalid login body.")
    errors = [
        FieldError(field=f, code="missing", message=f"Thiếu trường bắt buộc: {f}")
        for f in ("username", "password")
        if not isinstance(data.get(f), str) or not data.get(f)
    ]
    if errors:
        raise Unprocessable(
            "Vui lòng nhập tên đăng nhập và mật khẩu.", "Username and password are required.", errors=errors
        )
    return str(data["username"])[:80], str(data["password"])[:200]


@public_router.post(
    "/login",
    response_model=schemas.TokenPair,
    operation_id="auth-login",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schemas.LoginRequest.model_json_schema()},
                "application/x-www-form-urlencoded": {"schema": schemas.LoginRequest.model_json_schema()},
            },
        }
    },
    responses={
        401: {"description": "Sai thông tin đăng nhập"},
        429: {"description": "Đăng nhập sai quá nhiều lần"},
    },
)
async def login(request: Request, session: SessionDep) -> dict[str, object]:
    username, password = await _credentials(request)

    return await run_in_threadpool(
        service.login,
        session,
        _settings(request),
        username=username,
        password=password,
        client_ip=_client_ip(request),
        user_agent=request.headers.get("user-agent"),
    )


@public_router.post(
    "/refresh",
    response_model=schemas.TokenPair,
    operation_id="auth-refresh",
    responses={401: {"description": "Mã làm mới không hợp lệ"}},
)
def refresh(body: schemas.RefreshRequest, request: Request, session: SessionDep) -> dict[str, object]:
    return service.refresh(session, _settings(request), refresh_token=body.refresh_token)


@router.post("/auth/logout", status_code=204, operation_id="auth-logout")
def logout(body: schemas.LogoutRequest, session: SessionDep, principal: CurrentPrincipal) -> Response:
    service.logout(session, principal, body.refresh_token)
    return Response(status_code=204)


@router.get("/me", response_model=schemas.MeRead, operation_id="auth-me")
async def me(request: Request, session: SessionDep, principal: CurrentPrincipal) -> Response:
    """The caller: account, memberships (with the unit that owns each role) and permissions."""
    # The token check read everything (``get_principal``: one statement), so this runs on the event loop with no
    # I/O; answered as the JSON itself (FastAPI would validate the model again).
    found = service.kept_own(session, principal)
    if found is None:
        found = await run_in_threadpool(service.own, session, principal)
    user, rows, lineage = found
    memberships: list[schemas.MembershipRead] = []
    if user is not None:
        for role, u in rows:
            owner = owner_unit(role, u, lineage)
            memberships.append(
                schemas.MembershipRead(
                    unit_id=u.id,
                    unit_code=u.code,
                    unit_name=u.name,
                    unit_level=u.level.value,
                    role=role,
                    role_label=role_label(role, u),
                    owner_level=owner.level.value,
                    owner_name=owner.name,
                )
            )
    perms = sorted({p for g in principal.grants for p in g.permissions}, key=lambda p: p.value)
    body = schemas.MeRead(
        id=principal.user_id if user else principal.token_id,
        username=user.username if user else None,
        full_name=principal.name,
        kind="user" if user else "token",
        language=user.language if user else "vi",
        must_change_password=bool(user and user.must_change_password),
        memberships=memberships,
        permissions=perms,
        today=_settings(request).today(),
    )
    return Response(body.model_dump_json(), media_type="application/json")


@router.post("/me/password", status_code=204, operation_id="auth-change_password")
def change_password(
    body: schemas.PasswordChange, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    user = session.get(User, principal.user_id) if principal.user_id is not None else None
    if user is None:
        raise NotFound("Người dùng", "User")
    if not verify_password(body.current_password, user.password_hash):
        raise Unprocessable(
            "Mật khẩu hiện tại không đúng.",
            "Current password is wrong.",
            errors=[FieldError(field="current_password", message="Không đúng")],
        )
    check_password(
        body.new_password,
        settings=get_settings(),
        username=user.username,
        unit_codes=[u.code for _, u in service.own_memberships(session, user.id or 0)],
        field="new_password",
    )
    if body.new_password == body.current_password:
        raise Unprocessable(
            "Mật khẩu mới phải khác mật khẩu hiện tại.",
            "The new password must differ from the current one.",
            errors=[FieldError(field="new_password", code="unchanged", message="Trùng mật khẩu hiện tại")],
        )
    user.password_hash = hash_password(body.new_password)
    user.must_change_password = False
    session.add(user)
    service.revoke_user_sessions(session, user.id or 0, "password_changed")
    from api.audit.service import record

    record(
        session,
        principal,
        "change_password",
        "user",
        user.id,
        None,
        {"password": {"from": "***", "to": "***"}},
    )
    return Response(status_code=204)


__all__ = ["Annotated", "Permission", "public_router", "router"]
