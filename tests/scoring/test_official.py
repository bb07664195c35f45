"""Official results import (``/imports/official-results``): row errors, natural-key upsert, scoped list."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.scoring.results_helpers import API, framework

X = "LS.BG.X."


def _rows(fw_code: str) -> list[dict[str, str]]:
    return [
        {"Mã đơn vị": X + "HOATHAM", "Mã bộ chỉ số": fw_code, "Năm": "2024", "Điểm": "7,25", "Tỷ lệ (%)": "72,5",
         "Xếp hạng": "2", "Nguồn (quyết định công bố)": "QĐ 12/QĐ-UBND"},
        {"Mã đơn vị": X + "HOATHAM", "Mã bộ chỉ số": fw_code, "Năm": "2024", "Mã tiêu chí": "2.1", "Điểm": "5"},
        {"Mã đơn vị": X + "TANVAN", "Mã bộ chỉ số": fw_code, "Năm": "2024", "Điểm": "6"},
    ]  # fmt: skip


def test_import_upserts_by_natural_key_and_lists(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    f = framework(session, "OFF")
    session.commit()
    h = auth("noivu")
    r = client.post(f"{API}/imports/official-results?dry_run=true", headers=h, json=_rows("RES_OFF"))
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 3
    r = client.post(f"{API}/imports/official-results", headers=h, json=_rows("RES_OFF"))
    assert r.status_code == 200, r.text
    rows = _rows("RES_OFF")
    rows[2]["Điểm"] = "6,5"
    r = client.post(f"{API}/imports/official-results", headers=h, json=rows)
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 1, 2)

    r = client.get(f"{API}/official-results", headers=h, params={"framework_id": f["id"], "year": 2024})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert r.json()["total"] == 3
    got = {(i["unit_code"], i["node_code"], i["points"], i["percent"], i["rank"]) for i in items}
    assert got == {
        (X + "HOATHAM", "", "7.25", "72.5", 2),
        (X + "HOATHAM", "2.1", "5", None, None),
        (X + "TANVAN", "", "6.5", None, None),
    }
    # a commune lists only its own
    r = client.get(f"{API}/official-results", headers=auth("canbo.hoatham"))
    assert {i["unit_code"] for i in r.json()["items"]} == {X + "HOATHAM"}
    # export in the import layout, Vietnamese decimals
    r = client.get(f"{API}/imports/official-results/export.csv", headers=h)
    assert r.status_code == 200 and "7,25" in r.content.decode("utf-8-sig")


def test_row_errors_in_vietnamese_nothing_written(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    framework(session, "ERR")
    session.commit()
    h = auth("noivu")
    bad = [
        {"Mã đơn vị": "LS.SNV", "Mã bộ chỉ số": "RES_ERR", "Năm": "2024", "Điểm": "1"},  # not in reach
        {"Mã đơn vị": X + "HOATHAM", "Mã bộ chỉ số": "NOPE", "Năm": "2024", "Điểm": "1"},
        {"Mã đơn vị": X + "HOATHAM", "Mã bộ chỉ số": "RES_ERR", "Năm": "2024", "Mã tiêu chí": "9.9", "Điểm": "1"},
        {"Mã đơn vị": X + "HOATHAM", "Mã bộ chỉ số": "RES_ERR", "Năm": "2024", "Mã tiêu chí": "1.1", "Điểm": "2,5"},
        {"Mã đơn vị": X + "HOATHAM", "Mã bộ chỉ số": "RES_ERR", "Năm": "2024", "Điểm": "1,2345"},
        {"Mã đơn vị": X + "TANVAN", "Mã bộ chỉ số": "RES_ERR", "Năm": "2024"},
        {"Mã đơn vị": X + "BINHLA", "Mã bộ chỉ số": "RES_ERR", "Năm": "2024", "Tỷ lệ (%)": "101"},
        {"Mã đơn vị": X + "HONGPHONG", "Mã bộ chỉ số": "RES_ERR", "Năm": "2024", "Điểm": "3"},
        {"Mã đơn vị": X + "HONGPHONG", "Mã bộ chỉ số": "RES_ERR", "Năm": "2024", "Điểm": "4"},
    ]  # fmt: skip
    r = client.post(f"{API}/imports/official-results", headers=h, json=bad)
    assert r.status_code == 422, r.text
    errors = {(e["row"], e["field"], e["code"]) for e in r.json()["errors"]}
    assert errors == {
        (2, "unit_code", "unit_out_of_scope"),
        (3, "framework_code", "unknown_framework"),
        (4, "node_code", "unknown_node"),
        (5, "points", "out_of_range"),  # 1.1 has max 2
        (6, "points", "invalid_number"),  # more than three decimals
        (7, "points", "required"),  # neither points, percent nor rank
        (8, "percent", "out_of_range"),
        (10, "node_code", "duplicate_key"),
    }
    assert all(e["message"] and e["column"] for e in r.json()["errors"])
    r = client.get(f"{API}/official-results", headers=h)
    assert r.json()["total"] == 0


def test_commune_cannot_import(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    framework(session, "DENY")
    session.commit()
    r = client.post(
        f"{API}/imports/official-results", headers=auth("chutich.hoatham"), json=_rows("RES_DENY")
    )
    assert r.status_code == 403
