"""Evidence in the UI (#14): identical uploads stored once, versions with their uploaders, delete and restore only
while the owner is editable, and the actions each caller is offered (``allowed_actions``) matching what the API
accepts."""

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.evidence.storage import LocalStorage
from api.models import AuditEvent, Plan
from api.models.plan import PlanStatus
from tests.evidence.helpers import pdf_bytes
from tests.evidence.test_api import API, _disk, _rows, _upload, ids, store  # noqa: F401

JSON_PROBLEM = "application/problem+json"


def _audit_count(db: sa.Engine) -> int:
    with Session(db) as s:
        return int(
            s.exec(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_type == "evidence")
            ).one()
        )


def _count_publishes(storage: LocalStorage, monkeypatch: Any) -> list[str]:
    published: list[str] = []
    real = storage._publish

    def spy(temp: Any, sha256: str, size: int) -> None:
        published.append(sha256)
        real(temp, sha256, size)

    monkeypatch.setattr(storage, "_publish", spy)
    return published


def test_identical_upload_in_a_row_is_stored_once(
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
    db: sa.Engine,
    monkeypatch: Any,
) -> None:
    h = auth("canbo.hoatham")
    published = _count_publishes(store, monkeypatch)
    first = _upload(client, h, ids["own"], pdf_bytes(seed=7))
    assert first.status_code == 201 and first.json()["duplicate_of"] is None
    disk, rows, audits = _disk(store), _rows(db), _audit_count(db)
    assert len(published) == 1 and rows == 1

    again = _upload(client, h, ids["own"], pdf_bytes(seed=7), filename="ban-sao.pdf", title="Bản sao")
    assert again.status_code == 200
    body = again.json()
    assert body["duplicate_of"] == first.json()["id"] == body["id"]
    assert body["title"] == "Báo cáo kết quả quý I" and body["uploaded_at"] == first.json()["uploaded_at"]
    assert again.headers["content-location"] == f"{API}/evidence/{body['id']}"
    # nothing written: no blob published, no file, no row, no audit event
    assert len(published) == 1 and _disk(store) == disk
    assert _rows(db) == rows and _audit_count(db) == audits

    # a replacement by the very same file is the same duplicate
    same = _upload(client, h, ids["own"], pdf_bytes(seed=7), series_id=body["series_id"])
    assert same.status_code == 200 and same.json()["duplicate_of"] == body["id"]
    assert _rows(db) == rows and len(published) == 1

    # another file, then the first again: not "in a row", a new document (the blob is shared)
    assert _upload(client, h, ids["own"], pdf_bytes(seed=8)).status_code == 201
    third = _upload(client, h, ids["own"], pdf_bytes(seed=7))
    assert third.status_code == 201 and third.json()["duplicate_of"] is None
    assert _rows(db) == rows + 2


def test_same_file_on_another_owner_is_not_a_duplicate(
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
) -> None:
    first = _upload(client, auth("canbo.hoatham"), ids["own"], pdf_bytes(seed=9))
    other = _upload(client, auth("canbo.tanvan"), ids["tanvan"], pdf_bytes(seed=9))
    assert first.status_code == other.status_code == 201
    assert other.json()["id"] != first.json()["id"]


def test_replace_lists_versions_with_uploader_and_actions(
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
) -> None:
    officer, head = auth("canbo.hoatham"), auth("chutich.hoatham")
    v1 = _upload(client, officer, ids["own"], pdf_bytes(seed=1)).json()
    assert sorted(v1["allowed_actions"]) == ["delete", "replace", "update"]
    v2 = _upload(client, head, ids["own"], pdf_bytes(seed=2), series_id=v1["series_id"])
    assert v2.status_code == 201 and v2.json()["version_no"] == 2
    detail = client.get(f"{API}/evidence/{v1['id']}", headers=officer).json()
    assert [(v["version_no"], v["uploaded_by_name"]) for v in detail["versions"]] == [
        (2, v2.json()["uploaded_by_name"]),
        (1, detail["uploaded_by_name"]),
    ]
    assert detail["uploaded_by_name"] and detail["uploaded_by_name"] != v2.json()["uploaded_by_name"]
    # the officer may withdraw their own version only; the head's shows no delete and the API refuses it
    by_id = {v["id"]: v["allowed_actions"] for v in detail["versions"]}
    assert "delete" in by_id[v1["id"]] and "delete" not in by_id[v2.json()["id"]]
    refused = client.delete(f"{API}/evidence/{v2.json()['id']}", headers=officer)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith(JSON_PROBLEM)
    # observers read, never act
    seen = client.get(f"{API}/assignments/{ids['own']}/evidence", headers=auth("huyenuy")).json()
    assert seen["total"] == 1 and seen["items"][0]["allowed_actions"] == []
    assert seen["items"][0]["version_no"] == 2
    # each version downloads its own bytes
    assert client.get(f"{API}/evidence/{v1['id']}/content", headers=officer).content == pdf_bytes(seed=1)
    assert client.get(f"{API}/evidence/{v2.json()['id']}/content", headers=officer).content == pdf_bytes(
        seed=2
    )


def test_delete_replace_restore_refused_once_the_plan_is_closed(
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
    session: Session,
) -> None:
    officer = auth("canbo.hoatham")
    kept = _upload(client, officer, ids["own"], pdf_bytes(seed=3)).json()
    gone = _upload(client, officer, ids["own"], pdf_bytes(seed=4)).json()
    assert client.delete(f"{API}/evidence/{gone['id']}", headers=officer).status_code == 204
    deleted = client.get(
        f"{API}/assignments/{ids['own']}/evidence?include_deleted=true", headers=auth("noivu")
    )
    assert {i["id"]: i["allowed_actions"] for i in deleted.json()["items"]}[gone["id"]] == ["restore"]

    plan = session.get(Plan, ids["plan"])
    assert plan is not None
    plan.status = PlanStatus.closed
    session.commit()

    r = client.delete(f"{API}/evidence/{kept['id']}", headers=officer)
    assert r.status_code == 409 and r.headers["content-type"].startswith(JSON_PROBLEM)
    assert r.json()["code"] == "plan_closed" and "Kế hoạch đã kết thúc" in r.json()["detail"]
    r = _upload(client, officer, ids["own"], pdf_bytes(seed=5), series_id=kept["series_id"])
    assert r.status_code == 409 and r.json()["code"] == "plan_closed"
    assert client.post(f"{API}/evidence/{gone['id']}/restore", headers=auth("noivu")).status_code == 409
    listed = client.get(
        f"{API}/assignments/{ids['own']}/evidence?include_deleted=true", headers=auth("noivu")
    )
    assert all(i["allowed_actions"] == [] for i in listed.json()["items"])
    assert client.get(f"{API}/evidence/{kept['id']}/content", headers=officer).status_code == 200


def test_plan_documents_frozen_when_the_plan_closes(
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
    session: Session,
) -> None:
    url = f"{API}/plans/{ids['plan']}/evidence"
    files = {"file": ("ke-hoach.pdf", pdf_bytes(seed=6), "application/pdf")}
    ev = client.post(url, headers=auth("noivu"), data={"title": "Kế hoạch số 99"}, files=files).json()
    assert "delete" in ev["allowed_actions"]
    plan = session.get(Plan, ids["plan"])
    assert plan is not None
    plan.status = PlanStatus.closed
    session.commit()
    r = client.delete(f"{API}/evidence/{ev['id']}", headers=auth("noivu"))
    assert r.status_code == 409 and r.json()["code"] == "plan_closed"
    with Session(session.get_bind()) as s:
        still = s.exec(select(col(AuditEvent.action)).where(AuditEvent.entity_id == str(ev["id"]))).all()
    assert list(still) == ["evidence.upload"]


def test_list_statements_do_not_grow_with_documents(
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
    db: sa.Engine,
) -> None:
    """Names and allowed actions are read per page, not per row: 2 or 8 documents, the same statements."""
    from sqlalchemy import event

    officer, head = auth("canbo.hoatham"), auth("chutich.hoatham")
    url = f"{API}/assignments/{ids['own']}/evidence"
    counts: list[int] = []
    uploaded = 0
    for n in (2, 8):
        while uploaded < n:  # every other document is the head's: the officer may not delete those
            who = head if uploaded % 2 else officer
            assert _upload(client, who, ids["own"], pdf_bytes(seed=200 + uploaded)).status_code == 201
            uploaded += 1
        statements: list[str] = []

        def listener(*args: Any) -> None:
            statements.append(args[2])

        event.listen(db, "before_cursor_execute", listener)
        try:
            r = client.get(url, headers=officer)
        finally:
            event.remove(db, "before_cursor_execute", listener)
        assert r.status_code == 200 and r.json()["total"] == n
        assert {tuple(i["allowed_actions"]) for i in r.json()["items"]} == {
            ("update", "replace", "delete"),
            ("update", "replace"),
        }
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
