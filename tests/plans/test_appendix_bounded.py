"""The bounded appendix (#19): each task carries its status counts and distinct units over all it has, and at most
``units_limit`` units (statuses and coordinators); ``GET /tasks/{task_id}/units`` pages the rest. Every figure is
checked against a row-by-row recount from the database, in the caller's scope; the statements per request stay
the same as units grow."""

from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.models import (
    Assignment,
    AssignmentStatus,
    OrgUnit,
    Task,
    TaskUnit,
    TaskUnitRole,
    UnitKind,
    UnitLevel,
)
from tests.assignments.helpers import API, plan_85
from tests.dashboards.test_summary import count_statements

STATUSES = ("not_started", "in_progress", "submitted", "approved", "returned")
HT = "LS.BG.X.HOATHAM"


class _Table:
    """Every assignment with its unit and every coordinating link, read from the ORM once (a test's requests read
    and never write, so one read serves all its tasks): reading the whole table again for each of the plan's
    65 tasks took ~45 s of the suite on each database."""

    def __init__(self, session: Session) -> None:
        self.rows = [
            (a.task_id, u.path, u.code, a.instance_key, a.id, str(a.status), u.id)
            for a, u in session.exec(
                select(Assignment, OrgUnit).join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
            ).all()
        ]
        self.links = [
            (tu.task_id, tu.role, u.code)
            for tu, u in session.exec(
                select(TaskUnit, OrgUnit).join(OrgUnit, col(OrgUnit.id) == col(TaskUnit.unit_id))
            )
        ]
        session.rollback()  # end the read (SQLite: the app's requests need the database)

    def recount(self, task_id: int, path_prefix: str | None = None, unit_code: str | None = None) -> Any:
        """All rows of a task in a scope, one by one: (rows sorted as the appendix, coordinators)."""
        rows = []
        for row_task, path, code, instance_key, assignment_id, status, unit_id in self.rows:
            if row_task != task_id:
                continue
            if path_prefix is not None and not path.startswith(path_prefix):
                continue
            if unit_code is not None and code != unit_code:
                continue
            rows.append((code, instance_key, assignment_id, status, unit_id))
        rows.sort()
        coords = sorted(
            code
            for link_task, role, code in self.links
            if link_task == task_id and role == TaskUnitRole.coordinating
        )
        return rows, coords


def _recount(
    session: Session, task_id: int, path_prefix: str | None = None, unit_code: str | None = None
) -> Any:
    """All rows of a task in a scope, from the ORM one by one: (rows sorted as the appendix, coordinators)."""
    return _Table(session).recount(task_id, path_prefix=path_prefix, unit_code=unit_code)


def _check_task(doc: dict[str, Any], rows: list[Any], coords: list[str], limit: int) -> None:
    counts = Counter(r[3] for r in rows)
    assert doc["status_counts"] == {s: counts.get(s, 0) for s in STATUSES}, doc["label"]
    units = list(dict.fromkeys(r[0] for r in rows))  # distinct unit codes, in code order
    assert doc["units_total"] == len(units)
    assert doc["units_truncated"] == (len(units) > limit)
    first = set(units[:limit])
    assert [u["assignment_id"] for u in doc["units"]] == [r[2] for r in rows if r[0] in first]
    assert [u["unit_code"] for u in doc["units"]] == [r[0] for r in rows if r[0] in first]
    assert [u["status"] for u in doc["units"]] == [r[3] for r in rows if r[0] in first]
    assert doc["coordinating_total"] == len(coords)
    assert doc["coordinating_truncated"] == (len(coords) > limit)
    assert [u["code"] for u in doc["coordinating_units"]] == coords[:limit]


def _bg_path(session: Session) -> str:
    return session.exec(select(OrgUnit).where(OrgUnit.code == "LS.BG")).one().path


def test_truncation_and_counts_equal_a_recount(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan = plan_85(session)
    prefix = _bg_path(session)
    for limit in (1, 3, 20):
        r = client.get(f"{API}/plans/{plan.id}/tasks", headers=h, params={"units_limit": limit})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["units_limit"] == limit
        truncated = 0
        table = _Table(session)
        for doc in body["tasks"]:
            rows, coords = table.recount(doc["id"], path_prefix=prefix)
            _check_task(doc, rows, coords, limit)
            truncated += doc["units_truncated"]
        assert truncated > 0  # the demo has tasks of more than 20 units: the check above could fail


def test_default_limit_lists_every_unit_of_the_district_plan(
    client: TestClient, session: Session, auth
) -> None:  # type: ignore[no-untyped-def]
    """Bình Gia as before: with the default limit no task is truncated, every status row is there."""
    h = auth("noivu")
    plan = plan_85(session)
    body = client.get(f"{API}/plans/{plan.id}/tasks", headers=h).json()
    assert body["units_limit"] == 50
    prefix = _bg_path(session)
    all_rows = 0
    table = _Table(session)
    for doc in body["tasks"]:
        rows, coords = table.recount(doc["id"], path_prefix=prefix)
        assert not doc["units_truncated"] and not doc["coordinating_truncated"]
        assert len(doc["units"]) == len(rows) and len(doc["coordinating_units"]) == len(coords)
        _check_task(doc, rows, coords, 50)
        all_rows += len(rows)
    assert all_rows > 2000


def test_limits_are_validated(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan = plan_85(session)
    for bad in (0, 501, "x"):
        r = client.get(f"{API}/plans/{plan.id}/tasks", headers=h, params={"units_limit": bad})
        assert r.status_code == 422, (bad, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert (
        client.get(f"{API}/plans/{plan.id}/tasks", headers=h, params={"units_limit": 500}).status_code == 200
    )


def test_commune_sees_only_its_own_units(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h, district = auth("canbo.hoatham"), auth("noivu")
    plan = plan_85(session)
    body = client.get(f"{API}/plans/{plan.id}/tasks", headers=h, params={"units_limit": 1}).json()
    assert body["tasks"]
    table = _Table(session)
    for doc in body["tasks"]:
        rows, coords = table.recount(doc["id"], unit_code=HT)
        assert rows  # a commune sees the tasks it works on
        _check_task(doc, rows, coords, 1)
        assert {u["unit_code"] for u in doc["units"]} == {HT}
        page = client.get(f"{API}/tasks/{doc['id']}/units", headers=h, params={"limit": 500}).json()
        assert page["total"] == len(rows)
        assert {u["unit_code"] for u in page["items"]} == {HT}
    # a task of the plan Hoa Thám has no work on: out of its reach, 404 (not an empty page)
    seen = {d["id"] for d in body["tasks"]}
    other = session.exec(select(Task).where(Task.plan_id == plan.id, col(Task.id).not_in(seen))).first()
    assert other is not None
    session.rollback()
    r = client.get(f"{API}/tasks/{other.id}/units", headers=h)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"{API}/tasks/{other.id}/units", headers=district).status_code == 200
    assert client.get(f"{API}/tasks/99999999/units", headers=district).status_code == 404


def test_task_units_pages_filters_and_sorts(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan = plan_85(session)
    body = client.get(f"{API}/plans/{plan.id}/tasks", headers=h).json()
    doc = max(body["tasks"], key=lambda d: len(d["units"]))
    rows, _ = _recount(session, doc["id"], path_prefix=_bg_path(session))
    assert len(rows) > 20
    got: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = client.get(f"{API}/tasks/{doc['id']}/units", headers=h, params={"limit": 7, "offset": offset})
        assert page.status_code == 200, page.text
        p = page.json()
        assert p["total"] == len(rows) and p["limit"] == 7 and p["offset"] == offset
        got += p["items"]
        offset += 7
        if offset >= p["total"]:
            break
    assert [u["assignment_id"] for u in got] == [r[2] for r in rows]
    names: dict[str, str] = {u.code: u.name for u in session.exec(select(OrgUnit)).all()}
    session.rollback()
    assert all(u["unit_name"] == names[u["unit_code"]] for u in got)
    assert not doc["units_truncated"]  # the appendix holds them all: the same rows as the pages
    assert [{k: v for k, v in u.items() if k != "unit_name"} for u in got] == doc["units"]
    for status in STATUSES:
        p = client.get(
            f"{API}/tasks/{doc['id']}/units", headers=h, params={"status": status, "limit": 500}
        ).json()
        assert p["total"] == doc["status_counts"][status]
        assert {u["status"] for u in p["items"]} <= {status}
    by_role: dict[str, int] = defaultdict(int)
    for u in got:
        by_role[u["role"]] += 1
    for role in ("lead", "coordinating"):
        p = client.get(f"{API}/tasks/{doc['id']}/units", headers=h, params={"role": role, "limit": 1}).json()
        assert p["total"] == by_role[role]
    first = got[0]
    p = client.get(
        f"{API}/tasks/{doc['id']}/units", headers=h, params={"q": first["unit_name"], "limit": 500}
    )
    assert first["assignment_id"] in {u["assignment_id"] for u in p.json()["items"]}
    assert p.json()["total"] < len(rows)
    p = client.get(f"{API}/tasks/{doc['id']}/units", headers=h, params={"sort": "-unit_code", "limit": 500})
    codes = [u["unit_code"] for u in p.json()["items"]]
    assert codes == sorted(codes, reverse=True)
    assert (
        client.get(f"{API}/tasks/{doc['id']}/units", headers=h, params={"sort": "password"}).status_code
        == 422
    )
    assert client.get(f"{API}/tasks/{doc['id']}/units", headers=h, params={"limit": 501}).status_code == 422
    assert client.get(f"{API}/tasks/{doc['id']}/units", headers=h, params={"status": "x"}).status_code == 422


def test_appendix_etag_and_304(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan = plan_85(session)
    url = f"{API}/plans/{plan.id}/tasks"
    r = client.get(url, headers=h, params={"units_limit": 5})
    tag = r.headers["ETag"]
    again = client.get(url, headers={**h, "If-None-Match": tag}, params={"units_limit": 5})
    assert again.status_code == 304 and again.content == b""
    other = client.get(url, headers={**h, "If-None-Match": tag}, params={"units_limit": 6})
    assert other.status_code == 200 and other.headers["ETag"] != tag
    default = client.get(url, headers=h)
    assert client.get(url, headers={**h, "If-None-Match": default.headers["ETag"]}).status_code == 304


def _grow(session: Session, n_units: int, start: int = 0) -> int:
    """``n_units`` more communes coordinating the first task of plan 85, each with a quarterly pair of
    assignments (two due instances): the task's id."""
    bg = session.exec(select(OrgUnit).where(OrgUnit.code == "LS.BG")).one()
    plan = plan_85(session)
    task = session.exec(select(Task).where(Task.plan_id == plan.id).order_by(col(Task.id))).first()
    assert task is not None
    for i in range(start, start + n_units):
        u = OrgUnit(
            code=f"LS.BG.X.GEN{i:03d}",
            name=f"Xã thêm {i}",
            level=UnitLevel.commune,
            kind=UnitKind.people_committee,
            parent_id=bg.id,
        )
        session.add(u)
        session.flush()
        u.path = f"{bg.path}{u.id}/"
        session.add(TaskUnit(task_id=task.id or 0, unit_id=u.id or 0, role=TaskUnitRole.coordinating))
        for k, status in (("2024-Q1", "approved"), ("2024-Q2", "submitted")):
            session.add(
                Assignment(
                    task_id=task.id or 0,
                    plan_id=plan.id or 0,
                    unit_id=u.id or 0,
                    role=TaskUnitRole.coordinating,
                    instance_key=k,
                    due_date=task.due_date,
                    status=AssignmentStatus(status),
                )
            )
    session.commit()
    return task.id or 0


def test_statements_stay_constant_as_units_grow(
    client: TestClient, session: Session, db: sa.Engine, auth
) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    plan = plan_85(session)
    prefix = _bg_path(session)
    seen: list[tuple[int, int]] = []
    task_id = 0
    for grow, start in ((5, 0), (60, 5)):
        task_id = _grow(session, grow, start)
        with count_statements(db) as appendix_stmts:
            r = client.get(f"{API}/plans/{plan.id}/tasks", headers=h, params={"units_limit": 10})
        assert r.status_code == 200
        with count_statements(db) as units_stmts:
            p = client.get(f"{API}/tasks/{task_id}/units", headers=h, params={"limit": 10, "offset": 5})
        assert p.status_code == 200
        seen.append((len(appendix_stmts), len(units_stmts)))
        doc = next(d for d in r.json()["tasks"] if d["id"] == task_id)
        rows, coords = _recount(session, task_id, path_prefix=prefix)
        _check_task(doc, rows, coords, 10)
        assert doc["units_truncated"] and doc["coordinating_truncated"]
        assert p.json()["total"] == len(rows) and len(p.json()["items"]) == 10
    assert seen[0] == seen[1], seen
    appendix_n, units_n = seen[0]
    # the appendix at most: the token, the plan, its sections, tasks and leads, the coordinators' count, whole links
    # and first links, the criteria, how to count (PostgreSQL: the units in reach, the table's visibility), the
    # status counts, the distinct units of recurring tasks, the whole tasks' and the cut tasks' status rows, the
    # plan's frameworks; the page: the token, the task, the count and the page
    assert appendix_n <= 15 and units_n <= 4, seen
    # 65 coordinators of two instances each: the default limit lists 50 of them, the DOCX all of them
    body = client.get(f"{API}/plans/{plan.id}/tasks", headers=h).json()
    doc = next(d for d in body["tasks"] if d["id"] == task_id)
    assert len(doc["coordinating_units"]) == 50 and doc["coordinating_total"] > 65
    assert len({u["unit_id"] for u in doc["units"]}) == 50 and doc["units_total"] > 65
    docx = client.get(f"{API}/plans/{plan.id}/appendix.docx", headers=h)
    assert docx.status_code == 200
    from io import BytesIO

    from docx import Document

    text = "\n".join(
        c.text for t in Document(BytesIO(docx.content)).tables for row in t.rows for c in row.cells
    )
    assert all(f"Xã thêm {i}" in text for i in range(65))
