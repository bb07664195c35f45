"""Report workflow per role, lateness, freezing, the district report and the hand-over to the portal outbox."""

import importlib.util
from datetime import date

from sqlmodel import col, select

from api.models import Assignment, AssignmentStatus, AuditEvent, Report
from tests.reports.helpers import V1, act, open_report, patch_period, patch_report


def _unit_report(client, auth, world, kind="q1"):  # type: ignore[no-untyped-def]
    return open_report(client, auth("canbo.hoatham"), world["periods"][kind]["id"], world["unit"].id)


def test_unit_report_roles_and_audit(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    report = _unit_report(client, auth, world)
    rid = report["id"]
    assert report["level"] == "unit" and report["status"] == "draft"
    # the officer drafts the narrative but cannot submit
    body = patch_report(client, auth("canbo.hoatham"), rid, {"narrative": {"ket_qua": "Hoàn thành kế hoạch"}})
    assert body["narrative"]["ket_qua"] == "Hoàn thành kế hoạch"
    patch_report(client, auth("canbo.hoatham"), rid, {"narrative": {"nguyen_nhan": "Thiếu nhân lực"}})
    narrative = client.get(f"{V1}/reports/{rid}", headers=auth("canbo.hoatham")).json()["narrative"]
    assert narrative["ket_qua"] == "Hoàn thành kế hoạch" and narrative["nguyen_nhan"] == "Thiếu nhân lực"
    act(client, auth("canbo.hoatham"), rid, "submit", expect=403)
    # another commune's head does not even see it
    act(client, auth("chutich.tanvan"), rid, "submit", expect=404)
    act(client, auth("chutich.hoatham"), rid, "submit")
    patch_report(client, auth("canbo.hoatham"), rid, {"title": "x"}, expect=409)  # submitted: locked
    # the commune cannot accept its own report; the leader does not review unit reports
    act(client, auth("chutich.hoatham"), rid, "accept", expect=403)
    act(client, auth("chutich"), rid, "accept", expect=403)
    act(client, auth("chutich.hoatham"), rid, "return", json={"reason": "x"}, expect=403)
    act(client, auth("noivu"), rid, "approve", expect=403)  # district admins never approve
    act(client, auth("noivu"), rid, "return", json={"reason": "Bổ sung số liệu"})
    r = client.get(f"{V1}/reports/{rid}", headers=auth("canbo.hoatham")).json()
    assert r["status"] == "returned" and r["return_reason"] == "Bổ sung số liệu"
    patch_report(client, auth("canbo.hoatham"), rid, {"narrative": {"ket_qua": "Đã bổ sung"}})
    act(client, auth("chutich.hoatham"), rid, "submit")
    accepted = act(client, auth("noivu"), rid, "accept")
    assert accepted["status"] == "accepted" and accepted["live"] is False and accepted["frozen_at"]
    act(client, auth("noivu"), rid, "accept", expect=409)
    actions = session.exec(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "report", AuditEvent.entity_id == str(rid))
        .order_by(col(AuditEvent.id))
    ).all()
    assert actions == ["create", "update", "update", "submit", "return", "update", "submit", "accept"]


def test_edits_need_if_match_and_creates_are_idempotent(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    h = {**auth("canbo.hoatham"), "Idempotency-Key": "rep-1"}
    body = {"period_id": world["periods"]["q1"]["id"], "unit_id": world["unit"].id}
    first = client.post(f"{V1}/reports", json=body, headers=h)
    again = client.post(f"{V1}/reports", json=body, headers=h)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    dup = client.post(f"{V1}/reports", json=body, headers=auth("canbo.hoatham"))
    assert dup.status_code == 409 and dup.headers["content-type"].startswith("application/problem+json")
    rid = first.json()["id"]
    r = client.patch(f"{V1}/reports/{rid}", json={"title": "x"}, headers=auth("canbo.hoatham"))
    assert r.status_code == 428
    r = client.patch(
        f"{V1}/reports/{rid}",
        json={"title": "x"},
        headers={**auth("canbo.hoatham"), "If-Match": '"report-1-v9"'},
    )
    assert r.status_code == 412
    r = client.patch(
        f"{V1}/reports/{rid}",
        json={"narrative": {"khac": "x"}},
        headers={**auth("canbo.hoatham"), "If-Match": "*"},
    )
    assert r.status_code == 422
    # a unit outside the district's tree cannot report in its period
    r = client.post(f"{V1}/reports", json={**body, "unit_id": 999999}, headers=auth("noivu"))
    assert r.status_code == 404


def test_late_flag_follows_the_unit_due_date(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    # tests run "today" = 2024-10-15: after the default due date of Quý I 2023 (6/3/2023) → late
    late = _unit_report(client, auth, world, "q1")
    assert act(client, auth("chutich.hoatham"), late["id"], "submit")["is_late"] is True
    period = world["periods"]["h1"]
    patch_period(client, auth("noivu"), period["id"], {"due_unit": "2024-12-01", "due_district": "2024-12-10",
                                                         "due_province": "2024-12-20"})  # fmt: skip
    on_time = _unit_report(client, auth, world, "h1")
    assert act(client, auth("chutich.hoatham"), on_time["id"], "submit")["is_late"] is False


def test_accepted_report_is_frozen(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    report = _unit_report(client, auth, world, "q1")
    rid = report["id"]
    before = client.get(f"{V1}/reports/{rid}", headers=auth("noivu")).json()
    act(client, auth("chutich.hoatham"), rid, "submit")
    act(client, auth("noivu"), rid, "accept")
    # the overdue task is now done inside the window: live figures change, the accepted report does not
    a = session.get(Assignment, world["ids"]["overdue"])
    a.status, a.completed_date, a.result = AssignmentStatus.approved, date(2023, 2, 20), "Làm xong"
    session.add(a)
    session.commit()
    after = client.get(f"{V1}/reports/{rid}", headers=auth("noivu")).json()
    assert after["live"] is False
    assert after["figures"]["buckets"] == before["figures"]["buckets"]
    assert after["figures"]["completed_in_window"] == before["figures"]["completed_in_window"] == 2
    row = next(r for r in after["task_table"] if r["assignment_id"] == world["ids"]["overdue"])
    assert row["bucket"] == "overdue" and row["result"] is None
    live = _unit_report(client, auth, world, "year")
    fresh = client.get(f"{V1}/reports/{live['id']}", headers=auth("noivu")).json()
    assert fresh["live"] is True
    changed = next(r for r in fresh["task_table"] if r["assignment_id"] == world["ids"]["overdue"])
    assert changed["bucket"] == "done_on_time" and changed["result"] == "Làm xong"


def test_district_report_aggregates_and_is_approved_by_a_leader(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    q1 = world["periods"]["q1"]
    unit_report = _unit_report(client, auth, world, "q1")
    act(client, auth("chutich.hoatham"), unit_report["id"], "submit")
    act(client, auth("noivu"), unit_report["id"], "accept")
    district_id = q1["owner_unit_id"]
    # only Phòng Nội vụ opens the district report
    r = client.post(
        f"{V1}/reports", json={"period_id": q1["id"], "unit_id": district_id}, headers=auth("chutich.hoatham")
    )
    assert r.status_code in (403, 404)
    rep = open_report(client, auth("noivu"), q1["id"], district_id)
    assert rep["level"] == "district"
    # a unit with a report that is not accepted yet is listed as not reported
    tanvan_id = _unit_id(session, "LS.BG.X.TANVAN")
    session.commit()  # end the read transaction (SQLite: the app needs the write lock)
    open_report(client, auth("noivu"), q1["id"], tanvan_id)
    detail = client.get(f"{V1}/reports/{rep['id']}", headers=auth("chutich")).json()
    f = detail["figures"]
    units = {u["unit_id"]: u for u in f["units"]}
    assert units[world["unit"].id]["accepted"] is True
    assert units[world["unit"].id]["reported"]["total"] == 7
    assert f["accepted_reports"] == 1 and f["reported_totals"]["total"] == 7
    assert world["unit"].id not in {u["unit_id"] for u in f["not_reported"]}
    assert {
        "unit_id": tanvan_id,
        "code": "LS.BG.X.TANVAN",
        "name": "UBND xã Tân Văn",
        "report_status": "draft",
    } in f["not_reported"]
    assert f["total"] >= 7 and detail["task_table"] and detail["task_table"][0]["summary"]
    act(client, auth("chutich"), rep["id"], "approve", expect=409)  # not submitted yet
    act(client, auth("chutich"), rep["id"], "submit", expect=403)  # the leader does not submit
    # units have not reported: refused without an explicit confirmation, the refusal names them in Vietnamese
    refused = act(client, auth("noivu"), rep["id"], "submit", expect=409)
    assert refused["code"] == "units_not_reported" and "UBND xã Tân Văn" in refused["detail"]
    named = {e["message"] for e in refused["errors"]}
    assert "UBND xã Tân Văn" in named and "UBND xã Hoa Thám" not in named  # Hoa Thám's report was accepted
    assert {e["field"] for e in refused["errors"]} == {"confirm_missing_units"}
    assert client.get(f"{V1}/reports/{rep['id']}", headers=auth("noivu")).json()["status"] == "draft"
    act(client, auth("noivu"), rep["id"], "submit?confirm_missing_units=false", expect=409)
    act(client, auth("noivu"), rep["id"], "submit?confirm_missing_units=true")
    session.commit()  # a fresh read
    note = session.exec(
        select(AuditEvent.note).where(AuditEvent.entity_type == "report", AuditEvent.entity_id == str(rep["id"]),
                                      AuditEvent.action == "submit")
    ).one()  # fmt: skip
    assert note is not None and "Xác nhận gửi khi còn đơn vị chưa báo cáo" in note
    session.commit()  # end the read transaction (SQLite: the app needs the write lock)
    act(client, auth("noivu"), rep["id"], "approve", expect=403)
    act(client, auth("chutich.hoatham"), rep["id"], "approve", expect=403)
    act(
        client, auth("chutich"), unit_report["id"], "approve", expect=409
    )  # unit reports are accepted, not approved
    approved = act(client, auth("chutich"), rep["id"], "approve")
    assert approved["status"] == "approved" and approved["live"] is False
    stored = session.get(Report, rep["id"])
    session.refresh(stored)
    assert stored.figures["accepted_reports"] == 1 and stored.frozen_at is not None
    if importlib.util.find_spec("api.portal.service") is not None:
        from api.models import PortalDelivery

        deliveries = session.exec(select(PortalDelivery).where(PortalDelivery.report_id == rep["id"])).all()
        assert len(deliveries) == 1 and deliveries[0].payload["report"]["status"] == "approved"


def test_leader_returns_the_district_report(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    q1 = world["periods"]["q1"]
    rep = open_report(client, auth("noivu"), q1["id"], q1["owner_unit_id"])
    act(client, auth("noivu"), rep["id"], "submit?confirm_missing_units=true")
    act(client, auth("noivu"), rep["id"], "return", json={"reason": "x"}, expect=403)
    out = act(client, auth("chutich"), rep["id"], "return", json={"reason": "Bổ sung phần đánh giá"})
    assert out["status"] == "returned"


def _unit_id(session, code):  # type: ignore[no-untyped-def]
    from tests.reports.helpers import unit

    return unit(session, code).id


def test_signer_defaults_to_the_units_head(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    from api.models import User

    q1 = world["periods"]["q1"]
    tanvan_id, vhtt_id = _unit_id(session, "LS.BG.X.TANVAN"), _unit_id(session, "LS.BG.VHTT")
    session.commit()  # end the read transaction (SQLite: the app needs the write lock)
    # a commune's report: its chairman (unit_head), titled by the kind of unit when the account has no position
    rep = _unit_report(client, auth, world, "q1")
    assert (rep["signer"], rep["signer_title"]) == ("Hoàng Văn Minh", "Chủ tịch")
    # the account's position wins; a department head is a Trưởng phòng
    head = session.exec(select(User).where(User.username == "chutich.tanvan")).one()
    head.position = "Phó Chủ tịch UBND xã"
    session.add(head)
    session.commit()
    tanvan = open_report(client, auth("noivu"), q1["id"], tanvan_id)
    assert (tanvan["signer"], tanvan["signer_title"]) == ("Lộc Văn Bình", "Phó Chủ tịch UBND xã")
    vhtt = open_report(client, auth("noivu"), q1["id"], vhtt_id)
    assert (vhtt["signer"], vhtt["signer_title"]) == ("Lương Văn Hùng", "Trưởng phòng")
    # the district's aggregate report: the district's leader
    district = open_report(client, auth("noivu"), q1["id"], q1["owner_unit_id"])
    assert (district["signer"], district["signer_title"]) == ("Nguyễn Mạnh Tuấn", "Chủ tịch")
    # still editable, and an explicit signer on creation is kept
    edited = patch_report(
        client, auth("canbo.hoatham"), rep["id"], {"signer": "Nông Văn Ba", "signer_title": "Phó Chủ tịch"}
    )
    assert (edited["signer"], edited["signer_title"]) == ("Nông Văn Ba", "Phó Chủ tịch")
    r = client.post(
        f"{V1}/reports",
        json={"period_id": world["periods"]["h1"]["id"], "unit_id": world["unit"].id, "signer": "Người khác"},
        headers=auth("canbo.hoatham"),
    )
    assert r.status_code == 201 and (r.json()["signer"], r.json()["signer_title"]) == ("Người khác", None)
