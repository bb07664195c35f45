"""Body size limits at the edge (api/edge.py): enforced while the body is read, declared length or not; 413
problem+json; the upload routes keep their own caps."""

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from api.config import get_settings
from api.edge import upload_matcher

V1 = "/api/v1"


def _assert_413(r: Any) -> None:
    assert r.status_code == 413, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "payload_too_large" and "KB" in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"  # security headers still added


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body without Content-Length (chunked transfer encoding)."""
    yield b'{"username": "noivu", "password": "'
    sent = 0
    while sent < total:
        yield b"a" * size
        sent += size
    yield b'"}'


def test_a_big_login_body_is_refused_before_it_is_read(client: TestClient) -> None:
    limit = get_settings().auth_max_body_kb * 1024
    r = client.post(f"{V1}/auth/login", json={"username": "noivu", "password": "a" * (limit + 1)})
    _assert_413(r)
    r = client.post(
        f"{V1}/auth/login", content=_chunks(limit * 4), headers={"content-type": "application/json"}
    )
    _assert_413(r)
    # just under the limit: an ordinary wrong-password answer
    r = client.post(f"{V1}/auth/login", json={"username": "noivu", "password": "a" * (limit - 100)})
    assert r.status_code == 401, r.text


def test_a_big_patch_is_refused(client: TestClient, auth: Any) -> None:
    limit = get_settings().max_body_kb * 1024
    admin = auth("noivu")
    r = client.patch(
        f"{V1}/org-units/1", json={"name": "x" * (limit + 10)}, headers={**admin, "If-Match": '"1"'}
    )
    _assert_413(r)
    r = client.patch(
        f"{V1}/org-units/1",
        content=_chunks(limit + 1),
        headers={**admin, "If-Match": '"1"', "content-type": "application/json"},
    )
    _assert_413(r)
    r = client.patch(
        f"{V1}/org-units/1",
        content=b"x" * (limit + 1),
        headers={**admin, "If-Match": '"1"', "content-type": "text/plain"},
    )
    _assert_413(r)  # whatever the declared type


def test_the_upload_routes_are_the_multipart_ones(app: Any) -> None:
    is_upload = upload_matcher(app)
    for path in (
        f"{V1}/imports/users",
        f"{V1}/assignments/12/evidence",
        f"{V1}/plans/3/evidence",
        f"{V1}/frameworks/import",
        f"{V1}/report-templates",
    ):
        assert is_upload("POST", path), path
    for method, path in (
        ("PATCH", f"{V1}/org-units/1"),
        ("POST", f"{V1}/auth/login"),
        ("GET", f"{V1}/imports/users"),
        ("POST", f"{V1}/assignments/12/submit"),
    ):
        assert not is_upload(method, path), path
