"""The in-app inbox: a return reaches the unit's officers in the same transaction, with its reason; only the
caller's own messages are listed, counted and marked read; nothing reaches users who may not read the object."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.models import NotificationChannel, NotificationMessage
from tests.notifications.factories import submitted, user_id

V1 = "/api/v1"
REASON = "Thiếu quyết định ban hành kèm theo, đề nghị bổ sung tài liệu kiểm chứng"


def _return(client: TestClient, auth: Any, aid: int, reason: str = REASON) -> None:
    admin = auth("noivu")
    etag = client.get(f"{V1}/assignments/{aid}", headers=admin).headers["ETag"]
    r = client.post(
        f"{V1}/assignments/{aid}/return", headers={**admin, "If-Match": etag}, json={"reason": reason}
    )
    assert r.status_code == 200, r.text


def test_return_reaches_the_officer_inbox_with_the_reason(
    client: TestClient, session: Session, auth: Any
) -> None:
    aid = submitted(session)
    _return(client, auth, aid)
    officer = auth("canbo.hoatham")
    assert client.get(f"{V1}/notifications/unread-count", headers=officer).json() == {"unread": 1}
    page = client.get(f"{V1}/notifications", headers=officer).json()
    assert page["total"] == 1
    item = page["items"][0]
    assert item["kind"] == "returned" and item["object_id"] == aid and item["read_at"] is None
    assert REASON in item["body"] and item["title"].startswith("Nhiệm vụ bị trả lại")
    assert item["link"] == f"/assignments/{aid}"
    # the unit head too; the reviewer (the actor) is not told about their own action
    assert (
        client.get(f"{V1}/notifications/unread-count", headers=auth("chutich.hoatham")).json()["unread"] == 1
    )
    assert client.get(f"{V1}/notifications/unread-count", headers=auth("noivu")).json()["unread"] == 0


def test_nothing_reaches_users_who_may_not_read_the_object(
    client: TestClient, session: Session, auth: Any
) -> None:
    aid = submitted(session)
    _return(client, auth, aid)
    rows = session.exec(select(NotificationMessage).where(col(NotificationMessage.object_id) == aid)).all()
    told = {m.user_id for m in rows}
    assert told == {user_id(session, "canbo.hoatham"), user_id(session, "chutich.hoatham")}
    session.commit()  # end the read: SQLite writers take the lock at BEGIN
    for other in ("canbo.tanvan", "chutich.tanvan", "canbo.vhtt", "huyenuy"):
        assert client.get(f"{V1}/notifications", headers=auth(other)).json()["total"] == 0


def test_mark_read_one_and_all_only_for_the_owner(client: TestClient, session: Session, auth: Any) -> None:
    first, second = submitted(session), submitted(session, skip=1)
    _return(client, auth, first)
    _return(client, auth, second, "Số liệu chưa khớp với báo cáo quý")
    officer, head = auth("canbo.hoatham"), auth("chutich.hoatham")
    items = client.get(f"{V1}/notifications", headers=officer).json()["items"]
    assert [i["object_id"] for i in items] == [second, first]  # newest first
    mid = items[0]["id"]
    assert client.post(f"{V1}/notifications/{mid}/read", headers=head).status_code == 404  # not the head's
    r = client.post(f"{V1}/notifications/{mid}/read", headers=officer)
    assert r.status_code == 200 and r.json()["read_at"] is not None
    again = client.post(f"{V1}/notifications/{mid}/read", headers=officer).json()
    assert again["read_at"] == r.json()["read_at"]  # idempotent
    assert client.get(f"{V1}/notifications/unread-count", headers=officer).json()["unread"] == 1
    unread = client.get(f"{V1}/notifications", headers=officer, params={"unread": True}).json()
    assert [i["object_id"] for i in unread["items"]] == [first]
    assert client.post(f"{V1}/notifications/read-all", headers=officer).json() == {"updated": 1}
    assert client.get(f"{V1}/notifications/unread-count", headers=officer).json()["unread"] == 0
    assert client.get(f"{V1}/notifications/unread-count", headers=head).json()["unread"] == 2  # untouched


def test_english_reader_gets_english(client: TestClient, session: Session, auth: Any) -> None:
    from tests.notifications.factories import set_email

    set_email(session, "canbo.hoatham", None, language="en")
    aid = submitted(session)
    _return(client, auth, aid)
    item = client.get(f"{V1}/notifications", headers=auth("canbo.hoatham")).json()["items"][0]
    assert item["title"].startswith("Assignment returned") and f"Reason: {REASON}" in item["body"]


def test_approve_and_comment_notify_in_the_same_transaction(
    client: TestClient, session: Session, auth: Any
) -> None:
    aid = submitted(session)
    admin = auth("noivu")
    etag = client.get(f"{V1}/assignments/{aid}", headers=admin).headers["ETag"]
    r = client.post(f"{V1}/assignments/{aid}/approve", headers={**admin, "If-Match": etag}, json={})
    assert r.status_code == 200, r.text
    r = client.post(
        f"{V1}/assignments/{aid}/comments", headers=auth("canbo.hoatham"), json={"body": "Đã bổ sung"}
    )
    assert r.status_code in (200, 201), r.text
    kinds = {
        (m.user_id, m.kind.value)
        for m in session.exec(
            select(NotificationMessage).where(
                col(NotificationMessage.object_id) == aid,
                col(NotificationMessage.channel) == NotificationChannel.inbox,
            )
        ).all()
    }
    officer, head, noivu = (user_id(session, u) for u in ("canbo.hoatham", "chutich.hoatham", "noivu"))
    session.commit()
    assert {(officer, "approved"), (head, "approved"), (head, "commented"), (noivu, "commented")} <= kinds
    assert (officer, "commented") not in kinds  # the author
