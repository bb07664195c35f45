"""Statements per request (#19): authenticating a user's access token is one statement (user, session,
memberships and their units together), and ``/me`` reuses what it read: two statements in all."""

from fastapi.testclient import TestClient

from tests.dashboards.test_summary import count_statements


def test_me_is_two_statements_and_matches_the_memberships(client: TestClient, auth, db) -> None:  # type: ignore[no-untyped-def]
    for user, units in (("noivu", {"LS.BG"}), ("canbo.hoatham", {"LS.BG.X.HOATHAM"})):
        h = auth(user)
        with count_statements(db) as seen:
            r = client.get("/api/v1/me", headers=h)
        assert r.status_code == 200, r.text
        assert len(seen) == 2, seen
        body = r.json()
        assert body["username"] == user and {m["unit_code"] for m in body["memberships"]} == units
        assert body["permissions"]


def test_authentication_is_one_statement_and_a_revoked_session_is_refused(
    client: TestClient, auth, db
) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    with count_statements(db) as seen:
        r = client.get("/api/v1/plans", params={"limit": 1}, headers=h)
    auth_reads = [s for s in seen if "auth_session" in s]
    assert len(auth_reads) == 1 and "membership" in auth_reads[0], auth_reads
    assert r.status_code == 200, r.text
    assert client.post("/api/v1/auth/logout", headers=h, json={}).status_code == 204
    assert client.get("/api/v1/me", headers=h).status_code == 401
