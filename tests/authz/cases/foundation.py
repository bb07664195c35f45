"""Matrix rows for the foundation: health, auth, org units, users, API tokens, audit events."""

import secrets
from typing import Any

from sqlmodel import select

from tests.authz.spec import ACTORS, ALL_USERS, SETUP_ADMINS, Case, Req
from tests.authz.world import add_unit, cheap_demo_hash
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"
EVERYONE = frozenset(ACTORS)
ADMINS = SETUP_ADMINS  # units:manage, users:manage, tokens:manage, audit:read
USER_READERS = frozenset({"admin", "district_admin", "leader", "unit_head", "token"})  # users:read


def setup(w: Any) -> None:
    """Deletable leaf units, a user with a membership and a token on each side, audit events on each side."""
    from api.auth import security
    from api.models import ApiToken, AuditEvent, Membership, OrgUnit, Role, User

    s = w.session
    own_unit = s.get(OrgUnit, w.ids["own_unit"])
    foreign_unit = s.get(OrgUnit, w.ids["foreign_unit"])
    own_leaf = add_unit(s, "LS.BG.X.HOATHAM.TO1", "Tổ công tác (leaf)", "commune", "office", own_unit)
    foreign_leaf = add_unit(s, "XX.D.C.TO1", "Tổ công tác ngoài (leaf)", "commune", "office", foreign_unit)

    def person(username: str, unit_id: int) -> tuple[int, int]:
        u = User(username=username, full_name=username, password_hash=cheap_demo_hash())
        s.add(u)
        s.flush()
        m = Membership(user_id=u.id or 0, unit_id=unit_id, role=Role.unit_officer)
        s.add(m)
        s.flush()
        return u.id or 0, m.id or 0

    def token(name: str, unit_id: int) -> int:
        plain = f"pst_{secrets.token_urlsafe(32)}"
        t = ApiToken(
            name=name,
            prefix=plain[:10],
            token_hash=security.sha256_hex(plain),
            unit_id=unit_id,
            permissions=["plans:read"],
        )
        s.add(t)
        s.flush()
        return t.id or 0

    own_user, own_m = person("matrix.own", own_unit.id)
    foreign_user, foreign_m = person("matrix.foreign", foreign_unit.id)
    events = [
        AuditEvent(action="update", entity_type="org_unit", entity_id=str(uid), unit_id=uid, actor_name="x")
        for uid in (foreign_unit.id, w.ids["foreign_district"], w.ids["own_unit"])
    ]
    s.add_all(events)
    s.flush()
    w.ids.update(
        own_leaf_unit=own_leaf.id,
        foreign_leaf_unit=foreign_leaf.id,
        own_user=own_user,
        foreign_user=foreign_user,
        own_membership=own_m,
        foreign_membership=foreign_m,
        own_token=token("own", own_unit.id),
        foreign_token=token("foreign", w.ids["foreign_district"]),
        foreign_audit_events={e.id for e in events[:2]},
        own_audit_event=events[2].id,
    )
    assert s.exec(select(OrgUnit).where(OrgUnit.id == own_leaf.id)).one().path.endswith(f"/{own_leaf.id}/")
    s.commit()


def _refresh_token(w: Any) -> str:
    r = w.client.post(f"{V1}/auth/login", json={"username": "huyenuy", "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["refresh_token"])


def _etagged(method: str, path: str, body: Any = None) -> Any:
    """A request carrying the current ETag of its resource (the path without a trailing action)."""

    def make(w: Any, _actor: str) -> Req:
        full = V1 + path.format_map(w.ids)
        resource = full.removesuffix("/deactivate").removesuffix("/activate")
        return Req(method, full, json=body, headers={"If-Match": w.etag(resource)})

    return make


def _req(method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
    return lambda w, _a: Req(method, V1 + path.format_map(w.ids), json=body, params=params)


def _unit_body(parent_key: str) -> Any:
    return lambda w, a: Req(
        "POST",
        f"{V1}/org-units",
        json={
            "code": f"T-{parent_key}-{a}",
            "name": "Tổ mới",
            "level": "commune",
            "kind": "office",
            "parent_id": w.ids[parent_key],
        },
    )


def _user_body(unit_key: str) -> Any:
    return lambda w, a: Req(
        "POST",
        f"{V1}/users",
        json={
            "username": f"new.{unit_key}.{a}",
            "full_name": "Người dùng mới",
            "password": DEMO_PASSWORD,
            "memberships": [{"unit_id": w.ids[unit_key], "role": "unit_officer"}],
        },
    )


def _token_body(unit_key: str) -> Any:
    return lambda w, a: Req(
        "POST",
        f"{V1}/api-tokens",
        json={"name": f"script {a}", "unit_id": w.ids[unit_key], "permissions": ["units:read"]},
    )


SUCCESSION = {"kind": "merged_into", "effective_date": "2025-07-01", "legal_basis": "NQ 1674/NQ-UBTVQH15"}
ALL = {"limit": 500}

CASES = [
    Case("health-get", own=_req("GET", "/health"), allowed=EVERYONE, public=True),
    Case("health-live", own=_req("GET", "/health/live"), allowed=EVERYONE, public=True),
    Case("health-ready", own=_req("GET", "/health/ready"), allowed=EVERYONE, public=True),
    Case(
        "auth-login",
        own=lambda w, a: Req(
            "POST", f"{V1}/auth/login", json={"username": "canbo.tanvan", "password": DEMO_PASSWORD}
        ),
        allowed=EVERYONE,
        public=True,
    ),
    Case(
        "auth-refresh",
        own=lambda w, a: Req("POST", f"{V1}/auth/refresh", json={"refresh_token": _refresh_token(w)}),
        allowed=EVERYONE,
        public=True,
    ),
    Case(
        "auth-logout",
        own=lambda w, a: Req("POST", f"{V1}/auth/logout", json={}),
        allowed=ALL_USERS,
        note="acts on the caller's own session only",
    ),
    Case("auth-me", own=_req("GET", "/me"), allowed=ALL_USERS, note="the caller itself"),
    Case(
        "auth-change_password",
        own=_req(
            "POST", "/me/password", {"current_password": DEMO_PASSWORD, "new_password": "Mat-khau-moi-2024"}
        ),
        allowed=ALL_USERS - {"token"},
        note="the caller's own account (a token has no password: 404)",
    ),
    # --- org units
    Case(
        "org_units-list",
        own=_req("GET", "/org-units", params=ALL),
        allowed=ALL_USERS,
        list_foreign_ids=lambda w: {
            w.ids["foreign_unit"],
            w.ids["foreign_district"],
            w.ids["foreign_province"],
        },
    ),
    Case("org_units-create", own=_unit_body("own_unit"), foreign=_unit_body("foreign_unit"), allowed=ADMINS),
    Case(
        "org_units-get",
        own=_req("GET", "/org-units/{own_unit}"),
        foreign=_req("GET", "/org-units/{foreign_unit}"),
        allowed=ALL_USERS,
    ),
    Case(
        "org_units-update",
        own=_etagged("PATCH", "/org-units/{own_unit}", {"short_name": "Hoa Thám"}),
        foreign=_etagged("PATCH", "/org-units/{foreign_unit}", {"short_name": "X"}),
        allowed=ADMINS,
    ),
    Case(
        "org_units-deactivate",
        own=_etagged("POST", "/org-units/{own_leaf_unit}/deactivate", {"reason": "Sáp nhập"}),
        foreign=_etagged("POST", "/org-units/{foreign_leaf_unit}/deactivate", {"reason": "Sáp nhập"}),
        allowed=ADMINS,
    ),
    Case(
        "org_units-delete",
        own=_etagged("DELETE", "/org-units/{own_leaf_unit}"),
        foreign=_etagged("DELETE", "/org-units/{foreign_leaf_unit}"),
        allowed=ADMINS,
    ),
    Case(
        "org_units-successions",
        own=_req("GET", "/org-units/{own_unit}/successions"),
        foreign=_req("GET", "/org-units/{foreign_unit}/successions"),
        allowed=ALL_USERS,
    ),
    Case(
        "org_units-add_succession",
        own=lambda w, a: Req(
            "POST",
            f"{V1}/org-units/{w.ids['own_leaf_unit']}/successions",
            json={**SUCCESSION, "to_unit_id": w.ids["own_unit"]},
        ),
        foreign=lambda w, a: Req(
            "POST",
            f"{V1}/org-units/{w.ids['foreign_leaf_unit']}/successions",
            json={**SUCCESSION, "to_unit_id": w.ids["foreign_unit"]},
        ),
        allowed=ADMINS,
    ),
    # --- users
    Case(
        "users-list",
        own=_req("GET", "/users", params=ALL),
        allowed=USER_READERS,
        list_foreign_ids=lambda w: {w.ids["foreign_user"], w.ids["foreign_admin_user"]},
    ),
    Case("users-create", own=_user_body("own_unit"), foreign=_user_body("foreign_unit"), allowed=ADMINS),
    Case(
        "users-get",
        own=_req("GET", "/users/{own_user}"),
        foreign=_req("GET", "/users/{foreign_user}"),
        allowed=USER_READERS,
    ),
    Case(
        "users-update",
        own=_etagged("PATCH", "/users/{own_user}", {"position": "Công chức Văn phòng"}),
        foreign=_etagged("PATCH", "/users/{foreign_user}", {"position": "X"}),
        allowed=ADMINS,
    ),
    Case(
        "users-deactivate",
        own=_etagged("POST", "/users/{own_user}/deactivate", {"reason": "Nghỉ hưu"}),
        foreign=_etagged("POST", "/users/{foreign_user}/deactivate", {"reason": "Nghỉ hưu"}),
        allowed=ADMINS,
    ),
    Case(
        "users-activate",
        own=_etagged("POST", "/users/{own_user}/activate", {}),
        foreign=_etagged("POST", "/users/{foreign_user}/activate", {}),
        allowed=ADMINS,
    ),
    Case(
        "users-add_membership",
        own=lambda w, a: Req(
            "POST",
            f"{V1}/users/{w.ids['own_user']}/memberships",
            json={"unit_id": w.ids["own_unit"], "role": "observer"},
        ),
        foreign=lambda w, a: Req(
            "POST",
            f"{V1}/users/{w.ids['foreign_user']}/memberships",
            json={"unit_id": w.ids["foreign_unit"], "role": "observer"},
        ),
        allowed=ADMINS,
    ),
    Case(
        "users-remove_membership",
        own=_req("DELETE", "/users/{own_user}/memberships/{own_membership}"),
        foreign=_req("DELETE", "/users/{foreign_user}/memberships/{foreign_membership}"),
        allowed=ADMINS,
    ),
    # --- API tokens
    Case(
        "api_tokens-list",
        own=_req("GET", "/api-tokens", params=ALL),
        allowed=ADMINS,
        list_foreign_ids=lambda w: {w.ids["foreign_token"]},
    ),
    Case(
        "api_tokens-create", own=_token_body("own_unit"), foreign=_token_body("foreign_unit"), allowed=ADMINS
    ),
    Case(
        "api_tokens-revoke",
        own=_req("POST", "/api-tokens/{own_token}/revoke"),
        foreign=_req("POST", "/api-tokens/{foreign_token}/revoke"),
        allowed=ADMINS,
    ),
    # --- audit trail
    Case(
        "audit-list",
        own=_req("GET", "/audit-events", params=ALL),
        allowed=ADMINS,
        list_foreign_ids=lambda w: set(w.ids["foreign_audit_events"]),
    ),
]
