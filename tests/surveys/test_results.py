"""Results: satisfaction rates, the weighted index (weights are framework data), small samples flagged with a
Wilson interval, official results beside with the gap, linked plan tasks with their buckets, scope."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import Framework, FrameworkNode
from api.surveys.results import weighted_index, wilson
from tests.surveys.conftest import BG_DESK, HT_DESK, TV_DESK, V1, desk

FACTOR_NODES = {"tiep_can": "A.1", "thu_tuc": "A.2", "cong_chuc": "A.3", "ket_qua": "A.4", "gop_y": "A.5"}


def _results(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    r = client.get(f"{V1}/survey-results", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _set_weights(session: Session, weights: dict[str, float | None]) -> None:
    fw = session.exec(select(Framework).where(Framework.code == "SIPAS_QD1001")).one()
    for node in session.exec(select(FrameworkNode).where(FrameworkNode.framework_id == fw.id)).all():
        if node.code in weights:
            node.max_points = weights[node.code]
            session.add(node)
    session.commit()


def test_rates_and_index_for_the_district(client: TestClient, auth: Any) -> None:
    data = _results(client, auth("noivu"), year=2024)
    assert data["responses"] > 250 and data["excluded"] > 0  # duplicates and honeypots left out
    assert (
        data["flags"]["out_of_hours"] > 0 and data["flags"]["duplicate"] > 0 and data["flags"]["honeypot"] > 0
    )
    assert data["weights_source"] == "framework" and data["weights_verified"] is False
    factors = {f["factor"]: f for f in data["factors"]}
    assert set(factors) == set(FACTOR_NODES)
    assert all(f["weight"] == 10 for f in factors.values())
    for f in factors.values():
        assert f["satisfied_share"] == round(f["satisfied"] / f["answers"] * 100, 2)
        assert f["node_code"] == FACTOR_NODES[f["factor"]]
        assert f["ci_low"] <= f["satisfied_share"] <= f["ci_high"]
    assert factors["gop_y"]["index"] < factors["cong_chuc"]["index"]  # the demo's weak factor
    # equal weights: the index is the mean of the factor indexes
    mean = sum(f["index"] for f in factors.values()) / 5
    assert abs(data["index"] - mean) < 0.01
    assert {d["name"] for d in data["desks"]} >= {"Bộ phận Một cửa UBND xã Hoa Thám"}
    assert len(data["desks"]) == 3 and sum(d["responses"] for d in data["desks"]) == data["responses"]
    assert [m["month"] for m in data["months"]] == sorted(m["month"] for m in data["months"])
    assert data["months"][0]["month"].startswith("2024-")
    questions = data["questions"]
    assert len(questions) == 11 and all(q["answers"] > 0 for q in questions)
    # official results beside: the illustrative 2024 figures, with the gap
    assert data["official_year"] == 2024 and data["official_index"] == 81.9
    assert all(o["illustrative"] for o in data["official"])
    assert data["gap"] == round(data["index"] - 81.9, 2)
    assert factors["gop_y"]["official_percent"] == 79.6
    # the demo plan links its SIPAS tasks: each factor shows its tasks with buckets
    assert any(f["tasks"] for f in factors.values())
    task = next(t for f in factors.values() for t in f["tasks"])
    assert sum(task["buckets"].values()) == task["assignments"] > 0
    assert set(task["buckets"]) >= {"overdue", "done_on_time", "in_progress_on_time"}


def test_weights_change_the_index_as_the_data_says(client: TestClient, session: Session, auth: Any) -> None:
    before = _results(client, auth("noivu"), year=2024)
    shares = {f["factor"]: f["index"] for f in before["factors"]}
    _set_weights(session, {"A.1": 10, "A.2": 10, "A.3": 10, "A.4": 10, "A.5": 60})
    after = _results(client, auth("noivu"), year=2024)
    weights = {f["factor"]: f["weight"] for f in after["factors"]}
    assert weights["gop_y"] == 60 and weights["tiep_can"] == 10
    expected = sum(shares[k] * weights[k] for k in shares) / sum(weights.values())
    assert abs(after["index"] - expected) < 0.01
    assert after["index"] < before["index"]  # more weight on the weak factor lowers the index
    # factor shares themselves do not move with weights
    assert {f["factor"]: f["index"] for f in after["factors"]} == shares
    # a factor without a weight: equal weights, said so
    _set_weights(session, {"A.3": None})
    equal = _results(client, auth("noivu"), year=2024)
    assert equal["weights_source"] == "equal"
    assert abs(equal["index"] - sum(shares.values()) / 5) < 0.01


def test_small_samples_are_flagged_with_an_interval(client: TestClient, session: Session, auth: Any) -> None:
    point = desk(session, TV_DESK)
    small = _results(client, auth("noivu"), point_id=point.id, **{"from": "2024-03-01", "to": "2024-03-31"})
    assert 0 < small["overall"]["responses"] < 30
    assert small["overall"]["small_sample"] is True
    assert (
        small["overall"]["ci_low"] is not None
        and small["overall"]["ci_high"] - small["overall"]["ci_low"] > 10
    )
    assert all(f["small_sample"] for f in small["factors"])
    big = _results(client, auth("noivu"), year=2024)
    assert big["overall"]["responses"] >= 30 and big["overall"]["small_sample"] is False


def test_wilson_and_weighted_index() -> None:
    low, high = wilson(8, 10)  # type: ignore[misc]
    assert 44 < low < 50 and 94 < high < 97
    assert wilson(0, 0) is None
    assert weighted_index({"a": 80.0, "b": 60.0, "c": None}, {"a": 1, "b": 3, "c": 100}) == 65.0  # type: ignore[dict-item]


def test_scope_commune_sees_its_desks_only(client: TestClient, session: Session, auth: Any) -> None:
    ht, tv, bg = desk(session, HT_DESK), desk(session, TV_DESK), desk(session, BG_DESK)
    h = auth("canbo.hoatham")
    listed = client.get(f"{V1}/collection-points", headers=h).json()
    assert [p["id"] for p in listed["items"]] == [ht.id]
    assert listed["items"][0]["token"] is None  # only managers see the token
    assert client.get(f"{V1}/collection-points/{tv.id}", headers=h).status_code == 404
    assert client.get(f"{V1}/collection-points/{bg.id}", headers=h).status_code == 404
    mine = _results(client, h, year=2024)
    assert [d["id"] for d in mine["desks"]] == [ht.id]
    assert client.get(f"{V1}/survey-results", headers=h, params={"point_id": tv.id}).status_code == 404
    assert mine["official"] == []  # the district's official figures are not the commune's
    # the district sees all, with tokens
    d = client.get(f"{V1}/collection-points", headers=auth("noivu")).json()
    assert {p["id"] for p in d["items"]} == {ht.id, tv.id, bg.id}
    assert all(p["token"] and p["public_url"].endswith(p["token"]) for p in d["items"])
    # a unit filter narrows the district's view to that commune
    only = _results(client, auth("noivu"), year=2024, unit_id=tv.unit_id)
    assert [x["id"] for x in only["desks"]] == [tv.id]


def test_exports_and_posters(client: TestClient, session: Session, auth: Any) -> None:
    import io

    from docx import Document
    from openpyxl import load_workbook

    h = auth("noivu")
    r = client.get(f"{V1}/survey-results.xlsx", headers=h, params={"year": 2024})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Theo yếu tố", "Theo câu hỏi", "Theo điểm khảo sát", "Theo đơn vị", "Theo tháng"]
    ws = wb["Theo yếu tố"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("từ ngày 01/01/2024 đến ngày 31/12/2024" in t for t in texts)  # dd/mm/yyyy, leading zeros
    assert any("%" in t and "," in t for t in texts)  # decimal comma
    assert "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị" in texts
    r = client.get(f"{V1}/survey-results.docx", headers=h, params={"year": 2024})
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "KẾT QUẢ KHẢO SÁT" in body and "số liệu minh họa" in body and "31/12/2024" in body
    assert len(doc.tables) == 1 and len(doc.tables[0].rows) == 7  # header, 5 factors, the index (as the report)
    assert doc.tables[0].rows[-1].cells[0].text == "Chỉ số chung"
    point = desk(session, HT_DESK)
    pdf = client.get(f"{V1}/collection-points/{point.id}/poster.pdf", headers=auth("canbo.hoatham"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    png = client.get(f"{V1}/collection-points/{point.id}/poster.png", headers=h)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    tv = desk(session, TV_DESK)
    assert (
        client.get(f"{V1}/collection-points/{tv.id}/poster.pdf", headers=auth("canbo.hoatham")).status_code
        == 404
    )
    assert (
        client.get(f"{V1}/collection-points/{point.id}/poster.pdf", headers=auth("huyenuy")).status_code
        == 403
    )
