"""Demo: the 2024 reporting periods of huyện Bình Gia (windows of domain.md §3.2, default due dates)."""

from typing import Any

from sqlmodel import Session

from api.authz.principal import Principal, grant_for_role
from api.models import OrgUnit, Role
from api.reports import periods


def seed_periods(session: Session, *, units: dict[str, OrgUnit], settings: Any) -> None:
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
