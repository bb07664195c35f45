"""Framework imports: a whole library file (YAML/JSON) or node rows laid over a stored framework."""

import json
from pathlib import Path

import yaml

from api.models import Framework, FrameworkNode
from tests.imports.helpers import (
    API,
    TABLES,
    count,
    counts,
    csv_bytes,
    errors_of,
    fetch,
    post_file,
    post_json,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "api/frameworks/data/local_index_district_example.yaml"


def _doc(code: str = "THU_NGHIEM_HUYEN") -> dict:
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["framework"]["code"] = code
    return doc


def test_library_file_creates_then_reimports_unchanged(client, auth, db) -> None:
    h = auth("noivu")
    data = yaml.safe_dump(_doc(), allow_unicode=True).encode()
    r = post_file(client, "frameworks", "bo-chi-so.yaml", data, h, ctype="application/yaml", dry_run="true")
    assert r.status_code == 200, r.text
    n = len(_doc()["nodes"])
    assert (r.json()["created"], r.json()["details"]["frameworks"]) == (n, {"created": 1})
    assert fetch(db, Framework, code="THU_NGHIEM_HUYEN") is None
    r = post_file(client, "frameworks", "bo-chi-so.yaml", data, h, ctype="application/yaml")
    assert r.status_code == 200, r.text
    fw = fetch(db, Framework, code="THU_NGHIEM_HUYEN")
    assert fw is not None and count(db, "framework_node", f"WHERE framework_id = {fw.id}") == n
    r = post_json(client, "frameworks", _doc(), h)  # the same document as a JSON body
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, n)


def test_invalid_library_file_lists_every_problem(client, auth, db) -> None:
    h = auth("noivu")
    doc = _doc()
    doc["nodes"][0]["max_points"] = "mười"
    doc["nodes"][1]["parent"] = "KHONG_CO"
    before = counts(db, TABLES)
    r = post_file(client, "frameworks", "x.json", json.dumps(doc).encode(), h, ctype="application/json")
    assert r.status_code == 422
    codes = {e["code"] for e in r.json()["errors"]}
    assert len(r.json()["errors"]) >= 2 and "wrong_type" in codes
    assert counts(db, TABLES) == before


def test_rows_update_nodes_and_errors_name_rows(client, auth, db) -> None:
    h = auth("noivu")
    assert post_json(client, "frameworks", _doc(), h).status_code == 200
    header = ["Mã bộ chỉ số", "Mã tiêu chí", "Tên tiêu chí", "Cấp"]
    rows = [["THU_NGHIEM_HUYEN", "1", "Chỉ đạo, điều hành CCHC (sửa tên)", "Lĩnh vực"]]
    r = post_file(client, "frameworks", "nodes.csv", csv_bytes(header, rows), h)
    assert r.status_code == 200, r.text
    assert (r.json()["updated"], r.json()["unchanged"], r.json()["deleted"]) == (1, 0, 0)
    fw = fetch(db, Framework, code="THU_NGHIEM_HUYEN")
    node = fetch(db, FrameworkNode, framework_id=fw.id, code="1")
    assert node.title == "Chỉ đạo, điều hành CCHC (sửa tên)" and node.max_points == 10  # other columns kept

    bad = [
        [
            "THU_NGHIEM_HUYEN",
            "1.99",
            "Tiêu chí mới",
            "Tiêu chí",
            "1",
            "5",
            "Có",
            "",
        ],  # pushes the sum of "1" over
        ["KHONG_CO", "1", "X", "Lĩnh vực", "", "", "", ""],
    ]
    header2 = [*header, "Mã mục cha", "Điểm tối đa", "Đã xác minh", "Ghi chú nguồn"]
    before = counts(db, TABLES)
    r = post_file(client, "frameworks", "nodes.csv", csv_bytes(header2, bad), h)
    assert r.status_code == 422
    found = errors_of(r)
    assert (3, "framework_code", "unknown_framework") in found
    assert any(code == "bad_children_sum" or "sum" in code for _, _, code in found), found
    assert counts(db, TABLES) == before


def test_frameworks_export_round_trips(client, auth, db) -> None:
    h = auth("admin")  # shared frameworks: managed at the province root
    r = client.get(f"{API}/frameworks/export.csv", headers=h)
    assert r.status_code == 200
    r2 = post_file(client, "frameworks", "fw.csv", r.content, h)
    assert r2.status_code == 200, r2.text
    n = r2.json()["rows"]
    assert n > 30 and (r2.json()["unchanged"], r2.json()["created"], r2.json()["updated"]) == (n, 0, 0)
