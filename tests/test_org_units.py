"""Org units: CRUD within the caller's subtree, re-parenting, deactivation instead of deletion, successions."""

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
def units(client: TestClient, h: Any) -> dict[str, dict[str, Any]]:
    page = client.get(f"{V1}/org-units", params={"limit": 500}, headers=h("admin")).json()
    return {u["code"]: u for u in page["items"]}


def _create(client: TestClient, headers: dict[str, str], code: str, parent: int | None, **kw: Any) -> Any:
    body = {
        "code": code,
        "name": f"Đơn vị {code}",
        "level": "commune",
        "kind": "office",
        "parent_id": parent,
        **kw,
    }
    return client.post(f"{V1}/org-units", json=body, headers=headers)


def _patch(client: TestClient, headers: dict[str, str], unit_id: int, body: dict[str, Any]) -> Any:
    etag = client.get(f"{V1}/org-units/{unit_id}", headers=headers).headers["etag"]
    return client.patch(f"{V1}/org-units/{unit_id}", json=body, headers={**headers, "If-Match": etag})


def test_district_admin_crud_within_its_subtree(client: TestClient, h: Any, units: dict[str, Any]) -> None:
    admin = h("noivu")
    bg = units["LS.BG"]
    r = _create(client, admin, "LS.BG.TEST", bg["id"], valid_from="2024-01-01", short_name="Thử")
    assert r.status_code == 201, r.text
    unit = r.json()
    assert unit["path"] == f"{bg['path']}{unit['id']}/" and unit["is_active"]
    assert r.headers["etag"] == f'"org_unit-{unit["id"]}-v{unit["version"]}"'
    got = client.get(f"{V1}/org-units/{unit['id']}", headers=admin)
    assert got.status_code == 200 and got.json() == unit
    r = _patch(client, admin, unit["id"], {"name": "Tổ thử nghiệm", "valid_to": "2030-12-31"})
    assert (
        r.status_code == 200 and r.json()["name"] == "Tổ thử nghiệm" and r.json()["valid_to"] == "2030-12-31"
    )
    children = client.get(
        f"{V1}/org-units", params={"parent_id": bg["id"], "limit": 500}, headers=admin
    ).json()
    assert unit["id"] in {u["id"] for u in children["items"]}
    assert all(u["parent_id"] == bg["id"] for u in children["items"])
    found = client.get(f"{V1}/org-units", params={"q": "thử nghiệm"}, headers=admin).json()
    assert [u["id"] for u in found["items"]] == [unit["id"]]
    # Its creation is in the audit trail, which is never rewritten: the unit can only be deactivated.
    etag = client.get(f"{V1}/org-units/{unit['id']}", headers=admin).headers["etag"]
    r = client.delete(f"{V1}/org-units/{unit['id']}", headers={**admin, "If-Match": etag})
    assert r.status_code == 409 and r.json()["code"] == "unit_has_history", r.text
    assert client.get(f"{V1}/org-units/{unit['id']}", headers=admin).status_code == 200


def test_a_unit_without_any_history_can_be_deleted(
    client: TestClient, h: Any, units: dict[str, Any], session: Session
) -> None:
    from api.models import OrgUnit

    parent = session.get(OrgUnit, units["LS.BG"]["id"])
    assert parent is not None
    leaf = OrgUnit(code="LS.BG.NHAP", name="Nhập nhầm", level="commune", kind="office", parent_id=parent.id)
    session.add(leaf)
    session.flush()
    leaf.path = f"{parent.path}{leaf.id}/"
    session.commit()
    admin = h("noivu")
    path = f"{V1}/org-units/{leaf.id}"
    r = client.delete(path, headers={**admin, "If-Match": client.get(path, headers=admin).headers["etag"]})
    assert r.status_code == 204, r.text
    assert client.get(path, headers=admin).status_code == 404
    events = client.get(
        f"{V1}/audit-events", params={"entity_type": "org_unit", "entity_id": str(leaf.id)}, headers=admin
    ).json()["items"]
    assert [e["action"] for e in events] == ["delete"] and events[0]["unit_id"] == parent.id
    assert events[0]["changes"]["code"] == {"from": "LS.BG.NHAP", "to": None}


def test_district_admin_cannot_reach_outside_its_subtree(
    client: TestClient, h: Any, units: dict[str, Any]
) -> None:
    admin = h("noivu")
    snv, ls = units["LS.SNV"], units["LS"]
    assert client.get(f"{V1}/org-units/{snv['id']}", headers=admin).status_code == 404
    assert client.get(f"{V1}/org-units/{ls['id']}", headers=admin).status_code == 404
    assert _create(client, admin, "LS.SNV.X", snv["id"]).status_code == 404
    r = _create(client, admin, "ROOT2", None, level="province", kind="people_committee")
    assert r.status_code == 403 and r.json()["code"] == "root_unit_forbidden"
    etag = client.get(f"{V1}/org-units/{snv['id']}", headers=h("admin")).headers["etag"]
    r = client.patch(f"{V1}/org-units/{snv['id']}", json={"name": "x"}, headers={**admin, "If-Match": etag})
    assert r.status_code == 404
    # Moving one of its own units under a unit it does not manage is refused as well.
    r = _patch(client, admin, units["LS.BG.X.TANVAN"]["id"], {"parent_id": snv["id"]})
    assert r.status_code == 404
    listed = client.get(f"{V1}/org-units", params={"limit": 500}, headers=admin).json()
    assert all(u["path"].startswith(units["LS.BG"]["path"]) for u in listed["items"])
    assert (
        listed["total"]
        == len(listed["items"])
        == sum(1 for u in units.values() if u["path"].startswith(units["LS.BG"]["path"]))
    )


def test_the_province_admin_creates_root_units(client: TestClient, h: Any) -> None:
    r = _create(client, h("admin"), "CB", None, level="province", kind="people_committee")
    assert r.status_code == 201, r.text
    assert r.json()["path"] == f"/{r.json()['id']}/"


def test_unit_heads_cannot_edit_units(client: TestClient, h: Any, units: dict[str, Any]) -> None:
    head = h("chutich.hoatham")
    own = units["LS.BG.X.HOATHAM"]
    assert client.get(f"{V1}/org-units/{own['id']}", headers=head).status_code == 200
    etag = client.get(f"{V1}/org-units/{own['id']}", headers=head).headers["etag"]
    r = client.patch(f"{V1}/org-units/{own['id']}", json={"name": "x"}, headers={**head, "If-Match": etag})
    assert r.status_code == 403
    assert _create(client, head, "LS.BG.X.HOATHAM.T", own["id"]).status_code == 403
    # A commune's head sees its own unit only.
    page = client.get(f"{V1}/org-units", headers=head).json()
    assert [u["id"] for u in page["items"]] == [own["id"]]


def test_reparenting_moves_the_whole_subtree(client: TestClient, h: Any, units: dict[str, Any]) -> None:
    admin = h("noivu")
    a = _create(client, admin, "LS.BG.A", units["LS.BG"]["id"]).json()
    b = _create(client, admin, "LS.BG.A.B", a["id"]).json()
    c = _create(client, admin, "LS.BG.A.B.C", b["id"]).json()
    target = units["LS.BG.X.HOATHAM"]
    r = _patch(client, admin, a["id"], {"parent_id": target["id"]})
    assert r.status_code == 200, r.text
    assert r.json()["parent_id"] == target["id"]
    expected = {
        a["id"]: f"{target['path']}{a['id']}/",
        b["id"]: f"{target['path']}{a['id']}/{b['id']}/",
        c["id"]: f"{target['path']}{a['id']}/{b['id']}/{c['id']}/",
    }
    for uid, path in expected.items():
        assert client.get(f"{V1}/org-units/{uid}", headers=admin).json()["path"] == path
    # The district's subtree query finds them under their new parent.
    under = client.get(f"{V1}/org-units", params={"q": "LS.BG.A", "limit": 500}, headers=admin).json()
    assert {u["id"] for u in under["items"]} == set(expected)
    # Unrelated paths are untouched.
    assert (
        client.get(f"{V1}/org-units/{units['LS.BG.X.TANVAN']['id']}", headers=admin).json()["path"]
        == (units["LS.BG.X.TANVAN"]["path"])
    )


def test_reparenting_into_its_own_subtree_is_refused(
    client: TestClient, h: Any, units: dict[str, Any]
) -> None:
    admin = h("noivu")
    a = _create(client, admin, "LS.BG.A", units["LS.BG"]["id"]).json()
    b = _create(client, admin, "LS.BG.A.B", a["id"]).json()
    for new_parent in (b["id"], a["id"]):
        r = _patch(client, admin, a["id"], {"parent_id": new_parent})
        assert r.status_code == 422, r.text
    r = _patch(client, admin, a["id"], {"parent_id": None})
    assert r.status_code == 422
    assert client.get(f"{V1}/org-units/{a['id']}", headers=admin).json()["parent_id"] == units["LS.BG"]["id"]


def test_units_with_history_are_deactivated_not_deleted(
    client: TestClient, h: Any, units: dict[str, Any]
) -> None:
    admin = h("noivu")
    hoatham = units["LS.BG.X.HOATHAM"]  # has users (and in the demo, plan work)
    etag = client.get(f"{V1}/org-units/{hoatham['id']}", headers=admin).headers["etag"]
    r = client.delete(f"{V1}/org-units/{hoatham['id']}", headers={**admin, "If-Match": etag})
    assert r.status_code == 409 and r.json()["code"] == "unit_has_history"
    assert client.get(f"{V1}/org-units/{hoatham['id']}", headers=admin).status_code == 200
    r = client.post(
        f"{V1}/org-units/{hoatham['id']}/deactivate",
        json={"reason": "Sáp nhập theo NQ 1674", "valid_to": "2025-06-30"},
        headers={**admin, "If-Match": etag},
    )
    assert r.status_code == 200, r.text
    assert r.json()["is_active"] is False and r.json()["valid_to"] == "2025-06-30"
    active = client.get(f"{V1}/org-units", params={"active": False, "limit": 500}, headers=admin).json()
    assert hoatham["id"] in {u["id"] for u in active["items"]}
    # Its people still log in and still read their (closed) unit: history is not rewritten.
    assert client.get(f"{V1}/org-units/{hoatham['id']}", headers=h("canbo.hoatham")).status_code == 200
    # A parent with children has history too.
    a = _create(client, admin, "LS.BG.P", units["LS.BG"]["id"]).json()
    _create(client, admin, "LS.BG.P.C", a["id"])
    etag = client.get(f"{V1}/org-units/{a['id']}", headers=admin).headers["etag"]
    assert client.delete(f"{V1}/org-units/{a['id']}", headers={**admin, "If-Match": etag}).status_code == 409


def test_invalid_units_are_refused(client: TestClient, h: Any, units: dict[str, Any]) -> None:
    admin = h("noivu")
    bg = units["LS.BG"]["id"]
    r = _create(client, admin, "LS.BG.X.HOATHAM", bg)
    assert r.status_code == 409 and r.json()["code"] == "duplicate_code"
    r = _create(client, admin, "LS.BG.D", bg, valid_from="2025-01-01", valid_to="2024-01-01")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "valid_to"
    for bad in ({"code": "có dấu"}, {"code": ""}, {"level": "village"}, {"kind": None}, {"unknown": 1}):
        body = {"code": "LS.BG.OK", "name": "x", "level": "commune", "kind": "office", "parent_id": bg, **bad}
        r = client.post(f"{V1}/org-units", json=body, headers=admin)
        assert r.status_code == 422, (bad, r.text)
    assert client.get(f"{V1}/org-units", params={"q": "LS.BG.OK"}, headers=admin).json()["total"] == 0


def test_successions(client: TestClient, h: Any, units: dict[str, Any]) -> None:
    admin = h("noivu")
    old, new = units["LS.BG.X.HOATHAM"], units["LS.BG.X.TANVAN"]
    body = {
        "to_unit_id": new["id"],
        "kind": "merged_into",
        "effective_date": "2025-07-01",
        "legal_basis": "NQ 1674",
    }
    r = client.post(f"{V1}/org-units/{old['id']}/successions", json=body, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["from_unit_id"] == old["id"] and r.json()["to_unit_id"] == new["id"]
    for uid in (old["id"], new["id"]):
        rows = client.get(f"{V1}/org-units/{uid}/successions", headers=admin).json()
        assert r.json()["id"] in {s["id"] for s in rows}
    r = client.post(
        f"{V1}/org-units/{old['id']}/successions", json={**body, "to_unit_id": old["id"]}, headers=admin
    )
    assert r.status_code == 422
    r = client.post(
        f"{V1}/org-units/{old['id']}/successions",
        json={**body, "to_unit_id": units["LS.SNV"]["id"]},
        headers=admin,
    )
    assert r.status_code == 404  # the successor must be visible
    etag = client.get(f"{V1}/org-units/{old['id']}", headers=admin).headers["etag"]
    assert (
        client.delete(f"{V1}/org-units/{old['id']}", headers={**admin, "If-Match": etag}).status_code == 409
    )
