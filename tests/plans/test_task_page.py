"""``GET /tasks/{task_id}`` answered as JSON in one pass (#19, ``service.task_json``): the same document as the
validated ``TaskRead`` (every unit status the caller sees, the model's keys in the model's order), with the task's
ETag; a commune sees its own rows only; a task out of reach is 404."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.auth.service import principal_for_user
from api.config import get_settings
from api.etag import make_etag
from api.models import Assignment, OrgUnit, Task, User
from api.plans import service
from api.plans.schemas import TaskRead
from tests.assignments.helpers import API, plan_85


def _expected(session: Session, username: str, task_id: int) -> dict[str, Any]:
    user = session.exec(select(User).where(User.username == username)).one()
    task = session.exec(select(Task).where(Task.id == task_id)).one()
    read = service.task_reads(
        session, principal_for_user(session, user), [task], today=get_settings().today(), with_units=True
    )[0]
    doc = TaskRead.model_validate(read).model_dump(mode="json")
    session.rollback()  # end the read (SQLite: the app's requests need the database)
    return doc


def _keys(doc: Any) -> Any:
    """The document's keys, in order, all the way down."""
    if isinstance(doc, dict):
        return [(k, _keys(v)) for k, v in doc.items()]
    if isinstance(doc, list):
        return [_keys(v) for v in doc]
    return None


def test_task_page_is_the_validated_task_read(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    plan = plan_85(session)
    tasks = session.exec(select(Task).where(Task.plan_id == plan.id).order_by(col(Task.id))).all()
    # the task with the most assignments, and one whose units have due instances if the demo has any
    sizes = {
        t.id: len(session.exec(select(Assignment.id).where(Assignment.task_id == t.id)).all()) for t in tasks
    }
    recurring = {
        a.task_id for a in session.exec(select(Assignment).where(col(Assignment.instance_key) != "")).all()
    }
    picked = [
        (t.id or 0, t.version, t.label)
        for t in [max(tasks, key=lambda t: sizes[t.id])] + [t for t in tasks if t.id in recurring][:1]
    ]
    own = session.exec(select(OrgUnit.id).where(OrgUnit.code == "LS.BG.X.HOATHAM")).one()
    session.rollback()  # end the read (SQLite: logging in writes)
    for username in ("noivu", "chutich.hoatham"):
        h = auth(username)
        for task_id, version, label in picked:
            r = client.get(f"{API}/tasks/{task_id}", headers=h)
            assert r.status_code == 200, r.text
            assert r.headers["content-type"] == "application/json"
            assert r.headers["ETag"] == make_etag("task", task_id, version)
            expected = _expected(session, username, task_id)
            assert r.json() == expected, username
            assert _keys(r.json()) == _keys(expected)
            assert r.json()["units"], (username, label)  # both see units of it: the check could fail
    # the commune: its own unit only
    body = client.get(f"{API}/tasks/{picked[0][0]}", headers=auth("chutich.hoatham")).json()
    assert {u["unit_id"] for u in body["units"]} == {own}


def test_task_out_of_reach_is_404(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    last = session.exec(select(Task.id).order_by(col(Task.id).desc())).first() or 0
    session.rollback()
    assert client.get(f"{API}/tasks/{last + 1000}", headers=h).status_code == 404
