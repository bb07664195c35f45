"""The hot read routes answered in one worker-thread call (``api/one_hop.py``) answer exactly as FastAPI's own
handler does: the same status, body and content type for every caller (anonymous, a bad token, each role) and
every query string (valid, filtered, out of range, malformed, repeated, unknown), with 401/403 before 422."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import one_hop
from api.db import _request_session

V1 = "/api/v1"
ROUTES = ["/assignments/work", "/assignments", "/dashboards/summary"]
QUERIES = [
    "",
    "limit=20",
    "limit=5&offset=3&sort=-due_date,id",
    "status=submitted&limit=20",
    "state=overdue&include_done=true",
    "ready=1&mine=true",
    "due_soon=yes&q=b%C3%A1o%20c%C3%A1o",
    "due_from=2024-01-01&due_to=2024-12-31",
    "plan_id=1&include_predecessors=true",
    "limit=0",
    "limit=abc&offset=-1",
    "status=bogus&role=nobody&bucket=x",
    "due_from=notadate&mine=maybe",
    "unit_id=&plan_id=",
    "q=" + "x" * 101,
    "limit=5&limit=7",
    "sort=nothing",
    "unknown=1&limit=3",
    "submitted_since=2024-02-30",
    "period_id=999999&node_id=999999",
]
CALLERS = ["noivu", "canbo.hoatham", "chutich.hoatham", "huyenuy", "admin", None, "bad"]


def _headers(auth: Any, who: str | None) -> dict[str, str]:
    if who is None:
        return {}
    if who == "bad":
        return {"Authorization": "Bearer not-a-token"}
    return dict(auth(who))


def _answer(client: TestClient, path: str, query: str, headers: dict[str, str]) -> tuple[int, str, Any]:
    r = client.get(f"{V1}{path}?{query}", headers=headers)
    body = r.json() if r.content else None
    if isinstance(body, dict):
        body.pop("request_id", None)  # each response has its own
    return r.status_code, r.headers.get("content-type", ""), body


def test_marked_routes_are_answered_in_one_hop(app) -> None:  # type: ignore[no-untyped-def]
    """Each marked route has a plan (a change that gives one an unsupported dependency would silently lose it)."""
    found = {}
    for route in app.router.routes:
        for candidate in getattr(route, "effective_candidates", lambda: [])():
            original = getattr(candidate, "original_route", None)
            if isinstance(original, one_hop.OneHopRoute) and getattr(original.endpoint, one_hop._MARK, False):
                found[candidate.path] = one_hop.plan_for(original, candidate.dependant)
    assert {p.removeprefix(V1) for p in found} >= set(ROUTES), found
    assert all(plan is not None for plan in found.values()), found


@pytest.mark.parametrize("path", ROUTES)
def test_same_answers_as_fastapi(
    client: TestClient, app, auth, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    calls = []
    body = one_hop._body

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return body(*args, **kwargs)

    monkeypatch.setattr(one_hop, "_body", counted)
    fast = {(who, q): _answer(client, path, q, _headers(auth, who)) for who in CALLERS for q in QUERIES}
    assert len(calls) == len(fast), "every request took the one-hop handler"
    # any dependency override sends every request to FastAPI's own handler: the reference
    app.dependency_overrides[_request_session] = _request_session
    try:
        calls.clear()
        for (who, q), got in fast.items():
            assert _answer(client, path, q, _headers(auth, who)) == got, (path, who, q)
        assert not calls
    finally:
        app.dependency_overrides.clear()
    statuses = {got[0] for got in fast.values()}
    assert {200, 401, 422} <= statuses, statuses
    # 401 before 422: an anonymous caller with bad parameters is told to log in
    assert fast[(None, "limit=0")][0] == 401 and fast[("noivu", "limit=0")][0] == 422
