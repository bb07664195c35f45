"""Matrix rows for assignments (objects from ``plans.setup``): readers hold assignments:read; editors
assignments:edit (UNIT_WORKERS); submitters assignments:submit; reviewers assignments:review (DISTRICT_ADMINS);
comment writers comments:write (also the leader)."""

from typing import Any

from tests.authz.spec import DISTRICT_ADMINS, READERS, UNIT_SUBMITTERS, UNIT_WORKERS, Case, Req

V1 = "/api/v1"
COMMENTERS = frozenset({"district_admin", "leader", "unit_head", "unit_officer", "token"})


def _path(key: str, suffix: str = "") -> Any:
    return lambda w: f"{V1}/assignments/{w.ids[key]}{suffix}"


def _get(key: str, suffix: str = "") -> Any:
    return lambda w, a: Req("GET", _path(key, suffix)(w))


def _edit(method: str, key: str, suffix: str, body: Any = None) -> Any:
    def make(w: Any, a: str) -> Req:
        return Req(method, _path(key, suffix)(w), json=body, headers={"If-Match": w.etag(_path(key)(w))})

    return make


def _bulk(side: str) -> Any:
    return lambda w, a: Req(
        "POST",
        f"{V1}/assignments/bulk-review",
        json={"ids": [w.ids[f"{side}_assignment_submitted"]], "action": "approve"},
    )


CASES = [
    Case(
        "assignments-list",
        own=lambda w, a: Req("GET", f"{V1}/assignments", params={"limit": 500}),
        allowed=READERS,
        list_foreign_ids=lambda w: {w.ids["foreign_assignment"], w.ids["foreign_assignment_submitted"]},
    ),
    Case("assignments-get", own=_get("own_assignment"), foreign=_get("foreign_assignment"), allowed=READERS),
    Case(
        "assignments-history",
        own=_get("own_assignment", "/history"),
        foreign=_get("foreign_assignment", "/history"),
        allowed=READERS,
    ),
    Case(
        "assignments-comments",
        own=_get("own_assignment", "/comments"),
        foreign=_get("foreign_assignment", "/comments"),
        allowed=READERS,
    ),
    Case(
        "assignments-comment",
        own=lambda w, a: Req("POST", _path("own_assignment", "/comments")(w), json={"body": "Ý kiến"}),
        foreign=lambda w, a: Req(
            "POST", _path("foreign_assignment", "/comments")(w), json={"body": "Ý kiến"}
        ),
        allowed=COMMENTERS,
    ),
    Case(
        "assignments-update",
        own=_edit("PATCH", "own_assignment", "", {"progress": 40}),
        foreign=_edit("PATCH", "foreign_assignment", "", {"progress": 40}),
        allowed=UNIT_WORKERS,
    ),
    Case(
        "assignments-submit",
        own=_edit("POST", "own_assignment", "/submit", {"explanation": "Giải trình"}),
        foreign=_edit("POST", "foreign_assignment", "/submit", {"explanation": "Giải trình"}),
        allowed=UNIT_SUBMITTERS,
    ),
    Case(
        "assignments-approve",
        own=_edit("POST", "own_assignment_submitted", "/approve"),
        foreign=_edit("POST", "foreign_assignment_submitted", "/approve"),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "assignments-return",
        own=_edit("POST", "own_assignment_submitted", "/return", {"reason": "Bổ sung"}),
        foreign=_edit("POST", "foreign_assignment_submitted", "/return", {"reason": "Bổ sung"}),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "assignments-reopen",
        own=_edit("POST", "own_assignment_approved", "/reopen", {"reason": "Mở lại"}),
        foreign=_edit("POST", "foreign_assignment_approved", "/reopen", {"reason": "Mở lại"}),
        allowed=DISTRICT_ADMINS,
    ),
    Case("assignments-bulk_review", own=_bulk("own"), foreign=_bulk("foreign"), allowed=DISTRICT_ADMINS),
    Case(
        "assignments-work_list",
        own=lambda w, a: Req("GET", f"{V1}/assignments/work", params={"limit": 500, "include_done": True}),
        allowed=READERS,
        list_foreign_ids=lambda w: {w.ids["foreign_assignment"], w.ids["foreign_assignment_submitted"]},
    ),
    Case(
        "assignments-work_counts",
        own=lambda w, a: Req("GET", f"{V1}/assignments/work/counts", params={"mine": True}),
        allowed=READERS,
        note="aggregate without ids over the work list's scoped select (tests/assignments/test_work_list.py: "
        "counts equal the list's totals per state)",
    ),
    Case(
        "assignments-bulk_submit",
        own=lambda w, a: Req(
            "POST",
            f"{V1}/assignments/bulk-submit",
            json={"items": [{"id": w.ids["own_assignment"], "explanation": "Giải trình"}]},
        ),
        foreign=lambda w, a: Req(
            "POST",
            f"{V1}/assignments/bulk-submit",
            json={"items": [{"id": w.ids["foreign_assignment"], "explanation": "Giải trình"}]},
        ),
        allowed=UNIT_SUBMITTERS,
    ),
]
