from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, json_field, ts_field


class Role(StrEnum):
    admin = "admin"
    district_admin = "district_admin"
    leader = "leader"
    unit_head = "unit_head"
    unit_officer = "unit_officer"
    observer = "observer"
    integration = "integration"


class User(Versioned, SQLModel, table=True):
    __tablename__ = "user_account"
    # Usernames are stored lower-case, so "abc" and "ABC" are one account (the unique index then covers case).
    __table_args__ = (sa.CheckConstraint("username = lower(username)", name="username_lowercase"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    full_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    position: str | None = Field(default=None, max_length=200)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    # Set when an administrator chose the password (create, reset, import): the user must pick their own before
    # anything else is allowed (api/auth/deps.py). Cleared by the user's own change.
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    language: str = Field(default="vi", max_length=5)
    last_login_at: datetime | None = ts_field()
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class Membership(SQLModel, table=True):
    """A user's role in one unit. Permissions come from the role table in ``api.authz.permissions``."""

    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "unit_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    role: Role = enum_field(Role)
    created_at: datetime = created_at_field()


class AuthSession(SQLModel, table=True):
    """A login: the family of rotating refresh tokens. Revoking it ends every token of the family at once."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = ts_field(nullable=False)
    revoked_at: datetime | None = ts_field()
    revoked_reason: str | None = Field(default=None, max_length=80)
    client_ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_token"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="auth_session.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = created_at_field()
    used_at: datetime | None = ts_field()


class ApiToken(SQLModel, table=True):
    """Token for scripts and integrations: shown once, stored hashed, scoped to a unit and a permission set."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    prefix: str = Field(max_length=16, index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    permissions: list[str] = json_field(list)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = created_at_field()
    expires_at: datetime | None = ts_field()
    revoked_at: datetime | None = ts_field()
    last_used_at: datetime | None = ts_field()


class LoginThrottle(SQLModel, table=True):
    """Failed-login counters per account and per client address, shared by every worker."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=200)
    failures: int = Field(default=0)
    window_start: datetime = ts_field(nullable=False)
    locked_until: datetime | None = ts_field()
