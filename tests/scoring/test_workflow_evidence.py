"""Evidence on a sheet: candidates (the unit's assignment documents linked to the node first, then the sheet's own
uploads), uploads through the evidence store, what a score may cite, and evidence replacing the giải trình."""

from typing import Any

import pytest

from api.models import AssignmentStatus
from tests.reports.helpers import make_assignment, make_evidence, make_plan, make_task
from tests.scoring.workflow_helpers import (
    V1,
    act,
    create_round,
    get_sheet,
    make_framework,
    node,
    score,
    sheet_id_of,
    unit,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def world(session, client, auth) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    district = unit(session, "LS.BG")
    hoatham, tanvan = unit(session, "LS.BG.X.HOATHAM"), unit(session, "LS.BG.X.TANVAN")
    fw, nodes = make_framework(session, owner=district)
    plan = make_plan(session, issuer=district, year=2024, number="99")
    linked = make_task(session, plan=plan, label="1", lead=hoatham, nodes=[nodes["1.1"]])
    other_node = make_task(session, plan=plan, label="2", lead=hoatham, nodes=[nodes["1.2"]])
    a1 = make_assignment(session, task=linked, unit=hoatham, status=AssignmentStatus.approved)
    a2 = make_assignment(session, task=other_node, unit=hoatham)
    a3 = make_assignment(session, task=linked, unit=tanvan)
    ev = {
        "linked": make_evidence(session, assignment=a1, title="Quyết định ban hành kế hoạch CCHC"),
        "other_node": make_evidence(session, assignment=a2, title="Báo cáo tỷ lệ hồ sơ"),
        "tanvan": make_evidence(session, assignment=a3, title="Tài liệu của Tân Văn"),
    }
    ids = {k: v.id for k, v in ev.items()}
    session.commit()
    rnd = create_round(client, auth("noivu"), framework_id=fw.id, owner_unit_id=district.id,
                       unit_ids=[hoatham.id, tanvan.id])  # fmt: skip
    return {"nodes": nodes, "ev": ids, "sheet": sheet_id_of(client, auth("noivu"), rnd["id"], hoatham.id)}


def _upload(client, headers, sheet_id: int, title: str = "Biên bản kiểm tra", expect: int = 201) -> Any:  # type: ignore[no-untyped-def]
    r = client.post(
        f"{V1}/assessment-sheets/{sheet_id}/evidence",
        data={"title": title},
        files={"file": ("bien-ban.pdf", PDF, "application/pdf")},
        headers=headers,
    )
    assert r.status_code == expect, r.text
    return r.json()


def test_candidates_upload_and_links(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    sid, nodes, ev = world["sheet"], world["nodes"], world["ev"]
    officer, head = auth("canbo.hoatham"), auth("chutich.hoatham")
    uploaded = _upload(client, officer, sid)
    assert uploaded["owner_type"] == "sheet" and uploaded["owner_id"] == sid
    _upload(client, auth("huyenuy"), sid, expect=403)  # observers do not upload
    _upload(client, auth("chutich.tanvan"), sid, expect=404)  # another commune's sheet

    url = f"{V1}/assessment-sheets/{sid}/evidence-candidates"
    items = client.get(url, params={"node_id": nodes["1.1"].id}, headers=officer).json()["items"]
    assert [(i["id"], i["source"]) for i in items] == [
        (ev["linked"], "assignment"),
        (uploaded["id"], "sheet"),
    ]
    items = client.get(url, headers=officer).json()["items"]
    assert [i["id"] for i in items] == [ev["other_node"], ev["linked"], uploaded["id"]]
    assert client.get(url, params={"node_id": 999_999}, headers=officer).status_code == 404

    # another commune's document cannot be cited, even by the district admin who reads it
    r = score(client, officer, sid, nodes["1.1"].id, {"option_index": 2, "evidence_ids": [ev["tanvan"], 999_999]},
              expect=422)  # fmt: skip
    assert [e["field"] for e in r["errors"]] == ["evidence_ids.0", "evidence_ids.1"]
    s = score(client, officer, sid, nodes["1.1"].id,
              {"option_index": 2, "evidence_ids": [ev["linked"], uploaded["id"]]})  # fmt: skip
    assert {e["id"] for e in node(s, "1.1")["score"]["evidence"]} == {ev["linked"], uploaded["id"]}
    # a later write without evidence_ids keeps them; an empty list clears them
    s = score(client, officer, sid, nodes["1.1"].id, {"comment": "Đúng hạn"})
    assert len(node(s, "1.1")["score"]["evidence"]) == 2 and node(s, "1.1")["score"]["self_points"] == "0.5"
    s = score(
        client, officer, sid, nodes["1.2"].id, {"measured_value": 99, "evidence_ids": [ev["other_node"]]}
    )
    s = score(client, officer, sid, nodes["1.2"].id, {"evidence_ids": []})
    assert node(s, "1.2")["score"]["evidence"] == []

    # no evidence ⇒ giải trình: 1.1 has evidence and needs none; the others do
    score(client, officer, sid, nodes["1.3"].id, {"manual_points": "0.5"})
    score(client, officer, sid, nodes["2.1"].id, {"measured_value": 0})
    r = act(client, head, sid, "submit", expect=422)
    assert sorted(e["field"] for e in r["errors"]) == ["nodes.1.2", "nodes.1.3", "nodes.2.1"]
    assert all(e["code"] == "explanation_required" for e in r["errors"])
    for code in ("1.2", "1.3", "2.1"):
        score(client, officer, sid, nodes[code].id, {"explanation": "Tài liệu lưu bản giấy"})
    s = act(client, head, sid, "submit")
    assert s["self_total"] == "3.5" and s["progress_scored"] == s["progress_scorable"] == 4
    # submitted: no more uploads, and the sheet's own documents are frozen
    _upload(client, officer, sid, expect=409)
    r = client.delete(f"{V1}/evidence/{uploaded['id']}", headers=auth("chutich.hoatham"))
    assert r.status_code == 409
    assert get_sheet(client, auth("noivu"), sid)["status"] == "submitted"
