"""Report outlines (#16): the shipped đề cương per level, sections written from CCHC activities inside the period
window only, indicator values entered by units and rolled up (sum, average, share) to the district report with the
units that have not entered them; the outline and the indicator table frozen on acceptance."""

from decimal import Decimal

from tests.reports.helpers import V1, act, open_report, patch_report, unit
from tests.reports.outline_helpers import add_activities, by_code, indicators, put_values


def _sections(detail):  # type: ignore[no-untyped-def]
    return {s["key"]: s for s in detail["outline"]}


def test_shipped_outlines_per_level_flagged_unverified(client, auth) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{V1}/report-outlines", params={"limit": 50}, headers=auth("canbo.hoatham"))
    assert r.status_code == 200, r.text
    shipped = {o["code"]: o for o in r.json()["items"] if o["owner_unit_id"] is None}
    assert set(shipped) == {"cchc-huyen", "cchc-xa", "cchc-phong"}
    for o in shipped.values():
        assert o["verified"] is False and "581/BNV-CCHC" in o["source_note"]
        keys = [s["key"] for s in o["sections"]]
        # the Ministry's order: chỉ đạo điều hành (kế hoạch, tuyên truyền, kiểm tra, khảo sát, giải trình), the six
        # reform areas, đánh giá chung, phương hướng, kiến nghị, biểu số liệu
        order = ["ke_hoach", "tuyen_truyen", "kiem_tra", "khao_sat", "giai_trinh", "the_che", "thu_tuc_hanh_chinh",
                 "to_chuc_bo_may", "cong_vu", "tai_chinh_cong", "chinh_quyen_so", "ton_tai_han_che", "phuong_huong",
                 "de_xuat_kien_nghi", "bieu_so_lieu"]  # fmt: skip
        assert [k for k in keys if k in order] == order
        assert o["allowed_actions"] == []  # a unit officer neither copies nor edits
        units = {i["unit_of_measure"] for i in o["indicators"]}
        assert "cuộc" in units and ("%" in units) == (o["code"] != "cchc-phong")
    # the district copies the default and edits its copy; the default itself is not edited in place
    noivu = auth("noivu")
    src = shipped["cchc-huyen"]["id"]
    r = client.post(f"{V1}/report-outlines/{src}/copy", json={}, headers={**noivu, "Idempotency-Key": "c1"})
    assert r.status_code == 201, r.text
    mine = r.json()
    assert mine["based_on_id"] == src and "edit" in mine["allowed_actions"] and len(mine["indicators"]) > 5
    tag = client.get(f"{V1}/report-outlines/{src}", headers=noivu).headers["etag"]
    r = client.patch(f"{V1}/report-outlines/{src}", json={"name": "x"}, headers={**noivu, "If-Match": tag})
    assert r.status_code == 409 and r.json()["code"] == "outline_shipped"
    tag = client.get(f"{V1}/report-outlines/{mine['id']}", headers=noivu).headers["etag"]
    bad = {"indicators": [*mine["indicators"], {"code": "TL_X", "section_key": "khong_co", "name": "Tỷ lệ X",
                                                 "unit_of_measure": "%", "rollup": "share"}]}  # fmt: skip
    r = client.patch(f"{V1}/report-outlines/{mine['id']}", json=bad, headers={**noivu, "If-Match": tag})
    assert r.status_code == 422, r.text
    n = len(mine["indicators"])
    assert {e["field"] for e in r.json()["errors"]} == {
        f"indicators[{n}].section_key",
        f"indicators[{n}].rollup",
    }
    r = client.patch(f"{V1}/report-outlines/{mine['id']}", json={"name": "Đề cương của huyện Bình Gia"},
                     headers={**noivu, "If-Match": tag})  # fmt: skip
    assert r.status_code == 200 and r.json()["name"] == "Đề cương của huyện Bình Gia", r.text


def test_sections_fill_from_activities_inside_the_window(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    add_activities(session)
    q3 = world["periods"]["q3"]["id"]
    officer = auth("canbo.hoatham")
    rep = open_report(client, officer, q3, world["unit"].id)
    detail = client.get(f"{V1}/reports/{rep['id']}", headers=officer).json()
    assert detail["outline_info"]["verified"] is False
    s = _sections(detail)
    assert [x["number"] for x in detail["outline"][:3]] == ["I", "1", "2"]
    kiem_tra = s["kiem_tra"]["text"]
    assert s["kiem_tra"]["fill"] == "auto"
    assert "được kiểm tra công tác cải cách hành chính 1 lần (định kỳ 1, đột xuất 0)" in kiem_tra
    assert (
        "Ngày 10/08/2023" in kiem_tra and "20/09/2023" not in kiem_tra
    )  # the inspection after 14/9 is not in it
    assert "phát hiện 2 tồn tại, hạn chế (nghiêm trọng 1, nhẹ 1)" in kiem_tra
    tuyen_truyen = s["tuyen_truyen"]["text"]
    assert "1 hoạt động tuyên truyền" in tuyen_truyen and "4 tin, bài" in tuyen_truyen  # not the 9 of 10/6
    assert "Loa truyền thanh cơ sở (tiếng Tày): 4" in tuyen_truyen and "300 lượt" in tuyen_truyen
    giai_trinh = s["giai_trinh"]["text"]
    assert "1 phiên giải trình" in giai_trinh and "Khắc phục xong trong tháng 10/2023" in giai_trinh
    assert (
        "Ngoài kỳ báo cáo" not in giai_trinh and "Tân Văn" not in giai_trinh
    )  # outside the window / other unit
    codes = by_code(indicators(client, officer, rep["id"]))
    assert (codes["KT_CUOC"]["value"], codes["TT_SL"]["value"], codes["GT_PHIEN"]["value"]) == ("1", "4", "1")
    assert (
        codes["KT_TON_TAI"]["value"] == "2"
        and codes["KT_CUOC"]["computed"]
        and not codes["KT_CUOC"]["editable"]
    )
    # the district report: the whole subtree, still only inside the window
    noivu = auth("noivu")
    district_id = unit(session, "LS.BG").id
    session.commit()  # no transaction left open while the app writes (SQLite)
    drep = open_report(client, noivu, q3, district_id)
    ds = _sections(client.get(f"{V1}/reports/{drep['id']}", headers=noivu).json())
    assert (
        "2 phiên giải trình" in ds["giai_trinh"]["text"]
        and "Tân Văn bổ sung hồ sơ" in ds["giai_trinh"]["text"]
    )
    assert "tại 1 cơ quan, đơn vị" in ds["kiem_tra"]["text"] and "20/09/2023" not in ds["kiem_tra"]["text"]
    assert ds["bao_cao_don_vi"]["fill"] == "auto" and "UBND xã Hoa Thám" in ds["bao_cao_don_vi"]["text"]
    # the Quý I window holds none of them
    q1 = open_report(client, officer, world["periods"]["q1"]["id"], world["unit"].id)
    s1 = _sections(client.get(f"{V1}/reports/{q1['id']}", headers=officer).json())
    assert "không có cuộc kiểm tra" in s1["kiem_tra"]["text"]
    assert "chưa ghi nhận hoạt động tuyên truyền" in s1["tuyen_truyen"]["text"]


def test_written_sections_of_the_outline(client, auth, world) -> None:  # type: ignore[no-untyped-def]
    officer = auth("canbo.hoatham")
    rep = open_report(client, officer, world["periods"]["q3"]["id"], world["unit"].id)
    out = patch_report(client, officer, rep["id"], {"narrative": {"the_che": "Ban hành 02 nghị quyết.",
                                                                   "ton_tai_han_che": "Còn chậm."}})  # fmt: skip
    s = _sections(out)
    assert s["the_che"]["text"] == "Ban hành 02 nghị quyết." and s["the_che"]["fill"] == "written"
    assert s["ton_tai_han_che"]["text"] == "Còn chậm."
    bad = patch_report(client, officer, rep["id"], {"narrative": {"khong_co_muc": "x"}}, expect=422)
    assert bad["code"] == "unknown_section"


def test_indicator_rollup_sum_average_share_with_units_missing(client, auth, session, world) -> None:  # type: ignore[no-untyped-def]
    q3 = world["periods"]["q3"]["id"]
    noivu, officer, tanvan_officer = auth("noivu"), auth("canbo.hoatham"), auth("canbo.tanvan")
    hoatham, tanvan = world["unit"], unit(session, "LS.BG.X.TANVAN")
    hoabinh, vhtt = unit(session, "LS.BG.X.HOABINH"), unit(session, "LS.BG.VHTT")
    district = unit(session, "LS.BG")
    session.commit()  # no transaction left open while the app writes (SQLite); objects stay loaded
    r_hoatham = open_report(client, officer, q3, hoatham.id)
    r_tanvan = open_report(client, tanvan_officer, q3, tanvan.id)
    r_hoabinh = open_report(client, noivu, q3, hoabinh.id)
    open_report(client, noivu, q3, vhtt.id)  # a department that enters nothing
    put_values(client, officer, r_hoatham["id"],
               {"VB_BAN_HANH": "3", "HS_TIEP_NHAN": "200", "HS_DUNG_HAN": "190", "CB_HAI_LONG": "80"})  # fmt: skip
    out = put_values(client, tanvan_officer, r_tanvan["id"],
                     {"VB_BAN_HANH": 2, "HS_TIEP_NHAN": "100", "HS_DUNG_HAN": "100", "CB_HAI_LONG": "90,5"})  # fmt: skip
    mine = by_code(out)
    assert mine["CB_HAI_LONG"]["value"] == "90.5" and mine["HS_TY_LE"]["value"] == "100"
    assert mine["VB_BAN_HANH"]["entered_by"] and mine["VB_BAN_HANH"]["editable"]
    put_values(client, noivu, r_hoabinh["id"], {"VB_BAN_HANH": "1"})
    seen = indicators(client, auth("huyenuy"), r_hoabinh["id"])  # the observer reads, never types
    assert seen["allowed_actions"] == [] and not any(i["editable"] for i in seen["items"])
    assert by_code(indicators(client, officer, r_hoatham["id"]))["HS_TY_LE"]["value"] == "95"
    # bad input: nothing changes
    table = indicators(client, officer, r_hoatham["id"])
    c = by_code(table)
    body = {"values": [{"indicator_id": c["VB_BAN_HANH"]["indicator_id"], "value": "7"},
                       {"indicator_id": c["HS_TIEP_NHAN"]["indicator_id"], "value": "nhiều"},
                       {"indicator_id": c["KT_CUOC"]["indicator_id"], "value": "5"},
                       {"indicator_id": c["CB_HAI_LONG"]["indicator_id"], "value": "101"}]}  # fmt: skip
    r = client.put(f"{V1}/reports/{r_hoatham['id']}/indicators", json=body,
                   headers={**officer, "If-Match": table["etag"]})  # fmt: skip
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert {e["code"] for e in r.json()["errors"]} == {"not_a_number", "computed_indicator", "out_of_range"}
    assert "không phải là số" in r.json()["detail"]
    assert by_code(indicators(client, officer, r_hoatham["id"]))["VB_BAN_HANH"]["value"] == "3"
    r = client.put(f"{V1}/reports/{r_hoatham['id']}/indicators", json=body, headers=officer)
    assert r.status_code == 428
    # the district report rolls them up
    drep = open_report(client, noivu, q3, district.id)
    d = by_code(indicators(client, noivu, drep["id"]))
    names = lambda item: {u["unit_name"] for u in item["missing_units"]}  # noqa: E731
    assert d["VB_BAN_HANH"]["value"] == "6" and d["VB_BAN_HANH"]["rollup"] == "sum"
    assert names(d["VB_BAN_HANH"]) == {vhtt.name} and d["VB_BAN_HANH"]["units_expected"] == 4
    assert d["CB_HAI_LONG"]["value"] == "85.25" and d["CB_HAI_LONG"]["rollup"] == "average"
    assert names(d["CB_HAI_LONG"]) == {hoabinh.name}  # the department's outline has no such row: not expected
    assert Decimal(d["HS_TY_LE"]["value"]) == Decimal(
        "96.7"
    )  # (190 + 100) / (200 + 100), not the mean of 95 and 100
    assert names(d["HS_TY_LE"]) == {hoabinh.name} and d["HS_TY_LE"]["units_entered"] == 2
    assert not d["VB_BAN_HANH"]["editable"]
    # accepted unit reports keep their table; after acceptance the unit can no longer change it
    act(client, auth("chutich.hoatham"), r_hoatham["id"], "submit")
    act(client, noivu, r_hoatham["id"], "accept")
    frozen = client.get(f"{V1}/reports/{r_hoatham['id']}", headers=officer).json()
    assert frozen["live"] is False and frozen["outline"] and frozen["figures"]["indicators"]
    t = indicators(client, officer, r_hoatham["id"])
    assert t["live"] is False and t["allowed_actions"] == [] and by_code(t)["VB_BAN_HANH"]["value"] == "3"
    r = client.put(f"{V1}/reports/{r_hoatham['id']}/indicators",
                   json={"values": [{"indicator_id": by_code(t)["VB_BAN_HANH"]["indicator_id"], "value": "9"}]},
                   headers={**officer, "If-Match": t["etag"]})  # fmt: skip
    assert r.status_code in (404, 409), r.text


def test_demo_quy_iii_2024_district_table_names_who_has_not_entered(client, auth) -> None:  # type: ignore[no-untyped-def]
    noivu = auth("noivu")
    periods = client.get(f"{V1}/report-periods", params={"year": 2024, "limit": 50}, headers=noivu).json()[
        "items"
    ]
    q3 = next(p for p in periods if p["kind"] == "q3")
    district = client.get(f"{V1}/me", headers=noivu).json()["memberships"][0]["unit_id"]
    drep = open_report(client, noivu, q3["id"], district)
    d = by_code(indicators(client, noivu, drep["id"]))
    assert d["VB_BAN_HANH"]["value"] == "10" and d["VB_BAN_HANH"]["units_entered"] == 4  # 2 + 1 + 3 + 4
    missing = {u["unit_name"] for u in d["VB_BAN_HANH"]["missing_units"]}
    assert "UBND xã Minh Khai" in missing and "UBND xã Bình La" not in missing
    assert d["HS_TY_LE"]["value"] == "97.7"  # (405 + 238 + 290) / (412 + 238 + 305)
    # the demo desks have answers in Quý III 2024 (#20): computed from the survey, not the units' 88.75
    assert d["CB_HAI_LONG"]["computed"] is True and d["CB_HAI_LONG"]["value"] != "88.75"
    assert d["CB_HAI_LONG"]["source_text"].startswith("Tính từ khảo sát, n = ")
