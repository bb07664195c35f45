"""API conventions shared by every route: problem+json, If-Match/ETag, Idempotency-Key, pagination and sort,
security headers, request ids, CORS, and the audit trail."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.config import Settings, get_settings
from api.main import create_app
from tests.authz.world import use_cheap_passwords
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"
PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}


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


def _assert_problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    body = r.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status and isinstance(body["errors"], list)
    assert body["title"] and body["detail"] and body["code"]
    return dict(body)


# --- problem+json ---------------------------------------------------------------------------------------


def test_errors_are_problem_json(client: TestClient, h: Any, units: dict[str, int]) -> None:
    assert _assert_problem(client.get(f"{V1}/me"), 401)["code"] == "unauthorized"
    assert (
        _assert_problem(client.get(f"{V1}/users", headers=h("huyenuy")), 403)["code"] == "missing_permission"
    )
    nf = _assert_problem(client.get(f"{V1}/org-units/987654", headers=h("noivu")), 404)
    assert nf["code"] == "not_found" and "không tồn tại" in nf["detail"] and nf["detail_en"]
    # Out of scope is indistinguishable from missing.
    hidden = _assert_problem(client.get(f"{V1}/org-units/{units['LS.SNV']}", headers=h("noivu")), 404)
    per_request = {"instance", "request_id"}
    assert {k: v for k, v in hidden.items() if k not in per_request} == {
        k: v for k, v in nf.items() if k not in per_request
    }
    bad = _assert_problem(client.post(f"{V1}/org-units", json={"level": "galaxy"}, headers=h("noivu")), 422)
    assert {"code", "name", "level", "kind"} <= {e["field"] for e in bad["errors"]}
    assert all(e["message"] and e["code"] for e in bad["errors"])
    _assert_problem(client.get(f"{V1}/no-such-route", headers=h("noivu")), 404)
    _assert_problem(client.put(f"{V1}/health"), 405)
    r = client.post(
        f"{V1}/org-units", content=b"{not json", headers={**h("noivu"), "Content-Type": "application/json"}
    )
    _assert_problem(r, 422)


# --- ETag / If-Match ------------------------------------------------------------------------------------


def test_edits_need_if_match(client: TestClient, h: Any, units: dict[str, int]) -> None:
    path = f"{V1}/org-units/{units['LS.BG.X.HOATHAM']}"
    admin = h("noivu")
    before = client.get(path, headers=admin)
    etag = before.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert _assert_problem(client.patch(path, json={"short_name": "HT"}, headers=admin), 428)["code"] == (
        "precondition_required"
    )
    r = client.patch(path, json={"short_name": "HT"}, headers={**admin, "If-Match": etag})
    assert r.status_code == 200, r.text
    new_etag = r.headers["etag"]
    assert new_etag != etag and r.json()["version"] == before.json()["version"] + 1
    stale = client.patch(path, json={"short_name": "X"}, headers={**admin, "If-Match": etag})
    assert _assert_problem(stale, 412)["code"] == "precondition_failed"
    assert client.get(path, headers=admin).json()["short_name"] == "HT"  # the stale edit changed nothing
    assert (
        client.patch(
            path, json={"name": "Xã Hoa Thám"}, headers={**admin, "If-Match": f"W/{new_etag}"}
        ).status_code
        == 200
    )
    # Other edits follow the same rule: users, deactivation, deletion.
    uid = client.get(f"{V1}/users", params={"q": "canbo.hoatham"}, headers=admin).json()["items"][0]["id"]
    _assert_problem(client.patch(f"{V1}/users/{uid}", json={"position": "x"}, headers=admin), 428)
    _assert_problem(client.post(f"{V1}/users/{uid}/deactivate", json={}, headers=admin), 428)
    _assert_problem(client.delete(f"{V1}/org-units/{units['LS.BG.X.HOATHAM']}", headers=admin), 428)


# --- Idempotency-Key ------------------------------------------------------------------------------------


def _unit(code: str, parent: int) -> dict[str, Any]:
    return {"code": code, "name": f"Đơn vị {code}", "level": "commune", "kind": "office", "parent_id": parent}


def test_idempotency_key_replays_the_first_response(
    client: TestClient, h: Any, units: dict[str, int]
) -> None:
    admin = {**h("noivu"), "Idempotency-Key": "k-123"}
    body = _unit("LS.BG.IDEM", units["LS.BG"])
    first = client.post(f"{V1}/org-units", json=body, headers=admin)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = client.post(f"{V1}/org-units", json=body, headers=admin)
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
    listed = client.get(f"{V1}/org-units", params={"q": "LS.BG.IDEM"}, headers=admin).json()
    assert listed["total"] == 1  # nothing new created
    # Without a key the same body is a second create (refused here because codes are unique).
    assert client.post(f"{V1}/org-units", json=body, headers=h("noivu")).status_code == 409


def test_idempotency_key_with_another_body_is_422(client: TestClient, h: Any, units: dict[str, int]) -> None:
    admin = {**h("noivu"), "Idempotency-Key": "k-xyz"}
    assert (
        client.post(f"{V1}/org-units", json=_unit("LS.BG.K1", units["LS.BG"]), headers=admin).status_code
        == 201
    )
    r = client.post(f"{V1}/org-units", json=_unit("LS.BG.K2", units["LS.BG"]), headers=admin)
    assert _assert_problem(r, 422)["code"] == "idempotency_key_reused"
    assert client.get(f"{V1}/org-units", params={"q": "LS.BG.K2"}, headers=admin).json()["total"] == 0


def test_idempotency_keys_are_per_user(client: TestClient, h: Any, units: dict[str, int]) -> None:
    key = {"Idempotency-Key": "shared-key"}
    a = client.post(f"{V1}/org-units", json=_unit("LS.BG.U1", units["LS.BG"]), headers={**h("noivu"), **key})
    b = client.post(f"{V1}/org-units", json=_unit("LS.U2", units["LS"]), headers={**h("admin"), **key})
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"] and "idempotent-replayed" not in b.headers


def test_a_failed_create_stores_no_idempotency_record(
    client: TestClient, h: Any, units: dict[str, int]
) -> None:
    admin = {**h("noivu"), "Idempotency-Key": "retry-me"}
    dup = _unit("LS.BG.X.HOATHAM", units["LS.BG"])  # existing code → 409
    assert client.post(f"{V1}/org-units", json=dup, headers=admin).status_code == 409
    r = client.post(f"{V1}/org-units", json=_unit("LS.BG.FIXED", units["LS.BG"]), headers=admin)
    assert r.status_code == 201, r.text


def test_idempotency_key_length_is_checked(client: TestClient, h: Any, units: dict[str, int]) -> None:
    r = client.post(
        f"{V1}/org-units",
        json=_unit("LS.BG.LONG", units["LS.BG"]),
        headers={**h("noivu"), "Idempotency-Key": "k" * 201},
    )
    _assert_problem(r, 422)


# --- pagination, sort ------------------------------------------------------------------------------------


def test_pagination_shape_and_pages(client: TestClient, h: Any) -> None:
    admin = h("noivu")
    first = client.get(f"{V1}/org-units", params={"limit": 5, "sort": "code"}, headers=admin).json()
    assert set(first) == {"items", "total", "limit", "offset"}
    assert first["limit"] == 5 and first["offset"] == 0 and len(first["items"]) == 5 and first["total"] > 10
    second = client.get(
        f"{V1}/org-units", params={"limit": 5, "offset": 5, "sort": "code"}, headers=admin
    ).json()
    assert second["offset"] == 5 and second["total"] == first["total"]
    codes = [u["code"] for u in first["items"] + second["items"]]
    assert codes == sorted(codes) and len(set(codes)) == 10
    desc = client.get(f"{V1}/org-units", params={"limit": 500, "sort": "-code"}, headers=admin).json()
    all_codes = [u["code"] for u in desc["items"]]
    assert all_codes == sorted(all_codes, reverse=True) and len(all_codes) == desc["total"]
    beyond = client.get(f"{V1}/org-units", params={"offset": 10_000}, headers=admin).json()
    assert beyond["items"] == [] and beyond["total"] == first["total"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "password_hash"}, "sort"),
        ({"sort": "code,-nope"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_bad_list_parameters_are_422(client: TestClient, h: Any, params: dict[str, Any], field: str) -> None:
    body = _assert_problem(client.get(f"{V1}/users", params=params, headers=h("noivu")), 422)
    assert field in {e["field"] for e in body["errors"]}


# --- headers --------------------------------------------------------------------------------------------


def test_security_headers_and_request_id_on_every_response(client: TestClient, h: Any) -> None:
    responses = [
        client.get(f"{V1}/health"),
        client.get(f"{V1}/me"),
        client.get(f"{V1}/me", headers=h("noivu")),
        client.get(f"{V1}/openapi.json"),
        client.get(f"{V1}/nope"),
        client.post(f"{V1}/auth/login", json={}),
        client.put(f"{V1}/health"),
        client.get("/"),
        client.get("/some/spa/route"),
        client.get("/api/docs"),
    ]
    for r in responses:
        where = f"{r.request.method} {r.request.url.path} → {r.status_code}"
        assert r.headers.get("x-content-type-options") == "nosniff", where
        assert r.headers.get("x-frame-options") == "DENY", where
        csp = r.headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
        assert r.headers.get("referrer-policy") == "no-referrer", where
        rid = r.headers.get("x-request-id", "")
        assert len(rid) == 32 and int(rid, 16) >= 0, where
    assert len({r.headers["x-request-id"] for r in responses}) == len(responses)


def test_request_id_is_taken_from_the_caller_when_sane(client: TestClient) -> None:
    assert (
        client.get(f"{V1}/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    )
    bad = client.get(f"{V1}/health", headers={"X-Request-ID": "<script>"}).headers["x-request-id"]
    assert bad != "<script>" and len(bad) == 32


def test_cors_is_off_by_default(client: TestClient) -> None:
    origin = {"Origin": "https://evil.example"}
    pre = client.options(f"{V1}/org-units", headers={**origin, "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in pre.headers
    assert "access-control-allow-origin" not in client.get(f"{V1}/health", headers=origin).headers


def test_cors_when_configured(db: Any) -> None:
    settings = Settings(**{**get_settings().model_dump(), "cors_origins": ["https://portal.example"]})
    with TestClient(create_app(settings, db)) as c:
        ok = {"Origin": "https://portal.example", "Access-Control-Request-Method": "PATCH"}
        pre = c.options(f"{V1}/org-units/1", headers=ok)
        assert pre.headers.get("access-control-allow-origin") == "https://portal.example"
        other = c.options(f"{V1}/org-units/1", headers={**ok, "Origin": "https://evil.example"})
        assert other.headers.get("access-control-allow-origin") is None
        r = c.get(f"{V1}/health", headers={"Origin": "https://portal.example"})
        assert "etag" in r.headers.get("access-control-expose-headers", "").lower()


# --- audit trail ----------------------------------------------------------------------------------------


def test_audit_events_record_before_and_after(client: TestClient, h: Any, units: dict[str, int]) -> None:
    admin = h("noivu")
    path = f"{V1}/org-units/{units['LS.BG.X.TANVAN']}"
    old = client.get(path, headers=admin)
    r = client.patch(
        path, json={"name": "Xã Tân Văn (mới)"}, headers={**admin, "If-Match": old.headers["etag"]}
    )
    assert r.status_code == 200
    events = client.get(
        f"{V1}/audit-events",
        params={"entity_type": "org_unit", "entity_id": str(units["LS.BG.X.TANVAN"])},
        headers=admin,
    ).json()["items"]
    assert len(events) == 1
    ev = events[0]
    assert ev["action"] == "update" and ev["unit_id"] == units["LS.BG.X.TANVAN"]
    assert ev["changes"] == {"name": {"from": old.json()["name"], "to": "Xã Tân Văn (mới)"}}
    me = client.get(f"{V1}/me", headers=admin).json()
    assert ev["actor_user_id"] == me["id"] and ev["actor_name"] == me["full_name"]
    assert ev["request_id"] == r.headers["x-request-id"]


def test_audit_masks_secrets(client: TestClient, h: Any, units: dict[str, int], session: Session) -> None:
    from api.models import AuditEvent

    admin = h("noivu")
    secret_pw = "Bi-mat-khong-ghi-2024"
    r = client.post(
        f"{V1}/users",
        json={
            "username": "moi.taokhoan",
            "full_name": "Người mới",
            "password": secret_pw,
            "memberships": [{"unit_id": units["LS.BG.X.HOATHAM"], "role": "unit_officer"}],
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    etag = r.headers["etag"]
    new_pw = "Mat-khau-dat-lai-2024"
    r = client.patch(f"{V1}/users/{uid}", json={"password": new_pw}, headers={**admin, "If-Match": etag})
    assert r.status_code == 200, r.text
    token = client.post(
        f"{V1}/api-tokens",
        json={"name": "tích hợp", "unit_id": units["LS.BG"], "permissions": ["plans:read"]},
        headers=admin,
    ).json()["token"]
    events = session.exec(select(AuditEvent)).all()
    session.commit()
    dump = json.dumps([[e.changes, e.note] for e in events], ensure_ascii=False)
    for secret in (secret_pw, new_pw, token, "$argon2"):
        assert secret not in dump
    update = next(e for e in events if e.entity_type == "user" and e.action == "update")
    assert update.changes["password"] == {"from": "***", "to": "***"}
    created = next(e for e in events if e.entity_type == "user" and e.action == "create")
    assert created.changes["username"] == {"from": None, "to": "moi.taokhoan"}
    assert "password" not in created.changes and "password_hash" not in created.changes


def test_audit_list_is_scoped_to_the_subtree(client: TestClient, h: Any, units: dict[str, int]) -> None:
    def touch(username: str, code: str, name: str) -> None:
        path = f"{V1}/org-units/{units[code]}"
        etag = client.get(path, headers=h(username)).headers["etag"]
        assert (
            client.patch(path, json={"name": name}, headers={**h(username), "If-Match": etag}).status_code
            == 200
        )

    touch("admin", "LS.SNV", "Sở Nội vụ (sửa)")
    touch("noivu", "LS.BG.VHTT", "Phòng VH&TT (sửa)")
    _assert_problem(client.get(f"{V1}/audit-events", headers=h("chutich.hoatham")), 403)
    _assert_problem(client.get(f"{V1}/audit-events", headers=h("chutich")), 403)

    mine = client.get(f"{V1}/audit-events", params={"limit": 500}, headers=h("noivu")).json()
    subtree = {
        u["id"]
        for u in client.get(f"{V1}/org-units", params={"limit": 500}, headers=h("noivu")).json()["items"]
    }
    assert units["LS.SNV"] not in subtree and units["LS.BG.VHTT"] in subtree
    assert mine["items"] and all(e["unit_id"] in subtree for e in mine["items"])
    assert mine["total"] == len(mine["items"])
    touched = {e["entity_id"] for e in mine["items"] if e["action"] == "update"}
    assert str(units["LS.BG.VHTT"]) in touched and str(units["LS.SNV"]) not in touched
    everything = client.get(f"{V1}/audit-events", params={"limit": 500}, headers=h("admin")).json()["items"]
    assert str(units["LS.SNV"]) in {e["entity_id"] for e in everything if e["action"] == "update"}
    # Filters narrow, never widen.
    other = client.get(f"{V1}/audit-events", params={"unit_id": units["LS.SNV"]}, headers=h("noivu")).json()
    assert other["items"] == [] and other["total"] == 0
