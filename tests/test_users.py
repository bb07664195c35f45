"""Users and memberships: managed within the caller's subtree, roles limited by who grants them, deactivation
(never deletion) that ends sessions at once."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.authz.world import use_cheap_passwords
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(session: Session) -> None:
    use_cheap_passwords(session)


@pytest.fixture
def h(client: TestClient) -> Any:
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in cache:
            r = client.post(f"{V1}/auth/login", json={"username": username, "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
            cache[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return cache[username]

    return headers


@pytest.fixture
def units(client: TestClient, h: Any) -> dict[str, int]:
    page = client.get(f"{V1}/org-units", params={"limit": 500}, headers=h("admin")).json()
    return {u["code"]: u["id"] for u in page["items"]}


def _new_user(
    client: TestClient, headers: dict[str, str], username: str, memberships: list[dict[str, Any]]
) -> Any:
    body = {
        "username": username,
        "full_name": username.title(),
        "password": DEMO_PASSWORD,
        "memberships": memberships,
    }
    return client.post(f"{V1}/users", json=body, headers=headers)


def _user_id(client: TestClient, headers: dict[str, str], username: str) -> int:
    items = client.get(f"{V1}/users", params={"q": username}, headers=headers).json()["items"]
    return next(u["id"] for u in items if u["username"] == username)


def _edit(client: TestClient, headers: dict[str, str], method: str, path: str, body: Any) -> Any:
    uid = path.split("/")[2]
    etag = client.get(f"{V1}/users/{uid}", headers=headers).headers["etag"]
    return client.request(method, f"{V1}{path}", json=body, headers={**headers, "If-Match": etag})


def test_district_admin_manages_users_in_its_subtree(
    client: TestClient, h: Any, units: dict[str, int]
) -> None:
    admin = h("noivu")
    created = _new_user(
        client, admin, "canbo2.hoatham", [{"unit_id": units["LS.BG.X.HOATHAM"], "role": "unit_officer"}]
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert "password" not in user and "password_hash" not in user
    assert [(m["unit_id"], m["role"]) for m in user["memberships"]] == [
        (units["LS.BG.X.HOATHAM"], "unit_officer")
    ]
    # The new account works and reaches its commune.
    me = client.post(f"{V1}/auth/login", json={"username": "canbo2.hoatham", "password": DEMO_PASSWORD})
    assert me.status_code == 200
    # Logging in does not bump the version: the ETag taken at creation, before the login, is still good.
    r = client.patch(
        f"{V1}/users/{user['id']}",
        json={"full_name": "Nông Văn Hai", "position": "Công chức"},
        headers={**admin, "If-Match": created.headers["etag"]},
    )
    assert r.status_code == 200 and r.json()["full_name"] == "Nông Văn Hai", r.text
    assert r.json()["version"] == user["version"] + 1 and r.json()["last_login_at"] is not None
    listed = client.get(f"{V1}/users", params={"unit_id": units["LS.BG.X.HOATHAM"]}, headers=admin).json()
    assert {"canbo2.hoatham", "canbo.hoatham", "chutich.hoatham"} == {u["username"] for u in listed["items"]}
    heads = client.get(f"{V1}/users", params={"role": "unit_head", "limit": 500}, headers=admin).json()
    assert {"chutich.hoatham", "chutich.tanvan", "truongphong.vhtt"} == {
        u["username"] for u in heads["items"]
    }


def test_district_admin_cannot_create_an_admin(client: TestClient, h: Any, units: dict[str, int]) -> None:
    admin = h("noivu")
    for unit in ("LS.BG", "LS.BG.X.HOATHAM"):
        r = _new_user(client, admin, "quantri2", [{"unit_id": units[unit], "role": "admin"}])
        assert r.status_code == 403 and r.json()["code"] == "role_not_assignable"
    uid = _user_id(client, admin, "canbo.hoatham")
    r = client.post(
        f"{V1}/users/{uid}/memberships", json={"unit_id": units["LS.BG"], "role": "admin"}, headers=admin
    )
    assert r.status_code == 403
    r = client.post(
        f"{V1}/users/{uid}/memberships",
        json={"unit_id": units["LS.BG"], "role": "integration"},
        headers=admin,
    )
    assert r.status_code == 403
    assert client.get(f"{V1}/users", params={"q": "quantri2"}, headers=h("admin")).json()["total"] == 0
    # The province admin may.
    r = _new_user(client, h("admin"), "quantri2", [{"unit_id": units["LS"], "role": "admin"}])
    assert r.status_code == 201, r.text


def test_district_admin_cannot_manage_users_outside_its_subtree(
    client: TestClient, h: Any, units: dict[str, int]
) -> None:
    province = h("admin")
    r = _new_user(client, province, "canbo.snv", [{"unit_id": units["LS.SNV"], "role": "unit_officer"}])
    assert r.status_code == 201, r.text
    outsider = r.json()
    admin = h("noivu")
    assert client.get(f"{V1}/users/{outsider['id']}", headers=admin).status_code == 404
    etag = client.get(f"{V1}/users/{outsider['id']}", headers=province).headers["etag"]
    for method, path, body in (
        ("PATCH", f"/users/{outsider['id']}", {"password": "Chiem-quyen-2024"}),
        ("POST", f"/users/{outsider['id']}/deactivate", {}),
        ("POST", f"/users/{outsider['id']}/memberships", {"unit_id": units["LS.BG"], "role": "leader"}),
        ("DELETE", f"/users/{outsider['id']}/memberships/{outsider['memberships'][0]['id']}", None),
    ):
        r = client.request(method, f"{V1}{path}", json=body, headers={**admin, "If-Match": etag})
        assert r.status_code == 404, (method, path, r.text)
    assert outsider["id"] not in {
        u["id"] for u in client.get(f"{V1}/users", params={"limit": 500}, headers=admin).json()["items"]
    }
    r = _new_user(client, admin, "canbo.snv2", [{"unit_id": units["LS.SNV"], "role": "unit_officer"}])
    assert r.status_code == 404
    assert client.get(f"{V1}/users/{outsider['id']}", headers=province).json()["version"] == 1


def test_users_without_membership_are_not_visible_to_district_admins(
    client: TestClient, h: Any, units: dict[str, int]
) -> None:
    """An account with no membership (new operator, or a person between posts) belongs to no unit: only a
    top-level admin may see or manage it, otherwise any district admin could take it over."""
    province = h("admin")
    r = _new_user(client, province, "chua.phan.cong", [])
    assert r.status_code == 201, r.text
    orphan = r.json()
    admin = h("noivu")
    assert client.get(f"{V1}/users/{orphan['id']}", headers=admin).status_code == 404
    listed = client.get(f"{V1}/users", params={"limit": 500}, headers=admin).json()["items"]
    assert orphan["id"] not in {u["id"] for u in listed}
    etag = client.get(f"{V1}/users/{orphan['id']}", headers=province).headers["etag"]
    r = client.patch(
        f"{V1}/users/{orphan['id']}",
        json={"password": "Chiem-quyen-2024"},
        headers={**admin, "If-Match": etag},
    )
    assert r.status_code == 404
    r = client.post(
        f"{V1}/users/{orphan['id']}/memberships",
        json={"unit_id": units["LS.BG.X.HOATHAM"], "role": "unit_officer"},
        headers=admin,
    )
    assert r.status_code == 404
    # The province admin places the person; from then on the district admin manages them.
    r = client.post(
        f"{V1}/users/{orphan['id']}/memberships",
        json={"unit_id": units["LS.BG.X.HOATHAM"], "role": "unit_officer"},
        headers=province,
    )
    assert r.status_code == 201, r.text
    assert client.get(f"{V1}/users/{orphan['id']}", headers=admin).status_code == 200
    # And a district admin cannot create such accounts either.
    assert _new_user(client, admin, "mo.coi", []).status_code == 403


def test_a_district_admin_cannot_orphan_a_user_to_reach_it_later(
    client: TestClient, h: Any, units: dict[str, int]
) -> None:
    admin = h("noivu")
    uid = _user_id(client, admin, "canbo.tanvan")
    ms = client.get(f"{V1}/users/{uid}", headers=admin).json()["memberships"]
    r = client.delete(f"{V1}/users/{uid}/memberships/{ms[0]['id']}", headers=admin)
    assert r.status_code == 204, r.text
    assert client.get(f"{V1}/users/{uid}", headers=admin).status_code == 404
    assert client.get(f"{V1}/users/{uid}", headers=h("admin")).status_code == 200


def test_users_are_deactivated_never_deleted(client: TestClient, h: Any, units: dict[str, int]) -> None:
    admin = h("noivu")
    uid = _user_id(client, admin, "canbo.tanvan")
    assert client.delete(f"{V1}/users/{uid}", headers=admin).status_code == 405  # there is no way to delete
    officer = h("canbo.tanvan")
    r = _edit(client, admin, "POST", f"/users/{uid}/deactivate", {"reason": "Chuyển công tác"})
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert client.get(f"{V1}/me", headers=officer).status_code == 401
    inactive = client.get(f"{V1}/users", params={"active": False}, headers=admin).json()
    assert [u["id"] for u in inactive["items"]] == [uid]
    r = _edit(client, admin, "POST", f"/users/{uid}/activate", {})
    assert r.status_code == 200 and r.json()["is_active"] is True
    assert (
        client.post(
            f"{V1}/auth/login", json={"username": "canbo.tanvan", "password": DEMO_PASSWORD}
        ).status_code
        == 200
    )
    own = client.get(f"{V1}/me", headers=admin).json()["id"]
    r = _edit(client, admin, "POST", f"/users/{own}/deactivate", {})
    assert r.status_code == 409


def test_password_reset_by_an_admin_ends_the_users_sessions(client: TestClient, h: Any) -> None:
    admin = h("noivu")
    officer = h("canbo.hoatham")
    uid = _user_id(client, admin, "canbo.hoatham")
    r = _edit(client, admin, "PATCH", f"/users/{uid}", {"password": "Mat-khau-moi-2024"})
    assert r.status_code == 200, r.text
    assert client.get(f"{V1}/me", headers=officer).status_code == 401
    ok = client.post(f"{V1}/auth/login", json={"username": "canbo.hoatham", "password": "Mat-khau-moi-2024"})
    assert ok.status_code == 200


def test_invalid_users_are_refused(client: TestClient, h: Any, units: dict[str, int]) -> None:
    admin = h("noivu")
    m = [{"unit_id": units["LS.BG.X.HOATHAM"], "role": "unit_officer"}]
    r = _new_user(client, admin, "canbo.hoatham", m)
    assert r.status_code == 409 and r.json()["code"] == "duplicate_username"
    for bad in ({"password": "ngan"}, {"username": "có dấu"}, {"language": "fr"}, {"is_admin": True}):
        body = {"username": "hople", "full_name": "x", "password": DEMO_PASSWORD, "memberships": m, **bad}
        r = client.post(f"{V1}/users", json=body, headers=admin)
        assert r.status_code == 422, (bad, r.text)
    r = _new_user(client, admin, "hople", [{"unit_id": 987654, "role": "unit_officer"}])
    assert r.status_code == 404
    assert client.get(f"{V1}/users", params={"q": "hople"}, headers=admin).json()["total"] == 0
    uid = _user_id(client, admin, "canbo.hoatham")
    r = client.post(f"{V1}/users/{uid}/memberships", json=m[0], headers=admin)
    assert r.status_code == 409


def test_a_district_token_manages_users_like_a_district_admin(
    client: TestClient, h: Any, units: dict[str, int]
) -> None:
    r = client.post(
        f"{V1}/api-tokens",
        json={
            "name": "đồng bộ nhân sự",
            "unit_id": units["LS.BG"],
            "permissions": ["users:read", "users:manage"],
        },
        headers=h("noivu"),
    )
    assert r.status_code == 201, r.text
    token = {"Authorization": f"Bearer {r.json()['token']}"}
    r = _new_user(client, token, "dongbo.1", [{"unit_id": units["LS.BG.X.HOATHAM"], "role": "unit_officer"}])
    assert r.status_code == 201, r.text
    r = _new_user(client, token, "dongbo.2", [{"unit_id": units["LS.BG"], "role": "admin"}])
    assert r.status_code == 403
    r = _new_user(client, token, "dongbo.3", [{"unit_id": units["LS.SNV"], "role": "unit_officer"}])
    assert r.status_code == 404


def test_leaders_and_unit_heads_read_but_do_not_manage(
    client: TestClient, h: Any, units: dict[str, int]
) -> None:
    leader, head = h("chutich"), h("chutich.hoatham")
    assert client.get(f"{V1}/users", headers=leader).json()["total"] >= 9
    seen = {
        u["username"] for u in client.get(f"{V1}/users", params={"limit": 500}, headers=head).json()["items"]
    }
    assert seen == {"chutich.hoatham", "canbo.hoatham"}
    m = [{"unit_id": units["LS.BG.X.HOATHAM"], "role": "unit_officer"}]
    assert _new_user(client, leader, "x.leader", m).status_code == 403
    assert _new_user(client, head, "x.head", m).status_code == 403
    assert client.get(f"{V1}/users", headers=h("huyenuy")).status_code == 403
