from tests.conftest import login


def test_health_and_login(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["database"] == "ok"
    headers = login(client, "noivu")
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["username"] == "noivu"
    assert me["memberships"][0]["unit_code"] == "LS.BG"
    assert "plans:manage" in me["permissions"]
