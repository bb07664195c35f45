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
    periods.generate(session, system, owner=district, year=2024)


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
