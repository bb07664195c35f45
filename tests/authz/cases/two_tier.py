"""Matrix rows for carrying work across a reorganisation (``POST /org-units/{id}/transfer``).

Own objects: a commune of LS.BG merged into a new one (both under LS.BG, so the district actors reach both); the
foreign province has the same pair. Allowed: holders of ``units:manage`` (admin, district_admin, the district
token); commune actors and readers are refused (403) — the route needs ``units:manage`` on both units.
"""

from typing import Any

from tests.authz.spec import SETUP_ADMINS, Case, Req

V1 = "/api/v1"


def _pair(w: Any, parent_code: str, prefix: str) -> None:
    from datetime import date

    from sqlmodel import select

    from api.models import OrgUnit, SuccessionKind, UnitSuccession
    from tests.authz.world import add_unit

    s = w.session
    parent = s.exec(select(OrgUnit).where(OrgUnit.code == parent_code)).one()
    old = add_unit(s, f"{parent_code}.TT.OLD", "Xã cũ (chuyển giao)", "commune", "people_committee", parent)
    new = add_unit(s, f"{parent_code}.TT.NEW", "Xã mới (chuyển giao)", "commune", "people_committee", parent)
    s.add(
        UnitSuccession(
            from_unit_id=old.id,
            to_unit_id=new.id,
            kind=SuccessionKind.merged_into,
            effective_date=date(2025, 7, 1),
        )
    )
    s.flush()
    w.ids[f"{prefix}_transfer_from"] = old.id


def setup(w: Any) -> None:
    _pair(w, "LS.BG", "own")
    _pair(w, "XX.D", "foreign")


CASES = [
    Case(
        "org_units-transfer",
        own=lambda w, a: Req(
            "POST",
            f"{V1}/org-units/{w.ids['own_transfer_from']}/transfer",
            json={},
            params={"dry_run": "true"},
        ),
        foreign=lambda w, a: Req(
            "POST",
            f"{V1}/org-units/{w.ids['foreign_transfer_from']}/transfer",
            json={},
            params={"dry_run": "true"},
        ),
        allowed=SETUP_ADMINS,
    ),
]
