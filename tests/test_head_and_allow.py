"""HEAD is GET without the body on every route; a path under /api that exists under other methods is a 405 naming
them all in ``Allow``; an unknown /api path is a problem+json 404 whatever the method — never the SPA's HTML."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.config import get_settings
from api.main import create_app

V1 = "/api/v1"
HTML = b"<!doctype html><html><head><title>parsipas</title></head><body><div id=root></div></body></html>"
IDENTITY = {"Accept-Encoding": "identity"}


def _problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, (r.request.method, r.request.url, r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    if r.request.method == "HEAD":
        assert r.content == b""
        return {}
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    return body


def _allow(r: Any) -> set[str]:
    return {m.strip() for m in r.headers["allow"].split(",")}


def test_head_is_get_without_body(client: TestClient, auth: Any) -> None:
    who = {**auth("noivu"), **IDENTITY}
    for path in (f"{V1}/me", f"{V1}/health", f"{V1}/org-units", f"{V1}/plans", f"{V1}/openapi.json"):
        got = client.get(path, headers=who)
        head = client.head(path, headers=who)
        assert got.status_code == head.status_code == 200, (path, head.status_code, head.text)
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert int(head.headers["content-length"]) == len(got.content)
        if "etag" in got.headers:
            assert head.headers["etag"] == got.headers["etag"]


def test_head_keeps_the_get_refusals(client: TestClient, auth: Any) -> None:
    _problem(client.head(f"{V1}/me"), 401)  # no login: as GET
    _problem(client.head(f"{V1}/users", headers=auth("huyenuy")), 403)
    _problem(client.head(f"{V1}/org-units/987654", headers=auth("noivu")), 404)


def test_a_path_without_get_is_405_with_allow(client: TestClient, auth: Any) -> None:
    for method in ("HEAD", "GET"):
        r = client.request(method, f"{V1}/auth/login")
        _problem(r, 405)
        assert _allow(r) == {"POST"}
    # every route at the path counts, not only the first one the router met (GET and PATCH are two routes)
    r = client.delete(f"{V1}/users/1", headers=auth("admin"))
    _problem(r, 405)
    assert _allow(r) == {"GET", "HEAD", "PATCH"}
    r = client.put(f"{V1}/health")
    _problem(r, 405)
    assert _allow(r) == {"GET", "HEAD"}


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def test_unknown_api_path_is_a_problem_404(client: TestClient, method: str) -> None:
    for path in (f"{V1}/no-such-route", f"{V1}/me/no-such", "/api/v2/me", "/api/", "/api"):
        _problem(client.request(method, path), 404)


@pytest.fixture()
def spa(tmp_path: Path, db: sa.Engine) -> Iterator[TestClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(HTML)
    (dist / "api").mkdir()  # a built file could never be served under /api
    (dist / "api" / "x.json").write_bytes(b"{}")
    settings = get_settings().model_copy(update={"frontend_dist": dist})
    with TestClient(create_app(settings, db)) as c:
        yield c


def test_with_a_built_spa(spa: TestClient) -> None:
    for method in ("GET", "HEAD"):
        for path in (f"{V1}/no-such-route", "/api/x.json", "/api", "/assets/gone-123.js"):
            _problem(spa.request(method, path), 404)
        _problem(spa.request(method, f"{V1}/auth/refresh"), 405)
        for path in ("/", "/my-work", "/apiary", "/plans/3"):  # client-side routes: the shell, also to HEAD
            r = spa.request(method, path, headers=IDENTITY)
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
            assert int(r.headers["content-length"]) == len(HTML)
            assert r.content == (HTML if method == "GET" else b"")
    r = spa.post("/my-work")
    _problem(r, 405)
    assert _allow(r) == {"GET", "HEAD"}


def test_head_metrics_is_not_the_spa(spa: TestClient) -> None:
    got, head = spa.get("/metrics"), spa.head("/metrics")
    assert head.status_code == got.status_code
    assert head.headers["content-type"] == got.headers["content-type"]
    assert not head.headers["content-type"].startswith("text/html")


def test_no_body_is_sent_to_the_server(app: Any, auth: Any, client: TestClient) -> None:
    """At the ASGI level (a test client drops a HEAD answer's body itself): the server is sent no body bytes."""
    import anyio

    token = auth("noivu")["Authorization"].encode()
    sent: list[dict[str, Any]] = []

    async def call() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "HEAD",
            "scheme": "http",
            "path": f"{V1}/org-units",
            "raw_path": f"{V1}/org-units".encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"authorization", token)],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(scope, receive, send)

    anyio.run(call)
    start = sent[0]
    assert start["type"] == "http.response.start" and start["status"] == 200
    assert int(dict(start["headers"])[b"content-length"]) > 0
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b""
