"""Vietnamese search on every list with a search box: accents, case, NFC/NFD alike; ``%`` and ``_`` are literal."""

import unicodedata

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.models import Assignment, OrgUnit, Task, User
from api.search import fold
from tests.assignments.helpers import API, pick, plan_85, unit_id

HT = "LS.BG.X.HOATHAM"
NFD = unicodedata.normalize("NFD", "Hoa Thám")


def test_fold() -> None:
    assert NFD != "Hoa Thám"
    for q in ("Hoa Thám", "hoa tham", "HOA THÁM", NFD, "  hoa   THAM "):
        assert fold(q) == "hoa tham"
    assert fold("Đồng Đăng") == "dong dang" and fold("ĐẠI") == "dai"


def _total(client: TestClient, h: dict[str, str], path: str, q: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    r = client.get(f"{API}{path}", headers=h, params={"q": q, "limit": 500})
    assert r.status_code == 200, r.text
    return r.json()["total"], r.json()["items"]


@pytest.mark.parametrize("q", ["Hoa Thám", "hoa tham", "HOA THÁM", NFD])
def test_assignments_by_unit_name(client: TestClient, session: Session, auth, q: str) -> None:  # type: ignore[no-untyped-def]
    ht = unit_id(session, HT)
    expected = len(session.exec(select(Assignment.id).where(Assignment.unit_id == ht)).all())
    session.commit()
    assert expected > 0
    total, items = _total(client, auth("noivu"), "/assignments", q)
    assert total == expected and {a["unit_code"] for a in items} == {HT}


def _literal_hits(session: Session, needle: str) -> int:
    """Assignments (all in Phòng Nội vụ's reach) whose task label/title or unit name holds ``needle`` literally."""
    rows = session.exec(
        select(Task.label, Task.title, OrgUnit.name, OrgUnit.short_name, OrgUnit.code)
        .join(Assignment, col(Assignment.task_id) == col(Task.id))
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.unit_id))
    ).all()
    session.commit()
    return sum(1 for r in rows if any(needle in (v or "").lower() for v in r))


@pytest.mark.parametrize("q", ["%", "_", "100%", "a_b"])
def test_like_wildcards_are_literal(client: TestClient, session: Session, auth, q: str) -> None:  # type: ignore[no-untyped-def]
    total, _ = _total(client, auth("noivu"), "/assignments", q)
    assert total == _literal_hits(session, q)
    assert total < len(session.exec(select(Assignment.id)).all())


def test_task_title_without_accents(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    a = pick(session, HT)
    task = session.get(Task, a.task_id)
    assert task is not None
    words = " ".join(task.title.split()[:3])
    session.commit()
    for q in (words, fold(words).upper(), unicodedata.normalize("NFD", words)):
        _, items = _total(client, auth("noivu"), "/assignments", q)
        assert a.id in {i["id"] for i in items}, q


def test_units_users_plans(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("noivu")
    for q in ("hoa tham", "HOA THÁM", NFD):
        _, items = _total(client, h, "/org-units", q)
        assert HT in {u["code"] for u in items}
    user = session.exec(select(User).where(User.username == "canbo.hoatham")).one()
    session.commit()
    for q in (fold(user.full_name).upper(), unicodedata.normalize("NFD", user.full_name), "CANBO.HOATHAM"):
        _, items = _total(client, h, "/users", q)
        assert "canbo.hoatham" in {u["username"] for u in items}, q
    assert _total(client, h, "/users", "%")[0] == 0
    plan = plan_85(session)
    words = " ".join(plan.title.split()[-3:])
    for q in (fold(words).upper(), unicodedata.normalize("NFD", words)):
        _, items = _total(client, h, "/plans", q)
        assert plan.id in {p["id"] for p in items}, q
    assert _total(client, h, "/plans", "_")[0] == 0


def test_evidence_titles(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    officer = auth("canbo.hoatham")
    aid = pick(session, HT).id
    for title in ("Biên bản họp dân", "Báo cáo 100% hồ sơ"):
        r = client.post(
            f"{API}/assignments/{aid}/evidence",
            headers=officer,
            # distinct bytes per file: an identical upload right after another is recognised, not stored again
            files={"file": (f"{fold(title)}.pdf", b"%PDF-1.4 " + title.encode(), "application/pdf")},
            data={"title": title},
        )
        assert r.status_code == 201, r.text
    path = f"/assignments/{aid}/evidence"
    for q, titles in (
        ("BIEN BAN", {"Biên bản họp dân"}),
        (unicodedata.normalize("NFD", "họp dân"), {"Biên bản họp dân"}),
        ("100%", {"Báo cáo 100% hồ sơ"}),
        ("%", {"Báo cáo 100% hồ sơ"}),
        ("_", set()),
    ):
        _, items = _total(client, officer, path, q)
        assert {e["title"] for e in items} == titles, q
