"""A password chosen by an administrator (create, reset, import, CLI) must be changed at first login: until then
every API route but /me, the own password change, refresh and logout answers 403 password_change_required."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import User
from tests.authz.world import use_cheap_passwords
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"
NEW = "Lua-chon-rieng-2026"


@pytest.fixture(autouse=True)
def _fast_passwords(session: Session) -> None:
    use_cheap_passwords(session)


def _login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    r = client.post(f"{V1}/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _h(pair: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def _unit_id(client: TestClient, headers: dict[str, str], code: str) -> int:
    items = client.get(f"{V1}/org-units", params={"limit": 500}, headers=headers).json()["items"]
    return next(u["id"] for u in items if u["code"] == code)


def _assert_refused(client: TestClient, headers: dict[str, str]) -> None:
    """A sample of routes: reads, writes, the user's own unit and another; all refused the same way."""
    for method, path, body in (
        ("GET", "/assignments", None),
        ("GET", "/org-units", None),
        ("GET", "/users", None),
        ("GET", "/api-tokens", None),
        ("POST", "/users", {"username": "x.y.z", "full_name": "X", "password": NEW}),
    ):
        r = client.request(method, f"{V1}{path}", headers=headers, json=body)
        assert r.status_code == 403, (path, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert problem["code"] == "password_change_required"
        assert "đổi mật khẩu" in problem["detail"].lower()


def _change(client: TestClient, headers: dict[str, str], current: str, new: str) -> Any:
    return client.post(
        f"{V1}/me/password", json={"current_password": current, "new_password": new}, headers=headers
    )


def test_admin_created_user_changes_password_before_anything_else(
    client: TestClient, session: Session
) -> None:
    admin = _h(_login(client, "noivu"))
    unit = _unit_id(client, admin, "LS.BG.X.HOATHAM")
    body = {
        "username": "canbo3.hoatham",
        "full_name": "Cán bộ ba",
        "password": DEMO_PASSWORD,
        "memberships": [{"unit_id": unit, "role": "unit_officer"}],
    }
    created = client.post(f"{V1}/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["must_change_password"] is True

    pair = _login(client, "canbo3.hoatham")
    assert pair["must_change_password"] is True
    h = _h(pair)
    me = client.get(f"{V1}/me", headers=h)
    assert me.status_code == 200 and me.json()["must_change_password"] is True
    _assert_refused(client, h)

    # Refresh still works (and still says so); the same password again is not a change.
    refreshed = client.post(f"{V1}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200 and refreshed.json()["must_change_password"] is True
    h = _h(refreshed.json())
    same = _change(client, h, DEMO_PASSWORD, DEMO_PASSWORD)
    assert same.status_code == 422 and same.json()["errors"][0]["field"] == "new_password"
    weak = _change(client, h, DEMO_PASSWORD, "1234567890")
    assert weak.status_code == 422
    assert _change(client, h, DEMO_PASSWORD, NEW).status_code == 204

    # The change ends the sessions; the next login is free.
    assert client.get(f"{V1}/me", headers=h).status_code == 401
    pair = _login(client, "canbo3.hoatham", NEW)
    assert pair["must_change_password"] is False
    h = _h(pair)
    assert client.get(f"{V1}/me", headers=h).json()["must_change_password"] is False
    assert client.get(f"{V1}/assignments", headers=h).status_code == 200
    session.expire_all()
    user = session.exec(select(User).where(User.username == "canbo3.hoatham")).one()
    assert user.must_change_password is False


def test_admin_reset_sets_the_flag_and_logout_is_allowed(client: TestClient) -> None:
    admin = _h(_login(client, "noivu"))
    users = client.get(f"{V1}/users", params={"q": "canbo.hoatham"}, headers=admin).json()["items"]
    uid = next(u["id"] for u in users if u["username"] == "canbo.hoatham")
    assert _login(client, "canbo.hoatham")["must_change_password"] is False  # demo accounts are not flagged
    etag = client.get(f"{V1}/users/{uid}", headers=admin).headers["etag"]
    r = client.patch(
        f"{V1}/users/{uid}", json={"password": "Dat-lai-boi-QT-2026"}, headers={**admin, "If-Match": etag}
    )
    assert r.status_code == 200 and r.json()["must_change_password"] is True

    pair = _login(client, "canbo.hoatham", "Dat-lai-boi-QT-2026")
    assert pair["must_change_password"] is True
    h = _h(pair)
    _assert_refused(client, h)
    r = client.post(f"{V1}/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=h)
    assert r.status_code == 204
    assert client.get(f"{V1}/me", headers=h).status_code == 401

    # An unrelated edit by the admin (no password) leaves the flag alone.
    etag = client.get(f"{V1}/users/{uid}", headers=admin).headers["etag"]
    r = client.patch(
        f"{V1}/users/{uid}", json={"position": "Chuyên viên"}, headers={**admin, "If-Match": etag}
    )
    assert r.status_code == 200 and r.json()["must_change_password"] is True


def test_a_users_own_change_does_not_set_the_flag(client: TestClient) -> None:
    h = _h(_login(client, "canbo.tanvan"))
    assert _change(client, h, DEMO_PASSWORD, NEW).status_code == 204
    pair = _login(client, "canbo.tanvan", NEW)
    assert pair["must_change_password"] is False
    assert client.get(f"{V1}/assignments", headers=_h(pair)).status_code == 200


def test_an_imported_initial_password_sets_the_flag(client: TestClient, session: Session) -> None:
    admin = _h(_login(client, "noivu"))
    items = [
        {
            "username": "mai.le",
            "full_name": "Lê Thị Mai",
            "unit_code": "LS.BG.X.HOATHAM",
            "role": "unit_officer",
            "password": "Nhap-tu-tep-2026",
        }
    ]
    r = client.post(f"{V1}/imports/users", json=items, headers=admin)
    assert r.status_code == 200, r.text
    assert _login(client, "mai.le", "Nhap-tu-tep-2026")["must_change_password"] is True
