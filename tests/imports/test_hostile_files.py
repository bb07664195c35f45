"""Hostile import files (built in tests/imports/hostile.py) answer a 422 problem+json in Vietnamese that names the
problem, never a 500, and write nothing. Their CPU and memory are measured by bench/bench_hostile_imports.py."""

from typing import Any

import pytest

from api.imports import parsing
from tests.imports import hostile
from tests.imports.helpers import count, csv_bytes, post_file, post_json

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REFUSED = {
    "tall_sheet": "too_many_rows",
    "shared_strings_ratio_bomb": "xlsx_limit",
    "shared_strings_count_bomb": "xlsx_limit",
    "missing_shared_string": "invalid_xlsx",
    "broken_xml": "invalid_xlsx",
    "not_a_zip": "invalid_xlsx",
}


def _assert_422(r: Any, code: str) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code, body
    assert body["detail"] and body["detail"] != body["detail_en"]  # Vietnamese first


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_workbooks_are_refused(client, auth, db, name) -> None:  # type: ignore[no-untyped-def]
    before = count(db, "org_unit")
    make = hostile.XLSX_FILES[name]
    data = make(1_000_000) if name == "shared_strings_ratio_bomb" else make()  # ratio ≈ 400:1, light to build
    r = post_file(client, "org-units", "units.xlsx", data, auth("noivu"), ctype=XLSX_TYPE)
    _assert_422(r, REFUSED[name])
    assert count(db, "org_unit") == before


def test_a_declared_dimension_is_ignored(client, auth, db) -> None:  # type: ignore[no-untyped-def]
    """The 16,384 × 2,000 dimension bomb reads as its one real row (a dry run: nothing written)."""
    r = post_file(
        client,
        "org-units",
        "units.xlsx",
        hostile.dimension_bomb(),
        auth("noivu"),
        ctype=XLSX_TYPE,
        dry_run="true",
    )
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == 1


def test_cells_beyond_the_caps_are_never_read(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    table = parsing.read_xlsx(hostile.wide_rows(50), sheet=None, max_rows=1000)
    assert table.rows == []  # every value sat in column XFD, beyond XLSX_MAX_COLUMNS
    with pytest.raises(parsing.Unprocessable) as refused:
        parsing.read_xlsx(hostile.many_cells(rows=200, columns=10), sheet=None, max_rows=1000, max_cells=500)
    assert refused.value.code == "too_many_cells"
    monkeypatch.setattr(parsing, "XLSX_MAX_PART_BYTES", 1024)
    with pytest.raises(parsing.Unprocessable) as refused:
        parsing.read_xlsx(hostile.many_cells(rows=200, columns=10), sheet=None, max_rows=1000)
    assert refused.value.code == "xlsx_limit" and "MB" in refused.value.detail


def test_deep_documents_are_refused(client, auth, db) -> None:  # type: ignore[no-untyped-def]
    admin = auth("noivu")
    r = client.post(
        "/api/v1/imports/org-units",
        files={"file": ("deep.json", hostile.deep_json(), "application/json")},
        headers=admin,
    )
    _assert_422(r, "document_too_deep")
    r = client.post(
        "/api/v1/imports/frameworks",
        files={"file": ("deep.yaml", hostile.deep_yaml(), "application/yaml")},
        headers=auth("admin"),
    )
    assert r.status_code == 422, r.text
    r = client.post(
        "/api/v1/imports/frameworks",
        files={"file": ("bomb.yaml", hostile.yaml_alias_bomb(), "application/yaml")},
        headers=auth("admin"),
    )
    _assert_422(r, "document_too_deep")
    # the same through the framework library upload
    r = client.post(
        "/api/v1/frameworks/import",
        files={"file": ("deep.json", hostile.deep_json(), "application/json")},
        headers=auth("admin"),
    )
    assert r.status_code == 422, r.text


def test_import_cells_follow_the_text_policy(client, auth, db) -> None:  # type: ignore[no-untyped-def]
    header = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Loại đơn vị", "Mã đơn vị cấp trên"]
    data = csv_bytes(header, [["LS.BG.T1", "Tên\x0bxấu", "commune", "people_committee", "LS.BG"]])
    r = post_file(client, "org-units", "units.csv", data, auth("noivu"))
    _assert_422(r, "invalid_text")
    assert r.json()["errors"][0]["row"] == 2 and r.json()["errors"][0]["field"] == "Tên đơn vị"
    r = post_json(
        client,
        "org-units",
        [{"code": "LS.BG.T2", "name": "Tên\u202exấu", "level": "commune", "kind": "people_committee"}],
        auth("noivu"),
    )
    _assert_422(r, "invalid_text")  # the import route reads its own body: the importer applies the policy


def test_a_dry_run_is_refused_where_the_real_run_would_be(client, auth, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The dry run writes inside a savepoint it rolls back: a refusal only the database sees (here a duplicate
    unit code written behind the importer's back, as a concurrent request would) answers the same in both."""
    import sqlalchemy as sa

    from api.imports.kinds import KINDS

    kind = KINDS["org-units"]
    original = kind.apply

    def apply_then_clash(ctx, prepared):  # type: ignore[no-untyped-def]
        original(ctx, prepared)
        ctx.session.execute(sa.text("UPDATE org_unit SET code = 'LS.BG' WHERE code = 'LS.BG.HOSTILE'"))

    monkeypatch.setattr(kind, "apply", apply_then_clash)
    header = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Loại đơn vị", "Mã đơn vị cấp trên"]
    data = csv_bytes(header, [["LS.BG.HOSTILE", "Đơn vị thử", "commune", "people_committee", "LS.BG"]])
    before = count(db, "org_unit")
    real = post_file(client, "org-units", "units.csv", data, auth("noivu"))
    dry = post_file(client, "org-units", "units.csv", data, auth("noivu"), dry_run="true")
    assert real.status_code == dry.status_code == 409, (real.text, dry.text)
    assert count(db, "org_unit") == before
    monkeypatch.setattr(kind, "apply", original)
    dry = post_file(client, "org-units", "units.csv", data, auth("noivu"), dry_run="true")
    assert dry.status_code == 200 and dry.json()["created"] == 1, dry.text
    assert count(db, "org_unit") == before  # the dry run's writes were rolled back
