"""Password rules (api/auth/passwords.py, NIST SP 800-63B): refused per class, each with its reason, for a new user,
an admin reset, the user's own change and the users import."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.passwords import common_passwords, password_problem
from api.config import Settings
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"
TEST = Settings(env="test")
PRODUCTION = Settings(env="production", secret_key="x" * 40)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("ngan-qua", "password_too_short"),
        ("1234567890", "password_common"),
        ("password12", "password_common"),
        ("qwertyuiop", "password_common"),
        ("Password2024!", "password_common"),  # a listed word with digits and a symbol appended
        ("aaaaaaaaaaaa", "password_repetitive"),
        ("abababababab", "password_repetitive"),
        ("canbo.hoatham.canbo.hoatham", "password_has_username"),
        ("Hoatham-2024-xa", "password_has_unit_code"),
    ],
)
def test_refused_classes(password: str, code: str) -> None:
    found = password_problem(
        password, settings=TEST, username="canbo.hoatham", unit_codes=["LS.BG.X.HOATHAM"]
    )
    assert found is not None and found[0] == code, found
    assert found[1] and found[2]  # Vietnamese and English reasons


def test_the_list_is_the_shipped_one_and_long_phrases_pass() -> None:
    assert len(common_passwords()) >= 10_000
    for good in ("Mat-khau-moi-2024", "song núi Bình Gia mùa thu", "correct horse battery staple"):
        assert password_problem(good, settings=TEST, username="noivu", unit_codes=["LS.BG"]) is None, good


def test_the_demo_password_only_in_demo_modes() -> None:
    assert password_problem(DEMO_PASSWORD, settings=TEST) is None
    found = password_problem(DEMO_PASSWORD, settings=PRODUCTION)
    assert found is not None and found[0] == "password_demo"


def test_the_minimum_length_is_configurable_but_never_below_10() -> None:
    assert password_problem("a-b-c-d-e-f-g-h", settings=Settings(env="test", password_min_length=16))
    with pytest.raises(ValueError):
        Settings(env="test", password_min_length=8)


def _weak(r: Any, field: str, code: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "weak_password" and body["detail"].startswith("Mật khẩu không dùng được")
    assert (body["errors"][0]["field"], body["errors"][0]["code"]) == (field, code)


def test_every_way_to_set_a_password_applies_the_rules(client: TestClient, auth: Any) -> None:
    admin = auth("noivu")
    unit = next(
        u
        for u in client.get(f"{V1}/org-units", params={"limit": 200}, headers=admin).json()["items"]
        if u["code"] == "LS.BG.X.HOATHAM"
    )
    new = {
        "username": "lan.tran",
        "full_name": "Trần Lan",
        "memberships": [{"unit_id": unit["id"], "role": "unit_officer"}],
    }
    _weak(
        client.post(f"{V1}/users", json={**new, "password": "password12"}, headers=admin),
        "password",
        "password_common",
    )
    _weak(
        client.post(f"{V1}/users", json={**new, "password": "lan.tranlan.tran"}, headers=admin),
        "password",
        "password_has_username",
    )
    r = client.post(f"{V1}/users", json={**new, "password": "Mat-khau-moi-2024"}, headers=admin)
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    etag = client.get(f"{V1}/users/{uid}", headers=admin).headers["etag"]
    r = client.patch(
        f"{V1}/users/{uid}", json={"password": "aaaaaaaaaaaa"}, headers={**admin, "If-Match": etag}
    )
    _weak(r, "password", "password_repetitive")
    me = auth("canbo.hoatham")
    r = client.post(
        f"{V1}/me/password",
        json={"current_password": DEMO_PASSWORD, "new_password": "xa-hoatham-2025"},
        headers=me,
    )
    _weak(r, "new_password", "password_has_unit_code")
    r = client.post(
        f"{V1}/imports/users",
        json=[{"username": "b.le", "full_name": "Lê B", "unit_code": "LS.BG.X.HOATHAM", "role": "unit_officer",
               "password": "1234567890"}],
        headers=admin,
    )  # fmt: skip
    assert r.status_code == 422, r.text
    assert any(e["code"] == "weak_password" for e in r.json()["errors"])
