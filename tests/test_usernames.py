"""Usernames are one per name whatever the letter case: stored lower-case, matched lower-case at login."""

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"


def test_usernames_ignore_case(client: TestClient, auth: Any) -> None:
    admin = auth("noivu")
    unit = next(
        u
        for u in client.get(f"{V1}/org-units", params={"limit": 200}, headers=admin).json()["items"]
        if u["code"] == "LS.BG.X.HOATHAM"
    )
    body = {
        "username": "Lan.Tran",
        "full_name": "Trần Lan",
        "password": "Mat-khau-moi-2024",
        "memberships": [{"unit_id": unit["id"], "role": "unit_officer"}],
    }
    r = client.post(f"{V1}/users", json=body, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "lan.tran"
    r = client.post(f"{V1}/users", json={**body, "username": "LAN.TRAN"}, headers=admin)
    assert r.status_code == 409 and r.json()["code"] == "duplicate_username"
    r = client.post(f"{V1}/auth/login", json={"username": "LAN.tran", "password": "Mat-khau-moi-2024"})
    assert r.status_code == 200, r.text
    r = client.post(f"{V1}/auth/login", json={"username": "NoiVu", "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
