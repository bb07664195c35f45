"""Demo: the 2024 reporting periods of huyện Bình Gia (windows of domain.md §3.2, default due dates)."""

from typing import Any

from sqlmodel import Session

from api.authz.principal import Principal, grant_for_role
from api.models import OrgUnit, Role
from api.reports import periods


def seed_periods(session: Session, *, units: dict[str, OrgUnit], settings: Any) -> None:
    seed_outlines(session)
    district = units.get("LS.BG")
    if district is None or district.id is None:
        return
    system = Principal(
        user_id=None,
        token_id=None,
        name="Dữ liệu mẫu (seed)",
        grants=(grant_for_role(district.id, district.path, Role.district_admin),),
    )
    generated = periods.generate(session, system, owner=district, year=2024)
    q3 = next((p for p in generated if p.kind == "q3"), None)
    if q3 is not None:
        seed_demo_indicator_values(session, units=units, period_id=q3.id or 0)


def seed_outlines(session: Session) -> int:
    """The shipped report outlines (đề cương) and their indicators, when missing (by code). Returns how many."""
    from api.authz import scope_outline
    from api.models.report_outline import Indicator, ReportOutline
    from api.reports.outline_defaults import default_rows

    have = {o.code for o in session.exec(scope_outline.shipped_outlines()).all()}
    created = 0
    for outline, rows in default_rows():
        if outline["code"] in have:
            continue
        o = ReportOutline(**outline)
        session.add(o)
        session.flush()
        for row in rows:
            session.add(Indicator(outline_id=o.id or 0, **row))
        created += 1
    session.flush()
    return created


# Quý III/2024 indicator values of a few units (illustrative numbers): three communes and a department entered
# theirs, xã Minh Khai opened its report without entering any, so the district report shows who has not.
DEMO_VALUES: dict[str, dict[str, float]] = {
    "LS.BG.X.BINHLA": {"VB_BAN_HANH": 2, "HS_TIEP_NHAN": 412, "HS_DUNG_HAN": 405, "DVC_TRUC_TUYEN": 160,
                       "CB_DAO_TAO": 6, "CB_HAI_LONG": 86.5},
    "LS.BG.X.HOABINH": {"VB_BAN_HANH": 1, "HS_TIEP_NHAN": 238, "HS_DUNG_HAN": 238, "DVC_TRUC_TUYEN": 95,
                        "CB_DAO_TAO": 4, "CB_HAI_LONG": 91},
    "LS.BG.X.HONGPHONG": {"VB_BAN_HANH": 3, "HS_TIEP_NHAN": 305, "HS_DUNG_HAN": 290, "DVC_TRUC_TUYEN": 120,
                          "CB_DAO_TAO": 5},
    "LS.BG.X.MINHKHAI": {},
    "LS.BG.TP": {"VB_BAN_HANH": 4, "CB_DAO_TAO": 3},
}  # fmt: skip
DEMO_NOTE = "Số liệu minh họa (dữ liệu mẫu)"


def seed_demo_indicator_values(session: Session, *, units: dict[str, OrgUnit], period_id: int) -> None:
    """Draft Quý III/2024 reports of the units of :data:`DEMO_VALUES` with their values (once; kept if present)."""
    from sqlmodel import col, select

    from api.models import Report, ReportLevel
    from api.models.report_outline import Indicator, IndicatorValue, ReportOutline
    from api.reports.outlines import unit_kind_of
    from api.reports.schemas import NARRATIVE_SECTIONS
    from api.reports.service import default_signer

    shipped = {
        o.unit_kind: o
        for o in session.exec(select(ReportOutline).where(col(ReportOutline.owner_unit_id).is_(None)))
    }
    ids = [o.id for o in shipped.values()]
    indicators = {
        (i.outline_id, i.code): i
        for i in session.exec(select(Indicator).where(col(Indicator.outline_id).in_(ids)))
    }
    for code, values in DEMO_VALUES.items():
        unit = units.get(code)
        if unit is None or unit.id is None:
            continue
        exists = session.exec(
            select(Report).where(
                Report.period_id == period_id, Report.unit_id == unit.id, Report.level == ReportLevel.unit
            )
        ).first()
        if exists is not None:
            continue
        signer, title = default_signer(session, unit, ReportLevel.unit)
        report = Report(period_id=period_id, unit_id=unit.id, level=ReportLevel.unit, signer=signer,
                        signer_title=title, narrative=dict.fromkeys(NARRATIVE_SECTIONS))  # fmt: skip
        session.add(report)
        session.flush()
        outline = shipped.get(unit_kind_of(unit))
        for ind_code, value in values.items():
            ind = indicators.get(((outline.id or 0) if outline else 0, ind_code))
            if ind is not None:
                session.add(IndicatorValue(report_id=report.id or 0, indicator_id=ind.id or 0, unit_id=unit.id,
                                           value=float(value), note=DEMO_NOTE))  # fmt: skip
    session.flush()
