"""Input formats and limits: XLSX sheets and formulas, CSV text, JSON shapes, size and row limits, idempotency."""

import io

from openpyxl import Workbook

from api.imports.parsing import read_csv, read_xlsx
from api.models import OrgUnit
from tests.imports.helpers import (
    API,
    TABLES,
    UNIT_HEADER,
    count,
    counts,
    csv_bytes,
    errors_of,
    fetch,
    post_file,
    post_json,
    xlsx_bytes,
)


def _workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_formulas_are_never_evaluated() -> None:
    # openpyxl writes formulas without a cached value: read with data_only they are empty, not computed
    data = _workbook(("Sheet", [["Mã đơn vị", "Tên đơn vị"], ["=1+1", '=CONCAT("a","b")'], ["X", "Y"]]))
    table = read_xlsx(data, sheet=None, max_rows=10)
    assert table.rows == [
        (3, {"Mã đơn vị": "X", "Tên đơn vị": "Y"})
    ]  # row 2 had only formulas: blank, skipped
    # in CSV a leading "=" is plain text
    table = read_csv(csv_bytes(["Mã đơn vị", "Tên đơn vị"], [["A", "=1+1"]]), max_rows=10)
    assert table.rows == [(2, {"Mã đơn vị": "A", "Tên đơn vị": "=1+1"})]


def _with_cached_value(data: bytes, cell: str, value: str) -> bytes:
    """What Excel saves for a formula cell: the formula and its last computed value (openpyxl writes none)."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start) + 4
                formula = text[text.index("<f>", start) : text.index("</f>", start) + 4]
                text = text[:start] + f'<c r="{cell}" t="str">{formula}<v>{value}</v></c>' + text[end:]
                body = text.encode()
            dst.writestr(item, body)
    return out.getvalue()


def test_xlsx_formula_cells_give_their_cached_value(client, auth, db) -> None:
    h = auth("noivu")
    rows = [UNIT_HEADER, ["LS.BG.X.F3", '="UBND xã "&"Hồng Phong"', "Xã", "UBND", "LS.BG"]]
    data = _with_cached_value(_workbook(("Sheet", rows)), "B2", "UBND xã Hồng Phong 2")
    assert read_xlsx(data, sheet=None, max_rows=5).rows[0][1]["Tên đơn vị"] == "UBND xã Hồng Phong 2"
    r = post_file(client, "org-units", "f.xlsx", data, h, ctype="application/octet-stream")
    assert r.status_code == 200, r.text
    assert fetch(db, OrgUnit, code="LS.BG.X.F3").name == "UBND xã Hồng Phong 2"


def test_formula_without_cached_value_is_a_row_error(client, auth, db) -> None:
    h = auth("noivu")
    rows = [UNIT_HEADER, ["LS.BG.X.F2", '="UBND "&"xã"', "Xã", "UBND", "LS.BG"]]
    r = post_file(
        client, "org-units", "f.xlsx", _workbook(("Sheet", rows)), h, ctype="application/octet-stream"
    )
    assert r.status_code == 422
    assert errors_of(r) == [(2, "name", "required")]
    assert fetch(db, OrgUnit, code="LS.BG.X.F2") is None


def test_named_sheet_blank_rows_and_row_numbers(client, auth, db) -> None:
    h = auth("noivu")
    data = _workbook(
        ("Hướng dẫn", [["Đọc kỹ trước khi nhập"]]),
        (
            "Đơn vị",
            [
                UNIT_HEADER,
                ["LS.BG.X.S1", "Xã S1", "Xã", "UBND", "LS.BG"],
                [None] * 5,
                ["LS.BG.X.S2", "Xã S2", "Huyện lỵ", "UBND", "LS.BG"],
            ],
        ),
    )
    r = post_file(client, "org-units", "u.xlsx", data, h, ctype="application/octet-stream", sheet="Đơn vị")
    assert r.status_code == 422
    assert errors_of(r) == [(4, "level", "invalid_choice")]  # the blank row 3 still counts
    r = post_file(client, "org-units", "u.xlsx", data, h, ctype="application/octet-stream", sheet="Không có")
    assert r.status_code == 422 and r.json()["code"] == "unknown_sheet"
    r = post_file(client, "org-units", "u.xlsx", data, h, ctype="application/octet-stream")
    assert (
        r.status_code == 422 and r.json()["errors"][0]["code"] == "unknown_column"
    )  # first sheet: the guide


def test_json_shapes_and_bad_bodies(client, auth, db) -> None:
    h = auth("noivu")
    item = {
        "Mã đơn vị": "LS.BG.X.J1",
        "Tên đơn vị": "Xã J1",
        "Cấp": "Xã",
        "Loại đơn vị": "UBND",
        "Mã đơn vị cấp trên": "LS.BG",
    }
    r = post_json(client, "org-units", {"items": [item]}, h, dry_run="true")
    assert r.status_code == 200 and r.json()["created"] == 1
    r = post_json(client, "org-units", {"rows": []}, h)
    assert r.status_code == 422 and r.json()["code"] == "invalid_json_shape"
    r = client.post(
        f"{API}/org-units", content=b"{not json", headers={**h, "Content-Type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_json"
    r = post_json(client, "org-units", [], h)
    assert r.status_code == 422 and errors_of(r) == [(None, None, "empty_file")]
    r = post_file(
        client, "org-units", "old.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100, h, ctype="application/vnd.ms-excel"
    )
    assert r.status_code == 415
    r = post_file(client, "org-units", "u.csv", b"M\xe3 \xf0\xe1n v\xec\nH\xe0 N\xf4i\n", h)
    assert r.status_code == 422 and r.json()["code"] == "invalid_encoding"
    r = client.post(f"{API}/nope", json=[], headers=h)
    assert r.status_code == 422


def test_size_and_row_limits(client, auth, db, app) -> None:
    h = auth("noivu")
    app.state.settings = app.state.settings.model_copy(update={"import_max_mb": 1, "import_max_rows": 5})
    rows = [[f"LS.BG.X.L{i}", f"Xã {i}", "Xã", "UBND", "LS.BG"] for i in range(6)]
    r = post_file(client, "org-units", "u.csv", csv_bytes(UNIT_HEADER, rows), h)
    assert r.status_code == 422 and r.json()["code"] == "too_many_rows"
    assert "5" in r.json()["detail"] and "dòng" in r.json()["detail"]
    big = csv_bytes(UNIT_HEADER, [["A" * 60, "B" * 200, "Xã", "UBND", "LS.BG"]] * 4000)
    assert len(big) > 1024 * 1024
    r = post_file(client, "org-units", "u.csv", big, h)
    assert r.status_code == 413 and r.json()["code"] == "import_too_large" and "MB" in r.json()["detail"]
    r = client.post(f"{API}/org-units", content=big, headers={**h, "Content-Type": "text/csv"})
    assert r.status_code == 413


def test_idempotency_key_replays_and_refuses_another_file(client, auth, db) -> None:
    h = {**auth("noivu"), "Idempotency-Key": "units-2024-11-01"}
    data = csv_bytes(UNIT_HEADER, [["LS.BG.X.I1", "Xã I1", "Xã", "UBND", "LS.BG"]])
    r1 = post_file(client, "org-units", "u.csv", data, h)
    assert r1.status_code == 200 and r1.json()["created"] == 1
    before = counts(db, TABLES)
    r2 = post_file(client, "org-units", "u.csv", data, h)
    assert r2.status_code == 200 and r2.json() == r1.json() and r2.headers["idempotent-replayed"] == "true"
    assert counts(db, TABLES) == before
    other = csv_bytes(UNIT_HEADER, [["LS.BG.X.I2", "Xã I2", "Xã", "UBND", "LS.BG"]])
    r3 = post_file(client, "org-units", "u.csv", other, h)
    assert r3.status_code == 422 and r3.json()["code"] == "idempotency_key_reused"
    assert count(db, "org_unit", "WHERE code = 'LS.BG.X.I2'") == 0
    # a JSON body is fingerprinted by its bytes
    item = [{"code": "LS.BG.X.I3", "name": "Xã I3", "level": "Xã", "kind": "UBND", "parent_code": "LS.BG"}]
    hj = {**h, "Idempotency-Key": "units-json"}
    first = post_json(client, "org-units", item, hj)
    again = post_json(client, "org-units", item, hj)
    assert (
        first.json()["created"] == 1
        and again.json() == first.json()
        and again.headers["idempotent-replayed"] == "true"
    )


def test_xlsx_helper_file_imports(client, auth, db) -> None:
    h = auth("noivu")
    data = xlsx_bytes(UNIT_HEADER, [["LS.BG.X.X1", "Xã X1", "Xã", "UBND", "LS.BG"]])
    r = post_file(
        client,
        "org-units",
        "u.xlsx",
        data,
        h,
        ctype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert r.status_code == 200 and r.json()["created"] == 1
