"""Who is calling: a user (through its memberships) or an API token (through its grant)."""

from dataclasses import dataclass, field

from api.authz.permissions import ROLE_PERMISSIONS, SUBTREE_ROLES, Permission
from api.models.user import Role


@dataclass(frozen=True)
class Grant:
    unit_id: int
    unit_path: str
    role: Role
    subtree: bool
    permissions: frozenset[Permission]


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    token_id: int | None
    name: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    session_id: int | None = None
    # An administrator set the password: only /me, the own password change and logout until it is changed.
    must_change_password: bool = False

    @property
    def key(self) -> str:
        """Stable identity for per-principal records (idempotency keys)."""
        return f"user:{self.user_id}" if self.user_id is not None else f"token:{self.token_id}"

    def has(self, permission: Permission) -> bool:
        return any(permission in g.permissions for g in self.grants)

    def grants_for(self, permission: Permission) -> list[Grant]:
        return [g for g in self.grants if permission in g.permissions]

    def roles(self) -> set[Role]:
        return {g.role for g in self.grants}

    def covers(self, permission: Permission, unit_id: int, unit_path: str) -> bool:
        """Does a grant with ``permission`` reach this unit (own unit, or subtree for subtree roles)?"""
        for g in self.grants_for(permission):
            if g.unit_id == unit_id or (g.subtree and unit_path.startswith(g.unit_path)):
                return True
        return False


def grant_for_role(unit_id: int, unit_path: str, role: Role) -> Grant:
    return Grant(unit_id, unit_path, role, role in SUBTREE_ROLES, ROLE_PERMISSIONS[role])
