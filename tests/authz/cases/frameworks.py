"""Matrix rows for index frameworks (bộ chỉ số): reading, search, export, import, publish, retire, clone, edit.

Own frameworks are owned by the district LS.BG, so every own actor reaches them (communes read the frameworks of
their ancestors); foreign ones are owned by the foreign district ``XX.D``. Readers: every signed-in actor
(frameworks:read); managers: admin, district_admin, token (frameworks:manage).
"""

from typing import Any

from tests.authz.spec import ALL_USERS, SETUP_ADMINS, Case, Req

V1 = "/api/v1"
SEARCH_Q = "kiem tra ma tran"  # matches "Kiểm tra ma trận" in titles, accents ignored


def _doc(code: str, status: str) -> dict[str, Any]:
    def node(code: str, parent: str | None, points: float) -> dict[str, Any]:
        return {
            "code": code,
            "parent": parent,
            "title": f"Tiêu chí kiểm tra ma trận {code}",
            "order": 1,
            "level_name": "Tiêu chí",
            "max_points": points,
            "scoring_method": "self_assessed",
            "verified": True,
        }

    return {
        "format_version": 1,
        "framework": {
            "code": code,
            "name": f"Bộ chỉ số ma trận {code}",
            "kind": "local_index",
            "valid_from_year": 2024,
            "status": status,
            "scale": 10,
            "provenance": "Dữ liệu kiểm thử ma trận phân quyền",
        },
        "nodes": [node("1", None, 10), node("1.1", "1", 4), node("1.2", "1", 6)],
    }


def setup(w: Any) -> None:
    """Own (LS.BG) and foreign (XX.D) frameworks, one published and one draft on each side."""
    from sqlmodel import select

    from api.frameworks.importer import create_framework
    from api.frameworks.library import parse_document
    from api.models import FrameworkNode

    s = w.session
    made: dict[str, int] = {}
    for key, code, status, owner in (
        ("own_framework", "MX_OWN_PUB", "published", w.ids["own_district"]),
        ("own_draft_framework", "MX_OWN_DRAFT", "draft", w.ids["own_district"]),
        ("foreign_framework", "MX_FOREIGN_PUB", "published", w.ids["foreign_district"]),
        ("foreign_draft_framework", "MX_FOREIGN_DRAFT", "draft", w.ids["foreign_district"]),
    ):
        fw = create_framework(s, None, doc=parse_document(_doc(code, status)), owner_unit_id=owner)
        made[key] = fw.id or 0
    nodes = s.exec(select(FrameworkNode).where(FrameworkNode.framework_id.in_(made.values()))).all()  # type: ignore[attr-defined]
    s.commit()
    w.ids.update(made)
    w.ids["own_node"] = next(
        n.id for n in nodes if n.framework_id == made["own_framework"] and n.code == "1.1"
    )
    w.ids["foreign_node"] = next(
        n.id for n in nodes if n.framework_id == made["foreign_framework"] and n.code == "1.1"
    )
    w.ids["foreign_node_ids"] = {
        n.id for n in nodes if n.framework_id in (made["foreign_framework"], made["foreign_draft_framework"])
    }


def _get(path: str, params: dict[str, Any] | None = None) -> Any:
    return lambda w, _a: Req("GET", V1 + path.format_map(w.ids), params=params)


def _etagged(method: str, path: str, body: Any = None) -> Any:
    """A state change with ``If-Match`` taken from the framework itself (``/frameworks/{id}``)."""

    def make(w: Any, _actor: str) -> Req:
        full = V1 + path.format_map(w.ids)
        etag = w.etag(full.rsplit("/", 1)[0] if full.endswith(("/publish", "/retire")) else full)
        return Req(method, full, json=body, headers={"If-Match": etag})

    return make


def _post(path: str, body: Any) -> Any:
    return lambda w, _a: Req("POST", V1 + path.format_map(w.ids), json=body)


CASES = [
    Case(
        "frameworks-list",
        own=_get("/frameworks"),
        allowed=ALL_USERS,
        list_foreign_ids=lambda w: {w.ids["foreign_framework"], w.ids["foreign_draft_framework"]},
    ),
    Case(
        "frameworks-schema",
        own=_get("/frameworks/schema.json"),
        allowed=ALL_USERS,
        note="the published JSON Schema of the file format: the same document for everyone",
    ),
    Case(
        "frameworks-search",
        own=_get("/frameworks/search", {"q": SEARCH_Q}),
        allowed=ALL_USERS,
        list_foreign_ids=lambda w: w.ids["foreign_node_ids"],
    ),
    Case(
        "frameworks-get",
        own=_get("/frameworks/{own_framework}"),
        foreign=_get("/frameworks/{foreign_framework}"),
        allowed=ALL_USERS,
    ),
    Case(
        "frameworks-tree",
        own=_get("/frameworks/{own_framework}/nodes"),
        foreign=_get("/frameworks/{foreign_framework}/nodes"),
        allowed=ALL_USERS,
    ),
    Case(
        "frameworks-node",
        own=_get("/frameworks/{own_framework}/nodes/{own_node}"),
        foreign=_get("/frameworks/{foreign_framework}/nodes/{foreign_node}"),
        allowed=ALL_USERS,
    ),
    Case(
        "frameworks-export",
        own=_get("/frameworks/{own_framework}/export", {"format": "yaml"}),
        foreign=_get("/frameworks/{foreign_framework}/export"),
        allowed=ALL_USERS,
    ),
    Case(
        "frameworks-import",
        own=lambda w, _a: Req("POST", f"{V1}/frameworks/import", json=_doc("MX_IMPORTED", "draft")),
        allowed=SETUP_ADMINS,
        note="addressed by code, not by id: a foreign framework's code answers 409 duplicate_code "
        "without revealing it (tests/frameworks/test_lifecycle.py::test_import_cannot_touch_foreign_code)",
    ),
    Case(
        "frameworks-update",
        own=_etagged("PATCH", "/frameworks/{own_draft_framework}", {"name": "Bộ chỉ số (sửa tên)"}),
        foreign=_etagged("PATCH", "/frameworks/{foreign_draft_framework}", {"name": "X"}),
        allowed=SETUP_ADMINS,
    ),
    Case(
        "frameworks-publish",
        own=_etagged("POST", "/frameworks/{own_draft_framework}/publish"),
        foreign=_etagged("POST", "/frameworks/{foreign_draft_framework}/publish"),
        allowed=SETUP_ADMINS,
    ),
    Case(
        "frameworks-retire",
        own=_etagged("POST", "/frameworks/{own_framework}/retire"),
        foreign=_etagged("POST", "/frameworks/{foreign_framework}/retire"),
        allowed=SETUP_ADMINS,
    ),
    Case(
        "frameworks-clone",
        own=_post("/frameworks/{own_framework}/clone", {"code": "MX_OWN_2025", "valid_from_year": 2025}),
        foreign=_post(
            "/frameworks/{foreign_framework}/clone", {"code": "MX_FOREIGN_2025", "valid_from_year": 2025}
        ),
        allowed=SETUP_ADMINS,
    ),
]
