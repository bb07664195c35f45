"""Matrix rows for reporting periods, reports (workflow and exports) and report templates.

Own objects: periods of LS.BG for 2022, Hoa Thám's unit reports (a draft for Quý I, a submitted one for 6 tháng),
the submitted district report of LS.BG, a template of LS.BG. Foreign ones: the same in XX.D / XX.D.C.
Readers: reports:read (not the system admin); editors: reports:edit (district_admin, unit_head, unit_officer,
token); submit: reports:submit (district_admin, unit_head, token); periods, templates, accept and return of a unit
report: reports:review (district_admin, token); approve (and return) of the district report: reports:approve
(leader only — the district token's ceiling excludes it). The district report is only reachable from the
district (commune actors get 404).
"""

from typing import Any

from tests.authz.spec import DISTRICT_ADMINS, READERS, UNIT_SUBMITTERS, UNIT_WORKERS, Case, Req

V1 = "/api/v1"
YEAR = 2022  # apart from the demo (2024) and the portal rows (2023)
ALL = {"limit": 500}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DISTRICT_READERS = frozenset({"district_admin", "leader", "observer", "token"})


def _world_side(w: Any, owner_id: int, unit_id: int, prefix: str) -> None:
    from api.models import PeriodKind, Report, ReportingPeriod, ReportLevel, ReportStatus, ReportTemplate
    from api.reports.export_docx import skeleton_bytes
    from api.reports.periods import default_due_dates, windows

    s = w.session
    periods = {}
    for win in windows(YEAR):
        due_unit, due_district, due_province = default_due_dates(YEAR, win.due_month)
        p = ReportingPeriod(owner_unit_id=owner_id, year=YEAR, kind=win.kind, name=win.name, data_from=win.data_from,
                            data_to=win.data_to, due_unit=due_unit, due_district=due_district,
                            due_province=due_province)  # fmt: skip
        s.add(p)
        s.flush()
        periods[win.kind] = p

    def report(kind: PeriodKind, unit: int, level: ReportLevel, status: ReportStatus) -> int:
        r = Report(period_id=periods[kind].id, unit_id=unit, level=level, status=status, narrative={})
        s.add(r)
        s.flush()
        return r.id or 0

    w.ids[f"{prefix}_period"] = periods[PeriodKind.q1].id
    w.ids[f"{prefix}_year_period"] = periods[PeriodKind.year].id
    w.ids[f"{prefix}_report"] = report(PeriodKind.q1, unit_id, ReportLevel.unit, ReportStatus.draft)
    w.ids[f"{prefix}_submitted_report"] = report(
        PeriodKind.h1, unit_id, ReportLevel.unit, ReportStatus.submitted
    )
    w.ids[f"{prefix}_district_report"] = report(
        PeriodKind.q1, owner_id, ReportLevel.district, ReportStatus.submitted
    )
    content = skeleton_bytes()
    t = ReportTemplate(owner_unit_id=owner_id, name="unit_report.docx", content=content, sha256="0" * 64)
    s.add(t)
    s.flush()
    w.ids[f"{prefix}_template"] = t.id


def setup(w: Any) -> None:
    _world_side(w, w.ids["own_district"], w.ids["own_unit"], "own")
    _world_side(w, w.ids["foreign_district"], w.ids["foreign_unit"], "foreign")
    w.session.commit()


def _req(method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
    return lambda w, _a: Req(method, V1 + path.format_map(w.ids), json=body, params=params)


def _etagged(method: str, path: str, body: Any = None, etag_path: str | None = None) -> Any:
    def make(w: Any, _actor: str) -> Req:
        full = V1 + path.format_map(w.ids)
        tag = w.etag(V1 + (etag_path or path).format_map(w.ids))
        return Req(method, full, json=body, headers={"If-Match": tag})

    return make


def _create(side: str) -> Any:
    def make(w: Any, _actor: str) -> Req:
        unit = w.ids["own_unit" if side == "own" else "foreign_unit"]
        return Req("POST", f"{V1}/reports", json={"period_id": w.ids[f"{side}_year_period"], "unit_id": unit})

    return make


def _generate(side: str) -> Any:
    def make(w: Any, _actor: str) -> Req:
        owner = w.ids["own_district" if side == "own" else "foreign_district"]
        return Req("POST", f"{V1}/report-periods/generate", json={"year": 2021, "owner_unit_id": owner})

    return make


def _upload(side: str) -> Any:
    def make(w: Any, _actor: str) -> Req:
        from api.reports.export_docx import skeleton_bytes

        owner = w.ids["own_district" if side == "own" else "foreign_district"]
        return Req("POST", f"{V1}/report-templates", data={"name": "district_report.docx", "owner_unit_id": str(owner)},
                   files={"file": ("mau.docx", skeleton_bytes(), DOCX)})  # fmt: skip

    return make


def _ids(*keys: str) -> Any:
    return lambda w: {w.ids[k] for k in keys}


PATCH_PERIOD = {"due_unit": f"{YEAR}-03-07"}
REASON = {"reason": "Bổ sung số liệu"}

CASES = [
    # --- periods
    Case("report_periods-generate", own=_generate("own"), foreign=_generate("foreign"), allowed=DISTRICT_ADMINS),
    Case("report_periods-list", own=_req("GET", "/report-periods", params=ALL), allowed=READERS,
         list_foreign_ids=_ids("foreign_period", "foreign_year_period")),
    Case("report_periods-get", own=_req("GET", "/report-periods/{own_period}"),
         foreign=_req("GET", "/report-periods/{foreign_period}"), allowed=READERS),
    Case("report_periods-update", own=_etagged("PATCH", "/report-periods/{own_period}", PATCH_PERIOD),
         foreign=_etagged("PATCH", "/report-periods/{foreign_period}", PATCH_PERIOD), allowed=DISTRICT_ADMINS),
    # --- reports
    Case("reports-create", own=_create("own"), foreign=_create("foreign"), allowed=UNIT_WORKERS),
    Case("reports-list", own=_req("GET", "/reports", params=ALL), allowed=READERS,
         list_foreign_ids=_ids("foreign_report", "foreign_submitted_report", "foreign_district_report")),
    Case("reports-get", own=_req("GET", "/reports/{own_report}"), foreign=_req("GET", "/reports/{foreign_report}"),
         allowed=READERS),
    Case("reports-get", own=_req("GET", "/reports/{own_district_report}"),
         foreign=_req("GET", "/reports/{foreign_district_report}"), allowed=DISTRICT_READERS,
         note="the district report is outside the communes' reach"),
    Case("reports-update", own=_etagged("PATCH", "/reports/{own_report}", {"narrative": {"ket_qua": "Tốt"}}),
         foreign=_etagged("PATCH", "/reports/{foreign_report}", {"narrative": {"ket_qua": "x"}}), allowed=UNIT_WORKERS),
    Case("reports-submit", own=_etagged("POST", "/reports/{own_report}/submit", etag_path="/reports/{own_report}"),
         foreign=_etagged("POST", "/reports/{foreign_report}/submit", etag_path="/reports/{foreign_report}"),
         allowed=UNIT_SUBMITTERS),
    Case("reports-accept",
         own=_etagged("POST", "/reports/{own_submitted_report}/accept", etag_path="/reports/{own_submitted_report}"),
         foreign=_etagged("POST", "/reports/{foreign_submitted_report}/accept",
                          etag_path="/reports/{foreign_submitted_report}"),
         allowed=DISTRICT_ADMINS),
    Case("reports-return",
         own=_etagged("POST", "/reports/{own_submitted_report}/return", REASON, "/reports/{own_submitted_report}"),
         foreign=_etagged("POST", "/reports/{foreign_submitted_report}/return", REASON,
                          "/reports/{foreign_submitted_report}"),
         allowed=DISTRICT_ADMINS),
    Case("reports-return",
         own=_etagged("POST", "/reports/{own_district_report}/return", REASON, "/reports/{own_district_report}"),
         foreign=_etagged("POST", "/reports/{foreign_district_report}/return", REASON,
                          "/reports/{foreign_district_report}"),
         allowed=frozenset({"leader"}), note="the district report is returned by a leader"),
    Case("reports-approve",
         own=_etagged("POST", "/reports/{own_district_report}/approve", etag_path="/reports/{own_district_report}"),
         foreign=_etagged("POST", "/reports/{foreign_district_report}/approve",
                          etag_path="/reports/{foreign_district_report}"),
         allowed=frozenset({"leader"})),
    Case("reports-export", own=_req("GET", "/reports/{own_report}/export", params={"format": "xlsx"}),
         foreign=_req("GET", "/reports/{foreign_report}/export", params={"format": "xlsx"}), allowed=READERS),
    Case("reports-export", own=_req("GET", "/reports/{own_report}/export", params={"format": "docx"}),
         foreign=_req("GET", "/reports/{foreign_report}/export", params={"format": "json"}), allowed=READERS),
    # --- templates
    Case("report_templates-upload", own=_upload("own"), foreign=_upload("foreign"), allowed=DISTRICT_ADMINS),
    Case("report_templates-list", own=_req("GET", "/report-templates", params=ALL), allowed=READERS,
         list_foreign_ids=_ids("foreign_template")),
    Case("report_templates-get", own=_req("GET", "/report-templates/{own_template}"),
         foreign=_req("GET", "/report-templates/{foreign_template}"), allowed=READERS),
    Case("report_templates-download", own=_req("GET", "/report-templates/{own_template}/content"),
         foreign=_req("GET", "/report-templates/{foreign_template}/content"), allowed=READERS),
    Case("report_templates-delete", own=_etagged("DELETE", "/report-templates/{own_template}"),
         foreign=_etagged("DELETE", "/report-templates/{foreign_template}"), allowed=DISTRICT_ADMINS),
    Case("report_templates-default", own=_req("GET", "/report-templates/default", params={"level": "district"}),
         allowed=READERS, note="the shipped template: no object, nothing foreign"),
    Case("report_templates-placeholders", own=_req("GET", "/report-templates/placeholders"), allowed=READERS,
         note="static list of placeholders: no object, nothing foreign"),
]  # fmt: skip
