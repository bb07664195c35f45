"""Matrix rows for report outlines (đề cương) and a report's indicator table (biểu số liệu).

Own objects: a copy of the shipped district outline owned by LS.BG, Hoa Thám's draft Quý I report (the reports
rows' ``own_report``). Foreign ones: a copy owned by XX.D, the XX.D.C report. Read: reports:read (shipped defaults
and outlines of the caller's own, ancestor or subtree units); copy and edit: reports:review over the owner
(district_admin, token); values: reports:edit on the report's unit.
"""

from typing import Any

from tests.authz.spec import DISTRICT_ADMINS, READERS, UNIT_WORKERS, Case, Req

V1 = "/api/v1"
ALL = {"limit": 500}


def setup(w: Any) -> None:
    from sqlmodel import col, select

    from api.models.report_outline import Indicator, ReportOutline

    s = w.session
    rows = s.exec(select(ReportOutline).where(col(ReportOutline.owner_unit_id).is_(None))).all()
    shipped = {o.code: o for o in rows}
    for side, owner in (("own", w.ids["own_district"]), ("foreign", w.ids["foreign_district"])):
        o = ReportOutline(level="district", owner_unit_id=owner, based_on_id=shipped["cchc-huyen"].id,
                          code="cchc-huyen", name=f"Đề cương {side}", sections=list(shipped["cchc-huyen"].sections))  # fmt: skip
        s.add(o)
        s.flush()
        w.ids[f"{side}_outline"] = o.id
    entered = s.exec(
        select(Indicator).where(
            Indicator.outline_id == shipped["cchc-xa"].id, Indicator.code == "VB_BAN_HANH"
        )
    ).one()
    w.ids["commune_indicator"] = entered.id
    s.commit()


def _req(method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
    return lambda w, _a: Req(method, V1 + path.format_map(w.ids), json=body, params=params)


def _etagged(method: str, path: str, body: Any = None, etag_path: str | None = None) -> Any:
    def make(w: Any, _actor: str) -> Req:
        payload = body(w) if callable(body) else body
        tag = w.etag(V1 + (etag_path or path).format_map(w.ids))
        return Req(method, V1 + path.format_map(w.ids), json=payload, headers={"If-Match": tag})

    return make


def _copy(side: str) -> Any:
    def make(w: Any, _actor: str) -> Req:
        owner = w.ids["own_district" if side == "own" else "foreign_district"]
        return Req("POST", f"{V1}/report-outlines/{w.ids[f'{side}_outline']}/copy", json={"owner_unit_id": owner},
                   headers={"Idempotency-Key": f"copy-{side}-{_actor}"})  # fmt: skip

    return make


def _values(w: Any) -> dict[str, Any]:
    return {"values": [{"indicator_id": w.ids["commune_indicator"], "value": "3"}]}


RENAME = {"name": "Đề cương báo cáo CCHC của huyện (sửa)"}

CASES = [
    Case("report_outlines-list", own=_req("GET", "/report-outlines", params=ALL), allowed=READERS,
         list_foreign_ids=lambda w: {w.ids["foreign_outline"]}),
    Case("report_outlines-get", own=_req("GET", "/report-outlines/{own_outline}"),
         foreign=_req("GET", "/report-outlines/{foreign_outline}"), allowed=READERS),
    Case("report_outlines-copy", own=_copy("own"), foreign=_copy("foreign"), allowed=DISTRICT_ADMINS),
    Case("report_outlines-update", own=_etagged("PATCH", "/report-outlines/{own_outline}", RENAME),
         foreign=_etagged("PATCH", "/report-outlines/{foreign_outline}", RENAME), allowed=DISTRICT_ADMINS),
    Case("reports-indicators", own=_req("GET", "/reports/{own_report}/indicators"),
         foreign=_req("GET", "/reports/{foreign_report}/indicators"), allowed=READERS),
    Case("reports-indicators-update",
         own=_etagged("PUT", "/reports/{own_report}/indicators", _values, "/reports/{own_report}"),
         foreign=_etagged("PUT", "/reports/{foreign_report}/indicators", _values, "/reports/{foreign_report}"),
         allowed=UNIT_WORKERS),
]  # fmt: skip
