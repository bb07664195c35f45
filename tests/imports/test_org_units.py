"""Org-unit imports: all or nothing, idempotent, scoped, CSV flavours, export round trip."""

from api.models import OrgUnit
from tests.imports.helpers import (
    API,
    TABLES,
    UNIT_HEADER,
    counts,
    csv_bytes,
    errors_of,
    fetch,
    make_token,
    post_file,
    post_json,
)

NEW = [
    ["LS.BG.X.THU1", "UBND xã Thử Một", "Xã", "UBND", "LS.BG"],
    ["LS.BG.X.THU1.T1", "Thôn Nà Pàn", "xã", "other", "LS.BG.X.THU1"],  # parent defined on the row above
    ["LS.BG.X.THU2", "UBND xã Thử Hai", "commune", "people_committee", "LS.BG"],
]


def _unit(engine, code: str) -> OrgUnit | None:
    return fetch(engine, OrgUnit, code=code)


def test_dry_run_writes_nothing_then_import_then_reimport_is_a_no_op(client, auth, db) -> None:
    h = auth("noivu")
    data = csv_bytes(UNIT_HEADER, NEW)
    before = counts(db, TABLES)
    r = post_file(client, "org-units", "units.csv", data, h, dry_run="true")
    assert r.status_code == 200, r.text
    assert r.json() | {"errors": []} == r.json()
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"], r.json()["dry_run"]) == (
        3,
        0,
        0,
        True,
    )
    assert counts(db, TABLES) == before, "a dry run must not write anything"

    r = post_file(client, "org-units", "units.csv", data, h)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (3, 0, 0)
    child, parent = _unit(db, "LS.BG.X.THU1.T1"), _unit(db, "LS.BG.X.THU1")
    assert child is not None and parent is not None
    assert child.parent_id == parent.id and child.path == f"{parent.path}{child.id}/"
    assert child.level.value == "commune" and child.kind.value == "other" and child.version == 1
    audit = counts(db, ("audit_event",))["audit_event"] - before["audit_event"]
    assert audit == 4  # one per unit + the import summary

    after = counts(db, TABLES)
    r = post_file(client, "org-units", "units.csv", data, h)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, 3)
    assert {k: v for k, v in counts(db, TABLES).items() if k != "audit_event"} == {
        k: v for k, v in after.items() if k != "audit_event"
    }


def test_one_bad_row_among_valid_ones_writes_nothing_and_names_row_and_column(client, auth, db) -> None:
    h = auth("noivu")
    rows = [*NEW, ["LS.BG.X.THU3", "UBND xã Thử Ba", "Phường", "UBND", "LS.BG"]]  # row 5: unknown level
    rows.append(["LS.BG.X.THU4", "", "Xã", "UBND", "LS.BG"])  # row 6: name missing
    before = counts(db, TABLES)
    r = post_file(client, "org-units", "units.csv", csv_bytes(UNIT_HEADER, rows), h)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "import_rejected" and body["status"] == 422
    assert errors_of(r) == [(5, "level", "invalid_choice"), (6, "name", "required")]
    assert [e["column"] for e in body["errors"]] == ["Cấp", "Tên đơn vị"]
    assert all(e["message"] and e["message_en"] for e in body["errors"])
    assert counts(db, TABLES) == before


def test_csv_with_bom_semicolons_and_diacritics(client, auth, db) -> None:
    h = auth("noivu")
    header = [
        "Mã đơn vị",
        "Tên đơn vị",
        "Tên viết tắt",
        "Cấp",
        "Loại đơn vị",
        "Mã đơn vị cấp trên",
        "Ghi chú nguồn",
    ]
    rows = [
        [
            "LS.BG.X.HP2",
            "UBND xã Hồng Phong",
            "Xã Hồng Phong",
            "Xã",
            "UBND",
            "LS.BG",
            "Quyết định số 1; ngày 2",
        ]
    ]
    data = csv_bytes(header, rows, sep=";", bom=True)
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data
    r = post_file(client, "org-units", "don-vi.csv", data, h)
    assert r.status_code == 200, r.text
    unit = _unit(db, "LS.BG.X.HP2")
    assert unit is not None
    assert (unit.name, unit.short_name, unit.source_note) == (
        "UBND xã Hồng Phong",
        "Xã Hồng Phong",
        "Quyết định số 1; ngày 2",
    )


def test_headers_are_matched_without_accents_and_by_english_keys(client, auth, db) -> None:
    h = auth("noivu")
    header = ["MA DON VI", "ten don vi *", "level", "Loai don vi", "parent_code"]
    r = post_file(
        client, "org-units", "u.csv", csv_bytes(header, [["LS.BG.X.K1", "Xã K", "Xã", "UBND", "LS.BG"]]), h
    )
    assert r.status_code == 200, r.text
    r = post_file(
        client,
        "org-units",
        "u.csv",
        csv_bytes([*header, "Cột lạ"], [["LS.BG.X.K2", "X", "Xã", "UBND", "LS.BG", "1"]]),
        h,
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["row"] == 1 and r.json()["errors"][0]["column"] == "Cột lạ"


def test_objects_outside_the_callers_subtree_are_row_errors(client, auth, db) -> None:
    h = auth("noivu")  # district admin of LS.BG
    items = [
        {
            "code": "LS.X.MOI",
            "name": "Xã mới",
            "level": "Xã",
            "kind": "UBND",
            "parent_code": "LS",
        },  # parent outside
        {
            "code": "LS.SNV",
            "name": "Đổi tên Sở",
            "level": "Tỉnh",
            "kind": "department",
            "parent_code": "LS",
        },  # unit outside
        {"code": "LS.BG.X.OK", "name": "Xã hợp lệ", "level": "Xã", "kind": "UBND", "parent_code": "LS.BG"},
        {"code": "LS.BG.X.BAD", "name": "X", "level": "Xã", "kind": "UBND", "parent_code": "KHONG.CO"},
    ]
    before = counts(db, TABLES)
    r = post_json(client, "org-units", items, h)
    assert r.status_code == 422, r.text
    assert errors_of(r) == [
        (2, "parent_code", "unit_out_of_scope"),
        (3, "code", "unit_out_of_scope"),
        (5, "parent_code", "unknown_unit"),
    ]
    assert "không thuộc phạm vi quản lý" in r.json()["errors"][0]["message"]
    assert counts(db, TABLES) == before
    assert _unit(db, "LS.SNV").name != "Đổi tên Sở"


def test_update_rename_and_move_and_cycle(client, auth, db) -> None:
    h = auth("noivu")
    r = post_json(
        client,
        "org-units",
        [
            {"code": "LS.BG.X.M1", "name": "M1", "level": "Xã", "kind": "UBND", "parent_code": "LS.BG"},
            {"code": "LS.BG.X.M2", "name": "M2", "level": "Xã", "kind": "UBND", "parent_code": "LS.BG"},
        ],
        h,
    )
    assert r.status_code == 200, r.text
    # only the columns present are written: a rename file with code + name (+ parent) changes nothing else
    r = post_json(
        client,
        "org-units",
        [
            {"code": "LS.BG.X.M1", "name": "M1 mới", "parent_code": "LS.BG", "level": "Xã", "kind": "UBND"},
            {"code": "LS.BG.X.M2", "name": "M2", "level": "Xã", "kind": "UBND", "parent_code": "LS.BG.X.M1"},
        ],
        h,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["updated"], r.json()["unchanged"]) == (2, 0)
    m1, m2 = _unit(db, "LS.BG.X.M1"), _unit(db, "LS.BG.X.M2")
    assert m1.name == "M1 mới" and m1.version == 2
    assert m2.parent_id == m1.id and m2.path == f"{m1.path}{m2.id}/"
    r = post_json(
        client,
        "org-units",
        [
            {
                "code": "LS.BG.X.M1",
                "name": "M1 mới",
                "level": "Xã",
                "kind": "UBND",
                "parent_code": "LS.BG.X.M2",
            }
        ],
        h,
    )
    assert r.status_code == 422
    assert errors_of(r) == [(2, "parent_code", "cycle")]


def test_commune_token_and_non_admins_cannot_import(client, auth, db) -> None:
    items = [
        {
            "code": "LS.BG.X.HOATHAM.T9",
            "name": "Thôn 9",
            "level": "Xã",
            "kind": "other",
            "parent_code": "LS.BG.X.HOATHAM",
        }
    ]
    commune_token = make_token(db, "LS.BG.X.HOATHAM", ["imports:run", "units:manage", "plans:manage"])
    actors = (
        commune_token,
        auth("chutich.hoatham"),
        auth("chutich"),
    )  # the system admin may import set-up data (units, users, frameworks)
    before = counts(db, TABLES)
    for headers in actors:
        r = post_json(client, "org-units", items, headers)
        assert r.status_code == 403, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    r = client.get(f"{API}/org-units/template.xlsx", headers=commune_token)
    assert r.status_code == 403
    assert counts(db, TABLES) == before
    district_token = make_token(db, "LS.BG", ["imports:run", "units:manage"])
    r = post_json(client, "org-units", items, district_token, dry_run="true")
    assert r.status_code == 200, r.text


def test_export_csv_round_trips_and_neutralises_formulas(client, auth, db) -> None:
    h = auth("noivu")
    r = post_json(
        client,
        "org-units",
        [
            {
                "code": "LS.BG.X.F1",
                "name": '=HYPERLINK("http://x")',
                "level": "Xã",
                "kind": "UBND",
                "parent_code": "LS.BG",
                "source_note": "+84 912",
            }
        ],
        h,
    )
    assert r.status_code == 200, r.text
    assert _unit(db, "LS.BG.X.F1").name == '=HYPERLINK("http://x")'  # kept as text, never evaluated
    r = client.get(f"{API}/org-units/export.csv", headers=h)
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in r.headers["content-disposition"]
    line = next(x for x in r.text.splitlines() if x.startswith("LS.BG.X.F1,"))
    assert "'=HYPERLINK" in line and "'+84 912" in line
    r2 = post_file(client, "org-units", "export.csv", r.content, h)
    assert r2.status_code == 200, r2.text
    assert (
        r2.json()["created"] == 0
        and r2.json()["updated"] == 0
        and r2.json()["unchanged"] == r2.json()["rows"] > 30
    )
    assert _unit(db, "LS.BG.X.F1").source_note == "+84 912"
