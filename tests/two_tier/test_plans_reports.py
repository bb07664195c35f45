"""Two-tier government (issue 13): a province plan straight to sở and communes, commune reports accepted by Sở Nội
vụ with no district in between, the province report rolling up both, a commune's own plan to its offices."""

from sqlmodel import col, select

from api.demo.langson2026 import COMMUNE_PLAN_FILE, PLAN_FILE
from api.demo.seed import load_yaml
from api.models import Assignment, OrgUnit, PeriodKind, Plan, ReportingPeriod, UnitKind, UnitLevel
from tests.two_tier.conftest import LS


def _plan(ls: LS, file: str) -> Plan:
    number = str(load_yaml(file)["plan"]["number"])
    return ls.session.exec(select(Plan).where(Plan.number == number)).one()


def _period(ls: LS, owner_code: str, kind: PeriodKind) -> ReportingPeriod:
    owner = ls.unit(owner_code)
    return ls.session.exec(
        select(ReportingPeriod).where(
            ReportingPeriod.owner_unit_id == owner.id,
            ReportingPeriod.year == 2026,
            ReportingPeriod.kind == kind,
        )
    ).one()


def test_the_65_communes_and_their_offices(ls: LS) -> None:
    province = ls.unit("LS")
    communes = ls.session.exec(
        select(OrgUnit).where(OrgUnit.parent_id == province.id, OrgUnit.level == UnitLevel.commune)
    ).all()
    assert len(communes) == 65
    assert sum(1 for c in communes if c.name.startswith("UBND phường")) == 4
    for c in communes:
        offices = ls.session.exec(select(OrgUnit).where(OrgUnit.parent_id == c.id)).all()
        assert sorted(o.code.rsplit(".", 1)[1] for o in offices) == ["KT", "TTHCC", "VHXH", "VP"], c.code
    names = {c.name for c in communes}
    assert {"UBND xã Bình Gia", "UBND xã Hoàng Văn Thụ", "UBND phường Đông Kinh", "UBND xã Ba Sơn"} <= names


def test_province_plan_reaches_departments_and_communes_and_nobody_else(ls: LS) -> None:
    plan = _plan(ls, PLAN_FILE)
    province = ls.unit("LS")
    rows = ls.session.exec(
        select(OrgUnit)
        .join(Assignment, col(Assignment.unit_id) == col(OrgUnit.id))
        .where(Assignment.plan_id == plan.id)
    ).all()
    units = {u.code: u for u in rows}
    assert all(u.parent_id == province.id for u in units.values()), "only direct children of the province"
    communes = {c for c, u in units.items() if u.level == UnitLevel.commune}
    departments = {c for c, u in units.items() if u.level == UnitLevel.province}
    assert len(communes) == 65 and all(units[c].kind == UnitKind.people_committee for c in communes)
    assert {"LS.SNV", "LS.VP", "LS.SKHCN", "LS.STP"} <= departments
    assert not any(c.startswith("LS.BG") for c in units), "no unit of the former district"

    # Through the API: a commune sees only its own share, Sở Nội vụ the whole plan.
    mine = ls.get("/assignments", "chutich.tamthanh", params={"plan_id": plan.id, "limit": 500}).json()
    assert mine["total"] > 0 and {a["unit_id"] for a in mine["items"]} == {ls.unit("LS.P.TAMTHANH").id}
    everyone = ls.get("/assignments", "sonoivu", params={"plan_id": plan.id, "limit": 1}).json()
    assert everyone["total"] == len(
        ls.session.exec(select(Assignment.id).where(Assignment.plan_id == plan.id)).all()
    )
    other = ls.session.exec(
        select(Assignment.id).where(
            Assignment.plan_id == plan.id, Assignment.unit_id == ls.unit("LS.X.BINHGIA").id
        )
    ).first()
    assert ls.get(f"/assignments/{other}", "chutich.tamthanh").status_code == 404


def test_commune_report_accepted_by_so_noi_vu_without_a_district(ls: LS) -> None:
    period = _period(ls, "LS", PeriodKind.h1)
    commune = ls.unit("LS.P.TAMTHANH")
    assert commune.parent_id == ls.unit("LS").id  # no district in between
    r = ls.post("/reports", "chutich.tamthanh", json={"period_id": period.id, "unit_id": commune.id})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    r = ls.post(f"/reports/{rid}/submit", "chutich.tamthanh", etag_of=f"/reports/{rid}")
    assert r.status_code == 200, r.text
    r = ls.post(f"/reports/{rid}/accept", "sonoivu", etag_of=f"/reports/{rid}")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted"
    # The commune cannot accept its own report; the former district's admin cannot see it at all.
    assert ls.get(f"/reports/{rid}", "noivu").status_code == 404


def test_province_report_rolls_up_departments_and_communes(ls: LS) -> None:
    period = _period(ls, "LS", PeriodKind.q3)
    province = ls.unit("LS")
    r = ls.post("/reports", "sonoivu", json={"period_id": period.id, "unit_id": province.id})
    assert r.status_code == 201, r.text
    fig = ls.get(f"/reports/{r.json()['id']}", "sonoivu").json()["figures"]
    codes = {u["code"] for u in fig["units"]}
    accepted = {u["code"] for u in fig["units"] if u["accepted"]}
    assert accepted == {"LS.X.BINHGIA", "LS.STP"}  # a commune and a sở, both straight to Sở Nội vụ
    assert fig["accepted_reports"] == 2
    assert len({c for c in codes if c.startswith(("LS.X.", "LS.P.")) and c.count(".") == 2}) == 65
    assert {"LS.SNV", "LS.VP", "LS.SKHCN"} <= codes
    assert not any(c.count(".") > 2 for c in codes), (
        "commune offices report to their commune, not the province"
    )
    assert not any(c.startswith("LS.BG") for c in codes)
    statuses = {u["code"]: u["report_status"] for u in fig["units"]}
    assert statuses["LS.X.HOANGVANTHU"] == "submitted" and statuses["LS.P.TAMTHANH"] == "returned"


def test_commune_runs_its_own_plan_with_its_offices(ls: LS) -> None:
    plan = _plan(ls, COMMUNE_PLAN_FILE)
    commune = ls.unit("LS.X.BINHGIA")
    units = set(
        ls.session.exec(
            select(OrgUnit.code)
            .join(Assignment, col(Assignment.unit_id) == col(OrgUnit.id))
            .where(Assignment.plan_id == plan.id)
        ).all()
    )
    assert units == {f"LS.X.BINHGIA.{s}" for s in ("VP", "KT", "VHXH", "TTHCC")}
    # The commune's plan admin sees it; the office officer only its own office's work.
    assert ls.get(f"/plans/{plan.id}", "vhxh.binhgia").status_code == 200
    own = ls.get("/assignments", "canbo.tthcc.binhgia", params={"limit": 500}).json()
    assert own["total"] > 0 and {a["unit_id"] for a in own["items"]} == {ls.unit("LS.X.BINHGIA.TTHCC").id}
    # The commune's aggregated report covers its offices (and its own share of the province plan).
    period = _period(ls, "LS.X.BINHGIA", PeriodKind.q3)
    r = ls.post("/reports", "vhxh.binhgia", json={"period_id": period.id, "unit_id": commune.id})
    assert r.status_code == 201, r.text
    fig = ls.get(f"/reports/{r.json()['id']}", "vhxh.binhgia").json()["figures"]
    assert {u["code"] for u in fig["units"]} <= units and fig["units"]
    # An office reports to the commune; Sở Nội vụ is above and reads it too.
    office = ls.unit("LS.X.BINHGIA.TTHCC")
    r = ls.post("/reports", "canbo.tthcc.binhgia", json={"period_id": period.id, "unit_id": office.id})
    assert r.status_code == 201, r.text
    assert ls.get(f"/reports/{r.json()['id']}", "sonoivu").status_code == 200
    assert ls.get(f"/reports/{r.json()['id']}", "chutich.tamthanh").status_code == 404


def test_role_names_follow_the_level(ls: LS) -> None:
    from api.models import Role
    from api.org_units.levels import role_label

    assert role_label(Role.district_admin, ls.unit("LS")).startswith("Sở Nội vụ")
    assert role_label(Role.district_admin, ls.unit("LS.BG")).startswith("Phòng Nội vụ")
    assert role_label(Role.leader, ls.unit("LS")) == "Chủ tịch UBND tỉnh"
    assert role_label(Role.leader, ls.unit("LS.BG")) == "Chủ tịch UBND huyện"
    assert role_label(Role.unit_head, ls.unit("LS.P.TAMTHANH")) == "Chủ tịch UBND phường"


def test_me_names_roles_by_level(ls: LS) -> None:
    so = ls.get("/me", "sonoivu").json()["memberships"]
    assert [(m["role"], m["role_label"]) for m in so] == [
        ("district_admin", "Sở Nội vụ (quản lý kế hoạch, báo cáo)")
    ]
    leader = ls.get("/me", "chutich.tinh").json()["memberships"][0]
    assert (leader["role"], leader["role_label"]) == ("leader", "Chủ tịch UBND tỉnh")
    old = ls.get("/me", "noivu").json()["memberships"][0]
    assert (old["role"], old["role_label"]) == ("district_admin", "Phòng Nội vụ (quản lý kế hoạch, báo cáo)")
