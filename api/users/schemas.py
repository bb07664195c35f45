from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.models.user import Role


class MembershipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_id: int
    role: Role


class MembershipOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    role: Role


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9_.\-@]+$")
    full_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    position: str | None = Field(default=None, max_length=200)
    language: str = Field(default="vi", pattern=r"^(vi|en)$")
    memberships: list[MembershipIn] = Field(default_factory=list, max_length=50)

    @field_validator("username")
    @classmethod
    def _lower(cls, value: str) -> str:
        """One account per name whatever the case: stored and compared lower-case."""
        return value.lower()


class UserUpdate(BaseModel):
    """Fields left out stay as they are; ``null`` is refused where the field cannot be empty."""

    model_config = ConfigDict(extra="forbid")
    full_name: str = Field(default=None, min_length=1, max_length=200)  # type: ignore[assignment]
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    position: str | None = Field(default=None, max_length=200)
    language: str = Field(default=None, pattern=r"^(vi|en)$")  # type: ignore[assignment]
    password: str = Field(default=None, min_length=10, max_length=200)  # type: ignore[assignment]


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    full_name: str
    email: str | None
    phone: str | None
    position: str | None
    language: str
    is_active: bool
    must_change_password: bool = False
    last_login_at: datetime | None
    version: int
    created_at: datetime
    memberships: list[MembershipOut] = []
