"""Framework API: shipped files through import/export, broken imports, SQL statement bounds, search, export."""

import copy
import json
from typing import Any

import jsonschema
import pytest
import yaml
from sqlalchemy import event

from api.frameworks.library import SCHEMA_PATH, load_file, shipped_files
from api.frameworks.seed import seed_frameworks
from tests.frameworks.helpers import (
    V1,
    big_document,
    document,
    node,
    renamed,
    row_counts,
    shipped_documents,
    small_nodes,
)

SHIPPED = shipped_documents()


def _import(client: Any, headers: dict[str, str], doc: dict[str, Any], **params: Any) -> Any:
    return client.post(f"{V1}/frameworks/import", json=doc, headers=headers, params=params)


def _export(client: Any, headers: dict[str, str], fid: int, fmt: str = "json") -> Any:
    r = client.get(f"{V1}/frameworks/{fid}/export", params={"format": fmt}, headers=headers)
    assert r.status_code == 200, r.text
    return json.loads(r.text) if fmt == "json" else yaml.safe_load(r.text)


# --- shipped files --------------------------------------------------------------------------------------


def test_seed_loads_every_shipped_file_once(session, auth, client):
    r = client.get(f"{V1}/frameworks", headers=auth("noivu"))
    codes = {f["code"]: f for f in r.json()["items"]}
    for doc in SHIPPED.values():
        fw = codes[doc["framework"]["code"]]
        assert fw["node_count"] == len(doc["nodes"]) and fw["owner_unit_id"] is None
        assert fw["unverified_node_count"] == sum(1 for n in doc["nodes"] if not n["verified"])
    before = row_counts(session)
    assert seed_frameworks(session, units={}, settings=None) == []
    session.commit()
    assert row_counts(session) == before


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_file_imports_and_exports_identically(client, auth, name):
    h = auth("admin")  # shared frameworks: managed at the province root
    original = SHIPPED[name]
    # The seeded copy exports to exactly the file's canonical form ...
    seeded = framework_by_code_api(client, h, original["framework"]["code"])
    assert _export(client, h, seeded["id"]) == original
    assert _export(client, h, seeded["id"], "yaml") == original
    # ... importing the file again changes nothing ...
    r = _import(client, h, original)
    assert r.status_code == 200, r.text
    assert r.json()["action"] == "unchanged" and r.json()["nodes_unchanged"] == len(original["nodes"])
    # ... and the file uploaded as YAML under a new code makes an identical tree.
    path = next(p for p in shipped_files() if p.name == name)
    text = path.read_text(encoding="utf-8").replace(original["framework"]["code"], "RT_COPY", 1)
    files = {"file": ("copy.yaml", text.encode("utf-8"), "application/yaml")}
    r = client.post(f"{V1}/frameworks/import", files=files, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()["framework"]
    assert created["owner_unit_id"] is not None and created["node_count"] == len(original["nodes"])
    assert _export(client, h, created["id"]) == renamed(original, "RT_COPY")
    # the point sums hold in the stored tree (children of a summing parent add up to it)
    tree = client.get(f"{V1}/frameworks/{created['id']}/nodes", headers=h).json()["nodes"]
    by_parent: dict[int, list[dict[str, Any]]] = {}
    for n in tree:
        by_parent.setdefault(n["parent_id"], []).append(n)
    for n in tree:
        kids = by_parent.get(n["id"], [])
        summed = n["children_sum"] and n["max_points"] is not None and kids
        if summed and all(k["max_points"] is not None for k in kids):
            assert sum(k["max_points"] for k in kids) == pytest.approx(n["max_points"]), n["code"]


def framework_by_code_api(client: Any, headers: dict[str, str], code: str) -> dict[str, Any]:
    r = client.get(f"{V1}/frameworks", params={"q": code}, headers=headers)
    return next(f for f in r.json()["items"] if f["code"] == code)


def test_export_matches_the_published_json_schema(client, auth):
    h = auth("canbo.hoatham")
    schema = client.get(f"{V1}/frameworks/schema.json", headers=h)
    assert schema.status_code == 200 and schema.json() == json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema.json())
    for doc in SHIPPED.values():
        if doc["framework"]["status"] != "published":
            continue
        fw = framework_by_code_api(client, h, doc["framework"]["code"])
        r = client.get(f"{V1}/frameworks/{fw['id']}/export", headers=h)
        assert r.headers["content-disposition"].endswith(f'{doc["framework"]["code"]}.json"')
        assert list(validator.iter_errors(r.json())) == []


def test_round_trip_of_an_edited_import(client, auth, session):
    """Formula, thresholds, bands, English titles and a deeper tree come back exactly."""
    h = auth("noivu")
    nodes = small_nodes() + [
        node(
            "2.1",
            "2",
            4,
            scoring_method="formula",
            formula={
                "numerator": "Hồ sơ giải quyết đúng hạn",
                "denominator": "Tổng số hồ sơ",
                "thresholds": [{"min_ratio": 0.9, "points": 4}, {"min_ratio": 0.5, "points": 2}],
            },
            title_en="On-time dossiers",
            expected_evidence="Báo cáo của Bộ phận một cửa",
        ),
        node("2.1.a", "2.1", None, verified=False, source_note="Chưa có số liệu", children_sum=False),
    ]
    bands = [{"code": "A", "name": "Nhóm A", "min_percent": 90, "max_percent": None, "verified": True}]
    doc = document("RT_EDIT", nodes, ranking_bands=bands, root_sum_equals_scale=True, valid_to_year=2030)
    r = _import(client, h, doc)
    assert r.status_code == 201, r.text
    exported = _export(client, h, r.json()["framework"]["id"])
    r2 = _import(client, h, exported)
    assert r2.json()["action"] == "unchanged"
    assert _export(client, h, r.json()["framework"]["id"], "yaml") == exported
    assert exported["nodes"][-1]["code"] == "2.1.a" and exported["nodes"][-1]["verified"] is False


# --- broken imports ---------------------------------------------------------------------------------------


def _broken(kind: str) -> tuple[dict[str, Any], set[str]]:
    """A broken document and the node codes the errors must name."""
    nodes = small_nodes()
    if kind == "bad_sum":
        nodes[2]["max_points"] = 5  # 2 + 5 ≠ 6
        return document("BROKEN", nodes), {"1"}
    if kind == "duplicate_code":
        nodes.append(node("1.2", "1", 0))
        return document("BROKEN", nodes), {"1.2"}
    if kind == "unknown_parent":
        nodes.append(node("3.1", "3", 1))
        return document("BROKEN", nodes), {"3.1"}
    if kind == "cycle":
        nodes += [node("5", "6", 0), node("6", "5", 0)]
        return document("BROKEN", nodes), {"5", "6"}
    if kind == "wrong_type":
        nodes[1]["max_points"] = "hai"
        nodes[3]["order"] = "1"
        return document("BROKEN", nodes), {"1.1", "2"}
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["bad_sum", "duplicate_code", "unknown_parent", "cycle", "wrong_type"])
@pytest.mark.parametrize("dry_run", [False, True])
def test_broken_import_names_each_node_and_writes_nothing(client, auth, session, kind, dry_run):
    h = {**auth("noivu"), "Idempotency-Key": f"broken-{kind}"}
    doc, codes = _broken(kind)
    before = row_counts(session)
    r = _import(client, h, doc, dry_run=dry_run)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "framework_invalid" and body["detail"] and body["detail_en"]
    named = {e["field"].split(".", 1)[1].rsplit(".", 1)[0] for e in body["errors"] if e["field"]}
    for code in codes:
        assert any(n == code or n.startswith(f"{code}.") for n in named), (code, body["errors"])
        assert any(code in e["message"] for e in body["errors"]), (code, body["errors"])
    assert all(e["message"] and e["message_en"] and e["code"] for e in body["errors"])
    assert row_counts(session) == before


def test_broken_upload_and_wrong_file_type(client, auth, session):
    h = auth("noivu")
    before = row_counts(session)
    bad = yaml.safe_dump(_broken("bad_sum")[0], allow_unicode=True)
    r = client.post(
        f"{V1}/frameworks/import", files={"file": ("x.yml", bad.encode(), "text/yaml")}, headers=h
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "nodes.1.max_points", r.text
    r = client.post(f"{V1}/frameworks/import", files={"file": ("x.txt", b"abc", "text/plain")}, headers=h)
    assert r.status_code == 415, r.text
    r = client.post(f"{V1}/frameworks/import", files={"file": ("x.yaml", b"a: [1,", "text/yaml")}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "unreadable_file", r.text
    assert row_counts(session) == before


def test_dry_run_reports_and_writes_nothing(client, auth, session):
    h = auth("noivu")
    before = row_counts(session)
    r = _import(client, h, document("DRY", small_nodes()), dry_run=True)
    assert r.status_code == 200, r.text
    assert r.json()["action"] == "create" and r.json()["nodes_created"] == 4 and r.json()["framework"] is None
    assert row_counts(session) == before


def test_import_is_idempotent_with_a_key(client, auth, session):
    h = {**auth("noivu"), "Idempotency-Key": "fw-import-1"}
    doc = document("IDEM", small_nodes())
    first = _import(client, h, doc)
    assert first.status_code == 201
    again = _import(client, h, doc)
    assert again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert _import(client, h, document("IDEM2", small_nodes())).status_code == 422  # same key, other body


# --- one query for the tree -------------------------------------------------------------------------------


def _count_statements(engine: Any, call: Any) -> tuple[int, Any]:
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements), result


def test_reading_a_big_tree_runs_a_bounded_number_of_statements(client, auth, db):
    h = auth("canbo.hoatham")
    admin = auth("noivu")
    counts = {}
    for size in (30, 300):
        doc = big_document(f"BIG_{size}", size)
        doc["framework"]["status"] = "published"
        r = _import(client, admin, doc)
        assert r.status_code == 201, r.text
        fid = r.json()["framework"]["id"]
        n, resp = _count_statements(db, lambda fid=fid: client.get(f"{V1}/frameworks/{fid}/nodes", headers=h))
        assert resp.status_code == 200 and len(resp.json()["nodes"]) == size
        counts[size] = n
    assert counts[30] == counts[300], counts
    # SQLite 6 (its BEGIN is a statement), PostgreSQL 5: principal, framework, nodes, counts
    assert counts[300] <= 6, counts
    tree = resp.json()["nodes"]
    assert [n["code"] for n in tree[:5]] == ["1", "1.1", "1.1.1", "1.1.2", "1.2"]
    assert all(n["depth"] == n["code"].count(".") for n in tree)
    paths = {n["id"]: n["path"] for n in tree}
    assert all(n["path"] == (paths[n["parent_id"]] if n["parent_id"] else "/") + f"{n['id']}/" for n in tree)


# --- search -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["cai cach thu tuc", "CẢI CÁCH thủ tục", "thu tuc cai cach"])
def test_search_is_accent_insensitive(client, auth, q):
    h = auth("canbo.hoatham")
    r = client.get(f"{V1}/frameworks/search", params={"q": q}, headers=h)
    assert r.status_code == 200, r.text
    hits = {(i["framework_code"], i["title"]) for i in r.json()["items"]}
    assert ("PAR_INDEX_TINH_876", "Cải cách thủ tục hành chính") in hits
    assert all(i["framework_code"] != "VD_CHI_SO_CCHC_HUYEN" for i in r.json()["items"])  # a draft
    fw = framework_by_code_api(client, h, "PAR_INDEX_TINH_876")
    tree = client.get(f"{V1}/frameworks/{fw['id']}/nodes", params={"q": q}, headers=h).json()["nodes"]
    assert [n["title"] for n in tree] == ["Cải cách thủ tục hành chính"]


def test_search_escapes_wildcards_and_matches_codes(client, auth):
    h = auth("noivu")
    assert client.get(f"{V1}/frameworks/search", params={"q": "%"}, headers=h).json()["total"] == 0
    r = client.get(f"{V1}/frameworks/search", params={"q": "3.1", "kind": "par_index"}, headers=h)
    assert [i["code"] for i in r.json()["items"]] == ["3.1"] and r.json()["items"][0]["parent_code"] == "3"


def test_list_filters(client, auth):
    h = auth("noivu")
    assert {f["kind"] for f in client.get(f"{V1}/frameworks?kind=sipas", headers=h).json()["items"]} == {
        "sipas"
    }
    drafts = client.get(f"{V1}/frameworks?status=draft", headers=h).json()["items"]
    assert [f["code"] for f in drafts] == ["VD_CHI_SO_CCHC_HUYEN"]
    in_2019 = client.get(f"{V1}/frameworks?year=2019", headers=h).json()["items"]
    assert all(f["valid_from_year"] <= 2019 for f in in_2019)
    assert "PAR_INDEX_TINH_876" not in {f["code"] for f in in_2019}


def test_every_node_shows_its_verified_flag(client, auth):
    h = auth("huyenuy")
    fw = framework_by_code_api(client, h, "PAR_INDEX_TINH_876")
    nodes = client.get(f"{V1}/frameworks/{fw['id']}/nodes", headers=h).json()["nodes"]
    assert all("verified" in n and "source_note" in n for n in nodes)
    assert any(not n["verified"] and n["source_note"] for n in nodes)
    expected = copy.deepcopy(load_file(next(p for p in shipped_files() if "par_index" in p.name)).nodes)
    assert {n["code"]: n["verified"] for n in nodes} == {n.code: n.verified for n in expected}


def test_import_accepts_a_raw_yaml_body(client, auth):
    h = {**auth("admin"), "Content-Type": "application/yaml"}
    text = yaml.safe_dump(document("RAW_YAML", small_nodes()), allow_unicode=True)
    r = client.post(f"{V1}/frameworks/import", content=text.encode("utf-8"), headers=h)
    assert r.status_code == 201 and r.json()["nodes_created"] == 4, r.text
    assert r.json()["framework"]["owner_unit_id"] is not None and r.headers["etag"]
