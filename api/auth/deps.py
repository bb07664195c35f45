"""Named dependencies: ``CurrentPrincipal`` and ``require(Permission.X)``."""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from api.auth import service
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import Settings, get_settings
from api.db import SessionDep, write_session
from api.errors import Forbidden, Unauthorized

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/login",
    auto_error=False,
    description="Access JWT from /auth/login, or an API token (pst_…)",
)


def get_principal(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    if not token:
        raise Unauthorized()
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    if token.startswith(service.TOKEN_PREFIX + "_"):
        readonly = request.method in ("GET", "HEAD", "OPTIONS")
        if readonly:
            with write_session(request.app.state.engine) as ws:
                principal = service.principal_from_api_token(
                    session, token, may_write=False, write_session=ws
                )
        else:
            principal = service.principal_from_api_token(session, token, may_write=True, write_session=None)
    else:
        # /me answers from what its token check reads (one statement for both)
        own = getattr(request.scope.get("route"), "operation_id", None) == "auth-me"
        principal = service.principal_from_jwt(session, settings, token, own=own)
    request.state.principal = principal
    if principal.must_change_password:
        _refuse_until_password_changed(request)
    return principal


# What a user whose password an administrator set may still do (by operation id, so prefixes do not matter);
# /auth/refresh is public and needs no principal.
PASSWORD_CHANGE_ALLOWED = frozenset({"auth-me", "auth-change_password", "auth-logout"})


def _refuse_until_password_changed(request: Request) -> None:
    route = request.scope.get("route")
    if getattr(route, "operation_id", None) in PASSWORD_CHANGE_ALLOWED:
        return
    raise Forbidden(
        "Mật khẩu của bạn do quản trị viên đặt. Vui lòng đổi mật khẩu trước khi tiếp tục.",
        "Your password was set by an administrator; change it before doing anything else.",
        code="password_change_required",
    )


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def check_permission(principal: Principal, permission: Permission) -> None:
    """403 ``missing_permission`` unless the caller holds ``permission`` somewhere."""
    if not principal.has(permission):
        raise Forbidden(
            "Bạn không có quyền thực hiện thao tác này.",
            f"Missing permission {permission.value}.",
            code="missing_permission",
        )


def require(permission: Permission) -> Any:
    """Dependency: the caller holds ``permission`` somewhere (rows are still scoped by api.authz.scope)."""

    async def _check(principal: CurrentPrincipal) -> Principal:  # no I/O: on the event loop, not a thread
        check_permission(principal, permission)
        return principal

    _check.__name__ = f"require_{permission.name}"
    setattr(_check, _PERMISSION, permission)  # read by api.one_hop (the same check in its one thread call)
    return Depends(_check)


_PERMISSION = "__parsipas_permission__"


def required_permission(call: Any) -> Permission | None:
    """The permission a :func:`require` dependency checks (``None`` for any other callable)."""
    found = getattr(call, _PERMISSION, None)
    return found if isinstance(found, Permission) else None
