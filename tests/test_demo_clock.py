"""Demo clock (#14): in demo mode with an as-of date every timestamp the app writes falls on that date (with the
real time of day), so period figures count the demo's own work; outside demo mode the real clock is kept."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.config import get_settings
from api.evidence.storage import LocalStorage
from api.models.base import utcnow
from tests.conftest import TEST_AS_OF
from tests.evidence.helpers import pdf_bytes
from tests.evidence.test_api import API, _upload, ids, store  # noqa: F401

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _local_day(iso: str) -> Any:
    return datetime.fromisoformat(iso).astimezone(VN).date()


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Demo mode on the shared settings (the tests already pin PARSIPAS_AS_OF_DATE to 15/10/2024)."""
    monkeypatch.setattr(get_settings(), "demo", "1")
    assert get_settings().as_of_date == TEST_AS_OF


def test_clock_is_the_demo_date_with_the_real_time_of_day(demo: None) -> None:
    now = utcnow().astimezone(VN)
    assert now.date() == TEST_AS_OF and now.tzinfo is not None
    same_time_today = datetime.combine(TEST_AS_OF, datetime.now(VN).time(), VN)
    assert abs(now - same_time_today) < timedelta(seconds=5)


def test_clock_is_real_outside_demo_mode() -> None:
    assert not get_settings().demos
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def _write_some_history(client: TestClient, auth: Any, assignment_id: int) -> dict[str, str]:
    """An upload, a progress edit (history) and a comment; returns their timestamps."""
    officer = auth("canbo.hoatham")
    up = _upload(client, officer, assignment_id, pdf_bytes(seed=11))
    assert up.status_code == 201
    url = f"{API}/assignments/{assignment_id}"
    etag = client.get(url, headers=officer).headers["etag"]
    assert client.patch(url, headers={**officer, "If-Match": etag}, json={"progress": 40}).status_code == 200
    comment = client.post(f"{url}/comments", headers=officer, json={"body": "Đã cập nhật"})
    assert comment.status_code == 201, comment.text
    history = client.get(f"{url}/history", headers=officer).json()
    update = next(e for e in history if e["action"] == "update")
    return {"upload": up.json()["uploaded_at"], "history": update["at"], "comment": comment.json()["created_at"]}


def test_demo_mode_writes_on_the_demo_date(
    demo: None,
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
    session: Session,
) -> None:
    stamps = _write_some_history(client, auth, ids["own"])
    assert {k: _local_day(v) for k, v in stamps.items()} == dict.fromkeys(stamps, TEST_AS_OF)


def test_outside_demo_mode_writes_today(
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
) -> None:
    today = datetime.now(VN).date()
    assert today != TEST_AS_OF
    stamps = _write_some_history(client, auth, ids["own"])
    assert {k: _local_day(v) for k, v in stamps.items()} == dict.fromkeys(stamps, today)


def test_demo_mode_returned_item_counts_a_new_upload(
    demo: None,
    client: TestClient,
    auth: Any,
    ids: dict[str, int],  # noqa: F811
    store: LocalStorage,  # noqa: F811
) -> None:
    """Review times and upload times come from the same clock: a document uploaded after a return is newer than
    the return, so the resubmission is accepted (with the real clock for reviews it would be refused)."""
    from tests.assignments.helpers import act

    aid, officer, head = ids["own"], auth("canbo.hoatham"), auth("chutich.hoatham")
    body = {"progress": 100, "result": "Đã hoàn thành"}
    assert act(client, officer, aid, "", body, method="PATCH").status_code == 200
    assert _upload(client, officer, aid, pdf_bytes(seed=12)).status_code == 201
    assert act(client, head, aid, "submit", {}).status_code == 200
    r = act(client, auth("noivu"), aid, "return", {"reason": "Bổ sung biên bản"})
    assert r.status_code == 200 and _local_day(r.json()["reviewed_at"]) == TEST_AS_OF
    assert act(client, head, aid, "submit", {}).status_code == 409  # nothing changed yet
    assert _upload(client, officer, aid, pdf_bytes(seed=13), title="Biên bản bổ sung").status_code == 201
    r = act(client, head, aid, "submit", {})
    assert r.status_code == 200, r.text
    assert _local_day(r.json()["submitted_at"]) == TEST_AS_OF
