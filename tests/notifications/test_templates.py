"""A district's own notification texts: validated before they are stored (unknown placeholders refused with a clear
message, nothing stored), previewed, used for the district's units in the inbox and the e-mail (HTML sanitised,
values escaped), not for other districts or other languages, and reset to the shipped text."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.models import NotificationChannel, NotificationKind, NotificationMessage
from api.models.notification import NotificationTemplate
from api.notifications import events, worker
from tests.notifications.factories import HOATHAM, set_email, unit_id, user_id

V1 = "/api/v1"
GOOD = {
    "subject": "[Huyện Bình Gia] Trả lại: {task}",
    "text": "Kính gửi {unit}: nhiệm vụ {task} cần bổ sung. Lý do: {reason}",
    "html": '<p onclick="x()">Lý do: <b>{reason}</b></p><script>alert(1)</script><a href="{link}">Mở</a>',
}


def _path(session: Session, code: str = "LS.BG") -> str:
    found = unit_id(session, code)
    session.commit()
    return f"{V1}/notifications/templates/{found}"


def _put(client: TestClient, headers: dict[str, str], path: str, body: Any, etag: str, expect: int) -> Any:
    r = client.put(f"{path}/returned/vi", json=body, headers={**headers, "If-Match": etag})
    assert r.status_code == expect, r.text
    return r


def _item(
    client: TestClient, headers: dict[str, str], path: str, kind: str = "returned", lang: str = "vi"
) -> Any:
    items = client.get(path, headers=headers).json()["items"]
    return next(i for i in items if i["kind"] == kind and i["language"] == lang)


def test_validation_preview_store_and_reset(client: TestClient, session: Session, auth: Any) -> None:
    noivu, path = auth("noivu"), _path(session)
    listed = client.get(path, headers=noivu).json()
    assert {p["name"] for p in listed["placeholders"]} >= {"task", "unit", "reason", "period", "round"}
    item = _item(client, noivu, path)
    assert item["customized"] is False and item["subject"] == "Nhiệm vụ bị trả lại: {task}"
    # an unknown placeholder, a format spec and unbalanced braces: 422, each named, nothing stored
    bad = {"subject": "Trả lại {ho_ten}", "text": "{days:>5} ngày", "html": "<p>{reason</p>"}
    r = _put(client, noivu, path, bad, item["etag"], 422)
    problem = r.json()
    assert problem["code"] == "invalid_template" and r.headers["content-type"].startswith(
        "application/problem+json"
    )
    fields = {e["field"] for e in problem["errors"]}
    assert fields == {"subject", "text", "html"}
    assert "{ho_ten}" in problem["detail"] and "{task}" in problem["detail"]  # says which names exist
    assert _item(client, noivu, path)["customized"] is False
    session.expire_all()
    assert session.exec(select(NotificationTemplate)).all() == []
    session.commit()
    # preview fills sample values and sanitises the HTML; nothing is stored
    preview = client.post(f"{path}/returned/vi/preview", json=GOOD, headers=noivu).json()
    assert preview["subject"].startswith("[Huyện Bình Gia] Trả lại: 1.2 Rà soát")
    assert "<script>" not in preview["html"] and "onclick" not in preview["html"]
    assert "<b>Thiếu biên bản kiểm tra</b>" in preview["html"]
    # without If-Match: 428; with it: stored, ETag moves
    assert client.put(f"{path}/returned/vi", json=GOOD, headers=noivu).status_code == 428
    stored = _put(client, noivu, path, GOOD, item["etag"], 200).json()
    assert stored["customized"] is True and "<script>" not in (stored["html"] or "")
    _put(client, noivu, path, GOOD, item["etag"], 412)  # the old ETag no longer matches
    # a commune head cannot; the foreign district is not found
    assert client.get(path, headers=auth("chutich.hoatham")).status_code == 403
    assert client.get(_path(session, HOATHAM), headers=noivu).status_code == 422  # a commune has none
    # reset: back to the shipped text
    r = client.delete(f"{path}/returned/vi", headers={**noivu, "If-Match": stored["etag"]})
    assert r.status_code == 200 and r.json()["customized"] is False
    assert _item(client, noivu, path)["subject"] == "Nhiệm vụ bị trả lại: {task}"


def test_the_district_text_reaches_inbox_and_email_of_its_units(
    db: Any, client: TestClient, session: Session, auth: Any, mailbox: Any, notify_settings: Any
) -> None:
    noivu, path = auth("noivu"), _path(session)
    _put(client, noivu, path, GOOD, _item(client, noivu, path)["etag"], 200)
    settings = notify_settings(notify_webhook_url=None)
    set_email(session, "canbo.hoatham", "canbo.hoatham@binhgia.example")
    set_email(session, "chutich.hoatham", "chutich.hoatham@binhgia.example", language="en")
    hoatham = unit_id(session, HOATHAM)
    params = {"task_label": "1.", "task_title": "Rà soát TTHC", "unit_name": "UBND xã Hoa Thám",
              "reason": "Thiếu <quyết định> & biên bản", "link": "/assignments/77"}  # fmt: skip
    evs = [
        events.Event(
            "assignment:77:returned:v9", NotificationKind.returned, user_id(session, u), hoatham, 77, params
        )
        for u in ("canbo.hoatham", "chutich.hoatham")
    ]
    events.enqueue(session, evs, settings=settings)
    session.commit()
    worker.run_once(engine=db, settings=settings, compute=False)
    by_to = {m["To"]: m for m in mailbox.messages}
    vi = by_to["canbo.hoatham@binhgia.example"]
    assert str(vi["Subject"]) == "[Huyện Bình Gia] Trả lại: 1. Rà soát TTHC"
    markup = vi.get_body(preferencelist=("html",)).get_content()
    assert "<b>Thiếu &lt;quyết định&gt; &amp; biên bản</b>" in markup  # the value escaped
    assert "<script>" not in markup and "onclick" not in markup
    assert 'href="https://parsipas.binhgia.example/assignments/77"' in markup
    # the English reader keeps the shipped English text (the district wrote only Vietnamese)
    assert str(by_to["chutich.hoatham@binhgia.example"]["Subject"]) == "Assignment returned: 1. Rà soát TTHC"
    item = client.get(f"{V1}/notifications", headers=auth("canbo.hoatham")).json()["items"][0]
    assert item["title"] == "[Huyện Bình Gia] Trả lại: 1. Rà soát TTHC"
    assert item["body"].startswith("Kính gửi UBND xã Hoa Thám")
    rows = session.exec(
        select(NotificationMessage).where(col(NotificationMessage.channel) == NotificationChannel.email)
    ).all()
    assert len(rows) == 2
