"""Framework lifecycle: who may do what, drafts, publish / retire / edit, clone mapping, locking, official values."""

import copy
from typing import Any

import pytest
from sqlmodel import select

from api.frameworks.importer import create_framework
from api.frameworks.library import dump_document, parse_document
from api.models import FrameworkNode, OrgUnit, TaskNode
from tests.frameworks.helpers import (
    SHIPPED_PAR,
    V1,
    document,
    framework_by_code,
    link_task,
    node,
    node_by_code,
    row_counts,
    shipped_documents,
    small_nodes,
)

READERS = ["admin", "noivu", "chutich", "huyenuy", "truongphong.vhtt", "canbo.vhtt", "chutich.hoatham"]
NON_MANAGERS = ["chutich", "huyenuy", "truongphong.vhtt", "canbo.vhtt", "chutich.hoatham", "canbo.tanvan"]


def _par(client: Any, h: dict[str, str]) -> dict[str, Any]:
    r = client.get(f"{V1}/frameworks", params={"q": "PAR_INDEX_TINH_876"}, headers=h)
    return r.json()["items"][0]


def _etag(client: Any, h: dict[str, str], fid: int) -> str:
    return client.get(f"{V1}/frameworks/{fid}", headers=h).headers["etag"]


# --- permissions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", READERS)
def test_every_role_reads_published_frameworks(client, auth, username):
    h = auth(username)
    listed = {f["code"] for f in client.get(f"{V1}/frameworks", headers=h).json()["items"]}
    assert {"PAR_INDEX_TINH_876", "SIPAS_QD1001"} <= listed
    fw = _par(client, h)
    assert client.get(f"{V1}/frameworks/{fw['id']}/nodes", headers=h).status_code == 200
    assert client.get(f"{V1}/frameworks/{fw['id']}/export", headers=h).status_code == 200


@pytest.mark.parametrize("username", NON_MANAGERS)
def test_only_managers_import_publish_clone(client, auth, session, username):
    h = auth(username)
    fw = _par(client, h)
    before = row_counts(session)
    assert (
        client.post(f"{V1}/frameworks/import", json=document("X", small_nodes()), headers=h).status_code
        == 403
    )
    assert client.post(f"{V1}/frameworks/{fw['id']}/retire", headers=h).status_code == 403
    clone = {"code": "PAR_2031", "valid_from_year": 2031}
    assert client.post(f"{V1}/frameworks/{fw['id']}/clone", json=clone, headers=h).status_code == 403
    assert client.patch(f"{V1}/frameworks/{fw['id']}", json={"name": "x"}, headers=h).status_code == 403
    assert row_counts(session) == before


@pytest.mark.parametrize("username", ["admin", "noivu"])
def test_admin_and_district_admin_import_publish_clone(client, auth, username):
    h = auth(username)
    r = client.post(f"{V1}/frameworks/import", json=document("MINE", small_nodes()), headers=h)
    assert r.status_code == 201, r.text
    fid = r.json()["framework"]["id"]
    r = client.post(f"{V1}/frameworks/{fid}/publish", headers={**h, "If-Match": _etag(client, h, fid)})
    assert r.status_code == 200 and r.json()["status"] == "published", r.text
    r = client.post(
        f"{V1}/frameworks/{fid}/clone", json={"code": "MINE_2025", "valid_from_year": 2025}, headers=h
    )
    assert r.status_code == 201, r.text


def test_drafts_are_invisible_to_commune_users(client, auth):
    noivu, commune = auth("noivu"), auth("canbo.hoatham")
    r = client.post(f"{V1}/frameworks/import", json=document("LOCAL_DRAFT", small_nodes()), headers=noivu)
    draft = r.json()["framework"]
    assert draft["status"] == "draft"
    unit = client.get(f"{V1}/org-units", params={"q": "LS.BG"}, headers=noivu).json()["items"]
    assert draft["owner_unit_id"] == next(u["id"] for u in unit if u["code"] == "LS.BG")
    for fid in (draft["id"],):
        assert client.get(f"{V1}/frameworks/{fid}", headers=commune).status_code == 404
        assert client.get(f"{V1}/frameworks/{fid}/nodes", headers=commune).status_code == 404
        assert client.get(f"{V1}/frameworks/{fid}/export", headers=commune).status_code == 404
    codes = {f["code"] for f in client.get(f"{V1}/frameworks", headers=commune).json()["items"]}
    assert "LOCAL_DRAFT" not in codes and "VD_CHI_SO_CCHC_HUYEN" not in codes
    hits = client.get(f"{V1}/frameworks/search", params={"q": "cai cach"}, headers=commune).json()["items"]
    assert {i["framework_code"] for i in hits} <= {"PAR_INDEX_TINH_876", "SIPAS_QD1001", "VD_CHI_SO_CCHC_XA"}
    # once published, the district's own index is read by its communes
    client.post(
        f"{V1}/frameworks/{draft['id']}/publish",
        headers={**noivu, "If-Match": _etag(client, noivu, draft["id"])},
    )
    assert client.get(f"{V1}/frameworks/{draft['id']}", headers=commune).status_code == 200


def test_import_cannot_touch_foreign_code(client, auth, session):
    province = OrgUnit(code="YY", name="Tỉnh khác", level="province", kind="people_committee")
    session.add(province)
    session.flush()
    province.path = f"/{province.id}/"
    doc = parse_document(document("FOREIGN_IDX", small_nodes(), status="published"))
    create_framework(session, None, doc=doc, owner_unit_id=province.id)
    session.commit()
    h = auth("noivu")
    changed = document("FOREIGN_IDX", small_nodes(), name="Chiếm quyền")
    r = client.post(f"{V1}/frameworks/import", json=changed, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "duplicate_code", r.text
    assert framework_by_code(session, "FOREIGN_IDX").name == "Bộ chỉ số FOREIGN_IDX"
    listed = client.get(f"{V1}/frameworks", params={"q": "FOREIGN_IDX"}, headers=h).json()
    assert listed["total"] == 0 and listed["items"] == []


# --- status changes and edits -------------------------------------------------------------------------------


def test_publish_retire_and_edit_need_if_match(client, auth):
    h = auth("noivu")
    fid = client.post(f"{V1}/frameworks/import", json=document("FLOW", small_nodes()), headers=h).json()[
        "framework"
    ]["id"]
    assert client.post(f"{V1}/frameworks/{fid}/publish", headers=h).status_code == 428
    stale = {**h, "If-Match": '"framework-0-v0"'}
    assert client.post(f"{V1}/frameworks/{fid}/publish", headers=stale).status_code == 412
    r = client.patch(
        f"{V1}/frameworks/{fid}",
        json={"name": "Bộ chỉ số mới", "valid_to_year": 2026},
        headers={**h, "If-Match": _etag(client, h, fid)},
    )
    assert r.status_code == 200 and r.json()["name"] == "Bộ chỉ số mới" and r.headers["etag"], r.text
    bad = client.patch(
        f"{V1}/frameworks/{fid}",
        json={"root_sum_equals_scale": True, "scale": 11},
        headers={**h, "If-Match": r.headers["etag"]},
    )
    assert bad.status_code == 422 and bad.json()["errors"], bad.text
    r = client.post(f"{V1}/frameworks/{fid}/publish", headers={**h, "If-Match": r.headers["etag"]})
    assert r.status_code == 200 and r.json()["status"] == "published"
    again = client.post(f"{V1}/frameworks/{fid}/publish", headers={**h, "If-Match": r.headers["etag"]})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    r = client.post(f"{V1}/frameworks/{fid}/retire", headers={**h, "If-Match": r.headers["etag"]})
    assert r.status_code == 200 and r.json()["status"] == "retired"
    events = client.get(f"{V1}/audit-events", params={"entity_type": "framework"}, headers=h)
    assert events.status_code == 200


# --- clone ------------------------------------------------------------------------------------------------


def test_clone_makes_next_draft_with_node_mapping(client, auth, session):
    h = auth("admin")  # shared frameworks: managed at the province root
    source = _par(client, h)
    # dropping the unlinked, provisional node 6.1 from the source would be accepted before the clone ...
    small = copy.deepcopy(shipped_documents()[SHIPPED_PAR])
    small["nodes"] = [n for n in small["nodes"] if n["code"] != "6.1"]
    r = client.post(f"{V1}/frameworks/import", json=small, headers=h, params={"dry_run": True})
    assert r.status_code == 200 and r.json()["nodes_deleted"] == 1, r.text
    body = {"code": "PAR_INDEX_2031", "valid_from_year": 2031, "issuing_document": "QĐ mới"}
    r = client.post(f"{V1}/frameworks/{source['id']}/clone", json=body, headers=h)
    assert r.status_code == 201, r.text
    clone, mapping = r.json()["framework"], r.json()["node_map"]
    assert clone["status"] == "draft" and clone["cloned_from_id"] == source["id"]
    assert clone["valid_from_year"] == 2031 and clone["valid_to_year"] is None
    assert clone["issuing_document"] == "QĐ mới" and clone["name"] == source["name"]
    old_tree = client.get(f"{V1}/frameworks/{source['id']}/nodes", headers=h).json()["nodes"]
    new_tree = client.get(f"{V1}/frameworks/{clone['id']}/nodes", headers=h).json()["nodes"]
    assert len(mapping) == len(old_tree) == len(new_tree)
    old_by_id = {n["id"]: n for n in old_tree}
    new_by_id = {n["id"]: n for n in new_tree}
    for m in mapping:
        old, new = old_by_id[m["old_id"]], new_by_id[m["new_id"]]
        assert old["code"] == new["code"] == m["code"] and new["cloned_from_id"] == old["id"]
        assert new["parent_code"] == old["parent_code"] and new["verified"] == old["verified"]
    strip = ("id", "framework_id", "parent_id", "path", "cloned_from_id")
    assert [{k: v for k, v in n.items() if k not in strip} for n in new_tree] == [
        {k: v for k, v in n.items() if k not in strip} for n in old_tree
    ]
    dup = client.post(f"{V1}/frameworks/{source['id']}/clone", json=body, headers=h)
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_code"
    # ... but not after: the clone points back to it (year-over-year mapping)
    r = client.post(f"{V1}/frameworks/import", json=small, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "node_linked", r.text
    assert [e["field"] for e in r.json()["errors"]] == ["nodes.6.1"]


# --- locking and official values ------------------------------------------------------------------------------


def test_linked_published_framework_is_immutable(client, auth, session):
    h = auth("admin")  # shared frameworks: managed at the province root
    fw = _par(client, h)
    node3 = node_by_code(session, fw["id"], "3")
    link_task(session, node3.id or 0)
    fw = client.get(f"{V1}/frameworks/{fw['id']}", headers=h).json()
    assert fw["locked"] is True and fw["linked_node_count"] >= 1  # the demo plan links some nodes too
    before = row_counts(session)
    doc = copy.deepcopy(shipped_documents()[SHIPPED_PAR])
    doc["nodes"][[n["code"] for n in doc["nodes"]].index("3")]["title"] = "Tên khác"
    doc["nodes"][[n["code"] for n in doc["nodes"]].index("1")]["title"] = "Tên khác nữa"
    doc["framework"]["scale"] = 99
    for dry_run in (True, False):
        r = client.post(f"{V1}/frameworks/import", json=doc, headers=h, params={"dry_run": dry_run})
        assert r.status_code == 409 and r.json()["code"] == "framework_locked", r.text
        fields = {e["field"] for e in r.json()["errors"]}
        assert fields == {"nodes.3.title", "nodes.1.title", "framework.scale"}
    patch = client.patch(
        f"{V1}/frameworks/{fw['id']}",
        json={"name": "x"},
        headers={**h, "If-Match": _etag(client, h, fw["id"])},
    )
    assert patch.status_code == 409 and patch.json()["code"] == "framework_locked"
    assert row_counts(session) == before


def test_official_table_replaces_provisional_values_and_keeps_links(client, auth, session):
    """PAR INDEX ships with unknown points and example sub-criteria; the official table fills them in."""
    h = auth("admin")  # shared frameworks: managed at the province root
    fw = _par(client, h)
    n3, n32, n33 = (node_by_code(session, fw["id"], c) for c in ("3", "3.2", "3.3"))
    task = link_task(session, n32.id or 0, label="1")
    task2 = link_task(session, n3.id or 0, label="2")
    official = copy.deepcopy(shipped_documents()[SHIPPED_PAR])
    by_code = {n["code"]: n for n in official["nodes"]}
    by_code["3"].update(max_points=10, source_note="Bảng 2 QĐ 876 (bản chính thức)")
    by_code["3.1"].update(max_points=4, verified=True, source_note="Bảng 2 QĐ 876")
    by_code["3.2"].update(max_points=6, verified=True, source_note="Bảng 2 QĐ 876", title="Tên chính thức")
    official["nodes"] = [n for n in official["nodes"] if n["code"] != "3.3"]
    official["nodes"].append(node("3.2.1", "3.2", 6, title="Tiêu chí thành phần mới", source_note="Bảng 2"))
    r = client.post(f"{V1}/frameworks/import", json=official, headers=h, params={"dry_run": True})
    assert r.status_code == 200, r.text
    assert (r.json()["nodes_created"], r.json()["nodes_updated"], r.json()["nodes_deleted"]) == (1, 3, 1)
    r = client.post(f"{V1}/frameworks/import", json=official, headers=h)
    assert r.status_code == 200 and r.json()["action"] == "replace", r.text
    assert r.json()["framework"]["version"] > fw["version"]
    new32 = node_by_code(session, fw["id"], "3.2")
    assert new32.id == n32.id and new32.max_points == 6 and new32.verified and new32.title == "Tên chính thức"
    links = session.exec(select(TaskNode).where(TaskNode.task_id.in_([task.id, task2.id]))).all()  # type: ignore[union-attr]
    assert sorted((t.task_id, t.node_id) for t in links) == sorted([(task.id, n32.id), (task2.id, n3.id)])
    session.rollback()
    assert session.get(FrameworkNode, n33.id) is None
    session.rollback()
    child = node_by_code(session, fw["id"], "3.2.1")
    assert child.path == f"{new32.path}{child.id}/" and child.depth == 2
    detail = client.get(f"{V1}/frameworks/{fw['id']}/nodes/{n32.id}", headers=auth("noivu")).json()
    assert [t["id"] for t in detail["tasks"]] == [task.id]
    assert [a["code"] for a in detail["ancestors"]] == ["3"] and [c["code"] for c in detail["children"]] == [
        "3.2.1"
    ]
    exported = client.get(f"{V1}/frameworks/{fw['id']}/export", headers=h).json()
    assert exported == dump_document(parse_document(official))


def test_draft_reimport_replaces_in_place_but_keeps_linked_nodes(client, auth, session):
    h = auth("noivu")
    r = client.post(f"{V1}/frameworks/import", json=document("DRAFT_IDX", small_nodes()), headers=h)
    fid = r.json()["framework"]["id"]
    kept = node_by_code(session, fid, "1.1")
    link_task(session, kept.id or 0)
    moved = small_nodes()
    moved[1].update(parent="2", title="Chuyển sang lĩnh vực 2", max_points=4)  # 1.1 moves under 2
    moved[0]["max_points"] = 4
    moved[2]["max_points"] = 4
    moved.append(node("2.0", "2", 0, level_name="Tiêu chí"))
    r = client.post(f"{V1}/frameworks/import", json=document("DRAFT_IDX", moved, name="Tên mới"), headers=h)
    assert r.status_code == 200 and r.json()["action"] == "replace", r.text
    after = node_by_code(session, fid, "1.1")
    two = node_by_code(session, fid, "2")
    assert after.id == kept.id and after.parent_id == two.id and after.path == f"/{two.id}/{kept.id}/"
    without = [n for n in moved if n["code"] != "1.1"]
    without[[n["code"] for n in without].index("2")]["max_points"] = 0
    r = client.post(f"{V1}/frameworks/import", json=document("DRAFT_IDX", without), headers=h)
    assert r.status_code == 409 and r.json()["code"] == "node_linked", r.text
    assert [e["field"] for e in r.json()["errors"]] == ["nodes.1.1"]


def test_node_detail_shows_only_tasks_the_caller_sees(client, auth, session):
    noivu, commune = auth("noivu"), auth("canbo.hoatham")
    fw = _par(client, noivu)
    n = node_by_code(session, fw["id"], "6.1")
    task = link_task(session, n.id or 0)  # a district plan's task, with no work for the commune
    mine = client.get(f"{V1}/frameworks/{fw['id']}/nodes/{n.id}", headers=noivu).json()
    assert task.id in [t["id"] for t in mine["tasks"]] and mine["verified"] is False
    theirs = client.get(f"{V1}/frameworks/{fw['id']}/nodes/{n.id}", headers=commune)
    assert theirs.status_code == 200 and task.id not in [t["id"] for t in theirs.json()["tasks"]]
    assert {t["id"] for t in theirs.json()["tasks"]} <= {t["id"] for t in mine["tasks"]}
    other_fw = client.get(f"{V1}/frameworks", params={"q": "SIPAS"}, headers=noivu).json()["items"][0]
    assert client.get(f"{V1}/frameworks/{other_fw['id']}/nodes/{n.id}", headers=noivu).status_code == 404
