from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col

from api import search
from api.auth.deps import CurrentPrincipal, require
from api.authz import scope
from api.authz.permissions import Permission
from api.db import SessionDep
from api.errors import NotFound
from api.etag import make_etag, require_if_match, set_etag
from api.idempotency import IdempotencyDep
from api.models import Membership, Role, User
from api.pagination import Page, PageDep, paginate
from api.users import service
from api.users.schemas import MembershipIn, MembershipOut, UserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])
P = Permission
SORT = {"username": User.username, "full_name": User.full_name, "id": User.id}


class ActiveChange(BaseModel):
    reason: str | None = Field(default=None, max_length=1000)


def _etag(user: User) -> str:
    return make_etag("user", user.id, user.version)


def _read(session: Session, users: list[User]) -> list[UserRead]:
    ms = service.memberships_of(session, [u.id or 0 for u in users])
    return [
        UserRead.model_validate(u).model_copy(
            update={"memberships": [MembershipOut.model_validate(m) for m in ms[u.id or 0]]}
        )
        for u in users
    ]


@router.get(
    "", response_model=Page[UserRead], operation_id="users-list", dependencies=[require(P.users_read)]
)
def list_users(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    unit_id: int | None = None,
    role: Role | None = None,
    active: bool | None = None,
) -> dict[str, object]:
    stmt = scope.visible_accounts(principal)
    if (hit := search.matches(q, col(User.username), col(User.full_name))) is not None:
        stmt = stmt.where(hit)
    if unit_id is not None or role is not None:
        ms = scope.visible_memberships(principal).with_only_columns(col(Membership.user_id))
        if unit_id is not None:
            ms = ms.where(col(Membership.unit_id) == unit_id)
        if role is not None:
            ms = ms.where(col(Membership.role) == role)
        stmt = stmt.where(col(User.id).in_(ms))
    if active is not None:
        stmt = stmt.where(User.is_active == active)
    return paginate(
        session,
        stmt,
        page,
        sort_fields=SORT,
        default_order=[col(User.id)],
        transform=lambda rows: _read(session, rows),
    )


@router.post(
    "",
    status_code=201,
    response_model=UserRead,
    operation_id="users-create",
    dependencies=[require(P.users_manage)],
)
def create_user(
    body: UserCreate, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    user = service.create_user(session, principal, data=body)
    return idem.respond(session, principal.key, _read(session, [user])[0], 201, {"ETag": _etag(user)})


@router.get(
    "/{user_id}", response_model=UserRead, operation_id="users-get", dependencies=[require(P.users_read)]
)
def get_user(user_id: int, session: SessionDep, principal: CurrentPrincipal, response: Response) -> UserRead:
    user = scope.get_account(session, principal, user_id)
    set_etag(response, _etag(user))
    return _read(session, [user])[0]


@router.patch(
    "/{user_id}", response_model=UserRead, operation_id="users-update", dependencies=[require(P.users_manage)]
)
def update_user(
    user_id: int,
    body: UserUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> UserRead:
    user = scope.get_account(session, principal, user_id, P.users_manage)
    require_if_match(request, _etag(user))
    user = service.update_user(session, principal, user=user, data=body)
    set_etag(response, _etag(user))
    return _read(session, [user])[0]


@router.post(
    "/{user_id}/deactivate",
    response_model=UserRead,
    operation_id="users-deactivate",
    dependencies=[require(P.users_manage)],
)
def deactivate_user(
    user_id: int,
    body: ActiveChange,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> UserRead:
    user = scope.get_account(session, principal, user_id, P.users_manage)
    require_if_match(request, _etag(user))
    user = service.set_active(session, principal, user=user, active=False, reason=body.reason)
    set_etag(response, _etag(user))
    return _read(session, [user])[0]


@router.post(
    "/{user_id}/activate",
    response_model=UserRead,
    operation_id="users-activate",
    dependencies=[require(P.users_manage)],
)
def activate_user(
    user_id: int,
    body: ActiveChange,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> UserRead:
    user = scope.get_account(session, principal, user_id, P.users_manage)
    require_if_match(request, _etag(user))
    user = service.set_active(session, principal, user=user, active=True, reason=body.reason)
    set_etag(response, _etag(user))
    return _read(session, [user])[0]


@router.post(
    "/{user_id}/memberships",
    status_code=201,
    response_model=MembershipOut,
    operation_id="users-add_membership",
    dependencies=[require(P.users_manage)],
)
def add_membership(
    user_id: int, body: MembershipIn, session: SessionDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    if (replayed := idem.replay(session, principal.key)) is not None:
        return replayed
    user = scope.get_account(session, principal, user_id, P.users_manage)
    m = service.add_membership(session, principal, user=user, data=body)
    return idem.respond(session, principal.key, MembershipOut.model_validate(m), 201)


@router.delete(
    "/{user_id}/memberships/{membership_id}",
    status_code=204,
    operation_id="users-remove_membership",
    dependencies=[require(P.users_manage)],
)
def remove_membership(
    user_id: int, membership_id: int, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    user = scope.get_account(session, principal, user_id, P.users_manage)
    m = session.exec(
        scope.visible_memberships(principal, P.users_manage).where(
            Membership.id == membership_id, Membership.user_id == user.id
        )
    ).first()
    if m is None:
        raise NotFound("Vai trò", "Membership")
    service.remove_membership(session, principal, user=user, membership=m)
    return Response(status_code=204)
