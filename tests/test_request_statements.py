"""Statements per request (#19): authenticating a user's access token is one statement (user, session,
memberships and their units together), and ``/me`` is that same one statement (its token check also reads the
account and the units' ancestors, which the route answers from)."""

from fastapi.testclient import TestClient

from tests.dashboards.test_summary import count_statements


def test_me_is_one_statement_and_matches_the_memberships(client: TestClient, auth, db) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from api.models import Membership, OrgUnit, User
    from api.org_units.levels import owner_unit, path_ids

    for user, units in (("noivu", {"LS.BG"}), ("canbo.hoatham", {"LS.BG.X.HOATHAM"})):
        h = auth(user)
        with count_statements(db) as seen:
            r = client.get("/api/v1/me", headers=h)
        assert r.status_code == 200, r.text
        assert len(seen) == 1, seen
        body = r.json()
        assert body["username"] == user and {m["unit_code"] for m in body["memberships"]} == units
        assert body["permissions"]
        # the owner (the committee whose periods the role works under) is the one the unit's ancestors give
        with Session(db) as s:
            rows = s.exec(
                select(Membership, OrgUnit)
                .join(OrgUnit, OrgUnit.id == Membership.unit_id)  # type: ignore[arg-type]
                .join(User, User.id == Membership.user_id)  # type: ignore[arg-type]
                .where(User.username == user)
            ).all()
            for m, u in rows:
                lineage = {a.id: a for a in s.exec(select(OrgUnit).where(OrgUnit.id.in_(path_ids(u)))).all()}  # type: ignore[union-attr]
                owner = owner_unit(m.role, u, lineage)  # type: ignore[arg-type]
                shown = next(x for x in body["memberships"] if x["unit_code"] == u.code)
                assert (shown["owner_name"], shown["owner_level"]) == (owner.name, owner.level.value)


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
