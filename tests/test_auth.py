"""Login (JSON and OAuth2 form), identical refusals, throttling per account and per address, API tokens."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.config import Settings, get_settings
from api.main import create_app
from tests.authz.world import use_cheap_passwords
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(session: Session) -> None:
    use_cheap_passwords(session)


def _headers(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{V1}/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _unit_id(session: Session, code: str) -> int:
    from api.models import OrgUnit

    unit_id = session.exec(select(OrgUnit.id).where(OrgUnit.code == code)).one()
    session.commit()  # end the read: on SQLite the test session's transaction holds the write lock
    return unit_id  # type: ignore[return-value]


# --- login ----------------------------------------------------------------------------------------------


def test_login_with_json(client: TestClient) -> None:
    r = client.post(f"{V1}/auth/login", json={"username": "noivu", "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "must_change_password"}
    assert body["must_change_password"] is False  # a demo account's password is not an administrator's choice
    assert body["token_type"] == "bearer" and body["expires_in"] == get_settings().access_token_minutes * 60
    me = client.get(f"{V1}/me", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert me["username"] == "noivu"


def test_login_with_the_oauth2_password_form(client: TestClient) -> None:
    r = client.post(
        f"{V1}/auth/login", data={"username": "noivu", "password": DEMO_PASSWORD, "grant_type": "password"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"
    r = client.post(f"{V1}/auth/login", data={"username": "noivu", "password": "sai-mat-khau"})
    assert r.status_code == 401


def test_login_records_the_session_and_an_audit_event(client: TestClient, session: Session) -> None:
    from api.models import AuditEvent, AuthSession, User

    client.post(f"{V1}/auth/login", json={"username": "noivu", "password": DEMO_PASSWORD})
    user = session.exec(select(User).where(User.username == "noivu")).one()
    session.refresh(user)
    assert user.last_login_at is not None
    assert session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).first() is not None
    ev = session.exec(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert [e.entity_id for e in ev] == [str(user.id)]


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "noivu"}, {"password": "x"}, {"username": "", "password": ""}, [1, 2], "text"],
)
def test_login_with_a_malformed_body_is_422(client: TestClient, body: Any) -> None:
    r = client.post(f"{V1}/auth/login", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_unknown_user_and_wrong_password_answer_identically(client: TestClient) -> None:
    def attempt(username: str, password: str) -> tuple[int, Any, str | None]:
        r = client.post(f"{V1}/auth/login", json={"username": username, "password": password})
        body = {k: v for k, v in r.json().items() if k != "request_id"}  # new for every request
        return r.status_code, body, r.headers.get("www-authenticate")

    unknown = attempt("khong.ton.tai", "Sai-mat-khau-1")
    wrong = attempt("noivu", "Sai-mat-khau-1")
    assert unknown == wrong
    assert unknown[0] == 401 and unknown[1]["code"] == "invalid_credentials"


def test_an_inactive_account_answers_like_a_wrong_password(client: TestClient, session: Session) -> None:
    from api.models import User

    user = session.exec(select(User).where(User.username == "canbo.tanvan")).one()
    user.is_active = False
    session.add(user)
    session.commit()
    inactive = client.post(f"{V1}/auth/login", json={"username": "canbo.tanvan", "password": DEMO_PASSWORD})
    unknown = client.post(f"{V1}/auth/login", json={"username": "nobody", "password": DEMO_PASSWORD})
    assert inactive.status_code == unknown.status_code == 401
    assert inactive.json().pop("request_id") != unknown.json().pop("request_id")  # one per request
    assert {**inactive.json(), "request_id": None} == {**unknown.json(), "request_id": None}


# --- throttling -----------------------------------------------------------------------------------------


def _throttled_client(engine: Any, ip: str, **limits: int) -> TestClient:
    settings = Settings(**{**get_settings().model_dump(), **limits})
    return TestClient(create_app(settings, engine), client=(ip, 50000))


def _login_status(c: TestClient, username: str, password: str) -> Any:
    return c.post(f"{V1}/auth/login", json={"username": username, "password": password})


def test_throttling_per_account(db: Any) -> None:
    limits = {"login_max_failures_per_user": 3, "login_max_failures_per_ip": 100}
    with _throttled_client(db, "10.0.0.1", **limits) as a, _throttled_client(db, "10.0.0.2", **limits) as b:
        for _ in range(3):
            assert _login_status(a, "noivu", "sai-mat-khau").status_code == 401
        r = _login_status(a, "noivu", DEMO_PASSWORD)  # even the right password is refused now
        assert r.status_code == 429, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        retry = int(r.headers["retry-after"])
        assert 0 < retry <= get_settings().login_window_seconds
        # The lock belongs to the account: another address is refused too, another account is not.
        assert _login_status(b, "NOIVU ", DEMO_PASSWORD).status_code == 429
        assert _login_status(a, "chutich", DEMO_PASSWORD).status_code == 200


def test_a_successful_login_resets_the_account_counter(db: Any) -> None:
    limits = {"login_max_failures_per_user": 3, "login_max_failures_per_ip": 100}
    with _throttled_client(db, "10.0.0.3", **limits) as c:
        for _ in range(2):
            assert _login_status(c, "noivu", "sai").status_code == 401
        assert _login_status(c, "noivu", DEMO_PASSWORD).status_code == 200
        for _ in range(2):
            assert _login_status(c, "noivu", "sai").status_code == 401
        assert _login_status(c, "noivu", DEMO_PASSWORD).status_code == 200


def test_throttling_per_address(db: Any) -> None:
    limits = {"login_max_failures_per_user": 100, "login_max_failures_per_ip": 4}
    with _throttled_client(db, "10.0.0.9", **limits) as c, _throttled_client(db, "10.0.0.10", **limits) as d:
        for name in ("a1", "a2", "a3", "a4"):  # four different (unknown) accounts from one address
            assert _login_status(c, name, "sai").status_code == 401
        r = _login_status(c, "noivu", DEMO_PASSWORD)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert _login_status(d, "noivu", DEMO_PASSWORD).status_code == 200  # another address still works


def test_throttle_counters_live_in_the_database(db: Any, session: Session) -> None:
    """Several workers must share the counters: a second app on the same database sees the lock."""
    from api.models import LoginThrottle

    limits = {"login_max_failures_per_user": 2, "login_max_failures_per_ip": 100}
    with _throttled_client(db, "10.0.1.1", **limits) as c:
        for _ in range(2):
            _login_status(c, "chutich", "sai")
    row = session.get(LoginThrottle, "user:chutich")
    assert row is not None and row.failures == 2 and row.locked_until is not None
    session.commit()
    with _throttled_client(db, "10.0.1.2", **limits) as other_worker:
        assert _login_status(other_worker, "chutich", DEMO_PASSWORD).status_code == 429


# --- API tokens -----------------------------------------------------------------------------------------


def _create_token(
    client: TestClient, headers: dict[str, str], unit_id: int, perms: list[str], **kw: Any
) -> Any:
    return client.post(
        f"{V1}/api-tokens",
        json={"name": "script", "unit_id": unit_id, "permissions": perms, **kw},
        headers=headers,
    )


def test_api_token_is_shown_once_and_stored_hashed(client: TestClient, session: Session) -> None:
    from api.auth.security import sha256_hex
    from api.models import ApiToken

    admin = _headers(client, "noivu")
    r = _create_token(client, admin, _unit_id(session, "LS.BG"), ["plans:read", "units:read"])
    assert r.status_code == 201, r.text
    created = r.json()
    plain = created["token"]
    assert plain.startswith("pst_") and len(plain) > 40
    row = session.get(ApiToken, created["id"])
    assert row is not None
    assert row.token_hash == sha256_hex(plain) and plain not in (row.token_hash, row.prefix, row.name)
    assert row.prefix == plain[:10] == created["prefix"]
    session.commit()
    # Never shown again: not in the list, not in the audit trail.
    listed = client.get(f"{V1}/api-tokens", headers=admin).json()["items"]
    assert [t for t in listed if t["id"] == created["id"]] and all("token" not in t for t in listed)
    audit = client.get(f"{V1}/audit-events", params={"entity_type": "api_token"}, headers=admin).text
    assert plain not in audit and row.token_hash not in audit


def test_api_token_use_records_last_used_at(client: TestClient, session: Session) -> None:
    from api.models import ApiToken

    admin = _headers(client, "noivu")
    created = _create_token(client, admin, _unit_id(session, "LS.BG"), ["units:read"]).json()
    assert session.get(ApiToken, created["id"]).last_used_at is None  # type: ignore[union-attr]
    session.commit()
    r = client.get(f"{V1}/org-units", headers={"Authorization": f"Bearer {created['token']}"})
    assert r.status_code == 200, r.text
    session.expire_all()
    used = session.get(ApiToken, created["id"]).last_used_at  # type: ignore[union-attr]
    assert used is not None and datetime.now(UTC) - used < timedelta(minutes=1)
    session.commit()
    assert client.get(f"{V1}/api-tokens", headers=admin).json()["items"][-1]["last_used_at"] is not None


def test_revoked_and_expired_tokens_are_refused(client: TestClient, session: Session) -> None:
    admin = _headers(client, "noivu")
    unit = _unit_id(session, "LS.BG")
    created = _create_token(client, admin, unit, ["units:read"]).json()
    h = {"Authorization": f"Bearer {created['token']}"}
    assert client.get(f"{V1}/me", headers=h).status_code == 200
    r = client.post(f"{V1}/api-tokens/{created['id']}/revoke", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    r = client.get(f"{V1}/me", headers=h)
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")

    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    expired = _create_token(client, admin, unit, ["units:read"], expires_at=past).json()
    assert client.get(f"{V1}/me", headers={"Authorization": f"Bearer {expired['token']}"}).status_code == 401


def test_a_commune_token_cannot_be_granted_imports(client: TestClient, session: Session) -> None:
    from api.models import ApiToken

    admin = _headers(client, "noivu")
    before = len(session.exec(select(ApiToken)).all())
    session.commit()
    r = _create_token(client, admin, _unit_id(session, "LS.BG.X.HOATHAM"), ["imports:run", "plans:read"])
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "permission_not_grantable"
    assert [e["message"] for e in body["errors"]] == ["Không cấp được quyền “Nhập dữ liệu”."]
    # words an officer reads: the permission's name, the unit's name and its level, no codes
    assert "“Nhập dữ liệu”" in body["detail"] and "cấp xã" in body["detail"], body["detail"]
    assert "imports:run" not in body["detail"] and "commune" not in body["detail"], body["detail"]
    assert len(session.exec(select(ApiToken)).all()) == before  # nothing written
    session.commit()
    # Nor can a district token hold what no district role holds (approving the district report).
    r = _create_token(client, admin, _unit_id(session, "LS.BG"), ["reports:approve"])
    assert r.status_code == 422, r.text
    # The CLI and the API apply the same ceiling; a district token may import.
    assert _create_token(client, admin, _unit_id(session, "LS.BG"), ["imports:run"]).status_code == 201


def test_token_permissions_are_limited_to_the_grant_and_the_unit(
    client: TestClient, session: Session
) -> None:
    admin = _headers(client, "noivu")
    hoatham = _unit_id(session, "LS.BG.X.HOATHAM")
    only_plans = _create_token(client, admin, _unit_id(session, "LS.BG"), ["plans:read"]).json()
    h = {"Authorization": f"Bearer {only_plans['token']}"}
    me = client.get(f"{V1}/me", headers=h).json()
    assert me["kind"] == "token" and me["permissions"] == ["plans:read"]
    assert client.get(f"{V1}/org-units", headers=h).status_code == 403
    assert client.get(f"{V1}/users", headers=h).status_code == 403
    assert client.post(f"{V1}/api-tokens", json={}, headers=h).status_code == 403

    commune = _create_token(client, admin, hoatham, ["units:read"]).json()
    h = {"Authorization": f"Bearer {commune['token']}"}
    page = client.get(f"{V1}/org-units", headers=h).json()
    assert [u["id"] for u in page["items"]] == [hoatham] and page["total"] == 1
    assert client.get(f"{V1}/org-units/{_unit_id(session, 'LS.BG')}", headers=h).status_code == 404


def test_only_token_managers_create_tokens_and_only_in_their_subtree(
    client: TestClient, session: Session
) -> None:
    head = _headers(client, "chutich.hoatham")
    r = _create_token(client, head, _unit_id(session, "LS.BG.X.HOATHAM"), ["units:read"])
    assert r.status_code == 403
    admin = _headers(client, "noivu")
    r = _create_token(client, admin, _unit_id(session, "LS.SNV"), ["units:read"])  # a province department
    assert r.status_code == 404, r.text


def test_a_token_cannot_revoke_another_units_token(client: TestClient, session: Session) -> None:
    province_admin = _headers(client, "admin")
    other = _create_token(client, province_admin, _unit_id(session, "LS.SNV"), ["units:read"]).json()
    district_admin = _headers(client, "noivu")
    r = client.post(f"{V1}/api-tokens/{other['id']}/revoke", headers=district_admin)
    assert r.status_code == 404


def test_a_token_never_holds_more_than_its_creator(client: TestClient, session: Session) -> None:
    """The system admin sets up units, users and tokens but has no plan rights: it cannot mint a token that
    has them (nor can anyone grant a permission they do not hold at that unit)."""
    province_admin = _headers(client, "admin")
    bg = _unit_id(session, "LS.BG")
    r = _create_token(client, province_admin, bg, ["plans:manage", "units:read"])
    assert r.status_code == 422, r.text
    assert [e["message"] for e in r.json()["errors"]] == ["Không cấp được quyền “Lập và ban hành kế hoạch”."]
    assert _create_token(client, province_admin, bg, ["units:read", "users:read"]).status_code == 201
    # A token that may manage tokens hands on at most what it holds.
    district = _headers(client, "noivu")
    minter = _create_token(client, district, bg, ["tokens:manage", "plans:read"]).json()
    as_token = {"Authorization": f"Bearer {minter['token']}"}
    assert _create_token(client, as_token, bg, ["plans:read"]).status_code == 201
    r = _create_token(client, as_token, bg, ["plans:manage"])
    assert r.status_code == 422, r.text


def test_every_permission_has_a_name_for_messages() -> None:
    from api.authz.permissions import PERMISSION_LABELS, Permission

    assert set(PERMISSION_LABELS) == set(Permission)
    assert all(label and ":" not in label for label in PERMISSION_LABELS.values())
