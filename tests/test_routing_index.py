"""The routers' quick refusal by first path segment (``api/routing_index.py``): every request is still matched to
the very route FastAPI would choose (full match, or the partial match that gives a 405), and unknown paths still
fall through to the same place (a problem+json 404 under ``/api``, the SPA elsewhere)."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Match

from api import main as api_main
from api.routing_index import index_routes

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def _route_paths(app: Any) -> list[str]:
    """A concrete request path for every route of the app (path parameters filled in)."""
    from fastapi.routing import iter_route_contexts

    paths = {ctx.path for ctx in iter_route_contexts(app.routes) if ctx.path}
    return sorted(re.sub(r"\{[^}:]+(:[^}]+)?\}", "7", p) for p in paths)


def _chosen(app: Any, method: str, path: str) -> tuple[str, int] | None:
    """What the app's router picks first for (method, path): the kind of match and the position of the route."""
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": [], "query_string": b""}
    partial: tuple[str, int] | None = None
    for i, route in enumerate(app.router.routes):
        match, _ = route.matches(dict(scope))
        if match == Match.FULL:
            return "full", i
        if match == Match.PARTIAL and partial is None:
            partial = ("partial", i)
    return partial


@pytest.fixture
def plain_app(db, monkeypatch):  # type: ignore[no-untyped-def]
    """The same app built without the index."""
    from api.config import get_settings

    monkeypatch.setattr(api_main, "index_routes", lambda routes: 0)
    return api_main.create_app(get_settings(), db)


def test_every_router_of_the_api_is_indexed(app) -> None:  # type: ignore[no-untyped-def]
    from fastapi.routing import _IncludedRouter

    included = [r for r in app.router.routes if isinstance(r, _IncludedRouter)]
    quick = [r for r in included if "matches" in vars(r)]  # the instance's own quick matcher
    assert len(included) >= 20
    assert len(quick) == len(included)
    assert index_routes([]) == 0


def test_every_request_is_matched_to_the_route_fastapi_chooses(app, plain_app) -> None:  # type: ignore[no-untyped-def]
    paths = _route_paths(plain_app)
    assert len(paths) > 150
    extra = [
        "/api/v1",
        "/api/v1/",
        "/api/v1/nothing-here",
        "/api/v1/assignmentsX/work",
        "/api/v1/assignments/",
        "/api/v1/me/",
        "/api/v1x/me",
        "/metrics",
        "/",
        "/my-work",
        "/plans/3",
    ]
    checked = 0
    for path in [*paths, *extra]:
        for method in METHODS:
            assert _chosen(app, method, path) == _chosen(plain_app, method, path), (method, path)
            checked += 1
    assert checked > 750


def test_requests_still_reach_their_routes_and_unknown_paths_still_refuse(
    client: TestClient, auth
) -> None:  # type: ignore[no-untyped-def]
    h = auth("canbo.hoatham")
    assert client.get("/api/v1/assignments/work", params={"limit": 3}, headers=h).status_code == 200
    assert client.get("/api/v1/me", headers=h).json()["username"] == "canbo.hoatham"
    assert client.get("/api/v1/health").status_code == 200
    unknown = client.get("/api/v1/nothing-here", headers=h)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    wrong_method = client.put("/api/v1/assignments/work", headers=h, json={})
    assert wrong_method.status_code == 405
