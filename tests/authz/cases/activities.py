"""Matrix rows for CCHC activities: inspection plans, inspections, findings, outreach outputs, accountability
sessions and the documents attached to them.

World: on each side an inspection plan of the district, an open inspection of the commune (one finding without
follow-up), an outreach output of the commune and an accountability session of the commune dated 2024 (the demo's
issued 2024 plan of LS.BG takes the own side's follow-ups). Own = LS.BG → Hoa Thám; foreign = XX.D → XX.D.C.
- reading (activities:read): every business reader reaches the commune's rows; the district's inspection plan
  only those reaching the district (not the commune's head and officer);
- managing (activities:manage): Phòng Nội vụ (district_admin) and the district token;
- outreach writing (outreach:edit): the unit's officers and head, Phòng Nội vụ, the token;
- the explanation (activities:respond): only the answering unit's own head (a grant at that very unit);
- evidence: upload needs evidence:upload and the right to act on the activity; lists follow the activity's reading.
"""

from datetime import date
from typing import Any

from tests.authz.cases.evidence import PDF
from tests.authz.spec import DISTRICT_ADMINS, READERS, UNIT_WORKERS, Case, Req

V1 = "/api/v1"
DISTRICT_READERS = frozenset({"district_admin", "leader", "observer", "token"})


def _side(w: Any, side: str, owner_id: int, unit_id: int) -> None:
    from api.models.activity import (
        AccountabilityItem,
        AccountabilitySession,
        Finding,
        Inspection,
        InspectionKind,
        InspectionPlan,
        OutreachKind,
        OutreachOutput,
        Severity,
    )

    s = w.session
    plan = InspectionPlan(owner_unit_id=owner_id, year=2024, title="Kế hoạch kiểm tra CCHC năm 2024",
                          items=[{"unit_id": unit_id, "planned_month": 8, "areas": ["the_che"]}])  # fmt: skip
    s.add(plan)
    s.flush()
    ins = Inspection(plan_id=plan.id, owner_unit_id=owner_id, unit_id=unit_id, kind=InspectionKind.periodic,
                     date=date(2024, 8, 20), team=["Tổ kiểm tra"], areas=["the_che"])  # fmt: skip
    s.add(ins)
    s.flush()
    f = Finding(inspection_id=ins.id or 0, content="Chưa niêm yết TTHC", severity=Severity.low)
    o = OutreachOutput(
        unit_id=unit_id, date=date(2024, 8, 1), kind=OutreachKind.article, title="Bài viết CCHC"
    )
    ses = AccountabilitySession(owner_unit_id=owner_id, unit_id=unit_id, date=date(2024, 9, 12))
    s.add_all([f, o, ses])
    s.flush()
    s.add(AccountabilityItem(session_id=ses.id or 0, label="Chậm số hóa hồ sơ"))
    s.flush()
    w.ids.update({f"{side}_inspection_plan": plan.id, f"{side}_inspection": ins.id, f"{side}_finding": f.id,
                  f"{side}_outreach": o.id, f"{side}_session": ses.id})  # fmt: skip


def setup(w: Any) -> None:
    _side(w, "own", w.ids["own_district"], w.ids["own_unit"])
    _side(w, "foreign", w.ids["foreign_district"], w.ids["foreign_unit"])
    w.session.commit()


def _get(path: str, key: str) -> Any:
    return lambda w, a: Req("GET", f"{V1}/{path}/{w.ids[key]}")


def _pair(path: str, obj: str, suffix: str = "", method: str = "GET", body: Any = None, etag: bool = False) -> dict[str, Any]:  # fmt: skip
    def make(side: str) -> Any:
        def req(w: Any, a: str) -> Req:
            p = f"{V1}/{path}/{w.ids[f'{side}_{obj}']}{suffix}"
            headers = {"If-Match": w.etag(p)} if etag else {}
            return Req(method, p, json=body, headers=headers)

        return req

    return {"own": make("own"), "foreign": make("foreign")}


def _create(path: str, body: Any) -> dict[str, Any]:
    def make(side: str) -> Any:
        def req(w: Any, a: str) -> Req:
            return Req("POST", f"{V1}/{path}", json=body(w, side))

        return req

    return {"own": make("own"), "foreign": make("foreign")}


def _upload(path: str, obj: str) -> dict[str, Any]:
    def make(side: str) -> Any:
        return lambda w, a: Req("POST", f"{V1}/{path}/{w.ids[f'{side}_{obj}']}/evidence", data={"title": "Biên bản"},
                                files={"file": ("bien-ban.pdf", PDF, "application/pdf")})  # fmt: skip

    return {"own": make("own"), "foreign": make("foreign")}


FOLLOW_UP = {"title": "Khắc phục", "deadline": "2024-12-15"}

CASES = [
    Case("activities-areas", own=lambda w, a: Req("GET", f"{V1}/activities/areas"), allowed=READERS,
         note="the fixed list of reform areas: no object, nothing foreign"),
    Case("activities-plans_list", own=lambda w, a: Req("GET", f"{V1}/inspection-plans"), allowed=READERS,
         list_foreign_ids=lambda w: {w.ids["foreign_inspection_plan"]}),
    Case("activities-plans_get", **_pair("inspection-plans", "inspection_plan"), allowed=DISTRICT_READERS),
    Case("activities-plans_create",
         **_create("inspection-plans", lambda w, side: {"owner_unit_id": w.ids[f"{side}_district"], "year": 2024,
                                                        "title": "Kế hoạch kiểm tra"}),
         allowed=DISTRICT_ADMINS),
    Case("activities-plans_update", **_pair("inspection-plans", "inspection_plan", method="PATCH",
                                            body={"note": "Sửa"}, etag=True), allowed=DISTRICT_ADMINS),
    Case("activities-inspections_list", own=lambda w, a: Req("GET", f"{V1}/inspections"), allowed=READERS,
         list_foreign_ids=lambda w: {w.ids["foreign_inspection"]}),
    Case("activities-inspections_get", **_pair("inspections", "inspection"), allowed=READERS),
    Case("activities-inspections_create",
         **_create("inspections", lambda w, side: {"unit_id": w.ids[f"{side}_unit"], "kind": "adhoc",
                                                   "date": "2024-09-01"}),
         allowed=DISTRICT_ADMINS, ok=(201,)),
    Case("activities-inspections_update", **_pair("inspections", "inspection", method="PATCH",
                                                   body={"summary": "Sửa"}, etag=True), allowed=DISTRICT_ADMINS),
    Case("activities-inspections_close", **_pair("inspections", "inspection", "/close", method="POST",
                                                  body={"conclusion": "Đạt yêu cầu"}, etag=True),
         allowed=DISTRICT_ADMINS),
    Case("activities-findings_create", **_pair("inspections", "inspection", "/findings", method="POST",
                                                body={"content": "Thiếu hồ sơ", "severity": "high"}),
         allowed=DISTRICT_ADMINS),
    Case("activities-findings_get", **_pair("findings", "finding"), allowed=READERS),
    Case("activities-findings_update", **_pair("findings", "finding", method="PATCH", body={"severity": "high"},
                                               etag=True), allowed=DISTRICT_ADMINS),
    Case("activities-findings_delete", **_pair("findings", "finding", method="DELETE", etag=True),
         allowed=DISTRICT_ADMINS),
    Case("activities-outreach_list", own=lambda w, a: Req("GET", f"{V1}/outreach-outputs"), allowed=READERS,
         list_foreign_ids=lambda w: {w.ids["foreign_outreach"]}),
    Case("activities-outreach_get", **_pair("outreach-outputs", "outreach"), allowed=READERS),
    Case("activities-outreach_create",
         **_create("outreach-outputs", lambda w, side: {"unit_id": w.ids[f"{side}_unit"], "date": "2024-08-02",
                                                        "kind": "radio", "title": "Phát thanh"}),
         allowed=UNIT_WORKERS, ok=(201,)),
    Case("activities-outreach_update", **_pair("outreach-outputs", "outreach", method="PATCH", body={"quantity": 3},
                                               etag=True), allowed=UNIT_WORKERS),
    Case("activities-outreach_delete", **_pair("outreach-outputs", "outreach", method="DELETE", etag=True),
         allowed=UNIT_WORKERS),
    Case("activities-sessions_list", own=lambda w, a: Req("GET", f"{V1}/accountability-sessions"), allowed=READERS,
         list_foreign_ids=lambda w: {w.ids["foreign_session"]}),
    Case("activities-sessions_get", **_pair("accountability-sessions", "session"), allowed=READERS),
    Case("activities-sessions_create",
         **_create("accountability-sessions", lambda w, side: {"unit_id": w.ids[f"{side}_unit"],
                                                               "date": "2024-09-20"}),
         allowed=DISTRICT_ADMINS, ok=(201,)),
    Case("activities-sessions_update", **_pair("accountability-sessions", "session", method="PATCH",
                                               body={"conclusion": "Kết luận"}, etag=True), allowed=DISTRICT_ADMINS),
    Case("activities-sessions_explain", **_pair("accountability-sessions", "session", "/explanation", method="PUT",
                                                body={"explanation": "Giải trình"}, etag=True),
         allowed=frozenset({"unit_head"}), note="only the answering unit's own head"),
    Case("activities-sessions_follow_up", **_pair("accountability-sessions", "session", "/follow-ups",
                                                  method="POST", body=FOLLOW_UP), allowed=DISTRICT_ADMINS),
    Case("activities-evidence_upload_inspection", **_upload("inspections", "inspection"), allowed=DISTRICT_ADMINS),
    Case("activities-evidence_upload_outreach", **_upload("outreach-outputs", "outreach"),
         allowed=UNIT_WORKERS),
    Case("activities-evidence_upload_session", **_upload("accountability-sessions", "session"),
         allowed=frozenset({"district_admin", "unit_head", "token"})),
    Case("activities-evidence_list_inspection", **_pair("inspections", "inspection", "/evidence"), allowed=READERS),
    Case("activities-evidence_list_outreach", **_pair("outreach-outputs", "outreach", "/evidence"), allowed=READERS),
    Case("activities-evidence_list_session", **_pair("accountability-sessions", "session", "/evidence"),
         allowed=READERS),
]  # fmt: skip
