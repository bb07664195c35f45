"""Users and their memberships (vai trò tại đơn vị). Deactivation ends every session at once."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.audit.service import diff, record, snapshot
from api.auth.passwords import check_password
from api.auth.security import hash_password
from api.auth.service import revoke_user_sessions
from api.authz import scope
from api.authz.permissions import ASSIGNABLE_ROLES, Permission
from api.authz.principal import Principal
from api.config import get_settings
from api.errors import Conflict, FieldError, Forbidden
from api.models import Membership, OrgUnit, Role, User
from api.models.base import utcnow
from api.users.schemas import MembershipIn, UserCreate, UserUpdate

P = Permission
USER_FIELDS = ["username", "full_name", "email", "phone", "position", "language", "is_active"]


def _check_assignable(session: Session, principal: Principal, m: MembershipIn) -> None:
    unit = scope.get_unit(session, principal, m.unit_id, P.users_manage)
    allowed: set[Role] = set()
    for g in principal.grants_for(P.users_manage):
        if g.unit_id == unit.id or (g.subtree and unit.path.startswith(g.unit_path)):
            allowed |= ASSIGNABLE_ROLES.get(g.role, frozenset())
    if m.role not in allowed:
        raise Forbidden(
            f"Bạn không được cấp vai trò '{m.role.value}' tại đơn vị {unit.code}.",
            f"You may not grant role {m.role.value} in unit {unit.code}.",
            code="role_not_assignable",
        )


def _unit_codes(session: Session, unit_ids: list[int]) -> list[str]:
    if not unit_ids:
        return []
    return list(session.exec(select(OrgUnit.code).where(col(OrgUnit.id).in_(unit_ids))).all())


def create_user(
    session: Session, principal: Principal | None, *, data: UserCreate, must_change_password: bool = True
) -> User:
    """Create a user. ``principal=None`` is the operator CLI (no scope checks).

    The password was chosen by someone else, so by default the user must change it at first login.
    """
    check_password(
        data.password,
        settings=get_settings(),
        username=data.username,
        unit_codes=_unit_codes(session, [m.unit_id for m in data.memberships]),
    )
    exists = session.exec(select(func.count()).select_from(User).where(User.username == data.username)).one()
    if exists:
        raise Conflict(
            f"Tên đăng nhập '{data.username}' đã tồn tại.",
            "Username already exists.",
            code="duplicate_username",
            errors=[FieldError(field="username", message="Đã tồn tại")],
        )
    if principal is not None:
        if not data.memberships and not scope.is_top_level(principal, P.users_manage):
            raise Forbidden(
                "Người dùng mới phải có ít nhất một vai trò tại một đơn vị bạn quản lý.",
                "A new user needs at least one membership in a unit you manage.",
                code="membership_required",
            )
        for m in data.memberships:
            _check_assignable(session, principal, m)
    user = User(
        username=data.username,
        full_name=data.full_name,
        email=data.email,
        phone=data.phone,
        position=data.position,
        language=data.language,
        password_hash=hash_password(data.password),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    for m in data.memberships:
        session.add(Membership(user_id=user.id or 0, unit_id=m.unit_id, role=m.role))
    session.flush()
    unit_id = data.memberships[0].unit_id if data.memberships else None
    record(
        session,
        principal,
        "create",
        "user",
        user.id,
        unit_id,
        {
            **diff({}, snapshot(user, USER_FIELDS)),
            "memberships": {"from": None, "to": [m.model_dump(mode="json") for m in data.memberships]},
        },
    )
    return user


def memberships_of(session: Session, user_ids: list[int]) -> dict[int, list[Membership]]:
    out: dict[int, list[Membership]] = {uid: [] for uid in user_ids}
    if user_ids:
        for m in session.exec(
            select(Membership).where(col(Membership.user_id).in_(user_ids)).order_by(col(Membership.id))
        ).all():
            out[m.user_id].append(m)
    return out


def primary_unit(session: Session, user_id: int) -> int | None:
    return session.exec(
        select(Membership.unit_id).where(Membership.user_id == user_id).order_by(col(Membership.id))
    ).first()


def update_user(session: Session, principal: Principal, *, user: User, data: UserUpdate) -> User:
    before = snapshot(user, USER_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    if password:
        units = [m.unit_id for m in memberships_of(session, [user.id or 0])[user.id or 0]]
        check_password(
            password, settings=get_settings(), username=user.username, unit_codes=_unit_codes(session, units)
        )
    for k, v in changes.items():
        setattr(user, k, v)
    if password:
        user.password_hash = hash_password(password)
        user.must_change_password = True
        revoke_user_sessions(session, user.id or 0, "password_reset")
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    ch = diff(before, snapshot(user, USER_FIELDS))
    if password:
        ch["password"] = {"from": "***", "to": "***"}
    record(session, principal, "update", "user", user.id, primary_unit(session, user.id or 0), ch)
    return user


def set_active(
    session: Session, principal: Principal, *, user: User, active: bool, reason: str | None
) -> User:
    if principal.user_id == user.id and not active:
        raise Conflict(
            "Bạn không thể tự ngừng kích hoạt tài khoản của mình.", "You cannot deactivate yourself."
        )
    before = snapshot(user, USER_FIELDS)
    user.is_active = active
    user.updated_at = utcnow()
    session.add(user)
    if not active:
        revoke_user_sessions(session, user.id or 0, "deactivated")
    session.flush()
    record(
        session,
        principal,
        "activate" if active else "deactivate",
        "user",
        user.id,
        primary_unit(session, user.id or 0),
        diff(before, snapshot(user, USER_FIELDS)),
        reason,
    )
    return user


def add_membership(session: Session, principal: Principal, *, user: User, data: MembershipIn) -> Membership:
    _check_assignable(session, principal, data)
    dup = session.exec(
        select(Membership).where(
            Membership.user_id == user.id, Membership.unit_id == data.unit_id, Membership.role == data.role
        )
    ).first()
    if dup:
        raise Conflict("Người dùng đã có vai trò này tại đơn vị.", "Membership already exists.")
    m = Membership(user_id=user.id or 0, unit_id=data.unit_id, role=data.role)
    session.add(m)
    session.flush()
    record(
        session,
        principal,
        "grant_role",
        "user",
        user.id,
        data.unit_id,
        {"membership": {"from": None, "to": data.model_dump(mode="json")}},
    )
    return m


def remove_membership(session: Session, principal: Principal, *, user: User, membership: Membership) -> None:
    _check_assignable(session, principal, MembershipIn(unit_id=membership.unit_id, role=membership.role))
    record(
        session,
        principal,
        "revoke_role",
        "user",
        user.id,
        membership.unit_id,
        {"membership": {"from": {"unit_id": membership.unit_id, "role": membership.role.value}, "to": None}},
    )
    session.delete(membership)
    session.flush()
