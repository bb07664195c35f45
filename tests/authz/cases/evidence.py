"""Matrix rows for evidence (tài liệu kiểm chứng): upload, lists, metadata, edit, delete, restore, download.

Own documents hang on an assignment of commune Hoa Thám (plan issued by LS.BG) and on that plan; foreign ones
on an assignment/plan of the foreign commune ``XX.D.C`` / district ``XX.D``. Uploaders: evidence:upload
(district_admin, unit_head, unit_officer, token); plan documents also need plans:manage on the issuer
(district_admin, token); deleters: evidence:delete (district_admin, unit_head, token) — an officer (evidence:upload)
only deletes its own uploads (403 here, where the setup uploaded; tests/evidence/test_dedupe_versions.py); restore:
evidence:restore (district_admin, token). Readers: everyone holding evidence:read (not the system admin).
"""

import os
from typing import Any

from tests.authz.spec import ALL_USERS, DISTRICT_ADMINS, READERS, UNIT_SUBMITTERS, UNIT_WORKERS, Case, Req

V1 = "/api/v1"
PDF = b"%PDF-1.4\n" + b"matrix evidence\n" * 64 + b"%%EOF\n"


def _get_or_none(w: Any, key: str) -> Any:
    try:
        return w.ids[key]
    except KeyError:
        return None


def _plan_with_work(w: Any, issuer: int, unit: int, label: str) -> tuple[int, int]:
    from tests.evidence.helpers import make_assignment

    return make_assignment(w.session, issuer_id=issuer, unit=unit, label=label, number=f"EVM{label}")


def _store(w: Any, owner_type: str, owner_id: int, unit_id: int, title: str) -> int:
    from api.authz.principal import Principal
    from api.evidence import service
    from api.evidence.schemas import EvidenceCreate
    from api.models import EvidenceOwner

    storage = getattr(w.app.state, "evidence_storage", None)
    if storage is None:
        storage = service.storage_from_settings(w.app.state.settings)
        w.app.state.evidence_storage = storage
    with storage.open_writer() as writer:
        writer.write(PDF + os.urandom(16))
        blob = writer.commit()
    ev = service.create(
        w.session,
        Principal(user_id=None, token_id=None, name="matrix setup"),
        owner_type=EvidenceOwner(owner_type),
        owner_id=owner_id,
        unit_id=unit_id,
        data=EvidenceCreate(title=title),
        filename=f"{title}.pdf",
        mime="application/pdf",
        blob=blob,
    )
    assert ev.id is not None
    return ev.id


def setup(w: Any) -> None:
    from datetime import UTC, datetime

    from sqlmodel import select

    from api.models import Assignment, Evidence, OrgUnit

    s = w.session
    ids = w.ids
    bg = s.exec(select(OrgUnit).where(OrgUnit.code == "LS.BG")).one().id
    own_unit, foreign_unit = ids["own_unit"], ids["foreign_unit"]
    own_a = _get_or_none(w, "own_assignment")
    foreign_a = _get_or_none(w, "foreign_assignment")
    if own_a is None:
        _, own_a = _plan_with_work(w, bg, own_unit, "1")
    if foreign_a is None:
        _, foreign_a = _plan_with_work(w, ids["foreign_district"], foreign_unit, "2")
    own_assignment = s.get(Assignment, own_a)
    foreign_assignment = s.get(Assignment, foreign_a)
    assert own_assignment is not None and foreign_assignment is not None
    # the plans of those assignments: own issued by LS.BG (communes see it), foreign by XX.D
    ids["ev_own_assignment"], ids["ev_foreign_assignment"] = own_a, foreign_a
    ids["ev_own_plan"], ids["ev_foreign_plan"] = own_assignment.plan_id, foreign_assignment.plan_id
    ids["own_evidence"] = _store(w, "assignment", own_a, own_assignment.unit_id, "Minh chứng xã")
    ids["foreign_evidence"] = _store(
        w, "assignment", foreign_a, foreign_assignment.unit_id, "Minh chứng ngoài"
    )
    from api.models import Plan

    own_plan = s.get(Plan, own_assignment.plan_id)
    foreign_plan = s.get(Plan, foreign_assignment.plan_id)
    assert own_plan is not None and foreign_plan is not None
    ids["own_plan_evidence"] = _store(w, "plan", own_plan.id or 0, own_plan.issuing_unit_id, "Kế hoạch")
    ids["foreign_plan_evidence"] = _store(
        w, "plan", foreign_plan.id or 0, foreign_plan.issuing_unit_id, "Kế hoạch ngoài"
    )
    for key, title, owner, unit in (
        ("own_deleted_evidence", "Đã xóa", own_a, own_assignment.unit_id),
        ("foreign_deleted_evidence", "Đã xóa ngoài", foreign_a, foreign_assignment.unit_id),
    ):
        ids[key] = _store(w, "assignment", owner, unit, title)
        ev = s.get(Evidence, ids[key])
        assert ev is not None
        ev.deleted_at = datetime.now(UTC)
    s.commit()


def _upload(path: str) -> Req:
    return Req(
        "POST", path, data={"title": "Biên bản"}, files={"file": ("bien-ban.pdf", PDF, "application/pdf")}
    )


def _ev(key: str, suffix: str = "") -> Any:
    return lambda w, a: Req("GET", f"{V1}/evidence/{w.ids[key]}{suffix}")


def _patch(key: str) -> Any:
    def make(w: Any, a: str) -> Req:
        path = f"{V1}/evidence/{w.ids[key]}"
        return Req("PATCH", path, json={"title": "Đã sửa"}, headers={"If-Match": w.etag(path)})

    return make


CASES = [
    Case(
        "evidence-accepted",
        own=lambda w, a: Req("GET", "/api/v1/evidence/accepted"),
        allowed=ALL_USERS,
        note="the accepted file types and size limit: the same for every signed-in caller, no object",
    ),
    Case(
        "evidence-upload_assignment",
        own=lambda w, a: _upload(f"{V1}/assignments/{w.ids['ev_own_assignment']}/evidence"),
        foreign=lambda w, a: _upload(f"{V1}/assignments/{w.ids['ev_foreign_assignment']}/evidence"),
        allowed=UNIT_WORKERS,
    ),
    Case(
        "evidence-upload_plan",
        own=lambda w, a: _upload(f"{V1}/plans/{w.ids['ev_own_plan']}/evidence"),
        foreign=lambda w, a: _upload(f"{V1}/plans/{w.ids['ev_foreign_plan']}/evidence"),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "evidence-list_assignment",
        own=lambda w, a: Req("GET", f"{V1}/assignments/{w.ids['ev_own_assignment']}/evidence"),
        foreign=lambda w, a: Req("GET", f"{V1}/assignments/{w.ids['ev_foreign_assignment']}/evidence"),
        allowed=READERS,
        list_foreign_ids=lambda w: {w.ids["foreign_evidence"]},
        foreign_listed_by=None,
        note="the list is per owner; the foreign request covers the foreign owner's documents",
    ),
    Case(
        "evidence-list_plan",
        own=lambda w, a: Req("GET", f"{V1}/plans/{w.ids['ev_own_plan']}/evidence"),
        foreign=lambda w, a: Req("GET", f"{V1}/plans/{w.ids['ev_foreign_plan']}/evidence"),
        allowed=READERS,
        list_foreign_ids=lambda w: {w.ids["foreign_plan_evidence"]},
        foreign_listed_by=None,
        note="the list is per owner; the foreign request covers the foreign owner's documents",
    ),
    Case("evidence-get", own=_ev("own_evidence"), foreign=_ev("foreign_evidence"), allowed=READERS),
    Case(
        "evidence-download",
        own=_ev("own_evidence", "/content"),
        foreign=_ev("foreign_evidence", "/content"),
        allowed=READERS,
    ),
    Case(
        "evidence-update",
        own=_patch("own_evidence"),
        foreign=_patch("foreign_evidence"),
        allowed=UNIT_WORKERS,
    ),
    Case(
        "evidence-delete",
        own=lambda w, a: Req("DELETE", f"{V1}/evidence/{w.ids['own_evidence']}"),
        foreign=lambda w, a: Req("DELETE", f"{V1}/evidence/{w.ids['foreign_evidence']}"),
        allowed=UNIT_SUBMITTERS,
    ),
    Case(
        "evidence-restore",
        own=lambda w, a: Req("POST", f"{V1}/evidence/{w.ids['own_deleted_evidence']}/restore"),
        foreign=lambda w, a: Req("POST", f"{V1}/evidence/{w.ids['foreign_deleted_evidence']}/restore"),
        allowed=DISTRICT_ADMINS,
    ),
]
