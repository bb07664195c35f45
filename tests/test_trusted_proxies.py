"""Client addresses and login throttling: X-Forwarded-For is believed only from PARSIPAS_TRUSTED_PROXIES, and an
attacker sharing an address with colleagues locks out only itself."""

from typing import Any

from fastapi.testclient import TestClient

from api.cli import _UVICORN_SAFE
from api.config import Settings, get_settings
from api.main import create_app
from api.middleware import client_address, parse_networks
from tests.conftest import DEMO_PASSWORD

V1 = "/api/v1"


def _client(engine: Any, ip: str, **overrides: Any) -> TestClient:
    settings = Settings(**{**get_settings().model_dump(), **overrides})
    return TestClient(create_app(settings, engine), client=(ip, 50000))


def _login(c: TestClient, username: str, password: str, xff: str | None = None) -> Any:
    headers = {"X-Forwarded-For": xff} if xff else {}
    return c.post(f"{V1}/auth/login", json={"username": username, "password": password}, headers=headers)


def test_client_address_rules() -> None:
    proxies = parse_networks(["10.0.0.0/8", "::1"])
    assert client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"  # not from a proxy: ignored
    assert client_address("10.1.1.1", "1.2.3.4", proxies) == "1.2.3.4"
    # the client can prepend anything; the right-most address a trusted proxy did not add is the client
    assert client_address("10.1.1.1", "6.6.6.6, 198.51.100.7, 10.2.2.2", proxies) == "198.51.100.7"
    assert client_address("10.1.1.1", "not-an-ip", proxies) == "10.1.1.1"
    assert client_address("::1", "2001:db8::5", proxies) == "2001:db8::5"
    assert (
        client_address("10.1.1.1", "1.2.3.4", ()) == "10.1.1.1"
    )  # no trusted proxy configured (the default)
    assert get_settings().trusted_proxies == []


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(db: Any) -> None:
    limits = {"login_max_failures_per_user": 100, "login_max_failures_per_ip": 3}
    with _client(db, "10.0.2.1", **limits) as c:
        for i in range(3):
            assert _login(c, f"x{i}", "sai", xff=f"198.51.100.{i}").status_code == 401
        r = _login(c, "x9", "sai", xff="198.51.100.99")  # a fresh forged address changes nothing
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_a_trusted_proxy_is_believed(db: Any) -> None:
    limits = {
        "login_max_failures_per_user": 100,
        "login_max_failures_per_ip": 3,
        "trusted_proxies": ["10.0.2.0/24"],
    }
    with _client(db, "10.0.2.1", **limits) as proxy:
        for i in range(3):
            assert _login(proxy, f"y{i}", "sai", xff="6.6.6.6, 198.51.100.1").status_code == 401
        assert _login(proxy, "y9", "sai", xff="198.51.100.1").status_code == 429  # that client is throttled
        assert _login(proxy, "noivu", DEMO_PASSWORD, xff="198.51.100.2").status_code == 200  # another is not
        r = _login(
            proxy, "y9", "sai", xff="198.51.100.1, 10.0.2.7"
        )  # behind a second trusted hop: same client
        assert r.status_code == 429


def test_an_attacker_on_a_shared_address_locks_out_only_itself(db: Any) -> None:
    limits = {"login_max_failures_per_user": 3, "login_max_failures_per_ip": 5}
    office = "10.0.3.1"
    with _client(db, office, **limits) as c, _client(db, "10.0.3.2", **limits) as home:
        assert _login(c, "chutich", DEMO_PASSWORD).status_code == 200  # a colleague's usual address
        assert _login(home, "noivu", DEMO_PASSWORD).status_code == 200  # the victim's usual address
        for name in ("noivu", "noivu", "noivu", "a1", "a2"):  # the attacker, from the office
            _login(c, name, "sai")
        r = _login(c, "noivu", DEMO_PASSWORD)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0  # the attacker is held back
        assert _login(c, "huyenuy", DEMO_PASSWORD).status_code == 429  # an unknown pair at a locked address
        assert _login(c, "chutich", DEMO_PASSWORD).status_code == 200  # the colleague still gets in
        assert _login(home, "noivu", DEMO_PASSWORD).status_code == 200  # so does the victim, from its address


def test_serve_trusts_no_forwarded_header_and_names_no_server(client: TestClient) -> None:
    # no forwarded headers trusted, no Server header, and no uvicorn access log (it would log query strings; the
    # app writes its own JSON line per request without them)
    assert _UVICORN_SAFE == {"proxy_headers": False, "server_header": False, "access_log": False}
    assert "server" not in {k.lower() for k in client.get(f"{V1}/health").headers}
