"""Carrying work across the reform: ``POST /org-units/{id}/transfer`` (dry run, real run, audit, idempotent replay,
refusal without successor) and the 2024 Bình Gia data reading the same afterwards."""

from datetime import date

from sqlmodel import select

from api.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Evidence,
    EvidenceOwner,
    PeriodKind,
    Report,
    ReportingPeriod,
    TaskUnit,
)
from tests.two_tier.conftest import LS, docx_text, xlsx_text

OLD, NEW = "LS.BG.X.HOATHAM", "LS.X.HOATHAM"


def _rows(ls: LS, code: str) -> dict[int, tuple[str, int]]:
    unit = ls.unit(code)
    rows = ls.session.exec(select(Assignment).where(Assignment.unit_id == unit.id)).all()
    out = {a.id or 0: (str(a.status), a.version) for a in rows}
    ls.session.commit()
    return out


def _add_evidence(ls: LS, assignment_id: int, unit_id: int) -> int:
    e = Evidence(
        series_id="00000000-0000-0000-0000-000000000013",
        owner_type=EvidenceOwner.assignment,
        owner_id=assignment_id,
        unit_id=unit_id,
        title="Biên bản kiểm tra (thử chuyển giao)",
        filename="bien-ban.pdf",
        mime="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    ls.session.add(e)
    ls.session.commit()
    return e.id or 0


def _accepted_2024_report(ls: LS) -> int:
    """Hoa Thám's Quý III 2024 report, submitted and accepted by Phòng Nội vụ (frozen figures)."""
    bg = ls.unit("LS.BG")
    period = ls.session.exec(
        select(ReportingPeriod).where(
            ReportingPeriod.owner_unit_id == bg.id,
            ReportingPeriod.year == 2024,
            ReportingPeriod.kind == PeriodKind.q3,
        )
    ).one()
    r = ls.post("/reports", "chutich.hoatham", json={"period_id": period.id, "unit_id": ls.unit(OLD).id})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert ls.post(f"/reports/{rid}/submit", "chutich.hoatham", etag_of=f"/reports/{rid}").status_code == 200
    assert ls.post(f"/reports/{rid}/accept", "noivu", etag_of=f"/reports/{rid}").status_code == 200
    return int(rid)


def test_transfer_dry_run_then_real_run_audited_and_idempotent(ls: LS) -> None:
    old, new = ls.unit(OLD), ls.unit(NEW)
    before_old, before_new = _rows(ls, OLD), _rows(ls, NEW)
    open_ids = sorted(i for i, (s, _v) in before_old.items() if s != AssignmentStatus.approved)
    closed_ids = sorted(i for i, (s, _v) in before_old.items() if s == AssignmentStatus.approved)
    assert open_ids and closed_ids
    ev = _add_evidence(ls, open_ids[0], old.id or 0)
    # a pending 2024 report: its period belongs to the former district, the successor is outside it → stays
    period = ls.session.exec(
        select(ReportingPeriod).where(ReportingPeriod.year == 2024, ReportingPeriod.kind == PeriodKind.year)
    ).one()
    pending = ls.post("/reports", "chutich.hoatham", json={"period_id": period.id, "unit_id": old.id}).json()[
        "id"
    ]

    dry = ls.post(f"/org-units/{old.id}/transfer", "admin", json={}, params={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["dry_run"] is True and body["to_unit"]["code"] == NEW
    assert [s["code"] for s in body["successors"]] == [NEW]  # default from the succession link
    assert sorted(body["assignments"]) == open_ids and body["evidence"] == [ev]
    assert body["reports"] == [] and [s["reason"] for s in body["reports_skipped"]] == [
        "outside_period_owner"
    ]
    assert _rows(ls, OLD) == before_old and _rows(ls, NEW) == before_new  # nothing written
    n_audit = len(ls.session.exec(select(AuditEvent.id).where(AuditEvent.action == "transfer")).all())
    assert n_audit == 0

    key = {"Idempotency-Key": "transfer-hoatham-1"}
    real = ls.post(f"/org-units/{old.id}/transfer", "admin", json={}, headers=key)
    assert real.status_code == 200, real.text
    moved = real.json()
    assert moved["dry_run"] is False and sorted(moved["assignments"]) == open_ids
    after_old, after_new = _rows(ls, OLD), _rows(ls, NEW)
    assert sorted(after_old) == closed_ids  # approved work stays with the old unit, untouched
    assert all(after_old[i] == before_old[i] for i in closed_ids)
    assert set(open_ids) <= set(after_new)
    assert all(
        after_new[i][0] == before_old[i][0] for i in open_ids
    )  # status and progress carried as they were
    assert ls.session.get(Evidence, ev).unit_id == new.id  # type: ignore[union-attr]
    assert ls.session.get(Report, pending).unit_id == old.id  # type: ignore[union-attr]
    tasks = {ls.session.get(Assignment, i).task_id for i in open_ids}  # type: ignore[union-attr]
    assert all(ls.session.get(TaskUnit, (t, new.id)) is not None for t in tasks)
    events = ls.session.exec(select(AuditEvent).where(AuditEvent.action == "transfer")).all()
    assert len(events) == 1 and events[0].entity_id in (old.id, str(old.id))
    assert sorted(events[0].changes["assignments"]) == open_ids and events[0].changes["to_unit_id"] == new.id
    ls.session.commit()

    again = ls.post(f"/org-units/{old.id}/transfer", "admin", json={}, headers=key)
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == moved
    fresh = ls.post(f"/org-units/{old.id}/transfer", "admin", json={})  # no key: nothing is left to move
    assert fresh.status_code == 200 and fresh.json()["assignments"] == [] and fresh.json()["evidence"] == []
    assert _rows(ls, OLD) == after_old
    n_audit = len(ls.session.exec(select(AuditEvent.id).where(AuditEvent.action == "transfer")).all())
    assert n_audit == 2  # the replay wrote nothing; the second (empty) run is recorded as such


def test_transfer_refused_without_successor_and_for_non_managers(ls: LS) -> None:
    vhtt = ls.unit("LS.BG.VHTT")  # a department of the former district: no succession link
    r = ls.post(f"/org-units/{vhtt.id}/transfer", "admin", json={}, params={"dry_run": "true"})
    assert r.status_code == 409 and r.json()["code"] == "no_successor"
    old = ls.unit(OLD)
    assert ls.post(f"/org-units/{old.id}/transfer", "chutich.tinh", json={}).status_code == 403
    assert ls.post(f"/org-units/{old.id}/transfer", "chutich.hoatham", json={}).status_code == 403
    # the receiving unit is editable, but not the unit itself
    r = ls.post(
        f"/org-units/{old.id}/transfer", "admin", json={"to_unit_id": old.id}, params={"dry_run": "true"}
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_successor"
    r = ls.post(
        f"/org-units/{old.id}/transfer",
        "admin",
        json={"to_unit_id": ls.unit("LS.X.BINHGIA").id},
        params={"dry_run": "true"},
    )
    assert r.status_code == 200 and r.json()["to_unit"]["code"] == "LS.X.BINHGIA"


def test_2024_bình_gia_reads_the_same_after_a_transfer(ls: LS) -> None:
    rid = _accepted_2024_report(ls)
    before = ls.get(f"/reports/{rid}", "noivu").json()
    xlsx_before = xlsx_text(ls.get(f"/reports/{rid}/export", "noivu", params={"format": "xlsx"}).content)
    docx_before = docx_text(ls.get(f"/reports/{rid}/export", "noivu", params={"format": "docx"}).content)
    unit_before = ls.get(f"/org-units/{ls.unit(OLD).id}", "noivu").json()
    r = ls.post(f"/org-units/{ls.unit(OLD).id}/transfer", "admin", json={})
    assert r.status_code == 200 and r.json()["assignments"]
    after = ls.get(f"/reports/{rid}", "noivu").json()
    for k in ("status", "unit_id", "figures", "task_table", "is_late"):
        assert after[k] == before[k], k
    assert (
        xlsx_text(ls.get(f"/reports/{rid}/export", "noivu", params={"format": "xlsx"}).content) == xlsx_before
    )
    assert (
        docx_text(ls.get(f"/reports/{rid}/export", "noivu", params={"format": "docx"}).content) == docx_before
    )
    unit_after = ls.get(f"/org-units/{ls.unit(OLD).id}", "noivu").json()
    assert {k: unit_after[k] for k in ("code", "name", "valid_to")} == {
        k: unit_before[k] for k in ("code", "name", "valid_to")
    }
    assert unit_after["valid_to"] == date(2025, 6, 30).isoformat()
