"""The authorization matrix: every operation of the app × every actor, on an own and on a foreign object.

Rows come from ``tests/authz/cases/*.py`` (format in ``tests/authz/spec.py``). For each row and actor:
- the own request answers 2xx when the actor is ``allowed``; otherwise 401 (anonymous) or 403/404;
- the foreign request never answers 2xx: 404 for actors allowed on the own object (they hold the permission,
  the object is out of scope), 403/404 for the others, 401 for anonymous;
- list rows: no id of ``list_foreign_ids`` in ``items``, and ``total == len(items)`` whenever the page is not
  full (no foreign row counted).
``test_every_operation_has_a_case`` fails when an operation of the app has no row.
"""

import re
from collections import Counter
from typing import Any

import pytest
from fastapi import FastAPI

from tests.authz.spec import ACTORS, Case, Req
from tests.authz.world import CaseModule, World, build_world, load_case_modules

MODULES: list[CaseModule] = load_case_modules()
ROWS: list[tuple[str, Case]] = [(m.name, c) for m in MODULES for c in m.cases]
_DUP = Counter(c.op for _, c in ROWS)
_seen: Counter[str] = Counter()


def _row_id(case: Case) -> str:
    _seen[case.op] += 1
    return case.op if _DUP[case.op] == 1 else f"{case.op}#{_seen[case.op]}"


ROW_IDS = [_row_id(c) for _, c in ROWS]
PARAMS = [
    pytest.param(module, case, actor, id=f"{rid}-{actor}")
    for (module, case), rid in zip(ROWS, ROW_IDS, strict=True)
    for actor in ACTORS
]
LIST_ROWS = [
    pytest.param(module, case, id=rid)
    for (module, case), rid in zip(ROWS, ROW_IDS, strict=True)
    if case.list_foreign_ids is not None and case.foreign_listed_by is not None
]


_APPS: dict[str, FastAPI] = {}


@pytest.fixture
def app(db: Any) -> FastAPI:
    """One app for the whole matrix (it holds no data, only the engine); the data is fresh per test."""
    from api.config import get_settings
    from api.main import create_app

    key = str(db.url)
    if key not in _APPS:
        _APPS[key] = create_app(get_settings(), db)
    return _APPS[key]


@pytest.fixture
def world(app: FastAPI, client: Any, session: Any, db: Any) -> World:
    """The world is built once per database (all setups run, every actor logged in), snapshotted, and restored
    for each test: every test still starts from the same rows, in a fraction of the time a build takes."""
    from tests.authz.world import WORLD_CACHE as _WORLD_CACHE
    from tests.conftest import _take_snapshot

    key = str(db.url)
    cached = _WORLD_CACHE.get(key)
    if cached is None:
        w = build_world(app, client, session, MODULES)
        for name in w.pending_setups():
            w.run_setup(name)
        for actor in (*ACTORS, "foreign_admin"):
            _ = w.headers[actor]  # log in now: the sessions are part of the snapshot
        session.commit()
        _WORLD_CACHE[key] = {
            "rows": _take_snapshot(db),
            "ids": dict(w.ids),
            "headers": dict(w.headers),
            "token": w.token_plain,
            "units": dict(w.units),
            "users": dict(w.users),
        }
        return w
    # tests/authz/conftest.py's ``db`` already restored the world's rows for this test.
    w = World(
        app=app,
        client=client,
        session=session,
        modules={m.name: m for m in MODULES},
        token_plain=cached["token"],
        units=dict(cached["units"]),
        users=dict(cached["users"]),
    )
    w.ids.update(cached["ids"])
    w.headers.update(cached["headers"])
    w._setups_done.update(w.modules)
    return w


def _operations(app: FastAPI) -> dict[str, tuple[str, str]]:
    """operationId → (METHOD, path) from the OpenAPI document."""
    ops: dict[str, tuple[str, str]] = {}
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "patch", "delete", "head", "options"):
                assert "operationId" in op, f"{method.upper()} {path} has no operationId"
                ops[op["operationId"]] = (method.upper(), path)
    return ops


_OPS: dict[str, tuple[str, str]] = {}


def _template_regex(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    rx = "".join(
        (".+" if p.endswith(":path}") else "[^/]+") if p.startswith("{") else re.escape(p) for p in parts
    )
    return re.compile(rx + "$")


def _send(w: World, actor: str, req: Req) -> Any:
    headers = {**w.headers[actor], **req.headers}
    return w.client.request(
        req.method,
        req.path,
        json=req.json,
        data=req.data,
        files=req.files,
        params=req.params,
        headers=headers,
    )


def _describe(case: Case, actor: str, kind: str, req: Req, r: Any) -> str:
    return f"{case.op} as {actor} ({kind}): {req.method} {req.path} → {r.status_code} {r.text[:600]}"


def _check_hits_route(app: FastAPI, case: Case, req: Req) -> None:
    if not _OPS:  # the route table is the same for every app instance: read the OpenAPI document once
        _OPS.update(_operations(app))
    assert case.op in _OPS, f"row {case.op}: the app has no such operation"
    method, template = _OPS[case.op]
    path = req.path.split("?", 1)[0]
    assert req.method.upper() == method and _template_regex(template).match(path), (
        f"row {case.op}: {req.method} {path} does not reach that operation ({method} {template})"
    )


def _item_ids(body: Any) -> tuple[list[Any], Any]:
    items = body.get("items") if isinstance(body, dict) else body
    assert isinstance(items, list), f"list response without items: {str(body)[:300]}"
    return items, [i.get("id") if isinstance(i, dict) else i for i in items]


# --- coverage -------------------------------------------------------------------------------------------


def test_every_operation_has_a_case(app: FastAPI) -> None:
    ops = _operations(app)
    declared = {c.op for _, c in ROWS}
    missing = sorted(set(ops) - declared)
    assert not missing, "operations without a row in tests/authz/cases/: " + ", ".join(
        f"{op} ({' '.join(ops[op])})" for op in missing
    )
    stale = sorted(declared - set(ops))
    assert not stale, f"rows for operations the app does not have: {stale}"


def test_rows_are_well_formed() -> None:
    problems = []
    for module, c in ROWS:
        unknown = set(c.allowed) - set(ACTORS)
        if unknown:
            problems.append(f"{module}:{c.op}: unknown actors {sorted(unknown)}")
        if not c.public and "anonymous" in c.allowed:
            problems.append(f"{module}:{c.op}: anonymous allowed on a non-public route")
        if not c.public and c.foreign is None and c.list_foreign_ids is None and not c.note:
            problems.append(
                f"{module}:{c.op}: no foreign request, no list_foreign_ids and no note saying why"
            )
        if c.foreign_listed_by is not None and c.foreign_listed_by not in (*ACTORS, "foreign_admin"):
            problems.append(f"{module}:{c.op}: unknown foreign_listed_by {c.foreign_listed_by!r}")
    assert not problems, "\n".join(problems)


# --- the matrix -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "case", "actor"), PARAMS)
def test_matrix(world: World, module: str, case: Case, actor: str) -> None:
    w = world
    w.run_setup(module)
    own = case.own(w, actor)
    foreign = case.foreign(w, actor) if case.foreign is not None else None
    _check_hits_route(w.app, case, own)
    if foreign is not None:
        _check_hits_route(w.app, case, foreign)
    allowed = actor in case.allowed
    foreign_ids = case.list_foreign_ids(w) if allowed and case.list_foreign_ids is not None else None
    w.session.commit()  # release anything the row's lambdas read through the session (SQLite write lock)
    needs_auth = actor == "anonymous" and not case.public

    # Foreign first: the own request may end the actor's session (logout) or change the world.
    if foreign is not None:
        r = _send(w, actor, foreign)
        text = _describe(case, actor, "foreign", foreign, r)
        if needs_auth:
            assert r.status_code == 401, text
        elif allowed:
            assert r.status_code == 404, "out of scope must answer 404 to a holder of the permission: " + text
        elif case.public:
            assert r.status_code >= 400, text
        else:
            assert r.status_code in (403, 404), text

    r = _send(w, actor, own)
    text = _describe(case, actor, "own", own, r)
    if allowed:
        assert r.status_code in case.ok, text
    elif needs_auth:
        assert r.status_code == 401, text
        assert r.headers["content-type"].startswith("application/problem+json"), text
    elif case.public:
        assert r.status_code >= 400, text
    else:
        assert r.status_code in (403, 404), text

    if foreign_ids is not None:
        items, ids = _item_ids(r.json())
        leaked = sorted(set(ids) & foreign_ids, key=str)
        assert not leaked, f"{case.op} as {actor}: foreign rows listed {leaked}"
        body = r.json()
        paged = isinstance(body, dict) and {"total", "limit"} <= body.keys() and body.get("offset", 0) == 0
        if paged and body["total"] < body["limit"]:
            assert body["total"] == len(items), f"{case.op} as {actor}: total counts rows not listed"


@pytest.mark.parametrize(("module", "case"), LIST_ROWS)
def test_list_foreign_ids_are_real(world: World, module: str, case: Case) -> None:
    """The foreign rows a list must hide are listed for their owner: the leak check above is not vacuous."""
    w = world
    w.run_setup(module)
    assert case.list_foreign_ids is not None and case.foreign_listed_by is not None
    foreign_ids = case.list_foreign_ids(w)
    assert foreign_ids and None not in foreign_ids, f"{case.op}: list_foreign_ids must name real rows"
    req = case.own(w, case.foreign_listed_by)
    r = _send(w, case.foreign_listed_by, req)
    assert r.status_code in case.ok, _describe(case, case.foreign_listed_by, "own", req, r)
    _, ids = _item_ids(r.json())
    assert set(ids) & foreign_ids, (
        f"{case.op}: none of list_foreign_ids {sorted(foreign_ids, key=str)} is listed for "
        f"{case.foreign_listed_by} (ids {ids[:20]}); set foreign_listed_by=None with a note if that is right"
    )


def test_foreign_world_is_what_the_spec_says(world: World) -> None:
    """The foreign province is a real tree (paths) with its own admin, invisible to the own actors."""
    w = world
    r = w.client.get(f"/api/v1/org-units/{w.ids['foreign_unit']}", headers=w.headers["foreign_admin"])
    assert r.status_code == 200, r.text
    fd, fu = w.ids["foreign_district"], w.ids["foreign_unit"]
    assert r.json()["path"] == f"/{w.ids['foreign_province']}/{fd}/{fu}/"
    assert re.fullmatch(r"/\d+/\d+/\d+/", r.json()["path"])
    me = w.client.get("/api/v1/me", headers=w.headers["token"]).json()
    assert me["kind"] == "token" and "imports:run" in me["permissions"]
    for actor in ("admin", "district_admin", "token"):
        r = w.client.get(f"/api/v1/org-units/{fu}", headers=w.headers[actor])
        assert r.status_code == 404, (actor, r.text)
