"""Access tokens: algorithm pinned, every claim verified; refresh rotation, reuse detection, and revocations
(logout, deactivation, role changes) that take effect on the very next request."""

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from api.config import get_settings
from tests.authz.world import use_cheap_passwords
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(session: Any) -> None:
    use_cheap_passwords(session)


def _login(client: Any, username: str = "canbo.hoatham") -> dict[str, Any]:
    r = client.post(f"{V1}/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _assert_401(r: Any) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 401 and body["code"] and body["title"] and body["detail"]
    assert r.headers.get("www-authenticate", "").lower().startswith("bearer")


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _sign(claims: dict[str, Any], key: str | None = None, alg: str = "HS256") -> str:
    return jwt.encode(claims, key or get_settings().effective_secret(), algorithm=alg)


def test_a_valid_token_works(client: Any) -> None:
    pair = _login(client)
    assert pair["token_type"] == "bearer" and pair["expires_in"] == get_settings().access_token_minutes * 60
    claims = _claims(pair["access_token"])
    assert {"exp", "iat", "iss", "aud", "sub", "sid"} <= claims.keys()
    assert jwt.get_unverified_header(pair["access_token"])["alg"] == "HS256"
    assert client.get(f"{V1}/me", headers=_bearer(pair["access_token"])).status_code == 200
    # A re-signed copy of the same claims is accepted: the forgeries below fail for their one change only.
    assert client.get(f"{V1}/me", headers=_bearer(_sign(claims))).status_code == 200


def _forge(kind: str, claims: dict[str, Any], token: str) -> str:
    now = datetime.now(UTC)
    if kind == "alg_none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    if kind == "alg_none_signed":  # header says none, a signature is still attached
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.{token.rsplit('.', 1)[1]}"
    if kind == "wrong_key":
        return _sign(claims, key="another-secret-key-0123456789-abcdefghijklmnop")
    if kind == "other_algorithm":  # HS512 with the right key: the algorithm is pinned
        return _sign(claims, alg="HS512")
    if kind == "expired":
        return _sign(
            {
                **claims,
                "iat": now - timedelta(hours=2),
                "nbf": now - timedelta(hours=2),
                "exp": now - timedelta(minutes=1),
            }
        )
    if kind == "wrong_audience":
        return _sign({**claims, "aud": "someone-else"})
    if kind == "wrong_issuer":
        return _sign({**claims, "iss": "evil"})
    if kind == "not_yet_valid":
        return _sign({**claims, "nbf": now + timedelta(hours=1)})
    if kind == "refresh_type":
        return _sign({**claims, "typ": "refresh"})
    if kind == "tampered_payload":  # another user's id, original signature kept
        header, _payload, sig = token.split(".")
        return f"{header}.{_b64({**claims, 'sub': '1'})}.{sig}"
    if kind == "garbage":
        return "not-a-jwt"
    if kind.startswith("missing_"):
        claim = kind.removeprefix("missing_")
        return _sign({k: v for k, v in claims.items() if k != claim})
    if kind == "unknown_session":
        return _sign({**claims, "sid": 999_999})
    if kind == "unknown_user":
        return _sign({**claims, "sub": "999999"})
    if kind == "non_numeric_sub":
        return _sign({**claims, "sub": "admin"})
    raise AssertionError(kind)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the HS512 forgery
@pytest.mark.parametrize(
    "kind",
    [
        "alg_none",
        "alg_none_signed",
        "wrong_key",
        "other_algorithm",
        "expired",
        "wrong_audience",
        "wrong_issuer",
        "not_yet_valid",
        "refresh_type",
        "tampered_payload",
        "garbage",
        "missing_exp",
        "missing_iat",
        "missing_iss",
        "missing_aud",
        "missing_sub",
        "missing_sid",
        "unknown_session",
        "unknown_user",
        "non_numeric_sub",
    ],
)
def test_forged_or_invalid_tokens_are_refused(client: Any, kind: str) -> None:
    pair = _login(client)
    claims = _claims(pair["access_token"])
    _assert_401(client.get(f"{V1}/me", headers=_bearer(_forge(kind, claims, pair["access_token"]))))


def test_missing_and_malformed_authorization(client: Any) -> None:
    _assert_401(client.get(f"{V1}/me"))
    _assert_401(client.get(f"{V1}/me", headers={"Authorization": "Basic YWRtaW46eA=="}))
    _assert_401(client.get(f"{V1}/me", headers={"Authorization": "Bearer "}))
    _assert_401(client.get(f"{V1}/me", headers={"Authorization": "Bearer pst_unknown-api-token"}))


def test_refresh_rotates_and_reuse_revokes_the_family(client: Any) -> None:
    first = _login(client)
    other_login = _login(client)  # another session of the same user: not part of the family
    r = client.post(f"{V1}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert client.get(f"{V1}/me", headers=_bearer(second["access_token"])).status_code == 200

    # Presenting the spent refresh token again: refused, and the whole family ends at once.
    r = client.post(f"{V1}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    _assert_401(r)
    assert r.json()["code"] == "refresh_reuse"
    _assert_401(client.post(f"{V1}/auth/refresh", json={"refresh_token": second["refresh_token"]}))
    _assert_401(client.get(f"{V1}/me", headers=_bearer(second["access_token"])))
    _assert_401(client.get(f"{V1}/me", headers=_bearer(first["access_token"])))
    # The other session is untouched.
    assert client.get(f"{V1}/me", headers=_bearer(other_login["access_token"])).status_code == 200


def test_refresh_with_unknown_token_is_401(client: Any) -> None:
    _assert_401(client.post(f"{V1}/auth/refresh", json={"refresh_token": "psr_" + "x" * 40}))


def test_refresh_tokens_are_stored_hashed(client: Any, session: Any) -> None:
    from sqlmodel import select

    from api.auth.security import sha256_hex
    from api.models import RefreshToken

    pair = _login(client)
    hashes = set(session.exec(select(RefreshToken.token_hash)).all())
    assert sha256_hex(pair["refresh_token"]) in hashes
    assert pair["refresh_token"] not in hashes


def test_logout_ends_the_session_at_once(client: Any) -> None:
    pair = _login(client)
    h = _bearer(pair["access_token"])
    assert client.post(f"{V1}/auth/logout", json={}, headers=h).status_code == 204
    _assert_401(client.get(f"{V1}/me", headers=h))
    _assert_401(client.post(f"{V1}/auth/refresh", json={"refresh_token": pair["refresh_token"]}))


def test_deactivation_takes_effect_at_once(client: Any) -> None:
    victim = _login(client, "canbo.hoatham")
    h = _bearer(victim["access_token"])
    admin = _bearer(_login(client, "noivu")["access_token"])
    me = client.get(f"{V1}/me", headers=h).json()
    etag = client.get(f"{V1}/users/{me['id']}", headers=admin).headers["etag"]
    r = client.post(
        f"{V1}/users/{me['id']}/deactivate", json={"reason": "nghỉ việc"}, headers={**admin, "If-Match": etag}
    )
    assert r.status_code == 200, r.text
    _assert_401(client.get(f"{V1}/me", headers=h))
    _assert_401(client.post(f"{V1}/auth/refresh", json={"refresh_token": victim["refresh_token"]}))
    r = client.post(f"{V1}/auth/login", json={"username": "canbo.hoatham", "password": DEMO_PASSWORD})
    _assert_401(r)


def test_role_changes_take_effect_at_once(client: Any) -> None:
    officer = _bearer(_login(client, "canbo.hoatham")["access_token"])
    admin = _bearer(_login(client, "noivu")["access_token"])
    me = client.get(f"{V1}/me", headers=officer).json()
    unit_id = me["memberships"][0]["unit_id"]
    assert client.get(f"{V1}/users", headers=officer).status_code == 403  # officers cannot read users

    r = client.post(
        f"{V1}/users/{me['id']}/memberships", json={"unit_id": unit_id, "role": "unit_head"}, headers=admin
    )
    assert r.status_code == 201, r.text
    assert client.get(f"{V1}/users", headers=officer).status_code == 200  # same token, new role

    r = client.delete(f"{V1}/users/{me['id']}/memberships/{r.json()['id']}", headers=admin)
    assert r.status_code == 204, r.text
    assert client.get(f"{V1}/users", headers=officer).status_code == 403

    # Removing the last membership leaves a token that reaches nothing.
    only = me["memberships"][0]
    ms = client.get(f"{V1}/users/{me['id']}", headers=admin).json()["memberships"]
    assert [m["unit_id"] for m in ms] == [only["unit_id"]]
    assert client.delete(f"{V1}/users/{me['id']}/memberships/{ms[0]['id']}", headers=admin).status_code == 204
    assert client.get(f"{V1}/org-units/{unit_id}", headers=officer).status_code == 403
    assert client.get(f"{V1}/me", headers=officer).json()["permissions"] == []


def test_password_change_ends_other_sessions(client: Any) -> None:
    a = _login(client)
    b = _login(client)
    r = client.post(
        f"{V1}/me/password",
        json={"current_password": DEMO_PASSWORD, "new_password": "Mat-khau-moi-2024"},
        headers=_bearer(a["access_token"]),
    )
    assert r.status_code == 204, r.text
    _assert_401(client.get(f"{V1}/me", headers=_bearer(b["access_token"])))
    _assert_401(client.post(f"{V1}/auth/refresh", json={"refresh_token": b["refresh_token"]}))
    r = client.post(f"{V1}/auth/login", json={"username": "canbo.hoatham", "password": "Mat-khau-moi-2024"})
    assert r.status_code == 200, r.text


def test_a_remembered_token_is_still_refused_once_expired_or_under_another_key(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdict on a verified token is remembered (api/auth/security.py), but its times are checked at every
    use and the memo answers only for the key, issuer and audience it was verified under."""
    from api.auth import security

    token = _login(client)["access_token"]
    assert client.get(f"{V1}/me", headers=_bearer(token)).status_code == 200
    assert client.get(f"{V1}/me", headers=_bearer(token)).status_code == 200  # from the memo
    settings = get_settings()
    assert security._verified.cache_info().hits >= 1
    claims = security.decode_access_token(settings, token)
    claims["sub"] = "999"  # a caller's copy: the remembered claims do not change
    assert security.decode_access_token(settings, token)["sub"] != "999"
    # The clock passes the token's expiry: refused although remembered.
    expires = float(_claims(token)["exp"])
    monkeypatch.setattr(security.time, "time", lambda: expires + 1)
    with pytest.raises(jwt.ExpiredSignatureError):
        security.decode_access_token(settings, token)
    monkeypatch.undo()
    # Another signing key (a rotated secret): refused.
    monkeypatch.setattr(type(settings), "effective_secret", lambda self: "another-secret-" + "x" * 48)
    with pytest.raises(jwt.InvalidSignatureError):
        security.decode_access_token(settings, token)
