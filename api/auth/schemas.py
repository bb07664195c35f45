from datetime import date, datetime

from pydantic import BaseModel, Field

from api.authz.permissions import Permission
from api.models.user import Role


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    must_change_password: bool = Field(
        default=False,
        description="Mật khẩu do quản trị viên đặt: phải đổi (POST /me/password) trước mọi thao tác khác",
    )


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=10, max_length=200)


class LogoutRequest(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=200)


class MembershipRead(BaseModel):
    unit_id: int
    unit_code: str
    unit_name: str
    unit_level: str
    role: Role
    role_label: str = Field(
        default="", description="Tên vai trò theo cấp của đơn vị (vd. district_admin ở tỉnh: Sở Nội vụ)"
    )
    owner_level: str = Field(
        default="",
        description="Cấp của UBND có kế hoạch, kỳ báo cáo mà vai trò này làm việc theo (xã năm 2026: tỉnh); "
        "màn hình dùng từ ngữ theo cấp này (Sở Nội vụ, UBND tỉnh…)",
    )
    owner_name: str = Field(default="", description="Tên UBND đó (vd. UBND tỉnh Lạng Sơn)")


class MeRead(BaseModel):
    id: int | None
    username: str | None
    full_name: str
    kind: str  # "user" | "token"
    language: str = "vi"
    must_change_password: bool = Field(
        default=False,
        description="Mật khẩu do quản trị viên đặt: mọi API khác trả 403 password_change_required cho đến khi đổi",
    )
    memberships: list[MembershipRead]
    permissions: list[Permission]
    today: date = Field(
        description="Ngày hôm nay của máy chủ (giờ Việt Nam, hoặc ngày cố định của bản trình diễn): năm và ngày mặc định"
    )


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


class ApiTokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    unit_id: int
    permissions: list[Permission] = Field(min_length=1)
    expires_at: datetime | None = None


class ApiTokenRead(BaseModel):
    id: int
    name: str
    prefix: str
    unit_id: int
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    token: str  # shown once
