"""Self-assessment → appraisal → approval → publication: every transition per role, refusals, locks, reopen, the
completeness and no-evidence ⇒ giải trình rules, exact totals, windows, and who sees which sheet."""

from datetime import date
from typing import Any

import pytest
from sqlmodel import col, func, select

from api.models import AssessmentSheet, AuditEvent, FrameworkStatus, OrgUnit, Score, SheetStatus
from tests.scoring.workflow_helpers import (
    V1,
    act,
    appraise,
    create_round,
    fill_all,
    get_sheet,
    make_framework,
    node,
    score,
    sheet_id_of,
    unit,
)


@pytest.fixture
def world(session, client, auth) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A 2024 round of LS.BG over Hoa Thám and Tân Văn, on a small commune framework."""
    district = unit(session, "LS.BG")
    hoatham, tanvan = unit(session, "LS.BG.X.HOATHAM"), unit(session, "LS.BG.X.TANVAN")
    fw, nodes = make_framework(session, owner=district)
    session.commit()
    rnd = create_round(client, auth("noivu"), framework_id=fw.id, owner_unit_id=district.id,
                       unit_ids=[hoatham.id, tanvan.id])  # fmt: skip
    sid = sheet_id_of(client, auth("noivu"), rnd["id"], hoatham.id)
    other = sheet_id_of(client, auth("noivu"), rnd["id"], tanvan.id)
    return {"district": district, "hoatham": hoatham, "tanvan": tanvan, "fw": fw, "nodes": nodes,
            "round": rnd, "sheet": sid, "other_sheet": other}  # fmt: skip


def _ids(nodes: Any, *codes: str) -> list[int]:
    return [nodes[c].id for c in codes]


# --- rounds -----------------------------------------------------------------------------------------------------


def test_round_creation_is_validated_per_field(client, auth, session) -> None:  # type: ignore[no-untyped-def]
    district = unit(session, "LS.BG")
    fw, _ = make_framework(session, owner=district)
    draft, _ = make_framework(session, owner=district, code="DRAFT", status=FrameworkStatus.draft)
    dept = unit(session, "LS.BG.VHTT")
    session.commit()
    h = auth("noivu")
    # a draft framework, a year outside its validity, windows in the wrong order, a department and an unknown unit
    r = client.post(f"{V1}/assessment-rounds", headers=h, json={
        "framework_id": draft.id, "owner_unit_id": district.id, "year": 2030, "name": "x",
        "self_start_date": "2024-10-31", "self_end_date": "2024-10-01",
        "appraisal_start_date": "2024-11-30", "appraisal_end_date": "2024-11-01",
        "unit_ids": [dept.id, 999_999]})  # fmt: skip
    assert r.status_code == 422, r.text
    fields = {e["field"]: e["code"] for e in r.json()["errors"]}
    assert fields == {
        "framework_id": "framework_not_published",
        "year": "year_outside_framework",
        "self_end_date": "window_order",
        "appraisal_end_date": "window_order",
        "unit_ids.0": "unit_not_applicable",
        "unit_ids.1": "unit_not_applicable",
    }
    # the commune cannot open rounds; another province's unit is out of reach (404)
    create_round(client, auth("chutich.hoatham"), framework_id=fw.id, owner_unit_id=district.id, expect=403)
    create_round(client, h, framework_id=fw.id, owner_unit_id=unit(session, "LS").id, expect=404)
    # default units: every active commune under the district (the framework applies to communes only)
    hk = {**h, "Idempotency-Key": "round-1"}
    body = {"framework_id": fw.id, "owner_unit_id": district.id, "year": 2024, "name": "Đợt 2024",
            "self_start_date": "2024-10-01", "self_end_date": "2024-10-31",
            "appraisal_start_date": "2024-10-01", "appraisal_end_date": "2024-11-30"}  # fmt: skip
    first = client.post(f"{V1}/assessment-rounds", json=body, headers=hk)
    again = client.post(f"{V1}/assessment-rounds", json=body, headers=hk)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    communes = session.exec(
        select(func.count())
        .select_from(OrgUnit)
        .where(
            col(OrgUnit.path).startswith(district.path),
            OrgUnit.level == "commune",
            col(OrgUnit.is_active).is_(True),
        )
    ).one()
    session.commit()  # end the test's read: SQLite writers take the lock at BEGIN
    assert communes > 2
    rnd = first.json()
    assert rnd["sheet_total"] == communes and rnd["sheet_counts"] == {"not_started": communes}
    assert rnd["allowed_actions"] == ["update", "publish"]
    assert client.post(f"{V1}/assessment-rounds", json=body, headers=h).status_code == 409  # one per year
    # edits need If-Match
    path = f"{V1}/assessment-rounds/{rnd['id']}"
    assert client.patch(path, json={"name": "Đợt 2024 (sửa)"}, headers=h).status_code == 428
    assert (
        client.patch(path, json={"name": "y"}, headers={**h, "If-Match": '"round-1-v99"'}).status_code == 412
    )
    etag = client.get(path, headers=h).headers["etag"]
    r = client.patch(path, json={"self_end_date": "2024-09-01"}, headers={**h, "If-Match": etag})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "self_end_date"
    r = client.patch(path, json={"name": "Đợt 2024 (sửa)"}, headers={**h, "If-Match": etag})
    assert r.status_code == 200 and r.json()["name"] == "Đợt 2024 (sửa)"
    listed = client.get(
        f"{V1}/assessment-rounds", params={"year": 2024}, headers=auth("canbo.hoatham")
    ).json()
    mine = [x for x in listed["items"] if x["id"] == rnd["id"]]
    assert mine and mine[0]["framework_code"] == fw.code and all(x["year"] == 2024 for x in listed["items"])


# --- the whole workflow --------------------------------------------------------------------------------------------


def test_workflow_per_role_exact_totals_and_locks(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    sid, nodes = world["sheet"], world["nodes"]
    officer, head, noivu, leader = (
        auth("canbo.hoatham"),
        auth("chutich.hoatham"),
        auth("noivu"),
        auth("chutich"),
    )
    sheet = get_sheet(client, officer, sid)
    assert sheet["status"] == "not_started" and sheet["allowed_actions"] == ["edit", "upload_evidence"]
    assert [n["code"] for n in sheet["nodes"]] == ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2"]
    assert (sheet["progress_scored"], sheet["progress_scorable"], sheet["max_total"]) == (0, 4, "5")
    assert node(sheet, "2.2")["scorable"] is False and node(sheet, "2.2")["rule"] is None
    assert node(sheet, "1.1")["rule"]["options"][1] == {
        "label": "Ban hành chậm",
        "label_en": None,
        "points": "0.25",
    }
    # the officer scores: 0,25 + 0,5 = 0,75 exactly; the first score starts the sheet
    s = score(client, officer, sid, nodes["1.1"].id, {"option_index": 1})
    assert s["status"] == "in_progress"
    s = score(client, officer, sid, nodes["1.2"].id, {"measured_value": "97.9"})
    assert node(s, "1.2")["score"]["self_points"] == "0.5"
    assert node(s, "1")["self_subtotal"] == "0.75" and s["self_total"] == "0.75" and s["progress_scored"] == 2
    # never clamped: a percentage over 100 and manual points above the max are refused on their field
    r = score(client, officer, sid, nodes["1.2"].id, {"measured_value": "101"}, expect=422)
    assert r["errors"][0]["field"] == "measured_value"
    r = score(client, officer, sid, nodes["1.3"].id, {"manual_points": "1.5", "comment": "x"}, expect=422)
    assert r["errors"][0]["field"] == "manual_points" and "1" in r["detail"]
    # manual points over a rule need a comment
    r = score(client, officer, sid, nodes["1.1"].id, {"manual_points": "0.4"}, expect=422)
    assert r["errors"][0]["field"] == "comment"
    # the officer cannot submit; the head's submit lists every incomplete node
    act(client, officer, sid, "submit", expect=403)
    r = act(client, head, sid, "submit", expect=422)
    assert {(e["field"], e["code"]) for e in r["errors"]} == {
        ("nodes.1.1", "explanation_required"), ("nodes.1.2", "explanation_required"),
        ("nodes.1.3", "not_scored"), ("nodes.2.1", "not_scored")}  # fmt: skip
    assert "Chưa thể nộp phiếu" in r["detail"]
    fill_all(client, officer, sid, nodes)
    s = get_sheet(client, head, sid)
    assert (
        s["self_total"] == "3"
        and node(s, "2")["self_subtotal"] == "1.25"
        and "submit" in s["allowed_actions"]
    )
    s = act(client, head, sid, "submit")
    assert s["status"] == "submitted" and s["allowed_actions"] == []
    # locked for the unit once submitted
    r = score(client, officer, sid, nodes["1.1"].id, {"option_index": 2}, expect=409)
    assert "đã nộp" in r["detail"] and r["detail_en"]
    act(client, head, sid, "submit", expect=409)
    # appraisal: only the district admin, strictly above the commune
    appraise(client, head, sid, nodes["1.1"].id, {"state": "accepted"}, expect=403)
    appraise(client, leader, sid, nodes["1.1"].id, {"state": "accepted"}, expect=403)
    assert get_sheet(client, noivu, sid)["allowed_actions"] == ["appraise", "return", "finish_appraisal"]
    r = appraise(client, noivu, sid, nodes["1.2"].id, {"state": "adjusted", "points": "0.75"}, expect=422)
    assert r["errors"][0]["field"] == "reason"
    r = appraise(client, noivu, sid, nodes["1.2"].id, {"state": "adjusted", "points": "1.25", "reason": "x"},
                 expect=422)  # fmt: skip
    assert r["errors"][0]["field"] == "points"
    s = appraise(client, noivu, sid, nodes["1.2"].id,
                 {"state": "adjusted", "points": "0.25", "reason": "Tỷ lệ thực tế 91 %, có 1 hồ sơ sai"})  # fmt: skip
    assert s["status"] == "under_appraisal"
    n12 = node(s, "1.2")["score"]
    assert (n12["appraisal_state"], n12["self_points"], n12["appraised_points"]) == (
        "adjusted",
        "0.5",
        "0.25",
    )
    act(client, noivu, sid, "appraise", expect=422)  # 3 nodes still pending
    s = act(client, noivu, sid, "appraisals/accept")
    assert {node(s, c)["score"]["appraisal_state"] for c in ("1.1", "1.3", "2.1")} == {"accepted"}
    assert node(s, "1")["appraised_subtotal"] == "1.5" and s["appraised_total"] == "2.75"
    act(client, leader, sid, "approve", expect=409)  # not appraised yet
    s = act(client, noivu, sid, "appraise")
    assert s["status"] == "appraised"
    # approval: the leader only (a district admin never approves)
    act(client, noivu, sid, "approve", expect=403)
    act(client, head, sid, "approve", expect=403)
    s = act(client, leader, sid, "approve")
    assert s["status"] == "approved" and s["approved_at"] and s["allowed_actions"] == []
    # locked after approval
    appraise(client, noivu, sid, nodes["1.1"].id, {"state": "accepted"}, expect=409)
    act(client, leader, sid, "approve", expect=409)
    act(client, noivu, sid, "return", {"reason": "x"}, expect=409)
    # reopen: reason required, not by the leader (neither appraiser nor manager), then appraise again
    act(client, noivu, sid, "reopen", {"reason": " "}, expect=422)
    act(client, leader, sid, "reopen", {"reason": "Sai số liệu"}, expect=403)
    act(client, head, sid, "reopen", {"reason": "Sai số liệu"}, expect=403)
    s = act(client, noivu, sid, "reopen", {"reason": "Phát hiện sai số liệu tiêu chí 1.3"})
    assert s["status"] == "under_appraisal" and s["reopen_reason"] == "Phát hiện sai số liệu tiêu chí 1.3"
    act(client, noivu, sid, "appraise")
    act(client, leader, sid, "approve")
    actions = session.exec(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "assessment_sheet", AuditEvent.entity_id == str(sid))
        .order_by(col(AuditEvent.id))
    ).all()
    assert actions == ["start", "submit", "appraisal_start", "finish_appraisal", "approve", "reopen",
                       "finish_appraisal", "approve"]  # fmt: skip
    score_events = session.exec(select(AuditEvent).where(AuditEvent.entity_type == "score")).all()
    adjusted = [e for e in score_events if e.action == "appraise" and "appraised_points_milli" in e.changes]
    assert any(e.changes["appraised_points_milli"] == {"from": None, "to": 250} for e in adjusted)


def test_return_and_resubmit(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    sid, nodes = world["sheet"], world["nodes"]
    officer, head, noivu = auth("canbo.hoatham"), auth("chutich.hoatham"), auth("noivu")
    fill_all(client, officer, sid, nodes)
    act(client, head, sid, "submit")
    act(client, noivu, sid, "return", expect=422)  # neither a returned node nor a reason
    appraise(client, noivu, sid, nodes["1.1"].id, {"state": "returned"}, expect=422)  # reason required
    appraise(client, noivu, sid, nodes["1.1"].id, {"state": "returned", "reason": "Thiếu văn bản ban hành"})
    appraise(client, noivu, sid, nodes["1.2"].id, {"state": "accepted"})
    s = act(client, noivu, sid, "return")
    assert s["status"] == "returned" and "1.1" in s["return_reason"]
    assert "edit" in get_sheet(client, officer, sid)["allowed_actions"]
    # re-scoring the returned node sends it back to pending; an unchanged accepted node keeps its appraisal
    s = score(client, officer, sid, nodes["1.1"].id, {"option_index": 2})
    assert node(s, "1.1")["score"]["appraisal_state"] == "pending"
    assert node(s, "1.1")["score"]["appraisal_reason"] == "Thiếu văn bản ban hành"
    assert node(s, "1.2")["score"]["appraisal_state"] == "accepted"
    s = act(client, head, sid, "submit")
    assert s["status"] == "submitted"
    act(client, noivu, sid, "appraisals/accept", {"node_ids": [nodes["1.1"].id]})
    r = act(client, noivu, sid, "appraise", expect=422)
    assert {e["field"] for e in r["errors"]} == {"nodes.1.3", "nodes.2.1"}


def test_reopen_to_the_unit_and_publication(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    sid, other, nodes, rid = world["sheet"], world["other_sheet"], world["nodes"], world["round"]["id"]
    noivu, leader = auth("noivu"), auth("chutich")
    fill_all(client, auth("canbo.hoatham"), sid, nodes)
    fill_all(client, auth("canbo.tanvan"), other, nodes)
    act(client, auth("chutich.hoatham"), sid, "submit")
    act(client, auth("chutich.tanvan"), other, "submit")
    for s in (sid, other):
        act(client, noivu, s, "appraisals/accept")
        act(client, noivu, s, "appraise")
    act(client, leader, sid, "approve")
    s = act(client, noivu, sid, "reopen", {"reason": "Đơn vị bổ sung tài liệu", "to": "in_progress"})
    assert s["status"] == "in_progress"
    assert "edit" in get_sheet(client, auth("canbo.hoatham"), sid)["allowed_actions"]
    act(client, auth("chutich.hoatham"), sid, "submit")
    act(client, noivu, sid, "appraise")  # every node kept its acceptance
    act(client, leader, sid, "approve")
    # publication refused while Tân Văn's sheet is appraised but not approved
    path = f"{V1}/assessment-rounds/{rid}"

    def publish(headers: dict[str, str], expect: int) -> Any:
        etag = client.get(path, headers=headers).headers["etag"]
        r = client.post(
            f"{path}/publish", json={"decision_ref": "123/QĐ-UBND"}, headers={**headers, "If-Match": etag}
        )
        assert r.status_code == expect, r.text
        return r.json()

    r = publish(noivu, 409)
    assert "Tân Văn" in r["detail"]
    publish(leader, 403)
    act(client, leader, other, "approve")
    rnd = publish(noivu, 200)
    assert (
        rnd["status"] == "published" and rnd["decision_ref"] == "123/QĐ-UBND" and rnd["allowed_actions"] == []
    )
    assert rnd["sheet_counts"] == {"published": 2}
    # locked for good
    act(client, noivu, sid, "reopen", {"reason": "x"}, expect=409)
    assert get_sheet(client, noivu, sid)["allowed_actions"] == []
    publish(noivu, 409)


def test_windows(client, auth, session) -> None:  # type: ignore[no-untyped-def]
    """The reference date is 15/10/2024: a self-scoring window that closed on 30/09 refuses scores; an appraisal
    window opening on 01/11 refuses appraisal."""
    district, hoatham = unit(session, "LS.BG"), unit(session, "LS.BG.X.HOATHAM")
    fw, nodes = make_framework(session, owner=district)
    session.commit()
    rnd = create_round(client, auth("noivu"), framework_id=fw.id, owner_unit_id=district.id, unit_ids=[hoatham.id],
                       self_window=(date(2024, 9, 1), date(2024, 10, 15)),
                       appraisal_window=(date(2024, 11, 1), date(2024, 11, 30)))  # fmt: skip
    sid = sheet_id_of(client, auth("noivu"), rnd["id"], hoatham.id)
    fill_all(client, auth("canbo.hoatham"), sid, nodes)  # 15/10 is the last day: still open
    act(client, auth("chutich.hoatham"), sid, "submit")
    s = get_sheet(client, auth("noivu"), sid)
    assert s["allowed_actions"] == []
    r = appraise(client, auth("noivu"), sid, nodes["1.1"].id, {"state": "accepted"}, expect=409)
    assert r["code"] == "appraisal_window_closed" and "01/11/2024" in r["detail"]
    # move the self-scoring window into the past: the unit can no longer score
    etag = client.get(f"{V1}/assessment-rounds/{rnd['id']}", headers=auth("noivu")).headers["etag"]
    r = client.patch(f"{V1}/assessment-rounds/{rnd['id']}", json={"self_end_date": "2024-09-30", "appraisal_start_date": "2024-09-01"},
                     headers={**auth("noivu"), "If-Match": etag})  # fmt: skip
    assert r.status_code == 200, r.text
    appraise(client, auth("noivu"), sid, nodes["1.1"].id, {"state": "returned", "reason": "Bổ sung"})
    act(client, auth("noivu"), sid, "return")
    s = get_sheet(client, auth("canbo.hoatham"), sid)
    assert s["status"] == "returned" and s["allowed_actions"] == []
    r = score(client, auth("canbo.hoatham"), sid, nodes["1.1"].id, {"option_index": 2}, expect=409)
    assert r["code"] == "self_window_closed" and "30/09/2024" in r["detail"]


def test_if_match_on_score_writes(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    sid, nodes = world["sheet"], world["nodes"]
    h = auth("canbo.hoatham")
    url = f"{V1}/assessment-sheets/{sid}/scores/{nodes['1.1'].id}"
    assert client.put(url, json={"option_index": 1}, headers=h).status_code == 428
    etag = client.get(f"{V1}/assessment-sheets/{sid}", headers=h).headers["etag"]
    r = client.put(url, json={"option_index": 1}, headers={**h, "If-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag
    # the sheet's ETag moved with the score: the old one is stale
    assert client.put(url, json={"option_index": 2}, headers={**h, "If-Match": etag}).status_code == 412
    # a node of another framework is not on this sheet; a parent node is not scorable
    r = client.put(f"{V1}/assessment-sheets/{sid}/scores/999999", json={"option_index": 1},
                   headers={**h, "If-Match": r.headers["etag"]})  # fmt: skip
    assert r.status_code == 404
    score(client, h, sid, nodes["1"].id, {"manual_points": "1"}, expect=422)
    score(client, h, sid, nodes["2.2"].id, {"manual_points": "1"}, expect=422)


def test_a_commune_never_sees_another_communes_sheet(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    fill_all(client, auth("canbo.hoatham"), world["sheet"], world["nodes"])

    def rows_in_db(*where: Any) -> int:
        stmt = (
            select(func.count())
            .select_from(AssessmentSheet)
            .join(OrgUnit, col(OrgUnit.id) == col(AssessmentSheet.unit_id))
        )
        n = session.exec(stmt.where(*where)).one()
        session.commit()
        return int(n)

    for user, u, own, hidden in (
        ("canbo.tanvan", world["tanvan"], world["other_sheet"], world["sheet"]),
        ("chutich.hoatham", world["hoatham"], world["sheet"], world["other_sheet"]),
    ):
        listed = client.get(f"{V1}/assessment-sheets", params={"limit": 500}, headers=auth(user)).json()
        assert listed["total"] == rows_in_db(AssessmentSheet.unit_id == u.id) == len(listed["items"])
        assert {i["unit_id"] for i in listed["items"]} == {u.id} and own in {i["id"] for i in listed["items"]}
        get_sheet(client, auth(user), hidden, expect=404)
        r = client.get(f"{V1}/assessment-sheets/{hidden}/evidence-candidates", headers=auth(user))
        assert r.status_code == 404
        rnd = client.get(f"{V1}/assessment-rounds/{world['round']['id']}", headers=auth(user)).json()
        assert rnd["sheet_total"] == 1
    everyone = client.get(f"{V1}/assessment-sheets", params={"limit": 500}, headers=auth("huyenuy")).json()
    assert everyone["total"] == rows_in_db(col(OrgUnit.path).startswith(world["district"].path)) >= 2
    row = next(i for i in everyone["items"] if i["id"] == world["sheet"])
    assert (row["scored"], row["self_total"], row["unit_code"]) == (4, "3", "LS.BG.X.HOATHAM")
    # "4/N đã chấm" in the list: N is what the sheet itself counts as scorable (leaves, surveys excluded)
    detail = client.get(f"{V1}/assessment-sheets/{world['sheet']}", headers=auth("huyenuy")).json()
    assert (row["scored"], row["scorable"]) == (detail["progress_scored"], detail["progress_scorable"])
    n = session.exec(select(func.count()).select_from(Score).where(Score.sheet_id == world["sheet"])).one()
    assert n == 4
    assert session.exec(select(AssessmentSheet.status).where(AssessmentSheet.id == world["sheet"])).one() == (
        SheetStatus.in_progress
    )
