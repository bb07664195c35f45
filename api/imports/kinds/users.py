"""Import of users (người dùng) and their roles in units, upserted by username.

One row per (user, unit, role): a user with two roles takes two rows with the same username (the personal columns
may be left blank on the second). An import adds missing roles and updates personal details; it never removes a
role (that stays a deliberate act in the users screen). Roles are granted under the same table as the API
(``ASSIGNABLE_ROLES``): a district admin cannot create system admins. The initial password, when given, is used
only for new accounts; without it the account is created locked (no usable password) until an admin sets one.
"""

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col

from api.auth import security
from api.auth.passwords import password_problem
from api.authz import scope
from api.authz.permissions import ASSIGNABLE_ROLES, Permission
from api.imports.kinds.base import Column, Context, Counts, Kind, Row, UnitInfo
from api.imports.kinds.values import Choice, bool_text, now_utc, parse_bool, required, schema_errors
from api.imports.kinds.writes import audit_many, changes_of, insert_returning_ids, insert_rows, update_rows
from api.models import Membership, OrgUnit, Role, User
from api.users import service as users_service
from api.users.schemas import UserCreate

P = Permission
ROLES = Choice(
    Role,
    {
        "admin": "Quản trị hệ thống",
        "district_admin": "Quản trị cấp huyện (Phòng Nội vụ)",
        "leader": "Lãnh đạo",
        "unit_head": "Thủ trưởng đơn vị",
        "unit_officer": "Công chức",
        "observer": "Quan sát",
    },
    exclude=("integration",),
)
DROPDOWNS = {"roles": ROLES}
PERSONAL = ["full_name", "email", "phone", "position"]
NOTE = "Nhập từ tệp / bulk import"


@dataclass(eq=False)
class UserItem:
    username: str
    first_row: int
    values: dict[str, Any] = field(default_factory=dict)  # personal columns present in the file
    active: bool | None = None
    password: str | None = None
    memberships: list[tuple[int, UnitInfo, Role]] = field(default_factory=list)  # (row, unit, role)
    existing: User | None = None
    rows: list[int] = field(default_factory=list)


@dataclass
class Prepared:
    create: list[UserItem] = field(default_factory=list)
    update: list[tuple[UserItem, dict[str, Any]]] = field(
        default_factory=list
    )  # item, changed personal fields
    add_memberships: list[tuple[UserItem, UnitInfo, Role]] = field(default_factory=list)
    activations: list[UserItem] = field(default_factory=list)


class UsersKind(Kind):
    name = "users"
    title = "Người dùng"
    title_en = "users"
    permission = P.users_manage
    sheet_title = "Người dùng"
    columns = [
        Column("username", "Tên đăng nhập", True, ("tai khoan",), "nguyenvana.hongphong", width=24),
        Column("full_name", "Họ và tên", True, ("ho ten", "full name"), "Nguyễn Văn A", width=26),
        Column("email", "Thư điện tử", False, ("email", "e-mail"), "nguyenvana@example.gov.vn", width=28),
        Column("phone", "Số điện thoại", False, ("dien thoai", "phone"), "0912345678", width=16),
        Column("position", "Chức vụ", False, ("position",), "Công chức Văn phòng - Thống kê", width=26),
        Column("unit_code", "Mã đơn vị", True, ("don vi", "unit"), "", choices="units", width=22),
        Column("role", "Vai trò", True, ("role",), "Công chức", choices="roles", width=26),
        Column("is_active", "Đang hoạt động", False, ("active", "is active"), "Có", choices="bool", width=14),
        Column(
            "password",
            "Mật khẩu ban đầu",
            False,
            ("password", "mat khau"),
            "",
            note="Chỉ dùng khi tạo tài khoản mới (ít nhất 10 ký tự); để trống: tài khoản chưa đăng nhập được "
            "cho đến khi quản trị đặt mật khẩu. Không bao giờ được xuất ra.",
            width=18,
        ),
    ]

    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> Prepared:
        items: dict[str, UserItem] = {}
        seen_membership: dict[tuple[str, str, str], int] = {}
        parsed: list[tuple[Row, str, Any, Any]] = []
        for row in rows:
            username = required(ctx, row, "username")
            username = username.lower() if username else username  # stored lower-case (one account per name)
            unit_code, role_text = required(ctx, row, "unit_code"), required(ctx, row, "role")
            ok_role, role = ROLES.parse(ctx, row, "role") if role_text else (False, None)
            ok_active, active = parse_bool(ctx, row, "is_active")
            if not (username and unit_code and ok_role and role and ok_active):
                continue
            item = items.get(username)
            if item is None:
                item = items[username] = UserItem(username=username, first_row=row.number)
                if required(ctx, row, "full_name") is None:
                    continue
                data = {k: row.get(k) for k in ("full_name", "email", "phone", "position")}
                pw = row.get("password")
                checked = schema_errors(
                    ctx,
                    row,
                    UserCreate,
                    {"username": username, "password": pw or "x" * 10, **data},
                    {k: k for k in ("username", "password", *PERSONAL)},
                )
                if checked is None:
                    continue
                weak = pw and password_problem(
                    pw, settings=ctx.settings, username=username, unit_codes=[unit_code]
                )
                if weak:
                    ctx.error(row.number, "password", "weak_password", weak[1], weak[2])
                    continue
                item.values = {k: v for k, v in data.items() if k in ctx.headers}
                item.active, item.password = active, pw
            else:
                self._same_person(ctx, row, item, active)
            key = (username, unit_code, role.value)
            if key in seen_membership:
                ctx.error(
                    row.number,
                    "role",
                    "duplicate_key",
                    f"Vai trò này của “{username}” tại {unit_code} trùng với dòng {seen_membership[key]}.",
                    "Duplicate (username, unit, role).",
                )
                continue
            seen_membership[key] = row.number
            item.rows.append(row.number)
            parsed.append((row, unit_code, role, item))
        self._memberships(ctx, parsed)
        return self._decide(ctx, items, counts)

    def _same_person(self, ctx: Context, row: Row, item: UserItem, active: bool | None) -> None:
        """A later row of the same username may leave personal columns blank, not contradict them."""
        for k in (*PERSONAL, "password"):
            v = row.get(k)
            first = item.values.get(k) if k != "password" else item.password
            if v is not None and v != first:
                ctx.error(
                    row.number,
                    k,
                    "inconsistent",
                    f"“{v}” khác với dòng {item.first_row} của cùng tên đăng nhập “{item.username}”.",
                    f"Differs from row {item.first_row} of the same username.",
                )
        if active is not None and item.active is not None and active != item.active:
            ctx.error(
                row.number,
                "is_active",
                "inconsistent",
                f"Khác với dòng {item.first_row} của cùng tên đăng nhập.",
                "Differs from the first row.",
            )

    def _memberships(self, ctx: Context, parsed: list[tuple[Row, str, Any, UserItem]]) -> None:
        ctx.units([code for _, code, _, _ in parsed])
        for row, code, role, item in parsed:
            unit = ctx.resolve_unit(row.number, "unit_code", code)
            if unit is None:
                continue
            if role not in self._assignable(ctx, unit):
                ctx.error(
                    row.number,
                    "role",
                    "role_not_assignable",
                    f"Bạn không được cấp vai trò “{ROLES.label(role)}” tại đơn vị {code}.",
                    f"You may not grant role {role.value} in unit {code}.",
                )
                continue
            item.memberships.append((row.number, unit, role))

    def _assignable(self, ctx: Context, unit: UnitInfo) -> set[Role]:
        allowed: set[Role] = set()
        for g in ctx.principal.grants_for(P.users_manage):
            if g.unit_id == unit.id or (g.subtree and unit.path.startswith(g.unit_path)):
                allowed |= ASSIGNABLE_ROLES.get(g.role, frozenset())
        return allowed

    def _decide(self, ctx: Context, items: dict[str, UserItem], counts: Counts) -> Prepared:
        names = list(items)
        taken = set(ctx.session.exec(scope.usernames_taken(names)).all()) if names else set()
        visible = (
            {
                u.username: u
                for u in ctx.session.exec(
                    scope.visible_users(ctx.principal, P.users_manage).where(col(User.username).in_(names))
                ).all()
            }
            if names
            else {}
        )
        have: set[tuple[int, int, str]] = set()
        ids = [u.id for u in visible.values()]
        if ids:
            stmt = scope.visible_memberships(ctx.principal, P.users_manage).where(
                col(Membership.user_id).in_(ids)
            )
            have = {(m.user_id, m.unit_id, m.role.value) for m in ctx.session.exec(stmt).all()}
        out = Prepared()
        bad = {e.row for e in ctx.errors}
        for item in items.values():
            if item.username in taken and item.username not in visible:
                ctx.error(
                    item.first_row,
                    "username",
                    "username_taken",
                    f"Tên đăng nhập “{item.username}” đã được dùng cho một tài khoản ngoài phạm vi quản lý.",
                    "Username already used by an account outside your scope.",
                )
                continue
            if any(r in bad for r in item.rows) or not item.memberships:
                continue
            user = item.existing = visible.get(item.username)
            if user is None:
                out.create.append(item)
                counts.add("created", len(item.memberships))
                counts.detail("users", "created")
                continue
            if item.active is False and ctx.principal.user_id == user.id:
                ctx.error(
                    item.first_row,
                    "is_active",
                    "self_deactivation",
                    "Bạn không thể tự ngừng kích hoạt tài khoản của mình.",
                    "You cannot deactivate yourself.",
                )
                continue
            changed = changes_of({k: getattr(user, k) for k in item.values}, item.values)
            if changed:
                out.update.append((item, changed))
            if item.active is not None and item.active != user.is_active:
                out.activations.append(item)
            new = [(r, u, role) for r, u, role in item.memberships if (user.id, u.id, role.value) not in have]
            out.add_memberships.extend((item, u, role) for _, u, role in new)
            new_rows = {r for r, _, _ in new}
            touched = bool(changed) or (item.active is not None and item.active != user.is_active)
            for r, _, _ in item.memberships:
                counts.add("updated" if r in new_rows or (touched and r == item.rows[0]) else "unchanged")
            if touched or new:
                counts.detail("users", "updated")
        return out

    def apply(self, ctx: Context, prepared: Prepared) -> None:
        session, now = ctx.session, now_utc()
        rows = [
            {
                "username": it.username,
                "full_name": it.values.get("full_name") or "",
                "email": it.values.get("email"),
                "phone": it.values.get("phone"),
                "position": it.values.get("position"),
                "password_hash": security.hash_password(it.password)
                if it.password
                else f"!{secrets.token_hex(16)}",
                # an initial password in the file was chosen by an administrator: changed at first login
                "must_change_password": bool(it.password),
                "is_active": it.active is not False,
                "language": "vi",
                "version": 1,
                "created_at": now,
            }
            for it in prepared.create
        ]
        ids = insert_returning_ids(session, User, rows, ("username",))
        memberships: list[dict[str, Any]] = []
        created_audit = []
        for it, uid in zip(prepared.create, ids, strict=True):
            memberships += [
                {"user_id": uid, "unit_id": u.id, "role": role.value, "created_at": now}
                for _, u, role in it.memberships
            ]
            ch = changes_of(None, {"username": it.username, **it.values, "is_active": it.active is not False})
            ch["memberships"] = {
                "from": None,
                "to": [{"unit_id": u.id, "role": r.value} for _, u, r in it.memberships],
            }
            created_audit.append((uid, it.memberships[0][1].id, ch))
        grants = []
        for it, u, role in prepared.add_memberships:
            user_id = (it.existing.id if it.existing else None) or 0
            memberships.append({"user_id": user_id, "unit_id": u.id, "role": role.value, "created_at": now})
            grants.append(
                (user_id, u.id, {"membership": {"from": None, "to": {"unit_id": u.id, "role": role.value}}})
            )
        insert_rows(session, Membership, memberships)
        update_rows(
            session,
            User,
            [
                {"id": it.existing.id, **it.values, "updated_at": now}
                for it, _ in prepared.update
                if it.existing
            ],
        )
        audit_many(session, ctx.principal, "create", "user", created_audit, NOTE)
        audit_many(session, ctx.principal, "grant_role", "user", grants, NOTE)
        audit_many(
            session,
            ctx.principal,
            "update",
            "user",
            [(it.existing.id, it.memberships[0][1].id, ch) for it, ch in prepared.update if it.existing],
            NOTE,
        )
        if prepared.activations:
            session.expire_all()
            for it in prepared.activations:
                user = session.get(User, it.existing.id if it.existing else 0)
                assert user is not None
                users_service.set_active(
                    session, ctx.principal, user=user, active=bool(it.active), reason=NOTE
                )

    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        unit_ids = ctx.scoped_unit_ids()
        if not unit_ids:
            return []
        stmt = (
            scope.visible_memberships(ctx.principal, P.users_manage)
            .where(col(Membership.unit_id).in_(unit_ids))
            .join(User, col(User.id) == col(Membership.user_id))
            .with_only_columns(
                col(User.username),
                col(User.full_name),
                col(User.email),
                col(User.phone),
                col(User.position),
                col(User.is_active),
                col(OrgUnit.code),
                col(Membership.role),
            )
            .order_by(col(User.username), col(Membership.id))
        )
        out = []
        for username, full_name, email, phone, position, active, code, role in ctx.session.execute(
            stmt
        ).all():
            out.append(
                {
                    "username": username,
                    "full_name": full_name,
                    "email": email,
                    "phone": phone,
                    "position": position,
                    "unit_code": code,
                    "role": ROLES.label(role),
                    "is_active": bool_text(active),
                    "password": None,
                }
            )
        return out


KIND = UsersKind()
__all__ = ["KIND", "ROLES"]
