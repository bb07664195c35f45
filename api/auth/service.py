"""Login, refresh-token rotation, logout, throttling, API tokens and turning credentials into a Principal."""

import math
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

import jwt
from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from api import hot_rows
from api.audit.service import record
from api.auth import security
from api.authz.permissions import ROLE_PERMISSIONS, TOKEN_CEILING, Permission
from api.authz.principal import Grant, Principal, grant_for_role
from api.config import Settings
from api.errors import TooManyRequests, Unauthorized
from api.models import (
    ApiToken,
    AuthSession,
    LoginThrottle,
    Membership,
    OrgUnit,
    RefreshToken,
    Role,
    UnitKind,
    UnitLevel,
    User,
)

TOKEN_PREFIX = "pst"
BAD_LOGIN = ("Tên đăng nhập hoặc mật khẩu không đúng.", "Incorrect username or password.")


def _now() -> datetime:
    return datetime.now(UTC)


# --- throttling -------------------------------------------------------------------------------------------


# Three counters per failed login: the (account, address) pair, the account from any address (both locked after
# PARSIPAS_LOGIN_MAX_FAILURES_PER_USER) and the address for any account (PARSIPAS_LOGIN_MAX_FAILURES_PER_IP).
# A locked pair is refused always; a locked account or address is refused except to an (account, address) pair
# that logged in successfully before (within a refresh-token lifetime). So an attacker sharing an office address
# locks out only the accounts it guessed at from there, an attacker elsewhere cannot lock a user out of their
# usual address, and the attacker itself still gets 429 with Retry-After.


def _norm(username: str) -> str:
    return username.strip().lower()


def _throttle_keys(username: str, client_ip: str | None) -> list[tuple[str, str]]:
    user = _norm(username)
    keys = [("user", f"user:{user}")]
    if client_ip:
        keys += [("pair", f"pair:{user}@{client_ip}"), ("ip", f"ip:{client_ip}")]
    return keys


def _known_key(username: str, client_ip: str | None) -> str | None:
    return f"ok:{_norm(username)}@{client_ip}" if client_ip else None


def _is_known(session: Session, settings: Settings, username: str, client_ip: str | None) -> bool:
    """The account logged in successfully from this address within a refresh-token lifetime."""
    key = _known_key(username, client_ip)
    row = session.get(LoginThrottle, key) if key else None
    return row is not None and row.window_start + timedelta(days=settings.refresh_token_days) > _now()


def _check_throttle(
    session: Session, settings: Settings, keys: list[tuple[str, str]], *, known: bool = False
) -> None:
    now = _now()
    for kind, key in keys:
        if known and kind != "pair":
            continue
        row = session.get(LoginThrottle, key)
        if row and row.locked_until and row.locked_until > now:
            retry = max(1, math.ceil((row.locked_until - now).total_seconds()))
            raise TooManyRequests(
                f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {math.ceil(retry / 60)} phút.",
                "Too many failed logins; retry later.",
                headers={"Retry-After": str(retry)},
            )


def _record_failure(session: Session, settings: Settings, keys: list[tuple[str, str]]) -> None:
    now = _now()
    window = timedelta(seconds=settings.login_window_seconds)
    for kind, key in keys:
        limit = settings.login_max_failures_per_ip if kind == "ip" else settings.login_max_failures_per_user
        row = session.get(LoginThrottle, key)
        if row is None or row.window_start + window < now:
            row = row or LoginThrottle(key=key, window_start=now)
            row.window_start, row.failures, row.locked_until = now, 0, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + window
        session.add(row)


def _clear_user_throttle(session: Session, username: str, client_ip: str | None) -> None:
    """After a successful login: the account's counters go, and the (account, address) pair becomes known."""
    for key in (f"user:{_norm(username)}", f"pair:{_norm(username)}@{client_ip}" if client_ip else None):
        row = session.get(LoginThrottle, key) if key else None
        if row is not None:
            session.delete(row)
    known = _known_key(username, client_ip)
    if known:
        row = session.get(LoginThrottle, known) or LoginThrottle(key=known, window_start=_now())
        row.window_start = _now()
        session.add(row)


# --- login / refresh / logout -----------------------------------------------------------------------------


def _issue(session: Session, settings: Settings, user: User, auth_session: AuthSession) -> dict[str, object]:
    refresh = security.new_opaque_token("psr")
    session.add(RefreshToken(session_id=auth_session.id or 0, token_hash=security.sha256_hex(refresh)))
    access, ttl = security.create_access_token(
        settings, user_id=user.id or 0, session_id=auth_session.id or 0
    )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": ttl,
        "must_change_password": user.must_change_password,
    }


def login(
    session: Session,
    settings: Settings,
    *,
    username: str,
    password: str,
    client_ip: str | None,
    user_agent: str | None,
) -> dict[str, object]:
    """Verify credentials and open a session. Commits itself: failures must be counted even when refused."""
    keys = _throttle_keys(username, client_ip)
    _check_throttle(session, settings, keys, known=_is_known(session, settings, username, client_ip))
    user = session.exec(select(User).where(User.username == _norm(username))).first()
    ok = security.verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        _record_failure(session, settings, keys)
        session.commit()
        raise Unauthorized(*BAD_LOGIN, code="invalid_credentials")
    _clear_user_throttle(session, username, client_ip)
    auth_session = AuthSession(
        user_id=user.id or 0,
        expires_at=_now() + timedelta(days=settings.refresh_token_days),
        client_ip=client_ip,
        user_agent=(user_agent or "")[:300],
    )
    session.add(auth_session)
    # A Core UPDATE: logging in must not bump the row version (an admin's ETag for the user stays valid).
    session.execute(update(User).where(col(User.id) == user.id).values(last_login_at=_now()))
    session.flush()
    pair = _issue(session, settings, user, auth_session)
    record(session, None, "login", "user", user.id, None, note=f"{user.username} đăng nhập")
    session.commit()
    return pair


def refresh(session: Session, settings: Settings, *, refresh_token: str) -> dict[str, object]:
    """Rotate: a refresh token works once. Presenting a spent one revokes its whole family."""
    token_hash = security.sha256_hex(refresh_token)
    row = session.exec(select(RefreshToken).where(RefreshToken.token_hash == token_hash)).first()
    if row is None:
        raise Unauthorized(code="invalid_refresh_token")
    auth_session = session.get(AuthSession, row.session_id)
    now = _now()
    if auth_session is None or auth_session.revoked_at is not None or auth_session.expires_at <= now:
        raise Unauthorized(code="session_ended")
    claimed = session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.id) == row.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        auth_session.revoked_at, auth_session.revoked_reason = now, "refresh_reuse"
        session.add(auth_session)
        record(
            session,
            None,
            "refresh_reuse_detected",
            "auth_session",
            auth_session.id,
            None,
            note="Mã làm mới đã dùng bị gửi lại: thu hồi toàn bộ phiên",
        )
        session.commit()
        raise Unauthorized(
            "Phiên đăng nhập đã bị thu hồi vì mã làm mới bị dùng lại. Vui lòng đăng nhập lại.",
            "Refresh token reuse detected; the session was revoked.",
            code="refresh_reuse",
        )
    user = session.get(User, auth_session.user_id)
    if user is None or not user.is_active:
        raise Unauthorized(code="user_inactive")
    pair = _issue(session, settings, user, auth_session)
    session.commit()
    return pair


def revoke_session(session: Session, session_id: int, reason: str) -> None:
    session.execute(
        update(AuthSession)
        .where(col(AuthSession.id) == session_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=_now(), revoked_reason=reason)
    )


def revoke_user_sessions(session: Session, user_id: int, reason: str) -> None:
    session.execute(
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=_now(), revoked_reason=reason)
    )


def logout(session: Session, principal: Principal, refresh_token: str | None) -> None:
    if principal.session_id is not None:
        revoke_session(session, principal.session_id, "logout")
    if refresh_token:
        row = session.exec(
            select(RefreshToken).where(RefreshToken.token_hash == security.sha256_hex(refresh_token))
        ).first()
        if row is not None:
            owner = session.get(AuthSession, row.session_id)
            if owner is not None and owner.user_id == principal.user_id:
                revoke_session(session, row.session_id, "logout")
    record(session, principal, "logout", "user", principal.user_id, None)


# --- principals -------------------------------------------------------------------------------------------


def own_memberships(session: Session, user_id: int) -> list[tuple[Membership, OrgUnit]]:
    """The caller's own memberships with their units (what its credentials grant; read before any scope)."""
    return list(
        session.exec(
            select(Membership, OrgUnit)
            .join(OrgUnit, col(OrgUnit.id) == Membership.unit_id)
            .where(Membership.user_id == user_id)
            .order_by(col(Membership.id))
        ).all()
    )


def principal_for_user(session: Session, user: User, session_id: int | None = None) -> Principal:
    return _principal(user, own_memberships(session, user.id or 0), session_id)


def _principal(user: User, rows: list[tuple[Membership, OrgUnit]], session_id: int | None) -> Principal:
    grants = tuple(grant_for_role(unit.id or 0, unit.path, m.role) for m, unit in rows)
    return Principal(
        user_id=user.id,
        token_id=None,
        name=user.full_name,
        grants=grants,
        session_id=session_id,
        must_change_password=user.must_change_password,
    )


@cache
def _principal_statement() -> Any:
    """The token check's one statement (every request pays it): the user, the session and the memberships with
    their units, as the few columns a ``Principal`` needs. Built once (a statement is immutable; its values are
    bound parameters) and run on the Core connection: building it and loading four ORM entities per row cost
    ~1 ms of CPU a request, against ~0.3 ms for the round trip itself."""
    return (
        sa_select(
            col(User.is_active),
            col(User.full_name),
            col(User.must_change_password),
            col(AuthSession.revoked_at),
            col(AuthSession.expires_at),
            col(Membership.role),
            col(OrgUnit.id),
            col(OrgUnit.path),
        )
        .select_from(User)
        .join(AuthSession, col(AuthSession.user_id) == User.id)
        .outerjoin(Membership, col(Membership.user_id) == User.id)
        .outerjoin(OrgUnit, col(OrgUnit.id) == col(Membership.unit_id))
        .where(col(User.id) == bindparam("user_id"), col(AuthSession.id) == bindparam("session_id"))
        .order_by(col(Membership.id))
    )


def principal_from_jwt(session: Session, settings: Settings, token: str, *, own: bool = False) -> Principal:
    """The caller of an access token. With ``own`` (``/me``), the same one statement also reads the account, the
    memberships' units and their ancestors as entities, kept in this request's session for the route."""
    try:
        claims = security.decode_access_token(settings, token)
        user_id, session_id = int(claims["sub"]), int(claims["sid"])
    except (jwt.InvalidTokenError, ValueError, TypeError, KeyError) as exc:
        raise Unauthorized() from exc
    if not (
        0 < user_id < 2**63 and 0 < session_id < 2**63
    ):  # the database could not even bind it: still a 401
        raise Unauthorized()
    params = {"user_id": user_id, "session_id": session_id}
    if own:
        return _principal_and_own(session, params)
    rows = hot_rows.rows(session.connection(), _principal_statement(), params)
    if not rows:
        raise Unauthorized()
    is_active, full_name, must_change, revoked_at, expires_at = rows[0][:5]
    if not is_active or revoked_at is not None or expires_at <= _now():
        raise Unauthorized()
    grants = tuple(
        grant_for_role(unit_id, path, role) for *_, role, unit_id, path in rows if unit_id is not None
    )
    return Principal(
        user_id=user_id,
        token_id=None,
        name=full_name,
        grants=grants,
        session_id=session_id,
        must_change_password=must_change,
    )


class UnitView(NamedTuple):
    """The few columns of a unit that ``/me`` words its memberships by (``role_label``, ``owner_unit``)."""

    id: int
    code: str
    name: str
    level: UnitLevel
    kind: UnitKind
    path: str


class OwnAccount(NamedTuple):
    """The caller's account as ``/me`` shows it."""

    id: int
    username: str
    full_name: str
    language: str
    must_change_password: bool


@cache
def _own_statement() -> Any:
    """The token check for ``/me``: the user, the session, the memberships with their units and those units'
    ancestors (an ancestor's path is a prefix of the unit's; ``owner_unit`` words the screens by them), as the
    columns the answer needs (not whole entities: building ~60 result columns and five ORM objects per row was half
    of ``/me``'s CPU). Built once (the alias alone costs its column collection); the ids are bound parameters."""
    above = aliased(OrgUnit)
    unit_cols = (OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.level, OrgUnit.kind, OrgUnit.path)
    above_cols = (above.id, above.code, above.name, above.level, above.kind, above.path)
    return (
        sa_select(
            col(User.is_active),
            col(AuthSession.revoked_at),
            col(AuthSession.expires_at),
            col(User.username),
            col(User.full_name),
            col(User.language),
            col(User.must_change_password),
            col(Membership.id),
            col(Membership.role),
            *(col(c) for c in unit_cols),
            *(col(c) for c in above_cols),
        )
        .select_from(User)
        .join(AuthSession, col(AuthSession.user_id) == User.id)
        .outerjoin(Membership, col(Membership.user_id) == User.id)
        .outerjoin(OrgUnit, col(OrgUnit.id) == col(Membership.unit_id))
        .outerjoin(above, col(OrgUnit.path).like(col(above.path) + "%"))
        .where(col(User.id) == bindparam("user_id"), col(AuthSession.id) == bindparam("session_id"))
        .order_by(col(Membership.id), col(above.path))
    )


_OWN = "parsipas_own_user_memberships"
Own = tuple[OwnAccount | None, list[tuple[Role, UnitView]], dict[int, UnitView]]


def _principal_and_own(session: Session, params: dict[str, int]) -> Principal:
    rows = session.connection().execute(_own_statement(), params).all()
    if not rows:
        raise Unauthorized()
    is_active, revoked_at, expires_at, username, full_name, language, must_change = rows[0][:7]
    if not is_active or revoked_at is not None or expires_at <= _now():
        raise Unauthorized()
    memberships: dict[int, tuple[Role, UnitView]] = {}
    lineage: dict[int, UnitView] = {}
    for row in rows:
        membership_id, role = row[7], row[8]
        if membership_id is not None and row[9] is not None:
            memberships.setdefault(membership_id, (role, UnitView(*row[9:15])))
        if row[15] is not None:
            lineage[row[15]] = UnitView(*row[15:21])
    user_id = params["user_id"]
    own = list(memberships.values())
    account = OwnAccount(user_id, username, full_name, language, must_change)
    # Kept for this request only (a session is never shared between requests): /me answers from it.
    session.info[_OWN] = (account, own, lineage)
    return Principal(
        user_id=user_id,
        token_id=None,
        name=full_name,
        grants=tuple(grant_for_role(u.id, u.path, role) for role, u in own),
        session_id=params["session_id"],
        must_change_password=must_change,
    )


def kept_own(session: Session, principal: Principal) -> Own | None:
    """What the token check of this request read for ``/me`` (``None`` if it did not: then ask :func:`own`)."""
    kept: Own | None = session.info.get(_OWN)
    if principal.user_id is None:
        return None, [], {}
    if kept is not None and kept[0] is not None and kept[0].id == principal.user_id:
        return kept
    return None


def own(session: Session, principal: Principal) -> Own:
    """The caller's account, memberships with their units and the units' ancestors, read now."""
    if principal.user_id is None or principal.session_id is None:
        return None, [], {}
    _principal_and_own(session, {"user_id": principal.user_id, "session_id": principal.session_id})
    return session.info[_OWN]  # type: ignore[no-any-return]


def token_grant(unit: OrgUnit, permissions: list[str]) -> Grant:
    ceiling = TOKEN_CEILING.get(unit.level, ROLE_PERMISSIONS[Role.unit_head])
    perms = frozenset(Permission(p) for p in permissions if p in Permission._value2member_map_) & ceiling
    return Grant(unit.id or 0, unit.path, Role.integration, True, perms)


def principal_from_api_token(
    session: Session, token: str, *, may_write: bool, write_session: Session | None
) -> Principal:
    row = session.exec(
        select(ApiToken, OrgUnit)
        .join(OrgUnit, col(OrgUnit.id) == ApiToken.unit_id)
        .where(ApiToken.token_hash == security.sha256_hex(token))
    ).first()
    now = _now()
    if row is None:
        raise Unauthorized()
    api_token, unit = row
    if api_token.revoked_at is not None or (api_token.expires_at is not None and api_token.expires_at <= now):
        raise Unauthorized()
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
        target = session if may_write else write_session
        if target is not None:
            target.execute(update(ApiToken).where(col(ApiToken.id) == api_token.id).values(last_used_at=now))
            if target is not session:
                target.commit()
    return Principal(
        user_id=None,
        token_id=api_token.id,
        name=f"API token: {api_token.name}",
        grants=(token_grant(unit, api_token.permissions),),
    )
